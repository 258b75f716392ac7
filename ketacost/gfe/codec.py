"""A Good Faith Estimate <-> its canonical JSON document (what ``--json`` writes and the register keeps, byte for
byte), by one pydantic TypeAdapter over the GFE's own value types. Imported only by the quote commands.

The document groups a few of the GFE's fields differently (the clinic's contact inside ``clinic``, the service's
name, description, date and codes inside ``service``, the payment rows under ``payment_options``); the classes
below give those groups, in the document's key order. Money is written as two-decimal strings and read back as
the Decimal it says.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError
from pydantic_core import core_schema

from ketacost.course import Range
from ketacost.errors import BadInput
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
from ketacost.money import fmt

_MONEY = core_schema.no_info_after_validator_function(
    Decimal,  # the exact amount the text says (pydantic's decimal type would also take floats)
    core_schema.str_schema(),
    serialization=core_schema.plain_serializer_function_ser_schema(fmt, return_schema=core_schema.str_schema()),
)


def _range(value: Range) -> dict[str, str]:
    return {"low": fmt(value.low), "typical": fmt(value.typical), "high": fmt(value.high)}


def _weeks(value: tuple[int, int]) -> dict[str, int]:
    return {"min": value[0], "max": value[1]}


def form_schema(name: str) -> core_schema.CoreSchema:
    """The pydantic core schema of a :class:`~ketacost.gfe.model.DocumentForm` mark."""
    if name == "money":
        return _MONEY
    if name == "range":
        fields = {point: core_schema.typed_dict_field(_MONEY) for point in ("low", "typical", "high")}
        return core_schema.no_info_after_validator_function(
            lambda value: Range(value["low"], value["typical"], value["high"]),
            core_schema.typed_dict_schema(fields),
            serialization=core_schema.plain_serializer_function_ser_schema(_range),
        )
    if name == "weeks":
        bound = core_schema.typed_dict_field(core_schema.int_schema())
        return core_schema.no_info_after_validator_function(
            lambda value: (value["min"], value["max"]),
            core_schema.typed_dict_schema({"min": bound, "max": bound}),
            serialization=core_schema.plain_serializer_function_ser_schema(_weeks),
        )
    raise ValueError(f"no document form {name!r}")


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


_ADAPTER = TypeAdapter(_Document)


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
    data: dict[str, Any] = _ADAPTER.dump_python(document, mode="json")
    return data


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
    try:
        read = _ADAPTER.validate_python(document)
    except ValidationError as error:
        raise BadInput(
            *(
                f"not a readable Good Faith Estimate document: {'.'.join(map(str, problem['loc']))}: {problem['msg']}"
                for problem in error.errors()
            )
        ) from None
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
