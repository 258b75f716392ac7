"""Estimate -> plain-text tables for pipes and files: the same content as the Rich view, without importing Rich.

Scripts and pagers get no colour codes and no box-drawing characters, and ketacost starts faster when piped.
Figures are never cut: number columns keep their full width and only option names wrap.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from ketacost.estimator import Estimate
from ketacost.render import display

if TYPE_CHECKING:
    from ketacost.render.out import Out

GAP = "  "


def wrap(text: str, width: int, **options: Any) -> list[str]:
    """``textwrap.wrap``, without its cost for the usual line that already fits (as it would give it back)."""
    if text and len(text) <= width and text.isprintable() and text[-1] != " ":
        return [text]
    import textwrap

    return textwrap.wrap(text, width, **options)


def _header_cells(columns: Sequence[str]) -> list[list[str]]:
    """Long headings split over two lines, as the Rich view does."""
    return [name.split(" ", 1) if len(name) > 9 and i else [name] for i, name in enumerate(columns)]


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
    lines = [*display.heading(estimate), ""]
    typical, ranged = [], []
    for row in display.rows(estimate):
        name = ("* " if row.cheapest else "") + row.name
        if row.cells:
            typical.append([name, *row.cells])
            ranged.append([name, *row.range_cells])
        else:
            typical.append([f"{name} (n/a)", *["-"] * (len(display.COLUMNS) - 1)])
    lines += table_lines("At the typical price", display.COLUMNS, typical, width)
    lines += ["", *table_lines("Net cost across the price range", display.RANGE_COLUMNS, ranged, width), ""]
    cheapest = display.cheapest_line(estimate)
    if cheapest:
        lines += wrap(cheapest, width)
    for line in display.budget_lines(estimate):
        lines += wrap(line, width)
    for note in display.notes(estimate):
        lines += wrap(f"- {note}", width, subsequent_indent="  ", break_on_hyphens=False)
    lines += wrap(display.source_line(estimate), width)
    out.write("\n".join(lines) + "\n")


def print_plain(estimate: Estimate, out: Out) -> None:
    """``ketacost estimate --format table``, piped."""
    render_plain(estimate, out.stdout, out.width())
