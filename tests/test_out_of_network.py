"""Out-of-network reimbursement (kind out_of_network): what comes back from each claim, when, and the net cost
(issue 14 item 2; DOMAIN.md section 10 gives the vectors)."""

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from ketacost.finance.insurance import CostSharing, patient_shares
from ketacost.kinds.out_of_network import allowed_amounts

# Spravato: no add-ons, so --price is the whole session's charge; 6 sessions over 4 weeks unless told.
OON = ("estimate", "--treatment", "spravato", "--sessions", "6", "--option", "out_of_network")


def _typical(run_json: Callable[..., Any], *args: str) -> dict[str, Any]:
    (option,) = run_json(*OON, *args)["options"]
    typical: dict[str, Any] = option["typical"]
    return typical


def test_deductible_met_20_percent_the_plan_pays_128_a_session(run_json: Callable[..., Any]) -> None:
    typical = _typical(
        run_json, "--price", "180", "--allowed", "160", "--oon-deductible-left", "0", "--oon-coinsurance", "20"
    )
    amounts = [claim["amount"] for claim in typical["reimbursements"]]
    assert amounts == ["128.00"] * 6
    assert typical["total_paid"] == "1080.00"
    assert typical["reimbursed"] == "768.00"
    assert typical["net_cost"] == "312.00"  # 52.00 a session, as DOMAIN.md says


def test_800_deductible_left_30_percent_nothing_back_for_5_sessions_then_70_then_105(
    run_json: Callable[..., Any],
) -> None:
    typical = _typical(
        run_json,
        *("--price", "220", "--allowed", "150", "--sessions", "8"),  # (the last --sessions wins)
        *("--oon-deductible-left", "800", "--oon-coinsurance", "30"),
    )
    amounts = [claim["amount"] for claim in typical["reimbursements"]]
    assert amounts == ["0.00"] * 5 + ["70.00", "105.00", "105.00"]
    assert typical["reimbursed"] == "280.00"
    assert typical["net_cost"] == str(Decimal("1760.00") - Decimal("280.00"))


def test_claims_arrive_weeks_after_each_visit(run_json: Callable[..., Any]) -> None:
    typical = _typical(run_json, "--price", "100", "--allowed", "100", "--oon-deductible-left", "0")
    # 6 sessions over 4 weeks (weeks 0,0,1,2,2,3), each claim paid 6 weeks later (the sheet's claim_weeks).
    assert [claim["week"] for claim in typical["reimbursements"]] == [6, 6, 7, 8, 8, 9]


def test_the_out_of_pocket_maximum_stops_what_the_patient_keeps_paying(run_json: Callable[..., Any]) -> None:
    typical = _typical(
        run_json,
        *("--price", "200", "--allowed", "200", "--oon-deductible-left", "300"),
        *("--oon-coinsurance", "50", "--oon-oop-max-left", "400"),
    )
    # Shares of the allowed 200: 200 (deductible), 100+50=150, then 50 reaches the 400 maximum, then nothing.
    amounts = [claim["amount"] for claim in typical["reimbursements"]]
    assert amounts == ["0.00", "50.00", "150.00", "200.00", "200.00", "200.00"]


def test_allowed_never_exceeds_the_charge_and_a_percentage_rounds_half_up() -> None:
    assert allowed_amounts([Decimal("100.00")], Decimal("160.00"), None) == [Decimal("100.00")]
    assert allowed_amounts([Decimal("100.05")], None, Decimal("70")) == [Decimal("70.04")]  # 70.035 -> 70.04
    assert allowed_amounts([Decimal("90.00")], None, None) == [Decimal("90.00")]


def test_reimbursement_is_the_allowed_amount_less_the_patients_share() -> None:
    allowed = [Decimal("150.00")] * 8
    shares = patient_shares(allowed, CostSharing(Decimal(800), Decimal(30), Decimal(0), Decimal(99999)))
    assert [a - s for a, s in zip(allowed, shares, strict=True)][4:7] == [Decimal(0), Decimal(70), Decimal(105)]


def test_schedule_shows_payments_out_and_reimbursements_in_by_month(run_json: Callable[..., Any]) -> None:
    plan = run_json(
        "schedule", "-o", "out_of_network", "-t", "spravato", "-n", "6", "--price", "180", "--allowed", "160",
        "--oon-deductible-left", "0", "--oon-coinsurance", "20",
    )  # fmt: skip
    months = [(row["month"], row["payment"], row["reimbursed"]) for row in plan["rows"]]
    # All 6 sessions in month 1 (weeks 0-3); the claims come back in weeks 6, 6, 7, 8, 8 (month 2: weeks 5-8,
    # as week x 12 // 52) and 9 (month 3).
    assert months == [(1, "1080.00", "0.00"), (2, "0.00", "640.00"), (3, "0.00", "128.00")]
    assert plan["totals"]["reimbursed"] == "768.00"
    assert plan["net_cost"] == "312.00"


def test_schedule_table_has_paid_back_and_net_columns(run: Callable[..., Any]) -> None:
    result = run("schedule", "-o", "out_of_network", "-t", "kap", "--format", "table")
    assert result.exit_code == 0, result.stderr
    assert "Paid back" in result.stdout and "net cost" in result.stdout


def test_not_offered_for_iv_in_the_built_in_sheet(run_json: Callable[..., Any]) -> None:
    (option,) = run_json("estimate", "-t", "iv", "-o", "out_of_network")["options"]
    assert option["typical"]["available"] is False


def test_the_estimate_notes_say_what_comes_back_and_when(run_json: Callable[..., Any]) -> None:
    (option,) = run_json(*OON, "--price", "180", "--allowed", "160", "--oon-deductible-left", "0")["options"]
    assert any("pays back" in note and "6 weeks" in note for note in option["notes"])


def test_allowed_and_allowed_pct_together_are_refused(
    run: Callable[..., Any], sheet_text: str, write_sheet: Callable[..., Path]
) -> None:
    text = sheet_text.replace("allowed_pct = 70.00", "allowed_pct = 70.00\nallowed = 150.00")
    result = run("--pricing", str(write_sheet(text)), "estimate")
    assert result.exit_code == 2
    assert "options.out_of_network.allowed" in result.stderr and "not both" in result.stderr


def test_a_bad_allowed_flag_is_bad_input(run: Callable[..., Any]) -> None:
    result = run(*OON, "--allowed", "-5")
    assert result.exit_code == 2
    assert "--allowed" in result.stderr
