"""Standard output that cannot be written — a full device, a closed or broken pipe — ends the command with one line
on standard error, in Chinese and English, and exit 1: never a traceback, never a silent exit 0. A character the
stream's encoding lacks (`m²` on a GBK console or file) is written as the nearest it has (`m2`), else `?`: output
never stops at a character."""

from __future__ import annotations

import codecs
import errno
import os
import sys
import unicodedata
from typing import Any, TextIO

import click

# Characters with no compatibility form that the usual encodings (GBK, cp1252, ASCII) may lack, and what stands in
# for each; any other is taken to its compatibility form (NFKC: ² → 2, ㎡ → m2, ｍ → m) where the stream has that.
_NEAREST = {
    "–": "-",
    "—": "-",
    "−": "-",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "…": "...",
    "·": ".",
    "→": "->",
    "←": "<-",
    "×": "x",
    "≥": ">=",
    "≤": "<=",
    "≠": "!=",
}
PLAIN = "wqpolicy-plain"  # the codec error handler that does so


def _plain(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: each character the encoding cannot take, as the nearest it can (``_NEAREST``, then
    its compatibility form), else `?`."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    out = []
    for ch in error.object[error.start : error.end]:
        for candidate in (unicodedata.normalize("NFKC", ch), _NEAREST.get(ch, "?"), "?"):
            try:
                candidate.encode(error.encoding)
            except UnicodeEncodeError:
                continue
            out.append(candidate)
            break
    return "".join(out), error.end


codecs.register_error(PLAIN, _plain)


def writable(text: str, stream: Any) -> str:
    """``text`` with each character ``stream``'s encoding cannot take replaced (``_plain``): what it can write."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode(encoding, PLAIN).decode(encoding)
    except LookupError:  # an encoding Python does not know: nothing to do but write
        return text
    return text


class PlainErrors:
    """Wraps standard error: a character its encoding cannot take is written as the nearest it can (``writable``)
    rather than raising in the middle of a message."""

    def __init__(self, stream: TextIO):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(writable(text, self._stream))
        return len(text)

    def __getattr__(self, name: str) -> Any:  # encoding, flush, isatty, fileno, …: as the stream has them
        return getattr(self._stream, name)


# What each way of failing is called, for the line the user reads; any other errno is named by the system.
_REASONS = {
    errno.ENOSPC: ("设备已满", "no space left on device"),
    errno.EPIPE: ("读取方已关闭管道", "the reader closed the pipe (broken pipe)"),
    errno.EBADF: ("标准输出已关闭", "standard output is closed"),
    errno.EDQUOT: ("超出磁盘配额", "disk quota exceeded"),
    errno.EFBIG: ("文件过大", "file too large"),
    errno.EIO: ("输入输出错误", "input/output error"),
}


class OutputFault(click.ClickException):
    """Standard output could not be written: click shows this one line on standard error and exits 1."""

    exit_code = 1

    def __init__(self, error_number: int, strerror: str | None = None, fd: int | None = None) -> None:
        zh, en = _REASONS.get(error_number, ("系统错误", (strerror or os.strerror(error_number)).lower()))
        super().__init__(f"无法写出结果：{zh} / cannot write the output: {en}")
        self.errno = error_number
        self.fd = fd

    def show(self, file: Any = None) -> None:
        """The one line on standard error; and the failed descriptor pointed at the null device, so that the
        interpreter's own flush at exit cannot fail again (it would print "Exception ignored …" and exit 120)."""
        try:
            click.echo(self.message, err=True)
        except OSError:  # standard error is the same broken pipe (`2>&1 | head`): nothing can be said
            _to_null(sys.stderr)
        if self.fd is not None:
            _to_null(self.fd)


class GuardedOutput:
    """Wraps standard output: an OSError while writing or flushing becomes an OutputFault (click shows it and
    exits 1; one that click catches itself, probing the stream with an empty write, changes nothing)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        buffer = getattr(self._stream, "buffer", None)
        try:
            if buffer is None:
                return self._stream.write(writable(text, self._stream))
            # Bytes written to the buffer until all are taken: a text stream passes a long text to its buffer in
            # one call, which may take part of it and report no error when the reader of a pipe goes away (so
            # the rest would be lost without a word). What the text layer holds goes first.
            self._stream.flush()
            data = memoryview(text.replace("\n", os.linesep).encode(self._stream.encoding, PLAIN))
            while data:
                taken = buffer.write(data)
                if not taken:  # a non-blocking descriptor that takes nothing now
                    raise BlockingIOError(errno.EAGAIN, os.strerror(errno.EAGAIN))
                data = data[taken:]
            return len(text)
        except OSError as e:
            raise self._fault(e) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as e:
            raise self._fault(e) from None

    def __getattr__(self, name: str) -> Any:  # encoding, isatty, fileno, …: as the stream has them
        return getattr(self._stream, name)

    def _fault(self, e: OSError) -> OutputFault:
        try:
            fd: int | None = self._stream.fileno()
        except (OSError, ValueError):  # click's test runner: no descriptor, and nothing left to flush at exit
            fd = None
        return OutputFault(e.errno or errno.EIO, e.strerror, fd)


def _to_null(target: TextIO | int | None) -> None:
    """Point a stream's descriptor at the null device, so that what it still holds is flushed there at exit."""
    try:
        fd = target if isinstance(target, int) else target.fileno() if target is not None else None
    except (OSError, ValueError):
        return
    if fd is not None:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)


def stdout_closed() -> bool:
    """Whether the process started with its standard output closed (`wqpolicy eval x >&-`): Python then has no
    sys.stdout at all, and click would drop every line without a word."""
    return sys.stdout is None
