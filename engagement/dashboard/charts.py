"""Horizontal bar charts drawn as inline SVG from a dashboard table (no JavaScript).

The geometry is computed here; templates/dashboard/_chart.html draws it, with a title and a text
description (the same numbers as the data table printed below each chart).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from engagement.dashboard.metrics import Table

WIDTH = 640.0
LABEL_WIDTH = 200.0
VALUE_WIDTH = 56.0
BAR_HEIGHT = 14.0
ROW_GAP = 10.0
TOP = 26.0
#: At most this many rows are drawn (the table below lists them all).
MAX_ROWS = 15


@dataclass(frozen=True)
class Bar:
    series: int
    x: float
    y: float
    width: float
    value: float
    text_y: float


@dataclass(frozen=True)
class Row:
    label: str
    label_y: float
    bars: list[Bar]


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    description: str
    series: list[str]
    rows: list[Row]
    height: float
    #: Legend swatch x positions.
    legend_x: list[float]

    @property
    def view_box(self) -> str:
        return f"0 0 {WIDTH:.0f} {self.height:.0f}"

    @property
    def empty(self) -> bool:
        return not self.rows


def _value(cell: object) -> float:
    return float(cell) if isinstance(cell, int | float) else 0.0


def bar_chart(table: Table) -> Chart:
    """Bars for the table's ``chart`` columns, one group per row, scaled to the largest value."""
    series = [table.headers[i] for i in table.chart]
    rows = table.rows[:MAX_ROWS]
    largest = max((_value(row[i]) for row in rows for i in table.chart), default=0.0) or 1.0
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    group = BAR_HEIGHT * len(series) + ROW_GAP
    drawn = []
    for n, row in enumerate(rows):
        top = TOP + n * group
        bars = [
            Bar(
                series=s,
                x=LABEL_WIDTH,
                y=round(top + s * BAR_HEIGHT, 1),
                width=round(max(_value(row[i]) / largest * span, 0.0), 1),
                value=_value(row[i]),
                text_y=round(top + s * BAR_HEIGHT + BAR_HEIGHT - 3, 1),
            )
            for s, i in enumerate(table.chart)
        ]
        drawn.append(Row(str(row[0]), round(top + group / 2, 1), bars))
    parts = []
    for row in rows:
        values = ", ".join(f"{table.headers[i]} {_fmt(row[i])}" for i in table.chart)
        parts.append(f"{row[0]}: {values}")
    if not parts:
        description = _("No data for this period.")
    elif len(table.rows) > MAX_ROWS:
        description = _(
            "Bar chart (first %(shown)s of %(total)s rows). %(bars)s.",
            shown=MAX_ROWS,
            total=len(table.rows),
            bars="; ".join(parts),
        )
    else:
        description = _("Bar chart. %(bars)s.", bars="; ".join(parts))
    return Chart(
        key=table.key,
        title=table.title,
        description=description,
        series=series,
        rows=drawn,
        height=TOP + len(rows) * group + 6,
        legend_x=[LABEL_WIDTH + i * 170 for i in range(len(series))],
    )


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
