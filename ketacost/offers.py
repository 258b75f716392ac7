"""Packages and discounts (the sheet's ``[packages.ID]`` and ``[discounts.ID]``): what a clinic sells besides its
per-session price, applied to the course before any way of paying. Pure: no I/O.

A package covers a set number of sessions for one price (add-ons it ``includes`` are not charged again). It is
never priced pro rata: a shorter course cannot have it; a longer one pays the package plus the per-session price
for each session beyond it. Without ``--package`` each package of the treatment is one row of its own, paid in
full; with ``--package ID`` every payment option is priced on the package total (a loan finances it).

A discount applies to the series (boosters stay at the per-session price): ``pct`` off the sessions' price (the
package price, with a package; add-ons are not discounted), ``amount`` off the course, or
``first_session_price``, an introductory price for the first session (not with a package).
"""

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from ketacost.course import POINTS, Course, Range, included_add_ons
from ketacost.errors import BadInput
from ketacost.money import HUNDRED, ZERO, cents, fmt_grouped
from ketacost.outcome import Outcome, unavailable
from ketacost.prices import Discount, Package, PriceList, PricePointName, Treatment
from ketacost.scenario import Scenario

PACKAGE, DISCOUNT = "package", "discount"


def packages_for(sheet: PriceList, treatment_id: str) -> dict[str, Package]:
    return {key: package for key, package in sheet.packages.items() if package.treatment == treatment_id}


def shortfall(package: Package, course: Course) -> str:
    """Why a course cannot have the package ('' when it can)."""
    if course.sessions >= package.sessions:
        return ""
    unit = course.unit
    return (
        f"the package covers {package.sessions} x {unit} for {fmt_grouped(package.price)}; this course has "
        f"{course.sessions} (a package is never priced pro rata)"
    )


def _base(treatment: Treatment, scenario: Scenario, point: PricePointName) -> Decimal:
    return scenario.price if scenario.price is not None else treatment.price.at(point)


def _add_ons(
    treatment: Treatment, scenario: Scenario, package: Package, point: PricePointName
) -> tuple[Decimal, Decimal]:
    """The add-ons the package leaves out, in the course: (per session, per course)."""
    per_session = per_course = ZERO
    for add_on_id, add_on in included_add_ons(treatment.add_ons, scenario.add_ons):
        if add_on_id in package.includes:
            continue
        if add_on.per == "session":
            per_session += add_on.price.at(point)
        else:
            per_course += add_on.price.at(point)
    return per_session, per_course


def package_total(package: Package, treatment: Treatment, course: Course, scenario: Scenario) -> Range:
    """The course at the package: its price, its add-ons left out, and every session beyond it at the
    per-session price (the course must have at least the package's sessions: :func:`shortfall`)."""
    extra = course.sessions - package.sessions

    def at(point: PricePointName) -> Decimal:
        per_session, per_course = _add_ons(treatment, scenario, package, point)
        return cents(package.price + extra * course.per_session.at(point) + package.sessions * per_session + per_course)

    return Range(*(at(point) for point in POINTS))


def package_row(sheet: PriceList, package_id: str, treatment: Treatment, course: Course, scenario: Scenario) -> Any:
    """A package's own row (an estimator.OptionEstimate, kind ``package``), paid in full up front; ``course`` is
    the course at per-session prices (any discount is applied to the package here)."""
    from ketacost.estimator import SAID, OptionEstimate

    package = sheet.packages[package_id]
    reason = shortfall(package, course)
    if package.treatment != course.treatment_id:
        reason = f"a package of {package.treatment}, not {course.treatment_id}"
    year: tuple[Decimal | None, ...] = (None, None, None)
    if reason:
        outcomes = (unavailable(reason),) * 3
    else:
        total = apply(sheet, treatment, course, scenario._replace(package=package_id)).total
        low, typical, high = (Outcome(total.at(point), (), ZERO, ZERO, ZERO) for point in POINTS)
        outcomes = (low, typical, high)
        # The year: the package, then the boosters in the horizon paid as billed (as for any option).
        year = tuple(total.at(p) + course.horizon_total.at(p) - course.total.at(p) for p in POINTS)
    notes = ((SAID, (), (package.note,)),) if package.note else ()
    name = f"Package: {package.name}"
    return OptionEstimate(package_id, PACKAGE, name, *outcomes, notes, year=year)


def _reduction(
    discount: Discount,
    treatment: Treatment,
    course: Course,
    scenario: Scenario,
    sessions_part: Callable[[PricePointName], Decimal],
    packaged: bool,
) -> Range:
    def at(point: PricePointName) -> Decimal:
        total = course.total.at(point)
        if discount.pct is not None:
            return min(cents(sessions_part(point) * discount.pct / HUNDRED), total)
        if discount.amount is not None:
            return min(discount.amount, total)
        assert discount.first_session_price is not None
        if packaged:
            return ZERO
        return max(min(_base(treatment, scenario, point) - discount.first_session_price, total), ZERO)

    return Range(*(at(point) for point in POINTS))


def apply(sheet: PriceList, treatment: Treatment, course: Course, scenario: Scenario) -> Course:
    """The course with the scenario's package and discount applied (BadInput when one does not fit it)."""
    offers: list[tuple[str, str, str, Range]] = []
    package: Package | None = None
    if scenario.package is not None:
        package = sheet.packages[scenario.package]
        if package.treatment != course.treatment_id:
            raise BadInput(
                f"--package: {scenario.package!r} is a package of {package.treatment}, not {course.treatment_id}"
            )
        reason = shortfall(package, course)
        if reason:
            raise BadInput(f"--package: {scenario.package!r} is not available: {reason}")
        total = package_total(package, treatment, course, scenario)
        offers.append((PACKAGE, scenario.package, package.name, Range(*(package.price for _ in POINTS))))
        course = _with_total(course, total, tuple(offers))
    if scenario.discount is not None:
        discount = sheet.discounts[scenario.discount]
        if discount.treatments is not None and course.treatment_id not in discount.treatments:
            raise BadInput(f"--discount: {scenario.discount!r} is not offered for {course.treatment}")
        extra = course.sessions - (package.sessions if package else 0)

        def sessions_part(point: PricePointName) -> Decimal:
            if package is not None:
                return package.price + extra * _base(treatment, scenario, point)
            return _base(treatment, scenario, point) * course.sessions

        cut = _reduction(discount, treatment, course, scenario, sessions_part, package is not None)
        offers.append((DISCOUNT, scenario.discount, discount.name, cut))
        course = _with_total(course, Range(*(course.total.at(p) - cut.at(p) for p in POINTS)), tuple(offers))
    return course


def _with_total(course: Course, total: Range, offers: tuple[tuple[str, str, str, Range], ...]) -> Course:
    horizon = Range(*(total.at(p) + course.horizon_total.at(p) - course.total.at(p) for p in POINTS))
    return course._replace(total=total, horizon_total=horizon, offers=offers)


def unknown(sheet: PriceList, scenario: Scenario) -> list[tuple[str, str]]:
    """(field, message) for a package or discount the sheet lacks."""
    problems = []
    for field, known, what in (("package", sheet.packages, "package"), ("discount", sheet.discounts, "discount")):
        wanted = getattr(scenario, field)
        if wanted is not None and wanted not in known:
            problems.append((field, f"unknown {what} {wanted!r} (choose from: {', '.join(known) or 'none'})"))
    return problems


def reference_problems(data: Mapping[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """A package's treatment and included add-ons, and a discount's treatments, must be the sheet's."""
    treatments = data.get("treatments")
    known = treatments if isinstance(treatments, dict) else {}
    problems: list[tuple[tuple[str | int, ...], str]] = []
    packages = data.get("packages")
    for package_id, package in packages.items() if isinstance(packages, dict) else ():
        if not isinstance(package, dict) or not known:
            continue
        wanted = package.get("treatment")
        if isinstance(wanted, str) and wanted not in known:
            problems.append((("packages", package_id, "treatment"), f"{wanted!r} is not a treatment"))
            continue
        treatment = known.get(wanted) if isinstance(wanted, str) else None
        add_ons = treatment.get("add_ons", {}) if isinstance(treatment, dict) else {}
        includes = package.get("includes")
        for index, add_on in enumerate(includes if isinstance(includes, list) else ()):
            if isinstance(add_on, str) and isinstance(add_ons, dict) and add_on not in add_ons:
                choices = ", ".join(add_ons) or "none"
                problems.append(
                    (
                        ("packages", package_id, "includes", index),
                        f"{add_on!r} is not an add-on of {wanted} ({choices})",
                    )
                )
    discounts = data.get("discounts")
    for discount_id, discount in discounts.items() if isinstance(discounts, dict) else ():
        wanted_list = discount.get("treatments") if isinstance(discount, dict) else None
        for index, treatment_id in enumerate(wanted_list if isinstance(wanted_list, list) else ()):
            if isinstance(treatment_id, str) and known and treatment_id not in known:
                problems.append(
                    (("discounts", discount_id, "treatments", index), f"{treatment_id!r} is not a treatment")
                )
    return problems
