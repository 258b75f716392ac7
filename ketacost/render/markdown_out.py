"""Estimate -> Markdown, for pasting into an e-mail, a wiki or a chat; and the Markdown table every document uses."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from ketacost.estimator import Estimate
from ketacost.render import display
from ketacost.render.safe import terminal_text

if TYPE_CHECKING:
    from ketacost.render.out import Out

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~])")


def md_cell(text: str) -> str:
    """Text safe inside a Markdown table cell: markup characters escaped, no line breaks, no escape sequences or
    control characters (Markdown is often printed on a terminal)."""
    return _SPECIAL.sub(r"\\\1", " ".join(terminal_text(text).split()))


_ALIGN = {"l": ":---", "r": "---:"}


def md_table(header: Sequence[str], body: Iterable[Sequence[str]], align: str) -> Iterator[str]:
    """The lines of a Markdown table, one row at a time (a long table streams). ``align`` has a letter per
    column: l (left) or r (right). Cells are written as given: escape text from outside with :func:`md_cell`."""
    yield "| " + " | ".join(header) + " |"
    yield "|" + "|".join(_ALIGN[letter] for letter in align) + "|"
    for row in body:
        yield "| " + " | ".join(row) + " |"


def _table(header: tuple[str, ...], body: list[list[str]]) -> list[str]:
    return list(md_table(header, body, "l" + "r" * (len(header) - 1)))


def render_markdown(estimate: Estimate, *, timeline: bool = False) -> str:
    heading = display.heading(estimate)
    lines = [f"## {md_cell(heading[0])}", "", *(md_cell(line) + "  " for line in heading[1:]), ""]
    rows = display.rows(estimate)
    body, ranges = [], []
    for row in rows:
        name = md_cell(row.name) + (" \\*" if row.cheapest else "")
        if row.cells:
            body.append([name, *row.cells])
            ranges.append([name, *row.range_cells])
        else:
            body.append([f"{name} (n/a)", *["-"] * (len(display.COLUMNS) - 1)])
    lines += ["At the typical price:", "", *_table(display.COLUMNS, body), ""]
    lines += ["Across the price range:", "", *_table(display.RANGE_COLUMNS, ranges), ""]
    cheapest = display.cheapest_line(estimate)
    if cheapest:
        lines += [md_cell(cheapest), ""]
    lines += [md_cell(line) + "\n" for line in display.budget_lines(estimate)]
    lines += [f"- {md_cell(note)}" for note in display.notes(estimate)]
    if timeline:
        from ketacost.money import fmt_grouped
        from ketacost.render.timeline import TITLE, timeline_rows

        body = [[str(month), fmt_grouped(spent), fmt_grouped(total)] for month, spent, total in timeline_rows(estimate)]
        lines += ["", f"{md_cell(TITLE)}:", "", *md_table(("Month", "Spending", "Cumulative"), body, "rrr")]
    lines += ["", md_cell(display.source_line(estimate)), ""]
    return "\n".join(lines)


def print_markdown(estimate: Estimate, out: Out) -> None:
    """``ketacost estimate --format markdown``."""
    out.stdout.write(render_markdown(estimate))


def print_markdown_with_timeline(estimate: Estimate, out: Out) -> None:
    """``ketacost estimate --format markdown --timeline``: the document, then the months as a table."""
    out.stdout.write(render_markdown(estimate, timeline=True))
