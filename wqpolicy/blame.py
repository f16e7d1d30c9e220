"""An error a revision causes in a line it inherits from its base: said so, with where the revision made the edit.

Checking a revision checks its resolved policy, so a fault may sit in the base file (a clause map still naming a
rule the revision removed, a message naming a value that the revision's new condition no longer reads). The
place of the fault stays where the text is; the hint names the revision and the line of it to edit, instead of
a "did you mean" that sends the officer to change the base.
"""
from __future__ import annotations

import dataclasses
import re

from .errors import Diagnostic
from .overlay import DECISION_NAMED, WHAT
from .yamlload import Marks

_QUOTED = re.compile(r"`\{?([^`{}]+)\}?`")


def blame_revision(diagnostics: list[Diagnostic], rev_file: str, rev_marks: Marks, merged: Marks,
                   origin: dict, version: str, base: str) -> list[Diagnostic]:
    """``diagnostics`` of the resolved revision ``version`` (file ``rev_file``), those in inherited lines with a
    hint naming the revision's edit that broke them (``origin``: item path -> 'changed' | 'added' | 'removed')."""
    removed = {path[-1]: path for path, how in origin.items() if how == "removed"}
    changed = {path[-1]: path for path, how in origin.items() if how == "changed" and len(path) == 2}
    at_line = _items_by_line(merged)
    out = []
    for d in diagnostics:
        if d.span is None or d.span.file == rev_file:
            out.append(d)
            continue
        hint = None
        for name in _QUOTED.findall(d.message):
            if name in removed:
                hint = (f"`{name}` is removed by {version}{_at(rev_marks, removed[name])}, but this line, inherited "
                        f"from {base}, still names it: restate its item in {version} without it")
                break
        for name in _QUOTED.findall(d.message) if hint is None else ():
            if name in changed:
                hint = (f"{version} changes {_what(changed[name])} `{name}`{_at(rev_marks, changed[name])}, and this "
                        f"line, inherited from {base}, reads it" + (f": {d.hint}" if d.hint else ""))
                break
        item = at_line.get((d.span.file, d.span.line))
        if hint is None and item is not None and origin.get(item) == "changed":
            hint = (f"{version} changes {_what(item)} `{item[-1]}`{_at(rev_marks, item)} and this line, inherited "
                    f"from {base}, no longer fits it: restate it in {version} too")
        if hint is None:
            hint = f"this line is inherited from {base} by {version}" + (f"; {d.hint}" if d.hint else "")
        out.append(dataclasses.replace(d, hint=hint))
    return out


def _at(marks: Marks, path: tuple) -> str:
    where = marks.key_span(path)
    return f" ({where})" if where else ""


def _what(path: tuple) -> str:
    return WHAT.get(path[2] if len(path) == 4 else path[0], "item")


def _items_by_line(marks: Marks) -> dict:
    """(file, 1-based line) -> the item (a named entry of the policy) whose text holds that line."""
    out = {}
    for path, mark in marks.items():
        if not path or path[0] == "<key>":
            continue
        item = path[:4] if path[0] == "decisions" and len(path) >= 4 and path[2] in DECISION_NAMED else path[:2]
        out.setdefault((mark.file, mark.line + 1), item)
    return out
