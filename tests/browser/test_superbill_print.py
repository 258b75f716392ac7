"""The superbill in a real browser: headless Chromium prints it on at most 2 Letter pages with every field in the
text (issue 14 item 1). Same tools and skip rules as the GFE's browser tests."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path

from tests.browser.test_gfe_browser import LETTER, Tools, tools  # noqa: F401 (tools: the fixture)
from tests.cli.test_entry_point import installed_ketacost

PATIENT = ("--patient", "Ana Diaz", "--dob", "1984-03-02", "--member-id", "XYZ123456789")


def issue(directory: Path, *args: str) -> tuple[str, Path]:
    """Run the installed ``ketacost superbill`` and return its ID and the HTML page it wrote."""
    result = subprocess.run(
        [installed_ketacost(), "superbill", *PATIENT, *args, "--html", "superbill.html"],
        cwd=directory,
        env={**os.environ, "KETACOST_STORE": str(directory / "quotes.sqlite3"), "COLUMNS": "100"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    match = re.search(r"Superbill (S-\d{8}-[0-9A-Z]{4}) saved", result.stderr)
    assert match, result.stderr
    return match.group(1), directory / "superbill.html"


def days_ago(*days: int) -> list[str]:
    today = dt.date.today()
    return [(today - dt.timedelta(days=n)).isoformat() for n in days]


def test_two_sessions_print_every_field_on_at_most_two_letter_pages(
    tools: Tools,  # noqa: F811
    tmp_path: Path,
) -> None:
    first, second = days_ago(10, 7)
    superbill_id, page = issue(tmp_path, "-t", "iv", "--session", f"{first}=600", "--session", f"{second}=450")
    pdf = tools.pdf(page)
    info = tools.info(pdf)
    assert info["Page size"] == LETTER
    assert 1 <= int(info["Pages"]) <= 2
    text = tools.text(pdf)
    for phrase in (
        superbill_id,
        "Ana Diaz",
        "1984-03-02",
        "XYZ123456789",
        "Example Ketamine Clinic",
        "1234567893",
        "12-3456789",
        "F33.2",
        "Major depressive disorder",
        first,
        second,
        "96365",
        "J3490",
        "Total charged 1,200.00",
        "Total paid 1,050.00",
        "Provider signature",
        "11 Office",
    ):
        assert phrase in text, phrase
    assert f"Superbill {superbill_id}" in text and f"Page {info['Pages']} of {info['Pages']}" in text


def test_a_kap_course_of_twelve_sessions_with_two_rendering_providers_fits_two_pages(
    tools: Tools,  # noqa: F811
    tmp_path: Path,
) -> None:
    sessions = [arg for day in days_ago(*range(90, 6, -7)) for arg in ("--session", day)]
    _, page = issue(tmp_path, "-t", "kap", *sessions)
    info = tools.info(tools.pdf(page))
    assert info["Page size"] == LETTER
    assert int(info["Pages"]) <= 2
