"""Hostile text in a price sheet or a patient's name is harmless in every export ketacost writes.

- CSV: no text cell of any CSV (estimate, batch, schedule, quotes list, quotes check) starts with a character a
  spreadsheet runs as a formula (= + - @ tab CR LF); such text gets a leading apostrophe.
- HTML (the Good Faith Estimate page): markup in names is escaped, never run.
- Markdown: markup is escaped, and a name cannot add or break a table's cells.
- Terminal: escape sequences (clear screen, set the window title, 8-bit CSI) and control characters (BEL,
  backspace, CR) from the sheet never reach the terminal: not in the plain text written to a pipe, not in the Rich
  output (FORCE_COLOR=1), not in error messages.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Run

# Clear the screen, set the window title (OSC ... BEL), backspace, carriage return, an 8-bit CSI (C1) sequence.
TERMINAL = "\x1b[2J\x1b]0;pwned\x07\x08\r\x9b31m"
MARKUP = '<script>alert(1)</script> "><img src=x onerror=alert(1)> & |pipe| *star* [link](javascript:x)'
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def hostile(start: str, marker: str) -> str:
    """Text that starts like a formula, then a marker to find it by, terminal escapes and markup."""
    return f"{start}{marker}{TERMINAL}{MARKUP}"


def toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's; DEL must be escaped too)."""
    return json.dumps(text).replace("\x7f", "\\u007f")


# (what the default sheet says, the hostile text that replaces it): names, notes, descriptions, line items.
REPLACEMENTS = [
    ('name = "IV ketamine infusion"', hostile("=", "TREATMENT")),
    ('unit = "infusion"', "+UNIT" + TERMINAL),
    ('frequency = "2-3 infusions a week"', hostile("-", "FREQUENCY")),
    ('note = "Off-label for depression; insurance rarely pays."', hostile("@", "TNOTE")),
    ('"Ongoing psychiatric care or psychotherapy with your own providers"', hostile("=", "SEPARATE")),
    ('description = "IV infusion, up to 1 hour, with monitoring"', hostile("@", "ITEM")),
    ('description = "Ketamine (the drug)"', hostile("-", "DRUG")),
    ('name = "Initial consultation"', hostile("+", "ADDON")),
    ('description = "New-patient consultation and evaluation (45-59 minutes)"', hostile("=", "CONSULT")),
    ('name = "Example Ketamine Clinic"', hostile("=", "CLINIC")),
    ('contact = "the front desk, (555) 010-0100, frontdesk@example.com"', hostile("+", "CONTACT")),
    ('name = "Jane Example, MD (psychiatry)"', hostile("@", "DOCTOR")),
    ('name = "Self-pay, in full"', hostile("=", "SELFPAY")),
    ('name = "HSA (pre-tax)"', hostile("+", "HSA")),
    ('name = "Health FSA (pre-tax)"', hostile("-", "FSA")),
    ('name = "Medical loan"', hostile("@", "LOAN")),
    ('name = "Clinic payment plan"', hostile("\t=", "PLAN")),  # names are stripped: the = is what is left
    ('name = "Card: 12 mo no interest"', hostile("\r=", "CARD")),
    ('name = "Card: 24 payments"', hostile("\n=", "CARD24")),
    ('name = "Card: 60 payments"', hostile("=", "CARD60")),
    ('name = "Health insurance"', hostile("+", "INSURANCE")),
    ('name = "VA coverage (eligible veterans)"', hostile("-", "VA")),
    ('note = "Example terms: replace with the lender\'s own."', hostile("=", "ONOTE")),
]
PATIENTS = ['=HYPERLINK("http://evil.example","click")', "+1+1 Ana", "-2+3 Ben", "@SUM(A1) Cy", MARKUP.strip()]


@pytest.fixture
def hostile_sheet(tmp_path: Path, sheet_text: str) -> Path:
    text = sheet_text
    for old, new in REPLACEMENTS:
        assert old in text, old
        key, _, _ = old.partition(" = ")
        text = text.replace(old, f"{key} = {toml_string(new)}" if " = " in old else toml_string(new), 1)
    coverage = f"coverage_note = {toml_string(hostile('=', 'COVERAGE'))}"
    text = re.sub(r'coverage_note = """.*?"""', lambda _: coverage, text, count=1, flags=re.S)
    path = tmp_path / "hostile.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_hostile_sheet_is_a_valid_sheet(run: Run, hostile_sheet: Path) -> None:
    result = run("pricing", "validate", str(hostile_sheet))
    assert result.exit_code == 0, result.stderr


@pytest.fixture
def quotes(run: Run, hostile_sheet: Path) -> list[str]:
    """A quote for each hostile patient name, on the hostile sheet."""
    ids = []
    for patient in PATIENTS:
        result = run(
            "--pricing",
            str(hostile_sheet),
            "quote",
            "--patient",
            patient,
            "--dob",
            "1984-03-02",
            "--add-on",
            "consultation",
        )
        assert result.exit_code == 0, result.stderr
        ids.append(re.search(r"Quote (Q-[0-9]{8}-[0-9A-Z]{4}) ", result.stderr).group(1))  # type: ignore[union-attr]
    return ids


# --- CSV: formula injection ------------------------------------------------------------------------------------

NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def cells(text: str) -> Iterator[str]:
    for row in csv.reader(io.StringIO(text)):
        yield from row


def assert_defused(text: str, markers: list[str]) -> None:
    """No cell could run as a formula, and each marker's text is there, defused with a leading apostrophe."""
    every = list(cells(text))
    assert every, "no CSV output"
    dangerous = [cell for cell in every if cell.startswith(FORMULA_STARTS) and not NUMBER.match(cell)]
    assert not dangerous, dangerous
    for marker in markers:
        assert any(cell.startswith("'") and marker in cell for cell in every), f"{marker} missing from the CSV"


def test_estimate_csv_defuses_every_text_cell(run: Run, hostile_sheet: Path) -> None:
    for treatment in ("iv", "spravato"):  # spravato: insurance applies; iv: its reason names the treatment
        result = run("--pricing", str(hostile_sheet), "estimate", "-t", treatment, "-f", "csv")
        assert result.exit_code == 0, result.stderr
        markers = ["SELFPAY", "HSA", "FSA", "LOAN", "PLAN", "CARD", "CARD24", "INSURANCE"]
        assert_defused(result.stdout, [*markers, "TREATMENT"] if treatment == "iv" else markers)


def test_batch_csv_defuses_every_text_cell_error_records_included(
    run: Run, hostile_sheet: Path, tmp_path: Path
) -> None:
    (tmp_path / "s.csv").write_text("treatment,sessions,price\niv,6,\n=cmd,6,\niv,+6,\nspravato,8,-1\n")
    result = run("--pricing", str(hostile_sheet), "estimate", "--input", "s.csv")
    assert result.exit_code == 2  # two scenarios fail (=cmd, -1): error records
    assert_defused(result.stdout, ["SELFPAY", "LOAN", "CARD", "TREATMENT"])
    assert "=cmd" in result.stdout


def test_schedule_csv_has_only_numbers_and_dates(run: Run, hostile_sheet: Path) -> None:
    for option in ("medical_loan", "clinic_plan", "care_card", "va"):
        result = run("--pricing", str(hostile_sheet), "schedule", "-o", option, "-f", "csv", "--start", "2027-01-31")
        assert result.exit_code == 0, result.stderr
        header, *rows = list(csv.reader(io.StringIO(result.stdout)))
        if option == "va":  # paid at each visit: a row per visit (issue 12)
            assert header == ["visit", "week", "date", "paid_at_visit", "left_to_pay"]
            rows = [[row[0], row[2], *row[1:2], *row[3:], ""] for row in rows]  # the date second, as below
        else:
            assert header == ["month", "date", "payment", "interest", "principal", "fees", "balance", "event"]
        assert rows
        for row in rows:
            assert re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", row[1])
            assert all(NUMBER.match(cell) for cell in row[:1] + row[2:-1]), row
            assert row[-1] in ("", "loan", "fee", "deferred_interest"), row


def test_quotes_list_csv_defuses_patient_names_and_services(run: Run, quotes: list[str]) -> None:
    result = run("quotes", "list", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert_defused(result.stdout, ["HYPERLINK", "+1+1 Ana", "-2+3 Ben", "@SUM(A1) Cy", "TREATMENT"])


def test_quotes_check_csv_defuses_provider_names(run: Run, quotes: list[str]) -> None:
    result = run("quotes", "check", quotes[0], "--billed", "clinic=9000", "--billed", "physician=1", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert_defused(result.stdout, ["CLINIC", "DOCTOR"])


# --- HTML -------------------------------------------------------------------------------------------------------


def test_gfe_html_escapes_markup_from_the_sheet_and_the_patient(run: Run, hostile_sheet: Path, tmp_path: Path) -> None:
    result = run(
        *("--pricing", str(hostile_sheet), "quote", "--patient", MARKUP.strip(), "--dob", "1984-03-02"),
        *("--add-on", "consultation", "--html", "gfe.html"),
    )
    assert result.exit_code == 0, result.stderr
    quote_id = re.search(r"Quote (Q-[0-9]{8}-[0-9A-Z]{4}) ", result.stderr).group(1)  # type: ignore[union-attr]
    again = run("quotes", "show", quote_id, "--html", "again.html")
    assert again.exit_code == 0, again.stderr
    for name in ("gfe.html", "again.html"):
        page = (tmp_path / name).read_text(encoding="utf-8")
        assert "<script" not in page.lower() and "<img" not in page.lower()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
        assert " &amp; |pipe|" in page
        assert MARKUP.strip() in visible_text(page)  # shown as typed
        for marker in ("TREATMENT", "CLINIC", "DOCTOR", "ITEM", "DRUG", "CONSULT", "SEPARATE", "LOAN"):
            assert marker in page, marker


def visible_text(page: str) -> str:
    """The text a browser shows: style and tags removed, entities decoded, whitespace collapsed."""
    without_style = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", without_style)).split())


# --- Markdown ---------------------------------------------------------------------------------------------------

UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def assert_markdown_safe(text: str) -> None:
    """No raw markup from a name, and every table row has as many cells as its header."""
    assert not re.search(r"(?<!\\)<", text), "an unescaped < (raw HTML)"
    assert "](javascript" not in text
    assert "\\<script\\>" in text
    columns = None
    for line in text.splitlines():
        if not line.startswith("|"):
            columns = None
            continue
        count = len(UNESCAPED_PIPE.findall(line))
        columns = columns or count
        assert count == columns, line


def test_markdown_outputs_escape_markup_and_keep_tables_whole(
    run: Run, hostile_sheet: Path, tmp_path: Path, quotes: list[str]
) -> None:
    sheet = ("--pricing", str(hostile_sheet))
    outputs = [
        run(*sheet, "estimate", "-f", "markdown").stdout,
        run(*sheet, "schedule", "-o", "medical_loan", "-f", "markdown").stdout,
        run("quotes", "list", "-f", "markdown").stdout,
        run("quotes", "check", quotes[-1], "--billed", "clinic=9000", "-f", "markdown").stdout,
    ]
    assert run("quotes", "show", quotes[-1], "--markdown", "gfe.md").exit_code == 0
    outputs.append((tmp_path / "gfe.md").read_text(encoding="utf-8"))
    for text in outputs:
        assert_markdown_safe(text)


# --- terminal ---------------------------------------------------------------------------------------------------

# Rich's own styling (with FORCE_COLOR) is SGR only: ESC [ ... m. Anything else is a leak.
RICH_STYLE = re.compile(r"\x1b\[[0-9;]*m")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def assert_terminal_safe(text: str, color: bool, *, literals: bool = False) -> None:
    """No control character but newline (and Rich's own styling); whole escape sequences removed, not only their
    control characters (``literals``: values are shown as TOML spells them, escapes and all, e.g. \\u001b[2J)."""
    visible = RICH_STYLE.sub("", text) if color else text
    leaked = sorted({repr(char) for char in CONTROL.findall(visible)})
    assert not leaked, f"control characters reach the terminal: {leaked}"
    if literals:
        assert "\\u001b[2J\\u001b]0;pwned\\u0007" in visible
        return
    for rest in ("[2J", "0;pwned", "31m"):
        assert rest not in visible, rest


TERMINAL_COMMANDS = {
    "estimate": ("estimate",),
    "estimate --timeline -t spravato": ("estimate", "--timeline", "-t", "spravato", "--budget", "100"),
    "estimate markdown": ("estimate", "-f", "markdown"),
    "schedule": ("schedule", "-o", "medical_loan", "--start", "2027-01-31"),
    "schedule minimum-only": ("schedule", "-o", "care_card", "--minimum-only"),
    "schedule markdown": ("schedule", "-o", "clinic_plan", "-f", "markdown"),
    "schedule not available": ("schedule", "-o", "insurance"),
    "quote preview": ("quote", "--patient", "Ana Diaz", "--dob", "1984-03-02", "--add-on", "consultation"),
    "pricing show": ("pricing", "show"),
}


@pytest.mark.parametrize("color", [False, True], ids=["piped", "FORCE_COLOR"])
@pytest.mark.parametrize("command", sorted(TERMINAL_COMMANDS))
def test_sheet_text_never_sends_control_characters_to_the_terminal(
    run: Run, hostile_sheet: Path, command: str, color: bool
) -> None:
    result = run(
        "--pricing", str(hostile_sheet), *TERMINAL_COMMANDS[command], env={"FORCE_COLOR": "1" if color else ""}
    )
    assert result.exit_code in (0, 2), result.stderr
    assert_terminal_safe(result.stdout, color)
    assert_terminal_safe(result.stderr, color)
    shown = result.stdout + result.stderr
    assert re.search(r"TREATMENT|LOAN|CARD|INSURANCE|PLAN", shown), shown  # the hostile text was printed


@pytest.mark.parametrize("color", [False, True], ids=["piped", "FORCE_COLOR"])
def test_the_quote_register_views_never_send_control_characters(
    run: Run, hostile_sheet: Path, quotes: list[str], color: bool
) -> None:
    env = {"FORCE_COLOR": "1" if color else ""}
    for args in (
        ("quotes", "list"),
        ("quotes", "list", "-f", "markdown"),
        ("quotes", "show", quotes[0]),
        ("quotes", "check", quotes[0], "--billed", "clinic=9000", "--billed", "physician=100"),
        ("quotes", "check", quotes[0], "--billed", "clinic=9000", "-f", "markdown"),
    ):
        result = run(*args, env=env)
        assert result.exit_code == 0, (args, result.stderr)
        assert_terminal_safe(result.stdout, color)
        assert_terminal_safe(result.stderr, color)
        assert "TREATMENT" in result.stdout or "CLINIC" in result.stdout, args


@pytest.mark.parametrize("color", [False, True], ids=["piped", "FORCE_COLOR"])
def test_pricing_diff_never_sends_control_characters(
    run: Run, hostile_sheet: Path, color: bool, tmp_path: Path
) -> None:
    plain = tmp_path / "plain.toml"
    plain.write_text(Path(__file__).resolve().parent.parent.joinpath("pricing.toml").read_text(encoding="utf-8"))
    result = run("pricing", "diff", str(plain), str(hostile_sheet), env={"FORCE_COLOR": "1" if color else ""})
    assert result.exit_code == 6, result.stderr  # they differ
    assert "TREATMENT" in result.stdout
    assert_terminal_safe(result.stdout, color, literals=True)


def test_patient_names_with_control_characters_are_refused_not_printed(run: Run) -> None:
    for name in ("Ana\x1b[2JDiaz", "Ana\x1b]0;pwned\x07", "Ana\x08\x08\x08Bob", "Ana\rBob", "Ana\x9b31mDiaz"):
        result = run("quote", "--patient", name, "--dob", "1984-03-02", "--no-save")
        assert result.exit_code == 2
        assert result.stdout == ""
        assert "--patient: contains a control character" in result.stderr
        assert_terminal_safe(result.stderr, color=False)
