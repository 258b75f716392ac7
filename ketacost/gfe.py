"""Sheet + Scenario + patient -> a Good Faith Estimate (No Surprises Act, 45 CFR 149.610) as plain data. Pure.

The document follows the CMS model form (CMS-10791): the patient, the primary service and its scheduled date, the
scope of a recurring course, the expected charges per provider with a grand total, each provider's line table
(service, location, diagnosis codes, service code, quantity, expected charge), items needing separate scheduling,
the disclaimers, and the payment options. Course totals and payment options come from :func:`estimate`; the line
items are the sheet's, and they add up to the estimate's course total exactly (checked).

:func:`to_document` turns a GFE into its canonical JSON data (what the quote register keeps) and
:func:`from_document` reads it back, so a saved quote is re-rendered from exactly what was issued.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ketacost.codes import format_tin
from ketacost.dispute import CMS_PHONE, CMS_WEBSITE, DISPUTE_FEE, DISPUTE_THRESHOLD, DISPUTE_WINDOW_DAYS, dollars
from ketacost.errors import BadInput
from ketacost.estimator import POINTS, Range, Scenario, estimate
from ketacost.money import ZERO, allocate, fmt, fmt_grouped
from ketacost.sheet.model import CLINIC, AddOn, LineItem, Sheet, Treatment

DOCUMENT_KIND = "ketacost.good-faith-estimate"
DOCUMENT_VERSION = 1

MAX_SCOPE_DAYS = 365  # one GFE may cover a recurring course of at most 12 months

# Crockford's base32: no I, L, O or U, so an ID read aloud or copied by hand is unambiguous.
_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_ID_SUFFIX_LENGTH = 4


@dataclass(frozen=True, slots=True)
class Patient:
    name: str
    dob: dt.date


@dataclass(frozen=True, slots=True)
class Party:
    """A provider or facility as the GFE names it: NPI, TIN and location."""

    id: str
    name: str
    npi: str
    tin: str  # printed form, 12-3456789
    address: str
    state: str
    phone: str = ""


@dataclass(frozen=True, slots=True)
class Line:
    """One item or service for the whole period of care."""

    description: str
    location: str
    diagnosis_codes: tuple[str, ...]
    service_code: str
    quantity: int
    charge: Range


@dataclass(frozen=True, slots=True)
class ProviderEstimate:
    """A provider's or facility's part of the GFE: its lines and their subtotal."""

    provider: Party
    lines: tuple[Line, ...]
    subtotal: Range


@dataclass(frozen=True, slots=True)
class Scope:
    """What a recurring course covers: how many sessions, how often, over how long."""

    sessions: int
    unit: str
    frequency: str
    weeks: tuple[int, int]
    starts: dt.date | None
    ends_by: dt.date | None

    @property
    def recurring(self) -> bool:
        return self.sessions > 1


@dataclass(frozen=True, slots=True)
class PaymentRow:
    """One way of paying at the typical price, with the total paid across the price range."""

    id: str
    name: str
    upfront: Decimal
    monthly: Decimal
    months: int
    final_payment: Decimal
    interest_and_fees: Decimal
    total_paid: Range


@dataclass(frozen=True, slots=True)
class Disclaimer:
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SheetInfo:
    source: str
    effective: str
    sha256: str


@dataclass(frozen=True, slots=True)
class GoodFaithEstimate:
    """Everything a GFE says; renderers only lay it out."""

    quote_id: str
    issued: dt.date
    patient: Patient
    clinic: Party
    clinic_contact: str
    service: str
    service_description: str
    scheduled: dt.date | None
    diagnosis_codes: tuple[str, ...]
    scope: Scope
    providers: tuple[ProviderEstimate, ...]
    total: Range
    separately_scheduled: tuple[str, ...]
    disclaimers: tuple[Disclaimer, ...]
    payment_options: tuple[PaymentRow, ...]
    typical_total: Decimal
    intro: str
    sheet: SheetInfo


@dataclass(frozen=True, slots=True)
class Request:
    """What the front desk asked for, besides the course itself."""

    patient: Patient
    scheduled: dt.date | None = None
    diagnosis_codes: tuple[str, ...] = ()  # empty: the treatment's expected codes from the sheet


def new_quote_id(issued: dt.date) -> str:
    """``Q-YYYYMMDD-XXXX``: the issue date and 4 random base32 characters (uniqueness: the register retries)."""
    suffix = "".join(secrets.choice(_ID_ALPHABET) for _ in range(_ID_SUFFIX_LENGTH))
    return f"Q-{issued:%Y%m%d}-{suffix}"


def normalize_quote_id(text: str) -> str:
    """A quote ID as typed: any case; in the random part O reads as 0 and I or L as 1, as Crockford's base32 says."""
    value = text.strip().upper()
    if re.fullmatch(r"Q-[0-9]{8}-[0-9A-Z]{4}", value):
        return value[:11] + value[11:].translate(str.maketrans("OIL", "011"))
    return value


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
            description=item.description,
            location=sheet.provider(item.provider).address,
            diagnosis_codes=diagnosis,
            service_code=item.service_code,
            quantity=item.quantity * times,
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
        payment_options=tuple(
            PaymentRow(
                id=option.id,
                name=option.name,
                upfront=option.typical.upfront,
                monthly=option.typical.monthly,
                months=option.typical.months,
                final_payment=option.typical.final_payment,
                interest_and_fees=option.typical.interest + option.typical.fees,
                total_paid=Range(*(option.at(point).total_paid for point in POINTS)),
            )
            for option in result.options
            if all(option.at(point).available for point in POINTS)
        ),
        typical_total=course.total.typical,
        intro=INTRO,
        sheet=SheetInfo(source=source, effective=result.effective, sha256=sheet_sha256),
    )


INTRO = (
    "You are receiving this Good Faith Estimate because you are uninsured or are not using insurance for these "
    "items and services (self-pay). Under the law, health care providers need to give patients who don't have "
    "certain types of health care coverage or who are not using certain types of health care coverage an "
    "estimate of their bill for health care items and services before those items or services are provided."
)


def disclaimers(clinic: str, contact: str) -> tuple[Disclaimer, ...]:
    """The four disclaimers 45 CFR 149.610(c) requires, worded as the CMS model form (CMS-10791) words them."""
    return (
        Disclaimer(
            "Items or services scheduled separately",
            (
                "There may be additional items or services we recommend as part of your course of care that must "
                "be scheduled or requested separately and are not reflected in this Good Faith Estimate. "
                f"To get a Good Faith Estimate for them, contact {clinic}: {contact}. You will receive it in "
                "writing within 3 business days of asking.",
            ),
        ),
        Disclaimer(
            "This is only an estimate",
            (
                "This Good Faith Estimate shows the costs of items and services that are reasonably expected for "
                "your health care needs for an item or service. The estimate is based on information known at the "
                "time the estimate was created. This is only an estimate; actual items, services or charges may "
                "differ from this Good Faith Estimate.",
                "The Good Faith Estimate does not include any unknown or unexpected costs that may arise during "
                "treatment. You could be charged more if complications or special circumstances occur. If this "
                "happens, federal law allows you to dispute (appeal) the bill.",
            ),
        ),
        Disclaimer(
            "Your right to dispute the bill",
            (
                "If you are billed for more than this Good Faith Estimate, you have the right to dispute the bill. "
                "You may contact the health care provider or facility listed to let them know the billed charges "
                "are higher than the Good Faith Estimate. You can ask them to update the bill to match the Good "
                "Faith Estimate, ask to negotiate the bill, or ask if there is financial assistance available.",
                f"If you are billed at least {dollars(DISPUTE_THRESHOLD)} more than this Good Faith Estimate for any "
                "one provider or facility listed, you can start a dispute resolution process with the U.S. "
                "Department of Health and Human Services (HHS). If you choose to use the dispute resolution "
                f"process, you must start the dispute process within {DISPUTE_WINDOW_DAYS} calendar days (about "
                f"{DISPUTE_WINDOW_DAYS // 30} months) of the date on the original bill. There is a "
                f"{dollars(DISPUTE_FEE)} fee to use the dispute process. If the agency reviewing your dispute "
                "agrees with you, "
                "you will have to pay the price on this Good Faith Estimate. If the agency disagrees with you and "
                "agrees with the health care provider or facility, you will have to pay the higher amount. "
                "Starting a dispute will not adversely affect the quality of the care you receive.",
                f"To learn more and get a form to start the process, go to {CMS_WEBSITE} or call {CMS_PHONE}. "
                "For questions or more information about your right to a Good Faith Estimate or the dispute "
                f"process, visit {CMS_WEBSITE} or call {CMS_PHONE}.",
                "Make sure to save a copy or picture of your Good Faith Estimate. You may need it if you are billed "
                "a higher amount.",
            ),
        ),
        Disclaimer(
            "Not a contract",
            (
                "This Good Faith Estimate is not a contract and does not require the patient to obtain the items "
                "or services from any of the providers or facilities identified in this Good Faith Estimate.",
            ),
        ),
    )


# --- the course -------------------------------------------------------------------------------------------------


def _included_add_ons(treatment: Treatment, scenario: Scenario) -> list[tuple[str, AddOn]]:
    """The add-ons the estimate included, in sheet order (the same rule as :func:`price_course`)."""
    return [
        (add_on_id, add_on)
        for add_on_id, add_on in treatment.add_ons.items()
        if not add_on.optional or add_on_id in scenario.add_ons
    ]


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
    return Range(*(getattr(item.price, point) * item.quantity for point in POINTS))


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
    texts += [
        f"{add_on.name} (not included in this estimate)"
        for add_on_id, add_on in treatment.add_ons.items()
        if add_on.optional and add_on_id not in scenario.add_ons
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


def span_text(value: Range) -> str:
    """A charge for people: ``2,400.00 - 6,000.00``, or one amount when low and high agree."""
    if value.low == value.high:
        return fmt_grouped(value.low)
    return f"{fmt_grouped(value.low)} - {fmt_grouped(value.high)}"


# --- the canonical document ---------------------------------------------------------------------------------------


def to_document(gfe: GoodFaithEstimate) -> dict[str, Any]:
    """The GFE as JSON data: money as two-decimal strings, dates as ISO text. What the register keeps."""

    def money_range(value: Range) -> dict[str, str]:
        return {point: fmt(value.at(point)) for point in POINTS}

    def party(value: Party) -> dict[str, str]:
        return {
            "id": value.id,
            "name": value.name,
            "npi": value.npi,
            "tin": value.tin,
            "address": value.address,
            "state": value.state,
            "phone": value.phone,
        }

    scope = gfe.scope
    return {
        "document": DOCUMENT_KIND,
        "version": DOCUMENT_VERSION,
        "quote_id": gfe.quote_id,
        "issued": gfe.issued.isoformat(),
        "patient": {"name": gfe.patient.name, "dob": gfe.patient.dob.isoformat()},
        "clinic": {**party(gfe.clinic), "contact": gfe.clinic_contact},
        "service": {
            "name": gfe.service,
            "description": gfe.service_description,
            "scheduled": gfe.scheduled.isoformat() if gfe.scheduled else None,
            "diagnosis_codes": list(gfe.diagnosis_codes),
        },
        "scope": {
            "sessions": scope.sessions,
            "unit": scope.unit,
            "frequency": scope.frequency,
            "weeks": {"min": scope.weeks[0], "max": scope.weeks[1]},
            "starts": scope.starts.isoformat() if scope.starts else None,
            "ends_by": scope.ends_by.isoformat() if scope.ends_by else None,
        },
        "providers": [
            {
                "provider": party(group.provider),
                "lines": [
                    {
                        "description": line.description,
                        "location": line.location,
                        "diagnosis_codes": list(line.diagnosis_codes),
                        "service_code": line.service_code,
                        "quantity": line.quantity,
                        "charge": money_range(line.charge),
                    }
                    for line in group.lines
                ],
                "subtotal": money_range(group.subtotal),
            }
            for group in gfe.providers
        ],
        "total": money_range(gfe.total),
        "separately_scheduled": list(gfe.separately_scheduled),
        "payment_options": {
            "typical_total": fmt(gfe.typical_total),
            "options": [
                {
                    "id": row.id,
                    "name": row.name,
                    "upfront": fmt(row.upfront),
                    "monthly": fmt(row.monthly),
                    "months": row.months,
                    "final_payment": fmt(row.final_payment),
                    "interest_and_fees": fmt(row.interest_and_fees),
                    "total_paid": money_range(row.total_paid),
                }
                for row in gfe.payment_options
            ],
        },
        "intro": gfe.intro,
        "disclaimers": [{"title": d.title, "paragraphs": list(d.paragraphs)} for d in gfe.disclaimers],
        "pricing": {"source": gfe.sheet.source, "effective": gfe.sheet.effective, "sha256": gfe.sheet.sha256},
    }


def canonical_json(document: Mapping[str, Any]) -> str:
    """The one text form of a document: what ``--json`` writes and the register stores, byte for byte."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def from_document(document: Mapping[str, Any]) -> GoodFaithEstimate:
    """Read a document written by :func:`to_document` (of this or an earlier version) back into a GFE."""
    if document.get("document") != DOCUMENT_KIND or document.get("version") != DOCUMENT_VERSION:
        raise BadInput(
            f"not a Good Faith Estimate document this ketacost can read "
            f"(document {document.get('document')!r}, version {document.get('version')!r})"
        )

    def money_range(value: Mapping[str, str]) -> Range:
        return Range(*(Decimal(value[point]) for point in POINTS))

    def party(value: Mapping[str, str]) -> Party:
        return Party(
            id=value["id"],
            name=value["name"],
            npi=value["npi"],
            tin=value["tin"],
            address=value["address"],
            state=value["state"],
            phone=value["phone"],
        )

    def day(value: str | None) -> dt.date | None:
        return dt.date.fromisoformat(value) if value else None

    service, scope, payments = document["service"], document["scope"], document["payment_options"]
    return GoodFaithEstimate(
        quote_id=document["quote_id"],
        issued=dt.date.fromisoformat(document["issued"]),
        patient=Patient(document["patient"]["name"], dt.date.fromisoformat(document["patient"]["dob"])),
        clinic=party(document["clinic"]),
        clinic_contact=document["clinic"]["contact"],
        service=service["name"],
        service_description=service["description"],
        scheduled=day(service["scheduled"]),
        diagnosis_codes=tuple(service["diagnosis_codes"]),
        scope=Scope(
            sessions=scope["sessions"],
            unit=scope["unit"],
            frequency=scope["frequency"],
            weeks=(scope["weeks"]["min"], scope["weeks"]["max"]),
            starts=day(scope["starts"]),
            ends_by=day(scope["ends_by"]),
        ),
        providers=tuple(
            ProviderEstimate(
                provider=party(group["provider"]),
                lines=tuple(
                    Line(
                        description=line["description"],
                        location=line["location"],
                        diagnosis_codes=tuple(line["diagnosis_codes"]),
                        service_code=line["service_code"],
                        quantity=line["quantity"],
                        charge=money_range(line["charge"]),
                    )
                    for line in group["lines"]
                ),
                subtotal=money_range(group["subtotal"]),
            )
            for group in document["providers"]
        ),
        total=money_range(document["total"]),
        separately_scheduled=tuple(document["separately_scheduled"]),
        disclaimers=tuple(Disclaimer(d["title"], tuple(d["paragraphs"])) for d in document["disclaimers"]),
        payment_options=tuple(
            PaymentRow(
                id=row["id"],
                name=row["name"],
                upfront=Decimal(row["upfront"]),
                monthly=Decimal(row["monthly"]),
                months=row["months"],
                final_payment=Decimal(row["final_payment"]),
                interest_and_fees=Decimal(row["interest_and_fees"]),
                total_paid=money_range(row["total_paid"]),
            )
            for row in payments["options"]
        ),
        typical_total=Decimal(payments["typical_total"]),
        intro=document["intro"],
        sheet=SheetInfo(**document["pricing"]),
    )
