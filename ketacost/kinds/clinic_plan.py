"""A clinic's own payment plan: a down payment, then monthly installments, with an optional APR or plan fee."""

from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from ketacost.kinds.base import Money, Months, Option, Percent, Rule, pct
from ketacost.money import HUNDRED, cents, fmt_grouped
from ketacost.outcome import Outcome, amortize, equal_installments, financed, regz_apr

if TYPE_CHECKING:
    from ketacost.estimator import Pricer
    from ketacost.prices import PricePointName

RANK = 40


class ClinicPlan(Option):
    """A clinic's own plan: a down payment, then monthly installments, with an optional APR or flat fee."""

    kind: Literal["clinic_plan"]
    down_payment_pct: Percent = Decimal(0)
    down_payment: Money | None = None
    months: Months
    apr: Percent = Decimal(0)
    setup_fee: Money = Decimal(0)


RECORD = ClinicPlan


def check(option: ClinicPlan) -> None:
    if option.down_payment is not None and option.down_payment_pct:
        raise Rule("down_payment", "give down_payment or down_payment_pct, not both")


def price(pricer: "Pricer", option: ClinicPlan, total: Decimal, point: "PricePointName") -> Outcome:
    first, savings = pricer.funding(total)  # HSA, FSA and a down payment go first
    left = total - first
    if option.down_payment is not None:
        down = min(option.down_payment, left)
    else:
        down = cents(left * option.down_payment_pct / HUNDRED)
    left -= down
    plan = amortize(left, option.apr, option.months) if option.apr else equal_installments(left, option.months)
    pricer.term(plan, option.months)
    if option.setup_fee:
        pricer.note("fee", option.setup_fee)
    charge = plan.interest + option.setup_fee
    # The plan fee is a prepaid finance charge (Reg Z): it is netted from the amount financed.
    apr = regz_apr(left - option.setup_fee, plan.runs, None if option.setup_fee else option.apr) if charge else None
    if apr is not None:
        pricer.note("apr", apr)
    upfront = first + down + option.setup_fee
    return financed(upfront, plan, fees=option.setup_fee, savings=savings, financed=left, apr=apr, rate=option.apr)


def terms(option: ClinicPlan) -> list[str]:
    down = fmt_grouped(option.down_payment) if option.down_payment is not None else pct(option.down_payment_pct)
    parts = [f"{down} down", f"{option.months} months", f"{pct(option.apr)} APR"]
    return parts + ([f"{fmt_grouped(option.setup_fee)} plan fee"] if option.setup_fee else [])


NOTES = {
    "fee": lambda fee: f"{fmt_grouped(fee)} plan fee paid with the down payment",
    "apr": lambda apr: f"APR {apr}% (Regulation Z, counting the plan fee)",
}
