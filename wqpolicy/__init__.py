"""wqpolicy: versioned YAML policies with an explained, exact evaluator.

Public API::

    import wqpolicy
    policy = wqpolicy.load_policy("wuqing-five-platforms@2021-trial")
    record = policy.evaluate("recognition", document)
    record.outcome, record.to_json()
"""
from .errors import Diagnostic, WQError
from .loader import Library, Policy, load_policy
from .record import DecisionRecord, RuleResult
from .values import UNKNOWN

__all__ = ["load_policy", "Policy", "Library", "DecisionRecord", "RuleResult", "Diagnostic", "WQError", "UNKNOWN"]
__version__ = "0.1.0"
