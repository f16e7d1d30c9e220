"""The policy files of the working tree compared with the same files at a git ref (gitref.py reads them with git):
each version in both, edited in place or not, diffed item by item with its case impact; a version added in the
working tree diffed against the base it extends as it was at the ref; a version removed named. For a pull request:
`wqpolicy diff --against-ref origin/main --cases tests/cases --format markdown`."""

from __future__ import annotations

import dataclasses
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..cases import Case
from ..diff import Diff, policy_changes
from ..diff_report import render_json, render_markdown, render_text
from ..errors import Diagnostic, WQError
from ..impact import case_impact
from ..library import Library
from ..loader import load_policy
from ..policy import Policy
from ..source import Span
from ..versions import read_policy_file
from .gitref import copy_at, in_repository, repository_root


@dataclass
class RefDiff:
    """What changed since ``ref`` (commit ``commit``): ``diffs`` (a version in both, changed; or added, against
    its base at the ref), ``added`` and ``removed`` versions (ID@VERSION), ``unchanged`` ones, and ``problems``
    (a version that does not load on one side: its errors, placed at `REF:path` for the ref's side)."""

    ref: str
    commit: str
    diffs: list[Diff] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)

    @property
    def changed_cases(self) -> int:
        return sum(len(d.impact.changed) for d in self.diffs if d.impact is not None)


def diff_against_ref(ref: str, paths: Sequence[str | Path], cases: list[Case] | None = None) -> RefDiff:
    """Compare the policy files under ``paths`` (folders or files of the working tree) with the same paths at git
    ``ref``; with ``cases``, evaluate each under both sides of each diff. Raises WQError (WQ-GIT) when git is
    missing, the working folder is not in a repository, or ``ref`` names no commit."""
    here = Path.cwd()
    root = repository_root(here)
    prefixes = []
    for p in map(Path, paths):
        rel = in_repository(p, root)
        # a file brings its folder: the versions it extends, its guideline and its input schemas lie there
        prefixes.append(in_repository(p.parent, root) if p.is_file() else rel)
    with tempfile.TemporaryDirectory(prefix="wqpolicy-ref-") as tmp:
        copy = copy_at(ref, root, prefixes, Path(tmp))
        result = RefDiff(ref, copy.commit)
        old_roots = [Path(tmp).joinpath(*Path(p).parts) for p in prefixes if (Path(tmp) / p).exists()]
        shown = {str(Path(tmp).resolve()): f"{ref}:", str(Path(tmp)): f"{ref}:"}
        old_library = Library(old_roots) if old_roots else None
        new_library = Library([Path(p) for p in paths])
        # a file that cannot be read (on either side) is an error, never a version silently left out
        result.problems += new_library.problems
        result.problems += [_placed(d, shown) for d in (old_library.problems if old_library is not None else [])]
        old, new = _versions(old_library), _versions(new_library)
        if not old and not new and not result.problems:
            result.problems.append(
                Diagnostic(
                    "WQ-FILE",
                    f"no policy files under {', '.join(map(str, paths))}, in the working tree or at {ref} (a policy "
                    "file starts with `id:` and `version:`)",
                    hint="give the folder of the policy files, or a policy file",
                    zh=f"{', '.join(map(str, paths))} 下没有政策文件（工作目录和 {ref} 中都没有）",
                    hint_zh="请给出政策文件所在的文件夹，或一个政策文件",
                )
            )
        for key in sorted(set(old) | set(new)):
            ref_name = f"{key[0]}@{key[1]}"
            if key not in new:
                result.removed.append(ref_name)
                continue
            after = _load(new[key], result, {})
            if key not in old:
                result.added.append(ref_name)
                base_key = (key[0], _extends(new[key]))
                if after is None or base_key not in old:
                    continue
                before = _load(old[base_key], result, shown)
            else:
                before = _load(old[key], result, shown)
            if before is None or after is None:
                continue
            changes = policy_changes(before.model, after.model)
            impact = case_impact(before, after, cases) if cases is not None else None
            if key in old and not changes and (impact is None or not impact.changed):
                result.unchanged.append(ref_name)
                continue
            result.diffs.append(Diff(before.model, after.model, changes, impact))
    return result


def _versions(library: Library | None) -> dict[tuple[str, str], Path]:
    if library is None:
        return {}
    return {(pid, v): pf.path for pid, versions in library.files.items() for v, pf in versions.items()}


def _extends(path: Path) -> str:
    try:
        return str(read_policy_file(path).doc.get("extends") or "")
    except WQError:
        return ""


def _load(path: Path, result: RefDiff, shown: dict[str, str]) -> Policy | None:
    try:
        return load_policy(path)
    except WQError as e:
        result.problems += [_placed(d, shown) for d in e.diagnostics]
        return None


def _placed(d: Diagnostic, shown: dict[str, str]) -> Diagnostic:
    """``d`` with a file of the ref's copy named `REF:path` (the temporary folder means nothing to a reader)."""
    span = d.span
    if span is None:
        return d
    for folder, name in shown.items():
        if span.file.startswith(folder + "/"):
            return dataclasses.replace(
                d, span=Span(name + span.file[len(folder) + 1 :], span.line, span.col, span.length)
            )
    return d


def render(result: RefDiff, fmt: str) -> str:
    """The comparison as text, JSON (schemas/refdiff.schema.json) or Markdown for a pull request comment or a job
    summary."""
    short = result.commit[:12]
    if fmt == "json":
        data: dict[str, Any] = {
            "ref": result.ref,
            "commit": result.commit,
            "diffs": [json.loads(render_json(d)) for d in result.diffs],
            "added": result.added,
            "removed": result.removed,
            "unchanged": result.unchanged,
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "markdown":
        lines = [f"# 与 `{result.ref}` 对比 Compared with `{result.ref}` ({short})", ""]
        lines += _lists(result, markdown=True)
        for d in result.diffs:
            lines += ["", render_markdown(d).rstrip("\n")]
        return "\n".join(lines) + "\n"
    lines = [f"与 git 引用 {result.ref} 对比 Compared with git ref {result.ref} ({short})", ""]
    lines += _lists(result, markdown=False)
    for d in result.diffs:
        lines += ["", render_text(d).rstrip("\n")]
    return "\n".join(lines) + "\n"


def _lists(result: RefDiff, markdown: bool) -> list[str]:
    code = (lambda s: f"`{s}`") if markdown else (lambda s: s)
    item = "- " if markdown else "  "
    lines = []
    for words, names in (
        ("新增版本 Versions added", result.added),
        ("删除版本 Versions removed", result.removed),
        ("未改动 Unchanged", result.unchanged),
    ):
        if names:
            lines.append(f"{item}{words}: {', '.join(code(n) for n in names)}")
    if not result.diffs and not result.added and not result.removed:
        lines.append(f"{item}无政策变更 No policy changes since {code(result.ref)}.")
    return lines
