"""A batch on several worker processes gives what it gives on one, byte for byte, in input order; the work is sent
in chunks, and a batch of one chunk stays in this process."""

from __future__ import annotations

import json

import pytest

from conftest import BUNDLED_REF, ROOT, run_process
from wqpolicy.batch.runner import CHUNK, run_ordered

JSONL = ROOT / "tests" / "fixtures" / "batch" / "applications.jsonl"


class Tagged:
    """A task that says which process did each item."""

    def setup(self) -> None:
        pass

    def __call__(self, item: int) -> tuple[int, int]:
        import os

        return item, os.getpid()


def test_results_come_in_input_order_from_every_worker():
    import os

    results = list(run_ordered(iter(range(3 * CHUNK + 7)), Tagged(), jobs=2))
    assert [i for i, _ in results] == list(range(3 * CHUNK + 7))
    assert {pid for _, pid in results} - {os.getpid()}  # worker processes did the work


def test_a_batch_of_one_chunk_stays_in_this_process():
    import os

    assert {pid for _, pid in run_ordered(iter(range(10)), Tagged(), jobs=2)} == {os.getpid()}


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """Two chunks' worth of applications: the fixture's, again and again, each with its own id."""
    lines = JSONL.read_text(encoding="utf-8").splitlines()
    path = tmp_path_factory.mktemp("many") / "apps.jsonl"
    out = []
    for n in range(CHUNK + 50):
        doc = json.loads(lines[n % len(lines)])
        doc["id"] = f"A{n:04d}"
        out.append(json.dumps(doc, ensure_ascii=False))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", ["jsonl", "xlsx"])
def test_two_jobs_write_the_same_bytes_as_one(many, tmp_path, suffix):
    one, two = tmp_path / f"one.{suffix}", tmp_path / f"two.{suffix}"
    for jobs, out in ((1, one), (2, two)):
        r = run_process("eval", many, "--policy", BUNDLED_REF, "--jobs", jobs, "--out", out)
        assert r.returncode == 0, r.stderr
    assert one.read_bytes() == two.read_bytes()
    if suffix == "jsonl":
        ids = [json.loads(x)["id"] for x in one.read_text(encoding="utf-8").splitlines()]
        assert ids == [f"A{n:04d}" for n in range(CHUNK + 50)]


def test_items_and_results_cross_to_a_worker_and_back_equal():
    import pickle

    from wqpolicy.batch.decide import Decide
    from wqpolicy.batch.items import Item, Problem
    from wqpolicy.batch.policies import PolicySpec
    from wqpolicy.batch.read_jsonl import read_jsonl

    items = list(read_jsonl(JSONL, 0))
    odd = Item(
        7, "A7", "s.xlsx", {"a": 1}, None, 3, None, "recognition", (Problem("认定申请!F7", "甲", "a"),), {"": "x"}
    )
    for item in [*items, odd]:
        assert pickle.loads(pickle.dumps(item, pickle.HIGHEST_PROTOCOL)) == item
    task = Decide(PolicySpec(BUNDLED_REF), None, lines=True)
    task.setup()
    for full in (False, True):
        for item in items:
            result = Decide(PolicySpec(BUNDLED_REF), None, lines=full)(item)
            back = pickle.loads(pickle.dumps(result, pickle.HIGHEST_PROTOCOL))
            assert back == result and back.__dict__ == result.__dict__
    assert any(Decide(PolicySpec(BUNDLED_REF))(i).failed for i in items)  # the results carry rules and labels


def test_json_lines_read_in_blocks_give_the_applications_read_line_by_line(tmp_path):
    import dataclasses

    from wqpolicy.batch.read_jsonl import read_blocks, read_jsonl

    lines = JSONL.read_bytes().splitlines(keepends=True)
    path = tmp_path / "odd.jsonl"
    odd = [b"\xef\xbb\xbf" + lines[0], b"\n", b"  \n", b"\xff\xfe\n", "\u3000\n".encode(), b"{not json\n"]
    path.write_bytes(b"".join([*odd, *lines[1:], b'{"decision": "recognition"}']))
    whole = [dataclasses.replace(i, index=0) for i in read_jsonl(path, 5)]
    for size in (1, 4, 100):
        blocks = list(read_blocks(path, 5, size))
        assert [dataclasses.replace(i, index=0) for b in blocks for i in b.decoded()] == whole
        assert [b.index for b in blocks] == [5 + n * size for n in range(len(blocks))]


def test_json_lines_out_count_and_report_as_every_other_format(tmp_path, many):
    from wqpolicy.batch.evaluation import evaluate_batch
    from wqpolicy.batch.policies import PolicySpec

    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'\n{"decision": "recognition"}\n\xff\n{not json\n' + JSONL.read_bytes())
    runs = [
        evaluate_batch(
            [str(bad), str(many)], PolicySpec(BUNDLED_REF), jobs=jobs, out=str(tmp_path / f"o.{fmt}"), fmt=fmt
        )
        for fmt, jobs in (("csv", 1), ("jsonl", 1), ("jsonl", 2))
    ]
    assert runs[0].summary.applications == CHUNK + 50 + 3 + len(JSONL.read_bytes().splitlines())
    for run in runs[1:]:
        assert run.summary.to_json() == runs[0].summary.to_json()
        assert run.summary.rows(run.labels) == runs[0].summary.rows(runs[0].labels)
        assert (run.problems, run.unshown) == (runs[0].problems, runs[0].unshown)
