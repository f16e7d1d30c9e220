"""Test cases as data: load case files, run them under a policy version, compare with expectations.
Returns results; prints nothing (the CLI renders them)."""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .errors import Diagnostic, WQError
from .inputs import load_input
from .record import DecisionRecord
from .schemas import data_dir, error_message, error_message_zh, error_path, load_schema, validator
from .source import Span
from .yamlload import Marks, MarksLike, load_yaml, read_text

if TYPE_CHECKING:
    pass


@dataclass
class Case:
    path: Path
    description: str
    policy: str | None
    version: str | None
    on: datetime.date | None
    input: dict
    marks: MarksLike | None
    expect: dict
    expect_by_version: dict
    spans: dict = field(default_factory=dict)  # where the case file says `policy`, `version`, `on`, each version
    notes: list = field(default_factory=list)  # warnings about its files: read as GB18030

    def expectations(self, version: str) -> dict:
        """``expect`` with the entries for ``version`` laid over it."""
        merged = dict(self.expect)
        extra = self.expect_by_version.get(version) or {}
        for key, value in extra.items():
            if key in ("rules", "outputs") and isinstance(value, dict):
                merged[key] = {**(merged.get(key) or {}), **value}
            else:
                merged[key] = value
        if "error" in extra:
            merged.pop("outcome", None)
        if "outcome" in extra:
            merged.pop("error", None)
        return merged


@dataclass
class CaseResult:
    case: Case
    ref: str
    mismatches: list = field(default_factory=list)  # (what, expected, actual)
    record: DecisionRecord | None = None
    diagnostics: list = field(default_factory=list)
    # per mismatch, the expectation it is about, as a key path under `expect`: ("outcome",), ("error",),
    # ("rules", rule id) or ("outputs", name) — so that a report can place it at its line in the case file
    places: list = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.mismatches


def _within(marks: Marks, prefix: tuple) -> Marks:
    """The marks of a document nested at ``prefix`` inside a case file, keyed as if it stood alone."""
    n = len(prefix)
    sub = Marks()
    for path, mark in marks.items():
        if path[:n] == prefix:
            sub[path[n:]] = mark
        elif path[:1] == ("<key>",) and path[1 : n + 1] == prefix:
            sub[("<key>",) + path[n + 1 :]] = mark
    return sub


def case_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(x for x in p.rglob("*") if x.suffix in (".yaml", ".yml") and not x.is_dir())
        else:
            out.append(p)
    return out


def load_case(path: Path) -> Case:
    """One case file, checked against schemas/case.schema.json. Raises WQError."""
    notes: list[Diagnostic] = []
    text = read_text(
        path,
        regular=True,
        hint="give a .yaml case file or a folder of them",
        hint_zh="请给出一个 .yaml 测试用例文件，或存放用例的文件夹",
        notes=notes,
    )
    doc, marks = load_yaml(text, str(path), dates=False)
    schema_dir = data_dir("schemas")
    v = validator(load_schema(str(schema_dir / "case.schema.json")), str(schema_dir))
    problems = [
        Diagnostic("WQ-CASE", en, marks.span(tuple(e.absolute_path)), zh=zh)
        for e in v.iter_errors(doc)
        for en, zh in [_problem(e)]
    ]
    if problems:
        raise WQError(problems)
    if "input_file" in doc:
        input_path = _input_path(path, doc["input_file"], marks.span(("input_file",)))
        document, input_marks = load_input(input_path, notes=notes)
    else:
        document, input_marks = doc.get("input"), _within(marks, ("input",))
    if not isinstance(document, dict):
        raise WQError(
            [
                Diagnostic(
                    "WQ-CASE",
                    "the case needs an `input` mapping or an `input_file`",
                    Span(str(path), 1, 1),
                    zh="测试用例需要 `input`（直接写出的申报材料）或 `input_file`（申报材料文件）",
                )
            ]
        )
    on = doc.get("on")
    return Case(
        path,
        doc.get("description", ""),
        doc.get("policy"),
        doc.get("version"),
        datetime.date.fromisoformat(on) if on else None,
        document,
        input_marks,
        doc.get("expect") or {},
        doc.get("expect_by_version") or {},
        {
            **{key: marks.span((key,)) for key in ("policy", "version", "on") if key in doc},
            **{
                ("expect_by_version", v): marks.key_span(("expect_by_version", v))
                for v in doc.get("expect_by_version") or {}
            },
        },
        notes,
    )


def _input_path(case: Path, name: str, where: Span | None) -> Path:
    """The file ``input_file`` names (relative to the case file's folder), checked before it is read; every
    problem is placed at the case's ``input_file:`` value, so that the case in question is named."""
    shown = name.replace("\0", "\\0") if len(name) <= 120 else name[:60].replace("\0", "\\0") + "…"

    def bad(code, problem: tuple[str, str], hint: tuple[str, str] | None = None):
        raise WQError(
            [
                Diagnostic(
                    code,
                    f"input_file `{shown}`: {problem[0]}",
                    where or Span(str(case), 1, 1),
                    hint[0] if hint else None,
                    zh=f"input_file `{shown}`：{problem[1]}",
                    hint_zh=hint[1] if hint else None,
                )
            ]
        )

    document = ("give the input document's .yaml or .json file", "请给出申报材料的 .yaml 或 .json 文件")
    if "\0" in name:
        bad("WQ-CASE", ("a file name cannot hold the NUL character", "文件名中不能含有 NUL 字符"))
    path = case.parent / name
    try:
        if not path.exists():
            bad(
                "WQ-FILE",
                ("no such file", "文件不存在"),
                (
                    f"the path is relative to the case file's folder: {path}",
                    f"路径是相对于测试用例文件所在文件夹的：{path}",
                ),
            )
        if path.is_dir():
            bad("WQ-FILE", ("is a directory, not a file", "这是文件夹，不是文件"), document)
        if not path.is_file():
            bad(
                "WQ-FILE",
                ("not a regular file (a pipe, socket or device)", "不是普通文件（而是管道、套接字或设备）"),
                document,
            )
        if path.resolve() == case.resolve():
            bad(
                "WQ-CASE",
                ("names this case file itself", "指向了这个测试用例文件本身"),
                (
                    "give the input document's own file, or write it inline under `input:`",
                    "请给出申报材料自己的文件，或直接写在 `input:` 下",
                ),
            )
    except OSError as e:
        bad("WQ-FILE", (f"cannot read: {e.strerror or e}", f"无法读取（{e.strerror or e}）"))
    return path


# Keywords that jsonschema reports by printing the whole offending mapping ("… is valid under each of …",
# "… has too many properties"); the case schema describes each such rule in words, and those words are said instead.
_RULES_IN_WORDS = ("oneOf", "anyOf", "not", "maxProperties", "minProperties")


def _problem(error) -> tuple[str, str]:
    """(English, Chinese) for one error of a case file against its schema; a rule the schema describes in words
    (its ``description``: the Chinese, a blank line, the English) said in those words."""
    said = error.schema.get("description") if error.validator in _RULES_IN_WORDS else None
    if not isinstance(said, str):
        return error_message(error), error_message_zh(error)
    zh, _, en = said.partition("\n\n")
    en = en or zh
    where = f"{error_path(error)}: " if error.absolute_path else ""
    return where + en, where + zh


def load_cases(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Case], list[Diagnostic]]:
    cases, problems = [], []
    for p in map(Path, paths):  # a folder named for its cases that holds none: a wrong path, not a pass
        if p.is_dir() and not case_files([p]):
            problems.append(
                Diagnostic(
                    "WQ-FILE",
                    "no case files (*.yaml, *.yml) in this folder",
                    Span(str(p), 1, 1),
                    hint="give the folder of the case files, or the files themselves",
                    zh="这个文件夹中没有测试用例文件（*.yaml、*.yml）",
                    hint_zh="请给出存放测试用例的文件夹，或用例文件本身",
                )
            )
    for p in case_files(paths):
        try:
            cases.append(load_case(p))
        except WQError as e:
            problems += e.diagnostics
    return cases, problems


def run_case(case: Case, policy, recorder=None) -> CaseResult:
    """Evaluate ``case`` under ``policy`` (a loaded Policy) and compare with its expectations. ``recorder``
    (context.Recorder) is told of each branch and comparison evaluated, for coverage."""
    expect = case.expectations(policy.version)
    result = CaseResult(case, f"{policy.id}@{policy.version}")
    try:
        record = policy.evaluate(None, case.input, marks=case.marks, input_name=str(case.path), recorder=recorder)
    except WQError as e:
        result.diagnostics = e.diagnostics
        codes = sorted({d.code for d in e.diagnostics})
        if expect.get("error") not in codes:
            result.mismatches.append(
                (
                    "outcome",
                    expect.get("error") or expect.get("outcome"),
                    "error " + ", ".join(codes) + ": " + e.diagnostics[0].message,
                )
            )
            result.places.append(("error",) if "error" in expect else ("outcome",))
        return result
    result.record = record
    if "error" in expect:
        result.mismatches.append(("outcome", f"error {expect['error']}", record.outcome))
        result.places.append(("error",))
    if "outcome" in expect and expect["outcome"] != record.outcome:
        result.mismatches.append(("outcome", expect["outcome"], record.outcome))
        result.places.append(("outcome",))
    outcomes = {r.id: r.outcome for r in record.rules}
    for rid, want in (expect.get("rules") or {}).items():
        got = outcomes.get(rid, "absent" if want == "absent" else "(无此规则 no such rule)")
        if got != want:
            result.mismatches.append((f"rule {rid}", want, got))
            result.places.append(("rules", rid))
    for name, want in (expect.get("outputs") or {}).items():
        got = record.output(name) if name in record.outputs else "(无此输出 no such output)"
        if name in record.output_errors:  # its null means "could not be computed", never what the case expects
            got = f"(计算出错 error: {record.output_errors[name]})"
        found = differences(want, got)
        result.mismatches += [(f"output {name}{where}", e, a) for where, e, a in found]
        result.places += [("outputs", name)] * len(found)
    return result


def suggestion(result: CaseResult, version: str) -> str:
    """What the case would say under ``version`` to pass, as YAML to add to it by hand once checked: an
    ``expect_by_version`` entry with the outcome, rule outcomes and whole outputs that differ, as evaluated."""
    record = result.record
    entry: dict[str, Any] = {}
    if record is None:  # an input error where the case expected a decision
        codes = sorted({d.code for d in result.diagnostics})
        entry["error"] = codes[0] if codes else "WQ-INPUT"
    else:
        outcomes = {r.id: r.outcome for r in record.rules}
        for what, _, _ in result.mismatches:
            if what == "outcome":
                entry["outcome"] = record.outcome
            elif what.startswith("rule "):
                rule = what[len("rule ") :]
                entry.setdefault("rules", {})[rule] = str(outcomes.get(rule, "absent"))  # text, for YAML
            elif what.startswith("output "):
                name = re.split(r"[.\[]", what[len("output ") :], maxsplit=1)[0]
                if name in record.outputs:
                    entry.setdefault("outputs", {})[name] = record.output(name)
    return yaml.safe_dump(
        {"expect_by_version": {version: entry}},
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=None,
        width=1000,
    )


def differences(expected: Any, actual: Any, where: str = "") -> list[tuple[str, object, object]]:
    """(where, expected, actual) for each place ``actual`` (JSON form) differs from ``expected`` (from YAML),
    as deep as both go: `[1].cap_cut` names the field of the second item, not the whole list. Numbers compare
    as exact decimals; mappings compare the keys the expectation lists; a list must have as many items."""
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [d for i, (e, a) in enumerate(zip(expected, actual)) for d in differences(e, a, f"{where}[{i}]")]
    if isinstance(expected, dict) and isinstance(actual, dict):
        return [
            d
            for k, v in expected.items()
            for d in (
                differences(v, actual[k], f"{where}.{k}")
                if k in actual
                else [(f"{where}.{k}", v, "(无此字段 no such field)")]
            )
        ]
    return [] if _same_scalar(expected, actual) else [(where, expected, actual)]


def _same_scalar(expected: Any, actual: Any) -> bool:
    """Two values that are not a list and a list of as many items, nor two mappings (differences looks inside
    those): a list or a mapping here is unlike whatever it is compared with."""
    if isinstance(expected, (list, dict)) or isinstance(actual, (list, dict)):
        return False
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected == actual
    e, a = _number(expected), _number(actual)
    if e is not None and a is not None:
        return e == a
    if isinstance(expected, datetime.date):
        expected = expected.isoformat()
    return expected == actual


def _number(v: object) -> Decimal | None:
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, Decimal)):
        return Decimal(v)
    if isinstance(v, str):
        try:
            d = Decimal(v.replace(",", ""))
            return d if d.is_finite() else None
        except InvalidOperation:
            return None
    return None
