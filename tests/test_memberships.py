"""Memberships (issue 11 item 3): a monthly fee with a member price and/or included sessions, priced over the
course and over the 12-month horizon with boosters."""

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

MEMBERSHIP = """
[options.club]
kind = "clinic_membership"
name = "Club"
monthly_fee = 250.00
session_price = 200.00
included_sessions = 1
"""


def _row(run, *args: str, sheet: str | None = None) -> dict:  # type: ignore[no-untyped-def, type-arg]
    pricing = ("--pricing", sheet) if sheet else ()
    result = run(*pricing, "estimate", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["options"][0]  # type: ignore[no-any-return]


def test_built_in_membership_over_the_course_and_the_horizon(run) -> None:  # type: ignore[no-untyped-def]
    row = _row(run, "-o", "membership")
    typical = row["typical"]
    # 12 months x 250 (members commit to a year) + 6 infusions x 200.
    assert typical["monthly"] == "250.00" and typical["months"] == 12
    assert typical["upfront"] == "1200.00" and typical["total_paid"] == "4200.00"
    assert "250.00 a month for 12 months; 200.00 per infusion, paid at each visit" in row["notes"]
    # 12 months with 6 boosters: 12 x 250 + 12 x 200 = 5,400, against 7,200 at 600 per infusion.
    assert (
        "At the typical price: Over 12 months with 6 boosters: 5,400.00 as a member, 7,200.00 at the per-session price"
        in row["notes"]
    )


def test_included_sessions_and_a_short_series(run, write_sheet, sheet_text) -> None:  # type: ignore[no-untyped-def]
    sheet = str(write_sheet(sheet_text + MEMBERSHIP))
    row = _row(run, "-o", "club", sheet=sheet)
    # The 3-week series spans 1 month: 250 + (6 - 1 included) x 200 = 1,250.
    assert row["typical"]["total_paid"] == "1250.00" and row["typical"]["months"] == 1
    # 12 months: 12 x 250 + (12 sessions - 12 included) x 200 = 3,000.
    assert any("Over 12 months with 6 boosters: 3,000.00 as a member" in note for note in row["notes"])
    # Add-ons are charged as usual: the consultation (300 typical) once.
    assert _row(run, "-o", "club", "--add-on", "consultation", sheet=sheet)["typical"]["total_paid"] == "1550.00"


def test_membership_with_no_member_price_takes_the_sheets(run, write_sheet, sheet_text) -> None:  # type: ignore[no-untyped-def]
    text = sheet_text + MEMBERSHIP.replace("session_price = 200.00\n", "")
    row = _row(run, "-o", "club", "--price", "500", sheet=str(write_sheet(text)))
    assert row["typical"]["total_paid"] == "2750.00"  # 250 + 5 x 500


def test_a_bad_membership_is_refused(run, write_sheet, sheet_text) -> None:  # type: ignore[no-untyped-def]
    result = run("pricing", "validate", str(write_sheet(sheet_text + MEMBERSHIP.replace("250.00", "-1"))))
    assert result.exit_code == 2 and "options.club.monthly_fee" in result.stderr


def test_a_memberships_schedule_adds_up_to_its_estimate(run_json: Callable[..., Any]) -> None:
    """Found by the fuzzer: the schedule had no rows for the monthly fee (no loan behind it) and said 1,200.00."""
    estimate = run_json("estimate", "-o", "membership")["options"][0]["typical"]
    schedule = run_json("schedule", "-o", "membership")
    assert schedule["total_paid"] == estimate["total_paid"] == "4200.00"  # 6 x 200.00 + 12 x 250.00
    assert [row["payment"] for row in schedule["rows"]] == ["250.00"] * 12
    balances = [row["balance"] for row in schedule["rows"]]
    assert balances[-1] == "0.00" and balances == sorted(balances, key=Decimal, reverse=True)
