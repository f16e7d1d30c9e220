"""``GET /v1/receipts`` (the decision log, a page at a time), ``GET /v1/receipts/{id}`` (one stored decision: the
input as received and the record as answered) and ``POST /v1/receipts/{id}/verify`` (evaluated again under the
version it names). They hold applicants' data: with a token configured, each needs ``Authorization: Bearer``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from ...decisionlog import Entry as LogEntry
from ...receipts import DIFFERENT, SAME, verify_entry
from ..deps import Authorized, Policies, State
from ..models import Entry, EntryPage, EntrySummary, VerificationModel
from ..problems import Problem

router = APIRouter(prefix="/v1/receipts", tags=["receipts"], dependencies=[Authorized])

_AUTH: dict[int | str, dict[str, Any]] = {
    401: {"description": "A token is configured and the request has none, or another"}
}


def _entry(state: Any, receipt: str) -> LogEntry:
    found = state.reader.get(receipt)
    if found is None:
        raise Problem(
            404,
            "unknown-receipt",
            "Unknown receipt",
            "未知的回执",
            f"no receipt `{receipt}` in the decision log (GET /v1/receipts lists them)",
            f"决定日志中没有回执“{receipt}”（GET /v1/receipts 可列出全部回执）",
        )
    return found  # type: ignore[no-any-return]


@router.get("", response_model=EntryPage, summary="The decision log, a page at a time", responses=_AUTH)
async def list_receipts(
    state: State,
    after: Annotated[int, Query(ge=0, description="entries after this sequence number")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    decision: str | None = None,
) -> EntryPage:
    entries = list(state.reader.entries(after=after, limit=limit, decision=decision))
    following = None
    if len(entries) == limit:
        following = f"/v1/receipts?after={entries[-1].seq}&limit={limit}" + (
            f"&decision={decision}" if decision else ""
        )
    return EntryPage(
        entries=[EntrySummary(**e.summary()) for e in entries],
        next=following,
        count=state.reader.count(),
        head=state.reader.head(),
    )


@router.get("/{receipt}", response_model=Entry, summary="One stored decision", responses=_AUTH)
async def get_receipt(receipt: str, state: State) -> Entry:
    return Entry(**_entry(state, receipt).to_json())


@router.post(
    "/{receipt}/verify",
    response_model=VerificationModel,
    response_model_exclude_none=True,
    summary="Evaluate a stored decision again under the version it names",
    responses={
        **_AUTH,
        409: {
            "description": "Not evaluated again: the version's content has changed since (the items that changed "
            "listed), is not served, or the stored input no longer validates",
            "content": {"application/problem+json": {}},
        },
    },
)
async def verify_receipt(receipt: str, state: State, snapshot: Policies) -> VerificationModel:
    entry = _entry(state, receipt)
    result = verify_entry(entry, snapshot.find, state.reader.policy_content(entry.policy_sha256))
    data = result.to_json()
    if result.status in (SAME, DIFFERENT):
        return VerificationModel(**data)
    raise Problem(
        409,
        result.status.replace("_", "-"),
        "Not evaluated again",
        "未重新评估",
        result.en,
        result.zh,
        result.diagnostics,
        verification=data,
    )
