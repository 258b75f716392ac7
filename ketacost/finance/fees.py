"""Origination fees deducted from a loan's proceeds: the smallest principal that still pays the clinic in full,
with the fee exactly round-half-up(fee% x principal). Pure: no I/O."""

from decimal import Decimal

from ketacost.money import CENT, HUNDRED, ZERO, cents, cents_up


def deducted_fee(proceeds: Decimal, fee_pct: Decimal) -> tuple[Decimal, Decimal]:
    """(principal, fee) for a loan whose lender keeps ``fee_pct`` percent of the principal: the smallest principal
    in cents whose proceeds, principal - cents(fee_pct% x principal), are at least ``proceeds``.

    Proceeds net of the fee never fall as the principal grows by a cent (the fee grows by at most a cent, as
    fee_pct < 100), so the search steps from the exact gross-up to the first principal that pays in full.
    """
    if not ZERO <= fee_pct < HUNDRED:
        raise ValueError(f"fee percentage must be at least 0 and below 100, got {fee_pct}")
    if proceeds <= ZERO:
        return ZERO, ZERO
    share = fee_pct / HUNDRED

    def net(principal: Decimal) -> Decimal:
        return principal - cents(principal * share)

    principal = cents_up(proceeds / (1 - share))
    while principal > CENT and net(principal - CENT) >= proceeds:
        principal -= CENT
    while net(principal) < proceeds:
        principal += CENT
    return principal, cents(principal * share)
