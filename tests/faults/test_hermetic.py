"""The suite passes whatever the caller's shell holds: colour, width, terminal type and locale (issue 9, item 10).

Reproduced before: `NO_COLOR=1 python -m pytest` failed tests/cli/test_estimate.py and `FORCE_COLOR=1` failed 7
tests, because they asserted plain output while the caller's variables reached the program.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The tests that print tables and colours: the ones the caller's environment used to break.
SAMPLE = ("tests/cli/test_estimate.py", "tests/cli/test_schedule.py", "tests/test_plain_wrap.py")


@pytest.mark.parametrize(
    "caller",
    [
        {"NO_COLOR": "1"},
        {"FORCE_COLOR": "1"},
        {"COLUMNS": "40", "TERM": "dumb"},
        {"LC_ALL": "C", "LANG": "C"},
    ],
    ids=["NO_COLOR", "FORCE_COLOR", "COLUMNS-40-TERM-dumb", "LC_ALL-C"],
)
def test_the_suite_passes_whatever_the_caller_environment_holds(caller: dict[str, str]) -> None:
    env = {**os.environ, **caller}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", *SAMPLE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
