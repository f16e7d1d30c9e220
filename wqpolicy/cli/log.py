"""`wqpolicy log verify|show|export FILE`: the decision log that `wqpolicy serve` and `wqpolicy eval --log` write —
its chain checked and every entry evaluated again, listed a line per entry, or exported as JSON Lines or CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import click

from ..decisionlog import COLUMNS, DecisionLog, Entry, LogError
from ..errors import WQError
from ..library import Library
from ..policy import Policy
from ..receipts import verify_entry
from . import home, main, out, paths, policies_option, write_output

SUMMARY = tuple(c for c in COLUMNS if c not in ("input", "record"))  # an entry without its documents


def _open(file: str) -> DecisionLog:
    try:
        return DecisionLog(file, create=False)
    except LogError as e:
        raise click.ClickException(f"{e.zh}\n{e.en}") from None


@main.group(name="log", short_help="查验决定日志 The decision log.")
def log_group() -> None:
    """`wqpolicy serve` 和 `wqpolicy eval --log FILE` 写入的决定日志（回执）：verify 查验，show 列出，export 导出。

    `wqpolicy eval examples/recognition.yaml --log decisions.sqlite` 即生成一个日志。

    The decision log (receipts) that `wqpolicy serve` and `wqpolicy eval --log FILE` write.
    `wqpolicy eval examples/recognition.yaml --log decisions.sqlite` makes one.

    \b
    示例 Examples:
      wqpolicy log verify decisions.sqlite
      wqpolicy log show decisions.sqlite
      wqpolicy log export decisions.sqlite --format csv
    """


@log_group.command(name="verify", short_help="查验日志 Verify the log.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@policies_option
def verify(file: str, policy_dirs: tuple[str, ...]) -> None:
    """查验日志的哈希链，再把每条记录按其所写的政策版本（在政策文件夹——找不到时为随附政策——和 --policies 中查找）、
    以同一个选定版本的日期重新评估，与存档的记录比较。每个问题都写明是第几条记录及其回执编号。链完整且每条记录重新
    评估结果一致时退出码为 0；链断裂、结果不一致、版本找不到或其内容已改变时为 1。

    Check the log's hash chain, then evaluate every entry again under the policy version it names (found in the
    policy folder, else among the bundled policies, and --policies), with the same date choosing the version, and
    compare with the stored record. Each problem is named by its entry (sequence number and receipt). Exit 0 when
    the chain is intact and every entry gives the same record again; 1 on any break or mismatch, or a version that
    is missing or whose content has changed.

    \b
    示例 Examples:
      wqpolicy log verify decisions.sqlite
      wqpolicy log verify decisions.sqlite --policies policies
    """
    log = _open(file)
    problems = 0
    for p in log.verify_chain():
        problems += 1
        out(f"第 {p.seq} 条 entry {p.seq} {p.receipt}: 链断裂 chain broken: {p.zh} / {p.en}\n")
    library = Library.over_bundled(paths(policy_dirs), home=home())
    loaded: dict[tuple[str, str], Policy | WQError] = {}

    def find(policy_id: str, version: str) -> Policy:
        key = (policy_id, version)
        if key not in loaded:
            try:
                loaded[key] = library.load(policy_id, version)
            except WQError as e:
                loaded[key] = e
        found = loaded[key]
        if isinstance(found, WQError):
            raise found
        return found

    count = same = 0
    for entry in log.entries():
        count += 1
        result = verify_entry(entry, find, log.policy_content(entry.policy_sha256))
        if result.ok:
            same += 1
            continue
        problems += 1
        out(f"第 {entry.seq} 条 entry {entry.seq} {entry.receipt}: {result.zh} / {result.en}\n")
        for d in result.differences:
            out(f"    {d.path}: {_shown(d.stored)} → {_shown(d.now)}\n")
        for item in result.changed_items:
            out(f"    {item}\n")
    summary_zh = f"{count} 条记录，重新评估一致 {same} 条，问题 {problems} 处"
    summary_en = f"{count} entries, {same} evaluated again to the same record, {problems} problem(s)"
    out(f"{summary_zh} · {summary_en}\n")
    log.close()
    if problems:
        raise click.exceptions.Exit(1)


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "…"


@log_group.command(name="show", short_help="列出记录 List the entries.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--after", default=0, type=click.IntRange(0), help="只列出此序号之后的记录。 / Entries after this sequence number."
)
@click.option("--limit", default=None, type=click.IntRange(1), help="最多列出的条数。 / At most this many entries.")
@click.option("--decision", default=None, help="只列出这项决定的记录。 / Only entries of this decision.")
def show(file: str, after: int, limit: int | None, decision: str | None) -> None:
    """每条记录一行：序号、时间、回执编号、决定、结论、政策版本及其内容校验码的前几位。

    One line per entry: sequence number, time, receipt, decision, outcome, policy version and the first
    characters of its content hash.

    \b
    示例 Examples:
      wqpolicy log show decisions.sqlite
      wqpolicy log show decisions.sqlite --decision recognition --limit 20
    """
    log = _open(file)
    for e in log.entries(after=after, limit=limit, decision=decision):
        out(_line(e))
    log.close()


def _line(e: Entry) -> str:
    return (
        f"{e.seq:>6}  {e.time}  {e.receipt}  {e.decision:<18} {e.outcome or '-':<16} "
        f"{e.policy_id}@{e.version}  {e.policy_sha256[:12]}\n"
    )


@log_group.command(name="export", short_help="导出记录 Export the entries.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv"]),
    default="jsonl",
    show_default=True,
    help="jsonl 每行一条记录；csv 每个字段一列。 / jsonl: an entry a line; csv: a column per field.",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="写入文件 FILE（要么完整写出，要么不写），不输出到屏幕。 / Write to FILE (whole or not at all) instead of "
    "standard output.",
)
def export(file: str, fmt: str, out_path: str | None) -> None:
    """导出全部记录：JSON Lines（每行一条，申报材料和决定记录为对象）或 CSV（每个字段一列，申报材料和决定记录为 JSON
    文字）。

    Every entry whole: JSON Lines (one entry a line, input and record as objects) or CSV (a column per field,
    input and record as JSON text).

    \b
    示例 Examples:
      wqpolicy log export decisions.sqlite
      wqpolicy log export decisions.sqlite --format csv
    """
    log = _open(file)
    if fmt == "jsonl":
        text = "".join(json.dumps(e.to_json(), ensure_ascii=False) + "\n" for e in log.entries())
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([*SUMMARY, "input", "record"])
        for e in log.entries():
            summary = e.summary()
            writer.writerow([*(summary[k] for k in SUMMARY), e.input, e.record_text])
        text = buffer.getvalue()
    log.close()
    write_output(text, out_path)
