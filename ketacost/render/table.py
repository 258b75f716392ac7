"""Estimate -> Rich tables for a terminal: figures at the typical price, then net cost across the range.

Money columns never wrap; option names do, so every figure survives an 80-column terminal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ketacost.estimator import Estimate
from ketacost.render import display
from ketacost.render.rich_table import rich_table

if TYPE_CHECKING:
    from ketacost.render.out import Out


def _table(title: str, columns: tuple[str, ...]) -> Table:
    table = rich_table(title, pad_edge=True)
    table.add_column(columns[0], min_width=12)
    for name in columns[1:]:
        table.add_column(name.replace(" ", "\n", 1) if len(name) > 9 else name, justify="right", no_wrap=True)
    return table


def render_table(estimate: Estimate, console: Console) -> None:
    head = display.heading(estimate)
    console.print(Text(head[0], style="bold"))
    for line in head[1:]:
        console.print(Text(line))
    console.print()

    rows = display.rows(estimate)
    typical = _table("At the typical price", display.COLUMNS)
    ranged = _table("Net cost across the price range", display.RANGE_COLUMNS)
    for row in rows:
        style = "bold green" if row.cheapest else ""
        name = Text(("* " if row.cheapest else "") + row.name, style=style)
        if not row.cells:
            name.append(" (n/a)", style="dim")
            typical.add_row(name, *["-"] * (len(display.COLUMNS) - 1), style="dim")
            continue
        typical.add_row(name, *row.cells[:-1], Text(row.cells[-1], style=style or "bold"))
        ranged.add_row(name.copy(), *row.range_cells)
    console.print(typical)
    console.print()
    console.print(ranged)
    console.print()

    cheapest = display.cheapest_line(estimate)
    if cheapest:
        console.print(Text(cheapest, style="green"))
    for line in display.budget_lines(estimate):
        console.print(Text(line, style="bold"))
    for note in display.notes(estimate):
        console.print(Text(f"- {note}", style="dim"))
    console.print(Text(display.source_line(estimate), style="dim"))


def print_table(estimate: Estimate, out: Out) -> None:
    """``ketacost estimate --format table`` on a terminal."""
    render_table(estimate, out.console())
