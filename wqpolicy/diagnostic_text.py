"""Diagnostics as the command line prints them: each worded, with the line of its file and a caret under it."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .errors import Diagnostic, WQError
from .yamlload import read_text


def render_diagnostics(diagnostics: Iterable[Diagnostic], lang: str = "both") -> str:
    """Each diagnostic rendered (``Diagnostic.render``) in ``lang`` (both: Chinese, then English; zh; en) with its
    source line when its file can be read, one after another, each ending with a newline; "" for none. Each file
    is read once.

    >>> from wqpolicy.source import Span
    >>> print(render_diagnostics([Diagnostic("WQ-FILE", "cannot read", Span("no/such.yaml", 1, 1))]), end="")
    no/such.yaml:1:1: error[WQ-FILE]: cannot read
    """
    texts: dict[str, str | None] = {}
    out = []
    for d in diagnostics:
        text = None
        if d.span is not None:
            if d.span.file not in texts:
                try:  # the source line under the message; read_text refuses huge and special files (a GB18030
                    # file is read as its diagnostics read it: that it was is said by a warning of its own)
                    texts[d.span.file] = read_text(d.span.file, notes=[]) if Path(d.span.file).is_file() else None
                except (WQError, OSError, ValueError):  # a name too long for the system, or with a NUL in it
                    texts[d.span.file] = None
            text = texts[d.span.file]
        out.append(d.render(text, lang) + "\n")
    return "".join(out)
