"""``GET /healthz`` (the process answers), ``GET /readyz`` (a clean policy set is loaded), ``GET /v1/status`` (what
serves, and what the last edit of the policy folders found, in Chinese and English with file:line:col) and
``GET /metrics`` (Prometheus text)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import JSONResponse, PlainTextResponse

from ...receipts import ENGINE
from ..deps import State
from ..models import DiagnosticModel, Health, LoadFailure, Status, Words
from ..problems import diagnostic_json

router = APIRouter(tags=["health"])


def status_of(state: State) -> Status:
    store, current, failure = state.store, state.store.current, state.store.failure
    if current is None:
        message = Words(zh="尚无通过检查的政策，服务未就绪", en="no policy set checks clean yet: not ready")
    elif failure is not None:
        message = Words(
            zh=f"政策文件的最近一次修改未通过检查，未启用；仍使用第 {current.generation} 版",
            en=f"the last edit of the policy files does not check and was not taken up; set {current.generation} "
            "serves on",
        )
    else:
        message = Words(
            zh=f"就绪：使用第 {current.generation} 版政策", en=f"ready: serving policy set {current.generation}"
        )
    return Status(
        ready=current is not None,
        message=message,
        generation=current.generation if current else None,
        loaded_at=current.loaded_at if current else None,
        policies=[f"{i}@{v}" for i, v in sorted(current.policies)] if current else [],
        files=list(current.files) if current else [],
        watching=list(state.settings.policy_dirs),
        failed_edit=LoadFailure(
            at=failure.at, diagnostics=[DiagnosticModel(**diagnostic_json(d)) for d in failure.diagnostics]
        )
        if failure
        else None,
        warnings=[DiagnosticModel(**diagnostic_json(d)) for d in current.warnings] if current else [],
        reloads=store.reloads,
        reload_failures=store.reload_failures,
        engine=ENGINE,
        log=state.settings.log_path,
    )


@router.get("/healthz", response_model=Health, summary="The process answers")
async def healthz() -> Health:
    return Health()


@router.get(
    "/readyz",
    response_model=Status,
    summary="Ready: a clean policy set is loaded (503 before); the last failed edit shown",
    responses={503: {"description": "Not ready: no policy set checks clean (the diagnostics shown)"}},
)
async def readyz(state: State) -> JSONResponse:
    status = status_of(state)
    return JSONResponse(status.model_dump(mode="json"), status_code=200 if status.ready else 503)


@router.get("/v1/status", response_model=Status, summary="What serves, and what the last load found")
async def status(state: State) -> Status:
    return status_of(state)


@router.get("/metrics", response_class=PlainTextResponse, summary="Prometheus metrics (text format 0.0.4)")
async def metrics(state: State) -> PlainTextResponse:
    return PlainTextResponse(state.metrics.text(), media_type="text/plain; version=0.0.4; charset=utf-8")
