"""``ketacost estimate --input FILE --jobs N``: worker processes price the batch, and the output is the serial
run's byte for byte: rows, error records, their order, the summary line and the exit code."""

from __future__ import annotations

import json
import pickle
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_batch_speed_safety import SCENARIOS
from tests.cli.test_entry_point import installed_ketacost
from tests.conftest import DEFAULT_SHEET, Run

FIELDS = ("treatment", "sessions", "price", "tax_rate", "hsa_balance", "fsa_balance", "add_ons", "budget", "copay")
# Scenarios a batch refuses, each for a reason of its own.
INVALID: list[dict[str, str]] = [
    {"treatment": "iv", "sessions": "0"},
    {"treatment": "iv", "price": "1.234"},
    {"treatment": "ivv"},
    {"treatment": "kap", "tax_rate": "-5"},
    {"treatment": "iv", "add_ons": "nothing"},
]
TOO_LONG = "x" * 70_000  # over ketacost.batch.MAX_RECORD


def _scenarios(count: int, seed: int) -> list[dict[str, str] | str]:
    """Valid scenarios (often the same one again, and new ones at random prices), invalid ones, and a few
    records that are not scenarios at all (given as the text to write for them)."""
    rng = random.Random(seed)
    made: list[dict[str, str] | str] = []
    for _ in range(count):
        draw = rng.random()
        if draw < 0.45:
            made.append(dict(rng.choice(SCENARIOS)))
        elif draw < 0.85:
            made.append(
                {
                    "treatment": rng.choice(["iv", "im", "kap", "oral", "spravato"]),
                    "sessions": str(rng.randint(1, 12)),
                    "price": f"{rng.randint(100, 1500)}.{rng.randint(0, 99):02d}",
                    "tax_rate": str(rng.choice([12, 22, 24, 37])) if rng.random() < 0.5 else "",
                }
            )
        elif draw < 0.97:
            made.append(dict(rng.choice(INVALID)))
        else:
            made.append(rng.choice(["too long", "broken", ""]))
    return made


def write_csv(path: Path, count: int = 3000, seed: int = 10) -> Path:
    lines = [",".join(FIELDS)]
    for each in _scenarios(count, seed):
        if each == "too long":
            lines.append(f"iv,{TOO_LONG}")
        elif each == "broken":
            lines.append("iv,6,,,")  # too few cells
        elif each == "":
            lines.append("")  # a blank line: no record
        else:
            assert isinstance(each, dict)
            lines.append(",".join(each.get(field, "") for field in FIELDS))
    lines.insert(40, 'kap,"4\n",,,,,,,')  # a record over two lines
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_jsonl(path: Path, count: int = 3000, seed: int = 11) -> Path:
    lines = []
    for each in _scenarios(count, seed):
        if each == "too long":
            lines.append(json.dumps({"treatment": TOO_LONG}))
        elif each == "broken":
            lines.append('{"treatment": "iv", ')  # not JSON
        elif each == "":
            lines.append("[1, 2]")  # JSON, not an object
        else:
            assert isinstance(each, dict)
            fields: dict[str, Any] = {key: value for key, value in each.items() if value}
            if "sessions" in fields and fields["sessions"].isdigit():
                fields["sessions"] = int(fields["sessions"])  # a number, as JSON has them
            lines.append(json.dumps(fields))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class Pools:
    """Records the worker pools a batch starts (in this process, before it forks)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import concurrent.futures
        from concurrent.futures import ProcessPoolExecutor

        self.workers: list[int | None] = []
        pools = self

        class Recorded(ProcessPoolExecutor):
            def __init__(self, max_workers: int | None = None, **kwargs: Any) -> None:
                pools.workers.append(max_workers)
                super().__init__(max_workers, **kwargs)

        monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Recorded)


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_workers_write_what_one_process_writes_byte_for_byte(
    kind: str, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(tmp_path / "s.csv") if kind == "csv" else write_jsonl(tmp_path / "s.jsonl")
    pools = Pools(monkeypatch)
    serial = run("estimate", "--input", path.name, "--jobs", "1")
    assert pools.workers == []  # --jobs 1: this process alone
    assert serial.exit_code == 2  # some scenarios failed
    assert serial.stderr.endswith(" scenarios failed (see their error records)\n")
    assert serial.stderr.count("\n") == 1
    written = serial.stdout
    assert "record longer than 65,536 characters" in written and "has more than two decimals" in written
    for jobs in ("2", "3"):
        parallel = run("estimate", "--input", path.name, "--jobs", jobs)
        assert (parallel.exit_code, parallel.stderr) == (serial.exit_code, serial.stderr)
        assert parallel.stdout == written
    assert pools.workers == [2, 3]
    other = "json" if kind == "csv" else "csv"  # and written in the other format
    serial = run("estimate", "--input", path.name, "--format", other, "--jobs", "1")
    parallel = run("estimate", "--input", path.name, "--format", other, "--jobs", "2")
    assert (parallel.exit_code, parallel.stderr, parallel.stdout) == (serial.exit_code, serial.stderr, serial.stdout)


def test_the_default_is_a_worker_per_cpu_this_process_may_use(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from ketacost import batch_workers

    path = write_csv(tmp_path / "s.csv", 600)
    pools = Pools(monkeypatch)
    expected = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert batch_workers.default_jobs() == expected
    monkeypatch.setattr(batch_workers, "default_jobs", lambda: 3)
    result = run("estimate", "--input", path.name)
    assert result.stdout == run("estimate", "--input", path.name, "--jobs", "1").stdout
    assert pools.workers == [3]
    monkeypatch.setattr(batch_workers, "default_jobs", lambda: 1)
    run("estimate", "--input", path.name)
    assert pools.workers == [3]  # a machine of one CPU: no pool


def test_an_input_of_one_chunk_starts_no_workers(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ketacost import batch_workers

    pools = Pools(monkeypatch)
    lines = ["treatment,sessions"] + [f"iv,{1 + n % 12}" for n in range(batch_workers.CHUNK)]
    (tmp_path / "s.csv").write_text("\n".join(lines) + "\n")
    one = run("estimate", "--input", "s.csv", "--jobs", "2")
    assert one.exit_code == 0, one.stderr
    assert pools.workers == []
    (tmp_path / "s.csv").write_text("\n".join([*lines, "kap,4"]) + "\n")  # a chunk and one record more
    more = run("estimate", "--input", "s.csv", "--jobs", "2")
    assert pools.workers == [2]
    assert more.stdout.startswith(one.stdout) and more.stdout.count("\n") > one.stdout.count("\n")


def test_input_that_stops_being_utf8_gives_what_one_process_gives(run: Run, tmp_path: Path) -> None:
    """The records read before the bad byte are written before it is reported, whatever chunk they are in."""
    path = write_csv(tmp_path / "s.csv", 1000)
    text = path.read_bytes()
    (tmp_path / "bad.csv").write_bytes(text + b"iv,\xff6\n" + text.split(b"\n", 1)[1])
    serial = run("estimate", "--input", "bad.csv", "--jobs", "1")
    parallel = run("estimate", "--input", "bad.csv", "--jobs", "2")
    assert serial.exit_code == 2
    assert serial.stderr == "bad.csv: not UTF-8 text (byte 0xff)\n"
    assert (parallel.exit_code, parallel.stderr, parallel.stdout) == (serial.exit_code, serial.stderr, serial.stdout)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--input", "s.csv", "--jobs", "0"], "--jobs 0: give 1 or more worker processes\n"),
        (["--input", "s.csv", "-j", "-3"], "--jobs -3: give 1 or more worker processes\n"),
        (["--jobs", "2"], "--jobs: only with --input (worker processes price a batch of scenarios)\n"),
        (["--jobs", "1", "-t", "iv"], "--jobs: only with --input (worker processes price a batch of scenarios)\n"),
    ],
)
def test_jobs_below_one_or_without_input_are_refused(run: Run, tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "s.csv").write_text("treatment\niv\n")
    result = run("estimate", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)


# A program that runs ketacost with its pricing broken for one scenario (price 777.77), patched before the
# workers are forked: what a bug in a worker looks like.
BUGGY = """
import os, sys
import ketacost.batch
from ketacost.cli import main

real = ketacost.batch.estimate

def estimate(sheet, scenario, **kwargs):
    if scenario.price is not None and str(scenario.price) == "777.77":
        if how == "die":
            os._exit(3)
        raise RuntimeError("a bug")
    return real(sheet, scenario, **kwargs)

ketacost.batch.estimate = estimate
how = sys.argv.pop(1)
main()
"""


@pytest.mark.parametrize("how", ["raise", "die"])
def test_a_bug_in_a_worker_is_an_internal_error_not_a_hang(tmp_path: Path, how: str) -> None:
    path = write_csv(tmp_path / "s.csv", 2000)
    lines = path.read_text().splitlines()
    lines.insert(1500, "iv,6,777.77,,,,,,")
    path.write_text("\n".join(lines) + "\n")
    (tmp_path / "buggy.py").write_text(BUGGY)
    result = subprocess.run(
        [sys.executable, "buggy.py", how, "estimate", "--input", "s.csv", "--jobs", "2"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    if how == "raise":  # what the serial path says
        assert result.stderr == "ketacost: internal error: RuntimeError: a bug (run with --debug for details)\n"
    else:
        assert result.stderr.startswith("ketacost: internal error: BrokenProcessPool: ")
        assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    serial = subprocess.run(
        [sys.executable, "buggy.py", how, "estimate", "--input", "s.csv", "--jobs", "1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if how == "raise":  # and the rows before it are written, as by one process
        assert (serial.returncode, serial.stderr) == (result.returncode, result.stderr)
        assert serial.stdout == result.stdout
        assert result.stdout.count("\n") > 1000 * 10


def test_workers_that_are_spawned_get_the_sheet_and_flags_pickled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where fork is not used (macOS, Windows) the workers are spawned and handed the sheet and the scenario."""
    import io
    import multiprocessing

    from ketacost import batch, batch_workers
    from ketacost.scenario import Scenario
    from ketacost.sheet.load import EMBEDDED, SheetSource, load_prices

    sheet = load_prices(SheetSource(EMBEDDED, "built-in"))
    base = Scenario(sessions=4, tax_rate=batch.Decimal("22"))
    assert pickle.loads(pickle.dumps(sheet)) == sheet
    assert pickle.loads(pickle.dumps(base)) == base
    assert pickle.loads(pickle.dumps(load_prices(SheetSource(DEFAULT_SHEET, "pricing.toml")))) == sheet

    lines = ["treatment,price,hsa_balance"] + [
        f"{['iv', 'kap', 'spravato'][n % 3]},{300 + n}.{n % 100:02d},{'' if n % 4 else 900}" for n in range(700)
    ]
    serial = io.StringIO()
    batch.run(sheet, "built-in", batch.read_csv(lines, "s.csv"), batch.JsonlWriter(serial), base)
    monkeypatch.setattr(batch_workers, "_context", lambda: multiprocessing.get_context("spawn"))
    spawned = io.StringIO()
    writer = batch.JsonlWriter(spawned)
    with batch_workers.priced(sheet, "built-in", batch.read_csv(lines, "s.csv"), writer, base, 2) as priced:
        summary = batch.write(priced, writer)
    assert (summary.scenarios, summary.failed) == (700, 0)
    assert spawned.getvalue() == serial.getvalue()


def test_the_installed_program_runs_a_batch_with_workers(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", 1500)
    results = [
        subprocess.run(
            [installed_ketacost(), "estimate", "--input", path.name, "--jobs", jobs],
            cwd=tmp_path,
            capture_output=True,
            timeout=120,
        )
        for jobs in ("1", "2")
    ]
    serial, parallel = results
    assert serial.returncode == parallel.returncode == 2
    assert parallel.stderr == serial.stderr
    assert parallel.stdout == serial.stdout
    assert parallel.stdout.count(b"\n") > 10_000


@pytest.mark.parametrize("whom", ["group", "main"])
def test_ctrl_c_ends_the_workers_too(tmp_path: Path, whom: str) -> None:
    """Ctrl-C at a terminal reaches the whole process group; ``kill -INT`` the main process only. Either way
    the command stops as the serial one does, and no worker is left running."""
    import os
    import signal
    import time

    path = write_csv(tmp_path / "s.csv", 30_000)
    out = tmp_path / "out.csv"
    with out.open("wb") as stdout:
        process = subprocess.Popen(
            [installed_ketacost(), "estimate", "--input", path.name, "--jobs", "2"],
            cwd=tmp_path,
            stdout=stdout,
            stderr=subprocess.PIPE,
            start_new_session=True,  # a process group of its own, as a terminal's foreground job has
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # whatever this test runner ignores
        )
        deadline = time.monotonic() + 60
        while out.stat().st_size < 100_000 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)  # until the workers are pricing
        assert process.poll() is None, "the batch ended before it could be interrupted"
        if whom == "group":
            os.killpg(process.pid, signal.SIGINT)
        else:
            os.kill(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert b"Traceback" not in stderr
    with pytest.raises(ProcessLookupError):  # nothing left in its process group: the workers are gone
        os.killpg(process.pid, 0)


def test_a_system_that_will_not_start_workers_exits_4(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import os

    def fork() -> int:
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    path = write_csv(tmp_path / "s.csv", 600)
    monkeypatch.setattr(os, "fork", fork)
    result = run("estimate", "--input", path.name, "--jobs", "2")
    assert (result.exit_code, result.stderr) == (
        4,
        "--jobs: cannot start the worker processes: Resource temporarily unavailable\n",
    )


def test_a_system_without_worker_processes_prices_the_batch_here(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where multiprocessing cannot work (no sem_open, as on some serverless hosts) a batch still runs."""
    import concurrent.futures

    class NoPool:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            raise NotImplementedError("This platform lacks a functioning sem_open implementation")

    path = write_csv(tmp_path / "s.csv", 600)
    serial = run("estimate", "--input", path.name, "--jobs", "1")
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", NoPool)
    result = run("estimate", "--input", path.name, "--jobs", "2")
    assert (result.exit_code, result.stderr, result.stdout) == (serial.exit_code, serial.stderr, serial.stdout)
