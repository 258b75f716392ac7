"""Estimate -> Rich tables for a terminal: figures at the typical price, then net cost across the range.

Money columns never wrap; option names do. Below the width a table needs, each option becomes a block of its
own (:mod:`ketacost.render.plain`), so no figure is ever cut, at any width.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ketacost.estimator import Estimate
from ketacost.render import display, plain
from ketacost.render.rich_table import rich_table

if TYPE_CHECKING:
    from ketacost.render.out import Out


def _table(title: str, columns: tuple[str, ...]) -> Table:
    table = rich_table(title, pad_edge=True)
    table.add_column(columns[0], min_width=12)
    for name in columns[1:]:
        table.add_column("\n".join(plain.heading_parts(name)), justify="right", no_wrap=True)
    return table


def _cells(rows: list[display.Row], ranged: bool) -> list[list[str]]:
    """The rows' text as the plain view lays it out (the Rich table has the same widths, plus its edge)."""
    return [
        [row.name, *(row.range_cells if ranged else row.cells or ["-"] * (len(display.COLUMNS) - 1))]
        for row in rows
        if row.cells or not ranged
    ]


def _fits(console: Console, columns: tuple[str, ...], body: list[list[str]]) -> bool:
    return console.width >= plain.table_width(columns, [["* " + row[0], *row[1:]] for row in body]) + 1


def _stacked(console: Console, title: str, columns: tuple[str, ...], rows: list[display.Row], ranged: bool) -> None:
    """One block per option: its name, then a line per figure."""
    console.print(Text(title, style="bold"))
    blocks = plain.stacked_lines(columns, _cells(rows, ranged))
    shown = [row for row in rows if row.cells or not ranged]
    for row, (name, figures) in zip(shown, blocks, strict=True):
        style = "bold green" if row.cheapest else "bold"
        text = ("* " if row.cheapest else "") + name + ("" if row.cells else " (n/a)")
        for line in plain.wrap(text, console.width, subsequent_indent="  ") or [""]:
            console.print(Text(line, style=style))
        for line in figures:
            console.print(Text(line))


def render_table(estimate: Estimate, console: Console) -> None:
    head = display.heading(estimate)
    console.print(Text(head[0], style="bold"))
    for line in head[1:]:
        console.print(Text(line))
    console.print()

    rows = display.rows(estimate)
    _print_table(console, "At the typical price", display.COLUMNS, rows, ranged=False)
    console.print()
    _print_table(console, "Net cost across the price range", display.RANGE_COLUMNS, rows, ranged=True)
    console.print()
    _footer(estimate, console)


def _print_table(
    console: Console, title: str, columns: tuple[str, ...], rows: list[display.Row], *, ranged: bool
) -> None:
    """One of the two tables, or its stacked form when the console is too narrow for it."""
    if not _fits(console, columns, _cells(rows, ranged)):
        _stacked(console, title, columns, rows, ranged)
        return
    table = _table(title, columns)
    for row in rows:
        style = "bold green" if row.cheapest else ""
        name = Text(("* " if row.cheapest else "") + row.name, style=style)
        if ranged:
            if row.cells:
                table.add_row(name, *row.range_cells)
        elif not row.cells:
            name.append(" (n/a)", style="dim")
            table.add_row(name, *["-"] * (len(columns) - 1), style="dim")
        else:
            table.add_row(name, *row.cells[:-1], Text(row.cells[-1], style=style or "bold"))
    console.print(table)


def _footer(estimate: Estimate, console: Console) -> None:
    """The lines under the tables; a wrapped note keeps its hanging indent, as in the plain view."""
    cheapest = display.cheapest_line(estimate)
    if cheapest:
        console.print(Text(cheapest, style="green"))
    for line in display.budget_lines(estimate):
        console.print(Text(line, style="bold"))
    for note in display.notes(estimate):
        for line in plain.wrap(f"- {note}", console.width, subsequent_indent="  ", break_on_hyphens=False):
            console.print(Text(line, style="dim"))
    console.print(Text(display.source_line(estimate), style="dim"))


def print_table(estimate: Estimate, out: Out) -> None:
    """``ketacost estimate --format table`` on a terminal."""
    render_table(estimate, out.console())
