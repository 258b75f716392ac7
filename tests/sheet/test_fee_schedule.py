"""Schema version 2: each price lives once, in the fee schedule; treatments' prices are computed from their fees;
version 1 sheets still load with the same figures, and `pricing migrate` upgrades one in place."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from ketacost.errors import BadInput
from ketacost.sheet.load import parse_sheet
from ketacost.sheet.migrate import migrate
from tests.cli.test_entry_point import installed_ketacost
from tests.conftest import Run

IV_LINES = '[[treatments.iv.line_items]]\nfee = "iv_infusion"\nquantity = 1                      # per infusion\n'


def problems(text: str) -> list[str]:
    try:
        parse_sheet(text, "s.toml")
    except BadInput as error:
        return list(error.lines)
    return []


def gfe_lines_total(document: dict[str, object], point: str) -> Decimal:
    providers = document["providers"]
    assert isinstance(providers, list)
    return sum((Decimal(line["charge"][point]) for group in providers for line in group["lines"]), Decimal(0))


def test_the_built_in_sheet_computes_each_price_from_its_fees(sheet_text: str) -> None:
    sheet = parse_sheet(sheet_text, "pricing.toml")
    assert sheet.schema_version == 2
    iv = sheet.treatments["iv"]
    assert iv.price is not None
    assert (iv.price.low, iv.price.typical, iv.price.high) == (Decimal(400), Decimal(600), Decimal(1000))
    assert [item.service_code for item in iv.line_items] == ["96365", "J3490"]
    consultation = iv.add_ons["consultation"].price
    assert consultation is not None and consultation.high == Decimal(350)


def test_one_command_raises_the_iv_high_price_to_1100_and_the_gfe_adds_up(tmp_path: Path) -> None:
    """The Done-when line, through the installed program: init, one `pricing set`, validate, estimate, quote."""
    env = {**os.environ, "KETACOST_CACHE": "off"}

    def ketacost(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [installed_ketacost(), *args], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60
        )

    assert ketacost("pricing", "init").returncode == 0
    result = ketacost("pricing", "set", "fees.iv_infusion.price.high=700")
    assert (result.returncode, result.stdout) == (0, "fees.iv_infusion.price.high: 600.00 -> 700\n")
    assert ketacost("pricing", "validate").stdout == "pricing.toml: OK (5 treatments, 14 payment options)\n"
    shown = ketacost("estimate")
    assert "Per infusion: 400.00 / 600.00 / 1,100.00 (low / typical / high)" in shown.stdout
    estimate = json.loads(ketacost("estimate", "--format", "json").stdout)
    assert estimate["course"]["per_session"]["high"] == "1100.00"
    quote = ketacost("quote", "--patient", "Ana Diaz", "--dob", "1984-03-02", "--no-save", "--json", "gfe.json")
    assert quote.returncode == 0, quote.stderr
    document = json.loads((tmp_path / "gfe.json").read_text())
    assert gfe_lines_total(document, "high") == Decimal("6600.00") == Decimal(document["total"]["high"])


def test_setting_a_computed_price_is_refused_naming_the_fee_to_change(
    run: Run, tmp_path: Path, sheet_text: str
) -> None:
    sheet = tmp_path / "pricing.toml"
    sheet.write_text(sheet_text)
    result = run("pricing", "set", "treatments.iv.price.high=1100")
    assert result.exit_code == 2
    first, last = result.stderr.splitlines()
    assert first.startswith("pricing.toml:") and first.endswith(
        ": treatments.iv.price: in schema version 2 a price with line items is computed from their fees: change a "
        "fee's price instead (ketacost pricing set fees.iv_infusion.price.high=...), and remove this key"
    )
    assert last == "pricing.toml: not changed: the edit would leave the sheet invalid"
    assert sheet.read_text() == sheet_text


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('fee = "iv_infusion"', 'fee = "iv_infusoin"', "line_items.0.fee: 'iv_infusoin' is not a fee (choose from:"),
        (
            'fee = "iv_infusion"\n',
            'fee = "iv_infusion"\nprice = { low = 1.00, typical = 1.00, high = 1.00 }\n',
            "treatments.iv.line_items.0.price: in schema version 2 this lives in the fee schedule ([fees.iv_infusion])",
        ),
        (
            '[[treatments.iv.line_items]]\nfee = "iv_infusion"\n',
            "[[treatments.iv.line_items]]\n",
            "treatments.iv.line_items.0.fee: missing required key (schema version 2: a line item names a fee)",
        ),
        (
            'provider = "therapist"\nprice = { low = 150.00',
            'provider = "nobody"\nprice = { low = 150.00',
            "fees.integration.provider: 'nobody' is not a provider",
        ),
        ("schema_version = 2 ", "schema_version = 1 ", "fees: a fee schedule needs schema_version = 2"),
    ],
)
def test_version_2_mistakes_are_refused_at_their_key(sheet_text: str, old: str, new: str, expected: str) -> None:
    assert old in sheet_text
    lines = problems(sheet_text.replace(old, new, 1))
    assert any(expected in line for line in lines), lines
    assert all(line.startswith("s.toml:") for line in lines)


def test_a_treatment_without_line_items_needs_its_own_price(sheet_text: str) -> None:
    text = sheet_text.replace('[[treatments.oral.line_items]]\nfee = "oral_visit"\nquantity = 1\n', "")
    text = text.replace('[[treatments.oral.line_items]]\nfee = "oral_ketamine"\nquantity = 1\n', "")
    assert any(
        "treatments.oral.price: missing required key (or line items naming fees)" in line for line in problems(text)
    )
    priced = text.replace('unit = "month"\n', 'unit = "month"\nprice = { low = 1.00, typical = 2.00, high = 3.00 }\n')
    assert problems(priced) == []


def test_a_quantity_may_differ_by_price_point(run: Run, sheet_text: str, write_sheet: Callable[..., Path]) -> None:
    """A second infusion hour billed only at the high end: the price and the GFE count it there only."""
    text = (
        sheet_text.replace(
            IV_LINES,
            IV_LINES
            + '\n[[treatments.iv.line_items]]\nfee = "iv_extra_hour"\nquantity = { low = 0, typical = 0, high = 1 }\n',
        )
        + '\n[fees.iv_extra_hour]\ndescription = "IV infusion, each additional hour"\nservice_code = "96366"\n'
        + ("price = { low = 100.00, typical = 120.00, high = 150.00 }\n")
    )
    path = write_sheet(text)
    estimate = json.loads(run("--pricing", str(path), "estimate", "--format", "json").stdout)
    assert estimate["course"]["per_session"] == {"low": "400.00", "typical": "600.00", "high": "1150.00"}
    result = run(
        "--pricing", str(path), "quote", "--patient", "A B", "--dob", "1980-01-01", "--no-save", "--json", "g.json"
    )
    assert result.exit_code == 0, result.stderr
    document = json.loads(Path("g.json").read_text())
    extra = [line for g in document["providers"] for line in g["lines"] if line["service_code"] == "96366"]
    assert extra == [extra[0]] and extra[0]["quantity"] == 6
    assert extra[0]["charge"] == {"low": "0.00", "typical": "0.00", "high": "900.00"}
    assert gfe_lines_total(document, "high") == Decimal("6900.00")


def test_quantities_that_make_the_price_unordered_are_refused(sheet_text: str) -> None:
    text = sheet_text.replace(
        'fee = "iv_ketamine"\nquantity = 1', 'fee = "iv_ketamine"\nquantity = { low = 3, typical = 1, high = 1 }'
    )
    assert any(
        "treatments.iv.line_items: the price computed from the fees and quantities is not ordered" in line
        for line in problems(text)
    )


def test_a_version_1_sheet_loads_with_the_same_figures(
    run: Run, sheet_v1_text: str, write_sheet: Callable[..., Path]
) -> None:
    import tomllib

    old = write_sheet(sheet_v1_text, "v1.toml")
    # The options both sheets have (the built-in one gained more since: issues 11 and 14).
    options = tuple(arg for option in tomllib.loads(sheet_v1_text)["options"] for arg in ("-o", option))
    for treatment in ("iv", "im", "spravato", "kap", "oral"):
        args = ("estimate", "-t", treatment, "--add-on", "consultation", "--format", "json", *options)
        args = args if treatment in ("iv", "im") else args[:3] + args[5:]
        new_doc = json.loads(run(*args).stdout)
        old_doc = json.loads(run("--pricing", str(old), *args).stdout)
        new_doc.pop("pricing"), old_doc.pop("pricing")
        assert new_doc == old_doc, treatment


def test_migrate_upgrades_in_place_keeping_every_comment_and_figure(
    run: Run, tmp_path: Path, sheet_v1_text: str
) -> None:
    sheet = tmp_path / "pricing.toml"
    sheet.write_text(sheet_v1_text)
    before = {t: run("estimate", "-t", t, "--format", "json").stdout for t in ("iv", "im", "spravato", "kap", "oral")}
    result = run("pricing", "migrate")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "pricing.toml: schema version 1 -> 2: 13 fees in [fees], 14 line items naming them, "
        "8 prices now computed from them\n"
    )
    text = sheet.read_text()
    assert "schema_version = 2" in text and "[fees.iv_96365]" in text
    for line in sheet_v1_text.splitlines():  # every comment is still there, in words
        if "#" in line and not line.lstrip().startswith(("price", "description")):
            comment = line[line.index("#") :].lstrip("# ").strip()
            assert comment in text, comment
    after = {t: run("estimate", "-t", t, "--format", "json").stdout for t in before}
    assert after == before
    again = run("pricing", "migrate")
    assert (again.exit_code, again.stdout) == (0, "pricing.toml: already at schema version 2; nothing changed\n")
    assert sheet.read_text() == text


def test_migrate_dry_run_writes_nothing_and_a_broken_sheet_is_refused(
    run: Run, tmp_path: Path, sheet_v1_text: str
) -> None:
    sheet = tmp_path / "pricing.toml"
    sheet.write_text(sheet_v1_text)
    result = run("pricing", "migrate", "--dry-run")
    assert result.exit_code == 0 and "+schema_version = 2" in result.stdout and '+fee = "iv_96365"' in result.stdout
    assert sheet.read_text() == sheet_v1_text
    broken = sheet_v1_text.replace("apr = 17.99", "apr = 170.99")
    sheet.write_text(broken)
    result = run("pricing", "migrate")
    assert result.exit_code == 2
    assert "options.medical_loan.apr: input should be less than or equal to 100" in result.stderr
    assert sheet.read_text() == broken


def test_migrate_never_edits_the_built_in_sheet(run: Run) -> None:
    result = run("pricing", "migrate")
    assert result.exit_code == 2
    assert result.stderr.startswith("built-in default: the built-in sheet is never edited")


def test_migrate_waits_for_the_lock_then_exits_3(run: Run, tmp_path: Path, sheet_v1_text: str) -> None:
    from filelock import FileLock

    sheet = tmp_path / "pricing.toml"
    sheet.write_text(sheet_v1_text)
    with FileLock(str(sheet) + ".lock"):
        result = run("pricing", "migrate", "--lock-timeout", "0")
    assert result.exit_code == 3 and "locked by another writer" in result.stderr
    assert sheet.read_text() == sheet_v1_text


def test_migrate_function_keeps_a_version_2_sheet_as_it_is(sheet_text: str) -> None:
    assert migrate(sheet_text, "p.toml").text == sheet_text


def test_scale_moves_each_fee_by_the_percentage_and_items_stay_exact(run: Run, tmp_path: Path, sheet_text: str) -> None:
    (tmp_path / "pricing.toml").write_text(sheet_text)
    result = run("pricing", "scale", "--by", "10%")
    assert result.exit_code == 0, result.stderr
    assert "fees.iv_infusion.price.high: 600.00 -> 660.00 (+10.00%)\n" in result.stdout
    assert all("(+10.00%)" in line for line in result.stdout.splitlines())
    estimate = json.loads(run("estimate", "--format", "json").stdout)
    assert estimate["course"]["per_session"] == {"low": "440.00", "typical": "660.00", "high": "1100.00"}


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("[]", "quantity: input should be a valid integer (got an array)"),  # found by the fuzzer: was exit 1
        ('"2"', "quantity: input should be a valid integer (got a string)"),
        ("{ low = 1 }", "quantity.typical: missing required key"),
        ("0", "quantity: input should be greater than or equal to 1"),
    ],
)
def test_a_bad_quantity_is_one_clear_problem(
    run: Run, sheet_text: str, write_sheet: Callable[..., Path], quantity: str, message: str
) -> None:
    text = sheet_text.replace('fee = "iv_ketamine"\nquantity = 1', f'fee = "iv_ketamine"\nquantity = {quantity}')
    result = run("pricing", "validate", str(write_sheet(text)))
    assert result.exit_code == 2
    assert f"treatments.iv.line_items.1.{message}" in result.stderr.splitlines()[0]
