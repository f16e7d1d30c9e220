"""Missing inputs: what a record asks for, found once each, counted in full and kept in text only for the first
few (``Missing``); and what an unknown output needed and did not have, found by running its compiled function again
over a view of the document that notes each field asked for and absent (``absent_reads``). Only the branches taken
are read, so a field the policy never needed for this document (`settled_on` of a purchaser in the district) is not
asked for. Time and memory are linear in the document: a path is kept as its shape (`purchases[].used_on`) and its
list positions, and each list of the document is viewed once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .context import Context

# Missing inputs named in a record, at most (an engine setting); the rest are counted ("… and 12,345 more").
MISSING_SHOWN = 30


def path_text(shape: str, positions: tuple) -> str:
    """`purchases[].used_on` and (3,) -> `purchases[3].used_on`."""
    if not positions:
        return shape
    parts = shape.split("[]")
    return "".join(f"{part}[{i}]" for part, i in zip(parts, positions)) + parts[-1]


class Missing:
    """Input paths, each once, in the order first added: the first ``shown`` kept as text, all counted. A path is
    given as its shape and list positions; a shape with one position keeps its positions as a bit set (one byte an
    item at most), so a list of a million empty items costs megabytes, not gigabytes."""

    __slots__ = ("limit", "shown", "count", "_plain", "_single", "_other")

    def __init__(self, shown: int = MISSING_SHOWN) -> None:
        self.limit = shown
        self.shown: list[str] = []
        self.count = 0
        self._plain: set[str] = set()
        self._single: dict[str, bytearray] | None = None  # made when first needed: most records have no list path
        self._other: set[tuple] | None = None

    def has(self, shape: str, positions: tuple = ()) -> bool:
        """Whether the path is one added already."""
        if not positions:
            return shape in self._plain
        if len(positions) == 1 and type(positions[0]) is int and positions[0] >= 0:
            bits = self._single.get(shape) if self._single is not None else None
            byte, bit = divmod(positions[0], 8)
            return bits is not None and byte < len(bits) and bool(bits[byte] >> bit & 1)
        return self._other is not None and (shape, positions) in self._other

    def add(self, shape: str, positions: tuple = ()) -> None:
        if not positions:
            if shape in self._plain:
                return
            self._plain.add(shape)
        elif len(positions) == 1 and type(positions[0]) is int and positions[0] >= 0:
            if self._single is None:
                self._single = {}
            bits, i = self._single.get(shape), positions[0]
            if bits is None:
                bits = self._single[shape] = bytearray()
            byte, bit = divmod(i, 8)
            if byte >= len(bits):
                bits.extend(bytes(max(byte + 1 - len(bits), len(bits))))  # doubling: linear in all
            if bits[byte] >> bit & 1:
                return
            bits[byte] |= 1 << bit
        else:
            if self._other is None:
                self._other = set()
            key = (shape, positions)
            if key in self._other:
                return
            self._other.add(key)
        self.count += 1
        if len(self.shown) < self.limit:
            self.shown.append(path_text(shape, positions))

    def add_text(self, path: str) -> None:
        """A path given as text (`expert_review.satisfaction`, `finances[0].rd_expense`)."""
        if "[" in path:
            self.add(*_shape_of(path))
        elif path not in self._plain:  # the usual path, without the calls
            self._plain.add(path)
            self.count += 1
            if len(self.shown) < self.limit:
                self.shown.append(path)

    def update(self, paths: Iterable[str]) -> None:
        for p in paths:
            self.add_text(p)


def _shape_of(path: str) -> tuple[str, tuple]:
    """`finances[0].rd_expense` -> (`finances[].rd_expense`, (0,)); a bracket that holds no whole number stays."""
    if "[" not in path:
        return path, ()
    shape, positions, rest = [], [], path
    while "[" in rest:
        head, _, tail = rest.partition("[")
        inside, close, after = tail.partition("]")
        if close and inside.isdigit():
            shape.append(head + "[]")
            positions.append(int(inside))
        else:
            shape.append(head + "[" + inside + close)
        rest = after
    return "".join(shape) + rest, tuple(positions)


class NotingContext(Context):
    """A context whose document is a noting view: ``unread`` takes back the last path noted (``known(x)`` and
    ``value_or(x, d)`` ask for ``x`` without needing it)."""

    __slots__ = ("notes",)

    def __init__(self, doc: Any, cache: dict, notes: _Notes) -> None:
        super().__init__(doc, cache)
        self.notes = notes

    def unread(self) -> None:
        self.notes.unread()


class _Notes:
    """The absent paths asked for, added to a Missing as they come, the latest held back until the next (or the
    end) so that ``unread`` can take it back."""

    def __init__(self, into: Missing) -> None:
        self.into = into
        self.pending: tuple | None = None  # the latest path noted, when it was not noted before

    def note(self, shape: str, positions: tuple) -> None:
        self.flush()
        if not self.into.has(shape, positions):
            self.pending = (shape, positions)

    def unread(self) -> None:
        self.pending = None

    def flush(self) -> None:
        if self.pending is not None:
            self.into.add(*self.pending)
            self.pending = None


_ABSENT = object()


class _Noting(dict):
    """A mapping of the document that notes the path of each key asked for with ``get`` and not there; a mapping or
    list it gives is viewed the same way, once (the view replaces the value in this copy)."""

    __slots__ = ("_shape", "_positions", "_notes", "_viewed")

    def __init__(self, data: dict, shape: str, positions: tuple, notes: _Notes) -> None:
        super().__init__(data)
        self._shape, self._positions, self._notes = shape, positions, notes
        self._viewed: set | None = None

    def get(self, key: Any, default: Any = None) -> Any:
        value = dict.get(self, key, _ABSENT)
        if value is _ABSENT:
            self._notes.note(f"{self._shape}.{key}" if self._shape else str(key), self._positions)
            return default
        if isinstance(value, (dict, list)) and (self._viewed is None or key not in self._viewed):
            shape = f"{self._shape}.{key}" if self._shape else str(key)  # its path, only for a view made
            value = _noting(value, shape, self._positions, self._notes)
            dict.__setitem__(self, key, value)
            if self._viewed is None:
                self._viewed = set()
            self._viewed.add(key)
        return value


def _noting(value: Any, shape: str, positions: tuple, notes: _Notes) -> Any:
    if isinstance(value, dict):
        return _Noting(value, shape, positions, notes)
    if isinstance(value, list):
        item = shape + "[]"
        return [
            _noting(x, item, positions + (i,), notes) if isinstance(x, (dict, list)) else x for i, x in enumerate(value)
        ]
    return value


def absent_reads(fns: list[Callable[[Context], Any]], doc: Any, cache: dict, into: Missing) -> None:
    """Add to ``into`` the paths of the fields the functions ``fn(ctx)`` ask for and ``doc`` lacks, first asked
    first, in one pass: a definition they share is computed once. ``cache`` is the evaluation's: its rule counts
    and outcome (which an output may read) are kept, its definitions computed again over the noting view."""
    if not isinstance(doc, dict):
        return
    notes = _Notes(into)
    again = {k: v for k, v in cache.items() if type(k) is str and k.startswith("$")}
    ctx = NotingContext(_Noting(doc, "", (), notes), again, notes)
    for fn in fns:
        try:
            fn(ctx)
        except Exception:  # noqa: BLE001 - a fault was reported when the output was computed; its reads count
            pass
    notes.flush()
