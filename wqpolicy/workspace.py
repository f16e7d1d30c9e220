"""The officer's folder is the policy: where a command given no policy path finds the policy files — in the folder
it runs in or the nearest one above it that has a `wqpolicy.toml` naming the policy folders, or a `policies/`
folder holding policy files — and, only outside any such folder, the copy bundled with the installed package.

`wqpolicy.toml` is small:

    # wqpolicy.toml — the folders that hold this project's policy files, relative to this file
    policies = ["policies", "../shared/policies"]

Only the `policies` key is read (a list of folder paths, or one path as text); comments start with `#`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import Diagnostic, WQError
from .schemas import data_dir
from .source import Span

CONFIG_NAME = "wqpolicy.toml"
POLICY_FOLDER = "policies"

# Policy files looked into, at most, to tell a `policies/` folder of policy files from one of something else
# (an engine setting): a folder with no policy file among the first ones is not taken.
_LOOKED_AT = 200


@dataclass(frozen=True)
class Workspace:
    """Where the policies come from: ``folders`` to read them from; ``config`` the `wqpolicy.toml` that named
    them (or None); ``bundled`` True when no folder was found and the installed copy is used."""

    folders: tuple[Path, ...]
    config: Path | None = None
    bundled: bool = False


def find_workspace(start: Path | None = None) -> Workspace:
    """The policy folders for a command run in ``start`` (default: the current folder): the first of ``start``
    and the folders above it that has a `wqpolicy.toml` (its `policies`) or a `policies/` folder holding policy
    files; else the bundled policies. Paths are relative to the current folder when ``start`` is inside it.
    Raises WQError (WQ-FILE) for a `wqpolicy.toml` that cannot be read or names a folder that is not there.
    """
    here = (Path.cwd() if start is None else start).resolve()
    for folder in [here, *here.parents]:
        config = folder / CONFIG_NAME
        if config.is_file():
            return Workspace(tuple(_shown(p) for p in read_config(config)), _shown(config))
        candidate = folder / POLICY_FOLDER
        if candidate.is_dir() and _holds_policy_files(candidate):
            return Workspace((_shown(candidate),))
    return Workspace((data_dir("policies"),), bundled=True)


def read_config(config: Path) -> list[Path]:
    """The folders a `wqpolicy.toml` names (relative to its own folder). Raises WQError (WQ-FILE) when it cannot
    be read, has no `policies`, or names a folder that does not exist."""
    try:
        text = config.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise _bad(config, 1, f"cannot be read ({e})", f"无法读取（{e}）") from None
    try:
        folders, line = _policies_key(text)
    except ValueError as e:
        line = int(str(e.args[1])) if len(e.args) > 1 else 1
        raise _bad(config, line, str(e.args[0]), '格式不对：应为 `policies = ["policies"]`') from None
    out = []
    for name in folders:
        path = config.parent / name
        if not path.is_dir():
            raise _bad(config, line, f"names `{name}`, which is not a folder", f"所列的 `{name}` 不是文件夹")
        out.append(path)
    return out


def _policies_key(text: str) -> tuple[list[str], int]:
    """The `policies` value of a wqpolicy.toml and its line: a list of strings (across lines, trailing comma
    allowed) or one string. Raises ValueError(message, line)."""
    lines = text.splitlines()
    for number, line in enumerate(lines, 1):
        m = re.match(r"\s*policies\s*=\s*(.*)$", line)
        if not m:
            continue
        value = m.group(1)
        end = number
        if value.lstrip().startswith("[") and "]" not in _without_comment(value):
            for more in lines[number:]:
                end += 1
                value += "\n" + more
                if "]" in _without_comment(more):
                    break
        items = re.findall(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'', _without_comment(value))
        names = [a or b for a, b in items]
        body = _without_comment(value).strip()
        if not names or not ((body.startswith("[") and body.endswith("]")) or len(names) == 1):
            raise ValueError('`policies` must be a list of folder names in quotes: policies = ["policies"]', number)
        return names, number
    raise ValueError('no `policies` key: write policies = ["policies"]', 1)


def _without_comment(line: str) -> str:
    out, quote = [], None
    for c in line:
        if quote:
            quote = None if c == quote else quote
        elif c in "\"'":
            quote = c
        elif c == "#":
            break
        out.append(c)
    return "".join(out)


def _holds_policy_files(folder: Path) -> bool:
    """Whether ``folder`` (with its subfolders) holds a policy file: a YAML file with an `id:` line at its top
    level (the first _LOOKED_AT YAML files looked at)."""
    for i, path in enumerate(p for pattern in ("*.yaml", "*.yml") for p in folder.rglob(pattern)):
        if i >= _LOOKED_AT:
            return False
        try:
            with path.open("rb") as f:
                head = f.read(64 * 1024)
        except OSError:
            continue
        if re.search(rb"(?m)^id:", head) and re.search(rb"(?m)^version:", head):
            return True
    return False


def _shown(path: Path) -> Path:
    """``path`` relative to the current folder (`policies`, `../policies`), as people read it."""
    try:
        return Path(os.path.relpath(path))
    except ValueError:  # another drive
        return path


def shown_file(path: str | os.PathLike) -> str:
    """A file's path as the commands show it: relative to the current folder when it lies inside it or was
    found relative to it (`policies/…`, `../policies/…`), else absolute (the bundled copy)."""
    p = Path(path)
    if not p.is_absolute():
        return os.path.normpath(p)
    try:
        rel = os.path.relpath(p)
    except ValueError:
        return str(p)
    return str(p) if rel.startswith("..") else rel


def files_line(files: list[str] | tuple[str, ...], bundled: bool = False, lang: str = "both") -> str:
    """The first line of a command's text output: which policy files it read, in ``lang`` (both, zh, en).

    >>> files_line(["policies/a/2021.yaml"]), files_line(["policies/a/2021.yaml"], lang="zh")
    ('政策文件 Policy files: policies/a/2021.yaml\\n', '政策文件：policies/a/2021.yaml\\n')
    """
    shown = " ".join(dict.fromkeys(shown_file(f) for f in files)) or "—"
    if lang == "zh":
        return f"政策文件{'（内置副本）' if bundled else ''}：{shown}\n"
    if lang == "en":
        return f"Policy files{' (bundled copy)' if bundled else ''}: {shown}\n"
    where = "（内置副本 bundled copy）" if bundled else ""
    return f"政策文件 Policy files{where}: {shown}\n"


def _bad(config: Path, line: int, message: str, zh: str) -> WQError:
    return WQError(
        [
            Diagnostic(
                "WQ-FILE",
                f"{CONFIG_NAME} {message}",
                Span(str(config), line, 1),
                'it names the folders of the policy files, relative to itself: policies = ["policies"]',
                zh=f"{CONFIG_NAME} {zh}",
                hint_zh='该文件列出政策文件所在的文件夹（相对于它自己）：policies = ["policies"]',
            )
        ]
    )
