"""The staff page at ``/``: pick a policy version and a decision, paste or upload an application (YAML or JSON) or
fill the form made from the decision's input schema, and see the decision notice — the same HTML as
``wqpolicy eval --format html`` — with a link to download it; the policy itself as a document one click away.
Server-rendered (Jinja2, autoescape on), a little inline JavaScript, nothing fetched from elsewhere."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse

from ...clock import today
from ...documents.formats import notice_renderer
from ...documents.notice import build_notice
from ...errors import WQError
from ..deciding import decide, document, stored, unreadable
from ..deps import Policies, State, read_body
from ..form import document as form_document
from ..form import fields
from ..policyset import PolicySet
from ..problems import Problem, diagnostic_json

router = APIRouter(tags=["staff"], include_in_schema=False)

_ENV: Any = None


def environment() -> Any:
    """The Jinja2 environment of the service's templates, autoescape on (made once)."""
    global _ENV
    if _ENV is None:
        import jinja2

        _ENV = jinja2.Environment(
            loader=jinja2.PackageLoader("wqpolicy.service", "templates"),
            autoescape=jinja2.select_autoescape(["html"], default=True),
        )
    return _ENV


def _choices(snapshot: PolicySet, ref: str | None, decision: str | None) -> dict[str, Any]:
    """The versions to pick from (the one in force today first chosen), the decisions of the one picked."""
    versions = [p for i in snapshot.ids for p in snapshot.versions(i)]
    chosen = None
    if ref and "@" in ref:
        chosen = snapshot.policies.get(tuple(ref.split("@", 1)))  # type: ignore[arg-type]
    if chosen is None:
        try:
            chosen = snapshot.select(None, today()) if len(snapshot.ids) == 1 else versions[-1]
        except Problem:
            chosen = versions[-1]
    model = chosen.model
    decisions = [
        (name, f"{d.label.zh}（{name}）" if d.label is not None else name) for name, d in model.decisions.items()
    ]
    picked = decision if decision in chosen.decisions else decisions[0][0]
    return {
        "versions": [
            (
                f"{p.id}@{p.version}",
                f"{p.model.title.zh if p.model.title else p.id} · {p.version}（{p.model.effective_from} 起"
                + (f"，至 {p.model.effective_until}" if p.model.effective_until else "")
                + "）",
            )
            for p in versions
        ],
        "policy": chosen,
        "ref_picked": f"{chosen.id}@{chosen.version}",
        "decisions": decisions,
        "decision": picked,
        "fields": fields(model.decisions[picked].input_schema),
    }


def _page(context: dict[str, Any], status: int = 200) -> HTMLResponse:
    return HTMLResponse(environment().get_template("staff.html").render(**context), status_code=status)


@router.get("/", response_class=HTMLResponse)
async def staff_page(snapshot: Policies, policy: str | None = None, decision: str | None = None) -> HTMLResponse:
    return _page({**_choices(snapshot, policy, decision), "mode": "text", "text": "", "result": None})


@router.post("/", response_class=HTMLResponse)
async def staff_decide(request: Request, state: State, snapshot: Policies) -> HTMLResponse:
    form = parse_qsl((await read_body(request, state.settings.max_body_bytes)).decode("utf-8", "replace"))
    values = dict(form)
    context = _choices(snapshot, values.get("policy"), values.get("decision"))
    mode = values.get("mode", "text")
    text = values.get("text", "")
    context.update(mode=mode, text=text, filename=values.get("filename", ""), result=None, problems=None)
    policy, decision = context["policy"], context["decision"]
    schema = policy.model.decisions[decision].input_schema
    try:
        if mode == "form":
            try:
                doc, marks = form_document(schema, form), None
            except WQError as e:
                raise unreadable(e) from None
        else:
            kind = "json" if text.lstrip().startswith("{") else "yaml"
            doc, marks = document(text.encode("utf-8"), kind, name=values.get("filename") or None)
        decided = decide(snapshot, decision, doc, marks, context["ref_picked"], today(), values.get("filename") or None)
        entry = (await stored(state, [decided]))[0]
    except Problem as p:
        context["problems"] = p.body(request.url.path)
        context["problems"]["diagnostics"] = [diagnostic_json(d) for d in p.diagnostics]
        return _page(context, status=p.status)
    notice = build_notice(decided.policy, decided.record, doc, evaluated_on=None, explanation=decided.explanation)
    html = str(notice_renderer("html")(notice))
    label = decided.answered.get("outcome_label") or {}
    context["result"] = {
        "outcome": decided.answered["outcome"],
        "outcome_zh": label.get("zh", decided.answered["outcome"]),
        "outcome_en": label.get("en", ""),
        "receipt": entry.receipt,
        "notice": html,
        "download": "data:text/html;charset=utf-8;base64," + base64.b64encode(html.encode("utf-8")).decode(),
        "filename": f"notice-{entry.receipt}.html",
    }
    return _page(context)
