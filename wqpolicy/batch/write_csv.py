"""A batch's results as CSV (UTF-8 with a byte-order mark, which Excel needs to show Chinese): the results file (the
Chinese titles over the codes, one row per application), and beside it the rule by rule outcomes
(``results.rules.csv``) and the summary (``results.summary.csv``). On standard output, the results alone."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from ..model import Text
from .result import Result
from .sinks import FileSink, Sink
from .summary import Summary
from .table import ResultTable

BOM = "\ufeff"


def beside(path: Path, part: str) -> Path:
    """``results.csv`` → ``results.rules.csv``."""
    return path.with_name(f"{path.stem}.{part}.csv")


class CsvWriter:
    def __init__(self, sink: Sink, table: ResultTable, labels: dict[str, Text]):
        self.table, self.labels = table, labels
        self.sinks: list[Sink] = [sink]
        self.results = csv.writer(sink, lineterminator="\r\n")
        if sink.path is not None:
            sink.write(BOM)
            self.rules_sink: Sink | None = FileSink(beside(sink.path, "rules"))
            self.sinks.append(self.rules_sink)
            self.rules_sink.write(BOM)
            self.rules = csv.writer(self.rules_sink, lineterminator="\r\n")
            self.rules.writerows(table.rule_headers())
        else:
            self.rules_sink = None
        self.results.writerows(table.headers())

    def add(self, r: Result) -> None:
        if not r.application:
            return
        self.results.writerow([_text(x) for x in self.table.cells(r)])
        if self.rules_sink is not None:
            self.rules.writerow([_text(x) for x in self.table.rule_cells(r)])

    def finish(self, summary: Summary) -> None:
        sink = self.sinks[0]
        if sink.path is not None:
            summary_sink = FileSink(beside(sink.path, "summary"))
            self.sinks.append(summary_sink)
            summary_sink.write(BOM)
            csv.writer(summary_sink, lineterminator="\r\n").writerows(
                [[_text(x) for x in row] for row in summary.rows(self.labels)]
            )
        for s in self.sinks:
            s.commit()

    def discard(self) -> None:
        for s in self.sinks:
            s.discard()


def _text(value: Any) -> str:
    return "" if value is None else str(value)
