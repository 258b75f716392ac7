"""A course of treatment priced: the initial series, its add-ons, boosters, and month-by-month spending.

Booster timing: the series takes ``weeks_max`` weeks; booster k falls ``k x interval_weeks`` after it. The
12-month total counts every session that falls within the horizon (52 weeks for 12 months); boosters asked for
that fall after it are counted in ``boosters_asked`` and said (never dropped silently).
"""

from collections.abc import Collection, Iterator, Mapping
from decimal import Decimal
from typing import Protocol, TypeVar

from ketacost.errors import BadInput
from ketacost.money import ZERO, cents
from ketacost.prices import PricePointName, PriceRange, Treatment
from ketacost.record import Record
from ketacost.scenario import Scenario

POINTS: tuple[PricePointName, ...] = ("low", "typical", "high")
DEFAULT_BOOSTER_INTERVAL_WEEKS = 4  # "often every 4-6 weeks" (DOMAIN.md): used only with --boosters and no sheet value
WEEKS_PER_YEAR = 52

Range = PriceRange  # a figure at the low, typical and high price


class Course(Record):
    """The course priced: per-session range, first-course total, boosters and the 12-month total."""

    treatment_id: str
    treatment: str
    unit: str
    sessions: int
    weeks: tuple[int, int]
    per_session: Range
    per_course: Range  # add-ons charged once
    total: Range  # the initial series: what the payment options pay for
    add_ons: tuple[str, ...]  # names of the add-ons included
    insurable: bool
    booster_weeks: tuple[int, ...]  # week of each booster within the horizon, counted from the start
    horizon_months: int
    horizon_total: Range  # series + boosters within the horizon
    offers: tuple[
        tuple[str, str, str, Range], ...
    ] = ()  # (package|discount, id, name, price|reduction): ketacost.offers
    boosters_asked: int = 0  # boosters asked for (--boosters, else the sheet's); those after the horizon are not priced
    booster_interval_weeks: int = DEFAULT_BOOSTER_INTERVAL_WEEKS

    @property
    def boosters(self) -> int:
        return len(self.booster_weeks)

    def session_charges(self, point: PricePointName) -> Iterator[Decimal]:
        """Each session's charge in the initial series; once-per-course add-ons ride on the first."""
        price = self.per_session.at(point)
        for index in range(self.sessions):
            yield price + (self.per_course.at(point) if index == 0 else ZERO)

    def session_months(self) -> list[int]:
        """The month (1-based) of each session of the series, spread evenly over its weeks."""
        series_weeks = self.weeks[1]
        return [
            _month_of(index * series_weeks // self.sessions, self.horizon_months) + 1 for index in range(self.sessions)
        ]

    def visit_days(self) -> list[int]:
        """The day (0-based, from the course's first day) of each session of the series, spread evenly."""
        return [index * self.weeks[1] * 7 // self.sessions for index in range(self.sessions)]

    def spending_by_month(self, point: PricePointName = "typical") -> list[Decimal]:
        """What the care costs in each month of the horizon, paying per session (sessions x price)."""
        months = [ZERO] * self.horizon_months
        for month, charge in zip(self.session_months(), self.session_charges(point), strict=True):
            months[month - 1] += charge
        for week in self.booster_weeks:
            months[_month_of(week, self.horizon_months)] += self.per_session.at(point)
        return months


def _month_of(week: int, horizon_months: int) -> int:
    return min(week * 12 // WEEKS_PER_YEAR, horizon_months - 1)


class _AddOn(Protocol):
    @property
    def optional(self) -> bool: ...


AddOnT = TypeVar("AddOnT", bound=_AddOn)


def included_add_ons(add_ons: Mapping[str, AddOnT], named: Collection[str]) -> list[tuple[str, AddOnT]]:
    """The add-ons a course includes, in the sheet's order: each one not optional, and the optional ones named
    (``--add-on``). The one rule for the estimate, packages, the Good Faith Estimate and the superbill."""
    return [(add_on_id, add_on) for add_on_id, add_on in add_ons.items() if not add_on.optional or add_on_id in named]


def unknown_add_ons(treatment_id: str, treatment: Treatment, scenario: Scenario) -> list[str]:
    """A message for each add-on the scenario names that the treatment does not have."""
    known = ", ".join(treatment.add_ons) or "none"
    return [
        f"unknown add-on for {treatment_id} {add_on_id!r} (choose from: {known})"
        for add_on_id in scenario.add_ons
        if add_on_id not in treatment.add_ons
    ]


def price_course(treatment_id: str, treatment: Treatment, scenario: Scenario) -> Course:
    """Per-session range, course total and 12-month total, with the add-ons and boosters that apply."""
    unknown = unknown_add_ons(treatment_id, treatment, scenario)
    if unknown:
        raise BadInput(*unknown)
    sessions = scenario.sessions or treatment.course.sessions
    included = [add_on for _, add_on in included_add_ons(treatment.add_ons, scenario.add_ons)]

    def per_session(point: PricePointName) -> Decimal:
        base = scenario.price if scenario.price is not None else treatment.price.at(point)
        return cents(base + sum((a.price.at(point) for a in included if a.per == "session"), ZERO))

    def per_course(point: PricePointName) -> Decimal:
        return cents(sum((a.price.at(point) for a in included if a.per == "course"), ZERO))

    maintenance = treatment.maintenance
    horizon = maintenance.horizon_months if maintenance else 12
    count = scenario.boosters if scenario.boosters is not None else (maintenance.boosters if maintenance else 0)
    interval = maintenance.interval_weeks if maintenance else DEFAULT_BOOSTER_INTERVAL_WEEKS
    horizon_weeks = horizon * WEEKS_PER_YEAR // 12
    series_weeks = treatment.course.weeks_max
    booster_weeks = tuple(
        week for week in (series_weeks + k * interval for k in range(1, count + 1)) if week < horizon_weeks
    )
    per = Range(*(per_session(p) for p in POINTS))
    once = Range(*(per_course(p) for p in POINTS))
    total = Range(*(cents(per.at(p) * sessions + once.at(p)) for p in POINTS))
    return Course(
        treatment_id=treatment_id,
        treatment=treatment.name,
        unit=treatment.unit,
        sessions=sessions,
        weeks=(treatment.course.weeks_min, treatment.course.weeks_max),
        per_session=per,
        per_course=once,
        total=total,
        add_ons=tuple(a.name for a in included),
        insurable=treatment.insurable,
        booster_weeks=booster_weeks,
        horizon_months=horizon,
        horizon_total=Range(*(total.at(p) + per.at(p) * len(booster_weeks) for p in POINTS)),
        boosters_asked=count,
        booster_interval_weeks=interval,
    )
