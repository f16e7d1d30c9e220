"""Files the tool writes (the lock file; the files of `--out FILE` options): written whole to a temporary file in
the same folder, flushed, synced to the disk and renamed over the target, so that a failure — a full disk, a
folder that cannot be written — leaves the previous file exactly as it was."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from pathlib import Path

from .errors import Diagnostic, WQError
from .source import Span


def write_file(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` whole or not at all; returns the path. A symbolic link is written
    through (its target replaced, the link kept). A new file gets the usual permissions (0666 less the umask),
    a replaced one keeps its own.

    Raises WQError (WQ-FILE, at the path) when the file cannot be written; the previous file, if any, is then
    untouched and no temporary file is left behind.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_file(folder / "out.json", "{}\\n").read_text(encoding="utf-8")
    '{}\\n'
    """
    path = Path(path)
    target = Path(os.path.realpath(path))  # a link's target is what the user means by the file
    try:
        _write(target, text.encode("utf-8"))
    except OSError as e:
        reason = e.strerror or str(e)
        raise WQError(
            [
                Diagnostic(
                    "WQ-FILE",
                    f"cannot write: {reason}",
                    Span(str(path), 1, 1),
                    zh=f"无法写入：{reason}",
                    hint_zh="确认文件夹存在、可写，且磁盘有剩余空间；原有文件未被改动",
                )
            ]
        ) from None
    return path


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """``write_file`` for bytes (a Word document): written whole or not at all, WQError (WQ-FILE) when it cannot
    be."""
    path = Path(path)
    target = Path(os.path.realpath(path))
    try:
        _write(target, data)
    except OSError as e:
        reason = e.strerror or str(e)
        raise WQError(
            [
                Diagnostic(
                    "WQ-FILE",
                    f"cannot write: {reason}",
                    Span(str(path), 1, 1),
                    zh=f"无法写入：{reason}",
                    hint_zh="确认文件夹存在、可写，且磁盘有剩余空间；原有文件未被改动",
                )
            ]
        ) from None
    return path


class AtomicFile:
    """A file written whole or not at all while it is being written (a batch's results, row by row): the bytes go
    to a temporary file beside ``path``; ``commit()`` syncs it and renames it over ``path``, ``discard()`` (or an
    exception inside ``with``) removes it and leaves ``path`` as it was. Raises WQError (WQ-FILE) when the file
    cannot be written.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "rows.jsonl"
    >>> with AtomicFile(target) as f:
    ...     _ = f.write(b"{}\\n")
    >>> target.read_bytes()
    b'{}\\n'
    """

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self._target = Path(os.path.realpath(self.path))
        try:
            self._mode, fd, self._temporary = _temporary(self._target)
            self._file = os.fdopen(fd, "wb")
            if self._mode is not None:
                os.fchmod(self._file.fileno(), self._mode)
        except OSError as e:
            raise _cannot_write(self.path, e) from None

    def write(self, data: bytes) -> int:
        try:
            return self._file.write(data)
        except OSError as e:
            self.discard()
            raise _cannot_write(self.path, e) from None

    def tell(self) -> int:
        return self._file.tell()

    def flush(self) -> None:
        try:
            self._file.flush()
        except OSError as e:
            self.discard()
            raise _cannot_write(self.path, e) from None

    def commit(self) -> Path:
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            os.replace(self._temporary, self._target)
        except OSError as e:
            self.discard()
            raise _cannot_write(self.path, e) from None
        _sync_folder(self._target.parent)
        return self.path

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self._file.close()
        with contextlib.suppress(OSError):
            os.unlink(self._temporary)

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


def _cannot_write(path: Path, e: OSError) -> WQError:
    reason = e.strerror or str(e)
    return WQError(
        [
            Diagnostic(
                "WQ-FILE",
                f"cannot write: {reason}",
                Span(str(path), 1, 1),
                zh=f"无法写入：{reason}",
                hint_zh="确认文件夹存在、可写，且磁盘有剩余空间；原有文件未被改动",
            )
        ]
    )


def _temporary(target: Path) -> tuple[int | None, int, Path]:
    """(the target's permissions, or None; a descriptor open for writing; its path): a name of our own beside the
    target (O_EXCL: never someone else's file)."""
    try:
        mode: int | None = target.stat().st_mode & 0o7777
    except OSError:  # no file yet (or one we cannot look at: the rename will say so)
        mode = None
    for _ in range(100):
        temporary = target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp"
        try:
            return mode, os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), temporary  # umask applies
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name beside the file")  # pragma: no cover


def _write(target: Path, data: bytes) -> None:
    mode, fd, temporary = _temporary(target)
    try:
        with os.fdopen(fd, "wb") as f:
            if mode is not None:
                os.fchmod(f.fileno(), mode)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); where a folder cannot be opened for that, the rename stands."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
