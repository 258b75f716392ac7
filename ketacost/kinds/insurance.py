"""Health insurance, for treatments the sheet marks insurable: the patient pays what the cost-sharing leaves.

The scenario may give the patient's own deductible, coinsurance, copay and out-of-pocket maximum left.
"""

from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from ketacost.finance.insurance import CostSharing, patient_shares
from ketacost.kinds.base import Money, Option, Percent, pct
from ketacost.money import ZERO, fmt_grouped
from ketacost.outcome import Outcome, unavailable

if TYPE_CHECKING:
    from ketacost.estimator import Pricer
    from ketacost.prices import PricePointName
    from ketacost.scenario import Scenario

RANK = 70
COVERAGE = True  # paid through a health plan: a self-pay GFE (45 CFR 149.610) never lists it
REQUIRES = "insurance"  # a plan that covers the treatment: cheapest only for those who say they have one


class Insurance(Option):
    """Health insurance for treatments the sheet marks insurable: what is left of the plan's cost-sharing."""

    kind: Literal["insurance"]
    deductible_left: Money
    coinsurance_pct: Percent
    copay: Money = Decimal(0)
    oop_max_left: Money


RECORD = Insurance


def price(pricer: "Pricer", option: Insurance, total: Decimal, point: "PricePointName") -> Outcome:
    course = pricer.course
    if not course.insurable:
        return unavailable(f"{course.treatment} is rarely covered by insurance (not insurable in the sheet)")
    plan = cost_sharing(option, pricer.scenario)
    shares = patient_shares(list(course.session_charges(point)), plan)
    pricer.note("sharing", plan.deductible_left, plan.coinsurance_pct, plan.copay, plan.oop_max_left)
    return Outcome(
        upfront=sum(shares, ZERO), installments=(), interest=ZERO, fees=ZERO, tax_savings=ZERO, visits=shares
    )


def cost_sharing(option: Insurance, s: "Scenario") -> CostSharing:
    """The sheet's cost-sharing terms, with what the scenario gives instead."""
    return CostSharing(
        deductible_left=option.deductible_left if s.deductible_left is None else s.deductible_left,
        coinsurance_pct=option.coinsurance_pct if s.coinsurance is None else s.coinsurance,
        copay=option.copay if s.copay is None else s.copay,
        oop_max_left=option.oop_max_left if s.oop_max_left is None else s.oop_max_left,
    )


def year(pricer: "Pricer", option: Insurance, outcome: Outcome, point: "PricePointName") -> Decimal:
    """The cost-sharing over every visit of the year: the series', then each booster's."""
    course = pricer.course
    charges = [*course.session_charges(point), *(course.per_session.at(point),) * course.boosters]
    return sum(patient_shares(charges, cost_sharing(option, pricer.scenario)), ZERO)


def terms(option: Insurance) -> list[str]:
    return [
        f"{fmt_grouped(option.deductible_left)} deductible left",
        f"{pct(option.coinsurance_pct)} coinsurance",
        f"{fmt_grouped(option.copay)} copay",
        f"{fmt_grouped(option.oop_max_left)} out-of-pocket maximum left",
    ]


def _sharing_note(deductible_left: Decimal, coinsurance_pct: Decimal, copay: Decimal, oop_max_left: Decimal) -> str:
    return (
        f"With prior authorization; deductible left {fmt_grouped(deductible_left)}, "
        f"coinsurance {pct(coinsurance_pct)}, copay {fmt_grouped(copay)}, "
        f"out-of-pocket maximum left {fmt_grouped(oop_max_left)}"
    )


NOTES = {"sharing": _sharing_note}
