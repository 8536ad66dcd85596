"""Synthetic district generator: realistic source files in the exact shape of SOURCES.md."""

from synthetic_district.generate import DEFAULT_AS_OF, GenerationSummary, generate_district

__all__ = ["DEFAULT_AS_OF", "GenerationSummary", "generate_district"]
