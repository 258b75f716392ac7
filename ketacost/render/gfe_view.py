"""What a person reads on a Good Faith Estimate, as plain strings: shared by the HTML, Markdown and terminal views.

No arithmetic on money here: every amount comes computed in the :class:`GoodFaithEstimate`; this only formats it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ketacost.dispute import DISPUTE_THRESHOLD, EXPECTED_POINT
from ketacost.dispute import dollars as dispute_dollars
from ketacost.estimator import Range
from ketacost.gfe import GoodFaithEstimate, PaymentRow, ProviderEstimate
from ketacost.money import fmt_grouped

TITLE = "Good Faith Estimate for Health Care Items and Services"
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

LINE_COLUMNS = ("Service or item", "Address", "Diagnosis code", "Service code", "Quantity", "Expected charge")
SUMMARY_COLUMNS = ("Provider or facility", "NPI", "TIN", "Location", "Expected charges")
PAYMENT_COLUMNS = ("Payment option", "Upfront", "Monthly", "Total paid", "Total paid, low - high")


def long_date(day: dt.date) -> str:
    """``March 2, 1984``: unambiguous in every locale, and independent of the machine's locale settings."""
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def dollars(amount: Decimal) -> str:
    """A charge as the GFE prints it: ``$2,400.00``."""
    return f"${fmt_grouped(amount)}"


def money(value: Range) -> str:
    """A charge or a range of charges: ``$2,400.00 - $6,000.00``, or one amount when low and high agree."""
    return dollars(value.low) if value.low == value.high else f"{dollars(value.low)} - {dollars(value.high)}"


def diagnosis(codes: tuple[str, ...], names: tuple[tuple[str, str], ...] = ()) -> str:
    """The diagnosis codes, each with its description where the sheet gives one."""
    described = dict(names)
    if not codes:
        return "To be confirmed by your provider"
    return "; ".join(f"{code} ({described[code]})" if code in described else code for code in codes)


def dispute_basis(gfe: GoodFaithEstimate) -> str:
    """Which figure of each provider's expected charges the dispute test counts from, stated on the document."""
    figures = "; ".join(f"{g.provider.name}: {dollars(g.subtotal.at(EXPECTED_POINT))}" for g in gfe.providers)
    return (
        f"Where a charge is a range, the expected charges that count for a dispute (billed at least "
        f"{dispute_dollars(DISPUTE_THRESHOLD)} more, for any one provider or facility) are the {EXPECTED_POINT} end "
        f"of the range: {figures}."
    )


def separately_scheduled_note(gfe: GoodFaithEstimate) -> str:
    return gfe.separately_scheduled_note or (  # documents issued before the note was kept
        "Expected before or after this period of care, not included in the charges above; each gets its own "
        "Good Faith Estimate."
    )


def scheduled(gfe: GoodFaithEstimate) -> str:
    return long_date(gfe.scheduled) if gfe.scheduled else "Not yet scheduled"


def scope_facts(gfe: GoodFaithEstimate) -> list[tuple[str, str]]:
    """The scope of a recurring course as label/value pairs: sessions, frequency, timeframe, period."""
    scope = gfe.scope
    weeks = f"{scope.weeks[0]}" if scope.weeks[0] == scope.weeks[1] else f"{scope.weeks[0]}-{scope.weeks[1]}"
    unit = scope.unit if scope.unit.endswith("s") else scope.unit + "s"
    facts = [
        ("Total number", f"{scope.sessions} {unit}" if scope.sessions != 1 else f"1 {scope.unit}"),
        ("Frequency", scope.frequency),
        ("Timeframe", f"{weeks} weeks" + (" from the first session" if scope.starts is None else "")),
    ]
    if scope.starts is not None and scope.ends_by is not None:
        facts.append(("Period", f"{long_date(scope.starts)} to about {long_date(scope.ends_by)}"))
    facts.append(("Covers", "at most 12 months of care"))
    return facts


def scope_sentence(gfe: GoodFaithEstimate) -> str:
    """The scope in one line, for the terminal preview."""
    facts = dict(scope_facts(gfe))
    text = f"{facts['Total number']}, {facts['Frequency']}, over {facts['Timeframe']}"
    if "Period" in facts:
        text += f" ({facts['Period']})"
    return text + "; covers at most 12 months"


def provider_heading(group: ProviderEstimate) -> str:
    provider = group.provider
    return (
        f"NPI {provider.npi} · TIN {provider.tin} · {provider.address}"
        + (f" · {provider.state}" if not _mentions_state(provider.address, provider.state) else "")
        + (f" · {provider.phone}" if provider.phone else "")
    )


def _mentions_state(address: str, state: str) -> bool:
    return f" {state} " in f" {address.replace(',', ' ')} "


def shows_line_address(group: ProviderEstimate) -> bool:
    """Whether the line table needs its address column: only when a line is given somewhere other than the
    provider's own address, which its heading already states (a shorter table prints and reads better)."""
    return any(line.location != group.provider.address for line in group.lines)


def line_rows(group: ProviderEstimate) -> list[tuple[str, ...]]:
    return [
        (
            line.description,
            line.location,
            diagnosis(line.diagnosis_codes),
            line.service_code,
            str(line.quantity),
            money(line.charge),
        )
        for line in group.lines
    ]


def summary_rows(gfe: GoodFaithEstimate) -> list[tuple[str, ...]]:
    return [
        (g.provider.name, g.provider.npi, g.provider.tin, g.provider.state, money(g.subtotal)) for g in gfe.providers
    ]


def monthly(row: PaymentRow) -> str:
    if not row.months:
        return "-"
    text = f"{dollars(row.monthly)} x {row.months}"
    if row.final_payment != row.monthly:
        text += f" (last {dollars(row.final_payment)})"
    return text


def payment_range(row: PaymentRow) -> str:
    """The total paid across the estimate's range, naming the price points where the option is not offered."""
    text = money(row.total_paid)
    if row.unavailable_at:
        text += f" (not offered at the {' or '.join(row.unavailable_at)} price)"
    return text


def payment_rows(gfe: GoodFaithEstimate) -> list[tuple[str, ...]]:
    return [
        (row.name, dollars(row.upfront), monthly(row), dollars(row.total_paid.typical), payment_range(row))
        for row in gfe.payment_options
    ]


def payment_note(gfe: GoodFaithEstimate) -> str:
    return (
        f"At the typical price of {dollars(gfe.typical_total)} for the whole estimate; the last column spans "
        "the estimate's low-high range. Loans and plans are subject to the lender's or the clinic's terms and "
        "approval."
    )


def sheet_line(gfe: GoodFaithEstimate) -> str:
    return (
        f"Prices from the price sheet effective {gfe.sheet.effective} "
        f"(SHA-256 {gfe.sheet.sha256[:12]}). Prepared with ketacost."
    )


@dataclass(frozen=True, slots=True)
class Bar:
    """One payment option in the chart: label, bar to the typical total, whisker over the low-high range."""

    label: str
    value: str
    range_text: str
    y: int
    low_x: str
    bar_width: str
    high_x: str
    value_x: str


# The chart's colours: the range marks lie on the bar and on the white page, so each pair differs by at least
# 3:1 (WCAG 2.1, 1.4.11 non-text contrast): bar/white 4.3:1, marks/bar 4.4:1, marks/white 18.9:1 (tests check).
BAR_COLOUR = "#4a7fa8"
RANGE_COLOUR = "#111111"


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: tuple[Bar, ...]
    axis_x: int
    bar_colour: str = BAR_COLOUR
    range_colour: str = RANGE_COLOUR


def chart(gfe: GoodFaithEstimate, width: int = 680, label_width: int = 210, row: int = 17) -> Chart:
    """Geometry of the bar chart of each option's total paid (plot coordinates, not money)."""
    rows = gfe.payment_options
    plot = width - label_width - 110  # room on the right for the value
    top = max((r.total_paid.high for r in rows), default=Decimal(0)) or Decimal(1)

    def offset(amount: Decimal) -> Decimal:
        return plot * amount / top

    def x(amount: Decimal) -> str:
        return f"{label_width + offset(amount):.1f}"

    bars = tuple(
        Bar(
            label=r.name,
            value=dollars(r.total_paid.typical),
            range_text=money(r.total_paid),
            y=8 + index * row,
            low_x=x(r.total_paid.low),
            bar_width=f"{offset(r.total_paid.typical):.1f}",
            high_x=x(r.total_paid.high),
            value_x=f"{label_width + offset(r.total_paid.high) + 6:.1f}",
        )
        for index, r in enumerate(rows)
    )
    return Chart(width, 16 + len(rows) * row, label_width, row - 8, bars, label_width)
