"""Listing a big quote register: wall time and peak memory of ``ketacost quotes list --format json``.

Builds a register of N quotes (100,000 by default) in a temporary directory: one real quote issued with
``ketacost quote``, then N rows inserted directly with the store's schema, each a copy of that quote's row with
its own ID, patient name and document (and the document's SHA-256), as a clinic's register would hold them
(about 9 KB of document a quote, so about 1 GB in all). Then runs, each in a fresh process with stdout to
/dev/null: ``python -m ketacost quotes list --format json``, the same with ``--verify`` (reads and hashes every
document), and a baseline: a fresh Python process that reads the same listed columns with a plain ``SELECT`` and
writes a line per row, i.e. the floor cost of reading these rows in Python.

Memory: the process's peak RSS (``ru_maxrss``); the benchmark itself imports neither ketacost nor sqlite3's
register, so a child's peak counts only its own pages. Target (issue 9): 100,000 quotes listed in under 3 s at
under 100 MiB. Not a test: nothing is asserted.

    python benchmarks/quotes_list.py [--quotes 100000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import child  # benchmarks/child.py: the script's own folder is on sys.path

ROOT = Path(__file__).resolve().parent.parent

BUILD = """
import hashlib, sqlite3, sys
path, count = sys.argv[1], int(sys.argv[2])
db = sqlite3.connect(path)
names = [d[0] for d in db.execute("SELECT * FROM quotes LIMIT 0").description if d[0] != "seq"]
template = dict(zip(names, db.execute(f"SELECT {', '.join(names)} FROM quotes").fetchone()))
old_id, old_name = template["id"], template["patient_name"]
def rows():
    for n in range(count):
        quote_id = f"Q-20261127-{n:06d}"
        name = f"Patient {n:06d}"
        document = template["document"].replace(old_id, quote_id).replace(old_name, name)
        row = dict(template, id=quote_id, patient_name=name, document=document,
                   document_sha256=hashlib.sha256(document.encode()).hexdigest())
        yield [row[c] for c in names]
db.execute("DELETE FROM quotes WHERE 0")  # the triggers stay: rows are only added
db.executemany(f"INSERT INTO quotes ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})", rows())
db.commit()
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
db.close()
"""

BASELINE = """
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
columns = ("id, patient_name, patient_dob, issued_at, issued_on, service, total_low, total_high, "
           "sheet_sha256, sheet_effective, sheet_source")
write = sys.stdout.write
for row in db.execute(f"SELECT {columns} FROM quotes ORDER BY seq"):
    write("\\t".join(row) + "\\n")
"""


def measure(argv: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS in MiB of one run, stdout to /dev/null."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KETACOST_CACHE": "off"}
    elapsed, _, peak = child.measure(argv, Path(os.devnull), cwd, env)
    return elapsed, peak


def build(register: Path, count: int, cwd: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KETACOST_CACHE": "off"}
    quote = [sys.executable, "-m", "ketacost", "quote", "--patient", "Ana Diaz", "--dob", "1984-03-02"]
    subprocess.run([*quote, "--store", str(register)], cwd=cwd, env=env, check=True, capture_output=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", BUILD, str(register), str(count)], cwd=cwd, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quotes", type=int, default=100_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        register = work / "quotes.sqlite3"
        seconds = build(register, args.quotes, work)
        size = register.stat().st_size / 2**20
        print(
            f"python {sys.version.split()[0]}; register: {args.quotes + 1:,} quotes, {size:,.0f} MiB ({seconds:.0f} s)"
        )
        ketacost = [sys.executable, "-m", "ketacost", "quotes", "list", "--store", str(register), "--format", "json"]
        runs = {
            "ketacost quotes list --format json": ketacost,
            "  ... --verify (every document hashed)": [*ketacost, "--verify"],
            "baseline: plain SELECT, a line per row": [sys.executable, "-c", BASELINE, str(register)],
        }
        print(f"{'run':40} {'seconds':>8} {'peak MiB':>9}")
        results = {}
        for name, argv in runs.items():
            measure(argv, work)  # once to warm the page cache, then measured
            results[name] = measure(argv, work)
            print(f"{name:40} {results[name][0]:8.2f} {results[name][1]:9.1f}")
        listed = results["ketacost quotes list --format json"][0]
        ratio = listed / results["baseline: plain SELECT, a line per row"][0]
        print(f"ketacost takes {ratio:.1f} x the baseline's time at {args.quotes + 1:,} quotes")


if __name__ == "__main__":
    main()
