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
    eligible = min(total, limit) if balance is None else min(total, limit, balance)
    rate = pricer.savings_rate(option)
    pricer.note("account", option.kind, limit, balance, pricer.sheet.tax.year, rate, option.payroll)
    savings = cents(eligible * rate / HUNDRED)
    return Outcome(total, (), ZERO, ZERO, savings)  # upfront, installments, interest, fees, tax savings


def terms(option: TaxAccount) -> list[str]:
    parts = [option.coverage.replace("_", "-") + " limit"] if option.kind == "hsa" else ["FSA limit"]
    parts += ["catch-up"] if option.catch_up else []
    parts += ["payroll: saves FICA"] if option.payroll else []
    return parts


def _account_note(kind: str, limit: Decimal, balance: Decimal | None, year: int, rate: Decimal, payroll: bool) -> str:
    basis = "balance" if balance is not None and balance < limit else f"{year} IRS limit"
    return (
        f"Pays up to {fmt_grouped(limit if balance is None else min(limit, balance))} from the "
        f"{kind.upper()} ({basis}); savings at {pct(rate)} on the pre-tax part"
        + (" (income tax + FICA)" if payroll else "")
    )


NOTES = {"account": _account_note}
