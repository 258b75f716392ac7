"""Payment kinds are defined once (ketacost/kinds): a kind defined in one module and registered is known
everywhere; unknown keys get hints from the keys allowed where they stand; a clinic plan's APR notes are
labelled by price point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, Run

# -- a toy kind, registered in a process of its own (the registry is the process's: other tests keep theirs) -----

TOY_OPTION = """
[options.member]
kind = "membership"
name = "Clinic membership"
monthly_fee = 99.00
months = 12
discount_pct = 20.00
"""

DRIVER = """
import json, sys
from ketacost.sheet import keys, model
from ketacost.sheet.schema import sheet_schema

keys.root(); sheet_schema()  # the sheet's model and key tree are built before the kind is registered
from ketacost import kinds
import toy_kind
kinds.register(toy_kind)
from typer.testing import CliRunner
from ketacost.cli.app import app

results = []
for args in json.loads(sys.argv[1]):
    result = CliRunner().invoke(app, args, env={"COLUMNS": "100"})
    results.append({"code": result.exit_code, "out": result.stdout, "err": result.stderr})
print(json.dumps(results))
"""


def with_toy_kind(tmp_path: Path, *commands: list[str]) -> list[dict[str, Any]]:
    """Each command's exit code, stdout and stderr, run in one process where the toy kind is registered."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "tests"), str(ROOT)])}
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, json.dumps(list(commands))],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    results: list[dict[str, Any]] = json.loads(done.stdout)
    return results


def test_a_kind_defined_in_one_module_is_known_everywhere(
    tmp_path: Path, sheet_text: str, write_sheet: Callable[..., Path]
) -> None:
    sheet = str(write_sheet(sheet_text + TOY_OPTION))
    schema, show, as_json, table, csv, markdown = with_toy_kind(
        tmp_path,
        ["pricing", "schema"],
        ["--pricing", sheet, "pricing", "show"],
        ["--pricing", sheet, "estimate", "--format", "json"],
        ["--pricing", sheet, "estimate", "--format", "table"],
        ["--pricing", sheet, "estimate", "--format", "csv"],
        ["--pricing", sheet, "estimate", "--format", "markdown"],
    )
    for result in (schema, show, as_json, table, csv, markdown):
        assert result["code"] == 0, result["err"]

    document = json.loads(schema["out"])
    assert document["$defs"]["Membership"]["description"].startswith("A clinic membership")
    assert set(document["$defs"]["Membership"]["required"]) == {"name", "kind", "monthly_fee", "months"}
    options = document["properties"]["options"]["patternProperties"]
    assert next(iter(options.values()))["discriminator"]["mapping"]["membership"] == "#/$defs/Membership"

    (shown,) = [line for line in show["out"].splitlines() if line.startswith("member: Clinic membership")]
    assert " ".join(shown.split()) == "member: Clinic membership membership 99.00 a month for 12 months, 20% off"

    member = next(o for o in json.loads(as_json["out"])["options"] if o["id"] == "member")
    assert member["kind"] == "membership"
    typical = member["typical"]  # 3,600.00 less 20%, then 12 x 99.00
    assert (typical["upfront"], typical["monthly"], typical["months"], typical["total_paid"]) == (
        "2880.00",
        "99.00",
        12,
        "4068.00",
    )
    assert member["notes"] == [  # the discount differs at each price point: one note each, labelled
        "At the low price: 20% off the course saves 480.00",
        "At the typical price: 20% off the course saves 720.00",
        "At the high price: 20% off the course saves 1,200.00",
    ]
    assert "Clinic membership" in table["out"]
    assert "Clinic membership: At the typical price: 20% off the course saves 720.00" in table["out"]
    assert (
        "iv,6,3600.00,member,membership,Clinic membership,typical,true,,false,,,12,2880.00,99.00,99.00,4068.00,"
        in csv["out"]
    )
    assert "| Clinic membership | 2,880.00 | 99.00 x 12 |" in markdown["out"]


def test_a_registered_kind_is_validated_with_its_own_rule_and_keys(
    tmp_path: Path, sheet_text: str, write_sheet: Callable[..., Path]
) -> None:
    misspelt = str(write_sheet(sheet_text + TOY_OPTION.replace("monthly_fee", "monthly_fe"), "misspelt.toml"))
    too_generous = str(write_sheet(sheet_text + TOY_OPTION.replace("discount_pct = 20.00", "discount_pct = 60.00")))
    first, second = with_toy_kind(
        tmp_path, ["--pricing", misspelt, "estimate"], ["--pricing", too_generous, "estimate"]
    )
    assert (first["code"], second["code"]) == (2, 2)
    assert "options.member.monthly_fe: unknown key (did you mean 'monthly_fee'?)" in first["err"]
    line = (sheet_text + TOY_OPTION).splitlines().index("discount_pct = 20.00") + 1
    assert second["err"].endswith(
        f":{line}:1: options.member.discount_pct: must be below 50 (a membership is not a giveaway)\n"
    )


def test_without_registering_it_the_toy_kind_is_refused(
    run: Run, sheet_text: str, write_sheet: Callable[..., Path]
) -> None:
    result = run("--pricing", str(write_sheet(sheet_text + TOY_OPTION)), "estimate")
    assert result.exit_code == 2
    assert "options.member: kind must be one of 'self_pay', 'hsa', 'fsa', 'loan'," in result.stderr


# -- unknown keys: the nearest key allowed where the key stands, never the key itself ------------------------------


@pytest.mark.parametrize(
    ("key", "misspelt", "hint"),
    [
        (
            "standard_apr = ",
            "standard_aprr = ",
            "options.care_card.standard_aprr: unknown key (did you mean 'standard_apr'?)",
        ),
        (
            "coinsurance_pct = ",
            "coinsurance_pc = ",
            "options.insurance.coinsurance_pc: unknown key (did you mean 'coinsurance_pct'?)",
        ),
        ("months = 6 ", "term_months = 6 ", "options.clinic_plan.term_months: unknown key (did you mean 'months'?)"),
    ],
)
def test_an_unknown_key_gets_the_nearest_key_of_its_own_table(
    run: Run, sheet_text: str, write_sheet: Callable[..., Path], key: str, misspelt: str, hint: str
) -> None:
    assert f"\n{key}" in sheet_text
    result = run("--pricing", str(write_sheet(sheet_text.replace(f"\n{key}", f"\n{misspelt}", 1))), "estimate")
    assert result.exit_code == 2
    assert hint in result.stderr


def test_a_key_right_elsewhere_but_wrong_here_is_never_suggested_as_itself(
    run: Run, sheet_text: str, write_sheet: Callable[..., Path]
) -> None:
    text = sheet_text.replace('kind = "va"\n', 'kind = "va"\nterm_months = 12\n', 1)
    result = run("--pricing", str(write_sheet(text)), "estimate")
    assert result.exit_code == 2
    (line,) = [line for line in result.stderr.splitlines() if "options.va.term_months" in line]
    assert line.endswith("options.va.term_months: unknown key")


# -- notes: a clinic plan's APR at each price point, labelled ------------------------------------------------------

FEE_PLAN = ("setup_fee = 0.00 ", "setup_fee = 50.00")
APRS = [
    "At the low price: APR 12.77% counting the plan fee (Regulation Z)",
    "At the typical price: APR 9.47% counting the plan fee (Regulation Z)",
    "At the high price: APR 6.86% counting the plan fee (Regulation Z)",
]


@pytest.fixture
def fee_sheet(sheet_text: str, write_sheet: Callable[..., Path]) -> str:
    old, new = FEE_PLAN
    assert old in sheet_text
    text = sheet_text.replace(old, new).replace(
        "apr = 0.00                        # EXAMPLE: many", "apr = 3.00  # many"
    )
    return str(write_sheet(text))


def test_a_clinic_plan_with_a_setup_fee_has_one_labelled_apr_note_per_price_point_in_json(
    run_json: Callable[..., Any], fee_sheet: str
) -> None:
    plan = next(o for o in run_json("--pricing", fee_sheet, "estimate")["options"] if o["id"] == "clinic_plan")
    assert [note for note in plan["notes"] if "APR" in note] == APRS


@pytest.mark.parametrize("form", ["table", "markdown"])
def test_a_clinic_plan_with_a_setup_fee_has_one_labelled_apr_note_per_price_point(
    run: Run, fee_sheet: str, form: str
) -> None:
    result = run("--pricing", fee_sheet, "estimate", "--format", form, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    escaped = [apr.replace("(", "\\(").replace(")", "\\)") if form == "markdown" else apr for apr in APRS]
    lines = [line for line in result.stdout.splitlines() if "Clinic payment plan:" in line and "APR" in line]
    assert lines == [f"- Clinic payment plan: {apr}" for apr in escaped]


def test_a_note_the_same_at_every_price_point_is_said_once_unlabelled(run_json: Callable[..., Any]) -> None:
    loan = next(o for o in run_json("estimate")["options"] if o["id"] == "medical_loan")
    assert loan["notes"][:2] == [
        "5% origination fee deducted from the proceeds",
        "APR 23.35% counting fees (Regulation Z); interest rate 17.99% over 24 months",
    ]


# -- the GFE's legal wording says the dispute process's figures as ketacost.dispute defines them ------------------


def test_the_gfe_dispute_wording_comes_from_the_dispute_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    from decimal import Decimal

    from ketacost import gfe

    def wording() -> str:
        return " ".join(p for d in gfe.disclaimers("Clinic", "Front desk") for p in d.paragraphs)

    assert "at least $400 more" in wording()
    assert "within 120 calendar days (about 4 months)" in wording()
    assert "There is a $25 fee" in wording()
    monkeypatch.setattr(gfe.wording, "DISPUTE_THRESHOLD", Decimal("450.00"))
    monkeypatch.setattr(gfe.wording, "DISPUTE_WINDOW_DAYS", 180)
    monkeypatch.setattr(gfe.wording, "DISPUTE_FEE", Decimal("27.50"))
    changed = wording()
    assert "at least $450 more" in changed
    assert "within 180 calendar days (about 6 months)" in changed
    assert "There is a $27.50 fee" in changed
