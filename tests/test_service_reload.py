"""Safe hot reload, on a real server watching a copy of the policy folder: a clean edit is taken up (a new set, the
next requests decided by it); a broken edit never reaches a request — the last good set serves on, /readyz and
/v1/status show the diagnostics in Chinese and English at file:line:col, and the server's log says so; a receipt
made before an edit of its version is refused re-verification, naming the item that changed."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import httpx
import pytest

from conftest import EXAMPLES, POLICY_FILE
from service_server import Server, start

WAIT = 20.0  # seconds; a guard only: the server looks at the files every 0.1 s here


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("reload")
    shutil.copytree(POLICY_FILE.parent, root / "policy")
    (root / "policy" / "wqpolicy.lock.json").unlink()  # a draft being edited in place: not a published version
    return root


@pytest.fixture(scope="module")
def server(folder) -> Server:
    found = start(folder, "--policies", str(folder / "policy"), "--reload-interval", "0.1")
    yield found
    found.stop()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _until(client: httpx.Client, check) -> dict:
    deadline = time.monotonic() + WAIT
    while True:
        status = client.get("/v1/status").json()
        if check(status):
            return status
        assert time.monotonic() < deadline, status
        time.sleep(0.05)


def _threshold(answer: dict) -> str:
    (rule,) = [r for r in answer["rules"] if r["id"] == "recognition.rd_intensity"]
    return rule["values"]["min_rd_intensity"]


def test_a_clean_edit_is_taken_up_and_a_broken_one_never_reaches_a_request(server, folder):
    policy_file = folder / "policy" / POLICY_FILE.name
    text = (EXAMPLES / "recognition.yaml").read_bytes()
    headers = {"Content-Type": "application/yaml", "Authorization": "-"}
    with server.client() as client:

        def decide() -> httpx.Response:
            return client.post("/v1/decisions/recognition", content=text, headers=headers)

        before = decide().json()
        assert before["outcome"] == "eligible" and _threshold(before) == "0.03"
        first_hash = client.get("/v1/policies").json()["policies"][0]["versions"][0]["sha256"]

        # a clean edit: the threshold raised to 5%; taken up as set 2
        _edit(policy_file, "min_rd_intensity:\n    value: 3%", "min_rd_intensity:\n    value: 5%")
        status = _until(client, lambda s: s["generation"] == 2)
        assert status["failed_edit"] is None and status["reloads"] == 1
        after = decide().json()
        assert after["outcome"] == "ineligible" and _threshold(after) == "0.05"
        second_hash = client.get("/v1/policies").json()["policies"][0]["versions"][0]["sha256"]
        assert second_hash != first_hash

        # the receipt made under the first content is refused re-verification, naming what changed
        refused = client.post(f"/v1/receipts/{before['receipt']}/verify")
        assert refused.status_code == 409 and refused.headers["content-type"].startswith("application/problem+json")
        problem = refused.json()
        assert problem["type"].endswith("/policy-changed")
        assert problem["verification"]["changed_items"] == ["changed parameters.min_rd_intensity"]
        assert problem["verification"]["policy_sha256"] == {"stored": first_hash, "now": second_hash}
        assert "min_rd_intensity" in problem["detail"] and "min_rd_intensity" in problem["detail_zh"]
        assert client.post(f"/v1/receipts/{after['receipt']}/verify").json()["status"] == "same"

        # a broken edit: a misspelt name; refused, set 2 serves on
        _edit(policy_file, "condition: rd_intensity >= min_rd_intensity", "condition: rd_intensty >= min_rd_intensity")
        status = _until(client, lambda s: s["failed_edit"] is not None)
        assert status["generation"] == 2 and status["reload_failures"] == 1 and status["ready"] is True
        assert "未启用" in status["message"]["zh"] and "not taken up" in status["message"]["en"]
        (d,) = [d for d in status["failed_edit"]["diagnostics"] if d["code"] == "WQ-NAME"]
        assert d["file"] == str(policy_file) and d["line"] > 0 and d["col"] > 0
        assert "rd_intensty" in d["message"]
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["failed_edit"]["diagnostics"][0]["code"] == "WQ-NAME"
        for _ in range(5):
            served = decide()
            assert served.status_code == 200 and _threshold(served.json()) == "0.05"
        assert client.post(f"/v1/receipts/{served.json()['receipt']}/verify").json()["status"] == "same"
        logged = server.server_log()
        assert "未启用" in logged and "not taken up" in logged
        assert f"{policy_file}:{d['line']}:{d['col']}: error[WQ-NAME]" in logged

        # fixed: taken up as set 3, the failure cleared
        _edit(policy_file, "condition: rd_intensty >= min_rd_intensity", "condition: rd_intensity >= min_rd_intensity")
        status = _until(client, lambda s: s["generation"] == 3)
        assert status["failed_edit"] is None and status["reloads"] == 2
        metrics = client.get("/metrics").text
        assert re.search(r'^wqpolicy_policy_reloads_total\{pid="\d+"\} 2$', metrics, re.M), metrics
        assert re.search(r'^wqpolicy_policy_reload_failures_total\{pid="\d+"\} 1$', metrics, re.M), metrics


def test_a_server_whose_policies_do_not_check_is_not_ready_and_decides_nothing(tmp_path):
    shutil.copytree(POLICY_FILE.parent, tmp_path / "policy")
    _edit(tmp_path / "policy" / POLICY_FILE.name, "value: 3%", "value: 3%%")
    server = start(tmp_path, "--policies", str(tmp_path / "policy"), wait_ready=False)
    try:
        with server.client() as client:
            ready = client.get("/readyz")
            assert ready.status_code == 503 and ready.json()["ready"] is False
            assert ready.json()["failed_edit"]["diagnostics"]
            r = client.post("/v1/decisions/filing", content=b"decision: filing\n",
                            headers={"Content-Type": "application/yaml"})  # fmt: skip
            assert r.status_code == 503 and r.headers["content-type"].startswith("application/problem+json")
            assert r.json()["diagnostics"] and r.headers["retry-after"] == "1"
    finally:
        server.stop()
