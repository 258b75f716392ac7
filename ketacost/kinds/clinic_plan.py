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
FUNDED = True  # priced from the total and what is paid first alone (ketacost.kinds)


class ClinicPlan(Option):
    """A clinic's own plan: a down payment, then monthly installments, with an optional APR or flat fee."""

    kind: Literal["clinic_plan"]
    down_payment_pct: Percent = Decimal(0)
    down_payment: Money | None = None
    months: Months
    apr: Percent = Decimal(0)
    setup_fee: Money = Decimal(0)
    # The least the plan takes a month (Ketamine Lounge: at least 375 on a stored card): fewer months when the
    # installments would fall below it.
    min_monthly: Money = Decimal(0)


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
    months = option.months
    if option.min_monthly and left:
        months = max(1, min(months, int(left // option.min_monthly)))
        if months < option.months:
            pricer.note("minimum", option.min_monthly, months)
    plan = amortize(left, option.apr, months) if option.apr else equal_installments(left, months)
    pricer.term(plan, months)
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
    parts += [f"{fmt_grouped(option.setup_fee)} plan fee"] if option.setup_fee else []
    return parts + ([f"at least {fmt_grouped(option.min_monthly)} a month"] if option.min_monthly else [])


NOTES = {
    "fee": lambda fee: f"{fmt_grouped(fee)} plan fee paid with the down payment",
    "minimum": lambda least, months: f"At least {fmt_grouped(least)} a month: {months} months",
    "apr": lambda apr: f"APR {apr}% counting the plan fee (Regulation Z)",
}
