"""Counters for /metrics, in the Prometheus text format: requests by route, method and status, their latencies (a
histogram), decisions by outcome, policy reloads and reload failures. Each worker process counts its own and, when
the service has several, leaves them in a file of the metrics folder now and then; /metrics adds up every
worker's (as prometheus_client's multiprocess mode does)."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)  # seconds

HELP = {
    "wqpolicy_http_requests_total": ("counter", "HTTP requests answered, by route, method and status"),
    "wqpolicy_http_request_duration_seconds": ("histogram", "Time to answer an HTTP request, by route"),
    "wqpolicy_decisions_total": ("counter", "Decisions made and stored, by policy, decision and outcome"),
    "wqpolicy_policy_reloads_total": ("counter", "Edited policy sets that checked clean and were taken up"),
    "wqpolicy_policy_reload_failures_total": ("counter", "Edited policy sets that did not check and were refused"),
    "wqpolicy_policy_set_generation": ("gauge", "The policy set each worker serves (1 = the one it started with)"),
    "wqpolicy_ready": ("gauge", "1 when the worker has a clean policy set loaded"),
}


_KEYS: dict[tuple[tuple[str, str], ...], str] = {}  # the series' keys written so far (a few dozen: routes, outcomes)
_MAX_KEYS = 4096


def _key(labels: dict[str, str]) -> str:
    """The series' key of ``labels``: their JSON, keys sorted (written once per set of labels, not per request)."""
    items = tuple(sorted(labels.items()))
    key = _KEYS.get(items)
    if key is None:
        key = json.dumps(items)
        if len(_KEYS) < _MAX_KEYS:
            _KEYS[items] = key
    return key


class Metrics:
    """One process's counters (thread-safe). ``gauges`` is called when the numbers are read, for the values that
    live elsewhere (the policy store's)."""

    def __init__(self, folder: str | None = None, gauges: Callable[[], dict[str, float]] | None = None):
        self.folder = Path(folder) if folder else None
        self.gauges = gauges
        self._lock = threading.Lock()
        self._counters: dict[str, dict[str, float]] = {}
        self._histograms: dict[str, dict[str, list[float]]] = {}  # key -> [count per bucket..., +Inf, sum]

    def count(self, name: str, labels: dict[str, str], by: float = 1) -> None:
        key = _key(labels)
        with self._lock:
            series = self._counters.setdefault(name, {})
            series[key] = series.get(key, 0) + by

    def observe(self, name: str, labels: dict[str, str], seconds: float) -> None:
        key = _key(labels)
        with self._lock:
            h = self._histograms.setdefault(name, {}).setdefault(key, [0.0] * (len(BUCKETS) + 2))
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    h[i] += 1
            h[len(BUCKETS)] += 1
            h[-1] += seconds

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            data: dict[str, Any] = {
                "counters": {n: dict(s) for n, s in self._counters.items()},
                "histograms": {n: {k: list(v) for k, v in s.items()} for n, s in self._histograms.items()},
            }
        data["gauges"] = self.gauges() if self.gauges else {}
        return data

    def save(self) -> None:
        """Leave this worker's numbers in the metrics folder (written whole: a reader never sees half)."""
        if self.folder is None:
            return
        path = self.folder / f"worker-{os.getpid()}.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.snapshot()), encoding="utf-8")
        os.replace(tmp, path)

    def text(self) -> str:
        """Every worker's numbers added up, in the Prometheus text exposition format (version 0.0.4)."""
        mine = self.snapshot()
        workers = {os.getpid(): mine}
        if self.folder is not None:
            for path in sorted(self.folder.glob("worker-*.json")):
                pid = int(path.stem.split("-", 1)[1]) if path.stem.split("-", 1)[1].isdigit() else -1
                if pid == os.getpid() or pid < 0:
                    continue
                try:
                    workers[pid] = json.loads(path.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    continue  # being replaced this instant: its numbers are in the next scrape
        counters: dict[str, dict[str, float]] = {}
        histograms: dict[str, dict[str, list[float]]] = {}
        for data in workers.values():
            for name, series in data.get("counters", {}).items():
                into = counters.setdefault(name, {})
                for k, v in series.items():
                    into[k] = into.get(k, 0) + v
            for name, series in data.get("histograms", {}).items():
                hinto = histograms.setdefault(name, {})
                for k, v in series.items():
                    have = hinto.setdefault(k, [0.0] * len(v))
                    hinto[k] = [a + b for a, b in zip(have, v)]
        lines: list[str] = []
        for name in HELP:
            kind, words = HELP[name]
            if kind == "counter" and name in counters:
                lines += [f"# HELP {name} {words}", f"# TYPE {name} counter"]
                lines += [f"{name}{_labels(k)} {_num(v)}" for k, v in sorted(counters[name].items())]
            elif kind == "counter" and name.startswith("wqpolicy_policy_"):  # each worker reloads: one series each
                lines += [f"# HELP {name} {words}", f"# TYPE {name} counter"]
                for pid, data in sorted(workers.items()):
                    lines.append(f'{name}{{pid="{pid}"}} {_num(data.get("gauges", {}).get(name, 0))}')
            elif kind == "histogram" and name in histograms:
                lines += [f"# HELP {name} {words}", f"# TYPE {name} histogram"]
                for k, h in sorted(histograms[name].items()):
                    labels = json.loads(k)
                    for bound, n in zip(BUCKETS, h):
                        lines.append(f"{name}_bucket{_labels(_key(dict(labels + [['le', str(bound)]])))} {_num(n)}")
                    lines.append(f"{name}_bucket{_labels(_key(dict(labels + [['le', '+Inf']])))} {_num(h[-2])}")
                    lines.append(f"{name}_count{_labels(k)} {_num(h[-2])}")
                    lines.append(f"{name}_sum{_labels(k)} {h[-1]!r}")
            elif kind == "gauge":
                lines += [f"# HELP {name} {words}", f"# TYPE {name} gauge"]
                for pid, data in sorted(workers.items()):
                    value = data.get("gauges", {}).get(name)
                    if value is not None:
                        lines.append(f'{name}{{pid="{pid}"}} {_num(value)}')
        return "\n".join(lines) + "\n"


def _labels(key: str) -> str:
    pairs = json.loads(key)
    if not pairs:
        return ""
    return "{" + ",".join(f'{k}="{_escape(str(v))}"' for k, v in pairs) + "}"


def _escape(v: str) -> str:
    return v.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _num(v: float) -> str:
    """A Prometheus sample value: counts and seconds measured by the clock (never an amount), in the float text the
    exposition format reads."""
    return str(int(v)) if float(v).is_integer() else repr(float(v))
