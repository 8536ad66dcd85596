"""Inline SVG charts for the static portal, built as strings so the site needs no script,
CDN or network. Every chart carries a <title> and <desc> for screen readers; the page puts a data
table next to it. A withheld value is drawn as the word "suppressed", never as a zero bar."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

WIDTH = 360
BAR_ROW_HEIGHT = 22


@dataclass(frozen=True)
class ChartPoint:
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


def point_from_published(label: str, value: str | None, is_suppressed: bool) -> ChartPoint:
    """Turn a published value string into a chart point."""
    if value:
        try:
            number = float(value)
        except ValueError:
            return ChartPoint(label, None, value)  # coded: "≤5%" / "≥95%"
        return ChartPoint(label, number, display_number(number))
    return ChartPoint(label, None, "suppressed" if is_suppressed else "no data")


def _svg_open(chart_id: str, height: int, title: str, description: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )


def _describe(points: list[ChartPoint]) -> str:
    return "; ".join(f"{p.label}: {p.text}" for p in points)


def _domain(points: list[ChartPoint], unit: str) -> tuple[float, float]:
    numbers = [p.number for p in points if p.number is not None]
    if unit == "percent":
        return 0.0, 100.0
    low = min([0.0, *numbers])
    high = max([0.0, *numbers])
    if high == low:
        high = low + 1.0
    return low, high


def line_chart(chart_id: str, title: str, points: list[ChartPoint], unit: str) -> str:
    """Values over school years; withheld years show the word "suppressed" on the axis."""
    height = 170
    left, right, top, bottom = 48, WIDTH - 36, 22, height - 40
    low, high = _domain(points, unit)

    def y_of(number: float) -> float:
        return bottom - (number - low) / (high - low) * (bottom - top)

    step = (right - left) / max(len(points) - 1, 1)
    xs = [left + i * step if len(points) > 1 else (left + right) / 2 for i in range(len(points))]
    parts = [_svg_open(chart_id, height, title, _describe(points))]
    parts.append(
        f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" class="axis"/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" class="axis"/>'
        f'<text x="{left - 4}" y="{top + 4}" class="tick" text-anchor="end">{high:g}</text>'
        f'<text x="{left - 4}" y="{bottom}" class="tick" text-anchor="end">{low:g}</text>'
    )
    segment: list[str] = []
    for x, point in zip(xs, points, strict=True):
        if point.is_drawn:
            segment.append(f"{x:.1f},{y_of(point.number):.1f}")
        else:
            if len(segment) > 1:
                parts.append(f'<polyline points="{" ".join(segment)}" class="line"/>')
            segment = []
    if len(segment) > 1:
        parts.append(f'<polyline points="{" ".join(segment)}" class="line"/>')
    for x, point in zip(xs, points, strict=True):
        if point.is_drawn:
            y = y_of(point.number)
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" class="dot"/>'
                f'<text x="{x:.1f}" y="{y - 8:.1f}" class="label" text-anchor="middle">'
                f"{escape(point.text)}</text>"
            )
        else:
            parts.append(
                f'<text x="{x:.1f}" y="{bottom - 8}" class="withheld" text-anchor="middle">'
                f"{escape(point.text)}</text>"
            )
        parts.append(
            f'<text x="{x:.1f}" y="{bottom + 16}" class="tick" text-anchor="middle">'
            f"{escape(point.label)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(chart_id: str, title: str, points: list[ChartPoint], unit: str) -> str:
    """One horizontal bar per student group; withheld groups show "suppressed" instead."""
    label_width, value_width = 70, 70
    left, right = label_width, WIDTH - value_width
    height = BAR_ROW_HEIGHT * len(points) + 8
    low, high = _domain(points, unit)

    def x_of(number: float) -> float:
        return left + (number - low) / (high - low) * (right - left)

    zero = x_of(0.0)
    parts = [_svg_open(chart_id, height, title, _describe(points))]
    for row, point in enumerate(points):
        y = 4 + row * BAR_ROW_HEIGHT
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 15}" class="tick" text-anchor="end">'
            f"{escape(point.label)}</text>"
        )
        if point.is_drawn:
            end = x_of(point.number)
            x, width = min(zero, end), max(abs(end - zero), 1.0)
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{width:.1f}" height="{BAR_ROW_HEIGHT - 8}" '
                f'class="bar"/>'
                f'<text x="{right + 6}" y="{y + 15}" class="label">{escape(point.text)}</text>'
            )
        else:
            parts.append(
                f'<text x="{left + 4}" y="{y + 15}" class="withheld">{escape(point.text)}</text>'
            )
    parts.append(
        f'<line x1="{zero:.1f}" y1="2" x2="{zero:.1f}" y2="{height - 2}" class="axis"/></svg>'
    )
    return "".join(parts)
