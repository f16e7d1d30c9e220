"""A kill -9 of the server (its workers too) in the middle of a load: every decision it acknowledged is in the log,
no entry is half written, and `wqpolicy log verify` finds the chain intact and every entry evaluating the same."""

from __future__ import annotations

import threading
import time

import httpx

from conftest import EXAMPLES, run
from service_server import start
from wqpolicy.decisionlog import DecisionLog

GUARD = 60.0  # seconds; a guard only


def test_a_kill_9_mid_load_loses_no_acknowledged_decision(tmp_path):
    server = start(tmp_path, "--workers", "2")
    bodies = [(EXAMPLES / n).read_bytes() for n in ("recognition.yaml", "recognition_short.yaml", "filing.yaml")]
    acknowledged: list[str] = []
    stop = threading.Event()

    def load(n: int) -> None:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            while not stop.is_set():
                body = bodies[n % len(bodies)]
                decision = "filing" if body is bodies[2] else "recognition"
                try:
                    r = client.post(f"/v1/decisions/{decision}", content=body,
                                    headers={"Content-Type": "application/yaml"})  # fmt: skip
                except httpx.HTTPError:
                    return  # the server is gone
                assert r.status_code == 200, r.text
                acknowledged.append(r.json()["receipt"])
                n += 1

    threads = [threading.Thread(target=load, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + GUARD
    while len(acknowledged) < 60 and time.monotonic() < deadline:
        time.sleep(0.02)
    server.kill()  # in the middle of the load: requests in flight, entries being written
    stop.set()
    for t in threads:
        t.join(timeout=GUARD)
    assert len(acknowledged) >= 60
    with DecisionLog(server.log_path, create=False) as log:
        assert log.verify_chain() == []
        missing = [receipt for receipt in acknowledged if log.get(receipt) is None]
        assert missing == []
        assert log.count() >= len(acknowledged)
    r = run("log", "verify", server.log_path)
    assert r.exit_code == 0, r.stdout
    assert "问题 0 处" in r.stdout
