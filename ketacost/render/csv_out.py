"""Estimate -> CSV: one row per option and price point; text cells guarded against formula injection."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from ketacost.estimator import POINTS, Estimate
from ketacost.render.fields import EXTRA_FIELDS, MONEY_FIELDS, point_figures

if TYPE_CHECKING:
    from ketacost.render.out import Out

COLUMNS = (
    "treatment",
    "sessions",
    "option",
    "kind",
    "name",
    "price_point",
    "available",
    "reason",
    "months",
    *MONEY_FIELDS,
    *EXTRA_FIELDS,
)

# OWASP CSV injection: a spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(text: str) -> str:
    """Text for a spreadsheet cell: a leading apostrophe defuses anything that could start a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_rows(estimate: Estimate) -> list[list[str]]:
    """Header row, then one row per option and price point."""
    rows: list[list[str]] = [list(COLUMNS)]
    course = estimate.course
    for option in estimate.options:
        for point in POINTS:
            outcome = option.at(point)
            head = [
                safe_cell(course.treatment_id),
                str(course.sessions),
                safe_cell(option.id),
                option.kind,
                safe_cell(option.name),
                point,
                "true" if outcome.available else "false",
                safe_cell(outcome.reason),
            ]
            if outcome.available:
                figures = point_figures(outcome)
                names = ("months", *MONEY_FIELDS, *EXTRA_FIELDS)
                tail = ["" if figures[name] is None else str(figures[name]) for name in names]
            else:
                tail = [""] * (1 + len(MONEY_FIELDS) + len(EXTRA_FIELDS))
            rows.append(head + tail)
    return rows


def render_csv(estimate: Estimate) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(csv_rows(estimate))
    return buffer.getvalue()


def print_csv(estimate: Estimate, out: Out) -> None:
    """``ketacost estimate --format csv``."""
    out.stdout.write(render_csv(estimate))
