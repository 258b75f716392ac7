"""Exit 1 only for bugs: what the system refuses is exit 4, oversized or absurd input is exit 2, one line each;
a bad batch record never stops the batch; a hand edit racing ``pricing set`` is caught up to the rename."""

from __future__ import annotations

import csv
import errno
import json
import os
import random
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ketacost.cli.context import Env
from ketacost.errors import ExitCode
from ketacost.sheet.load import parse_sheet
from tests.conftest import Run

KETACOST = str(Path(sys.executable).with_name("ketacost"))
LONG_INDEX = "1" * 5000  # 5,000 digits: more than int() converts


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "internal error" not in lines[0] and "Traceback" not in stderr
    return lines[0]


def installed(
    *args: str, cwd: Path, stdout: object = subprocess.PIPE, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KETACOST, *args], cwd=cwd, stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=120, **kwargs
    )  # type: ignore[call-overload, no-any-return]


# --- the mapping itself ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["ENOSPC", "EDQUOT", "EACCES", "EPERM", "EROFS", "EIO", "EXDEV", "EMLINK"])
def test_refusals_of_the_system_name_the_file_and_the_reason(code: str) -> None:
    from ketacost.cli.app import refusal

    number = getattr(errno, code)
    line = refusal(OSError(number, os.strerror(number), "/data/pricing.toml"), Env())
    assert line == f"ketacost: /data/pricing.toml: {os.strerror(number)}"


def test_an_errno_that_means_a_bug_is_not_a_refusal() -> None:
    from ketacost.cli.app import refusal

    assert refusal(OSError(errno.EBADF, "Bad file descriptor"), Env()) is None


# --- exit 4: the system refused -------------------------------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args",
    [
        ("estimate",),
        ("estimate", "--input", "big.csv"),
        ("pricing", "show", "--format", "json"),
        ("pricing", "diff", "pricing.toml", "pricing.toml"),
    ],
    ids=["estimate", "batch", "show", "diff"],
)
def test_output_to_a_full_disk_is_exit_4_with_one_line(tmp_path: Path, args: tuple[str, ...]) -> None:
    (tmp_path / "big.csv").write_text("treatment,sessions\n" + "iv,6\n" * 2000)
    (tmp_path / "pricing.toml").write_bytes(Path(__file__).resolve().parents[2].joinpath("pricing.toml").read_bytes())
    with open("/dev/full", "w") as full:
        result = installed(*args, cwd=tmp_path, stdout=full)
    assert result.returncode == ExitCode.SYSTEM, result.stderr
    assert one_line(result.stderr) == "ketacost: standard output: No space left on device"


def test_a_closed_pipe_still_ends_quietly(tmp_path: Path) -> None:
    (tmp_path / "big.csv").write_text("treatment\n" + "iv\n" * 3000)
    reader = subprocess.Popen(
        [KETACOST, "estimate", "--input", "big.csv"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert reader.stdout is not None and reader.stderr is not None
    reader.stdout.readline()
    reader.stdout.close()
    assert reader.wait(timeout=120) == 0
    assert reader.stderr.read() == b""


@pytest.mark.parametrize("command", ["set", "init"])
def test_a_full_disk_while_writing_the_sheet_is_exit_4_and_keeps_it(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sheet_text: str, command: str
) -> None:
    sheet = tmp_path / "pricing.toml"
    sheet.write_text(sheet_text)

    def full(fd: int) -> None:  # the first fsync is the new text's: the disk is full before anything is replaced
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    if command == "set":
        result = run("pricing", "set", "options.medical_loan.apr=9.5")
    else:
        result = run("pricing", "init", "--force")
    assert result.exit_code == ExitCode.SYSTEM, result.stderr
    assert one_line(result.stderr) == "pricing.toml: not written: No space left on device; the file is unchanged"
    assert sheet.read_text() == sheet_text
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_permission_denied_on_a_read_only_directory_is_exit_4(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sheet_text: str
) -> None:
    """As root nothing is refused: raise what mkstemp raises for a normal user in a read-only directory."""
    (tmp_path / "pricing.toml").write_text(sheet_text)

    def denied(*_: object, **__: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(tmp_path / ".pricing.toml.x.tmp"))

    monkeypatch.setattr("tempfile.mkstemp", denied)
    result = run("pricing", "set", "options.medical_loan.apr=9.5")
    assert result.exit_code == ExitCode.SYSTEM
    assert one_line(result.stderr) == "pricing.toml: not written: Permission denied; the file is unchanged"
    assert (tmp_path / "pricing.toml").read_text() == sheet_text


@pytest.mark.parametrize("kind", ["directory", "symlink loop"])
def test_a_lock_file_that_cannot_be_a_lock_is_exit_4(run: Run, tmp_path: Path, sheet_text: str, kind: str) -> None:
    (tmp_path / "pricing.toml").write_text(sheet_text)
    lock = tmp_path / "pricing.toml.lock"
    if kind == "directory":
        lock.mkdir()
    else:
        lock.symlink_to("other.lock")
        (tmp_path / "other.lock").symlink_to("pricing.toml.lock")
    result = run("pricing", "set", "options.medical_loan.apr=9.5", "--lock-timeout", "1")
    assert result.exit_code == ExitCode.SYSTEM
    reason = os.strerror(errno.EISDIR if kind == "directory" else errno.ELOOP)
    assert one_line(result.stderr) == f"pricing.toml: cannot take the lock pricing.toml.lock: {reason}; nothing written"
    assert (tmp_path / "pricing.toml").read_text() == sheet_text


@pytest.mark.parametrize("args", [("pricing", "init"), ("estimate",)], ids=["init", "estimate"])
def test_a_removed_working_directory_is_exit_4_with_one_line(tmp_path: Path, args: tuple[str, ...]) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    script = (
        f"import os, sys; os.chdir({str(gone)!r}); os.rmdir({str(gone)!r}); "
        f"os.execv({KETACOST!r}, [{KETACOST!r}, *sys.argv[1:]])"
    )
    result = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == ExitCode.SYSTEM, result.stderr
    assert one_line(result.stderr) == (
        "ketacost: the working directory: No such file or directory (it was removed: cd to a directory that exists)"
    )


# --- exit 2: input no parser should choke on ------------------------------------------------------------------


def test_toml_nested_500_deep_is_bad_input_with_its_place(run: Run, tmp_path: Path, sheet_text: str) -> None:
    (tmp_path / "deep.toml").write_text(sheet_text + "\nx = " + "[" * 500 + "]" * 500 + "\n")
    line = sheet_text.count("\n") + 2
    for args in (("--pricing", "deep.toml", "estimate"), ("pricing", "validate", "deep.toml")):
        result = run(*args)
        assert result.exit_code == ExitCode.BAD_INPUT
        assert one_line(result.stderr) == f"deep.toml:{line}:104: invalid TOML: arrays or tables nested too deeply"


def test_a_value_nested_past_tomlkits_limit_is_bad_input_for_an_edit(run: Run, tmp_path: Path, sheet_text: str) -> None:
    (tmp_path / "pricing.toml").write_text("x = " + "[" * 150 + "]" * 150 + "\n" + sheet_text)
    result = run("pricing", "set", "options.medical_loan.apr=9.5")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert one_line(result.stderr).startswith("pricing.toml:1:104: invalid TOML: ")


@pytest.mark.parametrize(
    "args",
    [
        ("pricing", "get", f"treatments.iv.line_items.{LONG_INDEX}"),
        ("pricing", "get", f"treatments.iv.line_items.{LONG_INDEX}.price", "--format", "json"),
        ("pricing", "set", f"treatments.iv.line_items.{LONG_INDEX}.price=5"),
        ("pricing", "get", "treatments.iv.line_items.\u00b2"),  # a digit to str.isdigit, not to int()
    ],
    ids=["get", "get-json", "set", "superscript"],
)
def test_an_array_index_of_5000_digits_is_bad_input(
    run: Run, tmp_path: Path, sheet_text: str, args: tuple[str, ...]
) -> None:
    (tmp_path / "pricing.toml").write_text(sheet_text)
    result = run(*args)
    assert result.exit_code == ExitCode.BAD_INPUT, result.stderr
    assert "is an array of" in one_line(result.stderr)


@pytest.mark.parametrize(
    "args",
    [
        ("schedule", "-o", "medical_loan", "--start", "9999-12-31"),
        ("quote", "--patient", "Ana Diaz", "--dob", "1980-01-01", "--scheduled", "9999-12-31", "--no-save"),
    ],
    ids=["schedule", "quote"],
)
def test_a_date_at_the_end_of_the_calendar_is_bad_input(run: Run, args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == ExitCode.BAD_INPUT
    flag = "--start" if args[0] == "schedule" else "--scheduled"
    assert one_line(result.stderr) == f"{flag}: 9999-12-31 is too far in the future (at most 9899-12-31)"


@pytest.mark.parametrize("option", ["medical_loan", "care_card", "card_60", "clinic_plan", "insurance"])
def test_the_latest_date_allowed_still_schedules_every_option(run: Run, option: str) -> None:
    for extra in ((), ("--minimum-only",)):
        result = run("schedule", "-o", option, "--start", "9899-12-31", "--format", "json", *extra)
        assert result.exit_code in (0, 2), result.stderr  # 2: --minimum-only on an option without a promotion
        assert "internal error" not in result.stderr


@pytest.mark.parametrize("name", ["/dev/zero", "fifo.toml", "huge.toml"])
def test_a_sheet_that_is_not_a_regular_file_or_too_big_is_refused_before_reading(tmp_path: Path, name: str) -> None:
    if name == "fifo.toml":
        os.mkfifo(tmp_path / name)  # nobody writes to it: reading would wait for ever
    elif name == "huge.toml":
        with open(tmp_path / name, "wb") as huge:
            huge.truncate(5 * 1024 * 1024)
    result = installed("--pricing", name, "estimate", cwd=tmp_path)
    assert result.returncode == ExitCode.BAD_INPUT
    if name == "huge.toml":
        assert one_line(result.stderr) == "huge.toml: larger than 4 MiB: not a price sheet"
    else:
        kind = "a FIFO" if name == "fifo.toml" else "a device"
        assert one_line(result.stderr) == f"{name}: not a regular file ({kind}); name a price sheet file"


# --- a bad batch record never stops the batch ------------------------------------------------------------------

GOOD_CSV = "iv,6,\n"
GOOD_JSON = '{"treatment": "iv", "sessions": 6}\n'


def batch_output(run: Run, tmp_path: Path, name: str, text: str) -> tuple[int, list[str], str]:
    (tmp_path / name).write_text(text)
    result = run("estimate", "--input", name)
    return result.exit_code, result.stdout.splitlines(), result.stderr


def rows_by_line(lines: list[str], jsonl: bool) -> dict[int, list[str]]:
    """Output lines grouped by the input line they answer."""
    grouped: dict[int, list[str]] = {}
    for text in lines[0 if jsonl else 1 :]:
        line = json.loads(text)["line"] if jsonl else int(text.split(",", 1)[0])
        grouped.setdefault(line, []).append(text)
    return grouped


def error_of(text: str, jsonl: bool) -> str:
    if jsonl:
        return str(json.loads(text).get("error", ""))
    return next(csv.reader([text]))[-1]


BAD_CSV = {
    "cell-over-csv-field-limit": "iv,6," + "x" * 200_000 + "\n",
    "quoted-cell-over-many-lines": 'iv,6,"' + ("y" * 1000 + "\n") * 200 + '"\n',
    "10-mb-options-cell": 'iv,6,"' + "a," * 5_000_000 + '"\n',
    "10-mb-of-unquoted-cells": "iv,6," + "a," * 5_000_000 + "\n",
    "too-many-ids": "iv,6," + " ".join(f"o{i}" for i in range(5000)) + "\n",
}


@pytest.mark.parametrize("bad", list(BAD_CSV), ids=list(BAD_CSV))
def test_a_bad_csv_record_is_one_short_error_record_and_the_batch_goes_on(run: Run, tmp_path: Path, bad: str) -> None:
    text = "treatment,sessions,options\n" + GOOD_CSV + BAD_CSV[bad] + GOOD_CSV
    code, lines, stderr = batch_output(run, tmp_path, "in.csv", text)
    assert code == ExitCode.BAD_INPUT
    assert stderr == "in.csv: 1 of 3 scenarios failed (see their error records)\n"
    grouped = rows_by_line(lines, jsonl=False)
    last = text.count("\n")
    assert sorted(grouped) == [2, 3, last]
    assert all(error_of(row, jsonl=False) == "" for row in grouped[2] + grouped[last])
    assert len(grouped[3]) == 1 and error_of(grouped[3][0], jsonl=False)
    assert len(grouped[3][0]) < 400


BAD_JSON = {
    "number-of-5000-digits": '{"sessions": ' + "1" * 5000 + "}\n",
    "100000-nested-arrays": "[" * 100_000 + "]" * 100_000 + "\n",
    "30000-nested-arrays": '{"options": ' + "[" * 30_000 + "]" * 30_000 + "}\n",
    "10-mb-options": '{"options": "' + "a," * 5_000_000 + '"}\n',
    "huge-sessions-text": '{"sessions": "' + "9" * 60_000 + '"}\n',
}
JSON_ERRORS = {
    "number-of-5000-digits": "invalid JSON: a number with too many digits",
    "100000-nested-arrays": "record longer than 65,536 characters",
    "30000-nested-arrays": "invalid JSON: nested too deeply",
    "10-mb-options": "record longer than 65,536 characters",
}


@pytest.mark.parametrize("bad", list(BAD_JSON), ids=list(BAD_JSON))
def test_a_bad_json_record_is_one_short_error_record_and_the_batch_goes_on(run: Run, tmp_path: Path, bad: str) -> None:
    code, lines, stderr = batch_output(run, tmp_path, "in.jsonl", GOOD_JSON + BAD_JSON[bad] + GOOD_JSON)
    assert code == ExitCode.BAD_INPUT
    assert stderr == "in.jsonl: 1 of 3 scenarios failed (see their error records)\n"
    grouped = rows_by_line(lines, jsonl=True)
    assert sorted(grouped) == [1, 2, 3]
    assert all(error_of(row, jsonl=True) == "" for row in grouped[1] + grouped[3])
    assert len(grouped[2]) == 1
    message = error_of(grouped[2][0], jsonl=True)
    assert message == JSON_ERRORS.get(bad, message) and 0 < len(message) <= 300
    assert len(grouped[2][0]) < 400


def peak_rss_mib(args: list[str], cwd: Path) -> float:
    """The child's peak resident memory (ru_maxrss, KiB on Linux), running the installed program."""
    script = (
        "import resource, subprocess, sys; "
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run([sys.executable, "-c", script, *args], cwd=cwd, capture_output=True, text=True, timeout=300)
    return int(done.stdout) / 1024


def test_a_10_mb_cell_keeps_memory_flat(tmp_path: Path) -> None:
    """Prints the peak memory of a batch with a 10 MB options cell of distinct ids next to one without (no
    bound asserted but 'of the same order': the cell is never held whole)."""
    ids = " ".join(f"option{i}" for i in range(1_100_000))  # about 10 MB
    (tmp_path / "small.jsonl").write_text(GOOD_JSON * 3)
    (tmp_path / "big.jsonl").write_text(GOOD_JSON + json.dumps({"options": ids}) + "\n" + GOOD_JSON)
    small = peak_rss_mib([KETACOST, "estimate", "--input", "small.jsonl"], tmp_path)
    big = peak_rss_mib([KETACOST, "estimate", "--input", "big.jsonl"], tmp_path)
    print(f"\npeak RSS: 3 good records {small:.1f} MiB; with a 10 MB options cell {big:.1f} MiB")
    assert big < small + 20


# --- a hand edit racing `pricing set` ---------------------------------------------------------------------------


def test_a_hand_edit_racing_pricing_set_is_caught_up_to_the_rename(run: Run, tmp_path: Path, sheet_text: str) -> None:
    """A thread appends a comment to the sheet at random moments (an editor that ignores the lock) while
    `pricing set` runs 100 times. Prints how many appends were lost (overwritten by a set that did not see them):
    before the final check moved to just before the rename, about 1 in 15; asserts only that the sheet stays
    valid and holds the last edit ketacost reported as made."""
    sheet = tmp_path / "pricing.toml"
    sheet.write_text(sheet_text)
    appended = 0
    stop = threading.Event()

    def append_by_hand() -> None:
        nonlocal appended
        while not stop.is_set():
            with open(sheet, "a") as handle:
                handle.write(f"# by hand {appended}\n")
            appended += 1
            stop.wait(random.uniform(0, 0.3))  # often enough to race, seldom enough that sets get through

    hand = threading.Thread(target=append_by_hand)
    hand.start()
    made, conflicts = [], 0
    try:
        for i in range(100):
            apr = f"{10 + i / 100:.2f}"
            result = run("pricing", "set", f"options.medical_loan.apr={apr}", env={"KETACOST_CACHE": "off"})
            assert result.exit_code in (ExitCode.OK, ExitCode.CONFLICT), result.stderr
            if result.exit_code == ExitCode.OK:
                made.append(apr)
            else:
                conflicts += 1
    finally:
        stop.set()
        hand.join()
    text = sheet.read_text()
    parse_sheet(text, "pricing.toml")
    lost = sum(f"# by hand {n}\n" not in text for n in range(appended))
    print(f"\n{appended} appends by hand, {lost} lost; {len(made)} sets made, {conflicts} refused as conflicts")
    assert made, "no set got through: the test did not race anything"
    assert f"apr = {made[-1]}" in text


@pytest.mark.parametrize("columns", ["9" * 5000, "²", "0", "-3", "abc"])
def test_an_absurd_columns_value_is_no_width_not_a_crash(run: Run, columns: str) -> None:
    result = run("estimate", env={"COLUMNS": columns})
    assert result.exit_code == 0, result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
