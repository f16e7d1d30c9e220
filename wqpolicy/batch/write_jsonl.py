"""A batch's results as JSON lines: one object per application (schemas/batch-result.schema.json), as they come."""

from __future__ import annotations

import json

from .result import Result
from .sinks import Sink
from .summary import Summary


class JsonlWriter:
    def __init__(self, sink: Sink):
        self.sink = sink

    def add(self, r: Result) -> None:
        if r.application:
            self.sink.write(json_line(r) + "\n")

    def add_block(self, data: bytes) -> None:
        """Lines already made and encoded (``lines_block``)."""
        self.sink.write_bytes(data)

    def finish(self, summary: Summary) -> None:
        self.sink.commit()

    def discard(self) -> None:
        self.sink.discard()


def json_line(r: Result) -> str:
    """The line of one result (without its end)."""
    return r.line if r.line is not None else json.dumps(r.to_json(), ensure_ascii=False, separators=(",", ":"))


def lines_block(results: list[Result]) -> bytes:
    """The lines of ``results``' applications as one block of UTF-8, each line ended."""
    lines = [json_line(r) for r in results if r.application]
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
