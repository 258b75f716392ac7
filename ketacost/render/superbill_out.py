"""Superbill -> print-ready HTML (Jinja2, autoescaped, no script), Markdown, and a plain-text preview."""

from __future__ import annotations

from ketacost.render import superbill_view as view
from ketacost.render.html import template
from ketacost.superbill import Superbill


def render_html(bill: Superbill) -> str:
    return template("superbill.html.j2").render(
        title=view.TITLE,
        b=bill,
        billing=view.provider_line(bill.billing),
        billing_facts=view.provider_facts(bill.billing),
        rendering=[(view.provider_line(p), view.provider_facts(p)) for p in bill.rendering],
        patient=view.patient_facts(bill),
        columns=view.SERVICE_COLUMNS,
        rows=view.service_rows(bill),
        totals=view.totals(bill),
        places=view.places(bill),
        note=view.NOTE,
        signature=view.SIGNATURE,
        sheet_line=view.sheet_line(bill),
    )


def render_markdown(bill: Superbill) -> str:
    from ketacost.render.markdown_out import md_cell, md_table

    lines = [f"# {view.TITLE} {bill.superbill_id}", "", md_cell(view.NOTE), "", "## Patient", ""]
    lines += [f"- {label}: {md_cell(value)}" for label, value in view.patient_facts(bill)]
    lines += ["", f"## Billing provider: {md_cell(view.provider_line(bill.billing))}", ""]
    lines += [f"- {label}: {md_cell(value)}" for label, value in view.provider_facts(bill.billing)]
    for provider in bill.rendering:
        lines += ["", f"## Rendering provider: {md_cell(view.provider_line(provider))}", ""]
        lines += [f"- {label}: {md_cell(value)}" for label, value in view.provider_facts(provider)]
    lines += ["", "## Diagnoses (ICD-10-CM)", ""]
    lines += [f"- {md_cell(d.code)}: {md_cell(d.description)}" for d in bill.diagnoses]
    lines += ["", "## Services", ""]
    rows = [[md_cell(cell) for cell in row] for row in view.service_rows(bill)]
    lines += md_table(list(view.SERVICE_COLUMNS), rows, "lllllllrr")
    lines += [""]
    lines += [f"**{label}: {value}**  " for label, value in view.totals(bill)]
    lines += ["", "Place of service: " + "; ".join(f"{code} {name}" for code, name in view.places(bill)), ""]
    lines += [f"{view.SIGNATURE}: ______________________________  Date: ____________", ""]
    lines += [md_cell(view.sheet_line(bill)), ""]
    return "\n".join(lines)


def render_preview(bill: Superbill) -> str:
    """What ``ketacost superbill`` prints: the header facts and one line per service."""
    from ketacost.render.plain import table_lines
    from ketacost.render.safe import terminal_text

    lines = [
        f"{view.TITLE} {bill.superbill_id} for {bill.patient.name} (born {bill.patient.dob.isoformat()})",
        f"Billing provider: {view.provider_line(bill.billing)}, NPI {bill.billing.npi}, TIN {bill.billing.tin}",
        *(f"Rendering provider: {view.provider_line(p)}, NPI {p.npi}" for p in bill.rendering),
        "Diagnoses: " + "; ".join(f"{d.code} {d.description}" for d in bill.diagnoses),
        "",
    ]
    rows = [
        [row[4], row[0], row[1], (row[2] + " " + row[3]).strip(), row[6], row[7], row[8]]
        for row in view.service_rows(bill)
    ]
    lines += table_lines("Services", ["Service", "Date", "POS", "Code", "Units", "Charge", "Paid"], rows, 100)
    lines += ["", *(f"{label}: {value}" for label, value in view.totals(bill))]
    return "\n".join(terminal_text(line) for line in lines) + "\n"
