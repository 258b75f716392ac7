"""The Python API (README "Python API"): the same figures and the same JSON as the command line, checked in the
library, and no side effects unless asked."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

import ketacost
from ketacost.errors import BadInput, KetacostError
from ketacost.scenario import INPUTS, Scenario
from tests.conftest import DEFAULT_SHEET, Run


@pytest.fixture
def local_sheet(tmp_path: Path) -> Path:
    target = tmp_path / "pricing.toml"
    shutil.copy(DEFAULT_SHEET, target)
    return target


def test_the_readme_example_gives_the_clis_json_byte_for_byte(run: Run, local_sheet: Path) -> None:
    sheet = ketacost.load_sheet("pricing.toml")
    est = ketacost.estimate(sheet, treatment="iv", sessions=6, hsa_balance="1500")
    cli = run("--pricing", "pricing.toml", "estimate", "-t", "iv", "-n", "6", "--hsa-balance", "1500", "-f", "json")
    assert cli.exit_code == 0, cli.stderr
    assert est.to_json() == cli.stdout
    assert (
        est.to_json(timeline=True)
        == run(
            "--pricing",
            "pricing.toml",
            "estimate",
            "-t",
            "iv",
            "-n",
            "6",
            "--hsa-balance",
            "1500",
            "--timeline",
            "-f",
            "json",
        ).stdout
    )


def test_lists_numbers_and_decimals_are_taken_as_a_script_would_give_them(run: Run) -> None:
    sheet = ketacost.load_sheet()
    options = ["self_pay", "medical_loan"]
    est = ketacost.estimate(sheet, sessions=4, price=Decimal("650.00"), options=options, tax_rate=24)
    flags = ["-n", "4", "--price", "650.00", "-o", "self_pay", "-o", "medical_loan", "--tax-rate", "24"]
    cli = run("estimate", *flags, "-f", "json")
    assert est.to_json() == cli.stdout
    assert [option.id for option in est.data.options] == ["self_pay", "medical_loan"]


def test_a_schedule_gives_the_clis_json(run: Run) -> None:
    sheet = ketacost.load_sheet()
    plan = ketacost.schedule(sheet, "medical_loan", at="high", sessions=8)
    cli = run("schedule", "-o", "medical_loan", "--at", "high", "-n", "8", "-f", "json")
    assert cli.exit_code == 0, cli.stderr
    assert plan.to_json() == cli.stdout


def test_a_quote_draft_is_the_clis_document_and_saves_nothing(run: Run, tmp_path: Path) -> None:
    sheet = ketacost.load_sheet()
    cli = run("quote", "--patient", "Ana Díaz", "--dob", "1984-03-02", "-t", "iv", "--no-save", "--json", "q.json")
    assert cli.exit_code == 0, cli.stderr
    document = json.loads((tmp_path / "q.json").read_text(encoding="utf-8"))
    drafted = ketacost.quote(sheet, patient="Ana Díaz", dob="1984-03-02", treatment="iv", quote_id=document["quote_id"])
    assert json.loads(drafted.to_json()) == document
    assert not (tmp_path / "register").exists()


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        ({"sessions": 0}, "sessions: 0 must be between 1 and 200"),
        ({"sessions": 5000}, "sessions: 5000 must be between 1 and 200"),
        ({"tax_rate": "-5"}, "tax_rate: '-5' must be between 0 and 100"),
        ({"price": "12.345"}, "price: '12.345' has more than two decimals"),
        ({"session": 6}, "session: not an estimate input"),
    ],
)
def test_bad_inputs_raise_a_ketacost_error_naming_the_input(inputs: dict[str, object], expected: str) -> None:
    sheet = ketacost.load_sheet()
    with pytest.raises(BadInput) as raised:
        ketacost.estimate(sheet, **inputs)
    assert raised.value.lines[0].startswith(expected)


def test_a_scenario_built_by_hand_is_checked_too() -> None:
    """Before: Scenario(sessions=0) was priced silently as the sheet's 6 sessions."""
    from ketacost.estimator import estimate

    sheet = ketacost.load_sheet()
    for bad in (
        Scenario(sessions=0),
        Scenario(boosters=-1),
        Scenario(hsa_balance=Decimal("-1")),
        Scenario(tax_rate=Decimal(500)),
    ):
        with pytest.raises(BadInput):
            estimate(sheet.prices, bad, source=sheet.source)


def test_errors_carry_the_lines_the_cli_prints(write_sheet: object, tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(DEFAULT_SHEET.read_text(encoding="utf-8").replace("low = 250.00", "low = 2500.00", 1))
    with pytest.raises(KetacostError) as raised:
        ketacost.load_sheet(broken)
    assert raised.value.lines and all(line.startswith(f"{broken}:") for line in raised.value.lines)


def test_loading_a_sheet_writes_nothing_unless_the_cache_is_asked_for(tmp_path: Path) -> None:
    cache = tmp_path.parent / f"{tmp_path.name}-cache"  # tests/conftest.py points KETACOST_CACHE_DIR here
    ketacost.load_sheet()
    assert not cache.exists() or not any(cache.rglob("*"))
    ketacost.load_sheet(cache=True)
    assert any(cache.rglob("*.json"))


def test_every_scenario_input_is_a_flag_of_estimate_and_a_keyword_of_the_api(run: Run) -> None:
    help_text = run("estimate", "--help").stdout
    for each in INPUTS:
        assert each.flag in help_text
    schedule_help = run("schedule", "--help").stdout
    for each in INPUTS:
        if each.field not in ("options", "budget"):
            assert each.flag in schedule_help


def test_import_ketacost_loads_nothing_of_the_api() -> None:
    import subprocess
    import sys

    code = "import sys, ketacost; print(sorted(m for m in sys.modules if m.startswith('ketacost')))"
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert shown.strip() == "['ketacost']"


def test_the_readmes_python_api_block_runs_as_written(local_sheet: Path) -> None:
    import re

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Python API") :]
    block = re.search(r"```python\n(.*?)```", section, re.S)
    assert block is not None
    import contextlib
    import io

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(block.group(1), "README.md", "exec"), {})
    assert '"pricing"' in printed.getvalue()  # the JSON it prints
