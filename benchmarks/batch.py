"""Batch estimates end to end: output rows per second and peak memory of ``ketacost estimate --input``.

Generates scenarios into a temporary CSV file (seeded: every treatment, 1-12 sessions; half at the sheet's prices
and half at a random price of 100.00-1,500.00 per session; some with a tax rate or HSA/FSA balances; every payment
option of the built-in sheet, so one output row per scenario and option), then runs
``python -m ketacost estimate --input FILE`` in a fresh process with its output going to a file, at a small and a
large size: the same peak memory at both means the batch streams. It runs twice: with ``--jobs 1`` (one process:
the cost per core) and with the default, a worker process per CPU this process may use (the throughput a user
gets). Wall and CPU seconds of a run count its workers (``wait4`` reports the child with the children it reaped).

Memory: the process's peak RSS (``ru_maxrss``: the largest of the process and its workers, each on its own). The
benchmark itself does not import ketacost: a child's peak would count the pages it shared with a bigger parent
before exec.

Baseline, measured in the same run: a fresh Python process that reads the same CSV with the csv module and writes
as many rows as ketacost wrote, of the same width, with no arithmetic at all, i.e. the floor cost of this much CSV
work in Python. (Before 2026-11-30 it wrote one row per scenario and option, fewer than ketacost once a lender's
grid became a row per term and packages rows of their own: 700,000 rows against ketacost's 809,926.)
Targets (issue 4): at least 20,000 output rows per second; peak memory under 80 MiB and not growing with the input.
Issue 10: within 6 x the baseline's time. The ratio is given by wall time and by CPU time (user + system): on a
machine shared with other work the CPU ratio is the steadier of the two. Not a test: nothing is asserted.

    python benchmarks/batch.py [--scenarios 100000] [--small 10000]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import child  # benchmarks/child.py: the script's own folder is on sys.path

ROOT = Path(__file__).resolve().parent.parent

# As many rows as ketacost wrote for the same scenarios (a lender's grid is a row per term, a package a row of its
# own), spread evenly over the scenarios.
BASELINE = """
import csv, sys
reader = csv.reader(open(sys.argv[1], newline=""))
writer = csv.writer(sys.stdout, lineterminator="\\n")
rows, scenarios, width = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
header = next(reader)
writer.writerow(["c%d" % i for i in range(width)])
for index, row in enumerate(reader):
    for option in range((index + 1) * rows // scenarios - index * rows // scenarios):
        writer.writerow([reader.line_num, *row, option, *(["0.00"] * (width - 2 - len(row)))])
"""


JOBS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
SERIAL = "ketacost --input, --jobs 1"
PARALLEL = f"ketacost --input ({JOBS} jobs: default)"
FLOOR = "baseline: csv read + write only"


def write_scenarios(path: Path, count: int, seed: int = 20261127) -> None:
    rng = random.Random(seed)
    treatments = ("iv", "im", "spravato", "kap", "oral")
    with path.open("w", encoding="utf-8") as out:
        out.write("treatment,sessions,price,tax_rate,hsa_balance,fsa_balance\n")
        for _ in range(count):
            price = f"{rng.randint(10_000, 150_000) / 100:.2f}" if rng.random() < 0.5 else ""
            tax_rate = str(rng.randint(10, 37)) if rng.random() < 0.5 else ""
            hsa = f"{rng.randint(0, 500_000) / 100:.2f}" if rng.random() < 0.3 else ""
            fsa = f"{rng.randint(0, 340_000) / 100:.2f}" if rng.random() < 0.3 else ""
            out.write(f"{rng.choice(treatments)},{rng.randint(1, 12)},{price},{tax_rate},{hsa},{fsa}\n")


def measure(argv: list[str], output: Path, cwd: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS in MiB of one run, stdout to ``output``."""
    return child.measure(argv, output, cwd, {**os.environ, "PYTHONPATH": str(ROOT)})


def shape() -> tuple[int, int]:
    """Payment options in the built-in sheet and columns in a batch row, asked of a separate process: importing
    ketacost here would make this process bigger, and a child's peak memory counts what it shared before exec."""
    code = (
        "from ketacost.batch import COLUMNS; from ketacost.sheet.load import EMBEDDED, SheetSource, load; "
        "print(len(load(SheetSource(EMBEDDED, 'x')).options), len(COLUMNS))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    options, width = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env
    ).stdout.split()
    return int(options), int(width)


def rows_in(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle) - 1  # the header


def timed(
    name: str, count: int, argv: list[str], work: Path, results: dict[tuple[str, int], tuple[float, float]]
) -> int:
    """Run ``argv`` once, print its line, keep its wall and CPU seconds in ``results``; the rows it wrote."""
    output = work / "out.csv"
    seconds, cpu, peak = measure(argv, output, work)
    rows = rows_in(output)
    results[name, count] = seconds, cpu
    print(f"{name:34} {count:9,} {rows:9,} {seconds:8.2f} {cpu:7.2f} {rows / seconds:8,.0f} {peak:9.1f}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)  # no pricing.toml here: the built-in sheet is used
        baseline = work / "baseline.py"
        baseline.write_text(BASELINE)
        options, width = shape()
        print(f"python {sys.version.split()[0]}; rows = output rows ({options} payment options per scenario)")
        print(f"{'run':34} {'scenarios':>9} {'rows':>9} {'seconds':>8} {'cpu s':>7} {'rows/s':>8} {'peak MiB':>9}")
        results: dict[tuple[str, int], tuple[float, float]] = {}
        for count in (args.small, args.scenarios):
            scenarios = work / f"scenarios-{count}.csv"
            write_scenarios(scenarios, count)
            argv = [sys.executable, "-m", "ketacost", "estimate", "--input", str(scenarios)]
            written = timed(SERIAL, count, [*argv, "--jobs", "1"], work, results)
            timed(PARALLEL, count, argv, work, results)
            # The baseline writes as many rows as ketacost just did.
            floor = [sys.executable, str(baseline), str(scenarios), str(written), str(count), str(width)]
            timed(FLOOR, count, floor, work, results)
        floor_seconds, floor_cpu = results[FLOOR, args.scenarios]
        for name in (SERIAL, PARALLEL):
            seconds, cpu = results[name, args.scenarios]
            print(
                f"{name} takes {seconds / floor_seconds:.1f} x the baseline's time at {args.scenarios:,} "
                f"scenarios ({cpu / floor_cpu:.1f} x its CPU time)"
            )


if __name__ == "__main__":
    main()
