"""How values look to people and in JSON text: exact decimals without exponents, grouped thousands,
ratios as percentages, and {name} placeholders in messages and labels filled with them."""
from __future__ import annotations

from decimal import Decimal

from .values import UNKNOWN, quantize


def decimal_text(v) -> str:
    """Exact decimal text without exponent or trailing zeros: 0.0375, 12066000."""
    d = Decimal(v)
    if d == d.to_integral_value():
        return format(quantize(d, Decimal(1)), "f")
    return format(d.normalize(), "f")


def display(v, kind: str | None = None) -> str:
    """A value for people: 1,234,567 for large numbers, 4.5% for a ratio parameter, 0.03666667… for long decimals."""
    if v is UNKNOWN or v is None:
        return "unknown"
    if kind == "ratio" and isinstance(v, (int, Decimal)) and not isinstance(v, bool):
        pct = Decimal(v) * 100
        if pct.as_tuple().exponent < -4:
            return format(quantize(pct, Decimal("1e-4")), "f").rstrip("0") + "…%"
        return decimal_text(pct) + "%"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, Decimal)):
        d = Decimal(v)
        if d.as_tuple().exponent < -10:
            return format(quantize(d, Decimal("1e-8")), "f").rstrip("0") + "…"
        if d and d.adjusted() >= 3:  # four digits or more: group the thousands
            text = f"{d:,f}"
            return text.rstrip("0").rstrip(".") if "." in text else text
        return decimal_text(d)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(display(x) for x in v) + "]"
    if isinstance(v, dict):
        if v and all(isinstance(x, dict) for x in v.values()):
            return "{" + ", ".join(v) + "}"
        return "{" + ", ".join(f"{k}: {display(x)}" for k, x in v.items()) + "}"
    return str(v)


def fill(template: str, values: dict, kinds: dict) -> str:
    if "{" not in template:
        return template
    for k, v in values.items():
        template = template.replace("{" + k + "}", display(v, kinds.get(k)))
    return template
