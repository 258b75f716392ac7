"""Input the way people type it (issue 12 item 7): amounts with grouping and a leading $, percentages that are not
fractions, ids in any case; the same rules on the command line, the fast path, batch cells and JSON Lines."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from ketacost import scenario as scenarios
from ketacost.cli import fast
from ketacost.errors import BadInput
from ketacost.scenario import INPUTS
from tests.conftest import Run

MONEY_FLAGS = [each.flag for each in INPUTS if each.reading == "money"]
PERCENT_FLAGS = [each.flag for each in INPUTS if each.reading == "percent"]


def _json(run: Run, *args: str) -> dict[str, object]:
    result = run("estimate", *args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    document: dict[str, object] = json.loads(result.stdout)
    return document


@pytest.mark.parametrize("typed", ["1,000", "$1,000", "$1,000.00", " $ 1,000 ", "1000"])
def test_price_takes_grouping_and_a_dollar_sign(run: Run, typed: str) -> None:
    document = _json(run, "--price", typed, "-o", "self_pay")
    assert document["course"]["per_session"] == {"low": "1000.00", "typical": "1000.00", "high": "1000.00"}  # type: ignore[index]


@pytest.mark.parametrize("flag", MONEY_FLAGS)
def test_every_money_flag_reads_what_ketacost_prints(flag: str) -> None:
    field = next(each.field for each in INPUTS if each.flag == flag)
    assert getattr(scenarios.parse({field: "$1,234.50"}), field) == Decimal("1234.50")


@pytest.mark.parametrize("typed", ["1,00", "1,0000", "10,00.00", "$", "1.000,50", "$$5", "1,000.123"])
def test_grouping_that_is_not_in_threes_is_refused(run: Run, typed: str) -> None:
    result = run("estimate", "--price", typed)
    assert result.exit_code == 2
    assert result.stderr.startswith("--price: ")
    assert "Traceback" not in result.stderr


def test_tax_rate_given_as_a_fraction_is_refused_with_a_hint(run: Run) -> None:
    result = run("estimate", "--tax-rate", "0.24")
    assert result.exit_code == 2
    assert result.stderr == (
        "--tax-rate: '0.24' looks like a fraction: percentages are written as 0-100, so for 24% write 24 "
        "(or 0.24% if you mean 0.24 percent)\n"
    )
    assert result.stdout == ""


@pytest.mark.parametrize("flag", PERCENT_FLAGS)
def test_every_percentage_flag_refuses_a_fraction_alike(run: Run, flag: str) -> None:
    result = run("estimate", flag, "0.5")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{flag}: '0.5' looks like a fraction")


@pytest.mark.parametrize("typed", ["24", "24%", "0", "1", "0.24%", "100"])
def test_percentages_written_as_percentages_are_taken(typed: str) -> None:
    assert scenarios.parse({"tax_rate": typed}).tax_rate == Decimal(typed.removesuffix("%"))


def test_tax_rate_24_is_not_024_percent(run: Run) -> None:
    savings = _json(run, "--tax-rate", "24", "-o", "hsa")["options"][0]["typical"]["tax_savings"]  # type: ignore[index]
    assert savings == "864.00"  # 24% of the 3,600.00 course, not 8.64


def test_ids_are_case_insensitive(run: Run) -> None:
    document = _json(run, "-t", "IV", "-o", "Self_Pay", "-o", "HSA", "--add-on", "Consultation")
    assert document["course"]["treatment"] == "iv"  # type: ignore[index]
    assert document["course"]["add_ons"] == ["Initial consultation"]  # type: ignore[index]
    assert [option["id"] for option in document["options"]] == ["self_pay", "hsa"]  # type: ignore[attr-defined]


def test_an_unknown_id_is_still_refused(run: Run) -> None:
    result = run("estimate", "-t", "IVX")
    assert result.exit_code == 2
    assert "--treatment: unknown treatment 'ivx'" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["estimate", "--price", "1,000", "-f", "json"],
        ["estimate", "--price", "$1,000"],
        ["estimate", "--tax-rate", "0.24"],
        ["estimate", "-t", "IV", "-o", "Self_Pay", "--add-on", "CONSULTATION", "-f", "csv"],
        ["estimate", "--budget", "1,00"],
    ],
    ids=" ".join,
)
def test_the_fast_path_reads_them_the_same(
    args: list[str], run: Run, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    expected = run(*args)
    code = fast.run(args)
    out, err = capsys.readouterr()
    assert code is not None
    assert (code, out, err) == (expected.exit_code, expected.stdout, expected.stderr)


def test_batch_cells_and_json_lines_follow_the_same_rules(run: Run, tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_text(
        'treatment,price,tax_rate,options\nIV,"$1,000",24,HSA\niv,600,0.24,hsa\n', encoding="utf-8"
    )
    (tmp_path / "in.jsonl").write_text(
        '{"treatment": "IV", "price": "1,000", "tax_rate": 24, "options": ["HSA"]}\n'
        '{"treatment": "iv", "tax_rate": 0.24, "options": ["hsa"]}\n',
        encoding="utf-8",
    )
    csv_result = run("estimate", "--input", "in.csv")
    assert csv_result.exit_code == 2
    rows = csv_result.stdout.splitlines()
    assert ",hsa," in rows[1] and ",6000.00," in rows[1]
    assert rows[2].startswith("3,") and "tax_rate: '0.24' looks like a fraction" in rows[2]
    jsonl = run("estimate", "--input", "in.jsonl")
    records = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert records[0]["course_total"] == "6000.00" and records[0]["option"] == "hsa"
    assert records[1]["line"] == 2 and "looks like a fraction" in records[1]["error"]


def test_the_library_gives_the_same_hint() -> None:
    with pytest.raises(BadInput, match="looks like a fraction"):
        scenarios.parse({"coinsurance": "0.2"})
