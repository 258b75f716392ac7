"""A toy payment kind, defined in this one module as a new kind would be: a clinic membership with a monthly fee
and a discount on the course. tests/test_kinds.py registers it and uses it everywhere a kind is used."""

from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from ketacost.kinds.base import Money, Months, Option, Percent, Rule, pct
from ketacost.money import HUNDRED, ZERO, cents, fmt_grouped
from ketacost.outcome import Outcome

if TYPE_CHECKING:
    from ketacost.estimator import Pricer
    from ketacost.prices import PricePointName


class Membership(Option):
    """A clinic membership: a monthly fee for some months, and a discount on the course."""

    kind: Literal["membership"]
    monthly_fee: Money
    months: Months
    discount_pct: Percent = Decimal(0)


RECORD = Membership


def check(option: Membership) -> None:
    if option.discount_pct >= 50:
        raise Rule("discount_pct", "must be below 50 (a membership is not a giveaway)")


def price(pricer: "Pricer", option: Membership, total: Decimal, point: "PricePointName") -> Outcome:
    discount = cents(total * option.discount_pct / HUNDRED)
    pricer.note("discount", option.discount_pct, discount)
    fees = (cents(option.monthly_fee),) * option.months
    return Outcome(total - discount, fees, ZERO, sum(fees, ZERO), ZERO)  # upfront, installments, interest, fees


def terms(option: Membership) -> list[str]:
    return [f"{fmt_grouped(option.monthly_fee)} a month for {option.months} months", f"{pct(option.discount_pct)} off"]


NOTES = {"discount": lambda rate, amount: f"{pct(rate)} off the course saves {fmt_grouped(amount)}"}
