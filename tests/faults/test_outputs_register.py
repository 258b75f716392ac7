"""Issue 9, outputs and the register: no output replaces program state; a quote is saved and written whole or the
failure is reported with how to finish; patient data is private whatever the umask; the register keeps answering
(a damaged row, a read-only directory, a register whose guards were dropped)."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, Run

ANA = ("--patient", "Ana Diaz", "--dob", "1984-03-02")


def installed_ketacost() -> str:
    found = shutil.which("ketacost", path=str(Path(sys.executable).parent))
    assert found, "the ketacost console script is not installed next to this Python (pip install -e '.[test]')"
    return found


def issued_id(stderr: str) -> str:
    match = re.search(r"Quote (Q-\d{8}-[0-9A-Z]{4}) ", stderr)
    assert match, stderr
    return match.group(1)


def listed_ids(run: Run, *args: str) -> list[str]:
    result = run("quotes", "list", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return [item["id"] for item in json.loads(result.stdout)]


@pytest.fixture
def register(tmp_path: Path, run: Run) -> tuple[Path, list[str]]:
    """A register (``--store r.sqlite3`` in the working directory) holding two quotes."""
    path = tmp_path / "r.sqlite3"
    ids = []
    for _ in range(2):
        result = run("quote", *ANA, "--store", str(path))
        assert result.exit_code == 0, result.stderr
        ids.append(issued_id(result.stderr))
    return path, ids


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- 1. no output overwrites program state ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--json", "r.sqlite3"), "--json: r.sqlite3 is the quote register"),
        (("--html", "x.html", "--markdown", "r.sqlite3"), "--markdown: r.sqlite3 is the quote register"),
        (("--html", "link.html"), "--html: link.html is the quote register"),  # a symlink to it
        (("--json", "hard.json"), "--json: hard.json is the quote register"),  # a hard link to it
        (("--json", "./sub/../r.sqlite3"), "is the quote register"),
        (("--html", "r.sqlite3-wal"), "--html: r.sqlite3-wal is the quote register's wal file"),
        (("--html", "r.sqlite3-journal"), "--html: r.sqlite3-journal is the quote register's journal file"),
        (("--no-save", "--json", "r.sqlite3"), "--json: r.sqlite3 is the quote register"),
        (("--html", "a.out", "--json", "a.out"), "--json: a.out is also given to --html"),
    ],
)
def test_an_output_over_the_register_or_another_output_is_refused_and_every_quote_stays(
    run: Run, tmp_path: Path, register: tuple[Path, list[str]], args: tuple[str, ...], expected: str
) -> None:
    path, ids = register
    (tmp_path / "link.html").symlink_to(path)
    os.link(path, tmp_path / "hard.json")
    (tmp_path / "sub").mkdir()
    before = path.read_bytes()
    result = run("quote", *ANA, "--store", str(path), *args)
    assert result.exit_code == 2
    assert expected in result.stderr
    assert path.read_bytes() == before
    assert listed_ids(run, "--store", str(path)) == ids
    assert not (tmp_path / "a.out").exists() and not (tmp_path / "x.html").exists()


def test_the_register_named_by_ketacost_store_is_protected_too(
    run: Run, tmp_path: Path, register: tuple[Path, list[str]]
) -> None:
    path, ids = register
    result = run("quote", *ANA, "--json", "r.sqlite3", env={"KETACOST_STORE": str(path)})
    assert result.exit_code == 2
    assert "--json: r.sqlite3 is the quote register; give another file" in result.stderr
    assert listed_ids(run, "--store", str(path)) == ids


def test_quotes_show_cannot_write_over_the_register(run: Run, register: tuple[Path, list[str]]) -> None:
    path, ids = register
    result = run("quotes", "show", ids[0], "--markdown", "r.sqlite3", "--store", str(path))
    assert result.exit_code == 2
    assert "--markdown: r.sqlite3 is the quote register" in result.stderr
    assert listed_ids(run, "--store", str(path)) == ids


def test_a_quote_cannot_write_over_the_sheet_in_use(run: Run, tmp_path: Path, sheet_text: str) -> None:
    sheet = tmp_path / "pricing.toml"
    sheet.write_text(sheet_text, encoding="utf-8")
    for env in ({}, {"KETACOST_PRICING": str(sheet)}):  # ./pricing.toml, then $KETACOST_PRICING
        result = run("quote", *ANA, "--html", "pricing.toml", env=env)
        assert result.exit_code == 2
        assert "--html: pricing.toml is the price sheet in use; give another file" in result.stderr
    result = run("quote", *ANA, "--pricing", str(sheet), "--markdown", str(sheet))
    assert result.exit_code == 2
    assert sheet.read_text(encoding="utf-8") == sheet_text
    assert listed_ids(run) == []  # nothing saved either


def test_pricing_init_cannot_write_over_the_register(run: Run, register: tuple[Path, list[str]]) -> None:
    path, ids = register
    result = run("pricing", "init", str(path), "--force", env={"KETACOST_STORE": str(path)})
    assert result.exit_code == 2
    assert "is the quote register" in result.stderr
    assert listed_ids(run, "--store", str(path)) == ids


# --- 3. a quote is whole or clearly reported --------------------------------------------------------------------


def test_a_preview_into_a_closed_pipe_still_leaves_the_files_written(tmp_path: Path) -> None:
    """`ketacost quote ... --html g.html | head -1`: the reader is gone before the preview is printed."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write to stdout is a broken pipe
    try:
        result = subprocess.run(
            [installed_ketacost(), "quote", *ANA, "--store", "r.sqlite3", "--html", "g.html", "--json", "g.json"],
            cwd=tmp_path,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert result.returncode == 0, result.stderr
    quote_id = issued_id(result.stderr)
    assert (tmp_path / "g.html").stat().st_size > 1000
    assert json.loads((tmp_path / "g.json").read_text())["quote_id"] == quote_id
    assert "Traceback" not in result.stderr


def test_a_preview_on_an_ascii_only_stdout_does_not_crash(tmp_path: Path) -> None:
    env = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0", "KETACOST_CACHE": "off"}
    result = subprocess.run(
        [installed_ketacost(), "quote", *ANA, "--store", "r.sqlite3", "--html", "c.html"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "c.html").stat().st_size > 1000
    result.stdout.decode("ascii")  # everything on stdout is ASCII: what it could not take is escaped
    assert b"Good Faith Estimate" in result.stdout
    assert b"saved in r.sqlite3" in result.stderr


@pytest.mark.parametrize("failing", ["replace", "write"])
@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EXDEV, errno.EIO])
def test_a_file_the_system_refuses_after_saving_is_exit_5_and_says_how_to_finish(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str, code: int
) -> None:
    real = getattr(os, failing)

    def refused(*args: object, **kwargs: object) -> object:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, failing, refused)
    result = run("quote", *ANA, "--html", "g.html")
    monkeypatch.setattr(os, failing, real)
    assert result.exit_code == 5
    match = re.search(r"^quote (Q-\S+) is saved in (.+); g\.html was not written: (.+); (.+)$", result.stderr, re.M)
    assert match, result.stderr
    quote_id = match.group(1)
    assert match.group(3) == f"cannot write: {os.strerror(code)}"
    assert match.group(4) == f"`ketacost quotes show {quote_id} --html g.html` writes it"
    assert not (tmp_path / "g.html").exists()
    assert not list(tmp_path.glob(".g.html.*.tmp"))  # no temp file left
    assert listed_ids(run) == [quote_id]
    # what the line says to do finishes the job, byte for byte what the quote would have written
    assert run("quotes", "show", quote_id, "--html", "g.html").exit_code == 0
    assert "Ana Diaz" in (tmp_path / "g.html").read_text()


def test_a_draft_the_system_refuses_to_write_is_exit_4(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*args: object, **kwargs: object) -> object:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    result = run("quote", *ANA, "--no-save", "--html", "g.html")
    assert result.exit_code == 4
    assert result.stderr.strip() == "g.html: cannot write: No space left on device"
    assert not list(tmp_path.glob("*g.html*"))


def test_files_are_written_before_the_preview(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever stops the preview, the quote's files are already there."""
    seen: list[bool] = []

    def preview(*_: object) -> None:
        seen.append((tmp_path / "g.md").exists())

    monkeypatch.setattr("ketacost.render.gfe_table.render_gfe_table", preview)
    assert run("quote", *ANA, "--markdown", "g.md").exit_code == 0
    assert seen == [True]


# --- 6. patient data stays private ------------------------------------------------------------------------------


def test_everything_written_under_umask_000_is_private(tmp_path: Path) -> None:
    result = subprocess.run(
        [installed_ketacost(), "quote", *ANA, "--store", "new/r.sqlite3", *("--html", "g.html", "--markdown", "g.md")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: os.umask(0),
    )
    assert result.returncode == 0, result.stderr
    for name in ("g.html", "g.md", "new/r.sqlite3"):
        assert mode(tmp_path / name) == 0o600, name
    assert mode(tmp_path / "new") == 0o700


def test_the_register_sidecars_are_private_under_umask_000(tmp_path: Path) -> None:
    from ketacost import store

    path = tmp_path / "r.sqlite3"
    old = os.umask(0)
    try:
        with store.open_register(path, create=True) as opened:
            assert opened is not None
            sidecars = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
            assert all(sidecar.exists() for sidecar in sidecars)
            assert [mode(sidecar) for sidecar in sidecars] == [0o600, 0o600]
    finally:
        os.umask(old)
    assert mode(path) == 0o600


def test_a_register_readable_by_others_is_made_private(run: Run, register: tuple[Path, list[str]]) -> None:
    path, ids = register
    path.chmod(0o644)
    assert listed_ids(run, "--store", str(path)) == ids  # even a read tightens it
    assert mode(path) == 0o600
    path.chmod(0o664)
    assert run("quote", *ANA, "--store", str(path)).exit_code == 0
    assert mode(path) == 0o600


def test_a_register_that_cannot_be_made_private_is_read_but_not_written(
    run: Run, register: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, ids = register
    path.chmod(0o644)

    def not_ours(*_: object, **__: object) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "chmod", not_ours)
    result = run("quote", *ANA, "--store", str(path), "--html", "g.html")
    assert result.exit_code == 4
    assert result.stderr.strip() == (
        f"{path}: the quote register is readable by others (mode 0644) and cannot be made private "
        "(Operation not permitted); nothing was saved to it"
    )
    assert not Path("g.html").exists()
    assert listed_ids(run, "--store", str(path)) == ids


KILLED_WRITER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from ketacost import output

    def stall(*args):
        print("written", flush=True)
        time.sleep(600)

    os.replace = stall
    output.write_atomic(Path(sys.argv[1]), "patient data\\n" * 1000)
    """
)


def test_a_writer_killed_mid_write_leaves_no_readable_temp_file_and_the_next_write_removes_it(tmp_path: Path) -> None:
    from ketacost import output

    target = tmp_path / "g.html"
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(target)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: os.umask(0),
    )
    assert writer.stdout is not None
    assert writer.stdout.readline() == "written\n"
    (temp,) = tmp_path.glob(".g.html.*.tmp")
    output.write_atomic(target, "another\n")  # its writer is alive: its temp file is not touched
    assert temp.exists()
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert mode(temp) == 0o600
    assert temp.read_text().startswith("patient data")
    stale = time.time() - 60
    os.utime(temp, (stale, stale))
    output.write_atomic(target, "<p>new</p>\n")
    assert target.read_text() == "<p>new</p>\n"
    assert mode(target) == 0o600
    assert not list(tmp_path.glob(".g.html.*.tmp"))


# --- 7. the register keeps answering ----------------------------------------------------------------------------


def add_row(path: Path, quote_id: str, **changes: object) -> None:
    """A row put in by hand, as a damaged or hand-edited register would hold it."""
    db = sqlite3.connect(path)
    row = db.execute("SELECT * FROM quotes ORDER BY seq LIMIT 1").fetchone()
    names = [d[0] for d in db.execute("SELECT * FROM quotes LIMIT 0").description]
    values = dict(zip(names, row, strict=True))
    values.pop("seq")
    values.update(id=quote_id, **changes)
    db.execute(
        f"INSERT INTO quotes ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})", list(values.values())
    )
    db.commit()
    db.close()


def test_a_damaged_row_is_reported_and_every_healthy_quote_still_listed(
    run: Run, register: tuple[Path, list[str]]
) -> None:
    path, ids = register
    add_row(path, "Q-20261127-BAD1", total_low="abc")
    add_row(path, "Q-20261127-BAD2", patient_dob="not a date")
    result = run("quote", *ANA, "--store", str(path))
    ids.append(issued_id(result.stderr))
    for form in ("json", "csv", "markdown", "table"):
        result = run("quotes", "list", "--store", str(path), "--format", form)
        assert result.exit_code == 2, form
        assert result.stderr.splitlines() == [
            f"{path}: quote Q-20261127-BAD1: total_low is not an amount ('abc')",
            f"{path}: quote Q-20261127-BAD2: patient_dob is not a date ('not a date')",
        ]
        assert all(quote_id in result.stdout for quote_id in ids), form
        assert "BAD" not in result.stdout
    listed = run("quotes", "list", "--store", str(path), "--format", "json")
    assert [item["id"] for item in json.loads(listed.stdout)] == ids


def test_a_document_changed_behind_ketacosts_back_is_found_by_verify(
    run: Run, register: tuple[Path, list[str]]
) -> None:
    path, ids = register
    db = sqlite3.connect(path)
    db.execute("DROP TRIGGER quotes_never_updated")
    db.execute("UPDATE quotes SET document = replace(document, '6000.00', '5000.00') WHERE id = ?", (ids[0],))
    db.commit()
    db.close()
    result = run("quotes", "list", "--verify", "--store", str(path), "--format", "json")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"{path}: quote {ids[0]}: the stored document does not match its SHA-256: the register was changed "
        "outside ketacost"
    )
    assert [item["id"] for item in json.loads(result.stdout)] == ids[1:]
    assert run("quotes", "show", ids[0], "--store", str(path)).exit_code == 2


@pytest.mark.parametrize(
    ("trigger", "noun"),
    [
        ("quotes_never_deleted", "quotes"),
        ("superbills_never_updated", "superbills"),
        ("superbills_never_deleted", "superbills"),
        ("supersessions_never_deleted", "quote replacements"),
    ],
)
def test_a_register_whose_guards_were_dropped_is_not_written_to(
    run: Run, register: tuple[Path, list[str]], trigger: str, noun: str
) -> None:
    """Every saved document's guard (the quotes', their replacements', the superbills'): a register missing any is
    not written to (before, only the quotes' were checked: a dropped superbill guard went unnoticed, or was
    quietly made again)."""
    path, ids = register
    db = sqlite3.connect(path)
    db.execute(f"DROP TRIGGER {trigger}")
    db.commit()
    db.close()
    result = run("quote", *ANA, "--store", str(path), "--html", "g.html")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"{path}: the register's guard against changing or deleting {noun} is gone (trigger {trigger} was dropped "
        "outside ketacost); nothing was saved to it"
    )
    assert not Path("g.html").exists()
    assert listed_ids(run, "--store", str(path)) == ids  # still read
    db = sqlite3.connect(path)
    assert not db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (trigger,)).fetchone()  # not remade
    db.close()


def without_permission_override() -> None:
    """In the child, before exec: give up the capabilities that let root ignore permission bits (DAC override,
    read-search, file owner), so that a read-only directory is read-only to it as to anybody."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2, 3):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "cannot drop a capability")


def test_a_register_in_a_read_only_directory_can_still_be_read(register: tuple[Path, list[str]]) -> None:
    path, ids = register
    directory = path.parent / "ro"
    directory.mkdir()
    shutil.move(path, directory / path.name)
    path = directory / path.name
    before = sorted(p.name for p in directory.iterdir())
    directory.chmod(0o555)

    def reader(*args: str) -> subprocess.CompletedProcess[str]:
        try:
            return subprocess.run(
                [installed_ketacost(), *args, "--store", str(path)],
                env={**os.environ, "KETACOST_CACHE": "off"},
                capture_output=True,
                text=True,
                timeout=60,
                preexec_fn=without_permission_override if os.geteuid() == 0 else None,
            )
        except subprocess.SubprocessError:  # the capability could not be dropped
            pytest.skip("root here cannot give up its permission override")

    try:
        listed, shown = reader("quotes", "list", "--format", "json"), reader("quotes", "show", ids[1])
        saving = reader("quote", *ANA)
    finally:
        directory.chmod(0o755)
    assert listed.returncode == 0, listed.stderr
    assert [item["id"] for item in json.loads(listed.stdout)] == ids
    assert shown.returncode == 0, shown.stderr
    assert ids[1] in shown.stdout
    assert saving.returncode == 4, saving.stderr  # writing there is the system refusing: one line, exit 4
    assert len(saving.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in directory.iterdir()) == before  # nothing was created beside it
