"""`pricing add`, `remove` and `rename`, and the `set` fixes of issue 11: each edit keeps every other byte, is
validated before writing, locked and atomic, and every refusal exits 2 naming the key."""

from __future__ import annotations

import json
import os
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from tests.cli.test_entry_point import installed_ketacost
from tests.conftest import Run

NEW_FEE = (
    "fees.iv_extra_hour",
    'description="IV infusion, each additional hour"',
    'service_code="96366"',
    "price={ low = 100.00, typical = 120.00, high = 150.00 }",
)


@pytest.fixture
def sheet(tmp_path: Path, sheet_text: str) -> Path:
    path = tmp_path / "pricing.toml"
    path.write_text(sheet_text, encoding="utf-8")
    return path


def test_add_a_fee_and_a_line_item_billed_only_at_the_high_end(run: Run, sheet: Path, sheet_text: str) -> None:
    result = run("pricing", "add", *NEW_FEE)
    assert (result.exit_code, result.stdout) == (0, "fees.iv_extra_hour: added\n")
    result = run(
        "pricing", "add", "treatments.iv.line_items", 'fee="iv_extra_hour"', "quantity={low=0, typical=0, high=1}"
    )
    assert (result.exit_code, result.stdout) == (0, "treatments.iv.line_items.2: added\n")
    text = sheet.read_text()
    separator = "# " + "-" * 111 + "\n# Treatments. Each lists"
    fee = (
        '[fees.iv_extra_hour]\ndescription = "IV infusion, each additional hour"\nservice_code = "96366"\n'
        "price = { low = 100.00, typical = 120.00, high = 150.00 }\n\n"
    )
    item = '[[treatments.iv.line_items]]\nfee = "iv_extra_hour"\nquantity = {low=0, typical=0, high=1}\n\n'
    expected = sheet_text.replace(separator, fee + separator, 1)
    expected = expected.replace(
        "[treatments.iv.add_ons.consultation]", item + "[treatments.iv.add_ons.consultation]", 1
    )
    assert text == expected  # nothing else changed, byte for byte
    # each lands right after its last sibling, before the comments that open the next section
    assert text.index("[fees.iv_extra_hour]") < text.index("# Treatments. Each lists")
    assert text.index('fee = "iv_extra_hour"') < text.index("[treatments.iv.add_ons.consultation]")
    estimate = json.loads(run("estimate", "--format", "json").stdout)
    assert estimate["course"]["per_session"] == {"low": "400.00", "typical": "600.00", "high": "1150.00"}


def test_add_an_option_then_remove_it_leaves_the_sheet_byte_identical(run: Run, sheet: Path, sheet_text: str) -> None:
    result = run("pricing", "add", "options.va_copay", 'kind="va"', 'name="VA, copay 0"', "copay_per_session=0.00")
    assert result.exit_code == 0, result.stderr
    # After the last option, before the sheet's next section (its packages)
    added = '[options.va_copay]\nkind = "va"\nname = "VA, copay 0"\ncopay_per_session = 0.00\n'
    assert added in sheet.read_text()
    assert sheet.read_text().index(added) < sheet.read_text().index("[packages.")
    result = run("pricing", "remove", "options.va_copay")
    assert (result.exit_code, result.stdout) == (0, "options.va_copay: removed\n")
    assert sheet.read_text().rstrip("\n") == sheet_text.rstrip("\n")


def test_removing_an_option_keeps_the_comments_that_open_the_next_section(run: Run, sheet: Path) -> None:
    """Before: tomlkit counted the comment block above [packages] as the end of the last option, and removing
    that option removed the next section's comments with it. The option's own comments go with it."""
    text = sheet.read_text()
    section = text[text.index("# Packages:") : text.index("[packages.")]
    own = "# A manufacturer's copay program"
    assert own in text
    result = run("pricing", "remove", "options.carepath")
    assert result.exit_code == 0, result.stderr
    after = sheet.read_text()
    assert section in after and "[options.carepath]" not in after and own not in after


def test_remove_a_line_item_and_dry_run_writes_nothing(run: Run, sheet: Path, sheet_text: str) -> None:
    result = run("pricing", "remove", "treatments.im.line_items.2", "--dry-run")
    assert result.exit_code == 0
    assert '-fee = "im_visit"' in result.stdout and result.stdout.startswith("--- a/pricing.toml\n")
    assert sheet.read_text() == sheet_text
    assert run("pricing", "remove", "treatments.im.line_items.2").exit_code == 0
    estimate = json.loads(run("estimate", "-t", "im", "--format", "json").stdout)
    assert estimate["course"]["per_session"] == {"low": "125.00", "typical": "200.00", "high": "350.00"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "options.va", 'kind="va"'), "options.va: already exists (change it with `ketacost pricing set"),
        (
            ("add", "options.new", 'kind="va"', 'name="X"', "copay_per_sesion=1"),
            "unknown key 'options.new.copay_per_sesion' (did you mean 'options.new.copay_per_session'?)",
        ),
        (
            ("add", "options.new", "price.high=1"),
            "options.new: 'price.high': give each field of the new table by its own",
        ),
        (("add", "tax", "year=2027"), "tax: not something to add or remove: name an id"),
        (
            ("add", "options.new", 'kind="va"', 'name="X"', 'copay_per_session="250"'),
            'options.new.copay_per_session: "250" is text, but this is a number: write '
            "options.new.copay_per_session=250 (without quotes)",
        ),
        (("add", "options.new", 'kind="va"'), "options.new.name: missing required key"),
        (("remove", "options.nothing"), "options.nothing: not in pricing.toml; nothing to remove"),
        (("remove", "fees.iv_ketamine"), "treatments.iv.line_items.1.fee: 'iv_ketamine' is not a fee"),
        (("remove", "treatments.iv"), "default_treatment: 'iv' is not a treatment"),
        (("rename", "treatments.iv", "im"), "treatments.im: already exists; choose another id"),
        (("rename", "treatments.iv", "IV drip"), "treatments.IV drip: 'IV drip' is not an id"),
        (("rename", "treatments.iv", "options.iv"), "options.iv: a rename keeps the id in its table: treatments.NEW"),
        (("rename", "treatments.nothing", "x"), "treatments.nothing: not an id in pricing.toml"),
        (
            ("set", 'options.va.copay_per_session="250"'),
            'options.va.copay_per_session: "250" is text, but this is a number: write options.va.copay_per_session=250',
        ),
        (
            ("set", 'treatments.iv.line_items=[{fee="iv_infusion"}]'),
            "treatments.iv.line_items: an array of tables: setting it whole would drop its comments; use "
            "`ketacost pricing add treatments.iv.line_items KEY=VALUE ...`",
        ),
    ],
)
def test_refusals_exit_2_name_the_key_and_write_nothing(
    run: Run, sheet: Path, sheet_text: str, args: tuple[str, ...], message: str
) -> None:
    result = run("pricing", *args)
    assert result.exit_code == 2, result.stdout
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert sheet.read_text() == sheet_text


def test_rename_a_treatment_renames_every_reference(run: Run, sheet: Path, sheet_text: str) -> None:
    before = json.loads(run("estimate", "--format", "json").stdout)
    result = run("pricing", "rename", "treatments.iv", "infusion")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "treatments.iv: renamed to treatments.infusion\n"
        'default_treatment: "iv" -> "infusion"\n'
        'options.va.treatments: "iv" -> "infusion"\n'
        'options.membership.treatments: "iv" -> "infusion"\n'  # issue 11's membership, package and discount
        'packages.iv_six.treatment: "iv" -> "infusion"\n'
        'discounts.intro.treatments: "iv" -> "infusion"\n'
    )
    text = sheet.read_text()
    assert "[treatments.iv" not in text and "[[treatments.infusion.line_items]]" in text
    assert "[treatments.infusion.add_ons.consultation]" in text
    assert 'default_treatment = "infusion"    # what `ketacost estimate` shows without --treatment' in text
    assert 'treatments = ["infusion", "spravato"]' in text
    after = json.loads(run("estimate", "--format", "json").stdout)
    assert after["course"]["treatment"] == "infusion"
    before["course"].pop("treatment"), after["course"].pop("treatment")
    assert after["course"] == before["course"] and after["options"] == before["options"]


def test_rename_a_fee_renames_the_line_items_that_name_it(run: Run, sheet: Path) -> None:
    result = run("pricing", "rename", "fees.consultation", "new_patient_visit")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "fees.consultation: renamed to fees.new_patient_visit",
        'treatments.iv.add_ons.consultation.line_items.0.fee: "consultation" -> "new_patient_visit"',
        'treatments.im.add_ons.consultation.line_items.0.fee: "consultation" -> "new_patient_visit"',
    ]
    assert "[fees.new_patient_visit]" in sheet.read_text()


def test_set_writes_a_new_option_given_as_an_inline_table_as_its_own_table(run: Run, sheet: Path) -> None:
    """Before: `[options]` and `plan = {...}` landed mid-file, under a bare header, before the first option."""
    result = run("pricing", "set", 'options.plan2={kind="clinic_plan", name="Plan 2", down_payment_pct=10, months=3}')
    assert result.exit_code == 0, result.stderr
    text = sheet.read_text()
    assert "\n[options]\n" not in text
    added = '[options.plan2]\nkind = "clinic_plan"\nname = "Plan 2"\ndown_payment_pct = 10\nmonths = 3\n'
    assert added in text and text.index(added) < text.index("[packages.")  # after the last option


def test_scale_to_whole_dollars_moves_each_code_by_its_own_rounding_only(
    run: Run, sheet: Path, sheet_text: str
) -> None:
    """Before: a treatment's price was scaled and its line items split anew (single codes moved +8.6% or +0.8%)."""
    result = run("pricing", "scale", "--by", "3.5%", "--round", "1")
    assert result.exit_code == 0, result.stderr
    for line in result.stdout.splitlines():
        key, _, change = line.partition(": ")
        old, _, rest = change.partition(" -> ")
        new = rest.split(" ")[0]
        assert key.startswith("fees."), line
        assert Decimal(new) == (Decimal(old) * Decimal("1.035")).quantize(Decimal(1), ROUND_HALF_UP), line


def test_add_waits_for_the_lock_then_exits_3(run: Run, sheet: Path, sheet_text: str) -> None:
    from filelock import FileLock

    with FileLock(str(sheet) + ".lock"):
        result = run("pricing", "add", *NEW_FEE, "--lock-timeout", "0")
    assert result.exit_code == 3 and "locked by another writer" in result.stderr
    assert sheet.read_text() == sheet_text


def test_the_built_in_sheet_is_never_edited(run: Run) -> None:
    result = run("pricing", "remove", "options.va")
    assert result.exit_code == 2
    assert result.stderr.startswith("built-in default: the built-in sheet is never edited")


def test_rename_through_the_installed_program(tmp_path: Path, sheet: Path) -> None:
    result = subprocess.run(
        [installed_ketacost(), "pricing", "rename", "options.va", "va_coverage"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "KETACOST_CACHE": "off"},
        timeout=60,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "options.va: renamed to options.va_coverage\n", "")
    assert "[options.va_coverage]" in sheet.read_text()


def test_diff_after_a_rename_shows_it_and_the_changes_inside(
    run: Run, sheet: Path, tmp_path: Path, sheet_text: str
) -> None:
    (tmp_path / "before.toml").write_text(sheet_text)
    assert run("pricing", "rename", "options.medical_loan", "lender_loan").exit_code == 0
    assert run("pricing", "set", "options.lender_loan.apr=15.99").exit_code == 0
    result = run("pricing", "diff", "before.toml", "pricing.toml", "--format", "json")
    assert result.exit_code == 6
    document = json.loads(result.stdout)
    assert document["renamed"] == [{"old": "options.medical_loan", "new": "options.lender_loan"}]
    assert (document["added"], document["removed"]) == ([], [])
    assert document["changed"] == [
        {"key": "options.lender_loan.apr", "old": "17.99", "new": "15.99", "change_pct": "-11.12"}
    ]
    table = run("pricing", "diff", "before.toml", "pricing.toml")
    assert "renamed: options.medical_loan -> options.lender_loan\n" in table.stdout
