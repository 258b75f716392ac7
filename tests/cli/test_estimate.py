"""``ketacost estimate``: what a patient or a clerk sees, in every format, and every way it refuses bad input."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Run

D = Decimal


def installments_add_up(point: dict[str, Any]) -> bool:
    """upfront + (months - 1) x monthly + final payment == total paid, to the cent."""
    months = point["months"]
    paid = D(point["upfront"])
    if months:
        paid += D(point["monthly"]) * (months - 1) + D(point["final_payment"])
    return paid == D(point["total_paid"])


# --- the default sheet ------------------------------------------------------------------------------------------


def test_default_run_prints_the_course_and_every_option(run: Run) -> None:
    result = run("estimate")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "IV ketamine infusion: 6 x infusion over 2-3 weeks" in out
    assert "Course total: 2,400.00 / 3,600.00 / 6,000.00" in out
    for name in ("Self-pay", "HSA", "FSA", "Medical loan", "Clinic", "VA coverage"):
        assert name in out
    assert "Price sheet: built-in default, effective 2026-11-01" in out
    assert "* Lowest net cost at the typical price:" in out


def test_table_fits_80_columns_without_cutting_any_figure(run: Run) -> None:
    data = run("estimate", "--format", "json")
    document = json.loads(data.stdout)
    out = run("estimate").stdout
    assert max(len(line.rstrip()) for line in out.splitlines()) <= 80
    for option in document["options"]:
        point = option["typical"]
        if point["available"]:
            assert f"{D(point['net_cost']):,.2f}" in out
            assert f"{D(point['total_paid']):,.2f}" in out


COLOUR = re.compile(r"\x1b\[[0-9;]*(3[0-7]|38;|9[0-7])[0-9;]*m")


def test_piped_output_is_plain_and_no_color_removes_colour_on_a_terminal(run: Run) -> None:
    assert "\x1b[" not in run("estimate").stdout
    assert COLOUR.search(run("estimate", env={"FORCE_COLOR": "1"}).stdout)
    assert not COLOUR.search(run("estimate", env={"NO_COLOR": "1", "FORCE_COLOR": "1"}).stdout)


def test_json_contract_for_the_default_sheet(run_json: Callable[..., Any]) -> None:
    doc = run_json("estimate")
    assert doc["pricing"] == {"source": "built-in default", "effective": "2026-11-01"}
    assert doc["course"]["treatment"] == "iv"
    assert doc["course"]["sessions"] == 6
    assert doc["course"]["total"] == {"low": "2400.00", "typical": "3600.00", "high": "6000.00"}
    assert doc["course"]["per_session"] == {"low": "400.00", "typical": "600.00", "high": "1000.00"}
    kinds = {option["id"]: option["kind"] for option in doc["options"]}
    assert kinds == {
        "self_pay": "self_pay",
        "hsa": "hsa",
        "fsa": "fsa",
        "medical_loan": "loan",
        "clinic_plan": "clinic_plan",
        "care_card": "deferred_interest",
        "card_24": "reduced_apr",
        "card_60": "reduced_apr",
        "insurance": "insurance",
        "va": "va",
        "partner_6": "lender_grid",  # issue 11: the built-in sheet's lender grid, a row per term,
        "partner_12": "lender_grid",
        "partner_24": "lender_grid",
        "membership": "clinic_membership",  # its membership
        "iv_six": "package",  # and its package
        "out_of_network": "out_of_network",
        "carepath": "copay_program",
    }
    money = re.compile(r"^\d+\.\d\d$")
    for option in doc["options"]:
        for point_name in ("low", "typical", "high"):
            point = option[point_name]
            if not point["available"]:
                assert set(point) == {"available", "reason"} and point["reason"]
                continue
            for field in ("upfront", "monthly", "total_paid", "interest", "fees", "tax_savings", "net_cost"):
                assert money.match(point[field]), (option["id"], field, point[field])
            assert isinstance(point["months"], int)
            assert installments_add_up(point), (option["id"], point_name, point)
            back = D(point.get("reimbursed", "0"))  # out-of-network: what the plan pays back
            assert D(point["net_cost"]) == D(point["total_paid"]) - D(point["tax_savings"]) - back


def test_loan_grosses_up_a_deducted_origination_fee(run_json: Callable[..., Any]) -> None:
    loan = next(o for o in run_json("estimate")["options"] if o["id"] == "medical_loan")["typical"]
    # 3,600.00 reaches the clinic; 5% is deducted from the proceeds, so 3,789.47 is borrowed: the fee is exactly
    # 5% of it, 189.47 (it was 189.48, a cent more: issue 12, item 5).
    assert loan["fees"] == "189.47"
    assert loan["months"] == 24
    assert D(loan["total_paid"]) == D("3600.00") + D(loan["fees"]) + D(loan["interest"])


def test_hsa_savings_are_capped_by_the_irs_limit_and_the_balance(run_json: Callable[..., Any]) -> None:
    doc = run_json("estimate", "--tax-rate", "24", "--option", "hsa")
    (hsa,) = doc["options"]
    assert hsa["typical"]["tax_savings"] == "864.00"  # 3,600 x 24%
    assert hsa["high"]["tax_savings"] == "1056.00"  # capped at the 4,400 self-only limit
    capped = run_json("estimate", "--tax-rate", "24", "--option", "hsa", "--hsa-balance", "1000")["options"][0]
    assert capped["typical"]["tax_savings"] == "240.00"
    assert capped["typical"]["net_cost"] == "3360.00"


def test_fsa_saves_fica_too_because_it_is_payroll_money(run_json: Callable[..., Any]) -> None:
    (fsa,) = run_json("estimate", "--tax-rate", "22", "--option", "fsa", "--fsa-balance", "2000")["options"]
    assert fsa["typical"]["tax_savings"] == "593.00"  # 2,000 x (22% + 7.65%)


def test_tax_savings_never_exceed_the_pre_tax_money_so_net_cost_never_goes_negative(
    run_json: Callable[..., Any],
) -> None:
    # A 100% marginal rate plus 7.65% FICA used to save 107.65% of the FSA money: a net cost of -183.60.
    for flags in (("--fsa-balance", "3000"), ("--fsa-balance", "3000", "--option", "medical_loan")):
        (option,) = run_json("estimate", "--tax-rate", "100", "--option", "fsa", *flags)["options"][-1:]
        assert option["typical"]["tax_savings"] == "3000.00", option
        assert D(option["typical"]["net_cost"]) >= 0


def test_clinic_plan_down_payment_and_equal_installments(run_json: Callable[..., Any]) -> None:
    (plan,) = run_json("estimate", "--option", "clinic_plan")["options"]
    assert plan["typical"]["upfront"] == "900.00"
    assert (plan["typical"]["monthly"], plan["typical"]["months"]) == ("450.00", 6)
    assert plan["typical"]["interest"] == "0.00"


def test_va_is_copay_per_session_and_only_where_offered(run_json: Callable[..., Any]) -> None:
    (va,) = run_json("estimate", "--option", "va")["options"]
    assert va["typical"]["total_paid"] == "300.00"
    (va_kap,) = run_json("estimate", "--option", "va", "--treatment", "kap")["options"]
    assert va_kap["typical"] == {
        "available": False,
        "reason": "not offered for Ketamine-assisted psychotherapy (KAP)",
    }


def test_cheapest_is_never_a_conditional_option_alone(run_json: Callable[..., Any]) -> None:
    doc = run_json("estimate")
    # VA and the FSA are cheaper, but only for those who have them (issue 12, item 1: it was "fsa"); the package
    # (issue 11) is open to everyone and cheaper than paying per session.
    assert doc["cheapest"] == "iv_six"


def test_treatment_sessions_and_single_price(run_json: Callable[..., Any]) -> None:
    doc = run_json("estimate", "-t", "spravato", "-n", "4", "--price", "700.50")
    assert doc["course"]["treatment"] == "spravato"
    assert doc["course"]["total"] == {"low": "2802.00", "typical": "2802.00", "high": "2802.00"}


def test_add_ons_per_course_and_per_session(run_json: Callable[..., Any]) -> None:
    iv = run_json("estimate", "--add-on", "consultation")
    assert iv["course"]["total"] == {"low": "2400.00", "typical": "3900.00", "high": "6350.00"}
    kap = run_json("estimate", "-t", "kap")  # integration therapy is part of every KAP session
    assert kap["course"]["per_session"] == {"low": "550.00", "typical": "675.00", "high": "800.00"}


def test_csv_has_a_row_per_option_and_price_point(run: Run) -> None:
    result = run("estimate", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    # 12 options, a lender grid's 3 terms, a membership and a package (issue 11)
    assert len(rows) == 17 * 3
    first = rows[0]
    assert (first["option"], first["price_point"], first["total_paid"]) == ("self_pay", "low", "2400.00")


def test_csv_defuses_spreadsheet_formulas_in_text(
    run: Run, sheet_text: str, write_sheet: Callable[[str], Path]
) -> None:
    path = write_sheet(sheet_text.replace('name = "Self-pay, in full"', 'name = "=HYPERLINK(1)"'))
    rows = list(csv.DictReader(io.StringIO(run("--pricing", str(path), "estimate", "-f", "csv").stdout)))
    assert rows[0]["name"] == "'=HYPERLINK(1)"


def test_markdown_is_a_table_with_escaped_text(run: Run, sheet_text: str, write_sheet: Callable[[str], Path]) -> None:
    path = write_sheet(sheet_text.replace('name = "Self-pay, in full"', 'name = "Pay | <b>now</b>"'))
    out = run("estimate", "--pricing", str(path), "--format", "markdown").stdout
    assert "| Option | Upfront | Monthly |" in out
    assert "Pay \\| \\<b\\>now\\</b\\>" in out


# --- the sheet in use -------------------------------------------------------------------------------------------


def test_sheet_discovery_env_and_working_directory(
    run_json: Callable[..., Any], sheet_text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pricing.toml").write_text(sheet_text.replace("effective = 2026-11-01", "effective = 2027-01-01"))
    assert run_json("estimate")["pricing"] == {"source": "pricing.toml", "effective": "2027-01-01"}
    other = tmp_path / "other.toml"
    other.write_text(sheet_text.replace("effective = 2026-11-01", "effective = 2027-02-01"))
    monkeypatch.setenv("KETACOST_PRICING", str(other))
    assert run_json("estimate")["pricing"]["effective"] == "2027-02-01"


def test_broken_sheet_exits_2_naming_line_column_and_key(
    run: Run, sheet_text: str, write_sheet: Callable[[str], Path]
) -> None:
    path = write_sheet(sheet_text.replace("term_months = 24", "term_mnths = 24"), "broken.toml")
    line_no = next(i for i, row in enumerate(path.read_text().splitlines(), 1) if row.startswith("term_mnths"))
    result = run("estimate", "--pricing", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert f"{path}:{line_no}:1: options.medical_loan.term_mnths: unknown key (did you mean 'term_months'?)" in lines
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--pricing", "/nonexistent/p.toml"), "/nonexistent/p.toml: no such file"),
        (("--pricing", "."), ".: is a directory"),
        (("-t", "ivv"), "unknown treatment 'ivv' (choose from: iv, im, spravato, kap, oral)"),
        (("--option", "loan"), "unknown payment option 'loan'"),
        (("--add-on", "massage"), "unknown add-on for iv 'massage'"),
        (("--price", "abc"), "--price: 'abc' is not a number"),
        (("--price", "1.234"), "--price: '1.234' has more than two decimals"),
        (("--price", "-5"), "--price: '-5' must be between 0.00 and 1,000,000.00"),
        (("--price", "nan"), "--price: 'nan' is not a finite number"),
        (("--hsa-balance", "2000000"), "--hsa-balance: '2000000' must be between"),
        (("--tax-rate", "150"), "--tax-rate: '150' must be between 0 and 100"),
        (("--sessions", "0"), "--sessions: 0 must be between 1 and 200"),
        (("--sessions", "201"), "--sessions: 201 must be between 1 and 200"),
        (("--sessions", "-3"), "--sessions: -3 must be between 1 and 200"),
    ],
)
def test_bad_values_exit_2_with_one_clear_line(run: Run, args: tuple[str, ...], message: str) -> None:
    result = run("estimate", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_every_bad_flag_is_reported_at_once_each_line_naming_its_flag(run: Run) -> None:
    result = run("estimate", "--sessions", "0", "--price", "abc", "--tax-rate", "150", "--budget", "1.234")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "--sessions: 0 must be between 1 and 200",
        "--price: 'abc' is not a number (expected an amount such as 650 or 650.00)",
        "--tax-rate: '150' must be between 0 and 100",
        "--budget: '1.234' has more than two decimals",
    ]


def test_ids_the_sheet_lacks_are_reported_at_once_with_the_flag_that_named_them(run: Run) -> None:
    result = run("estimate", "-t", "iv", "--option", "loan", "--add-on", "massage", "--option", "card")
    assert result.exit_code == 2
    options = (
        "self_pay, hsa, fsa, medical_loan, clinic_plan, care_card, card_24, card_60, insurance, va, partner, "
        "membership, out_of_network, carepath"
    )
    assert result.stderr.splitlines() == [
        f"--option: unknown payment option 'loan' (choose from: {options})",
        f"--option: unknown payment option 'card' (choose from: {options})",
        "--add-on: unknown add-on for iv 'massage' (choose from: consultation)",
    ]
    treatment = run("estimate", "--treatment", "ivv")
    assert treatment.stderr == "--treatment: unknown treatment 'ivv' (choose from: iv, im, spravato, kap, oral)\n"


def test_usage_errors_exit_2(run: Run) -> None:
    assert run("estimate", "--sessions", "six").exit_code == 2
    assert run("estimate", "--format", "pdf").exit_code == 2
    assert run("estimate", "--no-such-flag").exit_code == 2


def test_internal_error_is_one_line_exit_1_and_debug_shows_the_traceback(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("ketacost.estimator.price_course", explode)
    result = run("estimate")
    assert result.exit_code == 1
    assert result.stderr.strip() == "ketacost: internal error: RuntimeError: boom (run with --debug for details)"
    debug = run("--debug", "estimate")
    assert debug.exit_code == 1
    assert "Traceback (most recent call last)" in debug.stderr
    assert debug.stderr.strip().endswith("RuntimeError: boom")


def test_version(run: Run) -> None:
    from ketacost import __version__

    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"ketacost {__version__}"


@pytest.mark.parametrize("env", [{}, {"FORCE_COLOR": "1"}])
def test_escape_sequences_in_sheet_text_never_reach_the_terminal(
    run: Run, sheet_text: str, write_sheet: Callable[[str], Path], env: dict[str, str]
) -> None:
    evil = 'name = "Self-pay\\u001b]0;pwned\\u0007\\u001b[2J\\u001b[31m red\\u0008"'
    path = write_sheet(sheet_text.replace('name = "Self-pay, in full"', evil))
    out = run("estimate", "--pricing", str(path), env=env).stdout
    assert "Self-pay red" in out
    assert "pwned" not in out and "\x1b[2J" not in out and "\x1b]" not in out and "\x08" not in out
