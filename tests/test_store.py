"""The quote register: saved whole, never changed, found again; concurrent writers all land; killed writers lose
nothing that was saved."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from ketacost import store
from ketacost.errors import BadInput, Conflict
from tests.conftest import ROOT


def quote(quote_id: str, name: str = "Ana Diaz", issued_on: str = "2026-11-27") -> store.Quote:
    document = json.dumps({"quote_id": quote_id, "patient": name}) + "\n"
    return store.Quote(
        id=quote_id,
        patient_name=name,
        patient_dob="1984-03-02",
        issued_at=f"{issued_on}T10:00:00+00:00",
        issued_on=issued_on,
        service="IV ketamine infusion",
        total_low="2400.00",
        total_high="6000.00",
        inputs="{}",
        document=document,
        document_sha256=store.sha256(document),
        sheet_sha256="0" * 64,
        sheet_effective="2026-11-01",
        sheet_source="built-in default",
    )


def issue(path: Path, quote_id: str, **kwargs: str) -> store.Quote:
    with store.open_register(path, create=True) as register:
        assert register is not None
        return register.issue(lambda qid: quote(qid, **kwargs), lambda: quote_id)


def test_a_saved_quote_is_found_again_field_for_field(tmp_path: Path) -> None:
    path = tmp_path / "r" / "quotes.sqlite3"
    saved = issue(path, "Q-20261127-AAAA")
    with store.open_register(path, create=False) as register:
        assert register is not None
        assert register.get("Q-20261127-AAAA") == saved
        assert register.get("Q-20261127-ZZZZ") is None


def test_the_register_is_wal_versioned_and_private(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "quotes.sqlite3"
    issue(path, "Q-20261127-AAAA")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    db.close()


def test_listing_filters_by_patient_ignoring_case_and_by_date(tmp_path: Path) -> None:
    path = tmp_path / "quotes.sqlite3"
    issue(path, "Q-20261101-AAAA", name="Ana Díaz", issued_on="2026-11-01")
    issue(path, "Q-20261127-BBBB", name="Bob Stone", issued_on="2026-11-27")
    issue(path, "Q-20261128-CCCC", name="ANA DÍAZ-LÓPEZ", issued_on="2026-11-28")
    import datetime as dt

    with store.open_register(path, create=False) as register:
        assert register is not None
        assert [q.id for q in register.find()] == ["Q-20261101-AAAA", "Q-20261127-BBBB", "Q-20261128-CCCC"]
        assert [q.id for q in register.find(patient="díaz")] == ["Q-20261101-AAAA", "Q-20261128-CCCC"]
        assert [q.id for q in register.find(since=dt.date(2026, 11, 27))] == ["Q-20261127-BBBB", "Q-20261128-CCCC"]
        assert [q.id for q in register.find(patient="ana", since=dt.date(2026, 11, 2))] == ["Q-20261128-CCCC"]
        assert register.find(patient="%") == []  # no SQL wildcards


def test_reading_a_register_that_does_not_exist_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "none" / "quotes.sqlite3"
    with store.open_register(path, create=False) as register:
        assert register is None
    assert not path.parent.exists()


def test_saved_quotes_can_be_neither_changed_nor_deleted(tmp_path: Path) -> None:
    path = tmp_path / "quotes.sqlite3"
    issue(path, "Q-20261127-AAAA")
    db = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="saved quotes are never changed"):
        db.execute("UPDATE quotes SET patient_name = 'X'")
    with pytest.raises(sqlite3.IntegrityError, match="saved quotes are never deleted"):
        db.execute("DELETE FROM quotes")
    db.close()


def test_a_document_altered_behind_ketacosts_back_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "quotes.sqlite3"
    issue(path, "Q-20261127-AAAA")
    db = sqlite3.connect(path)
    db.execute("DROP TRIGGER quotes_never_updated")
    db.execute("UPDATE quotes SET document = replace(document, 'Ana', 'Eve')")
    db.commit()
    db.close()
    with store.open_register(path, create=False) as register, pytest.raises(BadInput, match="does not match its"):
        assert register is not None
        register.get("Q-20261127-AAAA")


def test_a_taken_id_is_retried_with_a_new_one(tmp_path: Path) -> None:
    path = tmp_path / "quotes.sqlite3"
    issue(path, "Q-20261127-AAAA")
    ids = iter(["Q-20261127-AAAA", "Q-20261127-AAAA", "Q-20261127-BBBB"])
    with store.open_register(path, create=True) as register:
        assert register is not None
        saved = register.issue(quote, lambda: next(ids))
        assert saved.id == "Q-20261127-BBBB"
        assert len(register.find()) == 2
    with store.open_register(path, create=True) as register, pytest.raises(Conflict, match="unused quote ID"):
        assert register is not None
        register.issue(quote, lambda: "Q-20261127-AAAA")


def test_a_failed_insert_leaves_nothing_behind(tmp_path: Path) -> None:
    path = tmp_path / "quotes.sqlite3"
    issue(path, "Q-20261127-AAAA")
    broken = quote("Q-20261127-BBBB")
    object.__setattr__(broken, "patient_name", None)  # NOT NULL fails inside the transaction
    with store.open_register(path, create=True) as register, pytest.raises(sqlite3.IntegrityError):
        assert register is not None
        register.issue(lambda _: broken, lambda: "Q-20261127-BBBB")
    with store.open_register(path, create=False) as register:
        assert register is not None
        assert [q.id for q in register.find()] == ["Q-20261127-AAAA"]


def test_not_a_register_is_refused_clearly(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(BadInput, match="not a ketacost quote register"), store.open_register(garbage, create=True):
        pass
    other = tmp_path / "other.sqlite3"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    expected = "SQLite database but not a ketacost quote register"
    with pytest.raises(BadInput, match=expected), store.open_register(other, create=True):
        pass
    with pytest.raises(BadInput, match="is a directory"), store.open_register(tmp_path, create=True):
        pass


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "quotes.sqlite3"
    issue(path, "Q-20261127-AAAA")
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 3")
    db.close()
    expected = "schema version 3; this ketacost reads version 2"
    with pytest.raises(BadInput, match=expected), store.open_register(path, create=False):
        pass


def test_a_register_held_too_long_by_another_writer_is_a_conflict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "quotes.sqlite3"
    issue(path, "Q-20261127-AAAA")
    monkeypatch.setattr(store, "BUSY_TIMEOUT_SECONDS", 0.2)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(Conflict, match="busy"), store.open_register(path, create=True) as register:
            assert register is not None
            register.issue(quote, lambda: "Q-20261127-BBBB")
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_location_flag_then_environment_then_user_data_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KETACOST_STORE", "/from/env.sqlite3")
    assert store.discover("given.sqlite3") == Path("given.sqlite3")
    assert store.discover(None) == Path("/from/env.sqlite3")
    monkeypatch.delenv("KETACOST_STORE")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    if sys.platform.startswith("linux"):
        assert store.discover(None) == tmp_path / "data" / "ketacost" / "quotes.sqlite3"
        monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
        assert store.discover(None) == Path.home() / ".local" / "share" / "ketacost" / "quotes.sqlite3"


# --- several processes --------------------------------------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import os, sys, time
    from typer.testing import CliRunner
    from ketacost.cli.app import app
    start, count, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    while not os.path.exists(start):
        time.sleep(0.005)
    runner = CliRunner()
    for index in range(count):
        result = runner.invoke(app, ["quote", "--patient", f"{name} {index}", "--dob", "1984-03-02"])
        if result.exit_code != 0:
            sys.exit(f"{name} {index}: exit {result.exit_code}: {result.stderr}")
        print(result.stderr.strip().splitlines()[-1], flush=True)
    """
)


def test_two_processes_issuing_quotes_at_once_all_land(tmp_path: Path) -> None:
    path = tmp_path / "shared" / "quotes.sqlite3"
    start = tmp_path / "start"
    env = {**os.environ, "KETACOST_STORE": str(path), "PYTHONPATH": str(ROOT)}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(start), "20", name],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("Writer A", "Writer B")
    ]
    time.sleep(0.3)  # both import ketacost, then start together
    start.touch()
    outputs = [writer.communicate(timeout=120) for writer in writers]
    for writer, (_, err) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, err
    with store.open_register(path, create=False) as register:
        assert register is not None
        saved = register.find()
    assert len(saved) == 40
    assert len({q.id for q in saved}) == 40
    names = {q.patient_name for q in saved}
    assert names == {f"Writer {w} {i}" for w in "AB" for i in range(20)}
    for q in saved:  # every document is whole, and names its own quote
        assert json.loads(q.document)["quote_id"] == q.id
    writers_in_first_half = {q.patient_name.split()[1] for q in saved[:20]}
    assert writers_in_first_half == {"A", "B"}, "the two writers did not run at the same time"


FIRST_WRITER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from tests.test_store import issue
    folder, name, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for round_number in range(rounds):
        start = os.path.join(folder, f"start-{round_number}")
        while not os.path.exists(start):
            time.sleep(0.001)
        issue(Path(folder) / f"register-{round_number}.sqlite3", f"Q-{name}-{round_number}", name=name)
    """
)


def test_processes_creating_a_new_register_at_once_all_land(tmp_path: Path) -> None:
    # The first quotes race to create the file and switch it to WAL; SQLite then says "locked" without waiting.
    # Before the register retried those moments, a run of this test failed two times in three.
    rounds, names = 24, ("A", "B", "C", "D")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", FIRST_WRITER, str(tmp_path), name, str(rounds)],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    time.sleep(0.3)  # let them import ketacost
    for round_number in range(rounds):
        (tmp_path / f"start-{round_number}").touch()
        time.sleep(0.05)
    outputs = [writer.communicate(timeout=120) for writer in writers]
    for writer, (_, err) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, err
    for round_number in range(rounds):
        with store.open_register(tmp_path / f"register-{round_number}.sqlite3", create=False) as register:
            assert register is not None
            assert sorted(q.patient_name for q in register.find()) == list(names)


KILLED_WRITER = textwrap.dedent(
    """
    import sys
    from ketacost import store
    from tests.test_store import quote
    path = store.discover(sys.argv[1])
    with store.open_register(path, create=True) as register:
        n = 0
        while True:
            n += 1
            register.issue(lambda qid: quote(qid, name="x" * 5000), lambda: f"Q-{sys.argv[2]}-{n:08d}")
            print(n, flush=True)
    """
)


def test_a_writer_killed_mid_write_leaves_only_whole_quotes(tmp_path: Path) -> None:
    path = tmp_path / "quotes.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for round_number in range(4):
        writer = subprocess.Popen(
            [sys.executable, "-c", KILLED_WRITER, str(path), f"K{round_number}"],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout is not None
        for _ in range(5 + 7 * round_number):  # let it save a few, then kill it wherever it is
            writer.stdout.readline()
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    with store.open_register(path, create=False) as register:  # every row passes its SHA-256 check
        assert register is not None
        saved = register.find()
    assert len(saved) >= 5 + 12 + 19 + 26
