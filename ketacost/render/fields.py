"""The figures each option shows, in one order shared by the JSON, CSV and Markdown renderers."""

from __future__ import annotations

from decimal import Decimal

from ketacost.estimate import Outcome
from ketacost.money import fmt

# Money fields of a price point, in display order (months is a count, not money).
MONEY_FIELDS = ("upfront", "monthly", "final_payment", "total_paid", "interest", "fees", "tax_savings", "net_cost")
# Fields that only some options have: null (JSON) or empty (CSV) elsewhere.
EXTRA_FIELDS = ("financed", "apr", "interest_at_risk")


def rate(value: Decimal | None) -> str | None:
    """A percentage as a two-decimal string ("19.87"), or None."""
    return None if value is None else f"{value:.2f}"


def point_figures(outcome: Outcome) -> dict[str, str | int | None]:
    """A price point's figures: money as two-decimal strings, months as an integer, absent extras as None."""
    figures: dict[str, str | int | None] = {name: fmt(getattr(outcome, name)) for name in MONEY_FIELDS}
    figures["months"] = outcome.months
    figures["financed"] = fmt(outcome.financed) if outcome.plan is not None else None
    figures["apr"] = rate(outcome.apr)
    figures["interest_at_risk"] = None if outcome.interest_at_risk is None else fmt(outcome.interest_at_risk)
    return figures
