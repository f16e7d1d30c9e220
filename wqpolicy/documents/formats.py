"""One place that maps a format name to its renderer, for each kind of document: the CLI, the service and the
tests ask here. A renderer returns text, or bytes for a binary format (docx)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

BINARY = frozenset({"docx"})
SUFFIX = {"text": ".txt", "md": ".md", "html": ".html", "docx": ".docx"}


def notice_renderer(fmt: str, width: int = 100, lang: str = "both") -> Callable[[Any], str | bytes]:
    """The renderer of a notice in ``fmt``; ``lang`` (both, zh, en) for the text form, which a terminal shows (the
    documents filed, md, html and docx, are Chinese with the English beside)."""
    if fmt == "text":
        from .text import notice_text

        return lambda n: notice_text(n, width, lang)
    if fmt == "md":
        from .markdown import notice_markdown

        return notice_markdown
    if fmt == "html":
        from .html import notice_html

        return notice_html
    if fmt == "docx":
        from .word import notice_docx

        return notice_docx
    raise ValueError(fmt)


def policy_renderer(fmt: str) -> Callable[[Any], str | bytes]:
    if fmt == "md":
        from .markdown import policy_markdown

        return policy_markdown
    if fmt == "html":
        from .html import policy_html

        return policy_html
    if fmt == "docx":
        from .word import policy_docx

        return policy_docx
    if fmt == "text":
        from .markdown import policy_markdown

        return policy_markdown
    raise ValueError(fmt)


def revision_renderer(fmt: str) -> Callable[[Any], str | bytes]:
    if fmt in ("md", "markdown", "text"):
        from .markdown import revision_markdown

        return revision_markdown
    if fmt == "html":
        from .html import revision_html

        return revision_html
    if fmt == "docx":
        from .word import revision_docx

        return revision_docx
    raise ValueError(fmt)
