"""Issue 12, item 3: each option's 12-month cost (series, boosters, add-ons) beside the series cost, VA's too;
boosters asked for beyond the horizon are said, never dropped silently."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.conftest import Run


def _year(doc: Any) -> dict[str, str | None]:
    return {o["id"]: o["typical"].get("year_net_cost") for o in doc["options"]}


def test_every_option_has_its_12_month_cost_beside_the_series(run_json: Callable[..., Any]) -> None:
    doc = run_json("estimate")
    assert doc["course"]["boosters"] == 6  # six 600.00 boosters at the typical price: 3,600.00 more
    assert _year(doc) == {
        "self_pay": "7200.00",  # 3,600.00 + 3,600.00
        "hsa": "6232.00",  # 7,200.00 less 22% of the 4,400.00 limit
        "fsa": "6191.90",  # 7,200.00 less 29.65% of the 3,400.00 limit
        "medical_loan": "8140.00",  # the loan's 4,540.00 + the boosters paid as billed
        "clinic_plan": "7200.00",
        "care_card": "7200.00",
        "card_24": "7785.14",
        "card_60": "9073.22",
        "insurance": None,  # not available for IV
        "va": "600.00",  # VA's year: a 50.00 copay at each of 12 visits
        "partner_6": "7200.00",  # issue 11's grid rows: each term's total + the boosters paid as billed
        "partner_12": "7414.90",
        "partner_24": "8255.67",
        "membership": "5400.00",  # 250.00 x 12 months + 12 visits at the member's 200.00
        "out_of_network": None,  # issue 14's kinds: not offered for IV
        "carepath": None,
        "iv_six": "6900.00",  # the package's 3,300.00 + 6 boosters at 600.00
    }
    low = {o["id"]: o["low"].get("year_net_cost") for o in doc["options"]}
    assert low["self_pay"] == "4800.00"


def test_add_ons_are_in_the_year(run_json: Callable[..., Any]) -> None:
    doc = run_json("estimate", "--add-on", "consultation", "-o", "self_pay")
    assert _year(doc) == {"self_pay": "7500.00"}  # 3,900.00 series with the consultation + 3,600.00 boosters


def test_insurance_shares_the_boosters_too(run_json: Callable[..., Any]) -> None:
    args = ("-t", "spravato", "--boosters", "4", "-o", "insurance", "--price", "900")
    plan = ("--deductible-left", "1000", "--coinsurance", "20", "--copay", "0", "--oop-max-left", "4000")
    doc = run_json("estimate", *args, *plan)
    # 8 sessions: 1,000 + 20% of 6,200 = 2,240.00; 12 sessions: 1,000 + 20% of 9,800 = 2,960.00.
    assert doc["options"][0]["typical"]["net_cost"] == "2240.00"
    assert _year(doc) == {"insurance": "2960.00"}


def test_the_table_shows_a_12_month_column_and_says_what_it_counts(run: Run) -> None:
    out = run("estimate").stdout
    assert "12 months" in out
    assert "VA coverage (eligible veterans)     300.00    300.00    300.00     600.00" in out
    flat = " ".join(out.split())
    assert "12 months: net cost of the series, 6 boosters and add-ons in 12 months, at the typical price" in flat


def test_twelve_boosters_are_not_silently_eight(run: Run, run_json: Callable[..., Any]) -> None:
    doc = run_json("estimate", "--boosters", "12")
    course = doc["course"]
    assert (course["boosters"], course["boosters_asked"], course["booster_interval_weeks"]) == (8, 12, 6)
    out = run("estimate", "--boosters", "12").stdout
    assert "Boosters: 12 asked, 8 in 12 months (one every 6 weeks after the 3-week series);" in out
    assert "4 fall after the 12 months and are not priced." in out


def test_boosters_that_all_fit_say_nothing_more(run: Run) -> None:
    assert "asked" not in run("estimate", "--boosters", "8").stdout
