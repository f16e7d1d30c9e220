"""The decision service over HTTP, one real server (uvicorn in a process of its own on a loopback port) for the
module: every endpoint; POST /v1/decisions answering exactly what `wqpolicy eval --format json` prints, on every
example and every case input; receipts kept and verified, with and without the token; errors as problem+json
(404 with the choices, 413, 415, 422 at line:col, the hostile inputs the CLI is tested with), never a traceback."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import httpx
import pytest
import yaml

from conftest import EXAMPLES, ROOT, run
from hostile import INPUT_TEXTS
from service_server import Server, start
from wqpolicy.loader import load_policy

TOKEN = "s3cret-token-for-the-tests-0123456789"
PROBLEM = "application/problem+json"
CASES = sorted((ROOT / "tests" / "cases").rglob("*.yaml"))


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Server:
    folder = tmp_path_factory.mktemp("service")
    (folder / "token").write_text(TOKEN + "\n", encoding="utf-8")
    found = start(folder, "--token-file", str(folder / "token"))
    yield found
    found.stop()


@pytest.fixture(scope="module")
def client(server) -> httpx.Client:
    with server.client() as c:
        yield c


AUTH = {"Authorization": f"Bearer {TOKEN}"}


def decide(client: httpx.Client, decision: str, text: str, content_type: str = "application/yaml", **params):
    return client.post(f"/v1/decisions/{decision}", content=text.encode("utf-8"), params=params,
                       headers={"Content-Type": content_type})  # fmt: skip


def without_receipt(answer: dict) -> dict:
    assert answer["receipt"].startswith("r-")
    return {k: v for k, v in answer.items() if k != "receipt"}


def as_served(printed: str, indent: int | None = 2) -> str:
    """What `eval --format json` printed, as the service answers it: without the policy files it read, which are
    the server's own paths."""
    record = json.loads(printed)
    del record["policy"]["files"]
    return json.dumps(record, ensure_ascii=False, indent=indent) + ("\n" if indent else "")


def is_problem(r: httpx.Response, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM), r.headers
    body = r.json()
    assert body["status"] == status and body["type"].startswith("https://") and body["instance"].startswith("/")
    assert body["title"] and body["title_zh"] and body["detail"] and body["detail_zh"]
    assert "Traceback" not in r.text
    return body


# -- identity with the command line --------------------------------------------------------------------------
@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_a_decision_is_byte_for_byte_what_eval_prints_plus_its_receipt(client, example):
    path = str(EXAMPLES / example)
    cli = run("eval", "--format", "json", path)
    assert cli.exit_code == 0, cli.stderr
    text = (EXAMPLES / example).read_text(encoding="utf-8")
    decision = yaml.safe_load(text)["decision"]
    r = decide(client, decision, text, input=path)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    answer = r.json()
    assert json.dumps(without_receipt(answer), ensure_ascii=False, indent=2) + "\n" == as_served(cli.stdout)
    assert r.headers["wq-receipt"] == answer["receipt"]
    assert list(answer)[-1] == "receipt"


def test_every_case_input_is_decided_as_eval_decides_it(client, tmp_path):
    files, texts = [], {}
    for case_file in CASES:
        case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
        if not isinstance(case, dict) or ("input" not in case and "input_file" not in case):
            continue
        doc = case.get("input")
        if doc is None:
            doc = yaml.safe_load((case_file.parent / case["input_file"]).read_text(encoding="utf-8"))
        if not isinstance(doc, dict):
            continue
        doc = {"decision": case.get("decision"), **doc} if "decision" not in doc else doc
        path = tmp_path / f"{case_file.parent.name}-{case_file.stem}.json"
        path.write_text(json.dumps(doc, ensure_ascii=False, default=str), encoding="utf-8")
        files.append(str(path))
        texts[str(path)] = (doc["decision"], path.read_text(encoding="utf-8"))
    assert len(files) > 150
    cli = run("eval", "--format", "jsonl", *files)
    by_input = {}
    for line in cli.stdout.splitlines():
        record = json.loads(line)
        by_input[record["input"]] = as_served(line, indent=None)
    assert len(by_input) > 150
    for name, (decision, text) in texts.items():
        r = decide(client, decision, text, "application/json", input=name)
        if name not in by_input:  # the command line refused it: so does the service
            is_problem(r, 422)
            continue
        assert r.status_code == 200, (name, r.text)
        assert json.dumps(without_receipt(r.json()), ensure_ascii=False) == by_input[name], name


def test_yaml_and_json_bodies_give_the_same_record(client):
    text = (EXAMPLES / "recognition.yaml").read_text(encoding="utf-8")
    as_json = json.dumps(yaml.safe_load(text), ensure_ascii=False, default=str)
    a = without_receipt(decide(client, "recognition", text, "application/yaml").json())
    b = without_receipt(decide(client, "recognition", as_json, "application/json").json())
    c = without_receipt(decide(client, "recognition", text, "text/yaml; charset=utf-8").json())
    assert a == b == c and a["outcome"] == "eligible"


def test_a_decision_can_be_asked_for_as_its_notice(client):
    path = EXAMPLES / "recognition_short.yaml"
    r = client.post("/v1/decisions/recognition", content=path.read_bytes(), params={"input": str(path)},
                    headers={"Content-Type": "application/yaml", "Accept": "text/html"})  # fmt: skip
    cli = run("eval", "--format", "html", path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.text == cli.stdout
    assert r.headers["wq-receipt"].startswith("r-")


def test_policy_and_on_pick_the_version(client):
    text = (EXAMPLES / "filing.yaml").read_text(encoding="utf-8")
    r = decide(client, "filing", text, policy="wuqing-five-platforms@2021-trial")
    assert r.status_code == 200 and r.json()["policy"] == {"id": "wuqing-five-platforms", "version": "2021-trial"}
    r = decide(client, "filing", text, policy="wuqing-five-platforms", on="2021-06-01")
    assert r.status_code == 200
    body = is_problem(decide(client, "filing", text, on="2020-06-01"), 404)
    assert body["choices"] == ["2021-trial"]
    is_problem(decide(client, "filing", text, on="2021-02-30"), 422)


# -- batch -------------------------------------------------------------------------------------------------------
def test_a_batch_is_answered_line_by_line_in_order_with_receipts(client):
    docs = [yaml.safe_load((EXAMPLES / n).read_text(encoding="utf-8")) for n in ("recognition.yaml", "filing.yaml")]
    lines = [json.dumps(d, ensure_ascii=False, default=str) for d in docs]
    body = "\n".join([lines[0], '{"decision": "recognition", "platform": {"industry": 5}}', "", "not json", lines[1]])
    r = client.post("/v1/decisions/recognition/batch", content=body.encode(),
                    headers={"Content-Type": "application/x-ndjson"})  # fmt: skip
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    out = [json.loads(x) for x in r.text.splitlines()]
    assert len(out) == 4
    assert out[0]["outcome"] == "eligible" and out[0]["receipt"].startswith("r-")
    assert out[1]["line"] == 2 and out[1]["status"] == 422
    assert out[1]["diagnostics"][0]["line"] == 2 and out[1]["diagnostics"][0]["path"] == "platform.industry"
    assert out[2]["line"] == 4 and out[2]["status"] == 422
    assert out[3]["decision"] == "recognition" and out[3]["receipt"] != out[0]["receipt"]


# -- receipts ----------------------------------------------------------------------------------------------------
def test_a_receipt_holds_the_input_and_the_record_and_verifies(client):
    text = (EXAMPLES / "recognition_short.yaml").read_text(encoding="utf-8")
    answer = decide(client, "recognition", text).json()
    receipt = answer["receipt"]
    got = client.get(f"/v1/receipts/{receipt}", headers=AUTH)
    assert got.status_code == 200
    entry = got.json()
    assert entry["record"] == without_receipt(answer)
    assert entry["input"]["applicant"]["name"] == yaml.safe_load(text)["applicant"]["name"]
    assert entry["policy_sha256"] == load_policy("wuqing-five-platforms@2021-trial").content_hash
    assert entry["outcome"] == "ineligible" and entry["evaluated_on"] == "2024-06-03"
    verified = client.post(f"/v1/receipts/{receipt}/verify", headers=AUTH)
    assert verified.status_code == 200
    assert verified.json()["status"] == "same" and verified.json()["same"] is True
    page = client.get("/v1/receipts", params={"limit": 2}, headers=AUTH).json()
    assert len(page["entries"]) == 2 and page["next"].startswith("/v1/receipts?after=") and page["count"] >= 2


def test_reading_receipts_needs_the_token_and_deciding_does_not(client):
    text = (EXAMPLES / "filing.yaml").read_text(encoding="utf-8")
    receipt = decide(client, "filing", text).json()["receipt"]  # no token
    for headers in ({}, {"Authorization": "Bearer wrong-token-wrong-token"}, {"Authorization": TOKEN}):
        body = is_problem(client.get(f"/v1/receipts/{receipt}", headers=headers), 401)
        assert "Bearer" in body["detail"]
    assert client.get("/v1/receipts", headers={}).status_code == 401
    assert client.post(f"/v1/receipts/{receipt}/verify").status_code == 401
    is_problem(client.get("/v1/receipts/r-nosuchreceipt", headers=AUTH), 404)


def test_a_tampered_entry_is_found_by_verify_and_by_log_verify(client, server, tmp_path):
    text = (EXAMPLES / "recognition_short.yaml").read_text(encoding="utf-8")
    receipt = decide(client, "recognition", text).json()["receipt"]
    db = sqlite3.connect(server.log_path)
    db.executescript("DROP TRIGGER entries_no_update;")
    record = json.loads(db.execute("SELECT record FROM entries WHERE receipt = ?", (receipt,)).fetchone()[0])
    record["outcome"] = "eligible"  # a refusal turned into a grant
    db.execute("UPDATE entries SET record = ?, outcome = 'eligible' WHERE receipt = ?",
               (json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")), receipt))  # fmt: skip
    db.commit()
    db.close()
    verified = client.post(f"/v1/receipts/{receipt}/verify", headers=AUTH).json()
    assert verified["status"] == "different"
    assert verified["differences"] == [{"path": "outcome", "stored": "eligible", "now": "ineligible"}]
    r = run("log", "verify", server.log_path)
    assert r.exit_code == 1
    seq = client.get(f"/v1/receipts/{receipt}", headers=AUTH).json()["seq"]
    assert f"entry {seq} {receipt}: 链断裂 chain broken" in r.stdout
    assert f"entry {seq} {receipt}: 重新评估结果与存档不一致" in r.stdout
    assert 'outcome: "eligible" → "ineligible"' in r.stdout


# -- policies, health, metrics, OpenAPI ---------------------------------------------------------------------------
def test_the_policies_are_listed_with_dates_and_content_hashes(client):
    data = client.get("/v1/policies").json()
    (policy,) = data["policies"]
    (version,) = policy["versions"]
    assert policy["id"] == "wuqing-five-platforms" and version["version"] == "2021-trial"
    assert version["effective_from"] == "2021-01-01" and len(version["sha256"]) == 64
    assert version["decisions"] == ["filing", "recognition", "annual_assessment", "demand_subsidy"]
    resolved = client.get(version["href"]).json()
    assert resolved["policy"]["sha256"] == version["sha256"]
    assert resolved["document"]["parameters"]["min_rd_intensity"]["value"] == "3%"


def test_a_policy_version_is_a_document_with_accept_html(client):
    r = client.get("/v1/policies/wuqing-five-platforms/2021-trial", headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert (
        "条文对照表" in r.text
        and r.text == run("render", "wuqing-five-platforms@2021-trial", "--format", "html").stdout
    )
    assert client.get("/v1/policies/wuqing-five-platforms/2021-trial?format=md").text.startswith("#")


def test_unknown_names_are_404_with_the_choices(client):
    text = (EXAMPLES / "filing.yaml").read_text(encoding="utf-8")
    assert is_problem(decide(client, "filling", text), 404)["choices"] == [
        "annual_assessment", "demand_subsidy", "filing", "recognition"
    ]  # fmt: skip
    assert is_problem(decide(client, "filing", text, policy="wuqing"), 404)["choices"] == ["wuqing-five-platforms"]
    assert is_problem(decide(client, "filing", text, policy="wuqing-five-platforms@2019"), 404)["choices"] == [
        "2021-trial"
    ]
    assert is_problem(client.get("/v1/policies/wuqing-five-platforms/2019"), 404)["choices"] == ["2021-trial"]
    is_problem(client.get("/v1/nothing-here"), 404)
    is_problem(client.get("/v1/decisions/filing"), 405)


def test_health_readiness_status_and_metrics(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["ready"] is True and ready.json()["failed_edit"] is None
    status = client.get("/v1/status").json()
    assert status["policies"] == ["wuqing-five-platforms@2021-trial"] and status["generation"] == 1
    decide(client, "filing", (EXAMPLES / "filing.yaml").read_text(encoding="utf-8"))
    metrics = client.get("/metrics")
    assert metrics.headers["content-type"].startswith("text/plain")
    text = metrics.text
    assert "# TYPE wqpolicy_http_requests_total counter" in text
    assert 'wqpolicy_http_requests_total{method="POST",route="/v1/decisions/{decision}",status="200"}' in text
    assert 'wqpolicy_decisions_total{decision="filing",outcome="eligible",policy="wuqing-five-platforms"' in text
    assert "wqpolicy_http_request_duration_seconds_bucket{" in text and "wqpolicy_policy_reloads_total{" in text
    assert "wqpolicy_policy_reload_failures_total{" in text


def test_the_openapi_document_describes_bodies_with_the_projects_schemas(client):
    doc = client.get("/openapi.json").json()
    schemas = doc["components"]["schemas"]
    record = json.loads((ROOT / "schemas" / "decision.schema.json").read_text(encoding="utf-8"))
    assert set(schemas["DecisionRecord"]["properties"]) == set(record["properties"])
    assert {"Input.application", "Input.annual_assessment", "Input.demand_subsidy"} <= set(schemas)
    assert schemas["Input.application"]["properties"]["finances"]["title"] == "近三年财务数据"
    post = doc["paths"]["/v1/decisions/{decision}"]["post"]
    assert post["requestBody"]["content"]["application/yaml"]["schema"] == {
        "$ref": "#/components/schemas/DecisionInput"
    }
    assert post["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("DecisionAnswer")
    refs = {m for m in __import__("re").findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(doc))}
    assert refs <= set(schemas), refs - set(schemas)
    for path in ("/v1/policies", "/v1/decisions/{decision}/batch", "/v1/receipts/{receipt}/verify", "/metrics"):
        assert path in doc["paths"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/openapi.json" in docs.text
    assert "cdn." not in docs.text and "https://" not in docs.text  # the page works with no way out
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200


def test_no_cors_unless_configured(client):
    r = client.options("/v1/decisions/filing", headers={"Origin": "https://portal.example",
                                                         "Access-Control-Request-Method": "POST"})  # fmt: skip
    assert "access-control-allow-origin" not in r.headers


# -- errors and limits ---------------------------------------------------------------------------------------------
def test_an_invalid_application_is_422_with_each_problem_at_its_line(client):
    text = "decision: recognition\nfinances:\n  - {year: 2023, revenue: -5}\n"
    body = is_problem(decide(client, "recognition", text), 422)
    (d,) = body["diagnostics"]
    assert d["code"] == "WQ-INPUT" and d["file"] == "request.yaml" and d["line"] == 3
    assert d["path"] == "finances[0].revenue"


def test_a_body_over_the_limit_is_413_unread(client):
    big = b"decision: filing\n" + b"#" * (1 << 20)
    r = client.post("/v1/decisions/filing", content=big, headers={"Content-Type": "application/yaml"})
    assert is_problem(r, 413)["limit"] == 1 << 20

    def chunks():  # no Content-Length: refused once the stream passes the limit
        for _ in range(40):
            yield b"#" * 65536

    r = client.post("/v1/decisions/filing", content=chunks(), headers={"Content-Type": "application/yaml"})
    is_problem(r, 413)


def test_other_media_types_are_415(client):
    assert "application/yaml" in is_problem(decide(client, "filing", "x", "text/plain"), 415)["choices"]


@pytest.mark.parametrize("case", INPUT_TEXTS)
def test_a_hostile_input_is_a_problem_never_a_traceback(client, case):
    r = decide(client, "filing", INPUT_TEXTS[case])
    body = is_problem(r, 422)
    assert body["diagnostics"] and all(d["code"].startswith("WQ-") for d in body["diagnostics"])


def test_a_non_utf8_body_is_422_at_its_place(client):
    r = client.post("/v1/decisions/filing", content=b"decision: filing\napplicant: {name: caf\xe9}\n",
                    headers={"Content-Type": "application/yaml"})  # fmt: skip
    (d,) = is_problem(r, 422)["diagnostics"]
    assert d["code"] == "WQ-FILE" and d["line"] == 2


def test_the_server_log_has_no_traceback(server):
    assert "Traceback" not in server.server_log()


def test_log_show_lists_a_line_per_entry(server):
    r = run("log", "show", server.log_path)
    assert r.exit_code == 0 and len(r.stdout.splitlines()) > 150
    assert Path(server.log_path).is_file()
