"""Documents people read and file: the decision notice (notice.py), the policy as a 条文对照表 (policy_table.py)
and a revision's 修订对照表 (revision_table.py) — each a model of plain data built from the library's objects —
and one renderer per format (text.py, markdown.py, html.py with Jinja2 templates, word.py with python-docx).
HTML and Word need the optional extra ``wqpolicy[docs]``; without it they raise MissingExtra."""

from __future__ import annotations

EXTRA_HINT = 'pip install "wqpolicy[docs]"'


class MissingExtra(Exception):
    """A format whose library is not installed: ``zh`` and ``en`` say so and name the install command."""

    def __init__(self, fmt: str, package: str):
        self.zh = f"--format {fmt} 需要安装 {package}，请运行：{EXTRA_HINT}"
        self.en = f"--format {fmt} needs {package}, which is not installed: {EXTRA_HINT}"
        super().__init__(f"{self.zh}\n{self.en}")
