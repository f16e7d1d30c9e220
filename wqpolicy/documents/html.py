"""Documents as one self-contained HTML file each (inline CSS, no external fetch; A4 print stylesheet), from the
Jinja2 templates in templates/ with autoescape on."""

from __future__ import annotations

from typing import Any

from . import MissingExtra

_ENV: Any = None


def environment():
    """The Jinja2 environment of the package's templates (made once). Raises MissingExtra without Jinja2."""
    global _ENV
    if _ENV is None:
        try:
            import jinja2
        except ImportError:
            raise MissingExtra("html", "Jinja2") from None
        _ENV = jinja2.Environment(
            loader=jinja2.PackageLoader("wqpolicy.documents", "templates"),
            autoescape=jinja2.select_autoescape(["html"], default=True),
            trim_blocks=False,
            lstrip_blocks=False,
            keep_trailing_newline=True,
        )
    return _ENV


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def notice_html(notice) -> str:
    return render("notice.html", n=notice)


def policy_html(table) -> str:
    return render("policy.html", t=table)


def revision_html(table) -> str:
    return render("revision.html", t=table)
