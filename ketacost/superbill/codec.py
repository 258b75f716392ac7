"""A superbill <-> its canonical JSON document (what ``--json`` writes and the register keeps, byte for byte), by
the one document codec (:mod:`ketacost.document.codec`) over the superbill's own value types, as for a GFE."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ketacost.document import Money, SheetInfo
from ketacost.document.codec import Codec
from ketacost.superbill.model import (
    DOCUMENT_KIND,
    DOCUMENT_VERSION,
    Diagnosis,
    Patient,
    Provider,
    Service,
    Superbill,
)


@dataclass(frozen=True, slots=True)
class _Providers:
    billing: Provider  # the group: its NPI (type 2) and TIN go on the claim
    rendering: tuple[Provider, ...]  # the individuals who gave the services


@dataclass(frozen=True, slots=True)
class _Totals:
    charged: Money
    paid: Money
    balance: Money


@dataclass(frozen=True, slots=True)
class _Document:
    document: Literal["ketacost.superbill"]
    version: Literal[1]
    superbill_id: str
    issued: dt.date
    patient: Patient
    provider: _Providers
    service: str
    diagnoses: tuple[Diagnosis, ...]
    services: tuple[Service, ...]
    totals: _Totals
    pricing: SheetInfo


_CODEC = Codec(_Document, kind=DOCUMENT_KIND, version=DOCUMENT_VERSION, title="superbill")


def to_document(bill: Superbill) -> dict[str, Any]:
    document = _Document(
        document=DOCUMENT_KIND,
        version=DOCUMENT_VERSION,
        superbill_id=bill.superbill_id,
        issued=bill.issued,
        patient=bill.patient,
        provider=_Providers(bill.billing, bill.rendering),
        service=bill.service,
        diagnoses=bill.diagnoses,
        services=bill.services,
        totals=_Totals(bill.total_charged, bill.total_paid, bill.balance),
        pricing=bill.sheet,
    )
    return _CODEC.dump(document)


def from_document(document: Mapping[str, Any]) -> Superbill:
    read = _CODEC.read(document)
    return Superbill(
        superbill_id=read.superbill_id,
        issued=read.issued,
        patient=read.patient,
        billing=read.provider.billing,
        rendering=read.provider.rendering,
        service=read.service,
        diagnoses=read.diagnoses,
        services=read.services,
        total_charged=read.totals.charged,
        total_paid=read.totals.paid,
        balance=read.totals.balance,
        sheet=read.pricing,
    )
