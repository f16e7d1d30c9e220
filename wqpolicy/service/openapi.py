"""The OpenAPI document: FastAPI's, from the code, with the project's JSON Schemas put in as components — the
decision record (schemas/decision.schema.json), the answer (the record and its ``receipt``), and each decision's
input schema from the policy set serving (so it follows a reload). Each schema's ``$defs`` become components of
their own and its ``$ref``s are pointed at them."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from ..jsontext import json_number
from ..schemas import data_dir
from .models import ProblemModel
from .policyset import PolicySet

DESCRIPTION = """\
The decision service of wqpolicy (武清区“五大创新平台”政策决定服务). `POST /v1/decisions/{decision}` answers an
application with exactly the record `wqpolicy eval --format json` gives, plus a `receipt`; every decision is kept in
an append-only, hash-chained log (`/v1/receipts`), and can be evaluated again (`/v1/receipts/{id}/verify`). Errors
are `application/problem+json` (RFC 9457) carrying the project's diagnostics in Chinese and English.
"""


def _hoisted(schema: dict, prefix: str, into: dict[str, Any]) -> dict:
    """``schema`` without ``$id``/``$schema``/``$defs``, its ``#/$defs/X`` references pointed at the components
    ``{prefix}.X``, which are added to ``into``."""
    schema = copy.deepcopy(schema)
    defs = schema.pop("$defs", {}) or {}
    for key in ("$id", "$schema"):
        schema.pop(key, None)

    def point(node: Any) -> None:
        stack = [node]
        while stack:
            n = stack.pop()
            if isinstance(n, dict):
                ref = n.get("$ref")
                if isinstance(ref, str) and ref.startswith("#/$defs/"):
                    n["$ref"] = f"#/components/schemas/{prefix}.{ref[len('#/$defs/') :]}"
                stack += n.values()
            elif isinstance(n, list):
                stack += n

    point(schema)
    for name, d in defs.items():
        point(d)
        into[f"{prefix}.{name}"] = d
    return schema


def _plain(value: Any) -> Any:
    """Decimals (the schemas are read with exact numbers) as JSON numbers: exact where a double holds the digits; a
    bound with more (999999999999999.99) as the nearest double, which is all an OpenAPI reader (a browser, a client
    generator) can hold. Only the document is approximate: the service checks each body against the exact schema."""
    return json.loads(json.dumps(value, default=_number))


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        try:
            return json_number(value)
        except ValueError:
            return float(value)  # the nearest double: see _plain
    return str(value)


def document(app: FastAPI, snapshot: PolicySet | None) -> dict[str, Any]:
    """The OpenAPI document for ``app`` serving ``snapshot`` (none loaded yet: without the input schemas)."""
    doc = get_openapi(
        title="wqpolicy decision service",
        version=app.version,
        description=DESCRIPTION,
        routes=app.routes,
        tags=[
            {"name": "decisions", "description": "Decide applications (every decision stored, with a receipt)"},
            {"name": "receipts", "description": "The decision log (a bearer token when configured)"},
            {"name": "policies", "description": "The policy versions serving"},
            {"name": "health", "description": "Liveness, readiness, status and metrics"},
        ],
    )
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    problem = ProblemModel.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, d in problem.pop("$defs", {}).items():
        schemas.setdefault(name, d)
    schemas.setdefault("ProblemModel", problem)
    record = json.loads((data_dir("schemas") / "decision.schema.json").read_text(encoding="utf-8"))
    schemas["DecisionRecord"] = _hoisted(record, "DecisionRecord", schemas)
    schemas["DecisionAnswer"] = {
        "description": "The decision record as `wqpolicy eval --format json` gives it, and its receipt",
        "allOf": [
            {"$ref": "#/components/schemas/DecisionRecord"},
            {
                "type": "object",
                "required": ["receipt"],
                "properties": {"receipt": {"type": "string", "description": "the receipt id in the decision log"}},
            },
        ],
    }
    inputs: dict[str, list[str]] = {}
    if snapshot is not None:
        for policy in snapshot.policies.values():
            for name, decision in policy.model.decisions.items():
                stem = (Path(decision.input_path).name if decision.input_path else name).removesuffix(".json")
                key = "Input." + stem.removesuffix(".schema")
                if key not in schemas:
                    schemas[key] = _hoisted(_plain(decision.input_schema), key, schemas)
                inputs.setdefault(key, [])
                if name not in inputs[key]:
                    inputs[key].append(name)
    schemas["DecisionInput"] = {
        "description": "An application: the input schema of its decision ("
        + "; ".join(f"{k.removeprefix('Input.')}: {', '.join(v)}" for k, v in sorted(inputs.items()))
        + ")",
        "anyOf": [{"$ref": f"#/components/schemas/{k}"} for k in sorted(inputs)] or [{"type": "object"}],
    }
    return doc


def install(app: FastAPI, current: Any) -> None:
    """Serve ``document`` as /openapi.json, made again when the policy set changes (``current()`` gives it)."""
    cache: dict[int, dict[str, Any]] = {}

    def openapi() -> dict[str, Any]:
        snapshot = current()
        key = snapshot.generation if snapshot is not None else 0
        if key not in cache:
            cache.clear()
            cache[key] = document(app, snapshot)
        app.openapi_schema = cache[key]
        return cache[key]

    app.openapi = openapi  # type: ignore[method-assign]
