"""Safe writes: a crash leaves the old sheet or the new one, concurrent writers lose nothing, conflicts exit 3."""

from __future__ import annotations

import contextlib
import io
import os
import random
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import pytest

from ketacost.errors import BadInput, Conflict
from ketacost.sheet import write
from ketacost.sheet.edit import Edit, set_values
from ketacost.sheet.load import EMBEDDED, SheetSource, parse_sheet
from tests.conftest import ROOT

OLD_LINE = "apr = 17.99                       # EXAMPLE: personal/medical loans run about 6-36% APR"
NEW_LINE = "apr = 9.5                         # EXAMPLE: personal/medical loans run about 6-36% APR"


def source_of(path: Path) -> SheetSource:
    return SheetSource(path, path.name)


def set_apr(value: str) -> Callable[[str], Edit]:
    return lambda text: set_values(text, "p.toml", [("options.medical_loan.apr", value)])


def temp_files(directory: Path) -> list[Path]:
    return sorted(directory.glob(".*.tmp"))


def test_edit_replaces_the_file_keeping_its_mode(write_sheet: Callable[..., Path], sheet_text: str) -> None:
    path = write_sheet(sheet_text, "p.toml")
    path.chmod(0o640)
    old, _ = write.edit(source_of(path), set_apr("9.5"), lock_timeout=1)
    assert old == sheet_text
    assert path.read_text() == sheet_text.replace(OLD_LINE, NEW_LINE)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert temp_files(path.parent) == []


def test_edit_writes_through_a_symlink_and_keeps_the_link(tmp_path: Path, sheet_text: str) -> None:
    real = tmp_path / "real.toml"
    real.write_text(sheet_text)
    link = tmp_path / "pricing.toml"
    link.symlink_to(real)
    write.edit(source_of(link), set_apr("9.5"), lock_timeout=1)
    assert link.is_symlink()
    assert NEW_LINE in real.read_text()


def test_dry_run_and_invalid_edits_write_nothing(write_sheet: Callable[..., Path], sheet_text: str) -> None:
    path = write_sheet(sheet_text, "p.toml")
    before = path.stat().st_mtime_ns
    _, edit = write.edit(source_of(path), set_apr("9.5"), lock_timeout=1, dry_run=True)
    assert NEW_LINE in edit.text
    with pytest.raises(BadInput):
        write.edit(source_of(path), set_apr("117"), lock_timeout=1)
    assert path.read_text() == sheet_text
    assert path.stat().st_mtime_ns == before


def test_the_built_in_sheet_is_never_edited() -> None:
    with pytest.raises(BadInput, match="pricing init"):
        write.edit(SheetSource(EMBEDDED, "built-in default", embedded=True), set_apr("9.5"), lock_timeout=1)


def test_a_held_lock_is_a_conflict_after_the_timeout(write_sheet: Callable[..., Path], sheet_text: str) -> None:
    path = write_sheet(sheet_text, "p.toml")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, filelock; lock = filelock.FileLock(sys.argv[1]); lock.acquire(); "
            "print('held', flush=True); time.sleep(30)",
            str(path) + ".lock",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        started = time.monotonic()
        with pytest.raises(Conflict, match=r"p\.toml: locked by another writer \(p\.toml\.lock\); nothing written"):
            write.edit(source_of(path), set_apr("9.5"), lock_timeout=0.3)
        assert 0.3 <= time.monotonic() - started < 5
    finally:
        holder.kill()
        holder.wait()
    assert path.read_text() == sheet_text


def test_a_change_on_disk_during_the_edit_is_a_conflict_and_keeps_the_other_change(
    write_sheet: Callable[..., Path], sheet_text: str
) -> None:
    path = write_sheet(sheet_text, "p.toml")
    by_hand = sheet_text.replace("year = 2026", "year = 2027")

    def edit_while_someone_saves(text: str) -> Edit:
        path.write_text(by_hand)  # an editor that ignores the lock saves meanwhile
        return set_apr("9.5")(text)

    with pytest.raises(Conflict, match="changed on disk while this edit was being made; nothing written"):
        write.edit(source_of(path), edit_while_someone_saves, lock_timeout=1)
    assert path.read_text() == by_hand


def test_temp_files_left_by_a_killed_writer_are_cleared(write_sheet: Callable[..., Path], sheet_text: str) -> None:
    path = write_sheet(sheet_text, "p.toml")
    stale = path.parent / ".p.toml.abc123.tmp"
    stale.write_text("half a sheet")
    write.edit(source_of(path), set_apr("9.5"), lock_timeout=1)
    assert temp_files(path.parent) == []


def test_create_refuses_an_existing_file_unless_forced(tmp_path: Path) -> None:
    path = tmp_path / "new.toml"
    write.create(path, "new.toml", b"a = 1\n", force=False, lock_timeout=1)
    with pytest.raises(BadInput, match=r"new\.toml: already exists; nothing written"):
        write.create(path, "new.toml", b"b = 2\n", force=False, lock_timeout=1)
    assert path.read_bytes() == b"a = 1\n"
    write.create(path, "new.toml", b"b = 2\n", force=True, lock_timeout=1)
    assert path.read_bytes() == b"b = 2\n"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


# --- crashes ----------------------------------------------------------------------------------------------------


def _child(work: Callable[[], object]) -> int:
    """Fork a child that runs ``work`` (with output silenced) and never returns into pytest."""
    pid = os.fork()
    if pid:
        return pid
    status = 0
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        work()
    except BaseException:
        status = 70
    finally:
        os._exit(status)


def _set(path: Path, value: str) -> None:
    """One real `ketacost pricing set`, in this process."""
    from ketacost.cli.app import app

    try:
        app(["--pricing", str(path), "pricing", "set", f"options.medical_loan.apr={value}"], prog_name="ketacost")
    except SystemExit as done:
        if done.code:
            os._exit(int(done.code))


def _set_forever(path: Path) -> NoReturn:
    """`ketacost pricing set` over and over, each time to the value the sheet does not hold, so each one writes."""
    while True:
        _set(path, "17.99" if NEW_LINE in path.read_text() else "9.5")


def test_a_writer_killed_at_random_moments_always_leaves_the_old_or_the_new_sheet(
    tmp_path: Path, sheet_text: str
) -> None:
    path = tmp_path / "pricing.toml"
    path.write_text(sheet_text)
    states = {sheet_text, sheet_text.replace(OLD_LINE, NEW_LINE)}
    # Warm up before forking (modules imported, command built), so a child starts writing at once; then kill
    # at moments spread over a few of its edit cycles.
    with contextlib.redirect_stdout(io.StringIO()):
        started = time.perf_counter()
        _set(path, "9.5")
        _set(path, "17.99")
        cycle = (time.perf_counter() - started) / 2
    rng = random.Random(20261127)
    trials, new_seen, mid_write = 220, 0, 0
    for _ in range(trials):
        pid = _child(lambda: _set_forever(path))
        time.sleep(rng.uniform(0, 3 * cycle))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status), f"the writer stopped by itself (status {status})"
        text = path.read_text()
        assert text in states
        parse_sheet(text, "pricing.toml")
        new_seen += NEW_LINE in text
        mid_write += bool(temp_files(tmp_path))
    assert 0 < new_seen < trials  # the kills fell both before and after completed writes
    print(f"\n{trials} kills: {new_seen} left the new sheet, {mid_write} interrupted a write in progress")


@pytest.mark.parametrize(
    ("step", "expect_new"),
    [("fsync", False), ("replace", False), ("fsync-directory", True)],
)
def test_a_crash_at_each_step_of_the_write_leaves_a_whole_sheet(
    tmp_path: Path, sheet_text: str, step: str, expect_new: bool
) -> None:
    path = tmp_path / "pricing.toml"
    path.write_text(sheet_text)

    def crash_at_step() -> None:
        calls = {"fsync": 0}
        real_fsync, real_replace = os.fsync, os.replace

        def fsync(fd: int) -> None:
            calls["fsync"] += 1
            if (step, calls["fsync"]) in (("fsync", 1), ("fsync-directory", 2)):
                os.kill(os.getpid(), signal.SIGKILL)
            real_fsync(fd)

        def replace(src: str, dst: str) -> None:
            if step == "replace":
                os.kill(os.getpid(), signal.SIGKILL)
            real_replace(src, dst)

        os.fsync, os.replace = fsync, replace  # type: ignore[assignment]
        write.edit(source_of(path), set_apr("9.5"), lock_timeout=1)

    _, status = os.waitpid(_child(crash_at_step), 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    text = path.read_text()
    assert (NEW_LINE in text) is expect_new
    assert text == (sheet_text.replace(OLD_LINE, NEW_LINE) if expect_new else sheet_text)
    parse_sheet(text, "pricing.toml")


# --- two writers ------------------------------------------------------------------------------------------------

WRITER = """
import sys
from ketacost.cli.app import app

path, side = sys.argv[1], sys.argv[2]
for i in range(100):
    key, value = (
        (f"treatments.t{i % 50}.name", f'"A{i}"') if side == "A" and i < 50
        else (f"treatments.t{i % 50}.price.high", f"{300 + i}.50") if side == "A"
        else (f"treatments.t{i % 50}.note", f'"B{i}"') if i < 50
        else (f"treatments.t{i % 50}.price.low", f"{i}.25")
    )
    try:
        app(["--pricing", path, "pricing", "set", "--lock-timeout", "60", f"{key}={value}"], prog_name="ketacost")
    except SystemExit as done:
        if done.code:
            sys.exit(f"set {key}={value} failed with exit {done.code}")
"""


def test_two_writers_doing_100_sets_each_lose_no_change(tmp_path: Path, sheet_text: str) -> None:
    path = tmp_path / "pricing.toml"
    many = "".join(
        f'\n[treatments.t{i}]\nname = "T{i}"\nprice = {{ low = 100.00, typical = 200.00, high = 300.00 }}\n'
        f"course = {{ sessions = 6, weeks_min = 2, weeks_max = 3 }}\n"
        for i in range(50)
    )
    head, options = sheet_text.split("\n[options.self_pay]", 1)
    path.write_text(head + many + "\n[options.self_pay]" + options)
    parse_sheet(path.read_text(), "many")
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), side],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for side in ("A", "B")
    ]
    for writer in writers:
        _, errors = writer.communicate(timeout=120)
        assert writer.returncode == 0, errors
    sheet = parse_sheet(path.read_text(), "pricing.toml")
    for i in range(50):
        treatment = sheet.treatments[f"t{i}"]
        assert treatment.name == f"A{i}"
        assert treatment.note == f"B{i}"
        assert str(treatment.price.high) == f"{350 + i}.50"
        assert str(treatment.price.low) == f"{50 + i}.25"
