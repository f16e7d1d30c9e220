"""A block of JSON lines decided where the batch's work is done (a worker process, or this one): its lines read as
``read_jsonl`` reads them, each application decided, and sent back as the block's output lines already encoded,
with only what the summary, the problem report and the progress bar need — so the main process does its work per
block, not per application."""

from __future__ import annotations

from dataclasses import dataclass

from .decide import Decide
from .read_jsonl import Block
from .summary import Summary
from .write_jsonl import lines_block


@dataclass(frozen=True)
class Decided:
    """What a block came to: ``out`` its JSON lines (UTF-8), ``count`` its results, ``summary`` their counts and
    totals, ``problems`` the report of each that had any (in order), and ``seen`` the decisions of its evaluated
    results, each at the place in the block of the first result decided by it."""

    out: bytes
    count: int
    summary: Summary
    problems: tuple[str, ...]
    seen: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class DecideBlock:
    """The work of a JSON lines batch written as JSON lines, a block at a time (picklable: sent to the workers)."""

    decide: Decide

    def setup(self) -> None:
        self.decide.setup()

    def __call__(self, item: Block) -> Decided:
        results = [self.decide(app) for app in item.decoded()]  # item: a block of lines
        summary = Summary(None)
        problems: list[str] = []
        seen: dict[str, int] = {}
        for n, r in enumerate(results):
            summary.add(r)
            if r.problems or r.faults:
                problems.append(r.report)
            if r.evaluated and r.decision is not None and r.decision not in seen:
                seen[r.decision] = n
        return Decided(
            lines_block(results), len(results), summary, tuple(problems), tuple((n, d) for d, n in seen.items())
        )


def first_seen(blocks: list[Decided], limit: int) -> set[str]:
    """The decisions of the evaluated results among the first ``limit`` results of ``blocks``."""
    found: set[str] = set()
    offset = 0
    for b in blocks:
        found.update(d for n, d in b.seen if offset + n < limit)
        offset += b.count
    return found
