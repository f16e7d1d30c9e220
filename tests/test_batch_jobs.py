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
