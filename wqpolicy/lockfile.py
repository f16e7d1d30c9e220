"""The lock file (`wqpolicy.lock.json`) of a folder: the item hashes of each policy version recorded as reviewed,
read strictly (a lock that cannot be read guards nothing, so it is an error, never taken as absent)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from . import clock, versions
from .errors import Diagnostic, WQError
from .source import Span
from .versions import PolicyFile, item_hashes, recorded
from .yamlload import read_text

LOCK_NAME = "wqpolicy.lock.json"


def read_lock(folder: Path) -> dict:
    """The lock file of ``folder`` (``{"ID@VERSION": {item path: hash}}``), or {} when there is none.
    Raises WQError (WQ-FILE) when it cannot be read, is not JSON or not of that shape."""
    path = folder / LOCK_NAME
    if not path.exists():
        return {}
    hint = "write it again with `wqpolicy lock` once the revisions in this folder are reviewed"
    hint_zh = "审核完该文件夹中的修订版本后，用 `wqpolicy lock` 重新生成它"

    def bad(message, zh, line=1, col=1):
        return WQError(
            [Diagnostic("WQ-FILE", message, Span(str(path), line, col), hint, zh=f"锁定文件{zh}", hint_zh=hint_zh)]
        )

    def at(*keys: str) -> tuple[int, int]:  # line and column of a key (the first one of its text after the one before)
        index = 0
        for key in keys:
            found = text.find(json.dumps(key, ensure_ascii=False), index)
            index = found if found >= 0 else index
        return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1

    if path.is_dir():
        raise bad("is a directory, not a file", "是文件夹，不是文件")
    # unreadable, a pipe, huge, or not UTF-8: WQ-FILE
    text = read_text(path, regular=True, hint=hint, hint_zh=hint_zh)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise bad(f"not valid JSON: {e.msg}", f"不是有效的 JSON（{e.msg}）", e.lineno, e.colno) from None
    except (ValueError, RecursionError):
        raise bad(
            "not valid JSON (nested too deep, or a number too long)", "不是有效的 JSON（嵌套过深，或数字过长）"
        ) from None
    if not isinstance(data, dict):
        raise bad(
            f"the lock file must be a JSON object of policy versions, not {_json_kind(data)}",
            f"应为以政策版本为键的 JSON 对象，而不是{_json_kind_zh(data)}",
        )
    for ref, items in data.items():
        if not isinstance(items, dict):
            raise bad(
                f"`{ref}`: must be an object of item hashes, not {_json_kind(items)}",
                f"中 `{ref}` 应为各项哈希值组成的对象，而不是{_json_kind_zh(items)}",
                *at(ref),
            )
        for item, digest in items.items():
            if not isinstance(digest, str):
                raise bad(
                    f"`{ref}`: the hash of `{item}` must be text, not {_json_kind(digest)}",
                    f"中 `{ref}` 下 `{item}` 的哈希值应为文字，而不是{_json_kind_zh(digest)}",
                    *at(ref, item),
                )
    return data


def edited_items(pf: PolicyFile, doc: dict, locked: dict) -> list[Diagnostic]:
    """WQ-LOCKED: each item of ``doc`` (the version of ``pf``, resolved) whose hash differs from ``locked`` (what
    the lock file recorded when the version was published): changed, removed or added in place. Each is placed at
    the item in ``pf`` (a removed one at the section it was in), and says how to make a revision instead."""
    now = recorded(item_hashes(doc), locked)
    changed = sorted(p for p in set(now) | set(locked) if now.get(p) != locked.get(p))
    if not changed:
        return []
    paths = versions.items(doc)
    lock = pf.path.parent / LOCK_NAME
    tomorrow = clock.today() + datetime.timedelta(days=1)
    command = f"wqpolicy revise {pf.id} --on {tomorrow.isoformat()}"
    out = []
    for dotted in changed:
        state, state_zh = (
            ("removed", "已被删除")
            if dotted not in now
            else ("added", "是新加的")
            if dotted not in locked
            else ("changed", "已被修改")
        )
        path = paths.get(dotted) or _section(dotted, doc)
        span = (pf.marks.key_span(path) if path else None) or Span(str(pf.path), 1, 1)
        out.append(
            Diagnostic(
                "WQ-LOCKED",
                f"a published version cannot be changed; make a revision: {pf.id}@{pf.version} is recorded as "
                f"published in {lock.name}, and its `{dotted}` was {state} in this file",
                span,
                hint=f"undo the edits of this file, then write the change in a revision of its own: `{command}` "
                "(the date: the day the revision takes effect)",
                zh=f"已发布版本不可修改，请新建修订版本：{pf.id}@{pf.version} 已在 {lock.name} 中登记为已发布，"
                f"本文件中的 `{dotted}` {state_zh}",
                hint_zh=f"先撤销对本文件的修改，再把要改的内容写进新的修订版本：`{command}`（日期为修订的生效日期）",
                subject=dotted,
            )
        )
    return out


# What each section's items are called, in English and Chinese, for a message about one that was deleted.
_KINDS = {
    "parameters": ("parameter", "参数"),
    "definitions": ("definition", "定义"),
    "rules": ("rule", "规则"),
    "outputs": ("output", "输出"),
    "metadata": ("metadata item", "元数据项"),
}


def gone_items(pf: PolicyFile, doc: dict) -> dict[str, tuple[str, str]]:
    """The items of the version in ``pf`` that its lock file records as published and ``doc`` (the version as its
    file now reads, resolved) no longer has: name as a policy names it (a rule by its id, an output as
    `decision.output`) -> what it is, (English, Chinese). Empty when the version is not locked, or the lock cannot
    be read (that is reported where the lock is checked)."""
    try:
        locked = read_lock(pf.path.parent).get(f"{pf.id}@{pf.version}")
    except WQError:
        return {}
    if not locked:
        return {}
    now = versions.items(doc)
    out: dict[str, tuple[str, str]] = {}
    for dotted in locked:
        if dotted in now:
            continue
        section, _, rest = dotted.partition(".")
        if section in ("parameters", "definitions", "metadata"):
            out[rest] = _KINDS[section]
        elif section == "decisions":
            for dname in (doc.get("decisions") or {}) | {rest.split(".", 1)[0]: None}:
                for key in ("rules", "outputs", "definitions"):
                    prefix = f"{dname}.{key}."
                    if rest.startswith(prefix):
                        name = rest[len(prefix) :]
                        out[f"{dname}.{name}" if key == "outputs" else name] = _KINDS[key]
    return out


def _section(dotted: str, doc: dict) -> tuple | None:
    """The document path of the section a removed item was in (its decision's `rules:`, `parameters:`…), as
    far as it is still there."""
    for section in ("parameters", "definitions", "clause_map", "metadata"):
        if dotted.startswith(section + "."):
            return (section,) if section in doc else None
    if dotted.startswith("decisions."):
        for dname, d in (doc.get("decisions") or {}).items():
            for key in d or {}:
                if dotted.startswith(f"decisions.{dname}.{key}."):
                    return ("decisions", dname, key)
            if dotted.startswith(f"decisions.{dname}."):
                return ("decisions", dname)
        return ("decisions",) if "decisions" in doc else None
    return None


def _json_kind(value: object) -> str:
    return {dict: "an object", list: "an array", str: "text", bool: "true/false", type(None): "null"}.get(
        type(value), "a number"
    )


def _json_kind_zh(value) -> str:
    return {dict: "对象", list: "列表", str: "文字", bool: "是否值（true/false）", type(None): "空值"}.get(
        type(value), "数字"
    )
