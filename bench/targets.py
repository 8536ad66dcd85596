"""The scale targets the benchmark reports against, and the Markdown table comparing to them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    limit: float
    unit: str


TARGETS = (
    Target("full_refresh_s", "Full refresh", 300.0, "s"),
    Target("incremental_s", "Nightly refresh after one school day", 60.0, "s"),
    Target("peak_rss_mb", "Peak resident memory", 6144.0, "MB"),
    Target("ratio_to_raw_load", "Full refresh / raw DuckDB load", 15.0, "×"),
    # The target is "well under a second"; the limit is the second itself, the figure shows how
    # far under it the query stays.
    Target("analyst_query_ms", "Analyst scorecard query (median)", 1000.0, "ms"),
)


def verdict(value: float | None, target: Target) -> str:
    if value is None:
        return "not measured"
    return "meets" if value <= target.limit else "MISSES"


def _figure(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "MB":
        return f"{value:,.0f} MB ({value / 1024:.1f} GB)"
    if unit == "×":
        return f"{value:.1f}×"
    return f"{value:,.1f} {unit}"


def markdown_table(results: dict) -> str:
    """One row per target: the measured figure, the limit and whether it is met."""
    lines = ["| measure | measured | target | verdict |", "|---|---|---|---|"]
    for target in TARGETS:
        value = results.get(target.key)
        lines.append(
            f"| {target.label} | {_figure(value, target.unit)} | "
            f"≤ {_figure(target.limit, target.unit)} | {verdict(value, target)} |"
        )
    return "\n".join(lines)


def stage_table(stages_by_run: dict[str, dict[str, float]]) -> str:
    """Seconds per stage for each timed run, side by side."""
    runs = list(stages_by_run)
    stages: list[str] = []
    for run in runs:
        stages += [s for s in stages_by_run[run] if s not in stages]
    lines = ["| stage | " + " | ".join(runs) + " |", "|---|" + "---|" * len(runs)]
    for stage in stages:
        cells = [f"{stages_by_run[run].get(stage, 0.0):,.1f} s" for run in runs]
        lines.append(f"| {stage} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
