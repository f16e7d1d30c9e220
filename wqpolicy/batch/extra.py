"""The optional libraries of batches: openpyxl for workbooks, rich for the progress bar. Without openpyxl, a
workbook in or out is an error in Chinese and English that names the install command."""

from __future__ import annotations

from types import ModuleType

from ..errors import Diagnostic, WQError

SHEETS_HINT = 'pip install "wqpolicy[sheets]"'


def openpyxl() -> ModuleType:
    """The openpyxl module; WQError (WQ-FILE) saying how to install it when it is not installed."""
    try:
        import openpyxl as module
    except ImportError:
        raise WQError(
            [
                Diagnostic(
                    "WQ-FILE",
                    f"Excel workbooks (.xlsx) need openpyxl, which is not installed: {SHEETS_HINT}",
                    hint=SHEETS_HINT,
                    zh=f"读写 Excel 工作簿（.xlsx）需要安装 openpyxl，请运行：{SHEETS_HINT}",
                    hint_zh=SHEETS_HINT,
                )
            ]
        ) from None
    return module


def rich_available() -> bool:
    try:
        import rich  # noqa: F401
    except ImportError:
        return False
    return True
