"""The app factory: ``create_app(settings)`` builds the FastAPI application — routers, problem+json errors, the
OpenAPI document with the project's schemas, metrics, CORS only when configured — and, when it starts, loads the
policies, opens the decision log and starts watching the policy folders. ``app_from_environment`` is what
uvicorn's worker processes call (``wqpolicy serve`` puts the settings in the environment)."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from ..decisionlog import DecisionLog
from ..receipts import ENGINE
from . import docs, openapi, problems
from .deps import ServiceState
from .fastpath import DecisionFastPath
from .logwriter import LogWriter
from .metrics import Metrics
from .policyset import PolicyStore
from .routers import decisions, health, policies, receipts, staff
from .settings import Settings, read_token

log = logging.getLogger("wqpolicy.service")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]


def _logging() -> None:
    """The service's own log lines on standard error (uvicorn configures only its own loggers)."""
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s wqpolicy %(levelname)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False


class _Measured:
    """ASGI middleware: each HTTP request counted by route template, method and status, and timed."""

    def __init__(self, app: ASGIApp, metrics: Metrics):
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = [500]

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", None) or "(unmatched)"
            labels = {"route": path, "method": scope.get("method", ""), "status": str(status[0])}
            self.metrics.count("wqpolicy_http_requests_total", labels)
            self.metrics.observe("wqpolicy_http_request_duration_seconds", {"route": path}, time.perf_counter() - start)


def create_app(settings: Settings | None = None, *, fast_path: bool = True) -> FastAPI:
    """The service for ``settings`` (default: the bundled policies, the log in the current folder). Raises
    ValueError (Chinese and English) when the token file cannot be read; a log file that is not a decision log
    stops it at start-up (LogError). ``fast_path``: single decisions answered without FastAPI's routing
    (fastpath.py; the answers are the same)."""
    settings = settings or Settings()
    _logging()
    token = read_token(settings.token_file) if settings.token_file else None
    store = PolicyStore(settings.paths, settings.reload_interval)

    def gauges() -> dict[str, float]:
        current = store.current
        return {
            "wqpolicy_policy_set_generation": current.generation if current else 0,
            "wqpolicy_ready": 1 if current else 0,
            "wqpolicy_policy_reloads_total": store.reloads,
            "wqpolicy_policy_reload_failures_total": store.reload_failures,
        }

    metrics = Metrics(settings.metrics_dir, gauges)
    store.on_tick = metrics.save

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        writer = LogWriter(settings.log_path)
        app.state.service = ServiceState(settings, store, writer, DecisionLog(settings.log_path), metrics, token)
        store.load()
        store.watch()
        metrics.save()
        try:
            yield
        finally:
            store.stop()
            writer.close()
            app.state.service.reader.close()

    app = FastAPI(
        title="wqpolicy decision service",
        version=ENGINE,
        lifespan=lifespan,
        docs_url=None,  # docs.py serves it from the package, not a CDN
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    problems.install(app)
    for r in (decisions.router, receipts.router, policies.router, health.router, staff.router):
        app.include_router(r)
    openapi.install(app, lambda: store.current)
    docs.install(app)
    if fast_path:
        route = next(r for r in decisions.router.routes if getattr(r, "endpoint", None) is decisions.decide_one)
        app.add_middleware(DecisionFastPath, route=route)  # type: ignore[arg-type]
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "Accept"],
            expose_headers=["WQ-Receipt", "Link"],
        )
    app.add_middleware(_Measured, metrics=metrics)  # type: ignore[arg-type]
    return app


def app_from_environment() -> FastAPI:
    """The app of a uvicorn worker process: its settings from the environment (see settings.ENV)."""
    return create_app(Settings.from_env())
