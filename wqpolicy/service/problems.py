"""Errors as ``application/problem+json`` (RFC 9457): ``type``, ``title``, ``status``, ``detail``, ``instance``, the
same in Chinese (``title_zh``, ``detail_zh``), and the project's diagnostics (code, where, Chinese and English).
Every error the service answers goes through here, a fault of its own included: never a traceback."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from ..errors import Diagnostic

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://wqpolicy.dev/problems/"

log = logging.getLogger("wqpolicy.service")


def diagnostic_json(d: Diagnostic) -> dict[str, Any]:
    """A diagnostic as facts: code, severity, message (en) and message_zh, where (file, line, col, or the JSON
    path as ``path``), hint and hint_zh, subject and decision."""
    out: dict[str, Any] = {"code": d.code, "severity": d.severity, "message": d.message}
    if d.zh:
        out["message_zh"] = d.zh
    if d.span is not None:
        out.update(file=d.span.file, line=d.span.line, col=d.span.col)
    if d.subject:
        out["path"] = d.subject
    if d.hint:
        out["hint"] = d.hint
    if d.hint_zh:
        out["hint_zh"] = d.hint_zh
    if d.decision:
        out["decision"] = d.decision
    return out


class Problem(Exception):
    """An error answer: HTTP ``status``, a ``slug`` naming its type, title and detail in English and Chinese,
    diagnostics, and any extension members (``choices``, …)."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        title_zh: str,
        detail: str,
        detail_zh: str,
        diagnostics: Iterable[Diagnostic] = (),
        headers: dict[str, str] | None = None,
        **extra: Any,
    ):
        super().__init__(detail)
        self.status, self.slug = status, slug
        self.title, self.title_zh, self.detail, self.detail_zh = title, title_zh, detail, detail_zh
        self.diagnostics = list(diagnostics)
        self.headers = headers or {}
        self.extra = extra

    def body(self, instance: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": TYPE_BASE + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": instance,
            "title_zh": self.title_zh,
            "detail_zh": self.detail_zh,
        }
        if self.diagnostics:
            out["diagnostics"] = [diagnostic_json(d) for d in self.diagnostics]
        out.update(self.extra)
        return out

    def response(self, instance: str) -> Response:
        return problem_response(self.body(instance), self.headers)


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False, indent=2) + "\n",
        status_code=body["status"],
        media_type=MEDIA_TYPE,
        headers=headers,
    )


def not_found(what_en: str, what_zh: str, name: str, choices: Iterable[str], slug: str) -> Problem:
    """404 for an unknown policy, version, decision or receipt, listing what there is."""
    listed = sorted(choices)
    shown = ", ".join(listed) if listed else "—"
    return Problem(
        404,
        slug,
        f"Unknown {what_en}",
        f"未知的{what_zh}",
        f"no {what_en} `{name}`; there are: {shown}",
        f"没有{what_zh}“{name}”；可选：{shown}",
        choices=listed,
    )


def _instance(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def fault_response(request: Request) -> Response:
    """500 for a fault of the service's own, logged here with its traceback (call it from an ``except``), never
    sent."""
    log.exception("内部错误 internal error answering %s %s", request.method, request.url.path)
    body = {
        "type": TYPE_BASE + "internal-error",
        "title": "Internal error",
        "status": 500,
        "detail": "the service failed to answer this request; nothing was decided or stored for it",
        "instance": _instance(request),
        "title_zh": "服务内部错误",
        "detail_zh": "服务未能处理该请求；本次请求未作出决定，也未记录",
    }
    return problem_response(body)


def instance(request: Request) -> str:
    """The ``instance`` of a problem: the request's path and query."""
    return _instance(request)


_STATUS_WORDS = {
    400: ("Bad request", "请求有误"),
    401: ("Unauthorized", "未授权"),
    404: ("Not found", "找不到"),
    405: ("Method not allowed", "不支持该请求方法"),
    406: ("Not acceptable", "无法提供所要求的格式"),
    413: ("Content too large", "请求内容过大"),
    415: ("Unsupported media type", "不支持的内容类型"),
    422: ("Unprocessable content", "内容无法处理"),
    503: ("Service unavailable", "服务暂不可用"),
}


def install(app: FastAPI) -> None:
    """Answer every error as problem+json: ours (Problem), FastAPI's validation of query and path parameters,
    Starlette's 404/405, and any other exception (500, logged here with its traceback, never sent)."""

    async def on_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Problem)
        return exc.response(_instance(request))

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        diagnostics = []
        for e in exc.errors():
            where = ".".join(str(p) for p in e.get("loc", ()))
            diagnostics.append(
                Diagnostic(
                    "WQ-INPUT",
                    f"{where}: {e.get('msg', 'invalid')}",
                    subject=where,
                    zh=f"{where}：取值无效（{e.get('msg', 'invalid')}）",
                )
            )
        return Problem(
            422,
            "invalid-request",
            "Invalid request parameters",
            "请求参数无效",
            "; ".join(d.message for d in diagnostics),
            "；".join(d.zh or d.message for d in diagnostics),
            diagnostics,
        ).response(_instance(request))

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        en, zh = _STATUS_WORDS.get(exc.status_code, ("Error", "错误"))
        detail = str(exc.detail) if exc.detail else en
        body = {
            "type": TYPE_BASE + en.lower().replace(" ", "-"),
            "title": en,
            "status": exc.status_code,
            "detail": detail,
            "instance": _instance(request),
            "title_zh": zh,
            "detail_zh": zh if detail == en else f"{zh}：{detail}",
        }
        return problem_response(body, dict(exc.headers or {}))

    async def on_fault(request: Request, exc: Exception) -> Response:
        return fault_response(request)

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(Exception, on_fault)
