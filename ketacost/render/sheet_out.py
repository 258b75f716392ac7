"""A price sheet and a sheet diff -> plain-text tables and JSON documents (``pricing show`` and ``pricing diff``)."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ketacost import kinds
from ketacost.money import cents, fmt, fmt_grouped
from ketacost.prices import option_record
from ketacost.render.plain import fitted_lines, table_lines
from ketacost.render.safe import terminal_text
from ketacost.sheet import query
from ketacost.sheet.diff import MISSING, SheetDiff, ValueChange
from ketacost.sheet.model import Discount, Sheet, known

if TYPE_CHECKING:
    from ketacost.kinds.base import Option


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f}%"


def terms(option: Option) -> str:
    """An option's terms in a few words, e.g. ``17.99% APR, 24 months, 5% fee deducted`` (its kind words them)."""
    parts = kinds.by_kind(option.kind).terms(option)
    if option.treatments is not None:
        parts.append("only " + ", ".join(option.treatments))
    return ", ".join(parts)


def show_lines(sheet: Sheet, label: str, width: int = 80) -> list[str]:
    """The sheet for people: treatments with their prices and add-ons, payment options with their terms, tax.

    Names come from the sheet: escape sequences and control characters in them never reach the terminal."""
    return [terminal_text(line) for line in _show_lines(sheet, label, width)]


def _show_lines(sheet: Sheet, label: str, width: int) -> list[str]:
    tax = sheet.tax
    lines = [f"Price sheet: {label}, effective {sheet.effective.isoformat()}", ""]
    body = []
    for treatment_id, treatment in sheet.treatments.items():
        price = known(treatment.price)
        course = treatment.course
        weeks = (
            f"{course.weeks_min}" if course.weeks_min == course.weeks_max else f"{course.weeks_min}-{course.weeks_max}"
        )
        star = " *" if treatment_id == sheet.default_treatment else ""
        body.append(
            [
                f"{treatment_id}{star}: {treatment.name} (per {treatment.unit})",
                *(fmt_grouped(p) for p in (price.low, price.typical, price.high)),
                f"{course.sessions} over {weeks} wk",
            ]
        )
        for add_on_id, add_on in treatment.add_ons.items():
            extra = ", optional" if add_on.optional else ""
            body.append(
                [
                    f"  + {add_on_id}: {add_on.name} (per {add_on.per}{extra})",
                    *(
                        fmt_grouped(p)
                        for p in (known(add_on.price).low, known(add_on.price).typical, known(add_on.price).high)
                    ),
                    "",
                ]
            )
    lines += table_lines("Treatments (* the default)", ("Treatment", "Low", "Typical", "High", "Course"), body, width)
    records = {oid: option_record(o) for oid, o in sheet.options.items()}
    options = [[f"{oid}: {o.name}", o.kind, terms(o)] for oid, o in records.items()]
    lines += ["", *_text_table("Payment options", ("Option", "Kind", "Terms"), options, width)]
    lines.append("")
    lines += textwrap.wrap(
        f"Tax year {tax.year}: HSA {fmt_grouped(tax.hsa_self_only_limit)} self-only, "
        f"{fmt_grouped(tax.hsa_family_limit)} family (+{fmt_grouped(tax.hsa_catch_up)} catch-up); "
        f"FSA {fmt_grouped(tax.fsa_limit)}; FICA {_pct(tax.fica_rate)}; "
        f"default marginal rate {_pct(tax.default_marginal_rate)}.",
        width,
    )
    return lines + _offer_lines(sheet, width)


def _offer_lines(sheet: Sheet, width: int) -> list[str]:
    """Packages, discounts and the fee schedule, each a table of its own after the tax line, when the sheet has
    any (a table wider than ``width`` becomes one block per row: figures are never cut)."""
    lines: list[str] = []
    if sheet.packages:
        body = [
            [
                f"{pid}: {p.name}" + (f" (includes {', '.join(p.includes)})" if p.includes else ""),
                p.treatment,
                str(p.sessions),
                fmt_grouped(p.price),
            ]
            for pid, p in sheet.packages.items()
        ]
        lines += ["", *fitted_lines("Packages", ("Package", "Treatment", "Sessions", "Price"), body, width)]
    if sheet.discounts:
        body = [
            [
                f"{did}: {d.name}",
                _takes_off(d),
                "all" if d.treatments is None else ", ".join(d.treatments),
                "-" if d.income_max is None else fmt_grouped(d.income_max),
            ]
            for did, d in sheet.discounts.items()
        ]
        columns: tuple[str, ...] = ("Discount", "Takes off", "Treatments", "Income up to")
        lines += ["", *fitted_lines("Discounts", columns, body, width)]
    if sheet.fees:
        body = [
            [
                f"{fid}: {f.description}",
                f.service_code,
                f.provider,
                *(fmt_grouped(p) for p in (f.price.low, f.price.typical, f.price.high)),
            ]
            for fid, f in sheet.fees.items()
        ]
        columns = ("Fee", "Code", "Provider", "Low", "Typical", "High")
        lines += ["", *fitted_lines("Fee schedule (price per unit)", columns, body, width)]
    return lines


def _takes_off(discount: Discount) -> str:
    """What a discount takes off, in a few words: ``10%``, ``150.00`` or ``first at 375.00``."""
    if discount.pct is not None:
        return _pct(discount.pct)
    if discount.amount is not None:
        return fmt_grouped(discount.amount)
    first = discount.first_session_price
    assert first is not None  # a validated discount gives exactly one of the three
    return f"first at {fmt_grouped(first)}"


def _text_table(title: str, columns: tuple[str, ...], body: list[list[str]], width: int) -> list[str]:
    """A left-aligned table whose last column takes the room that is left, wrapping under itself."""
    sizes = [max(len(columns[i]), *(len(row[i]) for row in body)) for i in range(len(columns) - 1)]
    indent = sum(sizes) + 2 * len(sizes)
    room = max(20, width - indent)

    def join(cells: list[str]) -> str:
        return "  ".join(cell.ljust(size) for cell, size in zip(cells, [*sizes, 0], strict=True)).rstrip()

    lines = [title, join(list(columns))]
    lines.append("-" * min(width, indent + max(len(row[-1]) for row in body)))
    for row in body:
        wrapped = textwrap.wrap(row[-1], room) or [""]
        lines.append(join([*row[:-1], wrapped[0]]))
        lines += [" " * indent + more for more in wrapped[1:]]
    return lines


def _shown(value: Any, money: bool) -> str:
    if value is MISSING:
        return "-"
    return fmt(value) if money and isinstance(value, Decimal) else query.literal(value)


def _percent_text(change: ValueChange) -> str:
    percent = change.percent
    return "" if percent is None else f"{cents(percent):+.2f}%"


def diff_lines(result: SheetDiff, old_label: str, new_label: str, width: int = 80) -> list[str]:
    """Added and removed ids, then each changed value with its percent change (sheet text made safe to print)."""
    return [terminal_text(line) for line in _diff_lines(result, old_label, new_label, width)]


def _diff_lines(result: SheetDiff, old_label: str, new_label: str, width: int) -> list[str]:
    if result.same:
        return [f"{old_label} and {new_label}: same prices and terms"]
    lines = [f"--- {old_label}", f"+++ {new_label}"]
    lines += [f"added: {key}" for key in result.added]
    lines += [f"removed: {key}" for key in result.removed]
    lines += [f"renamed: {old} -> {new}" for old, new in result.renamed]
    if result.changed:
        body = [[c.key, _shown(c.old, c.money), _shown(c.new, c.money), _percent_text(c)] for c in result.changed]
        lines += ["", *_text_table("Changed", ("Key", "Old", "New", "Change"), body, width)]
    return lines


def _json_value(value: Any, money: bool = False) -> Any:
    if value is MISSING:
        return None
    if isinstance(value, Decimal):
        return fmt(value) if money else str(value)
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    if isinstance(value, dict):
        return {key: _json_value(item) for key, item in value.items()}
    return value if isinstance(value, bool | int | str) else str(value)


def diff_document(result: SheetDiff, old_label: str, new_label: str) -> dict[str, Any]:
    """The diff as JSON: money as two-decimal strings, other numbers exact, a percent change to two decimals."""
    return {
        "old": old_label,
        "new": new_label,
        "same": result.same,
        "added": list(result.added),
        "removed": list(result.removed),
        "renamed": [{"old": old, "new": new} for old, new in result.renamed],
        "changed": [
            {
                "key": c.key,
                "old": _json_value(c.old, c.money),
                "new": _json_value(c.new, c.money),
                "change_pct": None if c.percent is None else fmt(c.percent),
            }
            for c in result.changed
        ],
    }
