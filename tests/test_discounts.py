"""Discounts (issue 11 item 4): claimed with --discount, applied to the course before any way of paying."""

import json


def _document(run, *args: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    result = run("estimate", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_veteran_percentage_is_off_the_sessions_not_the_add_ons(run) -> None:  # type: ignore[no-untyped-def]
    document = _document(
        run, "--discount", "veteran", "--add-on", "consultation", "-o", "self_pay", "-o", "medical_loan"
    )
    # 6 x 600 = 3,600 of sessions, 10% off = 360; the consultation (300) is not discounted.
    assert document["course"]["total"]["typical"] == "3540.00"
    assert document["course"]["offers"] == [
        {
            "kind": "discount",
            "id": "veteran",
            "name": "Veteran discount",
            "less": {"low": "240.00", "typical": "360.00", "high": "600.00"},
        }
    ]
    options = {option["id"]: option for option in document["options"]}
    assert options["self_pay"]["typical"]["total_paid"] == "3540.00"
    assert options["medical_loan"]["typical"]["financed"] == "3540.00"  # applied before any way of paying


def test_discount_is_shown_in_the_notes(run) -> None:  # type: ignore[no-untyped-def]
    result = run("estimate", "--discount", "first_responder", "-o", "self_pay")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "Discount first_responder (First responder discount): less 240.00 / 360.00 / 600.00, before any way" in text


def test_introductory_first_session_price(run) -> None:  # type: ignore[no-untyped-def]
    document = _document(run, "--discount", "intro", "-o", "self_pay", "-n", "1")
    assert document["course"]["total"] == {"low": "375.00", "typical": "375.00", "high": "375.00"}
    assert document["course"]["offers"][0]["less"] == {"low": "25.00", "typical": "225.00", "high": "625.00"}
    document = _document(run, "--discount", "intro", "-o", "self_pay", "--price", "300", "-n", "2")
    assert document["course"]["total"]["typical"] == "600.00"  # never a surcharge: 300 is below 375


def test_sliding_scale_tier_and_a_discount_on_a_package(run) -> None:  # type: ignore[no-untyped-def]
    document = _document(run, "--discount", "sliding_1", "-o", "self_pay")
    assert document["course"]["total"]["typical"] == "2520.00"  # 30% off 3,600
    document = _document(run, "--discount", "veteran", "--package", "iv_six", "-o", "self_pay")
    assert document["options"][0]["typical"]["total_paid"] == "2970.00"  # 3,300 less 10%
    row = _document(run, "--discount", "veteran", "-o", "iv_six")["options"][0]  # the package row gets it too
    assert row["typical"]["total_paid"] == "2970.00"


def test_an_amount_off_the_course(run, write_sheet, sheet_text) -> None:  # type: ignore[no-untyped-def]
    sheet = write_sheet(sheet_text + '\n[discounts.coupon]\nname = "Coupon"\namount = 150.00\n')
    result = run("--pricing", str(sheet), "estimate", "--discount", "coupon", "-o", "self_pay", "--format", "json")
    assert json.loads(result.stdout)["course"]["total"]["typical"] == "3450.00"


def test_bad_discounts_exit_2_with_the_reason(run, write_sheet, sheet_text) -> None:  # type: ignore[no-untyped-def]
    result = run("estimate", "--discount", "vet")
    assert result.exit_code == 2
    assert "--discount: unknown discount 'vet' (choose from: veteran, first_responder, intro" in result.stderr
    result = run("estimate", "-t", "kap", "--discount", "intro")
    assert result.exit_code == 2
    assert result.stderr.strip() == "--discount: 'intro' is not offered for Ketamine-assisted psychotherapy (KAP)"
    both = sheet_text + '\n[discounts.both]\nname = "Both"\npct = 5.00\namount = 10.00\n'
    result = run("pricing", "validate", str(write_sheet(both)))
    assert result.exit_code == 2
    assert "discounts.both.pct: give exactly one of pct, amount or first_session_price" in result.stderr
