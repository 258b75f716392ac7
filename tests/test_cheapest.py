"""Issue 12, item 1: "cheapest" only among the options the patient can use; what needs something they did not
claim (an HSA, an FSA, VA eligibility, insurance) is named apart ("With a health FSA: ...")."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ketacost import kinds
from tests.conftest import Run


def _by_id(doc: Any) -> dict[str, Any]:
    return {option["id"]: option for option in doc["options"]}


def test_without_account_flags_the_cheapest_requires_nothing(run_json: Callable[..., Any]) -> None:
    doc = run_json("estimate")
    cheapest = _by_id(doc)[doc["cheapest"]]
    assert cheapest["requires"] == []
    assert doc["cheapest"] == "iv_six"  # the package (issue 11): open to everyone, cheaper than per session
    # What would be cheaper with what the patient did not claim is said apart, not starred.
    assert {(c["requires"], c["option"]) for c in doc["cheaper_with"]} == {
        ("hsa", "hsa"),
        ("fsa", "fsa"),
        ("va", "va"),
    }


def test_with_an_hsa_balance_the_cheapest_is_not_the_fsa(run_json: Callable[..., Any]) -> None:
    doc = run_json("estimate", "--hsa-balance", "1500")
    assert doc["cheapest"] != "fsa"
    assert doc["cheapest"] == "hsa"
    assert doc["have"] == ["hsa"]


@pytest.mark.parametrize(
    ("flags", "cheapest"),
    [
        (("--fsa-balance", "3400"), "fsa"),
        (("--have", "fsa"), "fsa"),
        (("--have", "va"), "va"),
        (("--have", "hsa", "--have", "fsa", "--have", "va"), "va"),
        (("-t", "spravato", "--copay", "20", "-o", "self_pay", "-o", "insurance"), "insurance"),  # a flag says so
        (("-t", "spravato", "--copay", "20"), "carepath"),  # and then the copay program (issue 14) too
    ],
)
def test_what_the_patient_has_opens_its_options(
    run_json: Callable[..., Any], flags: tuple[str, ...], cheapest: str
) -> None:
    assert run_json("estimate", *flags)["cheapest"] == cheapest


def test_every_option_says_what_it_requires(run_json: Callable[..., Any]) -> None:
    requires = {option_id: option["requires"] for option_id, option in _by_id(run_json("estimate")).items()}
    assert requires == {
        "self_pay": [],
        "hsa": ["hsa"],
        "fsa": ["fsa"],
        "medical_loan": [],
        "clinic_plan": [],
        "care_card": [],
        "card_24": [],
        "card_60": [],
        "insurance": ["insurance"],
        "va": ["va"],
        "partner_6": [],  # issue 11's lender grid, membership and package: open to everyone
        "partner_12": [],
        "partner_24": [],
        "membership": [],
        "out_of_network": ["insurance"],  # issue 14's kinds work through a health plan
        "carepath": ["insurance"],
        "iv_six": [],
    }


def test_requirements_are_defined_once_per_kind() -> None:
    assert kinds.by_kind("hsa").requires("hsa") == ("hsa",)
    assert kinds.by_kind("fsa").requires("fsa") == ("fsa",)
    assert kinds.by_kind("va").requires("va") == ("va",)
    assert kinds.by_kind("loan").requires("loan") == ()


def test_the_table_names_the_cheaper_options_apart(run: Run) -> None:
    out = " ".join(run("estimate").stdout.split())
    lowest = "* Lowest net cost at the typical price: Package: 6 infusions (3,300.00), among the options you can use."
    assert lowest in out
    assert "With an HSA: HSA (pre-tax) (2,808.00)." in out
    assert "With a health FSA: Health FSA (pre-tax) (2,591.90)." in out
    assert "With VA eligibility: VA coverage (eligible veterans) (300.00)." in out
    assert "* Health FSA" not in out and "* VA" not in out


def test_an_unknown_have_is_refused_with_the_choices(run: Run) -> None:
    result = run("estimate", "--have", "hmo")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "--have: unknown 'hmo' (choose from: hsa, hsa-payroll, fsa, va, insurance, eligibility)"
    )


def test_installed_entry_point_names_a_cheapest_that_requires_nothing(tmp_path: Path) -> None:
    import json

    ketacost = Path(sys.executable).with_name("ketacost")
    done = subprocess.run(
        [str(ketacost), "estimate", "--format", "json"], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    doc = json.loads(done.stdout)
    assert _by_id(doc)[doc["cheapest"]]["requires"] == []
