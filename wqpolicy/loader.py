"""``load_policy``: the usual way in — a policy version by id, id@version, file or date, loaded, checked and
compiled."""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable
from pathlib import Path

from .errors import Diagnostic, WQError
from .library import Library, is_policy_file, not_a_policy_file
from .policy import PathLike, Policy
from .versions import read_policy_file
from .yamlload import Marks


def load_policy(
    ref: PathLike | None = None,
    *,
    on: datetime.date | str | None = None,
    paths: Iterable[PathLike] | None = None,
    home: Iterable[PathLike] | None = None,
) -> Policy:
    """Load, check and compile a policy version.

    ``ref`` is ``ID@VERSION``, ``ID`` (the version in force ``on``), the path of a policy file (str or Path: that
    file, with the versions it extends beside it or bundled), or None (the only policy, in force ``on``). ``on``
    is a date (a ``datetime.date``, a datetime's day, or ``"YYYY-MM-DD"``; default today). ``paths`` are folders
    to search besides the bundled ``policies/`` (theirs win); ``home``, folders that stand in for the bundled
    ones (the officer's policy folder, as the command line finds it).

    Raises WQError with every diagnostic (code, message, ``span`` with file, line and col) when the policy cannot
    be found, read or checked, or no version is in force ``on``.

    >>> load_policy("wuqing-five-platforms@2021-trial").version
    '2021-trial'
    >>> load_policy(on=datetime.date(2021, 6, 1)).version
    '2021-trial'
    >>> load_policy("wuqing-five-platforms@2019")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    wqpolicy.errors.WQError: error[WQ-VERSION]: policy `wuqing-five-platforms` has no version `2019` (versions: ...)
    """
    if (ref is not None and not isinstance(ref, (str, os.PathLike))) or (
        isinstance(ref, os.PathLike) and not isinstance(os.fspath(ref), str)
    ):
        raise TypeError(
            f"load_policy: ref must be an ID@VERSION, an ID or a policy file's path (str or Path), "
            f"not {type(ref).__name__}"
        )
    if ref is not None:
        ref = os.fspath(ref)
    on = _day(on)
    if ref and is_policy_file(ref):
        path = Path(ref)
        pf = read_policy_file(path)  # a missing file, a folder, a pipe, bad YAML: the right WQ-FILE / WQ-YAML error
        if "id" not in pf.doc or "version" not in pf.doc:
            raise WQError([not_a_policy_file(pf)])
        library = Library.over_bundled([path], home=home)
        return library.load(pf.id, pf.version)
    library = Library.over_bundled(paths or [], home=home) if paths or home is not None else Library()
    policy_id, version = library.pick(ref, on)
    return library.load(policy_id, version)


def _day(on: object) -> datetime.date | None:
    """``on`` as a date: a datetime's day, "YYYY-MM-DD" read; anything else is a WQError (WQ-VERSION)."""
    if on is None or type(on) is datetime.date:
        return on
    if isinstance(on, datetime.datetime):
        return on.date()
    if isinstance(on, datetime.date):
        return datetime.date(on.year, on.month, on.day)
    if isinstance(on, str):
        try:
            if len(on) == 10:
                return datetime.date.fromisoformat(on)
        except ValueError:
            pass
    raise WQError(
        [
            Diagnostic(
                "WQ-VERSION",
                f"on={on!r} is not a date",
                hint='give a datetime.date or a "YYYY-MM-DD" string, e.g. "2021-06-01"',
                zh=f"on={on!r} 不是日期",
                hint_zh='请给出 datetime.date 或 "YYYY-MM-DD" 格式的文字，例如 "2021-06-01"',
            )
        ]
    )


__all__ = ["Policy", "Library", "load_policy", "is_policy_file", "Marks"]
