"""Estimate -> Markdown, for pasting into an e-mail, a wiki or a chat."""

from __future__ import annotations

import re

from ketacost.estimate import Estimate
from ketacost.render import display
from ketacost.render.safe import terminal_text

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~])")


def md_cell(text: str) -> str:
    """Text safe inside a Markdown table cell: markup characters escaped, no line breaks, no escape sequences or
    control characters (Markdown is often printed on a terminal)."""
    return _SPECIAL.sub(r"\\\1", " ".join(terminal_text(text).split()))


def _table(header: tuple[str, ...], body: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join([":---"] + ["---:"] * (len(header) - 1)) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in body)
    return lines


def render_markdown(estimate: Estimate) -> str:
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
    lines += ["", md_cell(display.source_line(estimate)), ""]
    return "\n".join(lines)
