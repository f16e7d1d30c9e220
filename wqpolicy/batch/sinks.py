"""Where a batch's text output goes: a file, written whole or not at all as rows come (outfile.AtomicFile), or
standard output, as rows come."""

from __future__ import annotations

import sys
from pathlib import Path

from ..outfile import AtomicFile


class FileSink:
    """Text written to ``path`` in UTF-8, the file replaced only by ``commit``."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._file = AtomicFile(path)

    def write(self, text: str) -> int:
        self._file.write(text.encode("utf-8"))
        return len(text)

    def write_bytes(self, data: bytes) -> None:
        """Text already in UTF-8 (a block of lines made in a worker process)."""
        self._file.write(data)

    def commit(self) -> None:
        self._file.commit()

    def discard(self) -> None:
        self._file.discard()


class StdoutSink:
    """Text written to standard output as it comes."""

    path = None

    def write(self, text: str) -> int:
        sys.stdout.write(text)
        return len(text)

    def write_bytes(self, data: bytes) -> None:
        sys.stdout.write(data.decode("utf-8"))

    def commit(self) -> None:
        sys.stdout.flush()

    def discard(self) -> None:
        sys.stdout.flush()


Sink = FileSink | StdoutSink
