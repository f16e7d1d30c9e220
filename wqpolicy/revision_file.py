"""A new revision, written for an officer to fill in (`wqpolicy revise`): a file that extends the version in force
on the day the revision takes effect, with every parameter listed as a comment — its Chinese name, clause, value
now, kind and bounds — ready to uncomment and edit. The base is never edited: a version without `effective_until`
is in force until the next version starts, so the revision's `effective_from` ends the base's period (a published
base is locked and stays as it was published)."""

from __future__ import annotations

import datetime
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .display import display, excerpt
from .errors import Diagnostic, WQError
from .library import Library
from .model import Parameter, PolicyVersion
from .plausibility import bound_text
from .schemas import data_dir

# What each kind of parameter is, in words, for the comment above it.
_KIND_WORDS = {
    "ratio": "比例 ratio（写作 30% 或 0.3）",
    "money": "金额 money（元；可写 1000万元）",
    "integer": "整数 integer（个数）",
    "number": "数值 number",
    "date": "日期 date（YYYY-MM-DD）",
    "duration": "期限 duration（如 1 year、6 months）",
    "string": "文字 text",
    "bool": "是否 true/false",
    "list": "列表 list",
    "mapping": "对照表 mapping",
}


@dataclass(frozen=True)
class RevisionPlan:
    """What `wqpolicy revise` writes: the new ``version`` extending ``base`` (a PolicyVersion) from ``on``, in
    ``path``, with ``text``; ``base_ends`` the last day the base is then in force; ``gap``: the base ended before
    the day before ``on`` (the revision declares the gap)."""

    policy_id: str
    version: str
    base: PolicyVersion
    on: datetime.date
    path: Path
    text: str
    base_ends: datetime.date
    gap: bool


def plan_revision(
    library: Library, ref: str, on: datetime.date, out: Path | None = None, version: str | None = None
) -> RevisionPlan:
    """The revision of the policy ``ref`` (ID: its version in force on ``on``; ID@VERSION: that version) that
    takes effect on ``on``, to be written at ``out`` (default: beside the base, named for the version). Raises
    WQError when there is no such version, the date does not come after the base's start, the base states an end
    on or after ``on`` (it cannot be moved without editing it), or a version of that name or start exists."""
    policy_id, base_version = library.pick(ref, on)
    base = library.build(policy_id, base_version)
    existing = library.files[policy_id]
    if on <= base.effective_from:
        raise _refused(
            f"a revision of {base.ref} must take effect after {base.effective_from}, the day it starts",
            f"{base.ref} 自 {base.effective_from} 起生效，修订的生效日期须晚于该日",
            f"give --on a later date, e.g. --on {base.effective_from + datetime.timedelta(days=1)}",
            f"--on 须晚于 {base.effective_from}",
        )
    if base.effective_until is not None and base.effective_until >= on:
        after = base.effective_until + datetime.timedelta(days=1)
        raise _refused(
            f"{base.ref} states that it is in force until {base.effective_until}: a revision can take effect only "
            "after that (the base is not edited)",
            f"{base.ref} 写明有效至 {base.effective_until}：修订只能在此后生效（不修改基础版本）",
            f"wqpolicy revise {policy_id} --on {after}",
            f"wqpolicy revise {policy_id} --on {after}",
        )
    clash = [v for v, pf in existing.items() if str(pf.doc.get("effective_from")) == on.isoformat()]
    if clash:
        raise _refused(
            f"version {clash[0]} of {policy_id} already starts on {on}",
            f"{policy_id} 的版本 {clash[0]} 已自 {on} 起生效",
            "give --on another date, or edit that version if it is not yet published",
            "换一个 --on 日期；若该版本尚未发布，可直接修改它",
        )
    name = version or next(
        (n for n in (f"{on.year}-revision", f"{on.isoformat()}-revision") if n not in existing),
        None,
    )
    if name is None or name in existing:
        raise _refused(
            f"policy {policy_id} already has a version `{name or on.isoformat() + '-revision'}`",
            f"{policy_id} 已有版本 `{name or on.isoformat() + '-revision'}`",
            "name the new version with --version NAME",
            "用 --version 名称 给新版本命名",
        )
    base_file = library.files[policy_id][base_version].path
    path = out if out is not None else base_file.parent / f"{name}.yaml"
    gap = base.effective_until is not None and base.effective_until < on - datetime.timedelta(days=1)
    base_ends = base.effective_until if base.effective_until is not None else on - datetime.timedelta(days=1)
    text = revision_text(base, name, on, path, base_file, gap)
    return RevisionPlan(policy_id, name, base, on, path, text, base_ends, gap)


def revision_text(base: PolicyVersion, version: str, on: datetime.date, path: Path, base_file: Path, gap: bool) -> str:
    """The revision file: a schema modeline for the editor, what to do in Chinese with English beside it, the
    header (`extends`, `effective_from`), and every parameter of the base as a comment ready to uncomment."""
    ends = base.effective_until or on - datetime.timedelta(days=1)
    lines = [
        f"# yaml-language-server: $schema={_schema_ref(path, base_file)}",
        f"# {base.id} 修订版本 revision {version}：基于 {base.version}，自 {on} 起生效",
        f"# 本文件只写与 {base.version} 不同之处，其余一律沿用。This file states only what changes from "
        f"{base.version}; the rest is inherited.",
        "# 修改参数：去掉该参数一行开头的 “# ”，再改写 value。To change a parameter, remove the “# ” at the start",
        "# of its line, then edit its value.",
        "# 改完后运行 After editing, run: wqpolicy check · wqpolicy diff · wqpolicy test",
        f"id: {base.id}",
        f"version: {version}",
        f"extends: {base.version}",
        f"effective_from: {on}",
    ]
    if gap:
        lines += [
            f"# {base.version} 于 {base.effective_until} 止：此后至本修订生效前没有有效版本。",
            f"# {base.version} ended {base.effective_until}: no version is in force until this revision starts.",
            "gap_before: true",
        ]
    else:
        lines += [
            f"# {base.version} 有效至 {ends}：本修订的 effective_from 结束它的有效期，"
            f"无需修改已发布的 {base.version}。",
            f"# {base.version} is in force until {ends}: this revision's effective_from ends it; the published file "
            "is not edited.",
        ]
    lines += [
        "# effective_note: 修订依据（文号、发布日期）/ what the revision rests on (document number, date published)",
        "parameters:",
    ]
    clause = None
    for p in base.parameters.values():
        if p.clause != clause:
            clause = p.clause
            lines.append(f"  # ---- {clause or '—'} " + "-" * 60)
        lines += _parameter_lines(p, base.raw.get("parameters", {}).get(p.name) or {})
    lines += [
        "# 规则、定义、输出的修改与新增，写在 decisions: 下（见 README「修订」一节）；删除一项写 {remove: true}。",
        "# Rules, definitions and outputs are changed or added under decisions: (see README);",
        "# {remove: true} deletes one.",
    ]
    return "\n".join(lines) + "\n"


def _parameter_lines(p: Parameter, raw: dict) -> list[str]:
    label = f"{p.label.zh} {p.label.en}" if p.label is not None else p.name
    kind = p.kind or ("mapping" if isinstance(p.value, dict) else "list" if isinstance(p.value, list) else None)
    words = _KIND_WORDS.get(kind or "", kind or "—")
    now = _now(p, raw)
    bounds = ""
    if p.minimum is not None or p.maximum is not None:
        en, zh = bound_text(p.kind, p.minimum, p.maximum)
        bounds = f" · 范围 bounds: {zh} / {en}"
    unit = f"（单位 unit: {p.unit}）" if p.unit else ""
    head = [f"  # {label}（{p.clause or '—'}）", f"  #   现值 now: {now}{unit} · 类型 kind: {words}{bounds}"]
    if isinstance(p.value, dict):
        keys = ", ".join(excerpt(str(k), 20) for k in p.value)
        return head + [
            f"  #   现有 entries: {excerpt(keys, 90)}",
            "  #   新增 {add: {代码: {…}}} · 删除 {remove: [代码]} · 修改 {change: {代码: {字段: 新值}}}",
            f"  # {p.name}: {{change: {{}}}}",
        ]
    if isinstance(p.value, list):
        return head + [f"  # {p.name}: {{add: [], remove: []}}"]
    return head + [f"  # {p.name}: {{value: {_flow(raw.get('value', p.value))}}}"]


def _now(p: Parameter, raw: dict) -> str:
    """The value as the base's file writes it (`1000万元`), else as people read it."""
    written = raw.get("value")
    if isinstance(written, (str, int)) and not isinstance(written, bool) and not isinstance(p.value, (list, dict)):
        return excerpt(str(written), 60)
    return excerpt(display(p.value, p.kind), 90)


def _flow(value) -> str:
    """A scalar written so that it reads back the same inside `{value: …}`."""
    text = (
        value.isoformat()
        if isinstance(value, datetime.date)
        else str(value).lower()
        if isinstance(value, bool)
        else str(value)
    )
    if re.fullmatch(r"[\w\u3400-\u9fff%.+\- ]+", text) and not text.startswith((" ", "-")) and text == text.strip():
        return text
    return json.dumps(text, ensure_ascii=False)


def _schema_ref(path: Path, base_file: Path) -> str:
    """The policy schema, as a path from the revision's folder: where the base's own modeline points, else the
    bundled copy."""
    target = None
    try:
        first = base_file.read_text(encoding="utf-8").split("\n", 1)[0]
    except (OSError, UnicodeDecodeError):
        first = ""
    m = re.match(r"#\s*yaml-language-server:\s*\$schema=(\S+)", first)
    if m and "://" not in m.group(1):
        target = (base_file.parent / m.group(1)).resolve()
    if target is None or not target.is_file():  # the base's own is not there: the installed copy, where it is
        return (data_dir("schemas") / "policy.schema.json").resolve().as_posix()
    try:
        return Path(os.path.relpath(target, path.parent.resolve())).as_posix()
    except ValueError:  # another drive
        return target.as_posix()


def _refused(message: str, zh: str, hint: str, hint_zh: str) -> WQError:
    return WQError([Diagnostic("WQ-VERSION", message, None, hint, zh=zh, hint_zh=hint_zh)])
