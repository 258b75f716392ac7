"""What a superbill says, as plain frozen values; no arithmetic, no I/O. Money fields carry the documents'
mark (:data:`ketacost.document.Money`), so the codec writes them as two-decimal strings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from ketacost.document import Money, SheetInfo

DOCUMENT_KIND: Final = "ketacost.superbill"
DOCUMENT_VERSION: Final = 1


@dataclass(frozen=True, slots=True)
class Patient:
    name: str
    dob: dt.date
    member_id: str = ""


@dataclass(frozen=True, slots=True)
class Provider:
    """A rendering or billing provider: an individual (NPI type 1) or the group (type 2)."""

    id: str
    name: str
    credentials: str
    npi: str
    tin: str  # printed form, 12-3456789
    license: str
    address: str
    phone: str


@dataclass(frozen=True, slots=True)
class Diagnosis:
    code: str  # ICD-10-CM
    description: str


@dataclass(frozen=True, slots=True)
class Service:
    """One service line: one code on one date of service."""

    date: dt.date
    place_of_service: str  # CMS place of service code: 11 office, 02 or 10 telehealth
    code: str  # CPT/HCPCS
    modifiers: tuple[str, ...]
    description: str
    diagnosis_codes: tuple[str, ...]
    units: int
    charge: Money
    paid: Money
    rendering_npi: str


@dataclass(frozen=True, slots=True)
class Session:
    """A session that took place, as the command line or a CSV gives it: its date, what was paid (None: the
    charge in full) and where (None: the command's place of service)."""

    date: dt.date
    paid: Decimal | None = None
    place: str | None = None


@dataclass(frozen=True, slots=True)
class Superbill:
    """Everything a superbill says; renderers only lay it out."""

    superbill_id: str
    issued: dt.date
    patient: Patient
    billing: Provider
    rendering: tuple[Provider, ...]
    service: str
    diagnoses: tuple[Diagnosis, ...]
    services: tuple[Service, ...]
    total_charged: Money
    total_paid: Money
    balance: Money
    sheet: SheetInfo
