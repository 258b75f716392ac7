"""Sheet + sessions that took place + patient -> a superbill. Pure but for nothing: no I/O (a CSV arrives as text).

Each session's service lines are the sheet's line items for the treatment and its add-ons (the codes a Good Faith
Estimate lists; :func:`line_items` is the one place that reads them): per-session items at every session, per-course
add-ons at the first. Charges are the typical prices, or ``--price`` split across the items as a GFE splits it. What
was paid at a session is split across its lines in proportion to their charges, to the cent.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ketacost.codes import check_icd10, format_tin
from ketacost.course import included_add_ons
from ketacost.document import SheetInfo
from ketacost.errors import BadInput
from ketacost.money import ZERO, allocate, fmt
from ketacost.sheet.model import CLINIC, LineItem, Sheet
from ketacost.superbill.model import Diagnosis, Patient, Provider, Service, Session, Superbill

# CMS place of service codes a ketamine clinic uses.
PLACES: Mapping[str, str] = {
    "11": "Office",
    "02": "Telehealth provided other than in patient's home",
    "10": "Telehealth provided in patient's home",
}

# ICD-10-CM titles of the codes ketamine care is usually billed under (CDC/CMS ICD-10-CM tabular list), for a sheet
# that does not describe them in [[diagnoses]] (the sheet's own descriptions come first). Other codes need their
# description given: --diagnosis CODE=DESCRIPTION.
ICD10_TITLES: Mapping[str, str] = {
    "F32.2": "Major depressive disorder, single episode, severe without psychotic features",
    "F32.9": "Major depressive disorder, single episode, unspecified",
    "F33.1": "Major depressive disorder, recurrent, moderate",
    "F33.2": "Major depressive disorder, recurrent severe without psychotic features",
    "F33.9": "Major depressive disorder, recurrent, unspecified",
    "F41.1": "Generalized anxiety disorder",
    "F43.10": "Post-traumatic stress disorder, unspecified",
    "F43.12": "Post-traumatic stress disorder, chronic",
}
MAX_SESSIONS = 200  # lines on one superbill: a year of sessions at most


@dataclass(frozen=True, slots=True)
class Item:
    """One line item of a session as the sheet gives it."""

    description: str
    code: str
    provider: str
    quantity: int
    charge: Decimal  # per session (or per course, when ``once``)
    once: bool


def line_items(sheet: Sheet, treatment_id: str, add_ons: Sequence[str], price: Decimal | None) -> list[Item]:
    """The service lines of one session, from the sheet: the treatment's items, then its add-ons' (the included
    ones: not optional, or named). Codes with alternatives (``G2082/G2083``) give their first."""
    treatment = sheet.treatments[treatment_id]
    if not treatment.line_items:
        raise BadInput(f"treatments.{treatment_id}: no line_items: a superbill lists each service's code")
    items = list(treatment.line_items)
    charges = [item.charge_at("typical") for item in items]
    if price is not None:
        charges = allocate(price, charges)
    found = [_item(item, charge, False) for item, charge in zip(items, charges, strict=True)]
    for add_on_id, add_on in included_add_ons(treatment.add_ons, add_ons):
        if not add_on.line_items:
            raise BadInput(f"treatments.{treatment_id}.add_ons.{add_on_id}: no line_items")
        found += [_item(item, item.charge_at("typical"), add_on.per == "course") for item in add_on.line_items]
    return found


def _item(item: LineItem, charge: Decimal, once: bool) -> Item:
    """A loaded sheet's line item (its fee's description and code filled in, in either schema version), at the
    typical quantity: the one a session that took place is billed."""
    assert item.description is not None and item.service_code is not None
    code = item.service_code.split("/")[0]
    return Item(item.description, code, item.provider, item.quantity_at("typical"), charge, once)


def diagnoses(
    given: Sequence[str], expected: Sequence[str], described: Mapping[str, str] = ICD10_TITLES
) -> tuple[Diagnosis, ...]:
    """``CODE`` or ``CODE=DESCRIPTION`` as typed (none: the treatment's expected codes), each with its title: as
    typed, else from ``described`` (the sheet's ``[[diagnoses]]`` over :data:`ICD10_TITLES`)."""
    found: dict[str, Diagnosis] = {}
    problems: list[str] = []
    for text in given or expected:
        code_text, _, description = text.partition("=")
        try:
            code = check_icd10(code_text)
        except ValueError as error:
            problems.append(f"--diagnosis: {error}")
            continue
        title = " ".join(description.split()) or " ".join(described.get(code, "").split())
        if not title:
            problems.append(f"--diagnosis: no description known for {code}: give it as {code}=DESCRIPTION")
        found[code] = Diagnosis(code, title)
    if problems:
        raise BadInput(*problems)
    return tuple(found.values())


def _provider(sheet: Sheet, provider_id: str) -> Provider:
    p = sheet.provider(provider_id)
    return Provider(
        id=provider_id,
        name=p.name,
        credentials=getattr(p, "credentials", None) or "",
        npi=p.npi,
        tin=format_tin(p.tin),
        license=getattr(p, "license", None) or "",
        address=p.address,
        phone=p.phone or "",
    )


def build(
    sheet: Sheet,
    *,
    treatment_id: str,
    add_ons: Sequence[str],
    price: Decimal | None,
    sessions: Sequence[Session],
    patient: Patient,
    diagnosis: Sequence[str],
    place: str,
    modifiers: Mapping[str, tuple[str, ...]],
    superbill_id: str,
    issued: dt.date,
    source: str,
    sheet_sha256: str,
) -> Superbill:
    """The superbill for these sessions. Raises :class:`BadInput` for what the sheet or the sessions cannot make."""
    if sheet.clinic is None:
        raise BadInput(f"{source}: no [clinic] table: a superbill needs the billing provider's name, NPI and TIN")
    if treatment_id not in sheet.treatments:
        raise BadInput(f"--treatment: unknown treatment {treatment_id!r} (choose from: {', '.join(sheet.treatments)})")
    treatment = sheet.treatments[treatment_id]
    unknown = [a for a in add_ons if a not in treatment.add_ons]
    if unknown:
        known = ", ".join(treatment.add_ons) or "none"
        raise BadInput(*(f"--add-on: unknown add-on for {treatment_id} {a!r} (choose from: {known})" for a in unknown))
    items = line_items(sheet, treatment_id, add_ons, price)
    coded = {item.code for item in items}
    stray = [code for code in modifiers if code not in coded]
    if stray:
        raise BadInput(
            *(f"--modifier: {code} is not a code of this superbill ({', '.join(sorted(coded))})" for code in stray)
        )
    found = diagnoses(diagnosis, treatment.diagnosis_codes, {**ICD10_TITLES, **sheet.diagnosis_names})
    codes = tuple(d.code for d in found)
    services: list[Service] = []
    problems: list[str] = []
    for number, session in enumerate(sorted(sessions, key=lambda s: s.date), start=1):
        lines = [item for item in items if not item.once or number == 1]
        charged = sum((item.charge for item in lines), ZERO)
        paid = charged if session.paid is None else session.paid
        if paid > charged:
            problems.append(
                f"session {session.date.isoformat()}: paid {fmt(paid)} is more than its charge {fmt(charged)}"
            )
            continue
        where = session.place or place
        for item, part in zip(lines, allocate(paid, [item.charge for item in lines]), strict=True):
            services.append(
                Service(
                    date=session.date,
                    place_of_service=where,
                    code=item.code,
                    modifiers=modifiers.get(item.code, ()),
                    description=item.description,
                    diagnosis_codes=codes,
                    units=item.quantity,
                    charge=item.charge,
                    paid=part,
                    rendering_npi=sheet.provider(item.provider).npi,
                )
            )
    if problems:
        raise BadInput(*problems)
    rendering_ids = list(dict.fromkeys(item.provider for item in items if item.provider != CLINIC))
    charged_total = sum((s.charge for s in services), ZERO)
    paid_total = sum((s.paid for s in services), ZERO)
    return Superbill(
        superbill_id=superbill_id,
        issued=issued,
        patient=patient,
        billing=_provider(sheet, CLINIC),
        rendering=tuple(_provider(sheet, provider_id) for provider_id in rendering_ids or [CLINIC]),
        service=treatment.name,
        diagnoses=found,
        services=tuple(services),
        total_charged=charged_total,
        total_paid=paid_total,
        balance=charged_total - paid_total,
        sheet=SheetInfo(source=source, effective=sheet.effective.isoformat(), sha256=sheet_sha256),
    )


def read_session(text: str, flag: str, today: dt.date) -> Session:
    """``DATE`` or ``DATE=PAID`` as typed on the command line."""
    from ketacost import values

    day_text, sep, paid_text = text.partition("=")
    day = values.iso_date(flag, day_text)
    assert day is not None
    if day > today:
        raise BadInput(f"{flag}: {day.isoformat()} is in the future: a superbill lists sessions that took place")
    paid = values.money(flag, paid_text) if sep else None
    return Session(day, paid)


def read_sessions_csv(text: str, label: str, today: dt.date) -> list[Session]:
    """Sessions from a CSV with a header: ``date`` (required), ``paid`` and ``place_of_service`` (optional)."""
    reader = csv.DictReader(io.StringIO(text))
    fields = [name.strip() for name in reader.fieldnames or []]
    if "date" not in fields:
        raise BadInput(f"{label}:1: the header must name a date column (date,paid,place_of_service)")
    sessions: list[Session] = []
    problems: list[str] = []
    for row in reader:
        cells = {(key or "").strip(): (value or "").strip() for key, value in row.items() if isinstance(value, str)}
        where = f"{label}:{reader.line_num}"
        try:
            paid = cells.get("paid", "")
            session = read_session(cells.get("date", "") + (f"={paid}" if paid else ""), where, today)
            place = cells.get("place_of_service", "") or None
            if place is not None and place not in PLACES:
                raise BadInput(f"{where}: place_of_service {place!r} must be one of {', '.join(PLACES)}")
            sessions.append(Session(session.date, session.paid, place))
        except BadInput as error:
            problems.extend(error.lines)
        if len(sessions) > MAX_SESSIONS:
            raise BadInput(f"{label}: more than {MAX_SESSIONS} sessions: issue one superbill per period")
    if problems:
        raise BadInput(*problems)
    return sessions
