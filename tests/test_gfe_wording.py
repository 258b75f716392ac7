"""The wording 45 CFR 149.610(c) asks for, as a reader of the document sees it: the disclaimer directly above the
separately scheduled items, diagnosis descriptions, co-provider phones, dollar signs, CMS links, the figure the
dispute test counts from; and the inputs refused or warned about (category codes, a sheet not yet in effect)."""

from __future__ import annotations

import datetime as dt
import inspect
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from ketacost import gfe
from ketacost.gfe import wording
from ketacost.render import gfe_view as view
from ketacost.render.gfe_html import render_html
from ketacost.render.gfe_markdown import render_gfe_markdown
from ketacost.scenario import Scenario
from tests.conftest import Run
from tests.test_gfe import SHEET, build

ANA = ("--patient", "Ana Diaz", "--dob", "1984-03-02")


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ketacost.cli.quote.today", lambda: dt.date(2026, 11, 27))


def test_the_disclaimer_sits_directly_above_the_separately_scheduled_items() -> None:
    page = render_html(build())
    match = re.search(r"need separate scheduling</h2>\s*<p[^>]*>([^<]*)</p>\s*<ul>", page)
    assert match, "the disclaimer must come directly before the list"
    note = match.group(1)
    assert "upon scheduling or upon request" in note
    assert "diagnosis codes, service codes, expected charges and providers are not included" in note
    assert "To get one, contact Example Ketamine Clinic: the front desk, (555) 010-0100" in note
    markdown = render_gfe_markdown(build())
    assert re.search(r"upon scheduling or upon request[^\n]*\n\n- Booster infusions", markdown)


def test_diagnosis_codes_carry_the_sheets_descriptions_and_providers_their_phones() -> None:
    g = build(Scenario(add_ons=("consultation",)))
    text = view.diagnosis(g.diagnosis_codes, g.diagnosis_names)
    assert text == "F33.2 (Major depressive disorder, recurrent severe without psychotic features)"
    assert text in render_html(g)
    assert text.replace("(", "\\(").replace(")", "\\)") in render_gfe_markdown(g)
    assert view.provider_heading(g.providers[1]).endswith("· (555) 010-0101")


def test_charges_carry_the_dollar_sign_and_the_dispute_figure_is_stated() -> None:
    g = build(Scenario(add_ons=("consultation",)))
    assert view.money(g.total) == "$2,400.00 - $6,350.00"
    basis = view.dispute_basis(g)
    assert basis == (
        "Where a charge is a range, the expected charges that count for a dispute (billed at least $400 more, for "
        "any one provider or facility) are the high end of the range: Example Ketamine Clinic: $6,000.00; "
        "Jane Example, MD (psychiatry): $350.00."
    )
    page = render_html(g)
    assert basis.replace("'", "&#39;") in page
    assert "(the high end of a range; this is also the figure the $400 is counted from)" in page


def test_the_cms_address_and_phone_are_links() -> None:
    page = render_html(build())
    assert '<a href="https://www.cms.gov/nosurprises">www.cms.gov/nosurprises</a>' in page
    assert '<a href="tel:+18009853059">1-800-985-3059</a>' in page


def test_the_wording_quotes_the_dispute_figures_from_one_place() -> None:
    source = inspect.getsource(wording)
    assert "400" not in source and "120" not in source and "985" not in source


def test_a_category_code_is_refused_where_a_billable_code_is_needed(run: Run) -> None:
    result = run("quote", *ANA, "--diagnosis", "F33")
    assert result.exit_code == 2
    assert result.stderr == (
        "--diagnosis: 'F33' is an ICD-10-CM category, not a billable code: give one of its full codes (such as "
        "F33.1), or list a code billable as it stands in the sheet's [diagnoses]\n"
    )
    assert run("quote", *ANA, "--diagnosis", "f332", "--no-save").exit_code == 0


def test_a_category_code_in_the_sheet_exits_2_naming_its_place(
    run: Run, sheet_text: str, write_sheet: Callable[[str], Path]
) -> None:
    broken = sheet_text.replace('diagnosis_codes = ["F33.2"]', 'diagnosis_codes = ["F33"]', 1)
    path = write_sheet(broken)
    result = run("quote", *ANA, "--pricing", str(path))
    assert result.exit_code == 2
    line = next(n for n, text in enumerate(broken.splitlines(), 1) if 'diagnosis_codes = ["F33"]' in text)
    assert result.stderr.startswith(f"{path}:{line}:")
    assert "treatments.iv.diagnosis_codes.0: 'F33' is an ICD-10-CM category, not a billable code" in result.stderr


def test_a_three_character_code_the_sheet_lists_is_accepted(
    run: Run, sheet_text: str, write_sheet: Callable[[str], Path]
) -> None:
    path = write_sheet(sheet_text + '\n[[diagnoses]]\ncode = "F39"\ndescription = "Unspecified mood disorder"\n')
    result = run("quote", *ANA, "--pricing", str(path), "--diagnosis", "F39", "--no-save")
    assert result.exit_code == 0, result.stderr
    assert "F39 (Unspecified mood disorder)" in result.stdout


def test_a_sheet_that_takes_effect_after_the_issue_date_is_warned_about(
    run: Run, sheet_text: str, write_sheet: Callable[[str], Path]
) -> None:
    later = re.sub(r"^effective = .*$", "effective = 2027-01-01", sheet_text, count=1, flags=re.M)
    path = write_sheet(later)
    result = run("quote", *ANA, "--pricing", str(path), "--no-save")
    assert result.exit_code == 0, result.stderr
    assert (
        f"warning: {path}: the price sheet takes effect on 2027-01-01, after this estimate's issue date (2026-11-27)"
    ) in result.stderr
    assert "warning" not in run("quote", *ANA, "--no-save").stderr


def test_every_built_in_document_round_trips_its_new_fields() -> None:
    g = build(Scenario(add_ons=("consultation",)))
    assert gfe.from_document(gfe.to_document(g)) == g
    assert g.separately_scheduled_note and g.timing and g.diagnosis_names
    assert SHEET.diagnosis_names["F33.2"].startswith("Major depressive disorder")


def test_the_python_api_refuses_a_category_code_as_the_command_does() -> None:
    from ketacost import api
    from ketacost.errors import BadInput

    with pytest.raises(BadInput, match="'F33' is an ICD-10-CM category"):
        api.quote(api.load_sheet(), patient="Ana Diaz", dob="1984-03-02", diagnosis=["F33"])
