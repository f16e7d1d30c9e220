"""Policy files on disk: finding them, resolving ``extends`` (a revision states only what changes),
and choosing the version in force on a date."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Diagnostic, WQError
from .overlay import DECISION_NAMED, apply
from .source import Span
from .yamlload import MAX_POLICY_VALUES, Marks, load_yaml, read_text


@dataclass
class PolicyFile:
    path: Path
    doc: dict
    marks: Marks
    text: str
    notes: list = field(default_factory=list)  # warnings about the file itself: read as GB18030

    @property
    def id(self) -> str:
        return str(self.doc.get("id"))

    @property
    def version(self) -> str:
        return str(self.doc.get("version"))


@dataclass
class Resolved:
    doc: dict
    marks: Marks
    origin: dict = field(default_factory=dict)  # item path (tuple) -> 'inherited' | 'changed' | 'added'
    chain: list = field(default_factory=list)  # [this version, its base, …]
    problems: list = field(default_factory=list)  # edits that found nothing to edit in the base (Diagnostics)


def read_policy_file(path: Path) -> PolicyFile:
    notes: list[Diagnostic] = []
    text = read_text(path, regular=True, hint="give a .yaml file", hint_zh="请给出一个 .yaml 文件", notes=notes)
    doc, marks = load_yaml(text, str(path), dates=False, max_values=MAX_POLICY_VALUES)
    if not isinstance(doc, dict):
        raise WQError(
            [
                Diagnostic(
                    "WQ-SCHEMA",
                    "a policy file must be a mapping with `id`, `version`, …",
                    Span(str(path), 1, 1),
                    zh="政策文件必须由 `id:`、`version:` 等“键: 值”组成",
                )
            ]
        )
    if doc.get("extends"):
        for section in _SECTIONS:  # a revision's section whose entries are all commented out changes nothing
            if section in doc and doc[section] is None:
                del doc[section]
    return PolicyFile(path, doc, marks, text, notes)


# The sections of a policy file that hold named items.
_SECTIONS = ("parameters", "definitions", "metadata", "decisions", "clause_map", "clauses")


def resolve(pf: PolicyFile, siblings: dict[str, PolicyFile], cache: dict | None = None) -> Resolved:
    """Apply ``extends``: the base (resolved first) overlaid with this file's entries. The chain is followed
    without recursion, and each version resolved once when ``cache`` (version -> Resolved) is kept between
    calls: a chain of n revisions costs n overlays, not n squared."""
    cache = {} if cache is None else cache
    chain = [pf]  # this version, its base, …, down to one that is cached or extends nothing
    while chain[-1].version not in cache and chain[-1].doc.get("extends"):
        here, base_name = chain[-1], str(chain[-1].doc.get("extends"))  # `extends: 2021` is read as a number
        seen = [f.version for f in chain]
        if base_name in seen:
            raise WQError(
                [
                    Diagnostic(
                        "WQ-VERSION",
                        "`extends` goes round in a circle: " + " → ".join(seen + [str(base_name)]),
                        here.marks.span(("extends",)),
                        zh="`extends` 形成了循环：" + " → ".join(seen + [str(base_name)]),
                    )
                ]
            )
        base_file = siblings.get(str(base_name))
        if base_file is None or base_file.id != here.id:
            raise WQError(
                [
                    Diagnostic(
                        "WQ-VERSION",
                        f"`extends: {base_name}`: no version `{base_name}` of policy `{here.id}` beside this file",
                        here.marks.span(("extends",)),
                        hint="versions known: " + ", ".join(sorted(siblings)) if siblings else None,
                        zh=f"`extends: {base_name}`：这个文件旁边没有政策 `{here.id}` 的版本 `{base_name}`",
                        hint_zh="已有的版本：" + ", ".join(sorted(siblings)) if siblings else None,
                    )
                ]
            )
        chain.append(base_file)
    for i in range(len(chain) - 1, -1, -1):
        f = chain[i]
        if f.version in cache:
            continue
        extends = f.doc.get("extends")
        if not extends:
            cache[f.version] = Resolved(f.doc, f.marks, {}, [f.version])
            continue
        base, base_file = cache[str(extends)], chain[i + 1]
        applied = apply(base.doc, base.marks, base_file.path.parent, f.doc, f.marks, str(extends))
        cache[f.version] = Resolved(
            applied.doc, applied.marks, applied.origin, [f.version] + base.chain, applied.problems
        )
    return cache[pf.version]


def in_force(versions: list[Any], on: datetime.date) -> Any:
    """The version (PolicyVersion-like, with effective_from/until) in force on ``on``, or None."""
    best = None
    for v in versions:
        in_range = (
            v.effective_from and v.effective_from <= on and (v.effective_until is None or on <= v.effective_until)
        )
        if in_range and (best is None or v.effective_from > best.effective_from):
            best = v
    return best


def timeline_problems(versions: list) -> list[Diagnostic]:
    """Overlapping ranges, and gaps not declared with ``gap_before: true``. A version without ``effective_until``
    is in force until the day before the next version starts (a revision closes its base's period without an edit
    of the base, which may be published and locked); one that states ``effective_until`` keeps to it."""
    out = []
    ordered = sorted((v for v in versions if v.effective_from), key=lambda v: v.effective_from)
    for prev, cur in itertools.pairwise(ordered):
        where = cur.effective_span or Span(cur.file, 1, 1)
        day_before = cur.effective_from - datetime.timedelta(days=1)
        if prev.effective_from == cur.effective_from:
            out.append(
                Diagnostic(
                    "WQ-VERSION",
                    f"{cur.ref} and {prev.ref} both start {cur.effective_from}: which one is in force is not clear",
                    where,
                    hint=f"give {cur.version} the day it takes effect, after {prev.effective_from}",
                    zh=f"{cur.ref} 与 {prev.ref} 都自 {cur.effective_from} 起生效：无法确定哪一个有效",
                    hint_zh=f"给 {cur.version} 写明其生效日期（晚于 {prev.effective_from}）",
                )
            )
        elif prev.effective_until is not None and prev.effective_until >= cur.effective_from:
            out.append(
                Diagnostic(
                    "WQ-VERSION",
                    f"{cur.ref} starts {cur.effective_from} while {prev.ref} is still in force "
                    f"(until {prev.effective_until})",
                    where,
                    hint=f"set `effective_until: {day_before}` in {prev.version}, the day before {cur.version} starts",
                    zh=f"{cur.ref} 从 {cur.effective_from} 起生效，而 {prev.ref} 此时仍然有效"
                    f"（有效至 {prev.effective_until}）",
                    hint_zh=f"在 {prev.version} 中写上 `effective_until: {day_before}`，即 {cur.version} 生效的前一天",
                )
            )
        elif (
            prev.effective_until is not None
            and prev.effective_until + datetime.timedelta(days=1) < cur.effective_from
            and not cur.gap_before
        ):
            gap_from = prev.effective_until + datetime.timedelta(days=1)
            gap_to = day_before
            out.append(
                Diagnostic(
                    "WQ-VERSION",
                    f"no version of {cur.id} is in force from {gap_from} to {gap_to}",
                    where,
                    hint="close the gap, or declare it with `gap_before: true`",
                    zh=f"从 {gap_from} 到 {gap_to}，{cur.id} 没有任何有效的版本",
                    hint_zh="调整有效期使前后衔接，或用 `gap_before: true` 声明这段空档是有意的",
                )
            )
    return out


def last_day(version: str, start: datetime.date | None, until: datetime.date | None, starts: dict):
    """(the last day ``version`` is in force, the version whose start ends it): its own ``effective_until``, else
    the day before the next start among ``starts`` (version -> effective_from), else (None, None)."""
    if until is not None or start is None:
        return until, None
    later = [(s, v) for v, s in starts.items() if v != version and isinstance(s, datetime.date) and s > start]
    if not later:
        return None, None
    s, v = min(later)
    return s - datetime.timedelta(days=1), v


# The version's own fields that the lock records too: a published version's dates and source (and the clauses it
# amends inline) are as binding as its parameters.
HEADER = ("effective_from", "effective_until", "extends", "gap_before", "source", "title", "effective_note", "clauses")


def items(doc: dict) -> dict[str, tuple]:
    """Every named item of a policy document, by its dotted path (``parameters.min_investment``,
    ``decisions.recognition.rules.recognition.investment``, ``header.effective_from``), with its path in the
    document."""
    out: dict[str, tuple] = {}
    for key in HEADER:
        if key in doc:
            out[f"header.{key}"] = (key,)
    for section in ("parameters", "definitions", "clause_map", "metadata"):
        for name in doc.get(section) or {}:
            out[f"{section}.{name}"] = (section, name)
    for dname, d in (doc.get("decisions") or {}).items():
        for key, value in (d or {}).items():
            if key in DECISION_NAMED and isinstance(value, dict):
                for name in value:
                    out[f"decisions.{dname}.{key}.{name}"] = ("decisions", dname, key, name)
            else:
                out[f"decisions.{dname}.{key}"] = ("decisions", dname, key)
    return out


def item_hashes(doc: dict) -> dict[str, str]:
    """A short hash of every named item of a resolved policy document, by its dotted path."""
    import hashlib
    import json

    out = {}
    for dotted, path in items(doc).items():
        value = doc
        for step in path:
            value = value[step]
        text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
        out[dotted] = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return out


def recorded(hashes: dict[str, str], locked: dict) -> dict[str, str]:
    """``hashes`` as a lock written by an earlier wqpolicy would have them: without the version's own fields
    (`header.*`) when the lock recorded none of them."""
    if any(p.startswith("header.") for p in locked):
        return hashes
    return {p: h for p, h in hashes.items() if not p.startswith("header.")}


def overridden(doc: dict) -> set[str]:
    """Dotted paths of the items a revision file states itself (the rest it inherits)."""
    return {p for p in items(doc) if not p.startswith("header.")}


def base_changes(revision: PolicyFile, base_now: dict, locked: dict) -> list[Diagnostic]:
    """WQ-BASE findings: items of the base that changed since the lock was written, and what that does to
    ``revision`` (an inherited item changes its meaning; an overridden one may no longer fit)."""
    now = recorded(item_hashes(base_now), locked)
    changed = sorted(p for p in set(now) | set(locked) if now.get(p) != locked.get(p))
    if not changed:
        return []
    own = overridden(revision.doc)
    out = []
    for path in changed:
        how = (
            "overridden by this revision: check the override still fits"
            if path in own
            else "inherited: this revision's meaning changed"
        )
        how_zh = "本修订已覆盖该项：请确认覆盖的内容仍然合适" if path in own else "本修订沿用该项：修订的含义已随之改变"
        state = "removed from" if path not in now else "added to" if path not in locked else "changed in"
        state_zh = "被删除" if path not in now else "被新增" if path not in locked else "被修改"
        base = revision.doc.get("extends")
        out.append(
            Diagnostic(
                "WQ-BASE",
                f"`{path}` {state} base {base} since the lock ({how})",
                revision.marks.span(("extends",)),
                hint="review the revision, then run `wqpolicy lock` to record the base as reviewed",
                zh=f"自锁定以来，基础版本 {base} 中的 `{path}` {state_zh}（{how_zh}）",
                hint_zh="核对本修订，确认无误后运行 `wqpolicy lock` 记录基础版本已审核",
            )
        )
    return out
