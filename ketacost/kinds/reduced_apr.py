"""A fixed-payment plan at a reduced APR (a medical credit card's), offered only above a minimum purchase."""

from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from ketacost.kinds.base import Money, Months, Option, Percent, pct
from ketacost.money import ZERO, fmt_grouped
from ketacost.outcome import Outcome, amortize, below_minimum, financed, regz_apr, unavailable

if TYPE_CHECKING:
    from ketacost.estimator import Pricer
    from ketacost.prices import PricePointName

RANK = 60
FUNDED = True  # priced from the total and what is paid first alone (ketacost.kinds)


class ReducedApr(Option):
    """A fixed-payment plan at a reduced APR, offered only above a minimum purchase."""

    kind: Literal["reduced_apr"]
    apr: Percent
    term_months: Months
    min_purchase: Money = Decimal(0)


RECORD = ReducedApr


def price(pricer: "Pricer", option: ReducedApr, total: Decimal, point: "PricePointName") -> Outcome:
    first, savings = pricer.funding(total)  # HSA, FSA and a down payment go first
    left = total - first
    if left < option.min_purchase:
        return unavailable(below_minimum(option.min_purchase, left))
    plan = amortize(left, option.apr, option.term_months)
    pricer.term(plan, option.term_months)
    apr = regz_apr(left, plan.runs, option.apr) if plan.interest else None
    pricer.note("rate", option.apr, option.term_months)
    return financed(first, plan, fees=ZERO, savings=savings, financed=left, apr=apr, rate=option.apr)


def terms(option: ReducedApr) -> list[str]:
    parts = [f"{pct(option.apr)} APR", f"{option.term_months} months"]
    return parts + ([f"from {fmt_grouped(option.min_purchase)}"] if option.min_purchase else [])


NOTES = {"rate": lambda rate, months: f"{pct(rate)} fixed APR over {months} months"}
