"""The figures each option shows, in one order shared by the JSON, CSV and Markdown renderers."""

from __future__ import annotations

from decimal import Decimal

from ketacost.estimate import Outcome
from ketacost.money import fmt

# Money fields of a price point, in display order (months is a count, not money).
MONEY_FIELDS = (
    "upfront",
    "monthly",
    "final_payment",
    "total_paid",
    "interest",
    "fees",
    "tax_savings",
    "net_cost",
)


def point_figures(outcome: Outcome) -> dict[str, str | int]:
    """A price point's figures: money as two-decimal strings, months as an integer."""
    values: dict[str, Decimal] = {name: getattr(outcome, name) for name in MONEY_FIELDS}
    figures: dict[str, str | int] = {name: fmt(value) for name, value in values.items()}
    figures["months"] = outcome.months
    return figures
