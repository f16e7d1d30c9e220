"""Test and check results in the formats CI systems read: JSON (schemas/test.schema.json), JUnit XML, GitHub
workflow commands and TAP 13, beside the text `wqpolicy test` prints. One class per format with one small
interface (as conftest's outputters): ``test(report)`` renders a TestReport, ``check(report)`` a CheckReport where
the format suits `check`; adding a format is adding a class to ``FORMATS``."""

from __future__ import annotations

import datetime
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from ..case_report import CaseRun, TestReport, as_written
from ..cases import Case
from ..check_report import CheckReport
from ..display import counted
from ..errors import Diagnostic, WQError
from ..source import Span
from ..yamlload import Marks, load_yaml, read_text


def shown_path(file: str) -> str:
    """``file`` as a CI system names it: relative to the working folder (the repository root in CI) when it lies
    under it, with forward slashes; as it is otherwise."""
    try:
        return Path(file).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return file


def worded(d: Diagnostic) -> str:
    """A diagnostic on one line: Chinese, then English (English alone where it has no Chinese), hints included."""
    en = d.message + (f" ({d.hint})" if d.hint else "")
    if not d.zh:
        return en
    return d.zh + (f"（{d.hint_zh}）" if d.hint_zh else "") + " / " + en


@dataclass(frozen=True)
class Mismatch:
    """One expectation a case did not meet: ``what`` (outcome, `rule ID`, `output NAME…`), the values expected and
    got (as a case file writes them), the expectation's key path (``place``) and where it is in the case file."""

    what: str
    expected: Any
    actual: Any
    place: tuple
    span: Span | None

    def text(self) -> str:
        return f"{self.what}: 应为 expected {as_written(self.expected)}, 实际 got {as_written(self.actual)}"


@dataclass(frozen=True)
class Entry:
    """One case file as a machine report lists it. ``status``: passed, failed (an expectation not met) or error
    (the case could not run: no version for it, or the file cannot be read — ``problem`` says why)."""

    file: str
    description: str
    decision: str | None
    policy: str | None
    status: str
    span: Span | None
    mismatches: tuple[Mismatch, ...] = ()
    problem: str | None = None
    warnings: tuple[Diagnostic, ...] = ()
    suggestion: str | None = None

    @property
    def title(self) -> str:
        ran = f" [{self.policy}]" if self.policy else ""
        return f"{self.file}{ran}" + (f" — {self.description}" if self.description else "")


class _CaseMarks:
    """Where things are in case files, each file read again only when a failing case asks (the marks are not
    kept for passing cases)."""

    def __init__(self) -> None:
        self._marks: dict[str, Marks | None] = {}

    def of(self, case: Case) -> Marks | None:
        key = str(case.path)
        if key not in self._marks:
            try:
                self._marks[key] = load_yaml(read_text(case.path), key, dates=False)[1]
            except (WQError, OSError):
                self._marks[key] = None
        return self._marks[key]

    def expectation(self, case: Case, version: str, place: tuple) -> Span | None:
        """The line of the expectation at ``place`` (under `expect_by_version` when that version's entry states
        it, else under `expect`), or of the case's `expect` when the place is not written."""
        marks = self.of(case)
        if marks is None:
            return None
        own = case.expect_by_version.get(version) or {}
        if place and _holds(own, place):
            return marks.span(("expect_by_version", version, *place))
        return marks.span(("expect", *place)) or marks.span(("description",))


def _holds(mapping: Any, place: tuple) -> bool:
    for key in place:
        if not isinstance(mapping, dict) or key not in mapping:
            return False
        mapping = mapping[key]
    return True


def entries(report: TestReport) -> list[Entry]:
    """One Entry per case run and per case file that could not be read (its first problem placed), in order."""
    marks = _CaseMarks()
    out = [_entry(run, marks) for run in report.runs]
    unreadable: dict[str, list[Diagnostic]] = {}
    for d in report.problems:
        unreadable.setdefault(d.span.file if d.span else "", []).append(d)
    for file, found in unreadable.items():
        out.append(
            Entry(
                shown_path(file) if file else "",
                "",
                None,
                None,
                "error",
                found[0].span,
                problem="; ".join(worded(d) for d in found),
            )
        )
    return out


def _one_line(d: Diagnostic) -> str:
    """A diagnostic's words on one line, Chinese then English (for an XML attribute, an annotation, a JSON field)."""
    return " / ".join(dict.fromkeys([d.worded("zh"), d.worded("en")]))


def _entry(run: CaseRun, marks: _CaseMarks) -> Entry:
    case, result = run.case, run.result
    decision = case.input.get("decision") if isinstance(case.input, dict) else None
    common: dict[str, Any] = {
        "file": shown_path(str(case.path)),
        "description": case.description,
        "decision": decision if isinstance(decision, str) else None,
        "warnings": tuple(run.warnings),
        "suggestion": run.suggestion,
    }
    if result is None:
        key = "version" if case.version else "on" if case.on else "policy"
        span = case.spans.get(key) or Span(str(case.path), 1, 1)
        problem = None if run.problem is None else _one_line(run.problem)
        return Entry(policy=None, status="error", span=span, problem=problem, **common)
    version = result.ref.partition("@")[2]
    places = list(result.places) + [()] * (len(result.mismatches) - len(result.places))
    found = tuple(
        Mismatch(what, want, got, place, marks.expectation(case, version, place) if result.mismatches else None)
        for (what, want, got), place in zip(result.mismatches, places)
    )
    span = found[0].span if found else None
    return Entry(
        policy=result.ref,
        status="failed" if found else "passed",
        span=span or Span(str(case.path), 1, 1),
        mismatches=found,
        **common,
    )


def json_value(value: Any) -> Any:
    """A value of a case file or a record in JSON: exact numbers as text ("0.25"), dates as YYYY-MM-DD."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    if isinstance(value, str):
        return str.__str__(value)  # a plain str, also of a string enum (RuleOutcome)
    if value is None or isinstance(value, (bool, int)):
        return value
    return str(value)


def _place(span: Span | None) -> dict:
    return {"file": shown_path(span.file), "line": span.line, "col": span.col} if span is not None else {}


def _finding(d: Diagnostic) -> dict:
    data = d.to_json()
    if "file" in data:
        data["file"] = shown_path(data["file"])
    return data


# XML 1.0 cannot hold most control characters, even escaped: they are shown as \uXXXX.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def github_command(level: str, message: str, span: Span | None = None, title: str | None = None) -> str:
    """A GitHub Actions workflow command (``::error file=…,line=…,col=…,title=…::message``): the annotation is
    shown on that line of the pull request's changed files; without a span, on the run."""
    props = []
    if span is not None:
        props += [f"file={_github_property(shown_path(span.file))}", f"line={span.line}", f"col={span.col}"]
    if title:
        props.append(f"title={_github_property(title)}")
    return f"::{level} {','.join(props)}::{_github_data(message)}" if props else f"::{level}::{_github_data(message)}"


def summary(report: TestReport) -> str:
    """The line `wqpolicy test` ends with: ``N passed, N failed``."""
    return f"{report.passed} passed, {report.failed} failed"


class Format:
    """One output format. ``test`` renders what `wqpolicy test` found; ``check`` what `wqpolicy check` found
    (None: the format is not offered for `check`)."""

    name = ""
    for_check = False

    def test(self, report: TestReport) -> str:
        raise NotImplementedError

    def check(self, report: CheckReport) -> str:
        raise NotImplementedError


class TextFormat(Format):
    """What a person reads: a `FAIL` line per failing case with each difference under it, then `N passed, N
    failed` (TestReport.render_text)."""

    name = "text"

    def test(self, report: TestReport) -> str:
        return report.render_text()

    def check(self, report: CheckReport) -> str:
        return report.render_text()


class JsonFormat(Format):
    """One JSON object as schemas/test.schema.json describes it (and check.schema.json for `check`)."""

    name = "json"

    def test(self, report: TestReport) -> str:
        cases = []
        for e in entries(report):
            item: dict[str, Any] = {
                "file": e.file,
                "description": e.description,
                "decision": e.decision,
                "policy": e.policy,
                "status": e.status,
                **({"line": e.span.line, "col": e.span.col} if e.span is not None else {}),
                "mismatches": [
                    {
                        "what": m.what,
                        "expectation": list(m.place),
                        "expected": json_value(m.expected),
                        "actual": json_value(m.actual),
                        **({"line": m.span.line, "col": m.span.col} if m.span is not None else {}),
                    }
                    for m in e.mismatches
                ],
            }
            if e.problem is not None:
                item["problem"] = e.problem
            if e.warnings:
                item["warnings"] = [_finding(d) for d in e.warnings]
            if e.suggestion is not None:
                item["suggestion"] = e.suggestion
            cases.append(item)
        data = {
            "passed": report.passed,
            "failed": report.failed,
            "cases": cases,
            "problems": [_finding(d) for d in report.problems],
            "policy_errors": [_finding(d) for d in report.policy_errors],
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    def check(self, report: CheckReport) -> str:
        return report.render_json()


class JUnitFormat(Format):
    """JUnit XML: for `test`, a testsuite per decision and a testcase per case file (a failure carries each
    expected and actual value, an error a case that could not run); for `check`, a testcase per policy file
    checked, its errors as the failure and its warnings as its output."""

    name = "junit"
    for_check = True

    def test(self, report: TestReport) -> str:
        root = ET.Element("testsuites", name="wqpolicy test")
        suites: dict[str, list[Entry]] = {}
        for e in entries(report):
            suites.setdefault(e.decision or "case-files", []).append(e)
        if report.policy_errors:
            suites.setdefault("policy", [])
        for name, members in suites.items():
            suite = ET.SubElement(root, "testsuite", name=f"wqpolicy.{name}")
            for e in members:
                case = ET.SubElement(suite, "testcase", name=e.file, classname=f"wqpolicy.{name}", file=e.file)
                if e.span is not None:
                    case.set("line", str(e.span.line))
                if e.status == "failed":
                    body = [e.title] + [
                        m.text() + (f"  ({shown_path(m.span.file)}:{m.span.line})" if m.span else "")
                        for m in e.mismatches
                    ]
                    failure = ET.SubElement(
                        case,
                        "failure",
                        message=_xml_text(f"{len(e.mismatches)} 项与预期不符 / {_count(len(e.mismatches))} not met"),
                        type="wqpolicy.mismatch",
                    )
                    failure.text = _xml_text("\n".join(body))
                elif e.status == "error":
                    error = ET.SubElement(case, "error", message=_xml_text(e.problem or ""), type="wqpolicy.case")
                    error.text = _xml_text(e.title + "\n" + (e.problem or ""))
            if name == "policy":
                case = ET.SubElement(suite, "testcase", name="policy", classname="wqpolicy.policy")
                error = ET.SubElement(
                    case,
                    "error",
                    message=_xml_text(worded(report.policy_errors[0])),
                    type=report.policy_errors[0].code,
                )
                error.text = _xml_text("\n".join(worded(d) for d in report.policy_errors))
            _count_suite(suite)
        _count_suite(root)
        return _xml(root)

    def check(self, report: CheckReport) -> str:
        root = ET.Element("testsuites", name="wqpolicy check")
        suite = ET.SubElement(root, "testsuite", name="wqpolicy.check")
        by_file: dict[str, list[Diagnostic]] = {shown_path(f): [] for f in report.files}
        for d in list(report.errors) + list(report.warnings):
            by_file.setdefault(shown_path(d.span.file) if d.span else "", []).append(d)
        for file, found in by_file.items():
            case = ET.SubElement(suite, "testcase", name=file or "(policies)", classname="wqpolicy.check")
            if file:
                case.set("file", file)
            errors = [d for d in found if d.severity == "error"]
            warnings = [d for d in found if d.severity != "error"]
            if errors:
                failure = ET.SubElement(
                    case, "failure", message=_xml_text(f"{errors[0].code}: {worded(errors[0])}"), type=errors[0].code
                )
                failure.text = _xml_text("\n".join(_check_line(d) for d in errors))
            if warnings:
                out = ET.SubElement(case, "system-out")
                out.text = _xml_text("\n".join(_check_line(d) for d in warnings))
        _count_suite(suite)
        _count_suite(root)
        return _xml(root)


def _check_line(d: Diagnostic) -> str:
    where = f"{shown_path(d.span.file)}:{d.span.line}:{d.span.col}: " if d.span else ""
    return f"{where}{d.severity}[{d.code}]: {worded(d)}"


def _count(n: int) -> str:
    return f"{n} expectation{'s' if n != 1 else ''}"


def _count_suite(element: ET.Element) -> None:
    cases = list(element.iter("testcase"))
    element.set("tests", str(len(cases)))
    element.set("failures", str(sum(c.find("failure") is not None for c in cases)))
    element.set("errors", str(sum(c.find("error") is not None for c in cases)))
    element.set("skipped", "0")


def _xml(root: ET.Element) -> str:
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


class GitHubFormat(Format):
    """GitHub Actions workflow commands: an ``::error`` annotation at the line of each expectation a case did not
    meet (the case's `expect` entry), at each case file that could not be read, and at each `check` error, with
    ``::warning`` for warnings; then the count line."""

    name = "github"
    for_check = True

    def test(self, report: TestReport) -> str:
        lines = [github_command("error", worded(d), d.span, f"wqpolicy {d.code}") for d in report.policy_errors]
        for e in entries(report):
            lines += [github_command("warning", worded(d), d.span, f"wqpolicy {d.code}") for d in e.warnings]
            title = "wqpolicy test: 用例未通过 case failed"
            about = (f" — [{e.policy}]" if e.policy else "") + (f" {e.description}" if e.description else "")
            if e.status == "failed":
                lines += [github_command("error", m.text() + about, m.span, title) for m in e.mismatches]
            elif e.status == "error":
                lines.append(github_command("error", e.problem or "", e.span, title))
        lines.append(summary(report))
        return "\n".join(lines) + "\n"

    def check(self, report: CheckReport) -> str:
        lines = [
            github_command("error" if d.severity == "error" else "warning", worded(d), d.span, f"wqpolicy {d.code}")
            for d in list(report.errors) + list(report.warnings)
        ]
        errors, warnings = len(report.errors), len(report.warnings)
        lines.append(
            f"{errors} 个错误，{warnings} 个警告，检查了 {report.versions} 个政策版本 · {counted(errors, 'error')}, "
            f"{counted(warnings, 'warning')} ({counted(report.versions, 'policy version')} checked)"
        )
        return "\n".join(lines) + "\n"


class TapFormat(Format):
    """TAP version 13: a test point per case file, ``not ok`` with a YAML block of each expected and actual value
    (and its line in the case file) for a failing case; the count line as a comment at the end."""

    name = "tap"

    def test(self, report: TestReport) -> str:
        found = entries(report)
        points: list[tuple[bool, str, dict[str, Any] | None]] = []
        if report.policy_errors:
            points.append(
                (False, "policy", {"message": "\n".join(worded(d) for d in report.policy_errors), "severity": "fail"})
            )
        for e in found:
            if e.status == "passed":
                points.append((True, e.title, None))
                continue
            n = len(e.mismatches)
            said = f"{n} 项与预期不符 / {_count(n)} not met" + (f": {e.description}" if e.description else "")
            block: dict[str, Any] = {"message": e.problem if e.status == "error" else said, "severity": "fail"}
            if e.span is not None:
                block["at"] = {"file": shown_path(e.span.file), "line": e.span.line}
            if e.mismatches:
                block["mismatches"] = [
                    {
                        "what": m.what,
                        "expected": json_value(m.expected),
                        "got": json_value(m.actual),
                        **({"line": m.span.line} if m.span else {}),
                    }
                    for m in e.mismatches
                ]
            points.append((False, e.title, block))
        lines = ["TAP version 13", f"1..{len(points)}"]
        for n, (ok, title, data) in enumerate(points, 1):
            lines.append(f"{'ok' if ok else 'not ok'} {n} - {_tap_text(title)}")
            if data is not None:
                text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
                lines += ["  ---", *("  " + line for line in text.splitlines()), "  ..."]
        lines.append(f"# {summary(report)}")
        return "\n".join(lines) + "\n"


def _tap_text(text: str) -> str:
    """A test point's description on one line, a `#` escaped (it would start a directive)."""
    return " ".join(text.split()).replace("\\", "\\\\").replace("#", "\\#")


FORMATS: dict[str, Format] = {
    f.name: f for f in (TextFormat(), JsonFormat(), JUnitFormat(), GitHubFormat(), TapFormat())
}
TEST_FORMATS = tuple(FORMATS)
CHECK_FORMATS = ("text", "json", *(name for name, f in FORMATS.items() if f.for_check))


def render_test(report: TestReport, fmt: str) -> str:
    """``report`` in format ``fmt`` (one of TEST_FORMATS)."""
    return FORMATS[fmt].test(report)


def render_check(report: CheckReport, fmt: str) -> str:
    """``report`` in format ``fmt`` (one of CHECK_FORMATS)."""
    return FORMATS[fmt].check(report)
