"""README's section on documents shows what the tools give: its 修订对照表 rows are rows `wqpolicy render` prints,
its pictures exist and are small, and the commands it lists run from the repository root."""

from __future__ import annotations

import re
import shlex

from conftest import ROOT, run

README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("### 5. Documents") : README.index("## The policy language")]


def test_the_revision_table_rows_in_readme_are_what_render_prints(monkeypatch):
    monkeypatch.chdir(ROOT)
    printed = run("render", "tests/fixtures/revision/2022-hypothetical.yaml", "--format", "md").stdout.splitlines()
    rows = [line for line in SECTION.splitlines() if re.match(r"\| \d", line)]
    assert len(rows) >= 3 and all(row in printed for row in rows)


def test_the_pictures_exist_and_are_small():
    for name in re.findall(r"\]\((docs/[^)]+\.png)\)", SECTION):
        path = ROOT / name
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size < 200_000, name


def test_the_commands_in_readme_run(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    block = SECTION[SECTION.index("```sh\n") + 6 :]
    block = block[: block.index("```")].replace("\\\n", " ")
    for line in block.splitlines():
        words = shlex.split(line, comments=True)
        if words[0] != "wqpolicy":
            continue
        if "--out" in words:  # written into the test's folder, not the repository
            at = words.index("--out") + 1
            words[at] = str(tmp_path / words[at])
        r = run(*words[1:])
        assert r.exit_code == 0, (line, r.stderr)
