"""``ketacost superbill`` and ``ketacost superbills``: every field a superbill needs, in HTML, Markdown and JSON; kept
in the register and reprinted byte for byte; errors with their exit codes (issue 14 item 1; DOMAIN.md section 10)."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import json
import os
import re
import sqlite3
import stat
import subprocess
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from tests.cli.test_entry_point import installed_ketacost
from tests.conftest import Run

TODAY = dt.date(2026, 11, 27)
PATIENT = ("--patient", "Ana Diaz", "--dob", "1984-03-02", "--member-id", "XYZ123456789")
TWO = ("--session", "2026-11-02=600.00", "--session", "2026-11-05=450.00")
FILES = ("--html", "sb.html", "--markdown", "sb.md", "--json", "sb.json")


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ketacost.cli.quote.today", lambda: TODAY)


def issued(stderr: str) -> str:
    match = re.search(r"Superbill (S-\d{8}-[0-9A-Z]{4}) saved", stderr)
    assert match, stderr
    return match.group(1)


def visible(page: str) -> str:
    without_style = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", without_style)).split())


def superbill_ok(run: Run, *args: str) -> str:
    result = run("superbill", *PATIENT, *args)
    assert result.exit_code == 0, result.stderr
    return issued(result.stderr)


def test_two_sessions_give_every_field_in_json(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    superbill_id = superbill_ok(run, "-t", "iv", *TWO, *FILES)
    document = json.loads((tmp_path / "sb.json").read_text(encoding="utf-8"))
    assert document["superbill_id"] == superbill_id
    assert document["patient"] == {"name": "Ana Diaz", "dob": "1984-03-02", "member_id": "XYZ123456789"}
    billing = document["provider"]["billing"]
    assert (billing["npi"], billing["tin"]) == ("1234567893", "12-3456789")
    assert {"name", "credentials", "npi", "tin", "license", "address", "phone"} <= set(billing)
    assert document["diagnoses"] == [
        {"code": "F33.2", "description": "Major depressive disorder, recurrent severe without psychotic features"}
    ]
    services = document["services"]
    # IV: two line items a session (96365 370.00, J3490 230.00), two sessions.
    assert [(s["date"], s["code"], s["charge"]) for s in services] == [
        ("2026-11-02", "96365", "370.00"),
        ("2026-11-02", "J3490", "230.00"),
        ("2026-11-05", "96365", "370.00"),
        ("2026-11-05", "J3490", "230.00"),
    ]
    for line in services:
        assert {"date", "place_of_service", "code", "diagnosis_codes", "units", "charge", "paid"} <= set(line)
        assert line["place_of_service"] == "11" and line["diagnosis_codes"] == ["F33.2"] and line["units"] == 1
    # 450.00 paid for a 600.00 session, split by charge to the cent: 277.50 and 172.50.
    assert [s["paid"] for s in services] == ["370.00", "230.00", "277.50", "172.50"]
    assert document["totals"] == {"charged": "1200.00", "paid": "1050.00", "balance": "150.00"}


def with_licenses(sheet_text: str) -> str:
    """The built-in sheet with the physician's credentials and license, and the therapist's credentials."""
    physician = 'tin = "12-3456789"                # EXAMPLE: the clinic\'s TIN when the physician is employed by it\n'
    therapist = 'tin = "98-7654321"                # EXAMPLE\n'
    assert physician in sheet_text and therapist in sheet_text
    return sheet_text.replace(physician, physician + 'credentials = "MD"\nlicense = "IL 036-000000"\n').replace(
        therapist, therapist + 'credentials = "LCSW"\n'
    )


def test_html_and_markdown_carry_every_field_and_a_signature_line(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sheet_text: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "licensed.toml").write_text(with_licenses(sheet_text), encoding="utf-8")
    superbill_id = superbill_ok(
        run, "--pricing", "licensed.toml", "-t", "kap", *TWO, "--place", "10", "--modifier", "90837=95", *FILES
    )
    page = visible((tmp_path / "sb.html").read_text(encoding="utf-8"))
    markdown = (tmp_path / "sb.md").read_text(encoding="utf-8")
    for text in (page, markdown):
        for phrase in (
            superbill_id,
            "Ana Diaz",
            "1984-03-02",
            "XYZ123456789",
            "Example Ketamine Clinic",
            "1234567893",  # group NPI
            "12-3456789",  # TIN
            "1987654328",  # individual NPI
            "Jane Example, MD",
            "IL 036-000000",  # license
            "Sam Example, LCSW",
            "(555) 010-0100",
            "F33.2",
            "Major depressive disorder",
            "99215",
            "90837",
            "95",
            "Total charged",
            "Total paid",
            "Provider signature",
            "10 Telehealth provided in patient's home",
        ):
            assert phrase in text.replace("\\", ""), (phrase, text[:200])
    assert "MD (psychiatry), MD" not in page  # credentials not repeated when the name has them
    document = json.loads((tmp_path / "sb.json").read_text(encoding="utf-8"))
    physician = document["provider"]["rendering"][0]
    assert (physician["credentials"], physician["license"], physician["npi"]) == ("MD", "IL 036-000000", "1987654328")


def test_reprinted_byte_for_byte_from_the_register(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    superbill_id = superbill_ok(run, "-t", "iv", *TWO, *FILES)
    again = run(
        "superbills", "show", superbill_id.lower(), "--html", "2.html", "--markdown", "2.md", "--json", "2.json"
    )
    assert again.exit_code == 0, again.stderr
    for first, second in (("sb.html", "2.html"), ("sb.md", "2.md"), ("sb.json", "2.json")):
        assert (tmp_path / first).read_bytes() == (tmp_path / second).read_bytes()
    for name in ("sb.html", "sb.md", "sb.json", "2.json"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600


def test_reprinted_as_issued_whatever_the_sheet_says_today(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sheet_text: str
) -> None:
    monkeypatch.chdir(tmp_path)
    superbill_id = superbill_ok(run, "-t", "iv", *TWO, "--json", "sb.json")
    (tmp_path / "cheaper.toml").write_text(sheet_text.replace("typical = 370.00", "typical = 300.00"), "utf-8")
    again = run("--pricing", "cheaper.toml", "superbills", "show", superbill_id, "--json", "2.json")
    assert again.exit_code == 0, again.stderr
    assert (tmp_path / "sb.json").read_bytes() == (tmp_path / "2.json").read_bytes()


def test_superbills_list_finds_them_by_patient(run: Run) -> None:
    first = superbill_ok(run, "-t", "iv", *TWO)
    result = run("superbill", "--patient", "Bo Lee", "--dob", "1990-01-01", "--session", "2026-11-03")
    assert result.exit_code == 0, result.stderr
    listed = run("superbills", "list", "--json")
    assert [row["patient_name"] for row in json.loads(listed.stdout)] == ["Ana Diaz", "Bo Lee"]
    only = json.loads(run("superbills", "list", "--json", "--patient", "ana").stdout)
    assert [(row["id"], row["first_date"], row["last_date"], row["total_paid"]) for row in only] == [
        (first, "2026-11-02", "2026-11-05", "1050.00")
    ]
    table = run("superbills", "list")
    assert table.exit_code == 0 and first in table.stdout and "Bo Lee" in table.stdout


def test_the_register_never_changes_a_saved_superbill(run: Run, tmp_path: Path) -> None:
    superbill_ok(run, "-t", "iv", *TWO)
    path = Path(os.environ["KETACOST_STORE"])
    with sqlite3.connect(path) as db:
        with pytest.raises(sqlite3.DatabaseError, match="never changed"):
            db.execute("UPDATE superbills SET total_paid = '0'")
        with pytest.raises(sqlite3.DatabaseError, match="never deleted"):
            db.execute("DELETE FROM superbills")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_older_register_gets_the_superbills_table_and_keeps_its_quotes(run: Run) -> None:
    quote = run("quote", "--patient", "Ana Diaz", "--dob", "1984-03-02")
    assert quote.exit_code == 0, quote.stderr
    path = Path(os.environ["KETACOST_STORE"])
    with sqlite3.connect(path) as db:  # as a register made before superbills: no table, no triggers
        db.execute("DROP TRIGGER superbills_never_updated")
        db.execute("DROP TRIGGER superbills_never_deleted")
        db.execute("DROP TABLE superbills")
    assert json.loads(run("superbills", "list", "--json").stdout) == []  # read-only: nothing to list yet
    superbill_ok(run, "-t", "iv", *TWO)
    assert len(json.loads(run("superbills", "list", "--json").stdout)) == 1
    assert len(json.loads(run("quotes", "list", "--format", "json").stdout)) == 1


def test_sessions_from_a_csv(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sessions.csv").write_text(
        "date,paid,place_of_service\n2026-11-02,600.00,11\n2026-11-09,,02\n", encoding="utf-8"
    )
    superbill_ok(run, "-t", "iv", "--sessions-csv", "sessions.csv", "--json", "sb.json")
    services = json.loads((tmp_path / "sb.json").read_text(encoding="utf-8"))["services"]
    assert [(s["date"], s["place_of_service"], s["paid"]) for s in services] == [
        ("2026-11-02", "11", "370.00"),
        ("2026-11-02", "11", "230.00"),
        ("2026-11-09", "02", "370.00"),  # nothing given: paid in full
        ("2026-11-09", "02", "230.00"),
    ]


def test_per_course_add_on_only_on_the_first_session(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    superbill_ok(run, "-t", "iv", "--add-on", "consultation", *TWO, "--json", "sb.json")
    codes = [(s["date"], s["code"]) for s in json.loads((tmp_path / "sb.json").read_text("utf-8"))["services"]]
    assert codes.count(("2026-11-02", "99204")) == 1 and ("2026-11-05", "99204") not in codes


def test_a_code_with_alternatives_gives_its_first(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    superbill_ok(run, "-t", "spravato", "--session", "2026-11-02", "--json", "sb.json")
    (line,) = json.loads((tmp_path / "sb.json").read_text("utf-8"))["services"]
    assert (line["code"], Decimal(line["charge"])) == ("G2082", Decimal("885.00"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--session", "2026-12-01"), "--session: 2026-12-01 is in the future"),
        (("--session", "2026-11-02=abc"), "--session: 'abc'"),
        (("--session", "2026-11-02=700"), "session 2026-11-02: paid 700.00 is more than its charge 600.00"),
        ((), "--session: give at least one session"),
        (("--session", "2026-11-02", "--place", "22"), "--place: '22' must be one of 11, 02, 10"),
        (("--session", "2026-11-02", "--modifier", "96365"), "--modifier: '96365' must be CODE=MOD"),
        (("--session", "2026-11-02", "--modifier", "99999=95"), "--modifier: 99999 is not a code of this superbill"),
        (("--session", "2026-11-02", "--diagnosis", "F99.99"), "--diagnosis: no description known for F99.99"),
        (("--session", "2026-11-02", "--diagnosis", "nope"), "--diagnosis: 'nope' is not an ICD-10-CM code"),
        (("--session", "2026-11-02", "-t", "nope"), "--treatment: unknown treatment 'nope'"),
        (("--session", "2026-11-02", "--add-on", "spa"), "--add-on: unknown add-on for iv 'spa'"),
        (("--sessions-csv", "missing.csv"), "missing.csv: cannot read"),
    ],
)
def test_bad_input_exits_2_and_saves_nothing(run: Run, args: tuple[str, ...], message: str) -> None:
    result = run("superbill", *PATIENT, *args)
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads(run("superbills", "list", "--json").stdout) == []


def test_a_bad_csv_names_its_line(run: Run, tmp_path: Path) -> None:
    sessions = tmp_path / "s.csv"
    sessions.write_text("date,paid\n2026-11-02,10\n2026-13-01,5\n", encoding="utf-8")
    result = run("superbill", *PATIENT, "--sessions-csv", str(sessions))
    assert result.exit_code == 2
    assert f"{sessions}:3: '2026-13-01' is not a real calendar date" in result.stderr


def test_an_output_may_not_replace_the_register(run: Run) -> None:
    result = run("superbill", *PATIENT, *TWO, "--json", os.environ["KETACOST_STORE"])
    assert result.exit_code == 2
    assert "--json" in result.stderr


def test_an_unknown_superbill_is_bad_input(run: Run) -> None:
    superbill_ok(run, *TWO)
    result = run("superbills", "show", "S-20261127-ZZZZ")
    assert result.exit_code == 2
    assert "no superbill S-20261127-ZZZZ in the register" in result.stderr


def test_no_save_keeps_nothing(run: Run) -> None:
    result = run("superbill", *PATIENT, *TWO, "--no-save")
    assert result.exit_code == 0, result.stderr
    assert "not saved (--no-save)" in result.stderr
    assert json.loads(run("superbills", "list", "--json").stdout) == []


def test_the_installed_entry_point_issues_and_reprints(tmp_path: Path) -> None:
    env = {**os.environ, "KETACOST_STORE": str(tmp_path / "reg.sqlite3"), "HOME": str(tmp_path)}
    today = dt.date.today()
    day = (today - dt.timedelta(days=3)).isoformat()
    done = subprocess.run(
        [installed_ketacost(), "superbill", *PATIENT, "-t", "iv", "--session", f"{day}=600", "--json", "a.json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    superbill_id = issued(done.stderr)
    assert "Total charged: 600.00" in done.stdout
    again = subprocess.run(
        [installed_ketacost(), "superbills", "show", superbill_id, "--json", "b.json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_a_diagnosis_the_sheet_describes_takes_the_sheets_words(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sheet_text: str, write_sheet: Callable[[str], Path]
) -> None:
    """The clinic's own ``[[diagnoses]]`` describe a code for the superbill as for the GFE: the built-in sheet's
    F32.A was refused ("no description known"), and the sheet's wording comes before ketacost's own list."""
    monkeypatch.chdir(tmp_path)
    superbill_ok(run, "-t", "iv", "--session", "2026-11-02", "--diagnosis", "F32.A", "--json", "a.json")
    assert json.loads(Path("a.json").read_text(encoding="utf-8"))["diagnoses"] == [
        {"code": "F32.A", "description": "Depression, unspecified"}
    ]
    sheet = write_sheet(
        sheet_text + '\n[[diagnoses]]\ncode = "F41.1"\ndescription = "Anxiety, as the clinic words it"\n'
    )
    result = run(
        "--pricing",
        str(sheet),
        "superbill",
        *PATIENT,
        "-t",
        "iv",
        "--session",
        "2026-11-02",
        "--diagnosis",
        "F41.1",
        "--json",
        "b.json",
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(Path("b.json").read_text(encoding="utf-8"))["diagnoses"] == [
        {"code": "F41.1", "description": "Anxiety, as the clinic words it"}
    ]
