"""Work spread over worker processes, results in input order: items are sent in chunks, a bounded number in flight
(memory stays flat however long the input), and each worker sets up once (loads and compiles the policy) before
its first chunk. One job, or a batch that fits in one chunk, runs in this process: the results are the same.

>>> list(run_ordered(iter(range(5)), _Double(), jobs=1))
[0, 2, 4, 6, 8]
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

# Items per chunk sent to a worker, and chunks in flight per worker (engine settings: large enough that sending
# costs little beside the work, small enough that memory stays flat and the progress bar moves).
CHUNK = 256
IN_FLIGHT = 3

_TASK: Any = None


class Task(Protocol):
    """What a batch does to each item: ``setup()`` once per process, then called on each item (picklable)."""

    def setup(self) -> None: ...

    def __call__(self, item: Any) -> Any: ...


class WorkerLost(Exception):
    """A worker process ended without finishing its work (killed, or out of memory)."""


def default_jobs() -> int:
    """Every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def run_ordered(
    items: Iterator[Any], task: Task, jobs: int, started: Callable[[], None] | None = None, chunk: int = 0
) -> Iterator[Any]:
    """``task(item)`` for each item, in the items' order, on ``jobs`` processes, ``chunk`` items (else CHUNK) sent
    at a time. ``started`` is called once the workers exist (before any thread of the caller's, such as a progress
    bar, may start: they are forked)."""
    chunk = chunk or CHUNK
    first = list(itertools.islice(items, chunk))
    task.setup()
    if jobs <= 1 or len(first) < chunk:
        if started is not None:
            started()
        yield from map(task, first)
        yield from map(task, items)
        return
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_setup, initargs=(task,))
    pending: deque[Future] = deque()
    try:
        pending.append(pool.submit(_run, first))  # with fork, every worker starts here, before any thread
        if started is not None:
            started()
        for part in _chunks(items, chunk):
            pending.append(pool.submit(_run, part))
            while len(pending) >= jobs * IN_FLIGHT:
                yield from _result(pending.popleft())
        while pending:
            yield from _result(pending.popleft())
    finally:
        for f in pending:
            f.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while part := list(itertools.islice(it, size)):
        yield part


def _result(future: Future) -> list[Any]:
    try:
        return future.result()
    except BrokenProcessPool:
        raise WorkerLost() from None


def _setup(task: Task) -> None:
    global _TASK
    _TASK = task
    task.setup()


def _run(chunk: list[Any]) -> list[Any]:
    return [_TASK(item) for item in chunk]


class _Double:
    def setup(self) -> None:
        pass

    def __call__(self, item: int) -> int:
        return item * 2
