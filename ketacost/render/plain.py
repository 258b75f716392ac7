"""Estimate -> plain-text tables for pipes and files: the same content as the Rich view, without importing Rich.

Scripts and pagers get no colour codes and no box-drawing characters, and ketacost starts faster when piped.
Figures are never cut: number columns keep their full width and only option names wrap; below the width a table
needs (:func:`table_width`), each row becomes a block of its own (:func:`stacked_lines`, which the Rich view uses
too). Both work on whatever columns and rows they are given.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from ketacost.estimator import Estimate
from ketacost.render import display

if TYPE_CHECKING:
    from ketacost.render.out import Out

GAP = "  "  # between columns, in both views

NAME_MIN = 12  # the option-name column never gets narrower than this: below it, names become unreadable


def heading_parts(name: str, first: bool = False) -> list[str]:
    """A column heading over at most two lines: a long heading splits at its first space."""
    return [name] if first or len(name) <= 9 else name.split(" ", 1)


def figure_widths(columns: Sequence[str], body: Sequence[Sequence[str]]) -> list[int]:
    """Each figure column's width: its widest cell or heading line (figures are never cut)."""
    return [
        max([len(part) for part in heading_parts(columns[i])] + [len(row[i]) for row in body if len(row) > i])
        for i in range(1, len(columns))
    ]


def table_width(columns: Sequence[str], body: Sequence[Sequence[str]], name_min: int = NAME_MIN) -> int:
    """The least width the table fits in with every figure whole and option names at least ``name_min`` wide, and
    wide enough for their longest word (up to twice ``name_min``: "Out-of-network" is not cut to "Out-of-netw…")."""
    widths = figure_widths(columns, body)
    longest_word = max((len(word) for row in body for word in row[0].split()), default=0)
    return max(name_min, min(longest_word, 2 * name_min)) + sum(widths) + len(GAP) * len(widths)


def stacked_lines(columns: Sequence[str], body: Sequence[Sequence[str]]) -> list[tuple[str, list[str]]]:
    """The table as one block per row: (the row's name, its figures as "  Label   figure" lines). A row with no
    figures (an option not available) is its name alone."""
    label_width = max((len(name) for name in columns[1:]), default=0)
    value_width = max((len(cell) for row in body for cell in row[1:]), default=0)
    blocks = []
    for row in body:
        figures = list(zip(columns[1:], row[1:], strict=False))
        if all(cell == "-" for _, cell in figures):
            figures = []
        blocks.append(
            (row[0], [f"  {name.ljust(label_width)}{GAP}{cell.rjust(value_width)}" for name, cell in figures])
        )
    return blocks


def wrap(text: str, width: int, **options: Any) -> list[str]:
    """``textwrap.wrap``, without its cost for the usual line that already fits (as it would give it back)."""
    if text and len(text) <= width and text.isprintable() and text[-1] != " ":
        return [text]
    import textwrap

    return textwrap.wrap(text, width, **options)


def _header_cells(columns: Sequence[str]) -> list[list[str]]:
    """Long headings split over two lines, as the Rich view does."""
    return [heading_parts(name, first=not i) for i, name in enumerate(columns)]


def fitted_lines(title: str, columns: Sequence[str], body: Sequence[Sequence[str]], width: int) -> list[str]:
    """A table when it fits ``width`` with every figure whole, else one block per row (figures are never cut)."""
    if width >= table_width(columns, body):
        return table_lines(title, columns, body, width)
    lines = [title]
    for name, figures in stacked_lines(columns, body):
        lines += wrap(name, width, subsequent_indent="  ") or [""]
        lines += figures
    return lines


def table_lines(
    title: str, columns: Sequence[str], body: Sequence[Sequence[str]], width: int, *, first_min: int = 12
) -> list[str]:
    """A titled table: the first column wraps to fit ``width``, the others are right-aligned and whole."""
    headers = _header_cells(columns)
    numbers = [
        max([len(part) for part in headers[i]] + [len(row[i]) for row in body if len(row) > i])
        for i in range(1, len(columns))
    ]
    fixed = sum(numbers) + len(GAP) * len(numbers)
    longest_name = max([len(headers[0][0])] + [len(row[0]) for row in body])
    name_width = max(first_min, min(longest_name, width - fixed))
    lines = [title]
    depth = max(len(h) for h in headers)
    for level in range(depth):  # headings sit on the bottom line(s), like the Rich view
        cells = [h[level - (depth - len(h))] if level >= depth - len(h) else "" for h in headers]
        lines.append(_join(cells, name_width, numbers))
    lines.append("-" * (name_width + fixed))
    for row in body:
        names = wrap(row[0], name_width) or [""]
        lines.append(_join([names[0], *row[1:]], name_width, numbers))
        lines.extend(name.rstrip() for name in names[1:])
    return lines


def _join(cells: Sequence[str], name_width: int, numbers: Sequence[int]) -> str:
    parts = [cells[0].ljust(name_width)]
    parts.extend(cell.rjust(size) for cell, size in zip(cells[1:], numbers, strict=False))
    return GAP.join(parts).rstrip()


def render_plain(estimate: Estimate, out: TextIO, width: int = 80) -> None:
    lines = [part for line in display.heading(estimate) for part in wrap(line, width, break_on_hyphens=False)]
    lines.append("")
    typical, ranged = [], []
    for row in display.rows(estimate):
        name = ("* " if row.cheapest else "") + row.name
        if row.cells:
            typical.append([name, *row.cells])
            ranged.append([name, *row.range_cells])
        else:
            typical.append([f"{name} (n/a)", *["-"] * (len(display.COLUMNS) - 1)])
    lines += fitted_lines("At the typical price", display.COLUMNS, typical, width)
    lines += ["", *fitted_lines("Net cost across the price range", display.RANGE_COLUMNS, ranged, width), ""]
    cheapest = display.cheapest_line(estimate)
    if cheapest:
        lines += wrap(cheapest, width, break_on_hyphens=False)
    for line in display.budget_lines(estimate):
        lines += wrap(line, width, break_on_hyphens=False)
    for note in display.notes(estimate):
        lines += wrap(f"- {note}", width, subsequent_indent="  ", break_on_hyphens=False)
    lines += wrap(display.source_line(estimate), width)
    out.write("\n".join(lines) + "\n")


def print_plain(estimate: Estimate, out: Out) -> None:
    """``ketacost estimate --format table``, piped."""
    render_plain(estimate, out.stdout, out.width())
