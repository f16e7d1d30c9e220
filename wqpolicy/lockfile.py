"""The lock file (`wqpolicy.lock.json`) of a folder: the item hashes of each policy version recorded as reviewed,
read strictly (a lock that cannot be read guards nothing, so it is an error, never taken as absent)."""

from __future__ import annotations

import json
from pathlib import Path

from .errors import Diagnostic, WQError
from .source import Span
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


def _json_kind(value: object) -> str:
    return {dict: "an object", list: "an array", str: "text", bool: "true/false", type(None): "null"}.get(
        type(value), "a number"
    )


def _json_kind_zh(value) -> str:
    return {dict: "对象", list: "列表", str: "文字", bool: "是否值（true/false）", type(None): "空值"}.get(
        type(value), "数字"
    )
