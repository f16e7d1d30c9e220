"""Where a path of a JSON input document sits in its text, found only when an error asks: the values before it
are skipped by json's own decoder (C speed), each place passed kept for the next path, so placing the errors of a
4 MB document takes a walk along it, where reading the whole of it again for YAML marks took seconds."""

from __future__ import annotations

import json
from json.decoder import scanstring  # type: ignore[attr-defined]  # there at run time; typeshed leaves it out
from typing import Any

from .source import ScalarMark, line_col
from .yamlload import Marks

_SKIP = json.JSONDecoder().raw_decode
_SPACE = " \t\n\r"
_FURTHEST = object()  # a key of _find's places: the furthest item of a list reached


class JsonMarks(Marks):
    """The marks (yamlload.Marks) of a JSON text that ``json.loads`` read, each found when first asked for, at the
    place YAML reading would give: a string's first character after its quote, a mapping's or list's bracket."""

    def __init__(self, text: str, file: str) -> None:
        super().__init__()
        self._text, self._file = text, file
        self._found: dict = {}
        self._passed: dict = {}  # places passed on the way to those found (see _find)

    def __contains__(self, path: object) -> bool:
        return self.get(path) is not None

    def get(self, path: Any, default: Any = None) -> Any:
        path = tuple(path)
        if path not in self._found:
            self._found[path] = self._locate(path)
        found = self._found[path]
        return default if found is None else found

    def _locate(self, path: tuple) -> ScalarMark | None:
        keyed = path[:1] == ("<key>",)
        place = _find(self._text, path[1:] if keyed else path, self._passed)
        if place is None:
            return None
        key_start, key_end, start, end, style = place
        if keyed:
            if key_start is None or key_end is None:
                return None
            start, end, style = key_start, key_end, '"'
        line, col = line_col(self._text, start)
        return ScalarMark(self._file, self._text, start, end, style, line, col)


def usable(text: str) -> bool:
    """Whether lines can be counted by ``\\n`` alone (a lone carriage return breaks a line for YAML too)."""
    return "\r" not in text or text.count("\r") == text.count("\r\n")


def _space(text: str, i: int) -> int:
    while i < len(text) and text[i] in _SPACE:
        i += 1
    return i


def _find(text: str, path: tuple, seen: dict) -> tuple[int | None, int | None, int, int, str | None] | None:
    """(key start, key end, value start, value end, value style) of ``path`` in the JSON ``text``; the key's
    places are None for the document and list items; None when the path is not there. ``seen`` (path -> key
    start, key end, value start) keeps every place passed on the way, so the next path starts from the longest
    of them already found: fifty errors at the end of a long list cost one walk along it, not fifty."""
    n = len(path)
    while n and path[:n] not in seen:
        n -= 1
    if n:
        key_start, key_end, i = seen[path[:n]]
        key = (key_start, key_end)
    else:
        i, key = _space(text, 0), (None, None)
    for depth in range(n, len(path)):
        step, here = path[depth], path[:depth]
        if i >= len(text):
            return None
        if text[i] == "{" and isinstance(step, str):
            i = _space(text, i + 1)
            while True:
                if i >= len(text) or text[i] != '"':
                    return None
                name, end = scanstring(text, i + 1)
                key = (i, end)
                i = _space(text, _space(text, end) + 1)  # past the colon
                seen[here + (name,)] = (*key, i)
                if name == step:
                    break
                i = _space(text, _SKIP(text, i)[1])
                if i >= len(text) or text[i] != ",":
                    return None
                i = _space(text, i + 1)
        elif text[i] == "[" and isinstance(step, int) and not isinstance(step, bool):
            far = seen.get(here + (_FURTHEST,))  # the furthest item of this list reached so far, and where
            first, i = far if far is not None and far[0] <= step else (0, _space(text, i + 1))
            for j in range(first, step):
                seen[here + (j,)] = (None, None, i)
                i = _space(text, _SKIP(text, i)[1])
                if i >= len(text) or text[i] != ",":
                    return None
                i = _space(text, i + 1)
            if i >= len(text) or text[i] == "]":
                return None
            key = (None, None)
            seen[here + (step,)] = (*key, i)
            if far is None or far[0] < step:
                seen[here + (_FURTHEST,)] = (step, i)
        else:
            return None
    if i >= len(text):
        return None
    if text[i] in "{[":
        return (*key, i, i + 1, None)
    end = _SKIP(text, i)[1]
    return (*key, i, end, '"' if text[i] == '"' else None)
