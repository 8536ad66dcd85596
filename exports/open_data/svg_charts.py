"""Inline SVG charts for the static portal, built as strings so the site needs no script,
CDN or network. Every chart carries a <title> and <desc> for screen readers; the page puts a data
table next to it. A withheld value is drawn as the word "suppressed", never as a zero bar.

The portal draws about 90,000 charts for a district of 1,000 schools, so the functions here take
points as plain (label, number, text) tuples (ChartPoint is one) and do no work twice:
`point_from_published` remembers the text of every published value it has seen.
"""

from __future__ import annotations

from html import escape
from typing import NamedTuple

WIDTH = 360
BAR_CHART_WIDTH = 520  # group names take a 220-pixel column
BAR_LABEL_WIDTH = 220
BAR_ROW_HEIGHT = 22


class ChartPoint(NamedTuple):
    """One label and its published value: a number, a coded text such as "≤5%", or withheld."""

    label: str
    number: float | None
    text: str  # what to print: the formatted number, the coded text, or "suppressed"

    @property
    def is_drawn(self) -> bool:
        return self.number is not None


def display_number(number: float) -> str:
    """A value as a reader wants it: 0.1 for rates and points, 0.01 for small ratios and indices.

    The release keeps four decimals for reuse; the portal shows the precision people read.
    """
    return f"{round(number, 2 if abs(number) < 10 else 1):g}"


class _EscapedText(dict):
    """HTML-escaped text, remembered: labels, titles and value texts repeat across pages."""

    limit = 1_000_000

    def __missing__(self, text: str) -> str:
        escaped = escape(text)
        if len(self) >= self.limit:
            self.clear()
        self[text] = escaped
        return escaped


escaped = _EscapedText()

# Published value string -> (number or None, display text). Values repeat a great deal across
# schools and groups (a few hundred thousand distinct ones in millions of cells).
_PUBLISHED_VALUES: dict[str, tuple[float | None, str]] = {}
_PUBLISHED_VALUES_LIMIT = 2_000_000


def published_number_and_text(value: str | None, is_suppressed: bool) -> tuple[float | None, str]:
    """The number to draw (None when not drawn) and the text to print for a published value."""
    if not value:
        return None, "suppressed" if is_suppressed else "no data"
    known = _PUBLISHED_VALUES.get(value)
    if known is not None:
        return known
    try:
        number = float(value)
    except ValueError:
        known = (None, value)  # coded: "≤5%" / "≥95%"
    else:
        known = (number, display_number(number))
    if len(_PUBLISHED_VALUES) >= _PUBLISHED_VALUES_LIMIT:
        _PUBLISHED_VALUES.clear()
    _PUBLISHED_VALUES[value] = known
    return known


def point_from_published(label: str, value: str | None, is_suppressed: bool) -> ChartPoint:
    """Turn a published value string into a chart point."""
    number, text = published_number_and_text(value, is_suppressed)
    return ChartPoint(label, number, text)


def _svg_open(chart_id: str, height: int, title: str, description: str, width: int = WIDTH) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escaped[title]}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )


def _describe(points) -> str:
    return "; ".join(f"{label}: {text}" for label, _, text in points)


def _domain(points, unit: str) -> tuple[float, float]:
    if unit == "percent":
        return 0.0, 100.0
    numbers = [number for _, number, _ in points if number is not None]
    low = min([0.0, *numbers])
    high = max([0.0, *numbers])
    if high == low:
        high = low + 1.0
    return low, high


def line_chart(chart_id: str, title: str, points, unit: str) -> str:
    """Values over school years; withheld years show the word "suppressed" on the axis.

    `points` are ChartPoints or (label, number, text) tuples.
    """
    height = 170
    left, right, top, bottom = 48, WIDTH - 36, 22, height - 40
    low, high = _domain(points, unit)
    span = high - low
    plot_height = bottom - top
    count = len(points)
    step = (right - left) / max(count - 1, 1)
    parts = [
        _svg_open(chart_id, height, title, _describe(points)),
        f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" class="axis"/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" class="axis"/>'
        f'<text x="{left - 4}" y="{top + 4}" class="tick" text-anchor="end">{high:g}</text>'
        f'<text x="{left - 4}" y="{bottom}" class="tick" text-anchor="end">{low:g}</text>',
    ]
    marks = []
    segment: list[str] = []
    for i, (label, number, text) in enumerate(points):
        x = left + i * step if count > 1 else (left + right) / 2
        if number is not None:
            y = bottom - (number - low) / span * plot_height
            segment.append(f"{x:.1f},{y:.1f}")
            marks.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" class="dot"/>'
                f'<text x="{x:.1f}" y="{y - 8:.1f}" class="label" text-anchor="middle">'
                f"{escaped[text]}</text>"
            )
        else:
            if len(segment) > 1:
                parts.append(f'<polyline points="{" ".join(segment)}" class="line"/>')
            segment = []
            marks.append(
                f'<text x="{x:.1f}" y="{bottom - 8}" class="withheld" text-anchor="middle">'
                f"{escaped[text]}</text>"
            )
        marks.append(
            f'<text x="{x:.1f}" y="{bottom + 16}" class="tick" text-anchor="middle">'
            f"{escaped[label]}</text>"
        )
    if len(segment) > 1:
        parts.append(f'<polyline points="{" ".join(segment)}" class="line"/>')
    parts.extend(marks)
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(chart_id: str, title: str, points, unit: str) -> str:
    """One horizontal bar per student group; withheld groups show "suppressed" instead.

    `points` are ChartPoints or (label, number, text) tuples.
    """
    label_width, value_width = BAR_LABEL_WIDTH, 70
    left, right = label_width, BAR_CHART_WIDTH - value_width
    height = BAR_ROW_HEIGHT * len(points) + 8
    low, high = _domain(points, unit)
    span = high - low
    plot_width = right - left
    zero = left + (0.0 - low) / span * plot_width
    parts = [_svg_open(chart_id, height, title, _describe(points), BAR_CHART_WIDTH)]
    for row, (label, number, text) in enumerate(points):
        y = 4 + row * BAR_ROW_HEIGHT
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 15}" class="tick" text-anchor="end">'
            f"{escaped[label]}</text>"
        )
        if number is not None:
            end = left + (number - low) / span * plot_width
            x, width = min(zero, end), max(abs(end - zero), 1.0)
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{width:.1f}" height="{BAR_ROW_HEIGHT - 8}" '
                f'class="bar"/>'
                f'<text x="{right + 6}" y="{y + 15}" class="label">{escaped[text]}</text>'
            )
        else:
            parts.append(
                f'<text x="{left + 4}" y="{y + 15}" class="withheld">{escaped[text]}</text>'
            )
    parts.append(
        f'<line x1="{zero:.1f}" y1="2" x2="{zero:.1f}" y2="{height - 2}" class="axis"/></svg>'
    )
    return "".join(parts)


GAP_CHART_WIDTH = 520
_GAP_COLOURS = ("#0b5394", "#b45f06", "#38761d", "#741b47", "#134f5c", "#990000", "#7f6000")


def gap_chart(
    chart_id: str, title: str, years: list[str], series, withheld: str = "withheld"
) -> str:
    """Each group's gap to all students (group − all students) over the school years: one line
    per group, a dashed zero line (no gap) and a legend naming the groups.

    `series` holds (group name, [gap or None per year]); a None breaks the line, and the
    description says `withheld` (in the page's language) there.
    """
    left, right, top, bottom = 48, GAP_CHART_WIDTH - 48, 16, 166
    height = bottom + 40 + 16 * len(series)
    numbers = [gap for _, gaps in series for gap in gaps if gap is not None]
    low, high = min([0.0, *numbers]), max([0.0, *numbers])
    if high == low:
        high = low + 1.0
    span = high - low
    step = (right - left) / max(len(years) - 1, 1)

    def x_of(i: int) -> float:
        return left + i * step if len(years) > 1 else (left + right) / 2

    def y_of(gap: float) -> float:
        return bottom - (gap - low) / span * (bottom - top)

    description = "; ".join(
        f"{name}: "
        + ", ".join(
            f"{year} {withheld if gap is None else display_number(gap)}"
            for year, gap in zip(years, gaps, strict=True)
        )
        for name, gaps in series
    )
    zero = y_of(0.0)
    parts = [
        _svg_open(chart_id, height, title, description, GAP_CHART_WIDTH),
        f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" class="axis"/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" class="axis"/>'
        f'<line x1="{left}" y1="{zero:.1f}" x2="{right}" y2="{zero:.1f}" class="zero"/>'
        f'<text x="{left - 4}" y="{top + 4}" class="tick" text-anchor="end">'
        f"{display_number(high)}</text>"
        f'<text x="{left - 4}" y="{bottom}" class="tick" text-anchor="end">'
        f"{display_number(low)}</text>",
    ]
    for i, year in enumerate(years):
        parts.append(
            f'<text x="{x_of(i):.1f}" y="{bottom + 16}" class="tick" text-anchor="middle">'
            f"{escaped[year]}</text>"
        )
    for index, (name, gaps) in enumerate(series):
        colour = _GAP_COLOURS[index % len(_GAP_COLOURS)]
        segment: list[str] = []
        for i, gap in enumerate(gaps):
            if gap is None:
                if len(segment) > 1:
                    parts.append(
                        f'<polyline points="{" ".join(segment)}" class="gap-line" '
                        f'stroke="{colour}"/>'
                    )
                segment = []
                continue
            point = f"{x_of(i):.1f},{y_of(gap):.1f}"
            segment.append(point)
            parts.append(f'<circle cx="{x_of(i):.1f}" cy="{y_of(gap):.1f}" r="3" fill="{colour}"/>')
        if len(segment) > 1:
            parts.append(
                f'<polyline points="{" ".join(segment)}" class="gap-line" stroke="{colour}"/>'
            )
        legend_y = bottom + 36 + 16 * index
        parts.append(
            f'<rect x="{left}" y="{legend_y - 9}" width="12" height="4" fill="{colour}"/>'
            f'<text x="{left + 18}" y="{legend_y}" class="tick">{escaped[name]}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
