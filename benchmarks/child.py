"""One measured child process for the benchmarks: wall seconds, CPU seconds and peak RSS (``ru_maxrss``), its
stdout to a file. The benchmarks import neither ketacost nor what it loads, so the child's peak is its own."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path


def measure(argv: list[str], output: Path, cwd: Path, env: dict[str, str]) -> tuple[float, float, float]:
    """Run ``argv`` in ``cwd`` with ``env``; its wall seconds, CPU seconds and peak MiB. A failure stops the
    benchmark with the command's last words."""
    with output.open("wb") as sink:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=sink, stderr=subprocess.PIPE, cwd=cwd, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        errors = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"{' '.join(argv)} exited {code}: {errors[-500:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024
