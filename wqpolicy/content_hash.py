"""What a policy version says, as one sha256: over a canonical JSON of its resolved document (``extends`` applied)
and its decisions' input schemas. Notices print its first characters and the service's receipts carry it whole, so
that a decision can be traced to exactly the rules that made it, whatever the files were called."""

from __future__ import annotations

import datetime
import hashlib
import json
from decimal import Decimal
from typing import Any

from .model import PolicyVersion

SHORT = 12  # hex digits a document shows: 48 bits, enough to tell versions apart by eye


def _plain(value: Any) -> Any:
    """``value`` as JSON can hold it: exact numbers as their decimal text, dates as YYYY-MM-DD."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}  # never a float: 0.1 stays 0.1
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


def canonical_json(value: Any) -> bytes:
    """``value`` as canonical JSON (keys sorted, no spaces, UTF-8): equal content gives equal bytes."""
    return json.dumps(_plain(value), sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def content_hash(version: PolicyVersion) -> str:
    """The sha256 (hex) of ``version``'s resolved document and its decisions' input schemas.

    >>> h = content_hash(load_policy("wuqing-five-platforms@2021-trial").model)
    >>> len(h), h == content_hash(load_policy("wuqing-five-platforms@2021-trial").model)
    (64, True)
    """
    content = {"policy": version.raw, "inputs": {name: d.input_schema for name, d in version.decisions.items()}}
    return hashlib.sha256(canonical_json(content)).hexdigest()
