"""Estimate -> JSON, the contract scripts rely on (documented in the README)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ketacost.course import Range
from ketacost.estimator import POINTS, Estimate, OptionEstimate, Outcome
from ketacost.money import fmt
from ketacost.render.fields import EXTRA_FIELDS, MONEY_FIELDS, point_figures
from ketacost.render.notes import worded

if TYPE_CHECKING:
    from ketacost.render.out import Out


def _range(value: Range) -> dict[str, str]:
    return {point: fmt(value.at(point)) for point in POINTS}


def _point(outcome: Outcome, option: OptionEstimate, point: str) -> dict[str, Any]:
    if not outcome.available:
        return {"available": False, "reason": outcome.reason}
    figures = point_figures(outcome)
    ordered: dict[str, Any] = {"available": True}
    for name in ("upfront", "monthly", "months", *MONEY_FIELDS[2:], *EXTRA_FIELDS):
        if name != "interest_at_risk" or outcome.risk is not None:  # only a plan with a risk has one
            ordered[name] = figures[name]
    if outcome.reimbursements:  # out-of-network: what comes back from each session's claim, and when
        ordered["reimbursed"] = fmt(outcome.reimbursed)
        ordered["reimbursements"] = [
            {"session": number, "week": week, "amount": fmt(amount)}
            for number, (week, amount) in enumerate(outcome.reimbursements, start=1)
        ]
    year = option.year_at(point)  # type: ignore[arg-type]
    ordered["year_net_cost"] = None if year is None else fmt(year)
    if option.fits_budget is not None and point == "typical":
        ordered["fits_budget"] = option.fits_budget
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
            "boosters": course.boosters,
            "boosters_asked": course.boosters_asked,
            "booster_interval_weeks": course.booster_interval_weeks,
            "horizon_months": course.horizon_months,
            "horizon_total": _range(course.horizon_total),
            **({"offers": [_offer(offer) for offer in course.offers]} if course.offers else {}),
        },
        "assumptions": {"tax_rate": fmt(estimate.tax_rate)},
        "funding": [{"source": what, "amount": fmt(amount)} for what, amount in estimate.funding],
        "have": list(estimate.have),
        "cheapest": estimate.cheapest,
        "cheaper_with": [{"requires": need, "option": option_id} for need, option_id in estimate.cheaper_with],
        "budget": _budget(estimate),
        "options": [
            {
                "id": option.id,
                "kind": option.kind,
                "name": option.name,
                **({} if option.offer is None else {"offer": option.offer, "months": option.term_months}),
                "requires": list(option.requires),
                **{point: _point(option.at(point), option, point) for point in POINTS},
                "notes": list(worded(option)),
            }
            for option in estimate.options
        ],
    }


def _offer(offer: tuple[str, str, str, Range]) -> dict[str, Any]:
    """A package (``price``) or discount (``less``) the course is priced with."""
    what, offer_id, name, amount = offer
    return {"kind": what, "id": offer_id, "name": name, "price" if what == "package" else "less": _range(amount)}


def _budget(estimate: Estimate) -> dict[str, Any] | None:
    budget = estimate.budget
    if budget is None:
        return None
    return {
        "amount": fmt(budget.amount),
        "fits": list(budget.fitting),
        "cheapest_that_fits": budget.cheapest,
        "suggestion": budget.suggestion,
        "suggested": None
        if budget.suggested_option is None or budget.suggested_down is None
        else {"option": budget.suggested_option, "down_payment": fmt(budget.suggested_down)},
    }


def render_json(estimate: Estimate, *, timeline: bool = False) -> str:
    document = estimate_document(estimate)
    if timeline:
        from ketacost.render.timeline import timeline_rows

        document["timeline"] = [
            {"month": month, "spending": fmt(spent), "cumulative": fmt(total)}
            for month, spent, total in timeline_rows(estimate)
        ]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def print_json(estimate: Estimate, out: Out) -> None:
    """``ketacost estimate --format json``."""
    out.stdout.write(render_json(estimate))


def print_json_with_timeline(estimate: Estimate, out: Out) -> None:
    """``ketacost estimate --format json --timeline``: the document with its month-by-month ``timeline``."""
    out.stdout.write(render_json(estimate, timeline=True))
