"""Deferred-interest promotions ("no interest if paid in full"), as on medical credit cards (CareCredit).

Method, a monthly approximation: the purchase is owed from the purchase date and one payment is made at the
end of each month. Interest accrues, deferred, every promotional month on the balance owed during that month,
i.e. the balance at the start of the month *before* that month's payment, at standard APR / 12, each month's
amount rounded half-up to the cent; it does not compound. If the purchase is paid in full by the end of the
promotion the deferred interest is waived (0.00); otherwise all of it is charged at the promotion's end.
DOMAIN.md's example, 4,800 at 32.99% over a 12-month promotion: paying 380.00 a month leaves 240.00 and
charges 894.03 of deferred interest (accruing on the balance *after* each payment would give only 768.67);
400.00 a month clears it with no interest.

Cards differ in what the deferred interest accrues on (``PromoTerms.method``): ``declining_balance`` (CareCredit,
as above) or ``original_amount`` (PatientFi, Alphaeon: every promotional month accrues on the whole purchase, so
3,025 at 26.99% paying 200.00 a month charges 816.48 instead of 520.39 when 625.00 is left at month 12).

Reg Z 12 CFR 1026.53(b)(1) (in the last two billing cycles of the promotion, payments above the minimum go to
the deferred-interest balance first) changes nothing here: one promotional purchase is the whole balance. It
matters only on a card that also carries other balances, which this model does not track.
"""

from decimal import Decimal

from ketacost.finance.schedule import (
    Installment,
    Schedule,
    Totals,
    amortize,
    amortize_totals,
    fixed_payments,
    fixed_payments_totals,
)
from ketacost.money import ZERO, cents, cents_up, percent
from ketacost.record import Record

_PERCENT_MONTHS = Decimal(1200)


class PromoTerms(Record):
    """A deferred-interest promotion and what happens when it fails."""

    promo_months: int  # 6/12/18/24
    standard_apr: Decimal  # annual percent, e.g. 32.99
    min_payment_pct: Decimal  # percent of the purchase, e.g. 3.00 (0 allowed)
    min_payment_floor: Decimal  # dollars, e.g. 30.00
    repay_months: int  # months to repay balance + deferred interest at standard_apr if the promotion fails
    method: str = "declining_balance"  # what deferred interest accrues on: or "original_amount"


def _check_purchase(purchase: Decimal) -> None:
    """A purchase is a non-negative whole number of cents."""
    if purchase < ZERO or cents(purchase) != purchase:
        raise ValueError(f"purchase must be a non-negative whole number of cents, got {purchase}")


def promo_payoff_payment(purchase: Decimal, promo_months: int) -> Decimal:
    """The monthly payment that clears the purchase within the promotion: purchase / months, rounded up."""
    if promo_months < 1:
        raise ValueError(f"promo_months must be at least 1, got {promo_months}")
    return cents_up(purchase / promo_months)


def payoff_monthly(purchase: Decimal, terms: PromoTerms) -> Decimal:
    """What to pay a month to clear the promotion in time: the greater of purchase / promo months (rounded up)
    and the card's minimum payment (CareCredit's calculator: the greater of amount / months and 30.00)."""
    return max(promo_payoff_payment(purchase, terms.promo_months), minimum_payment(purchase, terms))


def minimum_payment(purchase: Decimal, terms: PromoTerms) -> Decimal:
    """The card's minimum: the greater of min_payment_pct of the purchase and the floor (<= purchase)."""
    by_percent = cents(purchase * percent(terms.min_payment_pct))
    return min(max(by_percent, cents(terms.min_payment_floor)), cents(purchase))


def deferred_interest(purchase: Decimal, terms: PromoTerms, monthly_payment: Decimal) -> tuple[Decimal, Decimal]:
    """Pay ``monthly_payment`` through the promotion; return (balance left at its end, deferred interest).

    The deferred interest is 0.00 when the balance is cleared in time, else every month's accrued interest.
    """
    _check_purchase(purchase)
    if monthly_payment < ZERO:
        raise ValueError(f"monthly payment must not be negative, got {monthly_payment}")
    balance = cents(purchase)
    accrued = ZERO
    on_original = terms.method == "original_amount"
    for _ in range(terms.promo_months):
        if not balance:
            break
        accrued += cents((purchase if on_original else balance) * terms.standard_apr / _PERCENT_MONTHS)
        balance -= min(monthly_payment, balance)
    return balance, (accrued if balance else ZERO)


def paid_in_full_schedule(purchase: Decimal, terms: PromoTerms) -> Schedule:
    """Clear the purchase within the promotion at :func:`payoff_monthly` a month: no interest at all."""
    _check_purchase(purchase)
    payment = payoff_monthly(purchase, terms)
    return fixed_payments(cents(purchase), ZERO, terms.promo_months, payment)


def paid_in_full_totals(purchase: Decimal, terms: PromoTerms) -> Totals:
    """:func:`paid_in_full_schedule`'s totals, without its rows."""
    _check_purchase(purchase)
    payment = payoff_monthly(purchase, terms)
    return fixed_payments_totals(cents(purchase), ZERO, terms.promo_months, payment)


def minimum_only_interest(purchase: Decimal, terms: PromoTerms) -> Decimal:
    """:func:`minimum_only_schedule`'s total interest, without its rows: the deferred interest charged at the
    promotion's end plus the interest of repaying what is then owed."""
    _check_purchase(purchase)
    if terms.repay_months < 1:
        raise ValueError(f"repay_months must be at least 1, got {terms.repay_months}")
    financed = cents(purchase)
    left, charged = deferred_interest(financed, terms, minimum_payment(financed, terms))
    if not left:
        return ZERO  # cleared within the promotion: no interest at all
    return charged + amortize_totals(left + charged, terms.standard_apr, terms.repay_months).interest


def minimum_only_schedule(purchase: Decimal, terms: PromoTerms) -> Schedule:
    """The trap: pay only the minimum; at the promotion's end the deferred interest lands on the balance.

    Promotional rows carry no interest until the last one, whose ``interest`` is the whole deferred interest;
    it is added to the balance, so that row's ``principal`` (payment - interest) is negative: the balance
    grows.
    The balance plus deferred interest is then amortized at standard_apr over repay_months. If the minimum
    clears the purchase within the promotion, the schedule simply ends there, without interest.
    """
    _check_purchase(purchase)
    if terms.repay_months < 1:
        raise ValueError(f"repay_months must be at least 1, got {terms.repay_months}")
    financed = cents(purchase)
    minimum = minimum_payment(financed, terms)
    left, charged = deferred_interest(financed, terms, minimum)
    rows: list[Installment] = []
    balance = financed
    for month in range(1, terms.promo_months + 1):
        if not balance:
            break
        paid = min(minimum, balance)
        balance -= paid
        interest = charged if month == terms.promo_months else ZERO
        balance += interest
        rows.append(Installment(month, paid, interest, paid - interest, ZERO, balance))
    if left:
        repay = amortize(left + charged, terms.standard_apr, terms.repay_months)
        for row in repay.rows:
            month = terms.promo_months + row.month
            rows.append(Installment(month, row.payment, row.interest, row.principal, row.fees, row.balance))
    return Schedule(financed, terms.standard_apr, tuple(rows))
