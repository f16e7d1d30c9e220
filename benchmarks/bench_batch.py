"""How fast a batch runs, whole process (start-up included): 100,000 recognition applications from JSON lines to JSON
lines on one and on two workers (the speed-up), the memory peak of all the processes together, and 10,000 from a
workbook. Not a test: it measures, prints, and says how each figure stands against its target.

    python benchmarks/bench_batch.py [--count 100000] [--xlsx-count 10000] [--keep DIR]

The applications are the fixture's (tests/fixtures/batch/applications), each made different (amounts scaled, an
answer flipped, a field left out), the same on every run. Linux: memory is read from /proc.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "batch" / "applications.jsonl"
TARGETS = {"jsonl": 10.0, "xlsx": 10.0, "memory_mb": 500.0, "speedup": 1.7}


def applications(count: int) -> list[dict]:
    """``count`` recognition applications, each its own: made from the fixture's by a fixed rule."""
    base = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    out = []
    for n in range(count):
        doc = json.loads(json.dumps(base[n % len(base)]))
        doc["id"] = f"A{n:06d}"
        scale = 80 + (n * 37) % 41  # 80% … 120%
        for line in doc.get("investment") or []:
            line["amount"] = round(line["amount"] * scale / 100, 2)
        for year in doc.get("finances") or []:
            year["rd_expense"] = round(year["rd_expense"] * (90 + n % 21) / 100, 2)
        if n % 7 == 0:
            doc.get("staff", {}).pop("tech_leader", None)
        if n % 11 == 0 and "expert_review" in doc:
            doc["expert_review"]["satisfaction"] = not doc["expert_review"].get("satisfaction", True)
        out.append(doc)
    return out


def write_jsonl(docs: list[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8") as f:
        for doc in docs:
            f.write(json.dumps(doc, ensure_ascii=False) + "\n")


def write_xlsx(docs: list[dict], path: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1717372800")
    import openpyxl

    from sheetfill import rows
    from wqpolicy import load_policy
    from wqpolicy.batch.layout import layout_for
    from wqpolicy.batch.template import template_xlsx

    layout = layout_for(load_policy("wuqing-five-platforms@2021-trial"), "recognition")
    path.write_bytes(template_xlsx(layout))
    book = openpyxl.load_workbook(path)
    for sheet in layout.sheets:
        ws = book[sheet.name]
        for doc in docs:
            key = doc["id"]
            for values in rows(sheet, key, {k: v for k, v in doc.items() if k != "id"}):
                ws.append(values)
    book.save(path)


class Peak:
    """The largest total resident memory of a process and its children, sampled every 20 ms (Linux /proc)."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _tree_rss(self.pid))
            time.sleep(0.02)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak / 1024  # MB


def _tree_rss(pid: int) -> int:
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += next(int(x.split()[1]) for x in status.splitlines() if x.startswith("VmRSS:"))
            for task in Path(f"/proc/{p}/task").iterdir():
                children = (task / "children").read_text().split()
                todo += [int(c) for c in children]
        except (OSError, StopIteration, ValueError):
            continue
    return total  # kB


def timed(*args: str) -> tuple[float, float]:
    """Seconds and memory peak (MB) of `python -m wqpolicy ARGS`, whole process; the CPU seconds it used (all its
    processes) and the load average are printed, to tell a slow run from a busy machine."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "wqpolicy", *args], env=env, stdout=subprocess.DEVNULL)
    peak = Peak(process.pid)
    code = process.wait()
    seconds = time.perf_counter() - start
    memory = peak.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"    ({seconds:.1f} s: {cpu:.1f} CPU seconds in all; load average {load:.1f} before)")
    if code != 0:  # every generated application is valid: anything else is a failure
        raise SystemExit(f"wqpolicy {' '.join(args)} exited {code}")
    return seconds, memory


def verdict(value: float, target: float, higher: bool = False) -> str:
    ok = value >= target if higher else value < target
    return f"{'meets' if ok else 'MISSES'} the target ({'≥' if higher else '<'} {target:g})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--xlsx-count", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    options = parser.parse_args()
    folder = options.keep or Path(tempfile.mkdtemp(prefix="bench-batch-"))
    folder.mkdir(parents=True, exist_ok=True)
    docs = applications(options.count)
    apps = folder / "apps.jsonl"
    write_jsonl(docs, apps)
    print(
        f"{options.count:,} applications, {apps.stat().st_size / 1e6:.0f} MB of JSON lines, on {os.cpu_count()} cores"
    )
    one, memory_one = timed("eval", str(apps), "--out", str(folder / "one.jsonl"), "--jobs", "1")
    two, memory_two = timed("eval", str(apps), "--out", str(folder / "two.jsonl"), "--jobs", "2")
    same = (folder / "one.jsonl").read_bytes() == (folder / "two.jsonl").read_bytes()
    rate = options.count / one
    print(f"JSON lines → JSON lines, 1 worker:  {one:6.1f} s  ({rate:,.0f} a second), peak {memory_one:.0f} MB")
    print(f"JSON lines → JSON lines, 2 workers: {two:6.1f} s  {verdict(two, TARGETS['jsonl'])}")
    print(f"memory peak, all processes, 2 workers: {memory_two:.0f} MB  {verdict(memory_two, TARGETS['memory_mb'])}")
    speedup = one / two
    print(f"speed-up from 1 to 2 workers: {speedup:.2f}x  {verdict(speedup, TARGETS['speedup'], higher=True)}")
    print(f"same bytes on 1 and 2 workers: {same}")
    sheet = folder / "apps.xlsx"
    write_xlsx(docs[: options.xlsx_count], sheet)
    seconds, memory = timed("eval", str(sheet), "--out", str(folder / "sheet.jsonl"), "--jobs", "2")
    print(
        f"workbook of {options.xlsx_count:,} applications → JSON lines, 2 workers: {seconds:.1f} s "
        f"{verdict(seconds, TARGETS['xlsx'])}, peak {memory:.0f} MB"
    )
    out = folder / "sheet.xlsx"
    seconds, memory = timed("eval", str(sheet), "--out", str(out), "--jobs", "2")
    print(f"workbook → workbook, 2 workers: {seconds:.1f} s, peak {memory:.0f} MB")
    if not options.keep:
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
