"""Estimate -> JSON, the contract scripts rely on (documented in the README)."""

from __future__ import annotations

import json
from typing import Any

from ketacost.estimate import POINTS, Estimate, Outcome, Range
from ketacost.money import fmt
from ketacost.render.fields import MONEY_FIELDS, point_figures


def _range(value: Range) -> dict[str, str]:
    return {point: fmt(value.at(point)) for point in POINTS}


def _point(outcome: Outcome) -> dict[str, Any]:
    if not outcome.available:
        return {"available": False, "reason": outcome.reason}
    figures = point_figures(outcome)
    ordered: dict[str, Any] = {"available": True}
    for name in ("upfront", "monthly", "months", *MONEY_FIELDS[2:]):
        ordered[name] = figures[name]
    return ordered


def estimate_document(estimate: Estimate) -> dict[str, Any]:
    """The estimate as plain JSON data."""
    course = estimate.course
    return {
        "pricing": {"source": estimate.source, "effective": estimate.effective},
        "course": {
            "treatment": course.treatment_id,
            "treatment_name": course.treatment,
            "unit": course.unit,
            "sessions": course.sessions,
            "weeks": {"min": course.weeks[0], "max": course.weeks[1]},
            "add_ons": list(course.add_ons),
            "per_session": _range(course.per_session),
            "total": _range(course.total),
        },
        "assumptions": {"tax_rate": fmt(estimate.tax_rate)},
        "cheapest": estimate.cheapest,
        "options": [
            {
                "id": option.id,
                "kind": option.kind,
                "name": option.name,
                **{point: _point(option.at(point)) for point in POINTS},
                "notes": list(option.notes),
            }
            for option in estimate.options
        ],
    }


def render_json(estimate: Estimate) -> str:
    return json.dumps(estimate_document(estimate), indent=2, ensure_ascii=False) + "\n"
