"""A progress bar on standard error while a batch runs (rich), only when standard error is a terminal: a file or a
pipe gets nothing."""

from __future__ import annotations

import sys
from typing import Any

from .extra import rich_available

# Results between updates of the bar (an engine setting: updating it costs more than evaluating one application).
_EVERY = 64


class Progress:
    def __init__(self, label: str, enabled: bool | None = None):
        if enabled is None:
            enabled = _terminal() and rich_available()
        self.enabled = enabled
        self.label = label
        self._bar: Any = None
        self._task: Any = None
        self._count = 0

    def start(self) -> None:
        if not self.enabled or self._bar is not None:
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TimeElapsedColumn

        self._bar = Progress(
            SpinnerColumn(),
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._bar.start()
        self._task = self._bar.add_task(self.label, total=None)

    def advance(self, n: int = 1) -> None:
        before = self._count
        self._count += n
        if self._bar is not None and self._count // _EVERY != before // _EVERY:
            self._bar.update(self._task, completed=self._count)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=self._count)
            self._bar.stop()
            self._bar = None


def _terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False
