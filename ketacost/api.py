"""ketacost as a library: load a price sheet, estimate a course, lay out a schedule, draft a Good Faith Estimate.

What the command line does, without it: the same inputs (:data:`ketacost.scenario.INPUTS`, given as keywords
named like the flags: ``hsa_balance="1500"``), the same checks and the same JSON. Errors are
:class:`ketacost.errors.KetacostError` subclasses whose ``lines`` are what the command would print. Nothing is
written anywhere unless asked: :func:`load_sheet` keeps no cache unless ``cache=True``, and :func:`quote` saves
nothing (the CLI's ``quote`` keeps the register).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ketacost.errors import BadInput
from ketacost.scenario import BY_FIELD, INPUTS, Scenario, naming_ids, parse

if TYPE_CHECKING:
    from ketacost.estimator import Estimate
    from ketacost.gfe import GoodFaithEstimate
    from ketacost.prices import PriceList
    from ketacost.repayment import Repayment
    from ketacost.sheet.load import SheetSource


@dataclass(frozen=True, slots=True)
class PriceSheet:
    """A validated price sheet: its prices, where it came from (``source``, as outputs name it) and its text."""

    prices: PriceList
    source: str
    text: str


@dataclass(frozen=True, slots=True)
class EstimateResult:
    """An estimate (``data``: course, options, cheapest, budget) and its renderings, as the CLI prints them."""

    data: Estimate

    def to_json(self, *, timeline: bool = False) -> str:
        """Exactly what ``ketacost estimate --format json`` prints for the same sheet and inputs."""
        from ketacost.render.json_out import render_json

        return render_json(self.data, timeline=timeline)


@dataclass(frozen=True, slots=True)
class ScheduleResult:
    """One payment option month by month (``data``), as ``ketacost schedule`` lays it out."""

    data: Repayment

    def to_json(self) -> str:
        """Exactly what ``ketacost schedule --format json`` prints for the same sheet and inputs."""
        from ketacost.render.schedule_out import render_json

        return render_json(self.data)


@dataclass(frozen=True, slots=True)
class QuoteResult:
    """A Good Faith Estimate drafted from a sheet (``data``); not saved anywhere."""

    data: GoodFaithEstimate

    def to_json(self) -> str:
        """The canonical JSON document, as ``ketacost quote --json FILE`` writes it and the register keeps it."""
        from ketacost import gfe

        return gfe.canonical_json(gfe.to_document(self.data))


def load_sheet(path: str | os.PathLike[str] | None = None, *, cache: bool = False) -> PriceSheet:
    """Read and validate a price sheet: ``path``, or (None) what the CLI would find: ``$KETACOST_PRICING``, then
    ``./pricing.toml``, then the built-in sheet. ``cache=True`` uses the per-user sheet cache as the CLI does."""
    from ketacost.sheet.load import discover, parse_prices, read_text

    source = discover(path)
    text = read_text(source)
    prices = parse_prices(text, source.label) if cache else _prices(text, source)
    return PriceSheet(prices=prices, source=source.label, text=text)


def _prices(text: str, source: SheetSource) -> PriceList:
    from ketacost.prices import from_sheet
    from ketacost.sheet.load import parse_sheet

    return from_sheet(parse_sheet(text, source.label))


def scenario(**inputs: Any) -> Scenario:
    """The checked scenario for these inputs (named like the flags, ``add_ons``/``options`` as lists of ids)."""
    unknown = [name for name in inputs if name not in BY_FIELD]
    if unknown:
        choices = ", ".join(each.field for each in INPUTS)
        raise BadInput(*(f"{name}: not an estimate input (inputs: {choices})" for name in unknown))
    return parse(inputs, name=lambda each: each.field)


def estimate(sheet: PriceSheet, **inputs: Any) -> EstimateResult:
    """Price the course and every payment option, as ``ketacost estimate`` does."""
    from ketacost.estimator import estimate as run

    with naming_ids():
        return EstimateResult(run(sheet.prices, scenario(**inputs), source=sheet.source))


def schedule(
    sheet: PriceSheet,
    option: str,
    *,
    at: Literal["low", "typical", "high"] = "typical",
    start: dt.date | None = None,
    minimum_only: bool = False,
    **inputs: Any,
) -> ScheduleResult:
    """One payment option month by month, as ``ketacost schedule -o OPTION`` lays it out."""
    from ketacost.estimator import estimate as run
    from ketacost.repayment import repayment

    if at not in ("low", "typical", "high"):
        raise BadInput(f"at: {at!r} must be low, typical or high")
    with naming_ids():
        result = run(sheet.prices, scenario(**inputs, options=[option]), source=sheet.source)
    return ScheduleResult(repayment(result.options[0], at, result.course, start=start, minimum_only=minimum_only))


def quote(
    sheet: PriceSheet,
    *,
    patient: str,
    dob: str | dt.date,
    scheduled: str | dt.date | None = None,
    diagnosis: Sequence[str] = (),
    issued: dt.date | None = None,
    quote_id: str | None = None,
    **inputs: Any,
) -> QuoteResult:
    """Draft a Good Faith Estimate for a self-pay patient, as ``ketacost quote --no-save`` does (nothing saved)."""
    from ketacost import gfe, values
    from ketacost.sheet.load import parse_sheet
    from ketacost.store import sha256

    day = issued or dt.date.today()
    name = values.person_name("patient", patient)
    born = values.birth_date("dob", _iso(dob), day)
    first = values.iso_date("scheduled", _iso(scheduled) if scheduled is not None else None)
    parsed = parse_sheet(sheet.text, sheet.source)
    request = gfe.Request(
        patient=gfe.Patient(name, born),
        scheduled=first,
        diagnosis_codes=values.diagnosis_codes("diagnosis", [*diagnosis], frozenset(parsed.diagnosis_names)),
    )
    with naming_ids():
        built = gfe.build(
            parsed,
            scenario(**inputs),
            request,
            quote_id=quote_id or gfe.new_quote_id(day),
            issued=day,
            source=sheet.source,
            sheet_sha256=sha256(sheet.text),
        )
    return QuoteResult(built)


def _iso(value: str | dt.date) -> str:
    return value.isoformat() if isinstance(value, dt.date) else value


__all__ = [
    "EstimateResult",
    "PriceSheet",
    "QuoteResult",
    "ScheduleResult",
    "estimate",
    "load_sheet",
    "quote",
    "scenario",
    "schedule",
]
