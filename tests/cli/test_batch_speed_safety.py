"""What a batch keeps from one scenario for the next (courses, a loan's last APR as the solver's first guess, a
deferred-interest option's terms) never changes a figure: every batch row equals ``ketacost estimate --format
json`` for its scenario alone, in a batch ordered so that each of those is met again with other amounts."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ketacost.outcome import forget
from tests.conftest import Run

# Loans whose fee makes the APR differ from the note rate (the solver is handed the last one found), a clinic plan
# with a fee and an APR, and the built-in deferred-interest card.
EXTRA_OPTIONS = """
[options.fee_loan]
kind = "loan"
name = "Loan, fee financed"
apr = 9.5
term_months = 36
origination_fee_pct = 3.25
fee_handling = "financed"

[options.big_fee_loan]
kind = "loan"
name = "Loan, big fee"
apr = 29.99
term_months = 12
origination_fee_pct = 9.5

[options.fee_plan]
kind = "clinic_plan"
name = "Plan with a fee"
down_payment = 500.00
months = 10
apr = 7.25
setup_fee = 49.00
"""

# (flags, batch cells): the same course again with other add-ons, boosters and prices; loans of very different
# amounts one after the other; balances that leave little or nothing to finance.
SCENARIOS: list[dict[str, str]] = [
    {"treatment": "iv", "sessions": "6"},
    {"treatment": "iv", "sessions": "6", "add_ons": "consultation"},
    {"treatment": "iv", "sessions": "6", "boosters": "3"},
    {"treatment": "iv", "sessions": "6", "price": "450.55"},
    {"treatment": "iv", "sessions": "1", "price": "100.01"},
    {"treatment": "iv", "sessions": "1", "price": "10.00"},  # loans this small: an APR of its own, cent by cent
    {"treatment": "iv", "sessions": "1", "price": "11.48"},
    {"treatment": "iv", "sessions": "1", "price": "14.44"},
    {"treatment": "iv", "sessions": "12", "price": "1499.99", "tax_rate": "37"},
    {"treatment": "iv", "sessions": "6", "hsa_balance": "3599.99"},
    {"treatment": "iv", "sessions": "6", "hsa_balance": "9000", "fsa_balance": "9000"},
    {"treatment": "kap", "sessions": "4", "down_payment": "250.25", "tax_rate": "12"},
    {"treatment": "spravato", "sessions": "8", "budget": "300"},
    {"treatment": "spravato", "sessions": "8", "copay": "25", "coinsurance": "30"},
    {"treatment": "im", "sessions": "2", "price": "133.33"},
    {"treatment": "im", "sessions": "2"},
    {"treatment": "oral", "sessions": "12", "fsa_balance": "77.77"},
    {"treatment": "iv", "sessions": "6"},
]


def _flags(cells: dict[str, str]) -> list[str]:
    flags = []
    for field, value in cells.items():
        flags += [{"add_ons": "--add-on"}.get(field, "--" + field.replace("_", "-")), value]
    return flags


def _money(value: Any) -> str:
    return "" if value is None else str(value)


def test_every_batch_row_equals_the_scenario_estimated_alone(
    run: Run, run_json: Callable[..., Any], sheet_text: str, write_sheet: Callable[[str], Path], tmp_path: Path
) -> None:
    sheet = str(write_sheet(sheet_text + EXTRA_OPTIONS))
    fields = sorted({field for cells in SCENARIOS for field in cells})
    lines = [",".join(fields)] + [",".join(cells.get(field, "") for field in fields) for cells in SCENARIOS]
    (tmp_path / "s.csv").write_text("\n".join(lines) + "\n")
    result = run("--pricing", sheet, "estimate", "--input", "s.csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    for number, cells in enumerate(SCENARIOS, 2):
        forget()  # nothing kept from the batch or the scenarios before: this one is worked out from nothing
        alone = run_json("--pricing", sheet, "estimate", *_flags(cells))
        mine = [row for row in rows if row["line"] == str(number)]
        assert [row["option"] for row in mine] == [option["id"] for option in alone["options"]], cells
        for row, option in zip(mine, alone["options"], strict=True):
            typical = option["typical"]
            assert row["course_total"] == alone["course"]["total"]["typical"], cells
            assert row["cheapest"] == ("true" if alone["cheapest"] == option["id"] else "false")
            assert row["available"] == ("true" if typical["available"] else "false")
            if not typical["available"]:
                assert row["reason"] == typical["reason"]
                continue
            for field in ("upfront", "monthly", "final_payment", "total_paid", "interest", "fees", "tax_savings"):
                assert row[field] == typical[field], (cells, option["id"], field)
            assert row["months"] == str(typical["months"])
            assert row["net_cost"] == typical["net_cost"]
            assert row["financed"] == _money(typical["financed"]), (cells, option["id"])
            assert row["apr"] == _money(typical["apr"]), (cells, option["id"])
            assert row["interest_at_risk"] == _money(typical.get("interest_at_risk")), (cells, option["id"])
            for point in ("low", "high"):  # (a point where the option is not offered has no net cost to compare)
                if option[point]["available"]:
                    assert row[f"net_cost_{point}"] == option[point]["net_cost"], (cells, option["id"], point)


# Scenarios at the sheet's prices, met again with what a batch keeps (ketacost.estimator.Memo): the same totals
# with other money paid first (a down payment; balances, which are not kept), other points sharing a total
# (one --price), and a lender's grid whose notes (down payment, fee, rate) must come back at the right points.
GRID = """
[options.grid]
kind = "lender_grid"
name = "Grid with fees"
months = [6, 12, 36]
apr = [0.00, 9.99, 19.99]
fee_pct = [0.00, 2.50, 5.00]
fee = [0.00, 35.00, 0.00]
monthly_fee = [0.00, 0.00, 4.00]
down_payment_pct = [25.00, 10.00, 0.00]
min_amount = 300.00
"""

KEPT_AGAIN: list[dict[str, Any]] = [
    {"treatment": "iv", "sessions": 6},
    {"treatment": "iv", "sessions": 6, "down_payment": "250"},
    {"treatment": "iv", "sessions": 6},
    {"treatment": "iv", "sessions": 6, "down_payment": "250", "tax_rate": "35"},
    {"treatment": "iv", "sessions": 6, "hsa_balance": "1000"},
    {"treatment": "iv", "sessions": 6, "price": "500"},
    {"treatment": "iv", "sessions": 6, "down_payment": "3000"},
    {"treatment": "kap", "sessions": 3},
    {"treatment": "iv", "sessions": 6, "budget": "300"},
    {"treatment": "kap", "sessions": 3, "add_ons": ["integration"]},
    {"treatment": "iv", "sessions": 6},
]


def test_what_a_batch_keeps_gives_every_figure_and_note_of_the_scenario_alone(
    sheet_text: str, write_sheet: Callable[[str], Path]
) -> None:
    """The JSON of each estimate priced with a batch's Memo (outcomes and notes kept from earlier scenarios)
    equals the JSON of the same scenario priced from nothing, notes and the points they hold at included."""
    import ketacost
    from ketacost import api
    from ketacost.estimator import Memo, estimate
    from ketacost.render.json_out import render_json

    sheet = ketacost.load_sheet(write_sheet(sheet_text + EXTRA_OPTIONS + GRID))
    memo = Memo(sheet.prices)
    for inputs in KEPT_AGAIN * 2:
        scenario = api.scenario(**inputs)
        kept = render_json(estimate(sheet.prices, scenario, source="s", memo=memo))
        forget()
        alone = render_json(estimate(sheet.prices, scenario, source="s"))
        assert kept == alone, inputs
    assert memo.priced, "the batch kept nothing: this test no longer tests what it says"
