"""What an unknown output needed and did not have: its compiled function run again over a view of the document
that notes each field asked for and absent (`purchases[0].used_on`). Only the branches taken are read, so a
field the policy never needed for this document (`settled_on` of a purchaser in the district) is not asked for.
Run only when a record's missing inputs are asked for, never while deciding."""
from __future__ import annotations


class _Noting(dict):
    """A mapping of the document that notes, in ``absent``, the path of each key asked for with ``get`` and not
    there; a mapping or list it gives is noted the same way."""

    __slots__ = ("_path", "_absent")

    def __init__(self, data: dict, path: str, absent: dict):
        super().__init__(data)
        self._path, self._absent = path, absent

    def get(self, key, default=None):
        path = f"{self._path}.{key}" if self._path else str(key)
        if key in self:
            return _noting(dict.__getitem__(self, key), path, self._absent)
        self._absent.setdefault(path)
        return default


def _noting(value, path: str, absent: dict):
    if type(value) is dict:
        return _Noting(value, path, absent)
    if type(value) is list:
        return [_noting(x, f"{path}[{i}]", absent) for i, x in enumerate(value)]
    return value


def absent_reads(fn, doc: dict, cache: dict) -> list[str]:
    """The paths of the fields ``fn(doc, cache)`` asks for and ``doc`` lacks, first asked first. ``cache`` is the
    evaluation's: its rule counts and outcome (which an output may read) are kept, its definitions computed again."""
    absent: dict[str, None] = {}
    if type(doc) is not dict:
        return []
    again = {k: v for k, v in cache.items() if type(k) is str and k.startswith("$")}
    try:
        fn(_Noting(doc, "", absent), again)
    except Exception:  # noqa: BLE001 - a fault was reported when the output was computed; what was read still counts
        pass
    return list(absent)
