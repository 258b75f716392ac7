"""The Jinja2 templates of ketacost's print-ready pages (a GFE, a superbill), loaded one way: autoescaped, strict
about undefined names, whitespace as written, with the filters the templates share. Jinja2 is imported here only,
when an HTML file is asked for; the pages have no script and load nothing."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2


def css_string(value: object) -> str:
    """Text safe inside a CSS string in the style sheet: only letters, digits, spaces and hyphens survive."""
    return re.sub(r"[^A-Za-z0-9 -]", "", str(value))


def cms_links(text: str) -> object:
    """Escaped text in which the CMS web address and phone number are links (a tap calls or opens them)."""
    import markupsafe

    from ketacost.dispute import CMS_PHONE, CMS_PHONE_URI, CMS_URL, CMS_WEBSITE

    escaped = str(markupsafe.escape(text))
    escaped = escaped.replace(CMS_WEBSITE, f'<a href="{CMS_URL}">{CMS_WEBSITE}</a>')
    escaped = escaped.replace(CMS_PHONE, f'<a href="{CMS_PHONE_URI}">{CMS_PHONE}</a>')
    return markupsafe.Markup(escaped)


@cache
def template(name: str) -> jinja2.Template:
    """``ketacost/templates/NAME``, compiled once."""
    import jinja2

    environment = jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["css_string"] = css_string
    environment.filters["cms_links"] = cms_links
    text = resources.files("ketacost").joinpath("templates", name).read_text(encoding="utf-8")
    return environment.from_string(text)
