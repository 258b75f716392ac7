"""A Good Faith Estimate <-> its canonical JSON document (what ``--json`` writes and the register keeps, byte for
byte), through the one document codec (:mod:`ketacost.document.codec`) over the GFE's own value types. Imported
only when a GFE document is first written or read.

The document groups a few of the GFE's fields differently (the clinic's contact inside ``clinic``, the service's
name, description, date and codes inside ``service``, the payment rows under ``payment_options``); the classes
below give those groups, in the document's key order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ketacost.document.codec import Codec
from ketacost.gfe.model import (
    DOCUMENT_KIND,
    DOCUMENT_VERSION,
    Disclaimer,
    GoodFaithEstimate,
    Money,
    MoneyRange,
    Party,
    Patient,
    PaymentRow,
    ProviderEstimate,
    Scope,
    SheetInfo,
)


@dataclass(frozen=True, slots=True)
class _Clinic:
    id: str
    name: str
    npi: str
    tin: str
    address: str
    state: str
    phone: str
    contact: str


@dataclass(frozen=True, slots=True)
class _Service:
    name: str
    description: str
    scheduled: dt.date | None
    diagnosis_codes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Payments:
    typical_total: Money
    options: tuple[PaymentRow, ...]


@dataclass(frozen=True, slots=True)
class _Document:
    document: Literal["ketacost.good-faith-estimate"]
    version: Literal[1]
    quote_id: str
    issued: dt.date
    patient: Patient
    clinic: _Clinic
    service: _Service
    scope: Scope
    providers: tuple[ProviderEstimate, ...]
    total: MoneyRange
    separately_scheduled: tuple[str, ...]
    payment_options: _Payments
    intro: str
    disclaimers: tuple[Disclaimer, ...]
    pricing: SheetInfo
    timing: str = ""  # added later: earlier documents have none
    supersedes: str = ""
    diagnosis_names: tuple[tuple[str, str], ...] = ()
    separately_scheduled_note: str = ""


_CODEC = Codec(_Document, kind=DOCUMENT_KIND, version=DOCUMENT_VERSION, title="Good Faith Estimate")


def to_document(gfe: GoodFaithEstimate) -> dict[str, Any]:
    """The GFE as JSON data: money as two-decimal strings, dates as ISO text. What the register keeps."""
    document = _Document(
        document=DOCUMENT_KIND,
        version=DOCUMENT_VERSION,
        quote_id=gfe.quote_id,
        issued=gfe.issued,
        patient=gfe.patient,
        clinic=_Clinic(**_fields(gfe.clinic), contact=gfe.clinic_contact),
        service=_Service(gfe.service, gfe.service_description, gfe.scheduled, gfe.diagnosis_codes),
        scope=gfe.scope,
        providers=gfe.providers,
        total=gfe.total,
        separately_scheduled=gfe.separately_scheduled,
        payment_options=_Payments(gfe.typical_total, gfe.payment_options),
        intro=gfe.intro,
        disclaimers=gfe.disclaimers,
        pricing=gfe.sheet,
        timing=gfe.timing,
        supersedes=gfe.supersedes,
        diagnosis_names=gfe.diagnosis_names,
        separately_scheduled_note=gfe.separately_scheduled_note,
    )
    return _CODEC.dump(document)


def from_document(document: Mapping[str, Any]) -> GoodFaithEstimate:
    """Read a document written by :func:`to_document` (of this or an earlier version) back into a GFE."""
    read = _CODEC.read(document)
    clinic = _fields(read.clinic)
    del clinic["contact"]
    return GoodFaithEstimate(
        quote_id=read.quote_id,
        issued=read.issued,
        patient=read.patient,
        clinic=Party(**clinic),
        clinic_contact=read.clinic.contact,
        service=read.service.name,
        service_description=read.service.description,
        scheduled=read.service.scheduled,
        diagnosis_codes=read.service.diagnosis_codes,
        scope=read.scope,
        providers=read.providers,
        total=read.total,
        separately_scheduled=read.separately_scheduled,
        disclaimers=read.disclaimers,
        payment_options=read.payment_options.options,
        typical_total=read.payment_options.typical_total,
        intro=read.intro,
        sheet=read.pricing,
        timing=read.timing,
        supersedes=read.supersedes,
        diagnosis_names=read.diagnosis_names,
        separately_scheduled_note=read.separately_scheduled_note,
    )


def _fields(value: Party | _Clinic) -> dict[str, Any]:
    """A value's fields by name, one level deep (``dataclasses.asdict`` would copy nested values too)."""
    return {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
