"""``POST /v1/decisions/{decision}`` answered without FastAPI's routing, dependency solving and parameter validation,
which cost about as much as a small decision itself: an ASGI middleware that takes the requests it can answer
exactly as the route does — the same function (routers/decisions.answer_one), the same errors — and hands every
other request on to the application untouched.

It takes a request only when it is sure the route would see the same parameters: POST, the path
``/v1/decisions/<name>``, and a query of at most ``policy``, ``on`` (a date written YYYY-MM-DD) and ``input`` (200
characters at most), each once. Anything else (another parameter, a date written otherwise, a parameter given
twice) goes to FastAPI, which validates it and answers as it always did (tests/test_service_fastpath.py holds the
two to the same answers)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from .deps import policy_set
from .problems import Problem, fault_response, instance
from .routers.decisions import answer_one

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]

_PATH = re.compile(r"/v1/decisions/([^/]+)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_PARAMS = frozenset({"policy", "on", "input"})
MAX_INPUT_NAME = 200  # as the route's `input` parameter declares (routers/decisions.InputName)


class DecisionFastPath:
    """ASGI middleware: the route ``route`` (the APIRoute of POST /v1/decisions/{decision}, which the metrics name
    the request by) answered directly for the requests described in the module's docstring."""

    def __init__(self, app: ASGIApp, route: Any) -> None:
        self.app, self.route = app, route

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        taken = scope["type"] == "http" and scope["method"] == "POST" and not scope.get("root_path")
        found = _PATH.fullmatch(scope["path"]) if taken else None
        params = _params(scope) if found is not None else None
        if found is None or params is None:
            await self.app(scope, receive, send)
            return
        scope["route"] = self.route
        request = Request(scope, receive)
        try:
            state = scope["app"].state.service
            snapshot = await policy_set(state)
            response = await answer_one(request, state, snapshot, found.group(1), *params)
        except Problem as p:
            response = p.response(instance(request))
        except Exception:  # noqa: BLE001 - as the application's own handler: a 500 problem, logged, never a traceback
            response = fault_response(request)
        await response(scope, receive, send)


def _params(scope: Scope) -> tuple[str | None, datetime.date | None, str | None] | None:
    """(policy, on, input) when the query is one the route would read to exactly these values; else None."""
    query = scope.get("query_string", b"")
    if not query:
        return None, None, None
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    names = [k for k, _ in pairs]
    if len(set(names)) != len(names) or not _PARAMS.issuperset(names):
        return None
    given = dict(pairs)
    on = given.get("on")
    day = None
    if on is not None:
        if not _DATE.fullmatch(on):
            return None
        try:
            day = datetime.date.fromisoformat(on)
        except ValueError:
            return None
    name = given.get("input")
    if name is not None and len(name) > MAX_INPUT_NAME:
        return None
    return given.get("policy"), day, name
