"""What a reader gives for each application (``Item``): its place in the batch, its id, its document (or the text
or file to read it from, read where it is evaluated) and the problems found reading it, each placed in the sheet
(``认定申请!F7``) or file (``apps.jsonl:12:5``) and worded in Chinese and English (``Problem``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Diagnostic


@dataclass(frozen=True)
class Problem:
    """Something that keeps an application (or a whole file, ``index`` None) from being evaluated."""

    where: str
    zh: str
    en: str
    code: str = "WQ-INPUT"

    def text(self) -> str:
        """``认定申请!F7: “是的”不是“是”或“否” / 'yes please' is not …``."""
        words = self.zh if self.zh == self.en else f"{self.zh} / {self.en}"
        return f"{self.where}: {words}" if self.where else words

    def line(self) -> str:
        """As the command line reports it, with its code: ``认定申请!F7: error[WQ-INPUT]: …``."""
        words = self.zh if self.zh == self.en else f"{self.zh} / {self.en}"
        return f"{self.where}: error[{self.code}]: {words}" if self.where else f"error[{self.code}]: {words}"

    def to_json(self) -> dict:
        return {"code": self.code, "where": self.where, "message_zh": self.zh, "message": self.en}

    @classmethod
    def of(cls, d: Diagnostic, where: str | None = None) -> Problem:
        """A diagnostic as a problem, placed at ``where`` (a cell) or at its own span."""
        place = where if where is not None else str(d.span) if d.span is not None else ""
        return cls(place, d.zh or d.message, d.message, d.code)


@dataclass(frozen=True)
class Item:
    """One application as read. Exactly one of ``document`` (a mapping), ``text`` (the text of one JSON or YAML
    document, from line ``line`` of ``source``) and ``path`` (a file to read) is given, unless ``problems`` keep
    it from being evaluated. ``id`` is None when the document's own `id` (or the line) is to name it. ``cells``
    maps a field path (``investment[2].amount``) to the cell it was read from, to place a schema error there."""

    index: int
    id: str | None
    source: str
    document: dict | None = None
    text: str | None = None
    line: int = 1
    path: str | None = None
    decision: str | None = None
    problems: tuple[Problem, ...] = ()
    cells: dict[str, str] = field(default_factory=dict)

    def __reduce__(self) -> tuple[type[Item], tuple]:
        """Pickled as its fields in order (a batch sends every item to a worker process: a tuple is quicker to
        write and read than a dataclass's state)."""
        return Item, (
            self.index,
            self.id,
            self.source,
            self.document,
            self.text,
            self.line,
            self.path,
            self.decision,
            self.problems,
            self.cells,
        )

    @property
    def name(self) -> str:
        """How messages name the application's input: its file, or the place of its row or line."""
        if self.path is not None:
            return self.path
        if self.text is not None:
            return f"{self.source}:{self.line}"
        return self.cells.get("", self.source)
