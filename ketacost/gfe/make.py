"""Sheet + Scenario + patient -> a Good Faith Estimate (No Surprises Act, 45 CFR 149.610). Pure.

The document follows the CMS model form (CMS-10791): the patient, the primary service and its scheduled date, the
scope of a recurring course, the expected charges per provider with a grand total, each provider's line table
(service, location, diagnosis codes, service code, quantity, expected charge), items needing separate scheduling,
the disclaimers, and the payment options. Course totals and payment options come from :func:`estimate`; the line
items are the sheet's, and they add up to the estimate's course total exactly (checked).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ketacost import kinds
from ketacost.codes import format_tin
from ketacost.course import included_add_ons
from ketacost.errors import BadInput
from ketacost.estimator import POINTS, OptionEstimate, Range, Scenario, estimate
from ketacost.gfe.model import (
    GoodFaithEstimate,
    Line,
    Party,
    PaymentRow,
    ProviderEstimate,
    Request,
    Scope,
    SheetInfo,
)
from ketacost.gfe.timing import due
from ketacost.gfe.wording import INTRO, disclaimers, separately_scheduled_note
from ketacost.money import ZERO, allocate
from ketacost.sheet.model import CLINIC, AddOn, LineItem, Sheet, Treatment

MAX_SCOPE_DAYS = 365  # one GFE may cover a recurring course of at most 12 months


# Rows that price something other than the charges itemized here (a package's price, member prices) are left
# out: a GFE's payment options each pay for its total. So are a lender grid's rows, a row per term, unless the
# quote names them with -o: the GFE must stay within two printed pages.
_PRICED_APART = ("package", "clinic_membership")


def build(
    sheet: Sheet,
    scenario: Scenario,
    request: Request,
    *,
    quote_id: str,
    issued: dt.date,
    source: str,
    sheet_sha256: str,
) -> GoodFaithEstimate:
    """The GFE for one patient and course. Raises :class:`BadInput` when the sheet or the request cannot make one."""
    if sheet.clinic is None:
        raise BadInput(f"{source}: no [clinic] table: a Good Faith Estimate needs the clinic's name, NPI and TIN")
    result = estimate(sheet, scenario, source=source)
    course = result.course
    treatment = sheet.treatments[course.treatment_id]
    add_ons = _included_add_ons(treatment, scenario)
    _require_line_items(source, course.treatment_id, treatment, add_ons)

    diagnosis = request.diagnosis_codes or tuple(treatment.diagnosis_codes)
    scope = _scope(treatment, course.sessions, course.unit, request.scheduled)
    lines: dict[str, list[Line]] = {CLINIC: []}  # the convening clinic first, as on the CMS form
    priced = [(item, charge, False) for item, charge in _session_charges(treatment, scenario)]
    for _, add_on in add_ons:
        priced += [(item, _charge(item), add_on.per == "course") for item in add_on.line_items]
    for item, charge, once in priced:
        times = 1 if once else course.sessions
        line = Line(
            description=item.description or "",
            location=sheet.provider(item.provider).address,
            diagnosis_codes=diagnosis,
            service_code=item.service_code or "",
            quantity=item.quantity_at("high") * times,  # the most billed, when it differs by price point
            charge=Range(*(charge.at(point) * times for point in POINTS)),
        )
        lines.setdefault(item.provider, []).append(line)

    groups = tuple(
        ProviderEstimate(
            provider=_party(provider_id, sheet),
            lines=tuple(provider_lines),
            subtotal=_sum(line.charge for line in provider_lines),
        )
        for provider_id, provider_lines in lines.items()
        if provider_lines
    )
    total = _sum(group.subtotal for group in groups)
    if total != course.total:  # the line items are validated to add up; this guards the arithmetic here
        raise AssertionError(f"GFE lines add up to {total}, the estimate says {course.total}")

    clinic = sheet.clinic
    names = sheet.diagnosis_names
    return GoodFaithEstimate(
        quote_id=quote_id,
        issued=issued,
        patient=request.patient,
        clinic=_party(CLINIC, sheet),
        clinic_contact=clinic.contact,
        service=_service_line(course.treatment, course.sessions, course.unit, [a.name for _, a in add_ons]),
        service_description=" ".join(treatment.description.split()),
        scheduled=request.scheduled,
        diagnosis_codes=diagnosis,
        scope=scope,
        providers=groups,
        total=total,
        separately_scheduled=_separately_scheduled(treatment, scenario),
        disclaimers=disclaimers(clinic.name, clinic.contact),
        payment_options=_payment_rows(result.options, scenario.options),
        typical_total=course.total.typical,
        intro=INTRO,
        sheet=SheetInfo(source=source, effective=result.effective, sha256=sheet_sha256),
        timing=due(request.asked or issued, request.scheduled).sentence(),
        supersedes=request.supersedes,
        diagnosis_names=tuple((code, names[code]) for code in diagnosis if code in names),
        separately_scheduled_note=separately_scheduled_note(clinic.name, clinic.contact),
    )


def _payment_rows(options: Iterable[OptionEstimate], chosen: Iterable[str]) -> tuple[PaymentRow, ...]:
    """The ways of paying at the typical price, the price the GFE's payment table names.

    A self-pay patient is not using coverage, so no kind marked ``COVERAGE`` (insurance, VA) is listed. An option
    offered at the typical price but not at another (a card with a minimum amount) is listed; the points where it
    is not offered are named, and its range spans only the points where it is (the typical figure stands in).
    Packages and memberships price something other than the itemized charges, so they are left out; a lender
    grid's terms are listed only when ``-o`` names them (``chosen``), or four rows would crowd the page.
    """
    named = set(chosen)
    rows = []
    for option in options:
        if option.kind in _PRICED_APART or (option.offer is not None and not {option.id, option.offer} & named):
            continue
        if kinds.by_kind(option.kind).coverage or not option.typical.available:
            continue
        missing = tuple(point for point in POINTS if not option.at(point).available)
        totals = (option.at(p).total_paid if p not in missing else option.typical.total_paid for p in POINTS)
        rows.append(
            PaymentRow(
                id=option.id,
                name=option.name,
                upfront=option.typical.upfront,
                monthly=option.typical.monthly,
                months=option.typical.months,
                final_payment=option.typical.final_payment,
                interest_and_fees=option.typical.interest + option.typical.fees,
                total_paid=Range(*totals),
                unavailable_at=missing,
                kind=option.kind,
            )
        )
    return tuple(rows)


# --- the course -------------------------------------------------------------------------------------------------


def _included_add_ons(treatment: Treatment, scenario: Scenario) -> list[tuple[str, AddOn]]:
    """The add-ons the estimate included, in sheet order (the same rule as :func:`price_course`)."""
    return included_add_ons(treatment.add_ons, scenario.add_ons)


def _require_line_items(source: str, treatment_id: str, treatment: Treatment, add_ons: list[tuple[str, AddOn]]) -> None:
    missing = [f"treatments.{treatment_id}"] if not treatment.line_items else []
    missing += [f"treatments.{treatment_id}.add_ons.{add_on_id}" for add_on_id, a in add_ons if not a.line_items]
    if missing:
        raise BadInput(
            *(
                f"{source}: {key}: no line_items: a Good Faith Estimate lists each item's service code"
                for key in missing
            )
        )


def _charge(item: LineItem) -> Range:
    """What one line item costs per session (or per course): quantity x unit price."""
    return Range(*(item.charge_at(point) for point in POINTS))


def _session_charges(treatment: Treatment, scenario: Scenario) -> list[tuple[LineItem, Range]]:
    """The treatment's line items with their charge per session.

    With one ``--price`` for the session, that price is split across the items in the proportions of their
    typical charges, to the cent, so that the parts add up to it exactly.
    """
    items = list(treatment.line_items)
    if scenario.price is None:
        return [(item, _charge(item)) for item in items]
    shares = allocate(scenario.price, [_charge(item).typical for item in items])
    return [(item, Range(share, share, share)) for item, share in zip(items, shares, strict=True)]


def _sum(ranges: Iterable[Range]) -> Range:
    low = typical = high = ZERO
    for value in ranges:
        low, typical, high = low + value.low, typical + value.typical, high + value.high
    return Range(low, typical, high)


def _scope(treatment: Treatment, sessions: int, unit: str, starts: dt.date | None) -> Scope:
    course = treatment.course
    # A longer or shorter course than the sheet's keeps its pace: weeks scale with the sessions (rounded up).
    weeks_min = -(-course.weeks_min * sessions // course.sessions)
    weeks_max = -(-course.weeks_max * sessions // course.sessions)
    if weeks_max * 7 > MAX_SCOPE_DAYS:
        raise BadInput(
            f"--sessions: {sessions} {_plural(unit)} take up to {weeks_max} weeks; one Good Faith Estimate covers "
            "at most 12 months: quote fewer sessions and issue another estimate later"
        )
    frequency = course.frequency or f"{sessions} {_plural(unit)} over {_span(weeks_min, weeks_max)} weeks"
    ends = starts + dt.timedelta(weeks=weeks_max) if starts is not None else None
    return Scope(sessions, unit, frequency, (weeks_min, weeks_max), starts, ends)


def _separately_scheduled(treatment: Treatment, scenario: Scenario) -> tuple[str, ...]:
    texts = [" ".join(text.split()) for text in treatment.separate_scheduling]
    included = dict(included_add_ons(treatment.add_ons, scenario.add_ons))
    texts += [
        f"{add_on.name} (not included in this estimate)"
        for add_on_id, add_on in treatment.add_ons.items()
        if add_on_id not in included
    ]
    return tuple(texts)


def _service_line(treatment: str, sessions: int, unit: str, add_ons: list[str]) -> str:
    text = treatment if sessions == 1 else f"{treatment}: a course of {sessions} {_plural(unit)}"
    return text + (f", with {', '.join(add_ons)}" if add_ons else "")


def _party(provider_id: str, sheet: Sheet) -> Party:
    provider = sheet.provider(provider_id)
    return Party(
        id=provider_id,
        name=provider.name,
        npi=provider.npi,
        tin=format_tin(provider.tin),
        address=provider.address,
        state=provider.state,
        phone=provider.phone or "",
    )


def _plural(unit: str) -> str:
    return unit if unit.endswith("s") else unit + "s"


def _span(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}-{high}"
