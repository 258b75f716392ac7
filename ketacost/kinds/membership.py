"""A clinic membership: a monthly fee for a lower price per session and/or sessions included each month,
priced over the course and over the 12-month horizon with boosters (North Idaho Ketamine: 250 a month plus
200 a treatment)."""

from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Literal

from ketacost.kinds.base import Money, Months, Option, SheetType
from ketacost.money import ZERO, cents, fmt_grouped
from ketacost.outcome import Outcome

if TYPE_CHECKING:
    from ketacost.estimator import Pricer
    from ketacost.prices import PricePointName

RANK = 90
WEEKS_PER_YEAR = 52


class ClinicMembership(Option):
    """A clinic membership: a monthly fee, a member price per session and/or sessions included each month."""

    kind: Literal["clinic_membership"]
    monthly_fee: Money
    session_price: Money | None = None  # the member's price per session; none: the sheet's price
    included_sessions: Annotated[int, SheetType(ge=0, le=100, strict=True)] = 0  # each month, within the fee
    min_months: Months = 1  # the least a member stays (and pays the fee)


RECORD = ClinicMembership


def _cost(option: ClinicMembership, months: int, sessions: int, session_price: Decimal, add_ons: Decimal) -> Decimal:
    billable = max(sessions - option.included_sessions * months, 0)
    return cents(option.monthly_fee * months + session_price * billable + add_ons)


def _member_price(pricer: "Pricer", option: ClinicMembership, point: "PricePointName") -> tuple[Decimal, Decimal]:
    """A session's price to a member (add-ons charged as usual), and the price it replaces."""
    course, scenario = pricer.course, pricer.scenario
    treatment = pricer.sheet.treatments[course.treatment_id]
    base = scenario.price if scenario.price is not None else treatment.price.at(point)
    member = base if option.session_price is None else option.session_price
    return member + course.per_session.at(point) - base, member


def _horizon(pricer: "Pricer", option: ClinicMembership, point: "PricePointName") -> tuple[int, Decimal]:
    """The membership over the horizon (at least its minimum months): the months, and the series and boosters."""
    course = pricer.course
    session, _ = _member_price(pricer, option, point)
    months = max(option.min_months, course.horizon_months)
    sessions = course.sessions + course.boosters
    return months, _cost(option, months, sessions, session, course.per_course.at(point))


def year(pricer: "Pricer", option: ClinicMembership, outcome: Outcome, point: "PricePointName") -> Decimal:
    """The year at member prices, boosters included (not the boosters at the per-session price)."""
    return _horizon(pricer, option, point)[1]


def price(pricer: "Pricer", option: ClinicMembership, total: Decimal, point: "PricePointName") -> Outcome:
    course = pricer.course
    session, member = _member_price(pricer, option, point)
    series_months = -(-course.weeks[1] * 12 // WEEKS_PER_YEAR)  # the months the series spans, rounded up
    months = max(option.min_months, series_months)
    paid = _cost(option, months, course.sessions, session, course.per_course.at(point))
    horizon_months, horizon = _horizon(pricer, option, point)
    pricer.note("terms", option.monthly_fee, months, member, option.included_sessions, course.unit)
    pricer.note("horizon", horizon_months, course.boosters, horizon, course.horizon_total.at(point))
    if course.offers:
        pricer.note("offers")
    fees = (cents(option.monthly_fee),) * months  # the fee month by month; the sessions at each visit
    return Outcome(paid - sum(fees, ZERO), fees, ZERO, ZERO, ZERO)


def terms(option: ClinicMembership) -> list[str]:
    parts = [f"{fmt_grouped(option.monthly_fee)} a month"]
    if option.session_price is not None:
        parts.append(f"{fmt_grouped(option.session_price)} a session")
    if option.included_sessions:
        parts.append(f"{option.included_sessions} sessions a month included")
    return parts + ([f"at least {option.min_months} months"] if option.min_months > 1 else [])


def _terms_note(fee: Decimal, months: int, member: Decimal, included: int, unit: str) -> str:
    said = (
        f"{fmt_grouped(fee)} a month for {months} month{'s' if months != 1 else ''}; {fmt_grouped(member)} per {unit}"
    )
    return said + (f" beyond {included} a month included" if included else "") + ", paid at each visit"


def _horizon_note(months: int, boosters: int, member: Decimal, regular: Decimal) -> str:
    return (
        f"Over {months} months with {boosters} boosters: {fmt_grouped(member)} as a member, "
        f"{fmt_grouped(regular)} at the per-session price"
    )


NOTES = {
    "terms": _terms_note,
    "horizon": _horizon_note,
    "offers": lambda: "Priced at member prices: a package or discount is not combined with a membership",
}
