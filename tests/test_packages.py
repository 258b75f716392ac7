"""Packages (issue 11 item 2): a set number of sessions for one price, never pro rata."""

import json
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

from ketacost.money import cents


def _options(run, *args: str) -> dict[str, dict]:  # type: ignore[no-untyped-def, type-arg]
    result = run("estimate", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return {option["id"]: option for option in json.loads(result.stdout)["options"]}


def test_iv_has_a_six_infusion_package_row_paid_in_full_at_the_package_price(run) -> None:  # type: ignore[no-untyped-def]
    row = _options(run)["iv_six"]
    assert row["kind"] == "package" and row["name"] == "Package: 6 infusions"
    for point in ("low", "typical", "high"):
        # The consultation is included in the package, so optional or not it adds nothing.
        assert row[point]["total_paid"] == row[point]["upfront"] == "3300.00"
    with_consult = _options(run, "--add-on", "consultation", "-o", "iv_six")["iv_six"]
    assert with_consult["typical"]["total_paid"] == "3300.00"


def test_package_price_is_what_every_option_pays_for(run) -> None:  # type: ignore[no-untyped-def]
    options = _options(run, "--package", "iv_six")
    assert "iv_six" not in options  # every option is priced on it: no row of its own
    assert options["self_pay"]["typical"]["total_paid"] == "3300.00"
    loan = options["medical_loan"]["typical"]
    assert loan["financed"] == "3300.00"
    # 5% deducted from the proceeds: the loan is grossed up so that the clinic gets the package price.
    principal = D("3300.00") / D("0.95")
    assert abs(D(loan["total_paid"]) - D(loan["interest"]) - principal) < D("0.01")
    assert options["hsa"]["typical"]["tax_savings"] == str(cents(D("3300.00") * D("0.22")))


def test_fewer_sessions_than_the_package_is_not_available_with_the_reason(run) -> None:  # type: ignore[no-untyped-def]
    row = _options(run, "-n", "3")["iv_six"]
    reason = "the package covers 6 x infusion for 3,300.00; this course has 3 (a package is never priced pro rata)"
    assert row["typical"] == {"available": False, "reason": reason}
    result = run("estimate", "-n", "3", "--package", "iv_six")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"--package: 'iv_six' is not available: {reason}"


def test_more_sessions_pay_the_package_plus_per_session_prices(run) -> None:  # type: ignore[no-untyped-def]
    row = _options(run, "-n", "8", "-o", "iv_six")["iv_six"]
    assert [row[p]["total_paid"] for p in ("low", "typical", "high")] == ["4100.00", "4500.00", "5300.00"]


def test_package_of_another_treatment_and_unknown_package(run) -> None:  # type: ignore[no-untyped-def]
    result = run("estimate", "-t", "im", "--package", "iv_six")
    assert result.exit_code == 2 and "'iv_six' is a package of iv, not im" in result.stderr
    result = run("estimate", "--package", "nope")
    assert result.exit_code == 2
    assert "--package: unknown package 'nope' (choose from: iv_six)" in result.stderr
    assert "iv_six" not in _options(run, "-t", "im")


def test_sheet_refuses_a_package_of_an_unknown_treatment_or_add_on(run, write_sheet, sheet_text) -> None:  # type: ignore[no-untyped-def]
    bad = sheet_text.replace('includes = ["consultation"]', 'includes = ["massage"]').replace(
        'treatment = "iv"\nsessions = 6', 'treatment = "iv"\nsessions = 6', 1
    )
    result = run("pricing", "validate", str(write_sheet(bad)))
    assert result.exit_code == 2
    assert "packages.iv_six.includes.0: 'massage' is not an add-on of iv (consultation)" in result.stderr


def test_installed_program_prices_a_loan_on_the_package(tmp_path: Path) -> None:
    program = Path(sys.executable).parent / "ketacost"
    done = subprocess.run(
        [str(program), "estimate", "--package", "iv_six", "-o", "medical_loan", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    document = json.loads(done.stdout)
    assert document["course"]["total"]["typical"] == "3300.00"
    assert document["course"]["offers"][0] == {
        "kind": "package",
        "id": "iv_six",
        "name": "6 infusions",
        "price": {"low": "3300.00", "typical": "3300.00", "high": "3300.00"},
    }
    assert document["options"][0]["typical"]["financed"] == "3300.00"
