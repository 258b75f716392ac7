"""``pricing show`` lists the sheet's packages, discounts and fee schedule, in every format, within the width."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomlkit

from tests.conftest import V1_SHEET, Run

TITLES = ("Packages", "Discounts", "Fee schedule (price per unit)")


def sections(text: str) -> dict[str, list[str]]:
    """The output's blank-line-separated blocks, by their first line (a table's title)."""
    blocks = [block.splitlines() for block in text.split("\n\n")]
    return {block[0]: block[1:] for block in blocks if block}


def row(block: list[str], start: str) -> list[str]:
    """The words of the row that starts with ``start``."""
    found = [line for line in block if line.startswith(start)]
    assert len(found) == 1, block
    return found[0].split()


def show(run: Run, *args: str, columns: str = "80") -> str:
    result = run("pricing", "show", *args, env={"COLUMNS": columns})
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_packages_table_lists_each_package_with_its_treatment_sessions_price_and_inclusions(run: Run) -> None:
    packages = sections(show(run))["Packages"]
    assert packages[0].split() == ["Package", "Treatment", "Sessions", "Price"]
    words = ["iv_six:", "6", "infusions", "(includes", "consultation)", "iv", "6", "3,300.00"]
    assert row(packages, "iv_six:") == words


def test_discounts_table_says_what_each_takes_off_for_which_treatments_and_income(run: Run) -> None:
    discounts = sections(show(run))["Discounts"]
    assert row(discounts, "veteran:") == ["veteran:", "Veteran", "discount", "10%", "all", "-"]
    assert row(discounts, "intro:")[-5:] == ["first", "at", "375.00", "iv", "-"]
    assert row(discounts, "sliding_1:")[-3:] == ["30%", "all", "30,000.00"]
    assert row(discounts, "sliding_2:")[-3:] == ["15%", "all", "50,000.00"]


def test_fee_schedule_table_lists_code_provider_and_the_three_prices_of_each_fee(run: Run) -> None:
    fees = sections(show(run))["Fee schedule (price per unit)"]
    assert fees[0].split() == ["Fee", "Code", "Provider", "Low", "Typical", "High"]
    assert row(fees, "iv_infusion:")[-5:] == ["96365", "clinic", "250.00", "370.00", "600.00"]
    assert row(fees, "spravato_session:")[-5:] == ["G2082/G2083", "clinic", "590.00", "885.00", "1,050.00"]
    assert row(fees, "consultation:")[-5:] == ["99204", "physician", "0.00", "300.00", "350.00"]


def test_the_new_tables_come_after_the_existing_ones_in_order(run: Run) -> None:
    titles = list(sections(show(run)))
    assert titles.index("Payment options") < titles.index("Packages")
    assert [title for title in titles if title in TITLES] == list(TITLES)


def test_a_sheet_without_packages_discounts_or_fees_shows_none_of_their_tables(run: Run) -> None:
    output = show(run, "--pricing", str(V1_SHEET))  # schema version 1: no fee schedule, no packages, no discounts
    assert "Payment options" in sections(output)
    for title in TITLES:
        assert title not in output


@pytest.mark.parametrize("dropped", ["packages", "discounts"])
def test_only_the_table_whose_entries_the_sheet_lacks_is_left_out(
    run: Run, sheet_text: str, write_sheet: Callable[..., Path], dropped: str
) -> None:
    document = tomlkit.parse(sheet_text)
    del document[dropped]
    shown = sections(show(run, "--pricing", str(write_sheet(tomlkit.dumps(document)))))
    kept = [title for title in TITLES if title in shown]
    assert kept == [title for title in TITLES if not title.lower().startswith(dropped)]


def test_json_carries_the_same_packages_discounts_and_fees(run: Run, run_json: Callable[..., Any]) -> None:
    sheet = run_json("pricing", "show")["sheet"]
    package = sheet["packages"]["iv_six"]
    assert (package["treatment"], package["sessions"], package["price"], package["includes"]) == (
        "iv",
        6,
        "3300.00",
        ["consultation"],
    )
    assert sheet["discounts"]["veteran"]["pct"] == "10.00"
    assert sheet["discounts"]["intro"]["first_session_price"] == "375.00"
    assert sheet["discounts"]["intro"]["treatments"] == ["iv"]
    assert sheet["discounts"]["sliding_1"]["income_max"] == "30000.00"
    fee = sheet["fees"]["iv_infusion"]
    assert (fee["service_code"], fee["provider"], fee["price"]) == (
        "96365",
        "clinic",
        {"low": "250.00", "typical": "370.00", "high": "600.00"},
    )
    # Every id the table shows is in the document, and no other.
    shown = sections(show(run))
    for title, key in zip(TITLES, ("packages", "discounts", "fees"), strict=True):
        # A row's first line ends with its last figure; its wrapped name continues on lines of words alone.
        firsts = [line for line in shown[title][2:] if re.fullmatch(r"-|[\d,]+\.\d\d", line.split()[-1])]
        ids = [line.split(":")[0] for line in firsts]
        assert ids == list(sheet[key]), title


@pytest.mark.parametrize("columns", ["80", "60", "40"])
def test_every_line_fits_the_width_and_no_figure_is_cut(run: Run, columns: str) -> None:
    # The whole output fits 80 columns; below that, the new tables still do (one block per row if need be).
    output = show(run, columns=columns)
    lines = [line for title, block in sections(output).items() if title in TITLES or columns == "80" for line in block]
    too_wide = [line for line in lines if len(line) > int(columns)]
    assert too_wide == []
    assert "3,300.00" in output and "1,050.00" in output and "50,000.00" in output


def test_the_installed_command_prints_the_tables(tmp_path: Path) -> None:
    ketacost = Path(sys.executable).parent / "ketacost"
    environment = {key: value for key, value in os.environ.items() if key not in {"COLUMNS", "KETACOST_PRICING"}}
    result = subprocess.run(
        [str(ketacost), "pricing", "show"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**environment, "COLUMNS": "80"},
    )
    assert result.returncode == 0, result.stderr
    shown = sections(result.stdout)
    assert row(shown["Packages"], "iv_six:")[-1] == "3,300.00"
    assert row(shown["Discounts"], "veteran:")[2:] == ["discount", "10%", "all", "-"]
