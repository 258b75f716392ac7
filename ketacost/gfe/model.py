"""What a Good Faith Estimate says, as plain frozen values (the CMS model form's parts); no arithmetic, no I/O.

Fields written in the JSON document other than as JSON writes them are marked with :data:`Money`,
:data:`MoneyRange` and :data:`Weeks`, the marks every saved document shares (:mod:`ketacost.document`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from ketacost.course import Range
from ketacost.document import Money as Money
from ketacost.document import MoneyRange as MoneyRange
from ketacost.document import SheetInfo as SheetInfo
from ketacost.document import Weeks as Weeks
from ketacost.money import fmt_grouped

DOCUMENT_KIND: Final = "ketacost.good-faith-estimate"
DOCUMENT_VERSION: Final = 1


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
    charge: MoneyRange


@dataclass(frozen=True, slots=True)
class ProviderEstimate:
    """A provider's or facility's part of the GFE: its lines and their subtotal."""

    provider: Party
    lines: tuple[Line, ...]
    subtotal: MoneyRange


@dataclass(frozen=True, slots=True)
class Scope:
    """What a recurring course covers: how many sessions, how often, over how long."""

    sessions: int
    unit: str
    frequency: str
    weeks: Weeks
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
    upfront: Money
    monthly: Money
    months: int
    final_payment: Money
    interest_and_fees: Money
    total_paid: MoneyRange
    unavailable_at: tuple[str, ...] = ()  # price points (low, high) where it is not offered: the range skips them
    kind: str = ""  # its payment kind (hsa, loan, ...); empty in documents written before it was kept


@dataclass(frozen=True, slots=True)
class Disclaimer:
    title: str
    paragraphs: tuple[str, ...]


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
    total: MoneyRange
    separately_scheduled: tuple[str, ...]
    disclaimers: tuple[Disclaimer, ...]
    payment_options: tuple[PaymentRow, ...]
    typical_total: Money
    intro: str
    sheet: SheetInfo
    timing: str = ""  # when the GFE was due under the rule (ketacost.gfe.timing); empty in earlier documents
    supersedes: str = ""  # the quote ID this GFE replaces (a changed scope), or empty
    diagnosis_names: tuple[tuple[str, str], ...] = ()  # (code, description) for the codes the sheet describes
    separately_scheduled_note: str = ""  # the disclaimer directly above that list (empty in earlier documents)


@dataclass(frozen=True, slots=True)
class Request:
    """What the front desk asked for, besides the course itself."""

    patient: Patient
    scheduled: dt.date | None = None
    diagnosis_codes: tuple[str, ...] = ()  # empty: the treatment's expected codes from the sheet
    asked: dt.date | None = None  # the day the care was scheduled or the GFE requested (default: the issue date)
    supersedes: str = ""  # the quote ID of the GFE this one replaces


def span_text(value: Range) -> str:
    """A charge for people: ``2,400.00 - 6,000.00``, or one amount when low and high agree."""
    if value.low == value.high:
        return fmt_grouped(value.low)
    return f"{fmt_grouped(value.low)} - {fmt_grouped(value.high)}"
