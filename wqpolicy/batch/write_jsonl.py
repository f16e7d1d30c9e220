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
            line = r.line if r.line is not None else json.dumps(r.to_json(), ensure_ascii=False, separators=(",", ":"))
            self.sink.write(line + "\n")

    def finish(self, summary: Summary) -> None:
        self.sink.commit()

    def discard(self) -> None:
        self.sink.discard()
