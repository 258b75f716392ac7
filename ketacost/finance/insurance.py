"""Patient cost-sharing (deductible, copay, coinsurance, out-of-pocket maximum) applied session by session.

Convention, per session in order: the part of the charge within the deductible still left is the patient's in
full; on the rest of the charge (after the deductible is met) the patient pays the copay plus the coinsurance
percentage of that rest, each rounded half-up to the cent, never more than that rest. So the copay applies
only once the deductible is met, the common convention (a plan that waives the deductible for copay services
is modelled with deductible_left = 0). Everything the patient pays, deductible included, counts towards the
out-of-pocket maximum; once it is reached the patient pays 0.00.
"""

from collections.abc import Sequence
from decimal import Decimal

from ketacost.money import ZERO, cents, percent
from ketacost.record import Record


class CostSharing(Record):
    """What is left of a plan's cost-sharing for the rest of the plan year."""

    deductible_left: Decimal
    coinsurance_pct: Decimal  # patient share after the deductible, percent
    copay: Decimal  # per session
    oop_max_left: Decimal  # remaining out-of-pocket maximum


def patient_shares(session_charges: Sequence[Decimal], plan: CostSharing) -> tuple[Decimal, ...]:
    """The patient's share of each session's (allowed) charge, in order."""
    if min(plan.deductible_left, plan.coinsurance_pct, plan.copay, plan.oop_max_left) < ZERO:
        raise ValueError("cost-sharing amounts must not be negative")
    if plan.coinsurance_pct > 100:
        raise ValueError(f"coinsurance must not exceed 100%, got {plan.coinsurance_pct}")
    deductible_left = cents(plan.deductible_left)
    oop_left = cents(plan.oop_max_left)
    copay = cents(plan.copay)
    coinsurance = percent(plan.coinsurance_pct)
    shares: list[Decimal] = []
    for charge in session_charges:
        if charge < ZERO or cents(charge) != charge:
            raise ValueError(f"session charge must be a non-negative whole number of cents, got {charge}")
        deductible = min(charge, deductible_left)
        deductible_left -= deductible
        rest = charge - deductible
        after = min(rest, copay + cents(rest * coinsurance)) if rest else ZERO
        share = min(cents(deductible + after), oop_left)
        oop_left -= share
        shares.append(share)
    return tuple(shares)
