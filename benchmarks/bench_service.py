"""Benchmark: the decision service under load, and a soak with the policy file rewritten during it.

Starts `wqpolicy serve --workers 2` (the decision log on) on a free loopback port over a copy of the bundled policy
folder, and stops it at the end; nothing runs unbounded.

1. Load: a fixed number of single evaluations (the bundled examples, as JSON) sent by a few client processes
   (http.client, keep-alive), each timing its own requests: requests/s and p50/p99 latency as the clients see them. On
   a 2-core machine the clients share the cores with the two workers, so the server's own view is given too: the
   time it spent per request (/metrics, its histogram) and the requests/s the workers reached.
2. Soak: the same load for a number of seconds while the policy file is rewritten every second, alternately with
   a clean variant (the R&D threshold 3% or 4%) and a broken one (a misspelt name). Counted: failed requests,
   answers from a broken set (a threshold that is neither), mixed answers (a threshold that is not the one of the
   content hash its receipt names in the log), and whether the log's chain is intact afterwards.

    python benchmarks/bench_service.py                    # 4,000 requests, a 10 s soak
    python benchmarks/bench_service.py --requests 1000 --soak 5 --clients 3
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wqpolicy.decisionlog import DecisionLog, canonical  # noqa: E402
from wqpolicy.loader import load_policy  # noqa: E402
from wqpolicy.yamlload import load_yaml  # noqa: E402

POLICY = ROOT / "policies" / "wuqing-five-platforms"
TRIAL = "2021-trial.yaml"
THRESHOLD = "min_rd_intensity:\n    value: 3%"
CONDITION = "condition: rd_intensity >= min_rd_intensity"
START_GUARD = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bodies() -> list[tuple[str, bytes]]:
    """(decision, JSON body) of each bundled example."""
    out = []
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        doc, _ = load_yaml(path.read_text(encoding="utf-8"), str(path), dates=False)
        out.append((doc["decision"], canonical(doc).encode("utf-8")))  # exact numbers as JSON numbers
    return out


def client(url: str, count: int, seconds: float, offset: int, results: multiprocessing.Queue) -> None:
    """Send ``count`` requests (or for ``seconds`` when given) over one keep-alive connection; put (latencies,
    failures, answers, CPU seconds) on ``results``. An answer is (receipt, the R&D threshold the record read) of a
    recognition decision, read in the soak only. The client is the standard library's http.client, the lightest
    at hand: the clients share the machine's cores with the server, and what they use is measured and printed."""
    work = [(f"/v1/decisions/{decision}", body) for decision, body in bodies()]
    latencies: list[float] = []
    failures: list[str] = []
    answers: list[tuple[str, str]] = []
    end = time.monotonic() + seconds if seconds else None
    host, port = url.removeprefix("http://").split(":")
    cpu = time.process_time()
    c = http.client.HTTPConnection(host, int(port), timeout=30)
    i = offset
    while (end is None and len(latencies) < count) or (end is not None and time.monotonic() < end):
        path, body = work[i % len(work)]
        i += 1
        start = time.perf_counter()
        try:
            c.request("POST", path, body, {"Content-Type": "application/json"})
            r = c.getresponse()
            text = r.read()
        except (OSError, http.client.HTTPException) as e:
            failures.append(repr(e))
            c.close()
            c = http.client.HTTPConnection(host, int(port), timeout=30)
            continue
        latencies.append(time.perf_counter() - start)
        if r.status != 200:
            failures.append(f"{r.status} {text[:200]!r}")
            continue
        if seconds and path.endswith("/recognition"):
            answer = json.loads(text)
            (rule,) = [x for x in answer["rules"] if x["id"] == "recognition.rd_intensity"]
            answers.append((answer["receipt"], rule["values"]["min_rd_intensity"]))
    c.close()
    results.put((latencies, failures, answers, time.process_time() - cpu))


def run_clients(url: str, clients: int, count: int = 0, seconds: float = 0) -> tuple[list, list, list, float, float]:
    results: multiprocessing.Queue = multiprocessing.Queue()
    per = count // clients if count else 0
    procs = [multiprocessing.Process(target=client, args=(url, per, seconds, k * 3, results)) for k in range(clients)]
    start = time.perf_counter()
    for p in procs:
        p.start()
    got = [results.get(timeout=600) for _ in procs]
    wall = time.perf_counter() - start
    for p in procs:
        p.join(timeout=60)
    latencies = sorted(x for g in got for x in g[0])
    failures = [x for g in got for x in g[1]]
    answers = [x for g in got for x in g[2]]
    return latencies, failures, answers, wall, sum(g[3] for g in got)


def quantile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def server_cpu(group: int) -> float:
    """CPU seconds (user and system) used so far by the server's processes (its process group), from /proc; 0 where
    there is no /proc."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # pgrp
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def server_view(url: str) -> tuple[float, float, float, float]:
    """(requests, total seconds, p50, p99) of the decision route, from the server's own histogram."""
    text = httpx.get(url + "/metrics", timeout=30).text
    buckets: list[tuple[float, float]] = []
    count = total = 0.0
    for line in text.splitlines():
        if 'route="/v1/decisions/{decision}"' not in line or line.startswith("#"):
            continue
        name, value = line.rsplit(" ", 1)
        if name.startswith("wqpolicy_http_request_duration_seconds_bucket"):
            le = name.split('le="')[1].split('"')[0]
            buckets.append((float("inf") if le == "+Inf" else float(le), float(value)))
        elif name.startswith("wqpolicy_http_request_duration_seconds_count"):
            count = float(value)
        elif name.startswith("wqpolicy_http_request_duration_seconds_sum"):
            total = float(value)
    buckets.sort()

    def bound(q: float) -> float:
        for le, n in buckets:
            if n >= q * count:
                return le
        return float("inf")

    return count, total, bound(0.5), bound(0.99)


def start_server(folder: Path, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = (folder / "server.out").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "wqpolicy", "serve", "--port", str(port), "--workers", str(workers),
         "--policies", str(folder / "policy"), "--log", str(folder / "decisions.sqlite")],
        cwd=folder, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_GUARD
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)
    raise SystemExit("the server did not come up: " + (folder / "server.out").read_text(errors="replace"))


def variant_hash(text: str) -> str:
    """The content hash of the policy folder with ``text`` as its trial file."""
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(POLICY, Path(tmp) / "p")
        (Path(tmp) / "p" / "wqpolicy.lock.json").unlink(missing_ok=True)
        (Path(tmp) / "p" / TRIAL).write_text(text, encoding="utf-8")
        return load_policy(str(Path(tmp) / "p" / TRIAL)).content_hash


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--soak", type=float, default=10.0, help="seconds")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="wqpolicy-bench-"))
    shutil.copytree(POLICY, folder / "policy")
    # the soak edits the published version in place, which its lock file refuses (WQ-LOCKED): without the lock, a
    # clean edit is served and a broken one refused, which is what the soak is to show
    (folder / "policy" / "wqpolicy.lock.json").unlink(missing_ok=True)
    process, url = start_server(folder, args.workers)
    try:
        run_clients(url, args.clients, count=200)  # warm-up
        load = os.getloadavg()[0]
        before, cpu_before = server_view(url), server_cpu(process.pid)
        latencies, failures, _, wall, client_cpu = run_clients(url, args.clients, count=args.requests)
        after, cpu = server_view(url), server_cpu(process.pid) - cpu_before
        n = len(latencies)
        served = after[0] - before[0]
        busy = after[1] - before[1]
        print(f"load: {n} single evaluations, {args.clients} client processes, {args.workers} workers, log on")
        print(f"  clients see:  {n / wall:8.0f} requests/s   p50 {quantile(latencies, 0.5) * 1000:6.1f} ms"
              f"   p99 {quantile(latencies, 0.99) * 1000:6.1f} ms   failed {len(failures)}")  # fmt: skip
        print(f"  server: {busy / served * 1000:.2f} ms a request from arrival to answer on average (p50 ≤"
              f" {after[2] * 1000:g} ms, p99 ≤ {after[3] * 1000:g} ms by its histogram's buckets)")  # fmt: skip
        if cpu:
            print(f"  server CPU: {cpu / served * 1000:.2f} ms a request (all workers); {cpu / wall:.2f} of"
                  f" {os.cpu_count()} cores busy; so {os.cpu_count() / (cpu / served):.0f} requests/s with the"
                  f" cores to itself")  # fmt: skip
        print(f"  clients' CPU: {client_cpu / n * 1000:.2f} ms a request ({client_cpu / wall:.2f} cores), on the same"
              f" machine; load average before: {load:.1f}")  # fmt: skip

        # soak: the policy file rewritten every second, alternately clean and broken, during the load
        trial = folder / "policy" / TRIAL
        original = trial.read_text(encoding="utf-8")
        clean = {"0.03": original, "0.04": original.replace(THRESHOLD, THRESHOLD.replace("3%", "4%"))}
        hashes = {variant_hash(text): threshold for threshold, text in clean.items()}
        broken = original.replace(CONDITION, CONDITION.replace("rd_intensity >=", "rd_intensty >="))
        stop = threading.Event()
        writes = [0]

        def rewrite() -> None:
            sequence = [clean["0.04"], broken, clean["0.03"], broken]
            while not stop.wait(1.0):
                trial.write_text(sequence[writes[0] % len(sequence)], encoding="utf-8")  # in place, not atomic
                writes[0] += 1

        writer = threading.Thread(target=rewrite)
        writer.start()
        latencies, failures, answers, wall, _ = run_clients(url, args.clients, seconds=args.soak)
        stop.set()
        writer.join()
        status = httpx.get(url + "/v1/status", timeout=30).json()
        with DecisionLog(folder / "decisions.sqlite", create=False) as log:
            from_broken = [a for a in answers if a[1] not in clean]
            mixed = []
            for receipt, threshold in answers:
                entry = log.get(receipt)
                if entry is None or hashes.get(entry.policy_sha256) != threshold:
                    mixed.append(receipt)
            chain = log.verify_chain()
            entries = log.count()
        thresholds = sorted({a[1] for a in answers})
        print(f"soak: {args.soak:g} s, the policy file rewritten {writes[0]} times (clean, broken, clean, …)")
        print(f"  {len(latencies)} requests ({len(latencies) / wall:.0f}/s), p99 {quantile(latencies, 0.99) * 1000:.1f}"
              f" ms; failed {len(failures)}; answers from a broken set {len(from_broken)}; mixed {len(mixed)};"
              f" thresholds seen {thresholds}")  # fmt: skip
        print(
            f"  per worker: reloads {status['reloads']}, refused edits {status['reload_failures']};"
            f" log: {entries} entries, chain {'intact' if not chain else f'BROKEN ({len(chain)} problems)'}"
        )
        if failures:
            print("  first failure:", failures[0])
        ok = not failures and not from_broken and not mixed and not chain
        print("soak passed" if ok else "SOAK FAILED")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
