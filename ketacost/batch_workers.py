"""A batch priced by worker processes: the main process reads the records and writes the rows, in input order;
workers price chunks of records with :class:`ketacost.batch.Pricer`, the one definition the serial path uses.

At most ``2 x jobs`` chunks are in flight, so memory stays flat however long the input and however slow the
output. An input of at most one chunk is priced in this process: starting workers would cost more than it saves.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ketacost.batch import _NO_FLAGS, Priced, Pricer, Record, Rows, Writer

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor
    from multiprocessing.context import BaseContext

    from ketacost.prices import PriceList
    from ketacost.scenario import Scenario

CHUNK = 256  # records a worker prices at a time: enough to make the hand-over's cost small, few enough to stay flat
WINDOW = 2  # chunks in flight per worker: one being priced, one waiting


def default_jobs() -> int:
    """The CPUs this process may use (its affinity where the system tells it), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # no sched_getaffinity (macOS, Windows)
        return max(1, os.cpu_count() or 1)


@contextlib.contextmanager
def priced(
    sheet: PriceList,
    source: str,
    records: Iterable[Record],
    writer: Writer,
    base: Scenario = _NO_FLAGS,
    jobs: int = 1,
) -> Iterator[Iterator[tuple[int, Priced]]]:
    """Each record's line and its rows or error message, in input order (for :func:`ketacost.batch.write`).

    With ``jobs`` 1, or an input of one chunk or less, records are priced here as they are read; otherwise by
    ``jobs`` worker processes, which are started on entering, before the caller starts any thread of its own
    (a progress bar): forking a process that runs threads is unsafe. Leaving ends the workers.
    """
    if jobs > 1:
        records = iter(records)
        first, failure = _take(records, CHUNK + 1)
        if failure is None and len(first) > CHUNK:
            with _workers(sheet, source, writer, base, jobs) as executor:
                if executor is not None:
                    chunks = _chunks(itertools.chain(first, records))
                    pending = deque([_submit(executor, next(chunks))])  # the workers start now
                    yield _in_order(executor, chunks, pending, WINDOW * jobs)
                    return
            records = itertools.chain(first, records)  # this system has no worker processes: priced here
        else:
            records = _replay(first, failure)
    price = Pricer(sheet, source, writer, base)
    yield ((line, price(fields)) for line, fields in records)


def _take(records: Iterator[Record], count: int) -> tuple[list[Record], Exception | None]:
    """The next ``count`` records or fewer, and what stopped the reading if it failed (an input that is not
    UTF-8): the records read before it are written before it is reported, as the serial path does."""
    taken: list[Record] = []
    try:
        for record in itertools.islice(records, count):
            taken.append(record)
    except Exception as error:
        return taken, error
    return taken, None


def _replay(records: list[Record], failure: Exception | None) -> Iterator[Record]:
    yield from records
    if failure is not None:
        raise failure


def _chunks(records: Iterator[Record]) -> Iterator[list[Record]]:
    """The records in chunks of :data:`CHUNK`; a reading failure is raised after the chunk read before it."""
    while True:
        chunk, failure = _take(records, CHUNK)
        if chunk:
            yield chunk
        if failure is not None:
            raise failure
        if len(chunk) < CHUNK:
            return


Pending = deque[tuple[list[int], "Future[list[Priced]]"]]  # each chunk's lines and its rows to come


def _submit(executor: ProcessPoolExecutor, chunk: list[Record]) -> tuple[list[int], Future[list[Priced]]]:
    try:
        future = executor.submit(_price, [fields for _, fields in chunk])
    except OSError as error:  # starting a worker failed: too many processes, too little memory
        from ketacost.errors import SystemRefused

        raise SystemRefused(f"--jobs: cannot start the worker processes: {error.strerror or error}") from None
    return [line for line, _ in chunk], future


def _in_order(
    executor: ProcessPoolExecutor, chunks: Iterator[list[Record]], pending: Pending, window: int
) -> Iterator[tuple[int, Priced]]:
    """Keep ``window`` chunks in flight and give their results in input order. A worker's unexpected exception
    is raised here, as the serial path would raise it; a worker that died raises BrokenProcessPool."""
    while True:
        try:
            chunk = next(chunks, None)
        except Exception:
            while pending:  # what was read before the failure is written before it is reported
                yield from _results(pending.popleft())
            raise
        if chunk is None:
            break
        pending.append(_submit(executor, chunk))
        while len(pending) >= window:
            yield from _results(pending.popleft())
    while pending:
        yield from _results(pending.popleft())


def _results(chunk: tuple[list[int], Future[list[Priced]]]) -> Iterator[tuple[int, Priced]]:
    lines, future = chunk
    try:
        priced = future.result()
    except Exception as error:  # a bug: the records priced before it are written first, as the serial path does
        yield from zip(lines, error.__dict__.pop(_PRICED_BEFORE, ()), strict=False)  # fewer: up to the bug
        raise
    yield from zip(lines, priced, strict=True)


@contextlib.contextmanager
def _workers(
    sheet: PriceList, source: str, writer: Writer, base: Scenario, jobs: int
) -> Iterator[ProcessPoolExecutor | None]:
    """A pool of ``jobs`` workers, each holding the sheet, the flags' scenario and rows like ``writer``'s.

    On Linux they are forked (the sheet is inherited: nothing to send); elsewhere spawned, and handed the sheet
    and scenario pickled. Once the batch is done they are shut down; when it stops early (a worker's bug, the
    output failing, Ctrl-C) they are terminated at once rather than left to price the chunks handed to them.
    None where the system has no worker processes (no working semaphores, as on some serverless hosts).
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor  # only here: a small batch does not import it

    others = set(multiprocessing.active_children())  # children that are not this pool's
    try:
        executor = ProcessPoolExecutor(
            jobs, mp_context=_context(), initializer=_start_worker, initargs=(sheet, source, writer.ROWS, base)
        )
    except (NotImplementedError, ImportError):  # what multiprocessing raises where it cannot work
        yield None
        return
    try:
        yield executor
    except BaseException:
        for process in set(multiprocessing.active_children()) - others:
            process.terminate()
        raise
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _context() -> BaseContext:
    import multiprocessing

    return multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")


_pricer: Pricer | None = None  # a worker's own


def _start_worker(sheet: PriceList, source: str, rows: type[Rows], base: Scenario) -> None:
    global _pricer
    # A worker writes nothing of its own: its output goes through the main process. A forked worker's copy of
    # the parent's streams may hold output not yet flushed, which it would write again on exit.
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (open as long as the worker lives)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's: it ends the workers
    _pricer = Pricer(sheet, source, rows(), base)


_PRICED_BEFORE = "_ketacost_priced_before"  # what an unexpected exception carries back from a worker


def _price(records: list[Mapping[str, Any] | str]) -> list[Priced]:
    """A chunk's rows or error messages, in a worker. An unexpected exception (a bug) is sent back with the
    records priced before it (an exception's attributes travel with it)."""
    price = _pricer
    assert price is not None, "the worker's initializer sets it"
    priced: list[Priced] = []
    try:
        for fields in records:
            priced.append(price(fields))
    except Exception as error:
        setattr(error, _PRICED_BEFORE, priced)
        raise
    return priced
