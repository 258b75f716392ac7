"""Repayment -> table (plain or Rich), JSON, CSV or Markdown. Every figure comes computed.

The ``print_*`` functions are the renderers of ``ketacost schedule`` (``(plan, out) -> None``).
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

from ketacost.money import fmt, fmt_grouped
from ketacost.render.fields import rate
from ketacost.render.safe import terminal_text
from ketacost.repayment import FEE_UP_FRONT, LOAN_MADE, PROMO_ENDS, Repayment

if TYPE_CHECKING:
    from rich.console import Console

    from ketacost.render.out import Out

FIELDS = ("payment", "interest", "principal", "fees", "balance")
# How a row that is not a plain payment is named in a table's first column (JSON: "event").
EVENT_CELLS = {LOAN_MADE: "0 loan", FEE_UP_FRONT: "0 fee", PROMO_ENDS: "promo end"}


def _visit_rows(plan: Repayment) -> list[dict[str, Any]]:
    return [
        {
            "visit": row.month,
            "week": week,
            "date": date.isoformat() if date else None,
            "paid_at_visit": fmt(row.payment),
            "left_to_pay": fmt(row.balance),
        }
        for row, week, date in zip(plan.rows, plan.visit_weeks, plan.dates, strict=True)
    ]


def document(plan: Repayment) -> dict[str, Any]:
    if plan.per_visit and not plan.received:  # out-of-network claims are by month (below)
        return {
            "option": plan.option,
            "kind": plan.kind,
            "name": plan.name,
            "price_point": plan.point,
            "minimum_only": False,
            "per_visit": True,
            "upfront": fmt(plan.upfront),
            "total_paid": fmt(plan.total_paid),
            "rows": _visit_rows(plan),
            "totals": {"paid_at_visit": fmt(plan.total("payment"))},
        }
    data: dict[str, Any] = {
        "option": plan.option,
        "kind": plan.kind,
        "name": plan.name,
        "price_point": plan.point,
        "minimum_only": plan.minimum_only,
        "per_visit": plan.per_visit,
        "financed": fmt(plan.financed),
        "loan_amount": None if plan.loan_amount is None else fmt(plan.loan_amount),
        "fee_in_loan": fmt(plan.fee_in_loan),
        "deferred_interest": fmt(plan.deferred_interest),
        "note_rate": rate(plan.note_rate),
        "apr": rate(plan.apr),
        "upfront": fmt(plan.upfront),
        "total_paid": fmt(plan.total_paid),
        "rows": [
            {
                "month": row.month,
                "date": date.isoformat() if date else None,
                "event": plan.event(index) or None,
                **{name: fmt(getattr(row, name)) for name in FIELDS},
            }
            for index, (row, date) in enumerate(zip(plan.rows, plan.dates, strict=True))
        ],
        "totals": {name: fmt(plan.total(name)) for name in FIELDS[:-1]},
    }
    if plan.received:  # out-of-network: what the plan pays back, month by month
        for row, back in zip(data["rows"], plan.received, strict=True):
            row["reimbursed"] = fmt(back)
        data["totals"]["reimbursed"] = fmt(plan.reimbursed)
        data["net_cost"] = fmt(plan.total_paid - plan.reimbursed)
    return data


def render_json(plan: Repayment) -> str:
    return json.dumps(document(plan), indent=2) + "\n"


def render_csv(plan: Repayment) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if plan.per_visit and not plan.received:
        writer.writerow(["visit", "week", "date", "paid_at_visit", "left_to_pay"])
        for visit in _visit_rows(plan):
            writer.writerow([visit[key] or "" if key == "date" else visit[key] for key in visit])
        return buffer.getvalue()
    back = ["reimbursed"] if plan.received else []
    writer.writerow(["month", "date", *FIELDS, "event", *back])
    for index, (row, date) in enumerate(zip(plan.rows, plan.dates, strict=True)):
        cells = [row.month, date.isoformat() if date else "", *(fmt(getattr(row, n)) for n in FIELDS)]
        writer.writerow([*cells, plan.event(index), *([fmt(plan.received[index])] if back else [])])
    return buffer.getvalue()


def _heading(plan: Repayment) -> list[str]:
    """The lines above the table; the option's name comes from the sheet, so escape sequences are removed."""
    return [terminal_text(line) for line in _heading_lines(plan)]


def _heading_lines(plan: Repayment) -> list[str]:
    if plan.per_visit:
        lines = [
            f"{plan.name}: paid at each visit, visit by visit (the {plan.point} price)",
            f"Total paid: {fmt_grouped(plan.total_paid)}",
        ]
        if plan.received:
            lines[0] = f"{plan.name}: paid at each visit, paid back after each claim, by month (the {plan.point} price)"
            lines.append(
                f"Paid back: {fmt_grouped(plan.reimbursed)}; net cost {fmt_grouped(plan.total_paid - plan.reimbursed)}"
            )
        return lines
    what = "only minimum payments" if plan.minimum_only else f"the {plan.point} price"
    lines = [f"{plan.name}: repayment at {what}"]
    rates = []
    if plan.apr is not None:
        rates.append(f"APR {rate(plan.apr)}% counting fees (Regulation Z)")
    if plan.note_rate is not None:
        rates.append(f"interest rate {rate(plan.note_rate)}%")
    if plan.loan_amount is not None:
        lines.append(
            f"Loan {fmt_grouped(plan.loan_amount)}: the clinic gets {fmt_grouped(plan.financed)}, the "
            f"{fmt_grouped(plan.fee_in_loan)} fee is in the loan (month 0)"
        )
        lines.append(f"Paid up front {fmt_grouped(plan.upfront)}" + (f"; {', '.join(rates)}" if rates else ""))
    else:
        lines.append(
            f"Financed {fmt_grouped(plan.financed)}; paid up front {fmt_grouped(plan.upfront)}"
            + (f"; {', '.join(rates)}" if rates else "")
        )
    lines.append(f"Total paid: {fmt_grouped(plan.total_paid)}")
    if plan.deferred_interest:
        lines += [
            f"Promotion's end ('promo end'): {fmt_grouped(plan.deferred_interest)} of deferred interest is charged",
            "and added to the balance; the principal repaid after it includes it",
        ]
    return lines


def _body(plan: Repayment) -> tuple[list[str], list[list[str]]]:
    if plan.received:
        return _claims_body(plan)
    dated = any(plan.dates)
    if plan.per_visit:
        columns = ["Visit", "Week", *(["Date"] if dated else []), "Paid at visit", "Left to pay"]
        body = [
            [str(r["visit"]), str(r["week"]), *([r["date"] or ""] if dated else []), *_grouped(r)]
            for r in _visit_rows(plan)
        ]
        body.append(["Total", "", *([""] if dated else []), fmt_grouped(plan.total("payment")), ""])
        return columns, body
    columns = ["Month", *(["Date"] if dated else []), "Payment", "Interest", "Principal", "Fees", "Balance"]
    body = []
    for index, (row, date) in enumerate(zip(plan.rows, plan.dates, strict=True)):
        first = EVENT_CELLS.get(plan.event(index), str(row.month))
        cells = [first, *([date.isoformat() if date else ""] if dated else [])]
        body.append(cells + [fmt_grouped(getattr(row, name)) for name in FIELDS])
    totals = ["Total", *([""] if dated else []), *(fmt_grouped(plan.total(n)) for n in FIELDS[:-1]), ""]
    body.append(totals)
    return columns, body


def _claims_body(plan: Repayment) -> tuple[list[str], list[list[str]]]:
    """Out-of-network: paid out at the visits, paid back by the plan, and the difference, month by month."""
    dated = any(plan.dates)
    columns = ["Month", *(["Date"] if dated else []), "Paid", "Paid back", "Net"]
    body = []
    for row, date, back in zip(plan.rows, plan.dates, plan.received, strict=True):
        cells = [str(row.month), *([date.isoformat() if date else ""] if dated else [])]
        body.append([*cells, fmt_grouped(row.payment), fmt_grouped(back), fmt_grouped(row.payment - back)])
    paid, back = plan.total("payment"), plan.reimbursed
    body.append(["Total", *([""] if dated else []), fmt_grouped(paid), fmt_grouped(back), fmt_grouped(paid - back)])
    return columns, body


def _grouped(row: dict[str, Any]) -> list[str]:
    from decimal import Decimal

    return [fmt_grouped(Decimal(row["paid_at_visit"])), fmt_grouped(Decimal(row["left_to_pay"]))]


def render_plain(plan: Repayment, width: int = 80) -> str:
    from ketacost.render.plain import table_lines

    columns, body = _body(plan)
    lines = [*_heading(plan), ""]
    if plan.rows:
        title = "Visit by visit" if plan.per_visit else "Month by month"
        lines += table_lines(title, columns, body, width, first_min=5)
    else:
        lines.append("Nothing is paid monthly: everything is paid up front.")
    return "\n".join(lines) + "\n"


def render_markdown(plan: Repayment) -> str:
    from ketacost.render.markdown_out import md_cell, md_table

    columns, body = _body(plan)
    lines = [f"## {md_cell(_heading(plan)[0])}", "", *(md_cell(line) + "  " for line in _heading(plan)[1:]), ""]
    lines += md_table(columns, body, "r" * len(columns))
    return "\n".join(lines) + "\n"


def render_rich(plan: Repayment, console: Console) -> None:
    from rich.text import Text

    from ketacost.render.rich_table import rich_table

    head = _heading(plan)
    console.print(Text(head[0], style="bold"))
    for line in head[1:]:
        console.print(line)
    if not plan.rows:
        console.print("Nothing is paid monthly: everything is paid up front.")
        return
    columns, body = _body(plan)
    table = rich_table(pad_edge=True)
    for name in columns:
        table.add_column(name, justify="right", no_wrap=True)
    for index, row in enumerate(body):
        table.add_row(*row, style="bold" if index == len(body) - 1 else "", end_section=index == len(body) - 2)
    console.print(table)


def print_json(plan: Repayment, out: Out) -> None:
    out.stdout.write(render_json(plan))


def print_csv(plan: Repayment, out: Out) -> None:
    out.stdout.write(render_csv(plan))


def print_markdown(plan: Repayment, out: Out) -> None:
    out.stdout.write(render_markdown(plan))


def print_plain(plan: Repayment, out: Out) -> None:
    out.stdout.write(render_plain(plan, out.width()))


def print_rich(plan: Repayment, out: Out) -> None:
    render_rich(plan, out.console())
