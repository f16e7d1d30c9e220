"""``check_paths``: policy files checked as `wqpolicy check` does, into a CheckReport that counts what it found,
knows its exit code and renders itself as text or JSON (as black's ``Report`` does; the command only prints it)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .diagnostic_text import render_diagnostics
from .display import counted
from .errors import Diagnostic, legend
from .library import Library
from .policy import PathLike
from .schemas import data_dir
from .source import Span
from .workspace import files_line, shown_file


@dataclass(frozen=True)
class CheckReport:
    """What `wqpolicy check` found: ``errors`` and ``warnings`` (sorted), how many policy ``versions`` it
    checked, and their ``files``. ``return_code`` is 1 when there is an error (warnings alone pass), else 0."""

    errors: tuple[Diagnostic, ...]
    warnings: tuple[Diagnostic, ...]
    versions: int
    files: tuple[str, ...] = ()  # the policy files checked, sorted (a report in JUnit lists each)
    bundled: bool = False  # the files are the copy bundled with the package (no policy folder was found)

    @property
    def return_code(self) -> int:
        return 1 if self.errors else 0

    def to_json(self) -> dict:
        """``{"files": [...], "errors": [...], "warnings": [...]}`` as schemas/check.schema.json describes it."""
        return {
            "files": [shown_file(f) for f in self.files],
            "errors": [d.to_json() for d in self.errors],
            "warnings": [d.to_json() for d in self.warnings],
        }

    def render_json(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n"

    def render_text(self, lang: str = "both") -> str:
        """Every diagnostic with its source line, what the codes mean (when there are any), and the count line
        (``1 个错误，0 个警告，检查了 1 个政策版本 · 1 error, 0 warnings (1 policy version checked)``), in ``lang``
        (both, zh or en)."""
        found = list(self.errors) + list(self.warnings)
        text = files_line(self.files, self.bundled, lang) + render_diagnostics(found, lang)
        if found:
            heading = {"zh": "代码说明：", "en": "What the codes mean:"}.get(lang, "代码说明 What the codes mean:")
            text += heading + "\n" + "\n".join(legend(found, lang)) + "\n"
        errors, warnings = len(self.errors), len(self.warnings)
        zh = f"{errors} 个错误，{warnings} 个警告，检查了 {self.versions} 个政策版本"
        en = (
            f"{counted(errors, 'error')}, {counted(warnings, 'warning')} "
            f"({counted(self.versions, 'policy version')} checked)"
        )
        return text + {"zh": zh, "en": en}.get(lang, f"{zh} · {en}") + "\n"


def check_paths(paths: Sequence[PathLike] | None = None, home: Sequence[PathLike] | None = None) -> CheckReport:
    """Check the policy files at ``paths`` (files or folders; none: the bundled policies), with the bundled
    policies (or ``home``, the folders that stand in for them) as the bases they may extend. A path that holds
    no policy file is an error at that path.

    >>> report = check_paths()
    >>> report.return_code, report.versions
    (0, 1)
    """
    roots = [Path(p) for p in paths] if paths else [data_dir("policies")]
    library = Library.over_bundled(roots, home=home)  # bases named by `extends` may be bundled ones
    errors, warnings = library.check(only=roots)
    held = {
        r: [
            pf
            for v in library.files.values()
            for pf in v.values()
            if pf.path.resolve() == r.resolve() or r.resolve() in pf.path.resolve().parents
        ]
        for r in roots
    }
    errors += [
        Diagnostic(
            "WQ-FILE",
            "no policy files here (a policy file starts with `id:` and `version:`)",
            Span(str(r), 1, 1),
            "give the folder of the policy files, or a policy file",
            zh="这里没有政策文件（政策文件以 `id:` 和 `version:` 开头）",
            hint_zh="请给出政策文件所在的文件夹，或一个政策文件",
        )
        for r, found in held.items()
        if not found and not any(_under_path(d, r) for d in errors)
    ]
    files = {pf.path for found in held.values() for pf in found}
    return CheckReport(tuple(errors), tuple(warnings), len(files), tuple(sorted(map(str, files))))


def _under_path(d: Diagnostic, root: Path) -> bool:
    """Whether ``d`` is about a file at or under ``root`` (one that could not be read, say)."""
    if d.span is None:
        return False
    file = Path(d.span.file).absolute()
    return file == root.absolute() or root.absolute() in file.parents
