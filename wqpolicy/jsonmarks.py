"""Where a path of a JSON input document sits in its text, found only when an error asks: the values before it
are skipped by json's own decoder (C speed), so placing an error in a 4 MB document takes milliseconds, where
reading the whole of it again for YAML marks took seconds."""
from __future__ import annotations

import json
from json.decoder import scanstring

from .source import ScalarMark
from .yamlload import Marks

_SKIP = json.JSONDecoder().raw_decode
_SPACE = " \t\n\r"


class JsonMarks(Marks):
    """The marks (yamlload.Marks) of a JSON text that ``json.loads`` read, each found when first asked for, at the
    place YAML reading would give: a string's first character after its quote, a mapping's or list's bracket."""

    def __init__(self, text: str, file: str):
        super().__init__()
        self._text, self._file = text, file
        self._found: dict = {}

    def __contains__(self, path) -> bool:
        return self.get(path) is not None

    def get(self, path, default=None):
        path = tuple(path)
        if path not in self._found:
            self._found[path] = self._locate(path)
        found = self._found[path]
        return default if found is None else found

    def _locate(self, path: tuple) -> ScalarMark | None:
        keyed = path[:1] == ("<key>",)
        place = _find(self._text, path[1:] if keyed else path)
        if place is None or (keyed and place[0] is None):
            return None
        start, end, style = (place[0], place[1], '"') if keyed else place[2:]
        text = self._text
        line = text.count("\n", 0, start)
        return ScalarMark(self._file, text, start, end, style, line, start - (text.rfind("\n", 0, start) + 1))


def usable(text: str) -> bool:
    """Whether lines can be counted by ``\\n`` alone (a lone carriage return breaks a line for YAML too)."""
    return "\r" not in text or text.count("\r") == text.count("\r\n")


def _space(text: str, i: int) -> int:
    while i < len(text) and text[i] in _SPACE:
        i += 1
    return i


def _find(text: str, path: tuple):
    """(key start, key end, value start, value end, value style) of ``path`` in the JSON ``text``; the key's
    places are None for the document and list items; None when the path is not there."""
    i, key = _space(text, 0), (None, None)
    for step in path:
        if i >= len(text):
            return None
        if text[i] == "{" and isinstance(step, str):
            i = _space(text, i + 1)
            while True:
                if i >= len(text) or text[i] != '"':
                    return None
                name, end = scanstring(text, i + 1)
                found = name == step
                key = (i, end)
                i = _space(text, _space(text, end) + 1)  # past the colon
                if found:
                    break
                i = _space(text, _SKIP(text, i)[1])
                if i >= len(text) or text[i] != ",":
                    return None
                i = _space(text, i + 1)
        elif text[i] == "[" and isinstance(step, int) and not isinstance(step, bool):
            i = _space(text, i + 1)
            for _ in range(step):
                i = _space(text, _SKIP(text, i)[1])
                if i >= len(text) or text[i] != ",":
                    return None
                i = _space(text, i + 1)
            if i >= len(text) or text[i] == "]":
                return None
            key = (None, None)
        else:
            return None
    if i >= len(text):
        return None
    if text[i] in "{[":
        return (*key, i, i + 1, None)
    end = _SKIP(text, i)[1]
    return (*key, i, end, '"' if text[i] == '"' else None)
