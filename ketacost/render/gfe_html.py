"""Good Faith Estimate -> one self-contained, print-ready HTML page (Jinja2, autoescaped; an inline SVG chart).

Every text that comes from a person or a price sheet is escaped by the template engine; the page has no
script and loads nothing. Jinja2 is imported here only, when an HTML file is asked for.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from ketacost.gfe import GoodFaithEstimate
from ketacost.render import gfe_view as view

if TYPE_CHECKING:
    import jinja2


def _css_string(value: object) -> str:
    """Text safe inside a CSS string in the style sheet: only letters, digits, spaces and hyphens survive."""
    return re.sub(r"[^A-Za-z0-9 -]", "", str(value))


def _cms_links(text: str) -> object:
    """Escaped text in which the CMS web address and phone number are links (a tap calls or opens them)."""
    import markupsafe

    from ketacost.dispute import CMS_PHONE, CMS_PHONE_URI, CMS_URL, CMS_WEBSITE

    escaped = str(markupsafe.escape(text))
    escaped = escaped.replace(CMS_WEBSITE, f'<a href="{CMS_URL}">{CMS_WEBSITE}</a>')
    escaped = escaped.replace(CMS_PHONE, f'<a href="{CMS_PHONE_URI}">{CMS_PHONE}</a>')
    return markupsafe.Markup(escaped)


@cache
def _template() -> jinja2.Template:
    import jinja2

    environment = jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["css_string"] = _css_string
    environment.filters["cms_links"] = _cms_links
    text = resources.files("ketacost").joinpath("templates", "gfe.html.j2").read_text(encoding="utf-8")
    return environment.from_string(text)


def render_html(gfe: GoodFaithEstimate) -> str:
    return _template().render(
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
