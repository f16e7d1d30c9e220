"""What the routers are handed (FastAPI dependencies): the service's state, the policy set serving — taken once
per request, so that one request is answered wholly by one set —, the decision log, the token check, and the
request body read within its limit."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from ..decisionlog import DecisionLog
from .logwriter import LogWriter
from .metrics import Metrics
from .policyset import PolicySet, PolicyStore
from .problems import Problem
from .settings import Settings


@dataclass
class ServiceState:
    settings: Settings
    store: PolicyStore
    writer: LogWriter
    reader: DecisionLog
    metrics: Metrics
    token: str | None


async def service(request: Request) -> ServiceState:
    return request.app.state.service  # type: ignore[no-any-return]


State = Annotated[ServiceState, Depends(service)]


async def policy_set(state: State) -> PolicySet:
    """The set serving now (a 503 Problem, with why, before any set has checked clean)."""
    current = state.store.current
    if current is None:
        failure = state.store.failure
        raise Problem(
            503,
            "not-ready",
            "No policies loaded",
            "尚未加载可用的政策",
            "the policy folders do not check clean yet: see /readyz",
            "政策文件尚未通过检查：详见 /readyz",
            failure.diagnostics if failure else (),
            headers={"Retry-After": "1"},
        )
    return current


Policies = Annotated[PolicySet, Depends(policy_set)]


async def require_token(request: Request, state: State) -> None:
    """With a token configured, ``Authorization: Bearer <token>``; else a 401 Problem."""
    if state.token is None:
        return
    given = request.headers.get("authorization", "")
    scheme, _, value = given.partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), state.token.encode()):
        return
    raise Problem(
        401,
        "unauthorized",
        "Unauthorized",
        "未授权",
        "reading receipts and the decision log needs `Authorization: Bearer <token>` (the token in --token-file)",
        "读取回执和决定日志需要提供令牌：请求头 Authorization: Bearer <令牌>（令牌见 --token-file 所指文件）",
        headers={"WWW-Authenticate": 'Bearer realm="wqpolicy"'},
    )


Authorized = Depends(require_token)


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it passes ``limit`` bytes (a Content-Length above it is refused
    before anything is read)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def too_large(limit: int) -> Problem:
    return Problem(
        413,
        "too-large",
        "Content too large",
        "请求内容过大",
        f"the body is larger than {limit:,} bytes, the service's limit",
        f"请求内容超过服务的上限 {limit:,} 字节",
        headers={"Connection": "close"},
        limit=limit,
    )
