"""Tables for people: Rich on a terminal, plain aligned text anywhere else.

A table piped to a file or another program is not squeezed to 80 columns: every cell is
written whole (an invoice number or a payment reference is never cut or wrapped), columns
are padded with spaces, and nothing depends on the terminal's width or colours.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, Any, Protocol

from rich.cells import cell_len  # Rich's package and its width table only, not its console

if TYPE_CHECKING:
    from rich.table import Table


class Screen(Protocol):
    """What a table is shown on: Rich's console, or relance's that makes it on first use."""

    @property
    def is_terminal(self) -> bool:
        """Whether the output is a terminal."""

    @property
    def width(self) -> int:
        """The terminal's width."""

    @property
    def file(self) -> IO[str]:
        """Where the table is written."""

    def print(self, *objects: Any) -> None:
        """Print Rich renderables."""


def show_table(
    console: Screen,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    title: str | None = None,
    right: Sequence[str] = (),
) -> None:
    """Print `rows` (already formatted) under `columns`, right-aligning those in `right`."""
    # Too wide for the terminal even with text folded, Rich would crop the last columns: the
    # plain lines are written whole instead, and the terminal wraps them.
    if console.is_terminal and _narrowest(columns, rows, right) <= console.width:
        console.print(_rich_table(columns, rows, title, right))
        return
    console.file.write(plain_table(columns, rows, title=title, right=right))


def _is_whole(column: str, cells: Sequence[str], right: Sequence[str]) -> bool:
    # identifiers (no spaces) and right-aligned amounts are never folded
    return column in right or not any(" " in cell for cell in cells)


def _narrowest(columns: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[str]) -> int:
    """The least width the Rich table needs: whole columns at full width, text folded at
    its longest word, one space between columns."""
    width = len(columns) - 1
    for index, column in enumerate(columns):
        cells = [row[index] for row in rows]
        if _is_whole(column, cells, right):
            width += max((cell_len(c) for c in [column, *cells]), default=0)
        else:
            words = [w for c in [column, *cells] for w in c.split()]
            width += max((cell_len(w) for w in words), default=0)
    return width


def _rich_table(
    columns: Sequence[str], rows: Sequence[Sequence[str]], title: str | None, right: Sequence[str]
) -> Table:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    # Compact. Identifiers (cells without spaces) and amounts keep their whole width on one
    # line; text such as names folds when the terminal is narrow. Nothing is ever cut with an
    # ellipsis: a reference shown must be a reference a user can type back.
    table = Table(
        title=Text(title) if title else None, title_justify="left", box=box.SIMPLE_HEAD,
        pad_edge=False, padding=(0, 1), collapse_padding=True,
    )  # fmt: skip
    for index, column in enumerate(columns):
        cells = [row[index] for row in rows]
        whole = _is_whole(column, cells, right)
        table.add_column(
            column,
            justify="right" if column in right else "left",
            overflow="fold",
            no_wrap=whole,
            min_width=max((cell_len(c) for c in cells), default=0) if whole else None,
        )
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    return table


def plain_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    title: str | None = None,
    right: Sequence[str] = (),
) -> str:
    """The table as text: an optional title, the header, a rule, one line per row.

    A cell holding several lines (suggestions, one per line) continues on the next lines of
    its column.
    """
    split = [[str(cell).split("\n") for cell in row] for row in rows]
    widths = [cell_len(c) for c in columns]
    for row in split:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], *(cell_len(part) for part in cell))
    aligned_right = [c in right for c in columns]

    def line(cells: Sequence[str]) -> str:
        padded = []
        for cell, width, flush in zip(cells, widths, aligned_right, strict=True):
            gap = " " * (width - cell_len(cell))
            padded.append(gap + cell if flush else cell + gap)
        return "  ".join(padded).rstrip()

    out = [title] if title else []
    out += [line(columns), "  ".join("-" * w for w in widths)]
    for row in split:
        height = max((len(cell) for cell in row), default=1)
        for depth in range(height):
            out.append(line([cell[depth] if depth < len(cell) else "" for cell in row]))
    return "\n".join(out) + "\n"
