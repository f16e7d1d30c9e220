"""Single decisions answered past FastAPI's routing (service/fastpath.py) are answered exactly as the route answers
them: the same status, headers and body (the receipt aside, which each log gives its own) for each example, with
the query parameters, in YAML and JSON, as HTML, and for every error — an unknown decision or version, a body that
cannot be read or breaks its schema, a body over the limit, another media type, parameters FastAPI refuses (which
the fast path leaves to it); and the metrics name the route the same way."""

from __future__ import annotations

import json
import warnings

import pytest

with warnings.catch_warnings():  # starlette's test client warns that it would rather have another client package
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from conftest import EXAMPLES
from wqpolicy.service.app import create_app
from wqpolicy.service.settings import Settings

EXAMPLE = (EXAMPLES / "recognition_short.yaml").read_text(encoding="utf-8")
FILING = json.dumps({"decision": "filing", "platform": {"industry": "biomedicine"}})

REQUESTS = [
    ("recognition", EXAMPLE, "application/yaml", "", {}),
    ("filing", FILING, "application/json", "", {}),
    ("filing", FILING, "application/json", "?policy=wuqing-five-platforms&on=2021-06-01&input=APP-1", {}),
    ("filing", FILING, "application/json", "?input=", {}),
    ("filing", FILING, "application/json", "?on=2021-6-1", {}),  # FastAPI's to validate
    ("filing", FILING, "application/json", "?on=not-a-date", {}),
    ("filing", FILING, "application/json", "?on=2021-02-30", {}),
    ("filing", FILING, "application/json", "?input=" + "x" * 201, {}),
    ("filing", FILING, "application/json", "?input=a&input=b", {}),
    ("filing", FILING, "application/json", "?other=1", {}),
    ("filing", FILING, "application/json", "?policy=nope", {}),
    ("filing", FILING, "application/json", "?policy=wuqing-five-platforms@1999", {}),
    ("nope", FILING, "application/json", "", {}),
    ("filing", "{not json", "application/json", "", {}),
    ("filing", '{"decision": "filing", "platform": {"industry": 5}}', "application/json", "", {}),
    ("filing", FILING, "text/plain", "", {}),
    ("filing", FILING, "application/json", "", {"Accept": "text/html"}),
    ("filing", "x" * 5000, "application/json", "", {"Content-Length": "999999999"}),
]


def answers(tmp_path, fast: bool) -> list[tuple]:
    settings = Settings(log_path=str(tmp_path / ("fast" if fast else "slow") / "log.sqlite"), reload_interval=0)
    (tmp_path / ("fast" if fast else "slow")).mkdir()
    out = []
    with TestClient(create_app(settings, fast_path=fast), raise_server_exceptions=False) as client:
        for decision, body, media, query, headers in REQUESTS:
            r = client.post(
                f"/v1/decisions/{decision}{query}",
                content=body.encode("utf-8"),
                headers={"Content-Type": media, **headers},
            )
            text = r.text
            receipt = r.headers.get("wq-receipt")
            if receipt:
                text = text.replace(receipt, "r-RECEIPT")
            kept = {k: v for k, v in r.headers.items() if k not in ("wq-receipt", "link", "date", "content-length")}
            out.append((r.status_code, kept, bool(receipt), text))
        metrics = client.get("/metrics").text
    routes = sorted(
        line.split(" ")[0]
        for line in metrics.splitlines()
        if line.startswith("wqpolicy_http_requests_total") and "/v1/decisions" in line
    )
    return out + [routes]


def test_the_fast_path_answers_every_request_as_the_route_does(tmp_path):
    fast, slow = answers(tmp_path, True), answers(tmp_path, False)
    assert len(fast) == len(REQUESTS) + 1
    for request, a, b in zip(REQUESTS + [("metrics",)], fast, slow):
        assert a == b, request[0:4] if len(request) > 1 else request
    statuses = {a[0] for a in fast[:-1]}
    assert {200, 404, 413, 415, 422} <= statuses


@pytest.mark.parametrize(
    ("query", "taken"),
    [
        ("", True),
        ("?policy=x&on=2021-06-01&input=a", True),
        ("?on=2021-6-1", False),
        ("?on=2021-02-30", False),
        ("?input=a&input=b", False),
        ("?other=1", False),
    ],
)
def test_the_fast_path_takes_only_what_the_route_would_read_alike(query, taken):
    from wqpolicy.service.fastpath import _params

    assert (_params({"query_string": query[1:].encode()}) is not None) is taken
