"""The geometry of the small SVG charts the templates draw (no JavaScript, no library)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT, GAP, LABEL_SPACE = 600, 180, 12, 36


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its box in the chart's coordinates, and its rank (for its colour)."""

    x: int
    y: int
    width: int
    height: int
    rank: int
    label: str  # short, under the bar
    title: str  # what the bar is, in full, shown on hover


def bars(values: list[Decimal], labels: list[str], titles: list[str]) -> list[Bar]:
    """Bars side by side for `values`, the tallest filling the chart's height, each with a
    short label under it and a title in full."""
    if not values:
        return []
    top = max(values) or Decimal(1)
    width = (WIDTH - GAP * (len(values) + 1)) // len(values)
    drawn = HEIGHT - LABEL_SPACE
    found = []
    for rank, (value, label, title) in enumerate(zip(values, labels, titles, strict=True)):
        height = int(drawn * value / top) if value > 0 else 0
        x = GAP + rank * (width + GAP)
        found.append(Bar(x, drawn - height + 4, width, height, rank, label, title))
    return found
