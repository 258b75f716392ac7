"""Estimate -> CSV: one row per option and price point; text cells guarded against formula injection."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from ketacost.estimator import POINTS, Estimate, OptionEstimate
from ketacost.money import fmt
from ketacost.render.fields import (
    LATER_COLUMNS,
    OPTION_COLUMNS,
    STATUS_COLUMNS,
    VALUE_FIELDS,
    later_values,
    point_figures,
)

if TYPE_CHECKING:
    from ketacost.render.out import Out

# The batch's columns too (ketacost.batch), less its `line` and `error`, with a row per price point here.
COLUMNS = (*OPTION_COLUMNS, "price_point", *STATUS_COLUMNS, *VALUE_FIELDS, *LATER_COLUMNS)

# OWASP CSV injection: a spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(text: str) -> str:
    """Text for a spreadsheet cell: a leading apostrophe defuses anything that could start a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def budget_cells(estimate: Estimate, option: OptionEstimate) -> tuple[str, str]:
    """``fits_budget`` and ``cheapest_that_fits``: true or false with --budget, empty without."""
    budget = estimate.budget
    if budget is None:
        return "", ""
    return _BOOL[option.id in budget.fitting], _BOOL[option.id == budget.cheapest]


_BOOL = {True: "true", False: "false"}


def csv_rows(estimate: Estimate) -> list[list[str]]:
    """Header row, then one row per option and price point."""
    rows: list[list[str]] = [list(COLUMNS)]
    course = estimate.course
    for option in estimate.options:
        cheapest = _BOOL[option.id == estimate.cheapest]
        fits, cheapest_that_fits = budget_cells(estimate, option)
        for point in POINTS:
            outcome = option.at(point)
            head = [
                safe_cell(course.treatment_id),
                str(course.sessions),
                fmt(course.total.at(point)),
                safe_cell(option.id),
                option.kind,
                safe_cell(option.name),
                point,
                _BOOL[outcome.available],
                safe_cell(outcome.reason),
                cheapest,
                fits,
                cheapest_that_fits,
            ]
            if outcome.available:
                figures = point_figures(outcome)
                tail = ["" if figures[name] is None else str(figures[name]) for name in VALUE_FIELDS]
            else:
                tail = [""] * len(VALUE_FIELDS)
            tail += ["" if value is None else value for value in later_values(option, point)]
            rows.append(head + tail)
    return rows


def left_out(estimate: Estimate, *, timeline: bool = False) -> list[str]:
    """What the table says that CSV cannot carry and the user asked for, a line each for stderr. (Notes and
    headings are prose and never in CSV; every figure and mark of the table is.)"""
    lines = ["--timeline: left out of --format csv (json, markdown and table show it)"] if timeline else []
    suggestion = estimate.budget.suggestion if estimate.budget is not None else None
    if suggestion:
        lines.append(f"--budget: --format csv leaves out the suggestion: {suggestion}")
    return lines


def render_csv(estimate: Estimate) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(csv_rows(estimate))
    return buffer.getvalue()


def print_csv(estimate: Estimate, out: Out) -> None:
    """``ketacost estimate --format csv``; what it leaves out that was asked for is said on stderr."""
    out.stdout.write(render_csv(estimate))
    for line in left_out(estimate):
        out.error(line)


def print_csv_with_timeline(estimate: Estimate, out: Out) -> None:
    """``ketacost estimate --format csv --timeline``: CSV has no place for the months; say so on stderr."""
    out.stdout.write(render_csv(estimate))
    for line in left_out(estimate, timeline=True):
        out.error(line)
