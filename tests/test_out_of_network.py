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


# Per-code allowed amounts (issue 14 item 2): the built-in sheet's option, also offered for IV, with two codes.
BY_CODE = 'allowed_by_code = { "96365" = 300.00, "99204" = 400.00 }'


def _by_code_sheet(sheet_text: str, write_sheet: Callable[..., Path], by_code: str = BY_CODE) -> Path:
    offered = 'treatments = ["spravato", "kap"]  # EXAMPLE'
    assert offered in sheet_text
    return write_sheet(sheet_text.replace(offered, f'{by_code}\ntreatments = ["spravato", "kap", "iv"]  #', 1))


def test_allowed_by_code_per_line_item_with_the_consultation_on_the_first_session_only(
    run_json: Callable[..., Any], sheet_text: str, write_sheet: Callable[..., Path]
) -> None:
    sheet = str(_by_code_sheet(sheet_text, write_sheet))
    (option,) = run_json(
        "--pricing", sheet, "estimate", "-t", "iv", "--add-on", "consultation", "-o", "out_of_network",
        "--oon-deductible-left", "0", "--oon-coinsurance", "20",
    )["options"]  # fmt: skip
    typical = option["typical"]
    # Typical IV session: 96365 infusion 370.00 + J3490 ketamine 230.00 = 600.00; the consultation (99204,
    # 300.00, per course) on the first session only. The sheet's allowed_pct is 70.
    #   96365: min(370.00, 300.00 x 1) = 300.00;  J3490 not listed: 70% of 230.00 = 161.00
    #   99204: min(300.00, 400.00 x 1) = 300.00 (first session only)
    #   allowed: session 1 = 300 + 161 + 300 = 761.00; sessions 2-6 = 461.00
    #   deductible met, 20% coinsurance: back 0.8 x 761 = 608.80, then 0.8 x 461 = 368.80 (x5)
    #   reimbursed 608.80 + 5 x 368.80 = 2452.80; paid 6 x 600 + 300 = 3900.00; net 1447.20
    assert [claim["amount"] for claim in typical["reimbursements"]] == ["608.80"] + ["368.80"] * 5
    assert typical["total_paid"] == "3900.00"
    assert typical["reimbursed"] == "2452.80"
    assert typical["net_cost"] == "1447.20"


def test_the_allowed_flag_still_overrides_the_per_code_amounts(
    run_json: Callable[..., Any], sheet_text: str, write_sheet: Callable[..., Path]
) -> None:
    sheet = str(_by_code_sheet(sheet_text, write_sheet))
    (option,) = run_json(
        "--pricing", sheet, "estimate", "-t", "iv", "-o", "out_of_network", "--allowed", "500",
        "--oon-deductible-left", "0", "--oon-coinsurance", "20",
    )["options"]  # fmt: skip
    assert [claim["amount"] for claim in option["typical"]["reimbursements"]] == ["400.00"] * 6  # 0.8 x 500


def test_per_code_amounts_are_per_unit_and_the_rest_of_a_charge_goes_at_the_percentage() -> None:
    from ketacost.kinds.out_of_network import allowed_by_code
    from ketacost.prices import LineItem, PriceRange

    def item(code: str, unit: str, quantity: int) -> LineItem:
        price = PriceRange(low=Decimal(unit), typical=Decimal(unit), high=Decimal(unit))
        return LineItem(service_code=code, quantity=(quantity, quantity, quantity), price=price)

    every = (item("G2082/G2083", "60.00", 2), item("J3490", "10.05", 1))
    # Session charges 130.05 (120.00 + 10.05) and 150.05 (with 20.00 not in any line item, e.g. a --price rest).
    # G2083 (an alternative of the item's code): min(120.00, 50.00 x 2) = 100.00; J3490 and the 20.00 at 70%:
    # 10.05 x 0.7 = 7.035 -> 7.04 (half-up, once per session); 30.05 x 0.7 = 21.035 -> 21.04.
    charges = [Decimal("130.05"), Decimal("150.05")]
    by_code = {"G2083": Decimal("50.00")}
    assert allowed_by_code(charges, (every, ()), "typical", by_code, Decimal(70)) == [
        Decimal("107.04"),
        Decimal("121.04"),
    ]


def test_a_code_no_fee_bills_is_refused_at_load_with_its_place(
    run: Callable[..., Any], sheet_text: str, write_sheet: Callable[..., Path]
) -> None:
    sheet = _by_code_sheet(sheet_text, write_sheet, 'allowed_by_code = { "96365" = 300.00, "99999" = 5.00 }')
    line = next(n for n, text in enumerate(sheet.read_text().splitlines(), 1) if text.startswith("allowed_by_code"))
    result = run("--pricing", str(sheet), "estimate")
    assert result.exit_code == 2
    assert f"{sheet}:{line}:39: options.out_of_network.allowed_by_code.99999: '99999' is not a service code" in (
        result.stderr
    )


def test_a_per_code_amount_is_money_and_excludes_a_fixed_allowed(
    run: Callable[..., Any], sheet_text: str, write_sheet: Callable[..., Path]
) -> None:
    negative = _by_code_sheet(sheet_text, write_sheet, 'allowed_by_code = { "96365" = -1.00 }')
    result = run("--pricing", str(negative), "estimate")
    assert result.exit_code == 2
    assert "options.out_of_network.allowed_by_code.96365: input should be greater than or equal to 0" in result.stderr
    both = write_sheet(sheet_text.replace("allowed_pct = 70.00", 'allowed = 150.00\nallowed_by_code = { "96365" = 1 }'))
    result = run("--pricing", str(both), "estimate")
    assert result.exit_code == 2
    assert "options.out_of_network.allowed" in result.stderr and "allowed_by_code, not both" in result.stderr
