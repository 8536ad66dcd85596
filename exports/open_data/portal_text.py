"""The portal's words in English and Spanish, from one catalogue a district can extend.

The catalogue is the CSV files in translations/ (columns key, en, es): `portal_text.csv` holds
the interface (headings, labels, explanations, withheld-cell reasons, dates), and
`measure_text.csv` the Spanish names and plain descriptions of the measures
(`measure.<code>.name`, `measure.<code>.description`) and the Spanish names of the student
groups (`group.<code>`). A district adds or overrides rows with its own CSV of the same columns,
named by OPEN_DATA_PORTAL_TEXT. The English names of measures and groups come from the release
(the measure catalog and student_group_labels seeds); the catalogue's `en` column beside them is
the text the translation was made from.

A text missing in Spanish is shown in English and recorded (`Texts.missing`), so the build can
say which keys a translator still has to fill; a key missing in English is an error.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

TRANSLATIONS_DIR = Path(__file__).with_name("translations")
CATALOGUE_FILES = ("portal_text.csv", "measure_text.csv")
EXTRA_CATALOGUE_ENV = "OPEN_DATA_PORTAL_TEXT"


@dataclass(frozen=True)
class Language:
    """A language the portal is written in, and where its pages go in the site."""

    code: str  # the html lang attribute
    prefix: str  # "" for English at the site root, "es/" for Spanish


LANGUAGES = (Language("en", ""), Language("es", "es/"))

_MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "es": [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
}


def catalogue_files() -> list[Path]:
    """The shipped catalogue files, then the district's own (OPEN_DATA_PORTAL_TEXT), if set."""
    files = [TRANSLATIONS_DIR / name for name in CATALOGUE_FILES]
    extra = os.environ.get(EXTRA_CATALOGUE_ENV, "").strip()
    if extra:
        files.append(Path(extra))
    return files


def load_catalogue(files: list[Path] | None = None) -> dict[str, dict[str, str]]:
    """key -> {language: text}; a later file's non-empty cells override earlier ones."""
    entries: dict[str, dict[str, str]] = {}
    for path in files if files is not None else catalogue_files():
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                key = (row.get("key") or "").strip()
                if not key:
                    continue
                entry = entries.setdefault(key, {})
                for language in LANGUAGES:
                    text = row.get(language.code) or ""
                    if text:
                        entry[language.code] = text
    return entries


def catalogue_bytes(files: list[Path] | None = None) -> bytes:
    """The catalogue's bytes, for the digest that decides whether pages are redrawn."""
    return b"".join(path.read_bytes() for path in files or catalogue_files())


def long_date(day: str | date, language: str) -> str:
    """'2026-11-20' -> '20 November 2026' or '20 de noviembre de 2026', with no locale."""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    month = _MONTHS[language][day.month - 1]
    if language == "es":
        return f"{day.day} de {month} de {day.year}"
    return f"{day.day} {month} {day.year}"


@dataclass
class Texts:
    """The portal's words in one language: `t(key, **fields)` formats the catalogue's text."""

    language: str
    entries: dict[str, dict[str, str]]
    missing: set[str] = field(default_factory=set)  # keys shown in English instead

    def __call__(self, key: str, **fields) -> str:
        entry = self.entries[key]  # a key the portal uses must have its English text
        text = entry.get(self.language)
        if text is None:
            self.missing.add(key)
            text = entry["en"]
        return text.format(**fields) if fields else text

    def translated(self, key: str, english: str) -> str:
        """The catalogue's text for `key` in this language; `english` (the release's name or
        description) in English, or when there is no translation (then recorded)."""
        if self.language == "en":
            return english
        text = self.entries.get(key, {}).get(self.language)
        if text is None:
            self.missing.add(key)
            return english
        return text

    def date(self, day: str | date) -> str:
        return long_date(day, self.language)
