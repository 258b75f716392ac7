"""Pre-tax accounts: a health savings account (HSA) or flexible spending account (FSA) pays, and saves tax.

The accounts' limits and savings rate are also what the estimate uses when an HSA or FSA balance is paid first
for a financed option (``Pricer.account_limit``, ``Pricer.savings_rate``).
"""

from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from ketacost.kinds.base import Option, pct
from ketacost.money import HUNDRED, ZERO, cents, fmt_grouped
from ketacost.outcome import Outcome

if TYPE_CHECKING:
    from ketacost.estimator import Pricer
    from ketacost.prices import PricePointName

RANK = 20
REQUIRES = {"hsa": "hsa", "fsa": "fsa"}  # an account the patient has: cheapest only for those who say so


class TaxAccount(Option):
    """Pay with pre-tax money from a health savings account (HSA) or flexible spending account (FSA)."""

    kind: Literal["hsa", "fsa"]
    coverage: Literal["self_only", "family"] = "self_only"
    catch_up: bool = False
    payroll: bool = False  # funded by payroll deduction: also saves FICA


RECORD = TaxAccount


def price(pricer: "Pricer", option: TaxAccount, total: Decimal, point: "PricePointName") -> Outcome:
    limit = pricer.account_limit(option)
    balance = pricer.scenario.hsa_balance if option.kind == "hsa" else pricer.scenario.fsa_balance
    # What an HSA already holds pays whatever this year's contribution limit (IRS: the limit caps contributions,
    # not spending); without a balance the limit caps what can go in this year. An FSA election is capped by law.
    cap = pricer.account_cap(option)
    eligible = min(total, cap)
    rate = pricer.savings_rate(option)
    payroll = pricer.payroll(option)
    pricer.note("account", option.kind, limit, balance, pricer.sheet.tax.year, rate, payroll)
    if option.kind == "fsa":
        pricer.note("uniform")
    state = pricer.state_note(option)
    if state:
        pricer.note("state", *state)
    savings = cents(eligible * rate / HUNDRED)
    return Outcome(total, (), ZERO, ZERO, savings)  # upfront, installments, interest, fees, tax savings


def year(pricer: "Pricer", option: TaxAccount, outcome: Outcome, point: "PricePointName") -> Decimal:
    """The account pays the year's care (series, boosters, add-ons), within its limit or balance."""
    year_outcome: Outcome = price(pricer, option, pricer.course.horizon_total.at(point), point)
    return year_outcome.net_cost


def terms(option: TaxAccount) -> list[str]:
    parts = [option.coverage.replace("_", "-") + " limit"] if option.kind == "hsa" else ["FSA limit"]
    parts += ["catch-up"] if option.catch_up else []
    parts += ["payroll: saves FICA"] if option.payroll else []
    return parts


def _account_note(kind: str, limit: Decimal, balance: Decimal | None, year: int, rate: Decimal, payroll: bool) -> str:
    if kind == "hsa" and balance is not None:
        cap, basis = balance, "its balance: not capped by the yearly contribution limit"
    else:
        cap = limit if balance is None else min(limit, balance)
        basis = "balance" if balance is not None and balance < limit else f"{year} IRS limit"
    return (
        f"Pays up to {fmt_grouped(cap)} from the {kind.upper()} ({basis}); savings at {pct(rate)} on the pre-tax part"
        + (" (income tax + FICA: payroll contributions)" if payroll else " (income tax only: direct contributions)")
    )


def _state_note(state: str, rate: Decimal, counted: bool) -> str:
    if counted:
        if state:
            return f"Includes {pct(rate)} state income tax ({state} exempts these contributions)"
        return f"Includes {pct(rate)} state income tax, if your state exempts these contributions (give --state)"
    return f"No state saving: {state} taxes HSA contributions"


NOTES = {
    "account": _account_note,
    "uniform": lambda: "The whole FSA election is available from the first day of the plan year (uniform coverage).",
    "state": _state_note,
}
