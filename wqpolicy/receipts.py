"""Receipts: a decision answered as ``wqpolicy eval --format json`` answers it and kept in the decision log, and a
kept one evaluated again under the policy version it names — the same answer, or exactly the fields that differ
(or, when that version's content has changed since, exactly the policy items that changed)."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .content_hash import canonical_json
from .decisionlog import DecisionLog, Entry
from .errors import WQError
from .explain import explain, explained_json
from .inputs import load_input
from .policy import Policy
from .record import FROM_INPUT, VersionDate
from .versions import item_hashes

MAX_DIFFERENCES = 50  # fields listed when a record differs (an engine setting: the count says how many in all)


def engine_version() -> str:
    """The version of wqpolicy that evaluates: receipts record it."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("wqpolicy")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"


ENGINE = engine_version()


def answer(policy: Policy, record: Any, document: dict) -> dict[str, Any]:
    """The decision as ``wqpolicy eval --format json`` prints it: the record with its explanation."""
    return explained_json(record, explain(policy, record, document))


def log_item(policy: Policy, document: dict, answered: dict, on: datetime.date | None) -> dict[str, Any]:
    """The keyword arguments of ``DecisionLog.append`` for one answered decision."""
    return dict(
        decision=answered["decision"],
        policy_id=policy.id,
        version=policy.version,
        policy_sha256=policy.content_hash,
        input_doc=document,
        record=answered,
        engine=ENGINE,
        evaluated_on=on.isoformat() if on is not None else None,
    )


def policy_content(policy: Policy) -> dict[str, Any]:
    """What a policy version holds, item by item (a short hash of each parameter, definition, rule, output, clause
    map entry, top-level key and input schema): kept in the log once per content hash, so that a receipt can later
    name the items that changed."""
    raw = policy.model.raw
    items = item_hashes(raw)
    for key, value in raw.items():
        if key not in ("parameters", "definitions", "clause_map", "metadata", "decisions"):
            items[key] = hashlib.sha256(canonical_json(value)).hexdigest()[:16]
    for name, decision in policy.model.decisions.items():
        items[f"inputs.{name}"] = hashlib.sha256(canonical_json(decision.input_schema)).hexdigest()[:16]
    return {"id": policy.id, "version": policy.version, "items": items}


def changed_items(before: dict | None, now: dict) -> list[str]:
    """The items of ``policy_content`` that differ, each as ``changed X``, ``added X`` or ``removed X``."""
    if before is None:
        return []
    old, new = before.get("items", {}), now.get("items", {})
    out = [f"changed {k}" for k in sorted(old) if k in new and old[k] != new[k]]
    out += [f"added {k}" for k in sorted(new) if k not in old]
    out += [f"removed {k}" for k in sorted(old) if k not in new]
    return out


@dataclass(frozen=True)
class Difference:
    """A field of the record that differs: its JSON path, the stored value and the value now (``None`` for a field
    that one of the two lacks: ``absent`` says which)."""

    path: str
    stored: Any
    now: Any
    absent: str | None = None  # "stored" or "now"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "stored": self.stored, "now": self.now}
        if self.absent:
            out["absent"] = self.absent
        return out


def differences(stored: Any, now: Any, path: str = "") -> list[Difference]:
    """Every leaf where ``stored`` and ``now`` (JSON values) differ, by JSON path (``rules[3].outcome``); a field
    one of them lacks is one difference. Iterative, so a deep value cannot exhaust the stack."""
    out: list[Difference] = []
    stack: list[tuple[str, Any, Any, str | None]] = [(path, stored, now, None)]
    while stack:
        where, a, b, absent = stack.pop()
        if absent is not None:
            out.append(Difference(where, a, b, absent))
        elif isinstance(a, dict) and isinstance(b, dict):
            keys = list(a) + [k for k in b if k not in a]
            for k in reversed(keys):
                sub = f"{where}.{k}" if where else str(k)
                if k not in b:
                    stack.append((sub, a[k], None, "now"))
                elif k not in a:
                    stack.append((sub, None, b[k], "stored"))
                else:
                    stack.append((sub, a[k], b[k], None))
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            stack += [(f"{where}[{i}]", x, y, None) for i, (x, y) in reversed(list(enumerate(zip(a, b))))]
        elif a != b or type(a) is not type(b):
            out.append(Difference(where, a, b))
    return out


SAME, DIFFERENT, POLICY_CHANGED, POLICY_MISSING, INPUT_REFUSED = (
    "same",
    "different",
    "policy_changed",
    "policy_not_found",
    "input_refused",
)


@dataclass(frozen=True)
class Verification:
    """A receipt evaluated again. ``status``: ``same`` (the stored record, field for field), ``different`` (see
    ``differences``), ``policy_changed`` (the version's content hash is not the stored one: not evaluated;
    ``changed_items`` names what changed when the log kept the version's items), ``policy_not_found`` or
    ``input_refused`` (the stored input no longer validates). ``zh`` and ``en`` say it in a sentence."""

    receipt: str
    status: str
    zh: str
    en: str
    policy: str
    stored_sha256: str
    current_sha256: str | None = None
    differences: tuple[Difference, ...] = ()
    difference_count: int = 0
    changed_items: tuple[str, ...] = ()
    diagnostics: tuple[Any, ...] = ()
    engine: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == SAME

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "receipt": self.receipt,
            "status": self.status,
            "same": self.ok,
            "message": {"zh": self.zh, "en": self.en},
            "policy": self.policy,
            "policy_sha256": {"stored": self.stored_sha256, "now": self.current_sha256},
            "engine": self.engine,
        }
        if self.status == DIFFERENT:
            out["differences"] = [d.to_json() for d in self.differences]
            out["difference_count"] = self.difference_count
        if self.status == POLICY_CHANGED:
            out["changed_items"] = list(self.changed_items)
        if self.diagnostics:
            out["diagnostics"] = [d.to_json() for d in self.diagnostics]
        return out


def verify_entry(entry: Entry, find: Callable[[str, str], Policy], stored_content: dict | None = None) -> Verification:
    """Evaluate ``entry``'s stored input again under the version it names (``find(id, version)`` gives it, raising
    WQError or KeyError when there is none) and compare with the stored record; ``stored_content`` is what the log
    kept of that version (``DecisionLog.policy_content``), to name the items that changed."""
    ref = f"{entry.policy_id}@{entry.version}"
    base: dict[str, Any] = dict(
        receipt=entry.receipt,
        policy=ref,
        stored_sha256=entry.policy_sha256,
        engine={"stored": entry.engine, "now": ENGINE},
    )
    try:
        policy = find(entry.policy_id, entry.version)
    except (WQError, KeyError) as e:
        diagnostics = tuple(e.diagnostics) if isinstance(e, WQError) else ()
        return Verification(
            status=POLICY_MISSING,
            zh=f"找不到政策版本 {ref}（或其无法加载），无法重新评估",
            en=f"the policy version {ref} is not available (or does not load): not evaluated again",
            diagnostics=diagnostics,
            **base,
        )
    now_hash = policy.content_hash
    if now_hash != entry.policy_sha256:
        items = tuple(changed_items(stored_content, policy_content(policy)))
        said = "；".join(items[:10]) if items else "日志未保存该版本的条目，无法逐项列出"
        said_en = "; ".join(items[:10]) if items else "the log kept no items of that version to compare"
        return Verification(
            status=POLICY_CHANGED,
            zh=f"政策版本 {ref} 的内容已改变（sha256 {entry.policy_sha256[:12]}… → {now_hash[:12]}…），"
            f"不按改变后的内容重新评估：{said}",
            en=f"the content of {ref} has changed (sha256 {entry.policy_sha256[:12]}… → {now_hash[:12]}…); "
            f"not evaluated under the changed content: {said_en}",
            current_sha256=now_hash,
            changed_items=items,
            **base,
        )
    stored = entry.record
    try:
        document, _marks = load_input(f"<{entry.receipt}>.json", entry.input)
        record = policy.evaluate(entry.decision, document, input_name=stored.get("input"))
        dated = dated_again(policy, entry.decision, document, stored.get("version_date"))
        if dated is not None:
            record = record.dated(dated)
    except WQError as e:
        return Verification(
            status=INPUT_REFUSED,
            zh="存档的申请材料在该政策版本下未通过校验，无法重新评估",
            en="the stored input does not validate under that policy version: not evaluated again",
            current_sha256=now_hash,
            diagnostics=tuple(e.diagnostics),
            **base,
        )
    # where the policy files were read from (relative to the folder a command ran in) is not what was decided
    found = [d for d in differences(stored, answer(policy, record, document)) if not d.path.startswith(_WHERE_READ)]
    if not found:
        return Verification(
            status=SAME,
            zh=f"重新评估结果与存档一致（{ref}）",
            en=f"evaluated again: the same record as stored ({ref})",
            current_sha256=now_hash,
            **base,
        )
    paths = ", ".join(d.path for d in found[:5]) + ("…" if len(found) > 5 else "")
    return Verification(
        status=DIFFERENT,
        zh=f"重新评估结果与存档不一致：{len(found)} 处不同（{paths}）",
        en=f"evaluated again, the record differs in {len(found)} field(s): {paths}",
        current_sha256=now_hash,
        differences=tuple(found[:MAX_DIFFERENCES]),
        difference_count=len(found),
        **base,
    )


_WHERE_READ = "policy.files"


def dated_again(policy: Policy, decision: str, document: dict, stored: Any) -> VersionDate | None:
    """The date that chose the version, as the stored record states it (``stored``, its `version_date`), worked
    out again: an application's own date read again from the document by the version's `version_date`; the day of
    the evaluation, a date given with --on, or a version named, as stored. None when the record states none."""
    was = VersionDate.from_json(stored)
    if was is None or was.source != FROM_INPUT:
        return was
    try:
        day = policy.version_date(decision, document)
    except WQError:
        return was
    return VersionDate(day, FROM_INPUT, was.field) if day is not None else was


def remember(log: DecisionLog, policy: Policy) -> None:
    """Keep ``policy``'s items in ``log`` under its content hash (once)."""
    log.remember_policy(policy.content_hash, policy_content(policy))
