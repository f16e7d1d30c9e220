"""``POST /v1/decisions/{decision}`` (one application, answered as ``wqpolicy eval --format json`` answers it, plus
its receipt; or its notice, with ``Accept: text/html``) and ``POST /v1/decisions/{decision}/batch`` (JSON Lines in
and out, streamed). Every decision is stored in the decision log before it is answered."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from starlette.responses import Response

from ...clock import today
from ...documents import MissingExtra
from ...documents.formats import notice_renderer
from ...documents.notice import build_notice
from ...jsontext import indented
from ...source import Span
from ..deciding import BATCH, Decided, decide, document, media_type, pick, stored
from ..deps import Policies, ServiceState, State, read_body, too_large
from ..policyset import PolicySet
from ..problems import Problem

router = APIRouter(prefix="/v1/decisions", tags=["decisions"])

BATCH_GROUP = 64  # lines decided, then stored in one transaction, then sent (a service setting)

PolicyRef = Annotated[
    str | None,
    Query(
        description="ID or ID@VERSION (default: the only policy, the version in force on `on`, else on the "
        "application's own date, as `wqpolicy eval` chooses)",
        examples=["wuqing-five-platforms@2021-trial"],
    ),
]
On = Annotated[
    datetime.date | None,
    Query(
        description="the date that picks the version in force, YYYY-MM-DD (default: the application's own date — its "
        "decision's `version_date`, e.g. `submitted_on` — else today); the record's `version_date` says which"
    ),
]
InputName = Annotated[
    str | None,
    Query(
        alias="input",
        description="a name for the application, given back as the record's `input` (as `eval` gives the file name)",
        max_length=200,
    ),
]

_ONE = {
    "requestBody": {
        "required": True,
        "description": "The application: JSON, or YAML with a YAML content type. Its schema is the decision's input "
        "schema (one of DecisionInput's; see the policy's inputs/*.schema.json).",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/DecisionInput"}},
            "application/yaml": {"schema": {"$ref": "#/components/schemas/DecisionInput"}},
        },
    }
}
_BATCH = {
    "requestBody": {
        "required": True,
        "description": "JSON Lines: one application (a JSON object) per line.",
        "content": {"application/x-ndjson": {"schema": {"$ref": "#/components/schemas/DecisionInput"}}},
    }
}
_PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemModel"}}}
_PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"description": words, "content": _PROBLEM}
    for code, words in (
        (404, "Unknown policy, version or decision (the choices listed)"),
        (413, "Body over the limit"),
        (415, "Not JSON or YAML"),
        (422, "The application cannot be read or does not match its input schema (diagnostics at line:col)"),
        (503, "No clean policy set loaded yet, or the decision log cannot be written (nothing was decided)"),
    )
}  # fmt: skip


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept.split("text/html")[0]


@router.post(
    "/{decision}",
    summary="Decide one application",
    openapi_extra=_ONE,
    responses={
        200: {
            "description": "The decision record exactly as `wqpolicy eval --format json` gives it, plus `receipt`; "
            "with `Accept: text/html`, the decision notice (as `eval --format html`), its receipt in the "
            "`WQ-Receipt` header.",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/DecisionAnswer"}},
                "text/html": {"schema": {"type": "string"}},
            },
        },
        **_PROBLEMS,
    },
)
async def decide_one(
    decision: str, request: Request, state: State, snapshot: Policies, policy: PolicyRef = None, on: On = None,
    input_name: InputName = None,
) -> Response:  # fmt: skip
    return await answer_one(request, state, snapshot, decision, policy, on, input_name)


async def answer_one(
    request: Request,
    state: ServiceState,
    snapshot: PolicySet,
    decision: str,
    policy: str | None,
    on: datetime.date | None,
    input_name: str | None,
) -> Response:
    """The answer to ``POST /v1/decisions/{decision}`` (see decide_one; fastpath.py calls it too)."""
    day = on or today()
    pick(snapshot, policy, day, decision)  # an unknown policy, version or decision: 404 before the body is read
    kind = media_type(request.headers.get("content-type"))
    doc, marks = document(await read_body(request, state.settings.max_body_bytes), kind)
    decided = decide(snapshot, decision, doc, marks, policy, on, input_name)
    entry = (await stored(state, [decided]))[0]
    headers = {"WQ-Receipt": entry.receipt, "Link": f'</v1/receipts/{entry.receipt}>; rel="receipt"'}
    if _wants_html(request):
        notice = build_notice(decided.policy, decided.record, doc, evaluated_on=on, explanation=decided.explanation)
        try:
            html = notice_renderer("html")(notice)
        except MissingExtra as e:  # pragma: no cover - the serve extra brings Jinja2
            raise Problem(406, "format-unavailable", "HTML unavailable", "无法生成 HTML", e.en, e.zh) from None
        return Response(html, media_type="text/html; charset=utf-8", headers=headers)
    answered = {**decided.answered, "receipt": entry.receipt}
    return Response(indented(answered) + "\n", media_type="application/json", headers=headers)


@router.post(
    "/{decision}/batch",
    summary="Decide applications in JSON Lines, answered line by line as they are decided",
    openapi_extra=_BATCH,
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "JSON Lines, one per input line in order: the record with its `receipt` (as for one "
            "application), or for a line that cannot be decided the problem (as problem+json) with its `line`.",
            "content": {"application/x-ndjson": {"schema": {"$ref": "#/components/schemas/DecisionAnswer"}}},
        },
        **_PROBLEMS,
    },
)
async def decide_batch(
    decision: str, request: Request, state: State, snapshot: Policies, policy: PolicyRef = None, on: On = None
) -> StreamingResponse:
    day = on or today()
    pick(snapshot, policy, day, decision)
    media_type(request.headers.get("content-type"), BATCH, default="application/x-ndjson")
    body = await read_body(request, state.settings.max_batch_bytes)
    limit = state.settings.max_body_bytes

    async def lines() -> AsyncIterator[bytes]:
        group: list[tuple[int, Decided | dict[str, Any]]] = []
        for n, raw in enumerate(body.split(b"\n"), 1):
            if not raw.strip():
                continue
            try:
                if len(raw) > limit:
                    raise too_large(limit)
                doc, marks = document(raw, "json", name="request.jsonl.json")
                group.append((n, decide(snapshot, decision, doc, marks, policy, on, None)))
            except Problem as p:
                group.append((n, _line_problem(p, n, request)))
            if len(group) >= BATCH_GROUP:
                sent, stored = await _flush(state, group)
                yield sent
                if not stored:
                    return
                group = []
            await asyncio.sleep(0)  # let other requests in between lines
        if group:
            yield (await _flush(state, group))[0]

    return StreamingResponse(lines(), media_type="application/x-ndjson")


async def _flush(state: ServiceState, group: list[tuple[int, Decided | dict[str, Any]]]) -> tuple[bytes, bool]:
    """The group's lines, stored first (False: the log failed, every line says so and the batch stops)."""
    decided = [d for _, d in group if isinstance(d, Decided)]
    try:
        entries = iter(await stored(state, decided)) if decided else iter(())
    except Problem as p:  # the log failed: these lines are not decided, and the batch stops here
        body = p.body("")
        return "".join(json.dumps({"line": n, **body}, ensure_ascii=False) + "\n" for n, _ in group).encode(), False
    out = []
    for _n, d in group:
        if isinstance(d, Decided):
            out.append(json.dumps({**d.answered, "receipt": next(entries).receipt}, ensure_ascii=False))
        else:
            out.append(json.dumps(d, ensure_ascii=False))
    return ("\n".join(out) + "\n").encode("utf-8"), True


def _line_problem(p: Problem, n: int, request: Request) -> dict[str, Any]:
    """A line's problem as a JSON Lines answer: its diagnostics placed at the line of the batch."""
    p.diagnostics = [
        dataclasses.replace(d, span=Span("request.jsonl", n, d.span.col)) if d.span is not None else d
        for d in p.diagnostics
    ]
    return {"line": n, **p.body(request.url.path)}
