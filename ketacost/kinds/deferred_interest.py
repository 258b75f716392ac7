"""A medical credit card's deferred-interest promotion: no interest if paid in full in time, all of it if not."""

from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from ketacost.finance.deferred import PromoTerms
from ketacost.kinds.base import Money, Months, Option, Percent, pct
from ketacost.money import ZERO, fmt_grouped
from ketacost.outcome import Outcome, below_minimum, financed, minimum_only, paid_in_full, unavailable

if TYPE_CHECKING:
    from ketacost.estimator import Pricer
    from ketacost.prices import PricePointName

RANK = 50
FUNDED = True  # priced from the total and what is paid first alone (ketacost.kinds)


class DeferredInterest(Option):
    """A medical credit card's "no interest if paid in full" promotion, with its trap if it is not."""

    kind: Literal["deferred_interest"]
    promo_months: Months
    standard_apr: Percent
    min_payment_pct: Percent = Decimal(0)
    min_payment_floor: Money = Decimal(0)
    min_purchase: Money = Decimal(0)
    repay_months: Months
    # What the deferred interest accrues on: the balance owed each month (CareCredit) or the whole original
    # purchase every month (PatientFi, Alphaeon state this), which charges more on the same purchase.
    method: Literal["declining_balance", "original_amount"] = "declining_balance"


RECORD = DeferredInterest


def price(pricer: "Pricer", option: DeferredInterest, total: Decimal, point: "PricePointName") -> Outcome:
    first, savings = pricer.funding(total)  # HSA, FSA and a down payment go first
    left = total - first
    if left < option.min_purchase:
        return unavailable(below_minimum(option.min_purchase, left))
    terms = _promo_terms(option)
    plan = paid_in_full(left, terms)
    pricer.term(plan, option.promo_months)
    pricer.note("promotion", option.promo_months, option.standard_apr)
    if plan.payments and plan.payments[0] * option.promo_months > left + plan.payments[0]:
        pricer.note("minimum", plan.payments[0], len(plan.payments))
    return financed(
        first,
        plan,
        fees=ZERO,
        savings=savings,
        financed=left,
        apr=None,
        rate=option.standard_apr,
        risk=minimum_only(left, terms),
    )


_made: dict[int, tuple[DeferredInterest, PromoTerms]] = {}  # id(option) -> (option, its terms): a batch prices it often


def _promo_terms(option: DeferredInterest) -> PromoTerms:
    known = _made.get(id(option))
    if known is not None and known[0] is option:
        return known[1]
    terms = PromoTerms(
        promo_months=option.promo_months,
        standard_apr=option.standard_apr,
        min_payment_pct=option.min_payment_pct,
        min_payment_floor=option.min_payment_floor,
        repay_months=option.repay_months,
        method=option.method,
    )
    if len(_made) >= 64:
        _made.clear()
    _made[id(option)] = option, terms  # the option is kept, so its id is not reused while it is here
    return terms


def terms(option: DeferredInterest) -> list[str]:
    return [
        f"no interest if paid in {option.promo_months} months, else {pct(option.standard_apr)} APR "
        "from the purchase date",
        f"{option.repay_months} months to repay",
        *([f"from {fmt_grouped(option.min_purchase)}"] if option.min_purchase else []),
        *(["deferred interest on the original amount"] if option.method == "original_amount" else []),
    ]


def _promotion_note(months: int, rate: Decimal) -> str:
    return (
        f"No interest if paid in full within {months} months; otherwise "
        f"{pct(rate)} APR is charged from the purchase date"
    )


def _minimum_note(payment: Decimal, months: int) -> str:
    return f"The card's minimum payment is {fmt_grouped(payment)}: paid off in {months} months"


NOTES = {"promotion": _promotion_note, "minimum": _minimum_note}
