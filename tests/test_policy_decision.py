"""`Policy.decision(name)` is the public way to a compiled decision: the decision, or WQ-INPUT with the closest
name."""

from __future__ import annotations

import pytest

from wqpolicy import WQError, load_policy


def test_a_decision_is_found_by_its_name_and_a_misspelt_one_gets_the_closest():
    policy = load_policy("wuqing-five-platforms@2021-trial")
    assert policy.decision("recognition") is policy.decisions["recognition"]
    with pytest.raises(WQError) as e:
        policy.decision("recognitoin")
    (d,) = e.value.diagnostics
    assert (d.code, d.subject, d.hint) == ("WQ-INPUT", "recognitoin", "did you mean `recognition`?")
    assert d.zh and d.hint_zh
    with pytest.raises(WQError) as e:
        policy.decision("nothing_alike", "app.yaml")
    assert (e.value.diagnostics[0].span.file, e.value.diagnostics[0].span.line) == ("app.yaml", 1)
