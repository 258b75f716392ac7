"""Veterans Administration coverage: for eligible veterans with VA authorization, a copay per session."""

from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from ketacost.kinds.base import Money, Option
from ketacost.money import ZERO, cents, fmt_grouped
from ketacost.outcome import Outcome

if TYPE_CHECKING:
    from ketacost.estimator import Pricer
    from ketacost.prices import PricePointName

RANK = 80
COVERAGE = True  # VA health coverage: a self-pay GFE (45 CFR 149.610) never lists it
REQUIRES = "va"  # only eligible veterans with VA authorization: cheapest only for those who say so


class VaCoverage(Option):
    """Veterans Administration coverage for eligible veterans, with VA authorization; a copay per session."""

    kind: Literal["va"]
    copay_per_session: Money


RECORD = VaCoverage


def price(pricer: "Pricer", option: VaCoverage, total: Decimal, point: "PricePointName") -> Outcome:
    visits = (cents(option.copay_per_session),) * pricer.course.sessions
    pricer.note("copay", option.copay_per_session)
    return Outcome(
        upfront=sum(visits, ZERO), installments=(), interest=ZERO, fees=ZERO, tax_savings=ZERO, visits=visits
    )


def year(pricer: "Pricer", option: VaCoverage, outcome: Outcome, point: "PricePointName") -> Decimal:
    """A copay at every visit of the year: the series' and each booster's."""
    return cents(option.copay_per_session) * (pricer.course.sessions + pricer.course.boosters)


def terms(option: VaCoverage) -> list[str]:
    return [f"{fmt_grouped(option.copay_per_session)} copay per session"]


NOTES = {"copay": lambda copay: f"{fmt_grouped(copay)} copay per session, paid at each visit"}
