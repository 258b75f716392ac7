"""The quote register and dispute checks as text: a Rich table for people, JSON, CSV and Markdown for the rest.

The ``print_*`` functions are the renderers of ``ketacost quotes list`` and ``quotes check`` (``(data, out)``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TextIO

from rich.console import Console
from rich.text import Text

from ketacost.dispute import (
    CMS_PHONE,
    CMS_WEBSITE,
    DISPUTE_FEE,
    DISPUTE_THRESHOLD,
    DISPUTE_WINDOW_DAYS,
    DisputeCheck,
    ProviderCheck,
)
from ketacost.money import fmt, fmt_grouped
from ketacost.render.csv_out import safe_cell
from ketacost.render.markdown_out import md_cell, md_table
from ketacost.render.rich_table import rich_table
from ketacost.render.safe import terminal_text
from ketacost.store import Listed

if TYPE_CHECKING:
    from ketacost.render.out import Out

LIST_COLUMNS = ("Quote ID", "Issued", "Patient", "Date of birth", "Service", "Expected charges")
CHECK_COLUMNS = ("Provider or facility", "NPI", "Estimate (high)", "Billed", "Over by", "Dispute")


def _span(low: str, high: str) -> str:
    return fmt_grouped(Decimal(low)) if low == high else f"{fmt_grouped(Decimal(low))} - {fmt_grouped(Decimal(high))}"


def _list_row(quote: Listed) -> tuple[str, ...]:
    return (
        quote.id,
        quote.issued_on,
        quote.patient_name,
        quote.patient_dob,
        quote.service,
        _span(quote.total_low, quote.total_high),
    )


def list_item(q: Listed) -> dict[str, Any]:
    return {
        "id": q.id,
        "issued_on": q.issued_on,
        "issued_at": q.issued_at,
        "patient": {"name": q.patient_name, "dob": q.patient_dob},
        "service": q.service,
        "total": {"low": fmt(Decimal(q.total_low)), "high": fmt(Decimal(q.total_high))},
        "pricing": {"source": q.sheet_source, "effective": q.sheet_effective, "sha256": q.sheet_sha256},
    }


def list_document(quotes: Iterable[Listed]) -> list[dict[str, Any]]:
    return [list_item(q) for q in quotes]


def render_list_table(quotes: Iterable[Listed], console: Console, where: str) -> None:
    """ID (it carries the issue date), patient with date of birth, service, expected charges: fits 80 columns.

    A table is laid out whole, so its rows are held (only the listed columns); the other formats stream."""
    rows = list(quotes)
    if not rows:
        console.print(Text(terminal_text(f"No quotes found in {where}.")), soft_wrap=True)
        return
    table = rich_table()
    table.add_column("Quote ID", no_wrap=True)
    table.add_column("Patient", min_width=14, ratio=2, overflow="fold")
    table.add_column("Service", min_width=14, ratio=3)
    table.add_column("Expected charges", justify="right", no_wrap=True)
    for quote in rows:  # names and services were typed or came from a sheet: no escape sequences on a terminal
        patient = Text(terminal_text(quote.patient_name))
        patient.append(f"\nborn {quote.patient_dob}", style="dim")
        service = Text(terminal_text(quote.service))
        table.add_row(Text(quote.id), patient, service, Text(_span(quote.total_low, quote.total_high)))
    console.print(table)
    console.print(
        Text(terminal_text(f"{len(rows)} quote{'s' if len(rows) != 1 else ''} in {where}."), style="dim"),
        soft_wrap=True,
    )


_ITEM = """  {{
    "id": {},
    "issued_on": {},
    "issued_at": {},
    "patient": {{
      "name": {},
      "dob": {}
    }},
    "service": {},
    "total": {{
      "low": {},
      "high": {}
    }},
    "pricing": {{
      "source": {},
      "effective": {},
      "sha256": {}
    }}
  }}"""


def write_list_json(quotes: Iterable[Listed], out: TextIO) -> None:
    """The JSON array of :func:`list_item` documents, one quote at a time, laid out as ``json.dumps(...,
    indent=2)`` lays out the whole list (the pure-Python encoder that an indent takes is too slow per row)."""
    from json.encoder import encode_basestring as text  # a JSON string, as json.dumps(ensure_ascii=False) writes it

    first = True
    for q in quotes:
        item = _ITEM.format(
            text(q.id),
            text(q.issued_on),
            text(q.issued_at),
            text(q.patient_name),
            text(q.patient_dob),
            text(q.service),
            text(fmt(Decimal(q.total_low))),
            text(fmt(Decimal(q.total_high))),
            text(q.sheet_source),
            text(q.sheet_effective),
            text(q.sheet_sha256),
        )
        out.write(("[\n" if first else ",\n") + item)
        first = False
    out.write("[]\n" if first else "\n]\n")


def render_list_json(quotes: Iterable[Listed]) -> str:
    buffer = io.StringIO()
    write_list_json(quotes, buffer)
    return buffer.getvalue()


def write_list_csv(quotes: Iterable[Listed], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["id", "issued_on", "issued_at", "patient_name", "patient_dob", "service", "total_low", "total_high"]
    )
    for q in quotes:
        writer.writerow(
            [
                safe_cell(q.id),
                q.issued_on,
                q.issued_at,
                safe_cell(q.patient_name),
                q.patient_dob,
                safe_cell(q.service),
                fmt(Decimal(q.total_low)),
                fmt(Decimal(q.total_high)),
            ]
        )


def render_list_csv(quotes: Iterable[Listed]) -> str:
    buffer = io.StringIO()
    write_list_csv(quotes, buffer)
    return buffer.getvalue()


def write_list_markdown(quotes: Iterable[Listed], out: TextIO) -> None:
    for line in md_table(LIST_COLUMNS, ([md_cell(cell) for cell in _list_row(q)] for q in quotes), "lllllr"):
        out.write(line + "\n")


def render_list_markdown(quotes: Iterable[Listed]) -> str:
    buffer = io.StringIO()
    write_list_markdown(quotes, buffer)
    return buffer.getvalue()


# --- dispute check ------------------------------------------------------------------------------------------------


def _status(result: DisputeCheck, check: ProviderCheck) -> str:
    if check.billed is None:
        return "no bill given"
    if check.over_threshold and result.window_closed:
        return "not eligible (window closed)"
    return "eligible" if result.provider_eligible(check) else "not eligible"


def _check_row(result: DisputeCheck, check: ProviderCheck) -> tuple[str, ...]:
    over = check.over
    return (
        check.name,
        check.npi,
        fmt_grouped(check.estimate),
        "-" if check.billed is None else fmt_grouped(check.billed),
        "-" if over is None else fmt_grouped(over),
        _status(result, check),
    )


def explain(result: DisputeCheck, today: dt.date) -> list[str]:
    """One sentence per billed provider: the numbers, and what the patient may do."""
    when = f"within {DISPUTE_WINDOW_DAYS} calendar days of the date on the bill"
    deadline = result.deadline
    if deadline is not None:
        when += f" (by {deadline.isoformat()})"
    lines = []
    if deadline is not None and result.window_closed:
        lines.append(
            f"The {DISPUTE_WINDOW_DAYS}-day window to start dispute resolution for the bill dated "
            f"{result.bill_date} closed on {deadline.isoformat()} (today is {today.isoformat()}): not eligible. "
            "The patient can still ask the provider to update the bill to match the estimate, negotiate it, or "
            "ask about financial assistance."
        )
    for check in result.providers:
        over = check.over
        if check.billed is None or over is None:
            continue
        if check.listed:
            numbers = f"{check.name}: billed {fmt_grouped(check.billed)}, estimate {fmt_grouped(check.estimate)}"
        else:  # 45 CFR 149.620(a)(2)(ii): the expected charges listed on the GFE for it are none
            numbers = (
                f"NPI {check.npi}, not on the estimate: billed {fmt_grouped(check.billed)}; the estimate lists no "
                f"charges for it ({fmt_grouped(check.estimate)})"
            )
        if result.provider_eligible(check):
            lines.append(
                f"{numbers}: {fmt_grouped(over)} over, at least {fmt_grouped(DISPUTE_THRESHOLD)}. The patient may "
                f"start patient-provider dispute resolution {when}: {CMS_WEBSITE} or {CMS_PHONE} "
                f"(fee {fmt_grouped(DISPUTE_FEE)})."
            )
        elif check.over_threshold:
            lines.append(f"{numbers}: {fmt_grouped(over)} over, but the window to dispute has closed.")
        elif over > 0:
            lines.append(
                f"{numbers}: {fmt_grouped(over)} over, less than {fmt_grouped(DISPUTE_THRESHOLD)}: not eligible for "
                "dispute resolution. The patient can still ask the provider to update the bill to match the "
                "estimate, negotiate it, or ask about financial assistance."
            )
        else:
            lines.append(f"{numbers}: within the estimate.")
    return lines


def render_check_table(result: DisputeCheck, heading: str, console: Console, today: dt.date) -> None:
    console.print(Text(terminal_text(heading), style="bold"))
    table = rich_table()
    for index, name in enumerate(CHECK_COLUMNS):
        table.add_column(name, justify="right" if 2 <= index <= 4 else "left", no_wrap=index > 0)
    for check in result.providers:
        style = "bold red" if result.provider_eligible(check) else ""
        table.add_row(*(Text(terminal_text(cell)) for cell in _check_row(result, check)), style=style)
    console.print(table)
    for line in explain(result, today):
        console.print(Text(terminal_text(f"- {line}")))


def check_document(result: DisputeCheck, today: dt.date) -> dict[str, Any]:
    deadline = result.deadline
    return {
        "quote_id": result.quote_id,
        "threshold": fmt(DISPUTE_THRESHOLD),
        "bill_date": result.bill_date.isoformat() if result.bill_date else None,
        "deadline": deadline.isoformat() if deadline else None,
        "window_closed": result.window_closed,
        "eligible": result.eligible,
        "providers": [
            {
                "id": c.provider_id,
                "name": c.name,
                "npi": c.npi,
                "estimate_high": fmt(c.estimate),
                "billed": None if c.billed is None else fmt(c.billed),
                "over": None if c.over is None else fmt(c.over),
                "eligible": result.provider_eligible(c),
                "listed": c.listed,
            }
            for c in result.providers
        ],
        "notes": explain(result, today),
    }


def render_check_json(result: DisputeCheck, today: dt.date) -> str:
    return json.dumps(check_document(result, today), indent=2, ensure_ascii=False) + "\n"


def render_check_csv(result: DisputeCheck) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["quote_id", "provider", "name", "npi", "estimate_high", "billed", "over", "eligible"])
    for c in result.providers:
        writer.writerow(
            [
                result.quote_id,
                safe_cell(c.provider_id),
                safe_cell(c.name),
                c.npi,
                fmt(c.estimate),
                "" if c.billed is None else fmt(c.billed),
                "" if c.over is None else fmt(c.over),
                "true" if result.provider_eligible(c) else "false",
            ]
        )
    return buffer.getvalue()


def render_check_markdown(result: DisputeCheck, heading: str, today: dt.date) -> str:
    lines = [f"**{md_cell(heading)}**", ""]
    lines += md_table(
        CHECK_COLUMNS, ([md_cell(cell) for cell in _check_row(result, c)] for c in result.providers), "llrrrl"
    )
    lines += ["", *(f"- {md_cell(line)}" for line in explain(result, today))]
    return "\n".join(lines) + "\n"


# --- the renderers of `quotes list` and `quotes check` ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Listing:
    """What ``quotes list`` prints: the quotes (a stream, except for the table) and the register they are in."""

    quotes: Iterable[Listed]
    where: str


def print_list_table(listing: Listing, out: Out) -> None:
    render_list_table(listing.quotes, out.console(), listing.where)


def print_list_json(listing: Listing, out: Out) -> None:
    write_list_json(listing.quotes, out.stdout)


def print_list_csv(listing: Listing, out: Out) -> None:
    write_list_csv(listing.quotes, out.stdout)


def print_list_markdown(listing: Listing, out: Out) -> None:
    write_list_markdown(listing.quotes, out.stdout)


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What ``quotes check`` prints: the check, the quote it was made against (a heading), and today's date."""

    result: DisputeCheck
    heading: str
    today: dt.date


def print_check_table(report: CheckReport, out: Out) -> None:
    render_check_table(report.result, report.heading, out.console(), report.today)


def print_check_json(report: CheckReport, out: Out) -> None:
    out.stdout.write(render_check_json(report.result, report.today))


def print_check_csv(report: CheckReport, out: Out) -> None:
    out.stdout.write(render_check_csv(report.result))


def print_check_markdown(report: CheckReport, out: Out) -> None:
    out.stdout.write(render_check_markdown(report.result, report.heading, report.today))
