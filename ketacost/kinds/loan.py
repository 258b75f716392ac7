"""An installment loan (medical or personal): level monthly payments, perhaps an origination fee."""

from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Literal

from ketacost.finance.fees import deducted_fee
from ketacost.kinds.base import Months, Option, Percent, SheetType, pct
from ketacost.money import HUNDRED, cents
from ketacost.outcome import Outcome, amortize, financed, regz_apr, regz_apr_like

if TYPE_CHECKING:
    from ketacost.estimator import Pricer
    from ketacost.prices import PricePointName

RANK = 30
FUNDED = True  # priced from the total and what is paid first alone (ketacost.kinds)


class Loan(Option):
    """A medical or personal installment loan with level monthly payments."""

    kind: Literal["loan"]
    apr: Percent
    term_months: Months
    # 0-10% is common (DOMAIN.md section 5); above 30% no lender charges it, and near 100% a deducted fee would
    # need an enormous loan to pay the clinic.
    origination_fee_pct: Annotated[Decimal, SheetType(ge=0, le=30, decimal_places=4, allow_inf_nan=False)] = Decimal(0)
    fee_handling: Literal["deducted", "financed"] = "deducted"


RECORD = Loan


def price(pricer: "Pricer", option: Loan, total: Decimal, point: "PricePointName") -> Outcome:
    first, savings = pricer.funding(total)  # HSA, FSA and a down payment go first
    borrowed = total - first
    fee_share = option.origination_fee_pct / HUNDRED
    if option.fee_handling == "deducted":
        # The lender keeps the fee out of the proceeds: borrow the least that still pays the clinic in full, the fee
        # being exactly the fee percentage of the principal, to the cent.
        principal, fee = deducted_fee(borrowed, option.origination_fee_pct)
    else:
        fee = cents(borrowed * fee_share)
        principal = borrowed + fee
    plan = amortize(principal, option.apr, option.term_months)
    pricer.term(plan, option.term_months)
    if fee:
        pricer.note("fee", option.origination_fee_pct, option.fee_handling)
    # The fee is a prepaid finance charge, netted from the amount financed (as finance.apr.loan_apr does).
    # Without a fee the APR is almost always the note rate: a hint the solver checks first; with one, it is
    # almost always the APR last found for the same terms.
    if not plan.payments or not (fee or plan.interest):
        apr = None
    elif fee:
        terms = (option.apr, option.term_months, option.origination_fee_pct, option.fee_handling)
        apr = regz_apr_like(terms, principal - fee, plan.runs)
    else:
        apr = regz_apr(principal, plan.runs, option.apr)
    pricer.note("rate", option.apr, option.term_months, apr)
    return financed(first, plan, fees=fee, savings=savings, financed=borrowed, apr=apr, rate=option.apr)


def terms(option: Loan) -> list[str]:
    parts = [f"{pct(option.apr)} APR", f"{option.term_months} months"]
    if option.origination_fee_pct:
        parts.append(f"{pct(option.origination_fee_pct)} fee {option.fee_handling}")
    return parts


def _fee_note(rate: Decimal, handling: str) -> str:
    how = "deducted from the proceeds" if handling == "deducted" else "added to the loan"
    return f"{pct(rate)} origination fee {how}"


def _rate_note(rate: Decimal, months: int, apr: Decimal | None) -> str:
    # Plain words first: the APR a lender must disclose, then the loan's own interest rate.
    apr_first = f"APR {apr}% counting fees (Regulation Z); " if apr is not None else ""
    return f"{apr_first}interest rate {pct(rate)} over {months} months"


NOTES = {"fee": _fee_note, "rate": _rate_note}
