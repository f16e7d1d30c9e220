"""The decision log as a service writes it: one writer thread per process that takes every entry waiting and
stores them in one transaction (a group commit), so that the requests of a busy second share one fsync. A request
is answered only after its entry is stored: an acknowledged decision is never lost."""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..decisionlog import DecisionLog, Entry, LogError, prepared
from ..policy import Policy
from ..receipts import remember

MAX_GROUP = 512  # entries stored in one transaction at most (a service setting)


@dataclass
class _Pending:
    items: list[dict[str, Any]]
    future: asyncio.Future
    loop: asyncio.AbstractEventLoop


class LogWriter:
    """Appends to the decision log at ``path`` from a thread of its own; ``await writer.append_many(items)`` gives
    the entries once they are durable. Raises LogError (the answer is then an error: nothing is acknowledged)."""

    def __init__(self, path: str):
        self.path = path
        self._log = DecisionLog(path)  # opened here: a file that is not a log stops the service at start-up
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._remembered: set[str] = set()
        self._lock = threading.Lock()
        self._lockfile = open(f"{path}.lock", "a+b")  # noqa: SIM115 - held open for the writer's life
        self._thread = threading.Thread(target=self._run, name="wqpolicy-log-writer", daemon=True)
        self._thread.start()

    def remember(self, policy: Policy) -> None:
        """Keep the items of a policy version in the log (once per content hash), so receipts can name changes."""
        if policy.content_hash in self._remembered:
            return
        with self._lock:  # the writer thread's connection is used from here too, rarely
            remember(self._log, policy)
        self._remembered.add(policy.content_hash)

    async def append_many(self, items: list[dict[str, Any]]) -> list[Entry]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future = loop.create_future()
        self._queue.put(_Pending(items, future, loop))
        return await future

    async def append(self, item: dict[str, Any]) -> Entry:
        return (await self.append_many([item]))[0]

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=10)
        self._log.close()
        self._lockfile.close()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            group = [first]
            count = len(first.items)
            while count < MAX_GROUP:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._queue.put(None)  # stop after this group
                    break
                group.append(more)
                count += len(more.items)
            try:
                items = [prepared(item) for p in group for item in p.items]  # the texts made before its turn
                with self._lock, _exclusive(self._lockfile):
                    entries = self._log.append_many(items)
            except (LogError, Exception) as e:  # noqa: BLE001 - every waiting request must hear of it
                error = e if isinstance(e, LogError) else LogError(f"决定日志写入失败：{e}", f"log write failed: {e}")
                for p in group:
                    p.loop.call_soon_threadsafe(_settle, p.future, None, error)
                continue
            at = 0
            for p in group:
                mine = entries[at : at + len(p.items)]
                at += len(p.items)
                p.loop.call_soon_threadsafe(_settle, p.future, mine, None)


@contextlib.contextmanager
def _exclusive(lockfile: Any) -> Iterator[None]:
    """The log's writers of every worker process take turns through a file lock: a writer waiting on it wakes as
    soon as it is free, where SQLite's own busy handler would sleep and poll (up to 100 ms a time)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: SQLite's busy handler alone
        yield
        return
    fcntl.flock(lockfile.fileno(), fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(lockfile.fileno(), fcntl.LOCK_UN)


def _settle(future: asyncio.Future, result: list[Entry] | None, error: BaseException | None) -> None:
    if future.done():  # the request went away (client disconnected): its entries are stored all the same
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
