"""Benchmark: 36-month cents-rounded amortization schedules per second, against baselines run alongside.

Run: ``python benchmarks/finance.py [--loans N] [--repeat R]``. Prints figures; asserts nothing.

Baselines, measured in the same run on the same loans:
- ``rows only``: building the same 36-row tuple of Installment rows (through their constructor)
  with no arithmetic at all, i.e. the floor cost of materialising a schedule as objects;
- ``npf.pmt``: numpy_financial's (float) level payment, one call per loan, if numpy-financial is installed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ketacost.finance.schedule import Installment, Schedule, amortize
from ketacost.money import ZERO

MONTHS = 36


def make_loans(count: int, seed: int = 20240601) -> list[tuple[Decimal, Decimal]]:
    """Random (principal, APR%) pairs: principals 400.00..10000.00, APRs 0.00..36.00 (about 1 in 10 at 0)."""
    rng = random.Random(seed)
    loans = []
    for _ in range(count):
        principal = Decimal(rng.randint(40_000, 1_000_000)).scaleb(-2)
        apr = ZERO if rng.random() < 0.1 else Decimal(rng.randint(1, 3600)).scaleb(-2)
        loans.append((principal, apr))
    return loans


def best_rate(run: Callable[[], object], count: int, repeat: int) -> float:
    """Best-of-``repeat`` throughput, in items per second, of ``run`` processing ``count`` items."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return count / best


def main() -> None:
    """Time amortize() and the baselines; print schedules per second and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    loans = make_loans(args.loans)

    def run_amortize() -> None:
        for principal, apr in loans:
            amortize(principal, apr, MONTHS)

    def run_rows_only() -> None:
        for principal, apr in loans:
            Schedule(principal, apr, tuple([Installment(m, apr, apr, apr, ZERO, principal) for m in range(1, 37)]))

    amortize_rate = best_rate(run_amortize, len(loans), args.repeat)
    rows_rate = best_rate(run_rows_only, len(loans), args.repeat)
    print(f"amortize, {MONTHS} months, cents-rounded: {amortize_rate:>12,.0f} schedules/s")
    print(f"baseline rows only (no arithmetic):    {rows_rate:>12,.0f} schedules/s")
    print(f"ratio amortize / rows-only:            {amortize_rate / rows_rate:>12.2f}")
    try:
        import numpy_financial as npf  # type: ignore[import-untyped]
    except ImportError:
        print("numpy-financial not installed: npf.pmt baseline skipped")
        return
    float_loans = [(float(p), float(a) / 1200) for p, a in loans]

    def run_npf() -> None:
        for principal, rate in float_loans:
            npf.pmt(rate, MONTHS, principal)

    npf_rate = best_rate(run_npf, len(loans), args.repeat)
    print(f"baseline npf.pmt (float, payment only): {npf_rate:>11,.0f} loans/s")
    print(f"ratio amortize / npf.pmt:              {amortize_rate / npf_rate:>12.2f}")


if __name__ == "__main__":
    main()
