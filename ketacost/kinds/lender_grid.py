"""A financing partner's grid of offers (Cherry, Sunbit, iCare...): several terms, each its own row.

Each list holds one value per term, in the order of ``months``, or a single value for every term. A term's fees
are added to what is repaid (a percentage ``fee_pct`` and a flat ``fee``, both prepaid finance charges) and a
``monthly_fee`` rides on each payment; all of them count in the Regulation Z APR and the total paid.
"""

from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from ketacost.finance import schedule as _schedule
from ketacost.kinds.base import Money, Months, Option, Percent, Rule, pct
from ketacost.money import HUNDRED, cents, fmt_grouped
from ketacost.outcome import Outcome, _planned, financed, regz_apr, unavailable

if TYPE_CHECKING:
    from ketacost.estimator import Pricer
    from ketacost.prices import PricePointName

RANK = 35
FUNDED = True  # priced from the total and what is paid first alone (ketacost.kinds)

_PER_TERM = ("apr", "fee_pct", "fee", "monthly_fee", "down_payment_pct")


class LenderGrid(Option):
    """A financing partner's grid of terms: months, APR, fees and down payment per term; each term is a row."""

    kind: Literal["lender_grid"]
    months: tuple[Months, ...]
    apr: tuple[Percent, ...]  # per term, or one for all
    fee_pct: tuple[Percent, ...] = (Decimal(0),)  # origination or administration fee, percent of the amount
    fee: tuple[Money, ...] = (Decimal(0),)  # a flat fee per loan (application, administration)
    monthly_fee: tuple[Money, ...] = (Decimal(0),)  # charged with every payment
    down_payment_pct: tuple[Percent, ...] = (Decimal(0),)  # required down payment, percent of the amount
    min_amount: Money = Decimal(0)  # the least the partner finances
    max_amount: Money | None = None  # the most it finances


RECORD = LenderGrid


def check(option: LenderGrid) -> None:
    if not option.months:
        raise Rule("months", "list at least one term")
    if len(set(option.months)) != len(option.months):
        raise Rule("months", "each term needs its own number of months")
    for name in _PER_TERM:
        given = len(getattr(option, name))
        if given not in (1, len(option.months)):
            raise Rule(name, f"give one value, or one per term ({len(option.months)}), not {given}")
    if option.max_amount is not None and option.max_amount < option.min_amount:
        raise Rule("max_amount", f"must not be below min_amount ({option.max_amount} < {option.min_amount})")


def expand(option: LenderGrid) -> tuple[int, ...]:
    """The terms, as rows: their months, in the sheet's order."""
    return option.months


def _at(option: LenderGrid, name: str, term: int) -> Decimal:
    values: tuple[Decimal, ...] = getattr(option, name)
    return values[term] if len(values) > 1 else values[0]


def _totals(principal: Decimal, rate: Decimal, months: int, monthly_fee: Decimal) -> _schedule.Totals:
    return _schedule.amortize_totals(principal, rate, months, monthly_fee=monthly_fee)


def _rows(principal: Decimal, rate: Decimal, months: int, monthly_fee: Decimal) -> _schedule.Schedule:
    return _schedule.amortize(principal, rate, months, monthly_fee=monthly_fee)


_amortize = _planned(_totals, _rows)


def price(pricer: "Pricer", option: LenderGrid, total: Decimal, point: "PricePointName", term: int = 0) -> Outcome:
    first, savings = pricer.funding(total)  # HSA, FSA and a down payment go first
    left = total - first
    down = cents(left * _at(option, "down_payment_pct", term) / HUNDRED)
    amount = left - down
    if amount < option.min_amount:
        return unavailable(
            f"needs at least {fmt_grouped(option.min_amount)} financed (this would be {fmt_grouped(amount)})"
        )
    if option.max_amount is not None and amount > option.max_amount:
        return unavailable(f"finances at most {fmt_grouped(option.max_amount)} (this would be {fmt_grouped(amount)})")
    months = option.months[term]
    rate = _at(option, "apr", term)
    fee = cents(amount * _at(option, "fee_pct", term) / HUNDRED) + _at(option, "fee", term)
    monthly_fee = _at(option, "monthly_fee", term)
    plan = _amortize(amount + fee, rate, months, monthly_fee)
    charge = plan.interest + fee + plan.fees
    # Fees are prepaid finance charges: the amount financed is what the clinic is paid (Reg Z APR).
    apr = regz_apr(amount, plan.runs, None if fee or monthly_fee else rate) if charge and amount else None
    if down:
        pricer.note("down", _at(option, "down_payment_pct", term))
    if fee or monthly_fee:
        pricer.note("fees", fee, monthly_fee)
    pricer.note("rate", rate, months, apr)
    return financed(first + down, plan, fees=fee, savings=savings, financed=amount, apr=apr, rate=rate)


def terms(option: LenderGrid) -> list[str]:
    parts = []
    for term, months in enumerate(option.months):
        part = f"{months} mo {pct(_at(option, 'apr', term))}"
        fee_pct, fee, monthly = (_at(option, name, term) for name in ("fee_pct", "fee", "monthly_fee"))
        part += f" + {pct(fee_pct)} fee" if fee_pct else ""
        part += f" + {fmt_grouped(fee)} fee" if fee else ""
        part += f" + {fmt_grouped(monthly)}/mo" if monthly else ""
        down = _at(option, "down_payment_pct", term)
        parts.append(part + (f", {pct(down)} down" if down else ""))
    if option.min_amount or option.max_amount is not None:
        most = "" if option.max_amount is None else f"-{fmt_grouped(option.max_amount)}"
        parts.append(f"{fmt_grouped(option.min_amount)}{most}")
    return parts


def _fees_note(fee: Decimal, monthly_fee: Decimal) -> str:
    said = [f"{fmt_grouped(fee)} fee added to the loan"] if fee else []
    said += [f"{fmt_grouped(monthly_fee)} monthly fee with each payment"] if monthly_fee else []
    return "; ".join(said)


def _rate_note(rate: Decimal, months: int, apr: Decimal | None) -> str:
    return f"{pct(rate)} note rate over {months} months" + (
        f"; APR {apr}% (Regulation Z, counting fees)" if apr is not None else ""
    )


NOTES = {
    "down": lambda share: f"{pct(share)} down payment required",
    "fees": _fees_note,
    "rate": _rate_note,
}
