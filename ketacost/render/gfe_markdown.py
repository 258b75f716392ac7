"""Good Faith Estimate -> Markdown, for an e-mail or a patient portal; every text is escaped for Markdown."""

from __future__ import annotations

from ketacost.gfe import GoodFaithEstimate
from ketacost.render import gfe_view as view
from ketacost.render.markdown_out import md_cell, md_table


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]], numeric_from: int) -> list[str]:
    align = "l" * numeric_from + "r" * (len(header) - numeric_from)
    return list(md_table(header, ([md_cell(cell) for cell in row] for row in rows), align))


def render_gfe_markdown(gfe: GoodFaithEstimate) -> str:
    clinic = gfe.clinic
    out = [
        f"# {view.TITLE}",
        "",
        f"**{md_cell(clinic.name)}** · {md_cell(clinic.address)} · {md_cell(clinic.phone)} · "
        f"NPI {md_cell(clinic.npi)} · TIN {md_cell(clinic.tin)}  ",
        f"Quote ID: **{md_cell(gfe.quote_id)}** · Issued: {view.long_date(gfe.issued)}",
        "",
        f"> {md_cell(gfe.intro)}",
        "",
        "## Patient",
        "",
        f"- Name: **{md_cell(gfe.patient.name)}**",
        f"- Date of birth: {view.long_date(gfe.patient.dob)}",
        "",
        "## Primary service",
        "",
        f"- Service: **{md_cell(gfe.service)}**",
    ]
    if gfe.service_description:
        out.append(f"- What it is: {md_cell(gfe.service_description)}")
    out += [
        f"- Scheduled date: {md_cell(view.scheduled(gfe))}",
        f"- Diagnosis codes: {md_cell(view.diagnosis(gfe.diagnosis_codes, gfe.diagnosis_names))}",
        *([f"- Estimate timing: {md_cell(gfe.timing)}"] if gfe.timing else []),
        *([f"- Replaces: Good Faith Estimate {md_cell(gfe.supersedes)}"] if gfe.supersedes else []),
        "",
        f"## Scope of this estimate: {'a recurring course of treatment' if gfe.scope.recurring else 'one session'}",
        "",
        *(f"- {label}: {md_cell(value)}" for label, value in view.scope_facts(gfe)),
        "",
        "## Summary of expected charges",
        "",
        *_table(view.SUMMARY_COLUMNS, view.summary_rows(gfe), 4),
        f"| **Total expected charges** | | | | **{view.money(gfe.total)}** |",
        "",
        md_cell(view.dispute_basis(gfe)),
        "",
        "## Itemized estimate by provider or facility",
        "",
    ]
    for group in gfe.providers:
        out += [
            f"### {md_cell(group.provider.name)}",
            "",
            md_cell(view.provider_heading(group)),
            "",
            *_table(view.LINE_COLUMNS, view.line_rows(group), 4),
            f"| **Provider subtotal** | | | | | **{view.money(group.subtotal)}** |",
            "",
        ]
    out += ["## Items or services that need separate scheduling", ""]
    if gfe.separately_scheduled:
        out += [
            md_cell(view.separately_scheduled_note(gfe)),
            "",
            *(f"- {md_cell(item)}" for item in gfe.separately_scheduled),
        ]
    else:
        out.append("None expected.")
    out.append("")
    if gfe.payment_options:
        out += [
            "## Payment options",
            "",
            *_table(view.PAYMENT_COLUMNS, view.payment_rows(gfe), 1),
            "",
            md_cell(view.payment_note(gfe)),
            "",
        ]
    out += ["## Disclaimers", ""]
    for disclaimer in gfe.disclaimers:
        out += [f"### {md_cell(disclaimer.title)}", ""]
        for paragraph in disclaimer.paragraphs:
            out += [md_cell(paragraph), ""]
    out += [
        "---",
        "",
        md_cell(
            f"Quote {gfe.quote_id}, issued {view.long_date(gfe.issued)} by {clinic.name}. "
            f"Questions: {gfe.clinic_contact}. {view.sheet_line(gfe)}"
        ),
        "",
    ]
    return "\n".join(out)
