"""``ketacost quote`` and ``ketacost quotes``: what the front desk sees and writes, what the register keeps, and
every way they refuse bad input (exit code, one line per problem, nothing written)."""

from __future__ import annotations

import csv
import datetime as dt
import html as html_lib
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, Run

TODAY = dt.date(2026, 11, 27)
ANA = ("--patient", "Ana Diaz", "--dob", "1984-03-02")


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every quote in these tests is issued on 2026-11-27."""
    monkeypatch.setattr("ketacost.cli.quote.today", lambda: TODAY)


@pytest.fixture
def register_path(tmp_path: Path) -> Path:
    return tmp_path / "register" / "quotes.sqlite3"  # KETACOST_STORE, set by conftest


def issued_id(stderr: str) -> str:
    match = re.search(r"Quote (Q-\d{8}-[0-9A-Z]{4}) ", stderr)
    assert match, stderr
    return match.group(1)


def visible_text(page: str) -> str:
    """The text a browser shows: tags removed, entities decoded, whitespace collapsed."""
    without_style = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", without_style)).split())


def quote_ok(run: Run, *args: str) -> tuple[str, str, str]:
    result = run("quote", *ANA, *args)
    assert result.exit_code == 0, result.stderr
    return issued_id(result.stderr), result.stdout, result.stderr


# --- issuing a quote --------------------------------------------------------------------------------------------


def test_quote_writes_all_three_documents_and_saves_the_quote(run: Run, tmp_path: Path, register_path: Path) -> None:
    quote_id, out, err = quote_ok(run, "--html", "gfe.html", "--markdown", "gfe.md", "--json", "gfe.json")
    assert quote_id.startswith("Q-20261127-")
    assert "Good Faith Estimate for Health Care Items and Services (preview)" in out
    assert "Patient: Ana Diaz, born March 2, 1984" in out
    assert "Total expected charges: $2,400.00 - $6,000.00" in out
    assert f"Quote {quote_id} saved in {register_path}." in err
    for name in ("gfe.html", "gfe.md", "gfe.json"):
        assert f"Wrote {name}" in err
        assert (tmp_path / name).stat().st_size > 1000
    document = json.loads((tmp_path / "gfe.json").read_text())
    assert document["quote_id"] == quote_id
    assert document["issued"] == "2026-11-27"
    assert document["pricing"]["effective"] == "2026-11-01"
    assert (
        document["pricing"]["sha256"] == __import__("hashlib").sha256((ROOT / "pricing.toml").read_bytes()).hexdigest()
    )
    assert register_path.exists()


def test_the_html_page_carries_every_gfe_element(run: Run, tmp_path: Path) -> None:
    quote_id, _, _ = quote_ok(run, "--add-on", "consultation", "--scheduled", "2026-12-01", "--html", "gfe.html")
    page = (tmp_path / "gfe.html").read_text()
    text = visible_text(page)
    expected = [
        # 1. patient name and date of birth
        "Ana Diaz",
        "March 2, 1984",
        # 2. the primary service in clear language, and its scheduled date
        "IV ketamine infusion: a course of 6 infusions",
        "through a vein",
        "December 1, 2026",
        # 3 + 4. itemized by provider, with diagnosis codes, service codes, quantities and charges
        "Itemized estimate by provider or facility",
        "F33.2",
        "96365",
        "J3490",
        "99204",
        "$1,500.00 - $3,600.00",
        "Provider subtotal",
        "Total expected charges $2,400.00 - $6,350.00",
        # 5. each provider's name, NPI, TIN and location
        "Example Ketamine Clinic",
        "1234567893",
        "Jane Example, MD (psychiatry)",
        "1987654328",
        "12-3456789",
        "100 Example Street, Suite 200, Springfield, IL 62701",
        # scope of a recurring course
        "2-3 infusions a week",
        "2-3 weeks",
        "at most 12 months",
        # 6. items needing separate scheduling
        "Items or services that need separate scheduling",
        "Booster infusions after the series",
        # 7-10. the disclaimers
        "must be scheduled or requested separately and are not reflected in this Good Faith Estimate",
        "actual items, services or charges may differ",
        "you have the right to dispute the bill",
        "will not adversely affect the quality of the care",
        "is not a contract",
        # issue date, quote ID, payment options with monthly installments
        "Issued November 27, 2026",
        quote_id,
        "Medical loan",
        "x 24",
        "487.50 x 6",
    ]
    missing = [phrase for phrase in expected if phrase not in text]
    assert not missing, missing
    assert "<svg" in page and "<script" not in page


def test_the_page_is_self_contained(run: Run, tmp_path: Path) -> None:
    quote_ok(run, "--html", "gfe.html")
    page = (tmp_path / "gfe.html").read_text()
    # Nothing is loaded from elsewhere; the only links are anchors a reader may follow (CMS's site and phone).
    assert not re.search(r"""src\s*=\s*["']?(https?:|//)""", page)
    assert set(re.findall(r"""href\s*=\s*["']?([^"' >]+)""", page)) == {
        "https://www.cms.gov/nosurprises",
        "tel:+18009853059",
    }
    assert not re.search(r"<link\b", page)
    assert "@page" in page and "break-inside: avoid" in page


def test_show_reprints_the_identical_document_after_the_sheet_changed(
    run: Run, tmp_path: Path, sheet_text: str
) -> None:
    sheet = tmp_path / "pricing.toml"  # found in the working directory
    sheet.write_text(sheet_text)
    quote_id, preview, _ = quote_ok(run, "--html", "a.html", "--markdown", "a.md", "--json", "a.json")
    sheet.write_text(
        sheet_text.replace(
            "{ low = 250.00, typical = 370.00, high = 600.00 }", "{ low = 300.00, typical = 420.00, high = 650.00 }"
        )
        .replace(
            "{ low = 400.00, typical = 600.00, high = 1000.00 }", "{ low = 450.00, typical = 650.00, high = 1050.00 }"
        )
        .replace('name = "Example Ketamine Clinic"', 'name = "Renamed Clinic"')
    )
    newer, _, _ = quote_ok(run, "--json", "new.json")
    assert json.loads((tmp_path / "new.json").read_text())["total"]["high"] == "6300.00"

    shown = run("quotes", "show", quote_id, "--html", "b.html", "--markdown", "b.md", "--json", "b.json")
    assert shown.exit_code == 0, shown.stderr
    for old, new in (("a.html", "b.html"), ("a.md", "b.md"), ("a.json", "b.json")):
        assert (tmp_path / old).read_bytes() == (tmp_path / new).read_bytes(), old
    assert shown.stdout == preview
    assert "Renamed Clinic" not in shown.stdout
    assert newer != quote_id


def test_no_save_writes_the_document_but_keeps_nothing(run: Run, tmp_path: Path, register_path: Path) -> None:
    quote_id, _, err = quote_ok(run, "--no-save", "--json", "draft.json")
    assert f"Quote {quote_id} not saved (--no-save)." in err
    assert not register_path.exists()
    assert run("quotes", "show", quote_id).exit_code == 2


def test_store_flag_and_environment_choose_the_register(run: Run, tmp_path: Path) -> None:
    quote_id, _, err = quote_ok(run, "--store", str(tmp_path / "flag.sqlite3"))
    assert f"saved in {tmp_path / 'flag.sqlite3'}" in err
    assert run("quotes", "show", quote_id).exit_code == 2  # not in the KETACOST_STORE register
    assert run("quotes", "show", quote_id, "--store", str(tmp_path / "flag.sqlite3")).exit_code == 0


def test_course_flags_work_as_for_estimate(run: Run, tmp_path: Path) -> None:
    quote_ok(run, "-t", "kap", "-n", "4", "--price", "450", "-o", "self_pay", "-o", "clinic_plan", "--json", "k.json")
    document = json.loads((tmp_path / "k.json").read_text())
    assert document["scope"]["sessions"] == 4
    assert [group["provider"]["id"] for group in document["providers"]] == ["clinic", "physician", "therapist"]
    # 4 x (450.00 dosing + 150.00-200.00 integration)
    assert document["total"] == {"low": "2400.00", "typical": "2500.00", "high": "2600.00"}
    assert [o["id"] for o in document["payment_options"]["options"]] == ["self_pay", "clinic_plan"]


def test_diagnosis_codes_are_normalised(run: Run, tmp_path: Path) -> None:
    quote_ok(run, "--diagnosis", "f332", "--diagnosis", "Z63.79", "--diagnosis", "F33.2", "--json", "d.json")
    document = json.loads((tmp_path / "d.json").read_text())
    assert document["service"]["diagnosis_codes"] == ["F33.2", "Z63.79"]


def test_script_in_a_patient_name_is_escaped_everywhere(run: Run, tmp_path: Path) -> None:
    name = "<script>alert('x')</script> [red]Eve[/red]"
    result = run("quote", "--patient", name, "--dob", "1990-01-01", "--html", "x.html", "--markdown", "x.md")
    assert result.exit_code == 0, result.stderr
    page = (tmp_path / "x.html").read_text()
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; [red]Eve[/red]" in page
    markdown = (tmp_path / "x.md").read_text()
    assert "<script>" not in markdown and r"\<script\>alert\('x'\)\</script\> \[red\]Eve\[/red\]" in markdown
    assert "<script>alert('x')</script> [red]Eve[/red], born" in result.stdout
    listed = run("quotes", "list", "--format", "markdown").stdout
    assert r"\<script\>" in listed and "<script>" not in listed


# --- refusing bad input -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--patient", "", "--dob", "1984-03-02"), "--patient: must not be empty"),
        (("--patient", "   ", "--dob", "1984-03-02"), "--patient: must not be empty"),
        (("--patient", "A" * 101, "--dob", "1984-03-02"), "--patient: is 101 characters long; at most 100"),
        (("--patient", "Ana\x00Diaz", "--dob", "1984-03-02"), "--patient: contains a control character (U+0000)"),
        (("--patient", "Ana\nDiaz", "--dob", "1984-03-02"), "--patient: contains a control character (U+000A)"),
        (
            ("--patient", "Ana\u202eDiaz", "--dob", "1984-03-02"),
            "--patient: contains an invisible or direction-changing character U+202E (RIGHT-TO-LEFT OVERRIDE)",
        ),
        (("--patient", "Ana", "--dob", "03/02/1984"), "--dob: '03/02/1984' is not a date (expected YYYY-MM-DD"),
        (("--patient", "Ana", "--dob", "1984-02-30"), "--dob: '1984-02-30' is not a real calendar date"),
        (("--patient", "Ana", "--dob", "2026-11-28"), "--dob: 2026-11-28 is in the future (today is 2026-11-27)"),
        (("--patient", "Ana", "--dob", "1884-01-01"), "--dob: 1884-01-01 is more than 130 years ago"),
        ((*ANA, "--scheduled", "2026-11-26"), "--scheduled: 2026-11-26 is in the past (today is 2026-11-27)"),
        ((*ANA, "--scheduled", "2026-13-01"), "--scheduled: '2026-13-01' is not a real calendar date"),
        ((*ANA, "--diagnosis", "F33-2"), "--diagnosis: 'F33-2' is not an ICD-10-CM code"),
        ((*ANA, "--diagnosis", "<b>"), "--diagnosis: '<b>' is not an ICD-10-CM code"),
        ((*ANA, "-t", "ivv"), "unknown treatment 'ivv' (choose from: iv, im, spravato, kap, oral)"),
        ((*ANA, "--add-on", "massage"), "unknown add-on for iv 'massage'"),
        ((*ANA, "-o", "loan"), "unknown payment option 'loan'"),
        ((*ANA, "--price", "1.234"), "--price: '1.234' has more than two decimals"),
        ((*ANA, "--sessions", "0"), "--sessions: 0 must be between 1 and 200"),
        ((*ANA, "--sessions", "120"), "--sessions: 120 infusions take up to 60 weeks; one Good Faith Estimate covers"),
        ((*ANA, "--html", "."), "--html: . is a directory"),
        ((*ANA, "--html", "nowhere/gfe.html"), "--html: nowhere/gfe.html: no such directory 'nowhere'"),
        ((*ANA, "--html", "same.out", "--json", "same.out"), "--json: same.out is also given to --html"),
        ((*ANA, "--pricing", "/nonexistent.toml"), "/nonexistent.toml: no such file"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line_and_saves_and_writes_nothing(
    run: Run, tmp_path: Path, register_path: Path, args: tuple[str, ...], message: str
) -> None:
    before = set(os.listdir(tmp_path))
    result = run("quote", *args, "--markdown", "out.md")
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert set(os.listdir(tmp_path)) == before  # no register, no out.md, no same.out
    assert not register_path.exists()


def test_every_bad_value_is_reported_at_once(run: Run) -> None:
    result = run("quote", "--patient", " ", "--dob", "2030-01-01", "--diagnosis", "X", "--price", "abc")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "--patient: must not be empty",
        "--dob: 2030-01-01 is in the future (today is 2026-11-27)",
        "--diagnosis: 'X' is not an ICD-10-CM code (a letter, two characters, then an optional dot and up to 4 "
        "more, e.g. F33.2)",
        "--price: 'abc' is not a number (expected an amount such as 650 or 650.00)",
    ]


def test_patient_and_dob_are_required(run: Run) -> None:
    result = run("quote", "--patient", "Ana Diaz")
    assert result.exit_code == 2
    assert "Missing option '--dob'" in result.stderr


def test_a_sheet_without_a_clinic_cannot_quote(
    run: Run, sheet_text: str, write_sheet: Callable[[str], Path], register_path: Path
) -> None:
    start, end = sheet_text.index("[clinic]"), sheet_text.index("[providers.physician]")
    lines = [line for line in sheet_text[end:].splitlines() if not line.startswith('provider = "clinic"')]
    text = sheet_text[:start] + "\n".join(lines).replace('\nprovider = "clinic"', "")
    text = re.sub(
        r'(service_code = "(?:96365|J3490|96372|J8499|G2082/G2083)"[^\n]*\n)', r'\1provider = "physician"\n', text
    )
    path = write_sheet(text)
    result = run("quote", *ANA, "--pricing", str(path))
    assert result.exit_code == 2, result.stderr
    assert result.stderr.strip() == (
        f"{path}: no [clinic] table: a Good Faith Estimate needs the clinic's name, NPI and TIN"
    )
    assert not register_path.exists()


def test_a_broken_npi_in_the_sheet_is_positioned(run: Run, sheet_text: str, write_sheet: Callable[[str], Path]) -> None:
    path = write_sheet(sheet_text.replace('npi = "1234567893"', 'npi = "1234567894"'))
    result = run("quote", *ANA, "--pricing", str(path))
    assert result.exit_code == 2
    line_no = next(i for i, row in enumerate(path.read_text().splitlines(), 1) if "1234567894" in row)
    assert result.stderr.strip() == (
        f"{path}:{line_no}:1: clinic.npi: '1234567894' is not a valid NPI: wrong check digit (Luhn with prefix "
        "80840); check for a typo"
    )


def test_a_register_that_is_not_one_is_refused(run: Run, tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.sqlite3"
    bogus.write_text("not a database at all" * 50)
    result = run("quote", *ANA, "--store", str(bogus), "--html", "x.html")
    assert result.exit_code == 2
    assert f"{bogus}: not a ketacost quote register" in result.stderr
    assert not (tmp_path / "x.html").exists()
    result = run("quote", *ANA, "--store", str(tmp_path))
    assert result.exit_code == 2
    assert "is a directory, not a quote register" in result.stderr


# --- the register -------------------------------------------------------------------------------------------------


def test_list_shows_quotes_oldest_first_and_filters(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    first, _, _ = quote_ok(run)
    monkeypatch.setattr("ketacost.cli.quote.today", lambda: dt.date(2026, 12, 2))
    second = issued_id(run("quote", "--patient", "Bo Díaz", "--dob", "1990-05-05").stderr)
    table = run("quotes", "list")
    assert table.exit_code == 0
    assert table.stdout.index(first) < table.stdout.index(second)
    assert "2 quotes in" in table.stdout
    data = json.loads(run("quotes", "list", "-f", "json", "--patient", "DÍAZ").stdout)
    assert [q["id"] for q in data] == [second]
    assert data[0]["patient"] == {"name": "Bo Díaz", "dob": "1990-05-05"}
    assert data[0]["total"] == {"low": "2400.00", "high": "6000.00"}
    assert [q["id"] for q in json.loads(run("quotes", "list", "-f", "json", "--since", "2026-12-01").stdout)] == [
        second
    ]
    assert json.loads(run("quotes", "list", "-f", "json", "--patient", "nobody").stdout) == []


def test_list_csv_defuses_formulas_in_names(run: Run) -> None:
    run("quote", "--patient", '=HYPERLINK("x")', "--dob", "1990-01-01")
    rows = list(csv.DictReader(io.StringIO(run("quotes", "list", "-f", "csv").stdout)))
    assert rows[0]["patient_name"] == '\'=HYPERLINK("x")'
    assert rows[0]["total_high"] == "6000.00"


def test_list_of_an_empty_register_says_so(run: Run, register_path: Path) -> None:
    result = run("quotes", "list")
    assert result.exit_code == 0
    assert " ".join(result.stdout.split()) == f"No quotes found in {register_path}."
    assert not register_path.exists()
    assert run("quotes", "list", "--since", "2026-02-30").exit_code == 2


def test_show_accepts_lower_case_and_look_alike_characters(run: Run) -> None:
    quote_id, preview, _ = quote_ok(run)
    typed = quote_id[:11].lower() + quote_id[11:].lower().replace("0", "o").replace("1", "l")
    result = run("quotes", "show", typed)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == preview


def test_show_an_unknown_quote_exits_2(run: Run, register_path: Path) -> None:
    quote_ok(run)
    result = run("quotes", "show", "Q-20261127-ZZZZ")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"no quote Q-20261127-ZZZZ in the register {register_path}"


def test_an_id_or_name_typed_in_bytes_that_are_not_utf8_matches_nothing_instead_of_crashing(
    run: Run, register_path: Path
) -> None:
    """Such bytes reach Python as lone surrogates, which SQLite refuses: quotes show, check and list exited 1."""
    quote_ok(run)
    for args in (("show", "Q-2026\udce9"), ("check", "Q-2026\udce9", "--billed", "clinic=6400")):
        result = run("quotes", *args)
        assert result.exit_code == 2, result.stderr
        assert result.stderr == f"no quote Q-2026\\udce9 in the register {register_path}\n"
    listed = run("quotes", "list", "--patient", "D\udce9az")
    assert listed.exit_code == 0, listed.stderr
    assert " ".join(listed.stdout.split()) == f"No quotes found in {register_path}."


# --- dispute check ------------------------------------------------------------------------------------------------


def check_json(run: Run, quote_id: str, *args: str) -> Any:
    result = run("quotes", "check", quote_id, *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_dispute_check_at_399_99_and_400_00(run: Run) -> None:
    quote_id, _, _ = quote_ok(run, "--add-on", "consultation")
    below = check_json(run, quote_id, "--billed", "clinic=6399.99")
    assert below["eligible"] is False
    assert below["providers"][0] == {
        "id": "clinic",
        "name": "Example Ketamine Clinic",
        "npi": "1234567893",
        "estimate_high": "6000.00",
        "billed": "6399.99",
        "over": "399.99",
        "eligible": False,
        "listed": True,
    }
    at = check_json(run, quote_id, "--billed", "clinic=6400.00")
    assert at["eligible"] is True and at["providers"][0]["over"] == "400.00"
    table = run(
        "quotes", "check", quote_id, "--billed", "clinic=6400", "--billed", "1987654328=749.99", env={"COLUMNS": "120"}
    )
    assert table.exit_code == 0
    out = " ".join(table.stdout.split())
    assert "Example Ketamine Clinic 1234567893 6,000.00 6,400.00 400.00 eligible" in out
    assert "Jane Example, MD (psychiatry) 1987654328 350.00 749.99 399.99 not eligible" in out
    assert "within 120 calendar days of the date on the bill" in out
    assert "www.cms.gov/nosurprises" in out


def test_dispute_deadline_from_the_bill_date(run: Run) -> None:
    quote_id, _, _ = quote_ok(run)
    doc = check_json(run, quote_id, "--billed", "clinic=7000", "--bill-date", "2026-11-27")
    assert (doc["bill_date"], doc["deadline"]) == ("2026-11-27", "2027-03-27")
    assert "(by 2027-03-27)" in doc["notes"][0]


def test_dispute_check_after_the_window_closed_is_not_eligible(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    quote_id, _, _ = quote_ok(run)
    monkeypatch.setattr("ketacost.cli.quote.today", lambda: dt.date(2027, 4, 15))
    late = check_json(run, quote_id, "--billed", "clinic=7000", "--bill-date", "2026-12-15")
    assert (late["eligible"], late["window_closed"], late["deadline"]) == (False, True, "2027-04-14")
    assert "closed on 2027-04-14" in late["notes"][0]
    table = run("quotes", "check", quote_id, "--billed", "clinic=7000", "--bill-date", "2026-12-15")
    assert "not eligible (window closed)" in table.stdout


def test_dispute_check_of_a_provider_not_on_the_estimate_gives_the_rules_answer(run: Run) -> None:
    quote_id, _, _ = quote_ok(run)
    doc = check_json(run, quote_id, "--billed", "1987654328=450")
    assert doc["eligible"] is True
    assert doc["providers"][1] == {
        "id": "1987654328",
        "name": "Provider not on this estimate",
        "npi": "1987654328",
        "estimate_high": "0.00",
        "billed": "450.00",
        "over": "450.00",
        "eligible": True,
        "listed": False,
    }
    assert "NPI 1987654328, not on the estimate" in doc["notes"][0]


def test_dispute_check_csv_and_markdown(run: Run) -> None:
    quote_id, _, _ = quote_ok(run)
    rows = list(
        csv.DictReader(io.StringIO(run("quotes", "check", quote_id, "--billed", "clinic=1", "-f", "csv").stdout))
    )
    assert rows[0]["over"] == "-5999.00" and rows[0]["eligible"] == "false"
    markdown = run("quotes", "check", quote_id, "--billed", "clinic=6400", "-f", "markdown").stdout
    assert "| Example Ketamine Clinic | 1234567893 | 6,000.00 | 6,400.00 | 400.00 | eligible |" in markdown


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--billed", "clinic"), "--billed: 'clinic' must be PROVIDER=AMOUNT, e.g. clinic=6400.00"),
        (("--billed", "=5"), "--billed: '=5' must be PROVIDER=AMOUNT"),
        (("--billed", "clinic=abc"), "--billed: 'abc' is not a number"),
        (("--billed", "clinic=-1"), "--billed: '-1' must be between 0.00 and 1,000,000.00"),
        (("--billed", "lab=5"), "--billed: 'lab' is not a provider on quote"),
        (("--billed", "clinic=5", "--billed", "clinic=6"), "--billed: clinic is given twice"),
        (("--billed", "clinic=5", "--bill-date", "2026-11-28"), "--bill-date: 2026-11-28 is in the future"),
        (("--billed", "clinic=5", "--bill-date", "2026-01-02"), "--bill-date: 2026-01-02 is before quote"),
        (("--billed", "clinic=5", "--bill-date", "soon"), "--bill-date: 'soon' is not a date"),
    ],
)
def test_dispute_check_bad_input_exits_2(run: Run, args: tuple[str, ...], message: str) -> None:
    quote_id, _, _ = quote_ok(run)
    result = run("quotes", "check", quote_id, *args)
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_dispute_check_needs_a_bill_and_a_known_quote(run: Run) -> None:
    assert "Missing option '--billed'" in run("quotes", "check", "Q-20261127-AAAA").stderr
    result = run("quotes", "check", "Q-20261127-AAAA", "--billed", "clinic=1")
    assert result.exit_code == 2 and "no quote Q-20261127-AAAA in the register" in result.stderr


# --- start-up cost ------------------------------------------------------------------------------------------------


def test_estimate_imports_neither_jinja2_nor_sqlite3(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from ketacost.cli.app import main\n"
        "sys.argv = ['ketacost', 'estimate', '--format', 'json']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "loaded = [m for m in ('jinja2', 'markupsafe', 'sqlite3', '_sqlite3', 'ketacost.gfe', 'ketacost.store')"
        " if m in sys.modules]\n"
        "print('LOADED', loaded, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "LOADED []" in result.stderr
    assert json.loads(result.stdout)["course"]["treatment"] == "iv"


def test_the_installed_entry_point_issues_a_quote(tmp_path: Path) -> None:
    from tests.cli.test_entry_point import installed_ketacost

    env = {**os.environ, "KETACOST_STORE": str(tmp_path / "q.sqlite3")}
    result = subprocess.run(
        [installed_ketacost(), "quote", *ANA, "--html", "gfe.html"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "gfe.html").read_text().startswith("<!DOCTYPE html>")


# --- more failure paths -------------------------------------------------------------------------------------------


def test_show_checks_its_output_files_before_anything(run: Run, tmp_path: Path) -> None:
    quote_id, _, _ = quote_ok(run)
    result = run("quotes", "show", quote_id, "--html", "missing/x.html", "--json", "missing/x.json")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "--html: missing/x.html: no such directory 'missing'",
        "--json: missing/x.json: no such directory 'missing'",
    ]
    assert result.stdout == ""


def test_a_tampered_register_is_reported_not_shown(run: Run, register_path: Path) -> None:
    import sqlite3

    quote_id, _, _ = quote_ok(run)
    db = sqlite3.connect(register_path)
    db.execute("DROP TRIGGER quotes_never_updated")
    db.execute("UPDATE quotes SET document = replace(document, '6000.00', '5000.00')")
    db.commit()
    db.close()
    for args in (("show", quote_id), ("list", "--verify"), ("check", quote_id, "--billed", "clinic=1")):
        result = run("quotes", *args)
        assert result.exit_code == 2, args
        assert f"quote {quote_id}: the stored document does not match its SHA-256" in result.stderr
        assert quote_id not in result.stdout


def test_a_busy_register_exits_3(run: Run, register_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    quote_ok(run)
    monkeypatch.setattr("ketacost.store.BUSY_TIMEOUT_SECONDS", 0.1)
    holder = sqlite3.connect(register_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = run("quote", *ANA, "--html", "x.html")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 3
    assert "the quote register is busy (another process holds it); try again" in result.stderr
    assert not Path("x.html").exists()


def test_a_file_that_cannot_be_written_after_saving_says_how_to_get_it_again(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ketacost.errors import SystemRefused

    def full_disk(path: Path, text: str) -> None:
        raise SystemRefused(f"{path}: cannot write: No space left on device")

    monkeypatch.setattr("ketacost.output.write_atomic", full_disk)
    result = run("quote", *ANA, "--html", "x.html")
    assert result.exit_code == 5  # saved, a file not written: a script must not issue the quote again
    lines = result.stderr.strip().splitlines()
    quote_id = re.search(r"quote (Q-\S+) is saved", lines[-1])
    assert quote_id and "x.html was not written: cannot write: No space left on device" in lines[-1]
    assert f"`ketacost quotes show {quote_id.group(1)} --html x.html` writes it" in lines[-1]
    assert run("quotes", "show", quote_id.group(1)).exit_code == 0


def test_an_add_on_without_line_items_cannot_be_quoted(
    run: Run, sheet_v1_text: str, write_sheet: Callable[[str], Path]
) -> None:
    start = sheet_v1_text.index("[[treatments.iv.add_ons.consultation.line_items]]")
    end = sheet_v1_text.index("[treatments.im]")
    path = write_sheet(sheet_v1_text[:start] + sheet_v1_text[end:])
    assert run("quote", *ANA, "--pricing", str(path)).exit_code == 0  # not asked for: fine
    result = run("quote", *ANA, "--pricing", str(path), "--add-on", "consultation")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"{path}: treatments.iv.add_ons.consultation: no line_items: a Good Faith Estimate lists each item's "
        "service code"
    )


def test_an_internal_error_is_one_line_and_saves_nothing(
    run: Run, register_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("ketacost.render.gfe_html.render_html", explode)
    result = run("quote", *ANA, "--html", "x.html")
    assert result.exit_code == 1
    assert result.stderr.strip() == "ketacost: internal error: RuntimeError: boom (run with --debug for details)"
    assert json.loads(run("quotes", "list", "-f", "json").stdout) == []
