"""wqpolicy: versioned YAML policies with an explained, exact evaluator.

Load a policy version once (``load_policy``: parsed, checked and compiled), then evaluate documents with it
(``Policy.evaluate``), each giving a ``DecisionRecord``:

>>> import wqpolicy
>>> policy = wqpolicy.load_policy("wuqing-five-platforms@2021-trial")   # or None: the version in force today
>>> record = policy.evaluate("filing", {"platform": {"industry": "biomedicine"}})
>>> record.outcome                                  # the fields left out make their rules unknown
'needs_review'
>>> record.rule("filing.entity").values["applicant.registered_in_wuqing"] is wqpolicy.UNKNOWN
True
>>> record.to_json()["policy"]                      # to_json(): what `wqpolicy eval --format json` prints
{'id': 'wuqing-five-platforms', 'version': '2021-trial'}

Every problem a caller can cause raises ``WQError``; its ``diagnostics`` each carry a stable ``code``, a
``message``, a ``hint`` and a ``span`` (``file``, ``line``, ``col``; None when there is no place to point at):

>>> try:
...     wqpolicy.load_policy("no/such/policy.yaml")
... except wqpolicy.WQError as e:
...     d = e.diagnostics[0]
...     print(d.code, d.span.file, d.span.line, d.span.col)
WQ-FILE no/such/policy.yaml 1 1
>>> try:
...     policy.evaluate("filing", {"platform": {"industry": 5}})
... except wqpolicy.WQError as e:
...     print(e.diagnostics[0].render())
error[WQ-INPUT]: platform.industry: 5 is not of type 'string'
"""

from .errors import Diagnostic, WQError
from .loader import Library, Policy, load_policy
from .record import DecisionRecord, RuleResult
from .values import UNKNOWN
from .words import Kind, RuleOutcome, Severity

__all__ = [
    "load_policy",
    "Policy",
    "Library",
    "DecisionRecord",
    "RuleResult",
    "Diagnostic",
    "WQError",
    "UNKNOWN",
    "RuleOutcome",
    "Severity",
    "Kind",
]
__version__ = "0.1.0"
