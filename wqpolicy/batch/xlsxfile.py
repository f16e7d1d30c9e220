"""A workbook saved as a file people keep: whole or not at all (outfile.AtomicFile), and the same bytes for the same
content — the zip's time stamps and the document's dates are the day's (clock.today), not the second it was
written, so that a batch run on one core and on two gives the same file."""

from __future__ import annotations

import datetime
import io
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from ..clock import today
from ..outfile import AtomicFile

_CORE = "docProps/core.xml"


def save_workbook(book: Any, path: str | Path) -> Path:
    """Save an openpyxl workbook (also a write-only one) to ``path``. Raises WQError (WQ-FILE) when it cannot."""
    with tempfile.TemporaryFile() as raw:
        book.save(raw)
        raw.seek(0)
        with AtomicFile(path) as out:
            _stamped(book, raw, out)
    return Path(path)


def workbook_bytes(book: Any) -> bytes:
    """An openpyxl workbook as the bytes of its file (a small one: a template)."""
    raw, out = io.BytesIO(), io.BytesIO()
    book.save(raw)
    raw.seek(0)
    _stamped(book, raw, out)
    return out.getvalue()


def _stamped(book: Any, raw: Any, out: Any) -> None:
    """The zip ``raw`` copied to ``out`` with the day's time stamps, and the document's dates the day's."""
    from openpyxl.xml.functions import tostring

    day = today()
    book.properties.created = book.properties.modified = datetime.datetime(day.year, day.month, day.day)
    core = tostring(book.properties.to_tree())
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=(day.year, day.month, day.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            if entry.filename == _CORE:
                target.writestr(info, core)
                continue
            with source.open(entry) as data, target.open(info, "w") as written:
                shutil.copyfileobj(data, written, 1 << 20)
