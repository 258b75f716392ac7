"""Manufacturer copay programs (kind copay_program; the built-in sheet's Janssen CarePath EXAMPLE): the saving over
insurance alone, the annual maximum, commercial insurance only (issue 14 item 3; DOMAIN.md section 11)."""

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from ketacost.kinds.copay_program import program_shares

SPRAVATO = ("estimate", "--treatment", "spravato", "--option", "insurance", "--option", "carepath")
# A long course with a high deductible: enough for the program to reach its 7,150.00 maximum.
LONG = ("--sessions", "20", "--price", "885", "--deductible-left", "7000", "--coinsurance", "20")
LONG += ("--oop-max-left", "9000")


def _by_id(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {option["id"]: option for option in document["options"]}


def test_a_spravato_course_with_the_program_shows_its_saving(run_json: Callable[..., Any]) -> None:
    options = _by_id(run_json(*SPRAVATO, "--price", "885"))
    insured = Decimal(options["insurance"]["typical"]["total_paid"])
    with_program = Decimal(options["carepath"]["typical"]["total_paid"])
    # Insurance alone (1,000 deductible, 20%): 885 + 269 + 6 x 177 = 2,216.00. The drug is 85% of each share; the
    # patient pays 10.00 of it: 885 -> 752.25 drug, 742.25 from the program; 269 -> 228.65, 218.65; 177 -> 150.45,
    # 140.45. The program pays 742.25 + 218.65 + 6 x 140.45 = 1,803.60.
    assert insured == Decimal("2216.00")
    assert with_program == insured - Decimal("1803.60")
    assert any("The program pays 1,803.60" in note for note in options["carepath"]["notes"])


def test_the_program_stops_at_its_annual_maximum(run_json: Callable[..., Any]) -> None:
    options = _by_id(run_json(*SPRAVATO, *LONG))
    insured = Decimal(options["insurance"]["typical"]["total_paid"])
    assert insured == Decimal("9000.00")  # the out-of-pocket maximum
    assert Decimal(options["carepath"]["typical"]["total_paid"]) == insured - Decimal("7150.00")
    notes = options["carepath"]["notes"]
    assert any("annual maximum (7,150.00) is reached at session 18" in note for note in notes)


def test_after_the_maximum_the_patient_pays_the_insurance_share_in_full(run_json: Callable[..., Any]) -> None:
    plan = run_json("schedule", "-o", "carepath", "-t", "spravato", *LONG)
    insured = run_json("schedule", "-o", "insurance", "-t", "spravato", *LONG)
    # The schedule's rows (paid at each visit) add up to insurance alone less the program's 7,150.00.
    assert Decimal(plan["total_paid"]) == Decimal(insured["total_paid"]) - Decimal("7150.00")


def test_program_shares_cap_per_treatment_and_year() -> None:
    paid, covered = program_shares(
        [Decimal("100.00"), Decimal("100.00"), Decimal("100.00")], Decimal(100), Decimal("10.00"), Decimal("150.00")
    )
    assert covered == (Decimal("90.00"), Decimal("60.00"), Decimal("0.00"))
    assert paid == (Decimal("10.00"), Decimal("40.00"), Decimal("100.00"))
    # A share below the per-treatment amount: the program pays nothing, the patient pays the share.
    assert program_shares([Decimal("8.00")], Decimal(100), Decimal("10.00"), Decimal(100)) == (
        (Decimal("8.00"),),
        (Decimal("0.00"),),
    )


def test_never_with_government_insurance(run_json: Callable[..., Any]) -> None:
    for plan_type in ("medicare", "medicaid", "tricare", "other_government"):
        option = _by_id(run_json(*SPRAVATO, "--plan-type", plan_type))["carepath"]
        assert option["typical"] == {
            "available": False,
            "reason": "not with Medicare, Medicaid or other government insurance",
        }
    commercial = _by_id(run_json(*SPRAVATO, "--plan-type", "commercial"))["carepath"]
    assert commercial["typical"]["available"] is True


def test_an_unknown_plan_type_is_bad_input(run: Callable[..., Any]) -> None:
    result = run(*SPRAVATO, "--plan-type", "medicare-advantage")
    assert result.exit_code == 2
    assert "--plan-type: unknown plan type 'medicare-advantage' (choose from: commercial, medicare" in result.stderr


def test_only_for_spravato_in_the_built_in_sheet(run_json: Callable[..., Any]) -> None:
    (option,) = run_json("estimate", "--treatment", "iv", "--option", "carepath")["options"]
    assert option["typical"]["available"] is False


def test_without_insurance_terms_in_the_sheet_it_is_unavailable(
    run_json: Callable[..., Any], sheet_text: str, write_sheet: Callable[..., Path]
) -> None:
    start = sheet_text.index("[options.insurance]")
    end = sheet_text.index("[options.va]")
    sheet = write_sheet(sheet_text[:start] + sheet_text[end:])
    document = run_json("--pricing", str(sheet), "estimate", "-t", "spravato", "-o", "carepath")
    assert "insurance" in document["options"][0]["typical"]["reason"]


def test_the_library_refuses_an_unknown_plan_type() -> None:
    import pytest

    from ketacost.errors import BadInput
    from ketacost.scenario import Scenario, check

    with pytest.raises(BadInput, match="plan_type: unknown plan type 'x'"):
        check(Scenario(plan_type="x"))
