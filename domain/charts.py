"""Charts as server-rendered SVG: readable without JavaScript, styled by class names
(static/dashboards.css: no inline style, so the strict CSP holds), each with a
<title> and a <desc> for screen readers. Pages show the same numbers in a table too.

Pure: numbers in, SVG text out (escaped); the caller marks it safe for the template.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

WIDTH, HEIGHT = 600, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 30, 34


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float, ...]
    css_class: str  # chart-bar-a, chart-line-done, ...


def _nice_max(value: float) -> float:
    """A round top for the axis, at least `value` (and at least 1)."""
    if value <= 1:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = step * magnitude
        if top >= value:
            return top
    return 10 * magnitude


def _label(day: date) -> str:
    return f"{day.day} {day.strftime('%b')}"


def _frame(chart_id: str, title: str, desc: str, body: list[str]) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def _axes(top: float, weeks: Sequence[date], unit: str) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = []
    for n in range(5):
        value = top * n / 4
        y = TOP + plot_h - plot_h * n / 4
        text = f"{value:g}"
        parts.append(
            f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="chart-tick" x="{LEFT - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end">{text}</text>'
        )
    parts.append(f'<text class="chart-tick" x="4" y="14" text-anchor="start">{escape(unit)}</text>')
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(weeks))
    for n, week in enumerate(weeks):
        if (len(weeks) - 1 - n) % 2 == 0:  # every other week's label, ending with the last
            x = LEFT + slot * (n + 0.5)
            parts.append(
                f'<text class="chart-tick" x="{x:.1f}" y="{HEIGHT - 12}" '
                f'text-anchor="middle">{_label(week)}</text>'
            )
    return parts


def bar_chart(
    chart_id: str, title: str, desc: str, weeks: Sequence[date], series: Series, unit: str
) -> str:
    """One bar per week."""
    top = _nice_max(max(series.values, default=0))
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(weeks))
    body = _axes(top, weeks, unit)
    for n, (week, value) in enumerate(zip(weeks, series.values, strict=True)):
        h = plot_h * value / top
        x = LEFT + slot * n + slot * 0.15
        body.append(
            f'<rect class="{series.css_class}" x="{x:.1f}" y="{TOP + plot_h - h:.1f}" '
            f'width="{slot * 0.7:.1f}" height="{h:.1f}">'
            f"<title>{escape(f'{series.label}, week of {_label(week)}: {value:g}')}</title></rect>"
        )
    return _frame(chart_id, title, desc, body)


def line_chart(
    chart_id: str, title: str, desc: str, weeks: Sequence[date], lines: Sequence[Series], unit: str
) -> str:
    """One line per series over the weeks, with a legend."""
    top = _nice_max(max((v for s in lines for v in s.values), default=0))
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(weeks))
    body = _axes(top, weeks, unit)
    for number, series in enumerate(lines):
        points = " ".join(
            f"{LEFT + slot * (n + 0.5):.1f},{TOP + plot_h - plot_h * v / top:.1f}"
            for n, v in enumerate(series.values)
        )
        body.append(f'<polyline class="{series.css_class}" fill="none" points="{points}"/>')
        x = WIDTH - RIGHT - 130 * (len(lines) - number)
        body.append(
            f'<line class="{series.css_class}" x1="{x}" x2="{x + 18}" y1="10" '
            f'y2="10"/><text class="chart-legend" x="{x + 22}" y="14">'
            f"{escape(series.label)}</text>"
        )
    return _frame(chart_id, title, desc, body)
