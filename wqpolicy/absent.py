"""What an unknown output needed and did not have: its compiled function run again over a view of the document
that notes each field asked for and absent (`purchases[0].used_on`). Only the branches taken are read, so a
field the policy never needed for this document (`settled_on` of a purchaser in the district) is not asked for.
Run only when a record's missing inputs are asked for, never while deciding."""
from __future__ import annotations

import threading

_local = threading.local()  # the notes of the noting run in progress on this thread, if any


class _Notes:
    """The absent paths asked for, in order; ``unread`` takes back the last one asked for (``known(x)`` and
    ``value_or(x, d)`` ask for ``x`` without needing it)."""

    def __init__(self):
        self.paths: dict[str, None] = {}
        self.recent: list[str | None] = []  # each read, in order: its path when it first noted it, else None

    def note(self, path: str) -> None:
        first = path not in self.paths
        self.paths.setdefault(path)
        self.recent.append(path if first else None)

    def unread(self) -> None:
        if self.recent:
            path = self.recent.pop()
            if path is not None:
                del self.paths[path]


def unread() -> None:
    """Called by ``known`` and ``value_or`` when their value is missing: it was asked about, not needed."""
    notes = getattr(_local, "notes", None)
    if notes is not None:
        notes.unread()


class _Noting(dict):
    """A mapping of the document that notes, in ``absent``, the path of each key asked for with ``get`` and not
    there; a mapping or list it gives is noted the same way."""

    __slots__ = ("_path", "_absent")

    def __init__(self, data: dict, path: str, absent: _Notes):
        super().__init__(data)
        self._path, self._absent = path, absent

    def get(self, key, default=None):
        path = f"{self._path}.{key}" if self._path else str(key)
        if key in self:
            return _noting(dict.__getitem__(self, key), path, self._absent)
        self._absent.note(path)
        return default


def _noting(value, path: str, absent: _Notes):
    if isinstance(value, dict):
        return _Noting(value, path, absent)
    if isinstance(value, list):
        return [_noting(x, f"{path}[{i}]", absent) for i, x in enumerate(value)]
    return value


def absent_reads(fns: list, doc: dict, cache: dict) -> list[str]:
    """The paths of the fields the functions ``fn(doc, cache)`` ask for and ``doc`` lacks, first asked first, in
    one pass: a definition they share is computed once. ``cache`` is the evaluation's: its rule counts and outcome
    (which an output may read) are kept, its definitions computed again over the noting view."""
    if not isinstance(doc, dict):
        return []
    notes, again = _Notes(), {k: v for k, v in cache.items() if type(k) is str and k.startswith("$")}
    view = _Noting(doc, "", notes)
    outer, _local.notes = getattr(_local, "notes", None), notes
    try:
        for fn in fns:
            try:
                fn(view, again)
            except Exception:  # noqa: BLE001 - a fault was reported when the output was computed; its reads count
                pass
    finally:
        _local.notes = outer
    return list(notes.paths)
