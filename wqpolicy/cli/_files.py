"""What the document commands share: a result (text, or bytes for docx) written to --out FILE (whole or not at
all) or to standard output — never bytes to a terminal — and the missing-extra error in two languages."""

from __future__ import annotations

import sys

import click

from ..documents import MissingExtra
from ..documents.formats import BINARY
from ..errors import WQError
from ..outfile import write_bytes, write_file
from . import fail, out


def terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def refuse_binary_on_terminal(fmt: str, out_file: str | None) -> None:
    """A usage error (exit 2) for a binary format headed for a terminal."""
    if fmt in BINARY and out_file is None and terminal():
        raise click.UsageError(
            f"--format {fmt} is a binary file: write it with --out FILE "
            f"（{fmt} 是二进制文件，请用 --out 文件名 写入文件）"
        )


def emit(result: str | bytes | None, out_file: str | None) -> None:
    """``result`` to ``out_file`` or standard output."""
    if result is None:
        return
    try:
        if out_file is not None:
            if isinstance(result, bytes):
                write_bytes(out_file, result)
            else:
                write_file(out_file, result)
        elif isinstance(result, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(result)
            sys.stdout.flush()
        else:
            out(result)
    except WQError as e:
        fail(e)


def extra_missing(e: MissingExtra) -> click.ClickException:
    """The missing-extra error as click shows it: one message in Chinese and English, exit 1."""
    return click.ClickException(str(e))
