"""``run_cases``: case files run as `wqpolicy test` runs them — each under one version, or the version its file
names or its date puts in force — into a TestReport that counts passes and failures, knows its exit code and
renders itself (as black's ``Report`` does; the command only prints it)."""

from __future__ import annotations

import dataclasses
import datetime
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from .cases import Case, CaseResult, load_cases, run_case, suggestion
from .context import Recorder
from .diagnostic_text import render_diagnostics
from .display import bilingual
from .errors import Diagnostic, WQError, suggest
from .library import Library
from .loader import load_policy
from .policy import PathLike, Policy
from .version_choice import VersionChooser
from .workspace import files_line


@dataclass
class CaseRun:
    """One case: its ``result`` under the version it ran under, or, when no version could be had for it, the
    ``problem`` saying why (placed where the case chose the version); ``warnings`` about the case file itself
    (an `expect_by_version` key that nearly names a version); with ``suggest``, the ``suggestion`` that would make
    a failing case pass."""

    case: Case
    result: CaseResult | None = None
    problem: Diagnostic | None = None
    warnings: list[Diagnostic] = field(default_factory=list)
    suggestion: str | None = None

    @property
    def passed(self) -> bool:
        return self.result is not None and self.result.passed

    def render_text(self, verbose: bool = False, lang: str = "both") -> str:
        """The case's lines: `FAIL` with each expected/got difference under it (and the suggestion), `ok` for a
        pass when ``verbose``, else nothing; in ``lang`` (both, zh or en)."""
        case, result = self.case, self.result
        fail = bilingual("未通过", "FAIL", lang, sep=" ", both="FAIL 未通过")
        if result is None:
            assert self.problem is not None
            return f"{fail} {_where(case, self.problem)}{self.problem.worded(lang)}\n"
        if result.passed:
            return f"{bilingual('通过', 'ok  ', lang, both='ok  ')} {case.path} [{result.ref}]\n" if verbose else ""
        text = f"{fail} {case.path} [{result.ref}] — {case.description}\n"
        for what, want, got in result.mismatches:
            kind, _, rest = what.partition(" ")
            kind_zh = _KINDS_ZH.get(kind, kind)
            named = {"zh": f"{kind_zh} {rest}".strip(), "en": what}.get(lang, f"{kind_zh} {what}")
            expected, actual = as_written(want), as_written(got)
            said = {
                "zh": f"应为 {expected}，实际 {actual}",
                "en": f"expected {expected}, got {actual}",
            }.get(lang, f"应为 expected {expected}, 实际 got {actual}")
            text += f"       {named}: {said}\n"
        if self.suggestion is not None:
            text += (
                "       "
                + {
                    "zh": "建议（请先人工核对，再加入用例文件）：",
                    "en": "suggested (check it by hand before adding it to the case):",
                }.get(lang, "建议 suggested (check it by hand before adding it to the case):")
                + "\n"
            )
            text += "".join(f"         {line}\n" for line in self.suggestion.splitlines())
        return text


# What a difference is about (the first word of a mismatch: outcome, rule …, output …), in Chinese.
_KINDS_ZH = {"outcome": "结论", "rule": "规则", "output": "输出"}


def _where(case: Case, d: Diagnostic) -> str:
    """The place of a case's problem as its line starts: `file:line:col: `, the case file named first when the
    problem lies in another file."""
    if d.span is None:
        return f"{case.path}: "
    return f"{d.span}: " if d.span.file == str(case.path) else f"{case.path}: {d.span}: "


@dataclass
class TestReport:
    """What `wqpolicy test` found: ``problems`` (case files that could not be read: each such file counts as one
    failure), each case's ``runs``, and ``policy_errors`` when the one version asked for does not load (then no
    case runs). ``return_code`` is 1 when anything failed, else 0."""

    __test__ = False  # a library class, not a pytest test class

    problems: list[Diagnostic] = field(default_factory=list)
    runs: list[CaseRun] = field(default_factory=list)
    policy_errors: list[Diagnostic] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # the policy files read for the versions the cases ran under
    bundled: bool = False  # those files are the copy bundled with the package

    @property
    def passed(self) -> int:
        return sum(run.passed for run in self.runs)

    @property
    def failed(self) -> int:
        unreadable = len({d.span.file if d.span else "" for d in self.problems})
        return sum(not run.passed for run in self.runs) + unreadable

    @property
    def return_code(self) -> int:
        return 1 if self.failed or self.policy_errors else 0

    def chunks(self, verbose: bool = False, lang: str = "both") -> Iterator[tuple[str, bool]]:
        """(text, on standard error?) in the order they are printed: the problems first, then each case's
        warnings beside its lines, then the count (`12 个通过，0 个未通过 · 12 passed, 0 failed`) — or, when the
        version asked for does not load, its errors and no count. In ``lang`` (both, zh or en). The first line
        names the policy files read."""
        if self.files:
            yield files_line(self.files, self.bundled, lang), False
        yield render_diagnostics(self.problems, lang), True
        if self.policy_errors:
            yield render_diagnostics(self.policy_errors, lang), True
            return
        for run in self.runs:
            yield render_diagnostics(run.warnings, lang), True
            yield run.render_text(verbose, lang), False
        zh, en = f"{self.passed} 个通过，{self.failed} 个未通过", f"{self.passed} passed, {self.failed} failed"
        yield bilingual(zh, en, lang, sep=" · ") + "\n", False

    def render_text(self, verbose: bool = False, lang: str = "both") -> str:
        """What `wqpolicy test` prints on standard output: a `FAIL` line per failing case (and `ok` per passing
        one when ``verbose``), ending with the count."""
        return "".join(text for text, to_stderr in self.chunks(verbose, lang) if not to_stderr)


def run_cases(
    paths: Sequence[PathLike],
    policy: PathLike | None = None,
    on: datetime.date | None = None,
    policy_dirs: Sequence[PathLike] = (),
    suggest: bool = False,
    home: Sequence[PathLike] | None = None,
    recorder_for: Callable[[Case, Policy], Recorder | None] | None = None,
) -> TestReport:
    """Run the case files at ``paths`` (files or folders). Each case runs under ``policy`` (ID[@VERSION] or a
    policy file) when given, else under the version it names, or the one in force on ``on`` (else on its own
    `on:` date, else on its input's own date — the decision's `version_date`, as `wqpolicy eval` reads it —
    else today) among the bundled policies (or ``home``, the folders that stand in for them) and those under
    ``policy_dirs``. ``recorder_for(case, policy)``, when given, gives the recorder (context.Recorder) each case
    is evaluated with (coverage).

    >>> report = run_cases(["tests/cases/filing"])
    >>> last = report.render_text(lang="en").splitlines()[-1]
    >>> report.return_code, report.failed, last == f"{report.passed} passed, 0 failed"
    (0, 0, True)
    """
    cases, problems = load_cases(paths)
    report = TestReport(problems)
    library: Library | None = None
    fixed: Policy | None = None
    choosers: dict[str | None, VersionChooser] = {}
    if policy is not None:
        try:
            fixed = load_policy(policy, on=on, paths=list(policy_dirs), home=home)
        except WQError as e:
            report.policy_errors = e.diagnostics
            return report
    else:
        library = Library.over_bundled(list(policy_dirs), home=home)
    for case in cases:
        try:
            chosen = fixed if fixed is not None else _case_policy(library, case, on, choosers)
        except WQError as e:
            problem = _case_problem(case, e.diagnostics[0], on)
            report.runs.append(CaseRun(case, problem=problem, warnings=list(case.notes)))
            continue
        known = library.files.get(chosen.id, {}) if library is not None else {chosen.version: None}
        result = run_case(case, chosen, recorder_for(case, chosen) if recorder_for is not None else None)
        run = CaseRun(case, result, warnings=case.notes + _misspelt_versions(case, known))
        if suggest and not result.passed:
            run.suggestion = suggestion(result, chosen.version)
        report.runs.append(run)
        report.files += [f for f in chosen.model.files if f not in report.files]
    return report


def as_written(value: object) -> str:
    """An expected or actual value as a case file would write it: true, null, [1, 2], {"a": 1} (not Python's
    True, None, {'a': 1}); numbers and text as they are."""
    if isinstance(value, (bool, list, dict)) or value is None:
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _case_problem(case: Case, d: Diagnostic, on: datetime.date | None) -> Diagnostic:
    """Why a case has no policy to run under, placed at what chose the version (the case's `version:`, `on:` or
    `policy:`), or where the policy itself is at fault."""
    if d.span is None:
        key = "version" if case.version else "on" if case.on and not on else "policy"
        return dataclasses.replace(d, span=case.spans.get(key))
    return d


def _misspelt_versions(case: Case, versions: dict) -> list[Diagnostic]:
    """Warnings for `expect_by_version` keys that name no known version but nearly name one: such expectations
    would never be compared. (A key for a version not loaded in this run is normal: one corpus serves several.)"""
    out = []
    for key in case.expect_by_version:
        close = suggest(str(key), versions) if key not in versions else None
        if close:
            out.append(
                Diagnostic(
                    "WQ-CASE",
                    f"expect_by_version: `{key}` is not a version of this policy, so its "
                    "expectations are never compared",
                    case.spans.get(("expect_by_version", key)),
                    hint=close[0],
                    severity="warning",
                    zh=f"expect_by_version：`{key}` 不是这个政策的版本，其中的期望永远不会被比较",
                    hint_zh=close[1],
                )
            )
    return out


def _case_policy(
    library: Library | None, case: Case, on: datetime.date | None, choosers: dict[str | None, VersionChooser]
) -> Policy:
    """The version a case runs under: the one it names, else the one in force on ``on`` or its own `on:` date,
    else the one its input's own date puts in force (as `wqpolicy eval` chooses), else today's."""
    assert library is not None  # no --policy: the cases pick their versions from a library
    ref = case.policy or (next(iter(library.files)) if len(library.files) == 1 else None)
    if case.version:
        return library.load(*library.pick(f"{ref}@{case.version}" if ref else None))
    if on or case.on:
        return library.load(*library.pick(ref, on or case.on))
    chooser = choosers.setdefault(ref, VersionChooser(library, ref))
    return chooser.choose(None, case.input)[0]
