"""Bar charts as SVG text: pure functions, no I/O, the same input gives the same bytes.

Used by the printed annual report (Typst embeds the SVG) and usable by the website. Text in
the SVG names its font family; Typst draws it with the fonts it was given, a browser with
the reader's. Values are ``Decimal`` or ``int``; every coordinate is printed with a fixed
number of decimals so that output never depends on float formatting of the platform.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape

__all__ = ["PALETTE", "bar_chart", "nice_ticks"]

#: Fill colours of the series, chosen to stay distinct when printed in grey scale.
PALETTE = ("#1f4e79", "#8fb4d9", "#555555", "#c9c9c9", "#2e7d32", "#a5d6a7")


def _fmt(x: float) -> str:
    """A coordinate with one decimal: stable across platforms."""
    return f"{x:.1f}"


def _number(value: Decimal) -> str:
    """A value label: thousands separators, decimals only when the value has them."""
    q = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if q == q.to_integral_value():
        return f"{int(q):,}"
    return f"{q:,}"


def nice_ticks(maximum: Decimal, count: int = 5) -> list[Decimal]:
    """Axis ticks from 0 to at least ``maximum`` with a 1, 2 or 5 × 10ⁿ step."""
    if maximum <= 0:
        return [Decimal(0), Decimal(1)]
    raw = maximum / count
    exponent = raw.adjusted()
    base = Decimal(1).scaleb(exponent)
    step = next(
        s * base for s in (Decimal(1), Decimal(2), Decimal(5), Decimal(10)) if s * base >= raw
    )
    ticks = [Decimal(0)]
    while ticks[-1] < maximum:
        ticks.append(ticks[-1] + step)
    return ticks


def bar_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | int]]],
    *,
    unit: str = "",
    font_family: str = "Noto Sans CJK SC",
    width: int = 480,
    height: int = 260,
    title: str | None = None,
) -> str:
    """A vertical grouped bar chart: one group per category, one bar per series.

    ``series`` is a list of (name, values), each with one value per category. A legend is
    drawn when there is more than one series; a single series gets its values over the bars.
    """
    values = [[Decimal(v) for v in vals] for _name, vals in series]
    for vals in values:
        if len(vals) != len(categories):
            raise ValueError("every series needs one value per category")
    top_value = max((v for vals in values for v in vals), default=Decimal(0))
    ticks = nice_ticks(top_value)
    axis_max = ticks[-1]
    font = escape(font_family, {'"': "&quot;"})
    legend_h = 22 if len(series) > 1 else 0
    title_h = 22 if title else 0
    left, right, top, bottom = 64.0, 10.0, 14.0 + legend_h + title_h, 30.0
    plot_w = width - left - right
    plot_h = height - top - bottom
    out = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="{font}" font-size="11">'
        ),
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    if title:
        out.append(
            f'<text x="{_fmt(width / 2)}" y="16" text-anchor="middle" font-size="13">'
            f"{escape(title)}</text>"
        )

    def y_of(v: Decimal) -> float:
        return top + plot_h - float(v / axis_max) * plot_h if axis_max else top + plot_h

    for t in ticks:
        y = y_of(t)
        out.append(
            f'<line x1="{_fmt(left)}" y1="{_fmt(y)}" x2="{_fmt(width - right)}" y2="{_fmt(y)}" '
            f'stroke="#d0d0d0" stroke-width="0.6"/>'
        )
        out.append(
            f'<text x="{_fmt(left - 6)}" y="{_fmt(y + 4)}" text-anchor="end" fill="#333333">'
            f"{_number(t)}</text>"
        )
    if unit:
        out.append(
            f'<text x="{_fmt(left - 6)}" y="{_fmt(top - 6)}" text-anchor="end" fill="#333333">'
            f"{escape(unit)}</text>"
        )
    n_cat = max(len(categories), 1)
    group_w = plot_w / n_cat
    bar_w = min(group_w * 0.8 / max(len(series), 1), 48.0)
    for i, cat in enumerate(categories):
        gx = left + i * group_w + (group_w - bar_w * len(series)) / 2
        for j, vals in enumerate(values):
            v = vals[i]
            y = y_of(v)
            colour = PALETTE[j % len(PALETTE)]
            out.append(
                f'<rect x="{_fmt(gx + j * bar_w)}" y="{_fmt(y)}" width="{_fmt(bar_w * 0.92)}" '
                f'height="{_fmt(top + plot_h - y)}" fill="{colour}"/>'
            )
            if len(series) == 1:
                out.append(
                    f'<text x="{_fmt(gx + j * bar_w + bar_w * 0.46)}" y="{_fmt(y - 4)}" '
                    f'text-anchor="middle" font-size="10" fill="#111111">{_number(v)}</text>'
                )
        out.append(
            f'<text x="{_fmt(left + (i + 0.5) * group_w)}" y="{_fmt(height - bottom + 18)}" '
            f'text-anchor="middle" fill="#111111">{escape(cat)}</text>'
        )
    out.append(
        f'<line x1="{_fmt(left)}" y1="{_fmt(top + plot_h)}" x2="{_fmt(width - right)}" '
        f'y2="{_fmt(top + plot_h)}" stroke="#333333" stroke-width="1"/>'
    )
    if len(series) > 1:
        x = left
        y = title_h + 8
        for j, (name, _vals) in enumerate(series):
            colour = PALETTE[j % len(PALETTE)]
            out.append(
                f'<rect x="{_fmt(x)}" y="{_fmt(y)}" width="12" height="12" fill="{colour}"/>'
            )
            out.append(
                f'<text x="{_fmt(x + 16)}" y="{_fmt(y + 10)}" fill="#111111">{escape(name)}</text>'
            )
            x += 28 + 12 * len(name)
    out.append("</svg>")
    return "\n".join(out) + "\n"
