"""``GET /v1/policies`` (ids, versions, effective dates, content hashes) and ``GET /v1/policies/{id}/{version}``
(the resolved policy as JSON, or the policy as a document — the 条文对照表 — with ``Accept: text/html``)."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from ...documents import MissingExtra
from ...documents.formats import policy_renderer
from ...documents.policy_table import build_policy_table
from ...policy import Policy
from ...show import render_json
from ..deps import Policies
from ..models import PolicyInfo, PolicyList, VersionInfo, Words
from ..problems import Problem

router = APIRouter(prefix="/v1/policies", tags=["policies"])

_TYPES = {"html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8"}


def version_info(policy: Policy) -> VersionInfo:
    model = policy.model
    return VersionInfo(
        version=policy.version,
        effective_from=model.effective_from.isoformat() if model.effective_from else None,
        effective_until=model.effective_until.isoformat() if model.effective_until else None,
        sha256=policy.content_hash,
        title=Words(zh=model.title.zh, en=model.title.en) if model.title is not None else None,
        decisions=list(policy.decisions),
        extends=model.extends,
        href=f"/v1/policies/{policy.id}/{policy.version}",
    )


@router.get("", response_model=PolicyList, summary="Every policy version serving")
async def list_policies(snapshot: Policies) -> PolicyList:
    return PolicyList(
        generation=snapshot.generation,
        policies=[PolicyInfo(id=i, versions=[version_info(p) for p in snapshot.versions(i)]) for i in snapshot.ids],
    )


@router.get(
    "/{policy_id}/{version}",
    summary="One version: resolved, as JSON, or as a document (Accept: text/html, or ?format=html|md)",
    responses={
        200: {
            "description": "The resolved policy (as `wqpolicy show --format json`, with `sha256`); the 条文对照表 "
            "as HTML or Markdown",
            "content": {"application/json": {}, "text/html": {}, "text/markdown": {}},
        },
        404: {"description": "Unknown policy or version (the choices listed)"},
    },
)
async def get_policy(
    policy_id: str,
    version: str,
    request: Request,
    snapshot: Policies,
    format: Annotated[Literal["json", "html", "md"] | None, Query(description="instead of Accept")] = None,
) -> Response:
    policy = snapshot.get(policy_id, version)
    fmt = format or ("html" if "text/html" in request.headers.get("accept", "") else "json")
    if fmt == "json":
        data = json.loads(render_json(policy.model))
        data["policy"]["sha256"] = policy.content_hash
        return Response(json.dumps(data, ensure_ascii=False, indent=2) + "\n", media_type="application/json")
    try:
        text = policy_renderer(fmt)(build_policy_table(policy))
    except MissingExtra as e:  # pragma: no cover - the serve extra brings Jinja2
        raise Problem(406, "format-unavailable", "Format unavailable", "无法生成该格式", e.en, e.zh) from None
    return Response(text, media_type=_TYPES[fmt])
