"""Good Faith Estimate -> one self-contained, print-ready HTML page (Jinja2, autoescaped; an inline SVG chart).

Every text that comes from a person or a price sheet is escaped by the template engine; the page has no
script and loads nothing. Jinja2 is imported only when an HTML file is asked for (ketacost.render.html).
"""

from __future__ import annotations

from ketacost.gfe import GoodFaithEstimate
from ketacost.render import gfe_view as view
from ketacost.render.html import template


def render_html(gfe: GoodFaithEstimate) -> str:
    return template("gfe.html.j2").render(
        title=view.TITLE,
        g=gfe,
        issued=view.long_date(gfe.issued),
        dob=view.long_date(gfe.patient.dob),
        scheduled=view.scheduled(gfe),
        diagnosis=view.diagnosis(gfe.diagnosis_codes, gfe.diagnosis_names),
        dispute_basis=view.dispute_basis(gfe),
        separately_note=view.separately_scheduled_note(gfe),
        scope=view.scope_facts(gfe),
        summary_columns=view.SUMMARY_COLUMNS,
        summary=view.summary_rows(gfe),
        total=view.money(gfe.total),
        line_columns=view.LINE_COLUMNS,
        groups=[(group, view.line_rows(group), view.shows_line_address(group)) for group in gfe.providers],
        headings=[view.provider_heading(group) for group in gfe.providers],
        subtotals=[view.money(group.subtotal) for group in gfe.providers],
        payment_columns=view.PAYMENT_COLUMNS,
        payments=view.payment_rows(gfe),
        payment_note=view.payment_note(gfe),
        chart=view.chart(gfe),
        sheet_line=view.sheet_line(gfe),
    )
