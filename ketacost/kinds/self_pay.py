"""Self-pay: the clinic is paid in full, optionally with a discount for paying the series up front."""

from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from ketacost.kinds.base import Option, Percent, pct
from ketacost.money import HUNDRED, ZERO, cents
from ketacost.outcome import Outcome

if TYPE_CHECKING:
    from ketacost.estimator import Pricer
    from ketacost.prices import PricePointName

RANK = 10


class SelfPay(Option):
    """Pay the clinic in full, optionally with a prepay discount."""

    kind: Literal["self_pay"]
    prepay_discount_pct: Percent = Decimal(0)


RECORD = SelfPay


def price(pricer: "Pricer", option: SelfPay, total: Decimal, point: "PricePointName") -> Outcome:
    discount = cents(total * option.prepay_discount_pct / HUNDRED)
    if discount:
        pricer.note("discount", option.prepay_discount_pct)
    return Outcome(total - discount, (), ZERO, ZERO, ZERO)  # upfront, installments, interest, fees, savings


def terms(option: SelfPay) -> list[str]:
    return [f"{pct(option.prepay_discount_pct)} prepay discount"] if option.prepay_discount_pct else ["in full"]


NOTES = {"discount": lambda rate: f"{pct(rate)} prepay discount"}
