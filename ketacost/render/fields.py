"""The figures each option shows, in one order shared by the JSON, CSV and Markdown renderers."""

from __future__ import annotations

from decimal import Decimal

from ketacost.estimator import OptionEstimate, Outcome, PricePointName
from ketacost.money import fmt

# Money fields of a price point, in display order (months is a count, not money).
MONEY_FIELDS = ("upfront", "monthly", "final_payment", "total_paid", "interest", "fees", "tax_savings", "net_cost")
# Fields that only some options have: null (JSON) or empty (CSV) elsewhere.
EXTRA_FIELDS = ("financed", "apr", "interest_at_risk")
# What point_values gives, in its order.
VALUE_FIELDS = ("months", *MONEY_FIELDS, *EXTRA_FIELDS)
NO_INSTALLMENT = fmt(Decimal("0.00"))

# Column names every CSV of estimates shares (``estimate --format csv`` and the batch's CSV and JSON Lines), so one
# thing has one name everywhere: what was priced, then the option's standing, then its figures (VALUE_FIELDS).
# ``cheapest`` is at the typical price; the budget columns are empty without --budget.
OPTION_COLUMNS = ("treatment", "sessions", "course_total", "option", "kind", "name")
STATUS_COLUMNS = ("available", "reason", "cheapest", "fits_budget", "cheapest_that_fits")
# After the figures: what out-of-network claims pay back (empty for other kinds) and the 12-month net cost.
LATER_COLUMNS = ("reimbursed", "year_net_cost")


def rate(value: Decimal | None) -> str | None:
    """A percentage as a two-decimal string ("19.87"), or None."""
    return None if value is None else f"{value:.2f}"


def point_values(outcome: Outcome) -> tuple[str | int | None, ...]:
    """A price point's figures in :data:`VALUE_FIELDS` order: months as an integer, money as two-decimal strings,
    absent extras as None. One pass over the outcome (a batch writes a million of these)."""
    installments = outcome.installments
    paid = outcome.total_paid
    savings = outcome.tax_savings
    risk = outcome.interest_at_risk
    return (
        len(installments),
        fmt(outcome.upfront),
        fmt(installments[0]) if installments else NO_INSTALLMENT,
        fmt(installments[-1]) if installments else NO_INSTALLMENT,
        fmt(paid),
        fmt(outcome.interest),
        fmt(outcome.fees),
        fmt(savings),
        fmt(paid - savings - outcome.reimbursed if outcome.reimbursements else paid - savings),
        None if outcome.plan is None else fmt(outcome.financed),
        rate(outcome.apr),
        None if risk is None else fmt(risk),
    )


def later_values(option: OptionEstimate, point: PricePointName) -> tuple[str | None, str | None]:
    """:data:`LATER_COLUMNS` of ``option`` at ``point``, None where they do not apply."""
    outcome = option.at(point)
    year = option.year_at(point)
    return (
        fmt(outcome.reimbursed) if outcome.available and outcome.reimbursements else None,
        None if year is None else fmt(year),
    )


def point_figures(outcome: Outcome) -> dict[str, str | int | None]:
    """A price point's figures by name: money as two-decimal strings, months as an integer, absent extras as None."""
    return dict(zip(VALUE_FIELDS, point_values(outcome), strict=True))
