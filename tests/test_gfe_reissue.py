"""GFE timing (when it was due under 45 CFR 149.610(b)(1)(vi)) and re-issue (``quote --supersedes``): the link in
the register, kept append-only, the migration of a version-1 register, and every refusal."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest

from ketacost import store
from ketacost.errors import Conflict
from ketacost.gfe import timing
from tests.cli.test_entry_point import installed_ketacost
from tests.conftest import Run
from tests.test_store import issue, quote

ANA = ("--patient", "Ana Diaz", "--dob", "1984-03-02")
FRIDAY = dt.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ketacost.cli.quote.today", lambda: FRIDAY)


# --- when a GFE is due ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "scheduled", "due", "rule"),
    [
        # Friday -> Tuesday is 2 business days ahead: no deadline at scheduling, so as on request (3 business days).
        (FRIDAY, dt.date(2026, 12, 1), dt.date(2026, 12, 2), "less than 3): as on request"),
        # 3 business days ahead (Mon, Tue, Wed): within 1 business day of scheduling, Monday.
        (FRIDAY, dt.date(2026, 12, 2), dt.date(2026, 11, 30), "within 1 business day of scheduling"),
        # 9 business days ahead: still 1 business day; 10 ahead: 3 business days (Wednesday).
        (FRIDAY, dt.date(2026, 12, 10), dt.date(2026, 11, 30), "scheduled 9 business days ahead"),
        (FRIDAY, dt.date(2026, 12, 11), dt.date(2026, 12, 2), "within 3 business days of scheduling"),
        # On request (not scheduled): 3 business days.
        (FRIDAY, None, dt.date(2026, 12, 2), "on request, within 3 business days of the request"),
    ],
)
def test_the_deadline_follows_the_rules_business_days(
    asked: dt.date, scheduled: dt.date | None, due: dt.date, rule: str
) -> None:
    found = timing.due(asked, scheduled)
    assert found.by == due
    assert rule in found.rule


def test_a_late_gfe_is_issued_with_a_warning_and_says_when_it_was_due(run: Run, tmp_path: Path) -> None:
    result = run("quote", *ANA, "--scheduled", "2026-12-20", "--scheduled-on", "2026-11-02", "--json", "g.json")
    assert result.exit_code == 0, result.stderr
    assert "warning: this Good Faith Estimate is late: Due by November 5, 2026: scheduled 34 " in result.stderr
    document = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))
    assert document["timing"].startswith("Due by November 5, 2026: scheduled 34 business days ahead (at least 10)")
    on_time = run("quote", *ANA, "--scheduled", "2026-12-20")
    assert "warning" not in on_time.stderr
    assert "Timing: Due by December 2, 2026" in on_time.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--scheduled-on", "2026-11-28"), "--scheduled-on: 2026-11-28 is in the future (today is 2026-11-27)"),
        (("--scheduled-on", "soon"), "--scheduled-on: 'soon' is not a date"),
    ],
)
def test_bad_scheduling_dates_exit_2(run: Run, args: tuple[str, ...], message: str) -> None:
    result = run("quote", *ANA, *args)
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr


# --- re-issue ---------------------------------------------------------------------------------------------------


def ketacost(directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [installed_ketacost(), *args],
        cwd=directory,
        env={**os.environ, "KETACOST_STORE": str(directory / "quotes.sqlite3"), "COLUMNS": "100"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def saved_id(stderr: str) -> str:
    match = re.search(r"Quote (Q-\d{8}-[0-9A-Z]{4}) saved", stderr)
    assert match, stderr
    return match.group(1)


def test_supersedes_links_the_new_quote_to_the_old_and_show_says_which_replaced_it(tmp_path: Path) -> None:
    old = saved_id(ketacost(tmp_path, "quote", *ANA).stderr)
    result = ketacost(tmp_path, "quote", *ANA, "--add-on", "consultation", "--supersedes", old.lower(), "--json", "n")
    assert result.returncode == 0, result.stderr
    new = saved_id(result.stderr)
    assert json.loads((tmp_path / "n").read_text(encoding="utf-8"))["supersedes"] == old
    assert f"Replaces: Good Faith Estimate {old}" in result.stdout
    shown = ketacost(tmp_path, "quotes", "show", old)
    assert shown.returncode == 0
    assert shown.stdout.rstrip().endswith(f"Replaced by quote {new} (a new Good Faith Estimate for a changed scope).")
    assert "Replaced by" not in ketacost(tmp_path, "quotes", "show", new).stdout
    listed = ketacost(tmp_path, "quotes", "list", "-f", "json")
    assert [row["id"] for row in json.loads(listed.stdout)] == [old, new]  # both kept
    again = ketacost(tmp_path, "quote", *ANA, "--supersedes", old)
    assert again.returncode == 3
    assert again.stderr == f"--supersedes: quote {old} was already replaced by {new}; replace {new} instead\n"
    other = ketacost(tmp_path, "quote", "--patient", "Bob Ray", "--dob", "1984-03-02", "--supersedes", new)
    assert other.returncode == 2
    assert f"--supersedes: quote {new} is for Ana Diaz (born 1984-03-02), not Bob Ray" in other.stderr
    missing = ketacost(tmp_path, "quote", *ANA, "--supersedes", "Q-20261127-ZZZZ")
    assert missing.returncode == 2 and "--supersedes: no quote Q-20261127-ZZZZ in the register" in missing.stderr
    draft = ketacost(tmp_path, "quote", *ANA, "--supersedes", new, "--no-save")
    assert draft.returncode == 2 and "--supersedes: a draft (--no-save) replaces nothing" in draft.stderr
    assert len(json.loads(ketacost(tmp_path, "quotes", "list", "-f", "json").stdout)) == 2  # nothing more saved


def test_links_are_never_changed_or_deleted(tmp_path: Path) -> None:
    path = tmp_path / "quotes.sqlite3"
    issue(path, "Q-20261127-AAAA")
    with store.open_register(path, create=True) as register:
        assert register is not None
        register.issue(lambda qid: quote(qid), lambda: "Q-20261127-BBBB", supersedes="Q-20261127-AAAA")
    db = sqlite3.connect(path)
    for sql in ("UPDATE supersessions SET supersedes = 'x'", "DELETE FROM supersessions"):
        with pytest.raises(sqlite3.DatabaseError, match="never"):
            db.execute(sql)
    db.close()


def version_1_register(path: Path) -> None:
    """A register as ketacost wrote it before links were kept: schema version 1, one quote."""
    db = sqlite3.connect(path, isolation_level=None)
    for statement in store._statements(store._SCHEMA):
        db.execute(statement)
    db.execute("PRAGMA user_version = 1")
    row = quote("Q-20261127-AAAA")
    names = [f.name for f in store.dataclasses.fields(row)]
    db.execute(
        f"INSERT INTO quotes ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
        [getattr(row, n) for n in names],
    )
    db.close()


def test_a_version_1_register_reads_as_is_and_is_upgraded_when_written(tmp_path: Path) -> None:
    path = tmp_path / "quotes.sqlite3"
    version_1_register(path)
    with store.open_register(path, create=False) as register:
        assert register is not None
        assert register.get("Q-20261127-AAAA") is not None
        assert register.replaced_by("Q-20261127-AAAA") is None
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 1  # reading changes nothing
    with store.open_register(path, create=True) as register:
        assert register is not None
        register.issue(lambda qid: quote(qid), lambda: "Q-20261127-BBBB", supersedes="Q-20261127-AAAA")
        assert register.replaced_by("Q-20261127-AAAA") == "Q-20261127-BBBB"
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION == 2


def test_a_second_replacement_of_the_same_quote_is_a_conflict(tmp_path: Path) -> None:
    path = tmp_path / "quotes.sqlite3"
    issue(path, "Q-20261127-AAAA")
    with store.open_register(path, create=True) as register:
        assert register is not None
        register.issue(lambda qid: quote(qid), lambda: "Q-20261127-BBBB", supersedes="Q-20261127-AAAA")
        with pytest.raises(Conflict, match="already replaced by Q-20261127-BBBB"):
            register.issue(lambda qid: quote(qid), lambda: "Q-20261127-CCCC", supersedes="Q-20261127-AAAA")
        assert register.get("Q-20261127-CCCC") is None  # nothing saved
