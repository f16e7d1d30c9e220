"""One application decided for the service: the body read as JSON or YAML by the project's own readers (exact
numbers, the same limits as a file), the version picked from the policy set the request holds, evaluated and
explained exactly as ``wqpolicy eval --format json`` does, and the entry to store in the decision log."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from ..clock import today
from ..decisionlog import Entry, LogError
from ..errors import Diagnostic, WQError
from ..explain import Explanation, explain, explained_json
from ..inputs import load_input
from ..policy import Policy
from ..receipts import log_item
from ..yamlload import decode_text
from .deps import ServiceState
from .policyset import PolicySet
from .problems import Problem, not_found

JSON_TYPES = frozenset({"application/json"})
YAML_TYPES = frozenset({"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"})
JSONL_TYPES = frozenset({"application/x-ndjson", "application/jsonl", "application/json-lines", "application/x-jsonl"})
BODY_NAME = {"json": "request.json", "yaml": "request.yaml"}  # what errors call the body: file:line:col in it


SINGLE = {**{t: "json" for t in JSON_TYPES}, **{t: "yaml" for t in YAML_TYPES}}
BATCH = {t: "jsonl" for t in JSONL_TYPES}


def media_type(content_type: str | None, accepted: dict[str, str] = SINGLE, default: str = "application/json") -> str:
    """The kind of body (``json``, ``yaml``, ``jsonl``) its Content-Type names (none given: ``default``); a 415
    Problem for a type not ``accepted``."""
    mtype = (content_type or default).split(";")[0].strip().lower()
    if mtype in accepted:
        return accepted[mtype]
    shown = ", ".join(sorted(accepted))
    raise Problem(
        415,
        "unsupported-media-type",
        "Unsupported media type",
        "不支持的内容类型",
        f"Content-Type `{mtype}` is not accepted here; send one of: {shown}",
        f"不接受内容类型“{mtype}”；请使用：{shown}",
        choices=sorted(accepted),
    )


def document(body: bytes, kind: str, name: str | None = None) -> tuple[dict, Any]:
    """The application in ``body`` and its marks: JSON read strictly as JSON, YAML by the project's YAML reader;
    a 422 Problem, with each error at its line and column, when it cannot be read."""
    name = name or BODY_NAME[kind]
    try:
        return load_input(name, decode_text(body, name))
    except WQError as e:
        raise unreadable(e) from None
    except RecursionError:  # the readers bound nesting; this is a last guard, never a traceback
        raise unreadable(WQError([Diagnostic("WQ-INPUT", "nested too deeply", zh="嵌套层数过多")])) from None


def unreadable(e: WQError) -> Problem:
    first = e.diagnostics[0] if e.diagnostics else None
    said = first.message if first else "the body cannot be read"
    return Problem(
        422,
        "invalid-input",
        "The application cannot be read or does not match its input schema",
        "申报材料无法读取或不符合输入格式",
        f"{len(e.diagnostics)} problem(s), the first: {said}",
        f"共 {len(e.diagnostics)} 处问题，第一处：{(first.zh if first and first.zh else said)}",
        e.diagnostics,
    )


@dataclass(frozen=True)
class Decided:
    policy: Policy
    document: dict
    record: Any
    explanation: Explanation
    answered: dict[str, Any]
    on: datetime.date

    def log_item(self) -> dict[str, Any]:
        return log_item(self.policy, self.document, self.answered, self.on)


def pick(snapshot: PolicySet, ref: str | None, on: datetime.date, decision: str) -> Policy:
    """The version that decides (see PolicySet.select), and a 404 Problem for a decision it does not have."""
    policy = snapshot.select(ref, on)
    if decision not in policy.decisions:
        raise not_found("decision", "决定", decision, policy.decisions, "unknown-decision")
    return policy


def decide(
    snapshot: PolicySet,
    decision: str,
    doc: dict,
    marks: Any,
    ref: str | None,
    on: datetime.date | None,
    input_name: str | None,
) -> Decided:
    """Decide ``doc`` under the version ``ref`` names, else the one in force ``on``, else the one in force on the
    application's own date (PolicySet.choose; the record states the date that chose it); a 4xx Problem when it
    cannot be."""
    day = today()
    policy, dated = snapshot.choose(ref, on, decision, doc, day)
    if decision not in policy.decisions:
        raise not_found("decision", "决定", decision, policy.decisions, "unknown-decision")
    try:
        record = policy.evaluate(decision, doc, marks=marks, input_name=input_name).dated(dated)
    except WQError as e:
        raise unreadable(e) from None
    explanation = explain(policy, record, doc)
    return Decided(policy, doc, record, explanation, served(explained_json(record, explanation)), on or day)


def served(answered: dict[str, Any]) -> dict[str, Any]:
    """The record as the service answers it: as `eval --format json` prints it, less the paths of the policy files
    on the server (`policy.files`): a client names a version by its id, version and content hash."""
    policy = answered.get("policy")
    if isinstance(policy, dict) and "files" in policy:
        answered = {**answered, "policy": {k: v for k, v in policy.items() if k != "files"}}
    return answered


async def stored(state: ServiceState, decided: list[Decided]) -> list[Entry]:
    """Store ``decided`` in the decision log (one transaction), durable before this returns; a 503 Problem when
    the log cannot be written: then nothing is answered as decided."""
    try:
        for d in decided:
            state.writer.remember(d.policy)
        entries = await state.writer.append_many([d.log_item() for d in decided])
    except LogError as e:
        raise Problem(
            503,
            "log-unavailable",
            "The decision log cannot be written",
            "决定日志无法写入",
            f"nothing was decided: {e.en}",
            f"本次未作出决定：{e.zh}",
        ) from None
    for d in decided:
        labels = {"policy": d.policy.id, "version": d.policy.version, "decision": d.answered["decision"]}
        state.metrics.count("wqpolicy_decisions_total", {**labels, "outcome": d.answered["outcome"]})
    return entries
