"""``ketacost pricing``: what a clinic scripting its price sheet sees, and every way each command refuses."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ketacost.sheet.load import EMBEDDED
from tests.conftest import ROOT, Run

OLD_LINE = "price = { low = 400.00, typical = 600.00, high = 1000.00 }"
ITEM_LINE = "price = { low = 250.00, typical = 370.00, high = 600.00 }"  # the IV's first line item
APR_LINE = "apr = 17.99                       # EXAMPLE: personal/medical loans run about 6-36% APR"
OPTIONS = tomllib.loads((ROOT / "pricing.toml").read_text(encoding="utf-8"))["options"]
COUNTS = f"5 treatments, {len(OPTIONS)} payment options"


@pytest.fixture
def local_sheet(tmp_path: Path, sheet_text: str) -> Path:
    """A copy of the repository's pricing.toml as ./pricing.toml, the sheet that discovery finds."""
    path = tmp_path / "pricing.toml"
    path.write_text(sheet_text, encoding="utf-8")
    return path


@pytest.fixture
def local_v1_sheet(tmp_path: Path, sheet_v1_text: str) -> Path:
    """The same, as the built-in sheet was in schema version 1 (prices on treatments and their line items)."""
    path = tmp_path / "pricing.toml"
    path.write_text(sheet_v1_text, encoding="utf-8")
    return path


def line_col(text: str, needle: str) -> tuple[int, int]:
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(needle)


# --- validate ---------------------------------------------------------------------------------------------------


def test_validate_prints_one_ok_line_per_sheet(run: Run, local_sheet: Path, write_sheet: Callable[..., Path]) -> None:
    other = write_sheet(local_sheet.read_text(), "other.toml")
    result = run("pricing", "validate")
    assert (result.exit_code, result.stdout) == (0, f"pricing.toml: OK ({COUNTS})\n")
    both = run("pricing", "validate", "pricing.toml", str(other))
    assert both.stdout.splitlines() == [
        f"pricing.toml: OK ({COUNTS})",
        f"{other}: OK ({COUNTS})",
    ]


def test_validate_reports_a_misspelt_key_and_a_wrong_type_each_at_its_true_position(
    run: Run, sheet_text: str, write_sheet: Callable[..., Path]
) -> None:
    text = sheet_text.replace("term_months = 24", "term_mnths = 24").replace(
        "copay_per_session = 50.00", 'copay_per_session = "fifty"'
    )
    bad = write_sheet(text, "bad.toml")
    good = write_sheet(sheet_text, "good.toml")
    result = run("pricing", "validate", "bad.toml", "good.toml")
    assert result.exit_code == 2
    typo_line, typo_col = line_col(text, "term_mnths")
    type_line, type_col = line_col(text, "copay_per_session")
    assert f"bad.toml:{typo_line}:{typo_col}: options.medical_loan.term_mnths: unknown key" in result.stderr
    assert f"bad.toml:{type_line}:{type_col}: options.va.copay_per_session: " in result.stderr
    assert result.stdout == f"good.toml: OK ({COUNTS})\n"
    assert bad.exists() and good.exists()


def test_validate_missing_file_exits_2(run: Run) -> None:
    result = run("pricing", "validate", "nope.toml")
    assert (result.exit_code, result.stderr) == (2, "nope.toml: no such file\n")


# --- show and get -----------------------------------------------------------------------------------------------


def test_show_table_lists_treatments_options_and_tax(run: Run) -> None:
    result = run("pricing", "show")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("Price sheet: built-in default, effective 2026-11-01\n")
    assert "iv *: IV ketamine infusion (per" in out
    assert "1,050.00" in out
    words = " ".join(out.split())  # the terms column wraps to fit 80 columns
    assert "medical_loan: Medical loan loan 17.99% APR, 24 months, 5% fee deducted" in words
    assert "50.00 copay per session, only iv, spravato" in words
    assert "Tax year 2026: HSA 4,400.00 self-only" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_show_json_has_every_value_with_defaults_and_money_as_strings(run_json: Callable[..., Any]) -> None:
    document = run_json("pricing", "show")
    assert document["source"] == "built-in default"
    sheet = document["sheet"]
    assert sheet["treatments"]["iv"]["price"] == {"low": "400.00", "typical": "600.00", "high": "1000.00"}
    assert sheet["options"]["medical_loan"]["apr"] == "17.99"
    assert sheet["options"]["hsa"]["catch_up"] is False  # a default, not written in the sheet
    assert sheet["effective"] == "2026-11-01"


def test_show_toml_is_the_file_itself(run: Run, local_sheet: Path) -> None:
    assert run("pricing", "show", "--format", "toml").stdout == local_sheet.read_text()


def test_show_refuses_a_broken_sheet(run: Run, sheet_text: str, write_sheet: Callable[..., Path]) -> None:
    write_sheet(sheet_text.replace("year = 2026", "year = 1900"), "pricing.toml")
    result = run("pricing", "show")
    assert result.exit_code == 2
    assert (
        "pricing.toml:" in result.stderr and "tax.year: input should be greater than or equal to 2000" in result.stderr
    )


@pytest.mark.parametrize(
    ("key", "printed"),
    [
        ("treatments.iv.price.high", "1000.00\n"),
        ("options.medical_loan.apr", "17.99\n"),
        ("treatments.iv.name", "IV ketamine infusion\n"),  # bare: no quotes, ready for $(...)
        ("effective", "2026-11-01\n"),
        ("options.fsa.payroll", "true\n"),
        ("options.hsa.catch_up", "false\n"),  # the schema's default
        ("options.va.treatments", "iv\nspravato\n"),  # one per line, for `for t in $(...)`
        ("treatments.iv.price", "low = 400.00\ntypical = 600.00\nhigh = 1000.00\n"),
    ],
)
def test_get_prints_the_bare_value(run: Run, key: str, printed: str) -> None:
    result = run("pricing", "get", key)
    assert (result.exit_code, result.stdout, result.stderr) == (0, printed, "")


def test_get_a_table_as_key_value_lines_is_itself_toml(run: Run) -> None:
    import tomllib

    out = run("pricing", "get", "treatments.kap").stdout
    assert "add_ons.integration.price.low = 150.00" in out
    assert tomllib.loads(out)["add_ons"]["integration"]["per"] == "session"


def test_get_json_for_tables_and_arrays(run: Run) -> None:
    assert json.loads(run("pricing", "get", "treatments.iv.price", "-f", "json").stdout) == {
        "low": "400.00",
        "typical": "600.00",
        "high": "1000.00",
    }
    assert json.loads(run("pricing", "get", "options.va.treatments", "--format", "json").stdout) == ["iv", "spravato"]
    assert json.loads(run("pricing", "get", "tax.year", "--format", "json").stdout) == 2026


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (
            "treatments.iv.price.hihg",
            "unknown key 'treatments.iv.price.hihg' (did you mean 'treatments.iv.price.high'?)",
        ),
        ("treatments.ivv.name", "unknown key 'treatments.ivv.name' (did you mean 'treatments.iv.name'?)"),
        ("options.clinic_plan.down_payment", "options.clinic_plan.down_payment: not set in this sheet"),
        ("treatments.new.name", "treatments.new.name: not set in this sheet (treatments.new is not)"),
        ("", "'' is not a key (expected a dotted key such as treatments.iv.price.high)"),
    ],
)
def test_get_unknown_or_unset_key_exits_2(run: Run, key: str, message: str) -> None:
    result = run("pricing", "get", key)
    assert result.exit_code == 2
    assert result.stderr == message + "\n"
    assert result.stdout == ""


# --- set --------------------------------------------------------------------------------------------------------


def test_set_changes_exactly_one_line_and_get_prints_the_new_value(
    run: Run, local_sheet: Path, sheet_text: str
) -> None:
    result = run("pricing", "set", "options.medical_loan.apr=15.99")
    assert (result.exit_code, result.stdout) == (0, "options.medical_loan.apr: 17.99 -> 15.99\n")
    old_lines, new_lines = sheet_text.splitlines(), local_sheet.read_text().splitlines()
    differing = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert differing == [(APR_LINE, APR_LINE.replace("17.99", "15.99"))]
    assert run("pricing", "get", "options.medical_loan.apr").stdout == "15.99\n"


def test_set_a_price_with_its_line_items_changes_exactly_those_lines(
    run: Run, local_v1_sheet: Path, sheet_v1_text: str
) -> None:
    result = run("pricing", "set", "treatments.iv.price.high=950", "treatments.iv.line_items.0.price.high=550")
    assert result.exit_code == 0, result.stderr
    old_lines, new_lines = sheet_v1_text.splitlines(), local_v1_sheet.read_text().splitlines()
    differing = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert differing == [
        (OLD_LINE, "price = { low = 400.00, typical = 600.00, high = 950 }"),
        (ITEM_LINE, "price = { low = 250.00, typical = 370.00, high = 550 }"),
    ]
    assert run("pricing", "get", "treatments.iv.price.high").stdout == "950\n"


def test_set_a_price_alone_is_refused_when_its_line_items_would_not_add_up(run: Run, local_v1_sheet: Path) -> None:
    before = local_v1_sheet.read_bytes()
    result = run("pricing", "set", "treatments.iv.price.high=950")
    assert result.exit_code == 2
    assert "treatments.iv.line_items: line items add up to 1000.00 at the high price" in result.stderr
    assert local_v1_sheet.read_bytes() == before


def test_set_keeps_money_exact_and_sets_several_keys_at_once(run: Run, local_v1_sheet: Path) -> None:
    result = run(
        "pricing",
        "set",
        "treatments.iv.price.high=950.50",
        "treatments.iv.line_items.0.price.high=550.50",
        "options.medical_loan.term_months=36",
    )
    assert result.exit_code == 0, result.stderr
    assert run("pricing", "get", "treatments.iv.price.high").stdout == "950.50\n"
    assert run("pricing", "get", "options.medical_loan.term_months").stdout == "36\n"
    loan = json.loads(run("estimate", "--option", "medical_loan", "-f", "json").stdout)["options"][0]
    assert loan["typical"]["months"] == 36


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("treatments.iv.price.high=100", "treatments.iv.price.low: must not exceed high (400.00 > 100)"),
        ("treatments.iv.price.high=abc", "treatments.iv.price.high: 'abc' is not a TOML value"),
        ("treatments.iv.price.high=950.555", "decimal input should have no more than 2 decimal places"),
        ('options.medical_loan.term_months="36"', 'term_months: "36" is text, but this is a number'),
        ("treatments.iv.price.hgih=950", "(did you mean 'treatments.iv.price.high'?)"),
        ('default_treatment="ivv"', "default_treatment: 'ivv' is not a treatment"),
        ("treatments.iv.price.high", "expected KEY=VALUE"),
    ],
)
def test_set_refuses_bad_edits_leaving_the_file_byte_identical(
    run: Run, local_v1_sheet: Path, assignment: str, message: str
) -> None:
    before = local_v1_sheet.read_bytes()
    result = run("pricing", "set", "tax.year=2027", assignment)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""
    assert local_v1_sheet.read_bytes() == before


def test_set_says_the_file_was_not_changed_when_the_edit_breaks_a_rule(run: Run, local_v1_sheet: Path) -> None:
    result = run("pricing", "set", "treatments.iv.price.high=100")
    number, _ = line_col(local_v1_sheet.read_text(), OLD_LINE)
    assert result.stderr.splitlines() == [
        f"pricing.toml:{number}:11: treatments.iv.price.low: must not exceed high (400.00 > 100)",
        "pricing.toml: not changed: the edit would leave the sheet invalid",
    ]


def test_set_dry_run_prints_a_unified_diff_and_writes_nothing(run: Run, local_sheet: Path) -> None:
    before = local_sheet.read_bytes()
    result = run("pricing", "set", "--dry-run", "options.medical_loan.apr=15.99")
    assert result.exit_code == 0
    assert result.stdout.startswith("--- a/pricing.toml\n+++ b/pricing.toml\n@@ ")
    assert f"-{APR_LINE}\n+{APR_LINE.replace('17.99', '15.99')}\n" in result.stdout
    assert local_sheet.read_bytes() == before


def test_set_never_edits_the_built_in_sheet(run: Run) -> None:
    before = EMBEDDED.read_bytes()
    result = run("pricing", "set", "tax.year=2027")
    assert result.exit_code == 2
    assert "the built-in sheet is never edited; run `ketacost pricing init`" in result.stderr
    assert EMBEDDED.read_bytes() == before


def test_set_edits_the_sheet_named_by_the_environment_or_the_option(
    run: Run, sheet_text: str, write_sheet: Callable[..., Path]
) -> None:
    by_env = write_sheet(sheet_text, "env.toml")
    by_option = write_sheet(sheet_text, "opt.toml")
    assert run("pricing", "set", "tax.year=2027", env={"KETACOST_PRICING": str(by_env)}).exit_code == 0
    assert run("--pricing", str(by_option), "pricing", "set", "tax.year=2028").exit_code == 0
    assert run("pricing", "set", "--pricing", str(by_option), "tax.fica_rate=7.70").exit_code == 0
    assert "year = 2027" in by_env.read_text()
    assert "year = 2028" in by_option.read_text() and "fica_rate = 7.70 " in by_option.read_text()


def test_set_keeps_the_file_mode(run: Run, local_sheet: Path) -> None:
    local_sheet.chmod(0o640)
    assert run("pricing", "set", "tax.year=2027").exit_code == 0
    assert stat.S_IMODE(local_sheet.stat().st_mode) == 0o640


def test_set_exits_3_while_another_writer_holds_the_lock(run: Run, local_sheet: Path) -> None:
    code = (
        "import sys, time, filelock; lock = filelock.FileLock(sys.argv[1]); lock.acquire(); "
        "print(1, flush=True); time.sleep(30)"
    )
    holder = subprocess.Popen([sys.executable, "-c", code, f"{local_sheet}.lock"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "1\n"
        before = local_sheet.read_bytes()
        result = run("pricing", "set", "--lock-timeout", "0.2", "tax.year=2027")
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 3
    assert result.stderr == (
        "pricing.toml: locked by another writer (pricing.toml.lock); nothing written. "
        "Try again, or wait longer with --lock-timeout.\n"
    )
    assert local_sheet.read_bytes() == before


def test_set_exits_3_when_the_file_changes_on_disk_meanwhile(
    run: Run, local_sheet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ketacost.sheet import edit

    real = edit.set_values
    saved_by_hand = local_sheet.read_text().replace("year = 2026", "year = 2030")

    def slow_set(*args: Any) -> edit.Edit:
        local_sheet.write_text(saved_by_hand)  # someone saves in an editor while ketacost works
        return real(*args)

    monkeypatch.setattr(edit, "set_values", slow_set)
    result = run("pricing", "set", "options.medical_loan.apr=15.99")
    assert result.exit_code == 3
    assert "pricing.toml: changed on disk while this edit was being made; nothing written" in result.stderr
    assert local_sheet.read_text() == saved_by_hand


def test_set_without_assignments_is_a_usage_error(run: Run) -> None:
    assert run("pricing", "set").exit_code == 2


# --- scale ------------------------------------------------------------------------------------------------------


def test_scale_raises_prices_and_prints_each_change(run: Run, local_v1_sheet: Path) -> None:
    result = run("pricing", "scale", "--by", "3.5%", "--select", "treatments.*.price")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len([line for line in lines if ".line_items." not in line]) == 15
    assert "treatments.im.price.low: 275.00 -> 284.63 (+3.50%)" in lines
    assert "treatments.iv.price.high: 1000.00 -> 1035.00 (+3.50%)" in lines
    assert "treatments.iv.line_items.0.price.high: 600.00 -> 621.00 (+3.50%)" in lines  # split anew, adding up
    assert run("pricing", "get", "treatments.iv.price.high").stdout == "1035.00\n"
    assert run("pricing", "get", "treatments.iv.add_ons.consultation.price.high").stdout == "350.00\n"
    assert run("pricing", "validate").exit_code == 0


def test_scale_down_to_whole_dollars_including_add_ons_by_default(run: Run, local_v1_sheet: Path) -> None:
    result = run("pricing", "scale", "--by", "-10%", "--round", "1")
    assert result.exit_code == 0, result.stderr
    assert "treatments.oral.price.low: 129.00 -> 116.00 (-10.08%)" in result.stdout
    assert "treatments.iv.add_ons.consultation.price.high: 350.00 -> 315.00 (-10.00%)" in result.stdout
    assert run("pricing", "get", "options.va.copay_per_session").stdout == "50.00\n"


def test_scale_dry_run_shows_the_diff_only(run: Run, local_v1_sheet: Path) -> None:
    before = local_v1_sheet.read_bytes()
    result = run("pricing", "scale", "--by", "10%", "--select", "treatments.iv.price", "--dry-run")
    assert result.exit_code == 0
    assert "+price = { low = 440.00, typical = 660.00, high = 1100.00 }" in result.stdout
    assert local_v1_sheet.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--by", "3.5"), "--by: '3.5' needs a percent sign, e.g. 3.5% or -2%"),
        (("--by", "abc%"), "--by: 'abc%' is not a number"),
        (("--by", "-100%"), "must be more than -100%"),
        (("--by", "5%", "--select", "options.*.apr"), "--select 'options.*.apr' matches no amount of money"),
        (("--by", "5%", "--round", "0"), "--round: '0' must be more than 0"),
        (("--by", "300%", "--select", "treatments.iv.price.low"), "treatments.iv.price.low: must not exceed high"),
    ],
)
def test_scale_refuses_bad_input_and_writes_nothing(
    run: Run, local_v1_sheet: Path, args: tuple[str, ...], message: str
) -> None:
    before = local_v1_sheet.read_bytes()
    result = run("pricing", "scale", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert local_v1_sheet.read_bytes() == before


def test_scale_needs_by(run: Run, local_sheet: Path) -> None:
    assert run("pricing", "scale").exit_code == 2


# --- diff -------------------------------------------------------------------------------------------------------


def test_diff_exits_0_when_same_and_6_when_different(
    run: Run, sheet_text: str, write_sheet: Callable[..., Path]
) -> None:
    write_sheet(sheet_text, "a.toml")
    write_sheet(sheet_text.replace("# IRS limits", "# limits"), "b.toml")
    write_sheet(sheet_text.replace("apr = 17.99", "apr = 18.62").replace("treatments.oral", "treatments.rx"), "c.toml")
    same = run("pricing", "diff", "a.toml", "b.toml")
    assert (same.exit_code, same.stdout) == (0, "a.toml and b.toml: same prices and terms\n")
    different = run("pricing", "diff", "a.toml", "c.toml")
    assert different.exit_code == 6, different.stderr
    assert "renamed: treatments.oral -> treatments.rx" in different.stdout  # (issue 11: was added + removed)
    row = next(line for line in different.stdout.splitlines() if line.startswith("options.medical_loan.apr"))
    assert row.split() == ["options.medical_loan.apr", "17.99", "18.62", "+3.50%"]


def test_diff_json(run: Run, sheet_v1_text: str, write_sheet: Callable[..., Path]) -> None:
    write_sheet(sheet_v1_text, "a.toml")
    changed = sheet_v1_text.replace("fsa_limit = 3400.00", "fsa_limit = 3230").replace("apr = 17.99", "apr = 9.99")
    changed = changed.replace(ITEM_LINE, ITEM_LINE.replace("typical = 370.00", "typical = 369.99"), 1)
    changed = changed.replace(OLD_LINE, OLD_LINE.replace("typical = 600.00", "typical = 599.99"), 1)
    write_sheet(changed, "b.toml")
    result = run("pricing", "diff", "a.toml", "b.toml", "--format", "json")
    assert result.exit_code == 6, result.stderr  # they differ
    document = json.loads(result.stdout)
    assert document["same"] is False and document["added"] == [] and document["removed"] == []
    assert document["changed"] == [
        {"key": "tax.fsa_limit", "old": "3400.00", "new": "3230.00", "change_pct": "-5.00"},
        {"key": "treatments.iv.price.typical", "old": "600.00", "new": "599.99", "change_pct": "-0.00"},
        {"key": "treatments.iv.line_items.0.price.typical", "old": "370.00", "new": "369.99", "change_pct": "-0.00"},
        {"key": "options.medical_loan.apr", "old": "17.99", "new": "9.99", "change_pct": "-44.47"},
    ]


def test_diff_bad_input_exits_2_naming_every_problem(
    run: Run, sheet_text: str, write_sheet: Callable[..., Path]
) -> None:
    write_sheet(sheet_text.replace("year = 2026", "yaer = 2026"), "a.toml")
    result = run("pricing", "diff", "a.toml", "missing.toml")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[-1] == "missing.toml: no such file"
    assert any(line.startswith("a.toml:") and "tax.yaer: unknown key (did you mean 'year'?)" in line for line in lines)
    assert result.stdout == ""


# --- schema and init --------------------------------------------------------------------------------------------


def test_schema_prints_the_committed_schema(run: Run) -> None:
    result = run("pricing", "schema")
    assert result.exit_code == 0
    assert result.stdout == (ROOT / "pricing.schema.json").read_text(encoding="utf-8")
    assert json.loads(result.stdout)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_init_writes_the_default_sheet_which_estimate_then_uses(run: Run, tmp_path: Path) -> None:
    result = run("pricing", "init")
    assert result.exit_code == 0
    written = (tmp_path / "pricing.toml").read_bytes()
    assert written == EMBEDDED.read_bytes().split(b"\n", 1)[1]  # without the repository's #:schema line
    assert written.startswith(b"# ketacost price sheet\n")
    assert json.loads(run("estimate", "-f", "json").stdout)["pricing"]["source"] == "pricing.toml"
    assert run("pricing", "set", "tax.year=2027").exit_code == 0


def test_init_refuses_to_overwrite_without_force(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "clinic.toml"
    path.write_text("mine")
    refused = run("pricing", "init", str(path))
    assert refused.exit_code == 2
    assert refused.stderr == f"{path}: already exists; nothing written (use --force to overwrite it)\n"
    assert path.read_text() == "mine"
    forced = run("pricing", "init", str(path), "--force")
    assert forced.exit_code == 0
    assert path.read_bytes().startswith(b"# ketacost price sheet\n")


def test_init_into_a_missing_directory_exits_2(run: Run, tmp_path: Path) -> None:
    result = run("pricing", "init", "no/such/dir/pricing.toml")
    assert result.exit_code == 2
    assert "no such directory" in result.stderr


# --- start-up cost ----------------------------------------------------------------------------------------------

IMPORTED = """
import sys
from ketacost.cli.app import app
try:
    app(sys.argv[1:], prog_name="ketacost")
except SystemExit as done:
    code = done.code
print(sorted(name for name in ("tomlkit", "filelock") if name in sys.modules), code, file=sys.stderr)
"""


@pytest.mark.parametrize(
    ("args", "imported"),
    [
        (("estimate",), "[] 0"),
        (("estimate", "-f", "json"), "[] 0"),
        (("estimate", "--input", "s.csv"), "[] 0"),
        (("pricing", "get", "tax.year"), "[] 0"),
        (("pricing", "set", "tax.year=2027"), "['filelock', 'tomlkit'] 0"),
    ],
)
def test_tomlkit_and_filelock_are_imported_only_by_the_commands_that_edit(
    tmp_path: Path, sheet_text: str, args: tuple[str, ...], imported: str
) -> None:
    (tmp_path / "pricing.toml").write_text(sheet_text)
    (tmp_path / "s.csv").write_text("treatment,sessions\niv,6\n")
    result = subprocess.run(
        [sys.executable, "-c", IMPORTED, *args], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.stderr.strip().splitlines()[-1] == imported, result.stderr


def test_setting_a_treatment_price_changes_exactly_that_line_and_get_reads_it_back(
    run: Run, local_v1_sheet: Path
) -> None:
    # Spravato's only line item takes the treatment's price, so the price is the one line a clinic edits.
    before = local_v1_sheet.read_text(encoding="utf-8").splitlines()
    result = run("pricing", "set", "treatments.spravato.price.high=950")
    assert result.exit_code == 0, result.stderr
    after = local_v1_sheet.read_text(encoding="utf-8").splitlines()
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    assert changed == [
        (
            "price = { low = 590.00, typical = 885.00, high = 1050.00 }",
            "price = { low = 590.00, typical = 885.00, high = 950 }",
        )
    ]
    assert run("pricing", "get", "treatments.spravato.price.high").stdout.strip() == "950"
    untouched = local_v1_sheet.read_bytes()
    assert run("pricing", "set", "treatments.spravato.price.high=abc").exit_code == 2
    assert local_v1_sheet.read_bytes() == untouched


# --- a sheet saved with a byte-order mark (Windows Notepad does) ---------------------------------------------------


def test_a_sheet_with_a_byte_order_mark_is_read_and_edited_keeping_the_mark(
    run: Run, local_sheet: Path, sheet_text: str
) -> None:
    local_sheet.write_bytes(b"\xef\xbb\xbf" + sheet_text.encode("utf-8"))
    assert run("pricing", "validate").exit_code == 0
    assert run("estimate", "--format", "json").exit_code == 0
    result = run("pricing", "set", "options.medical_loan.apr=15.99")
    assert result.exit_code == 0, result.stderr
    assert (
        local_sheet.read_bytes()
        == b"\xef\xbb\xbf" + sheet_text.replace(APR_LINE, APR_LINE.replace("17.99", "15.99")).encode()
    )


def test_an_error_in_a_sheet_with_a_byte_order_mark_is_placed_as_an_editor_shows_it(
    run: Run, local_sheet: Path, sheet_text: str
) -> None:
    local_sheet.write_bytes(b"\xef\xbb\xbf" + b"schema_version = 1\nefective = 2026-01-01\n")
    result = run("pricing", "validate")
    assert result.exit_code == 2
    assert "pricing.toml:2:1: efective: unknown key" in result.stderr
    local_sheet.write_bytes(b"\xef\xbb\xbfschema_version = = 1\n")
    result = run("pricing", "validate")
    assert result.exit_code == 2
    assert "pricing.toml:1:18:" in result.stderr, result.stderr
