"""The decision log: every evaluation kept as a receipt in an append-only, hash-chained SQLite file.

Each entry holds what is needed to answer, years later, "why was this application decided so, under which rules":
the input and the record as JSON, the policy id, version and the sha256 of the resolved policy, the sha256 of the
input, the engine version, the date that chose the version, and the time. Each entry's ``hash`` covers all of
that and the previous entry's hash, so editing, removing or reordering any entry breaks the chain from there on
(``verify_chain``); SQL triggers refuse UPDATE and DELETE, so only a deliberate attack on the file can try, and the
chain shows it. Appends are transactions in WAL mode with ``synchronous=FULL``: once ``append`` returns, the
entry survives a kill of the process (or of the machine), and a crash never leaves half an entry.

Several processes (service workers, a CLI run) may append to one file: ``BEGIN IMMEDIATE`` takes the write lock
before the previous hash is read, so the chain stays one line.

>>> import tempfile, os
>>> log = DecisionLog(os.path.join(tempfile.mkdtemp(), "decisions.sqlite"))
>>> e = log.append(decision="filing", policy_id="p", version="1", policy_sha256="ab" * 32,
...                input_doc={"decision": "filing"}, record={"outcome": "needs_review"}, engine="0.1.0",
...                evaluated_on="2026-01-05")
>>> log.get(e.receipt).record["outcome"], log.verify_chain()
('needs_review', [])
"""

from __future__ import annotations

import datetime
import hashlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from decimal import Decimal  # noqa: F401 - the docstring examples use it
from pathlib import Path
from typing import Any

from .jsontext import encode_basestring, exact_canonical

FORMAT = "wqpolicy-decision-log/1"
GENESIS = "0" * 64  # the "previous hash" of the first entry
_BUSY_MS = 30_000  # how long an append waits for another process's write (an engine setting)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    seq INTEGER PRIMARY KEY,
    receipt TEXT NOT NULL UNIQUE,
    time TEXT NOT NULL,
    decision TEXT NOT NULL,
    outcome TEXT,
    policy_id TEXT NOT NULL,
    version TEXT NOT NULL,
    policy_sha256 TEXT NOT NULL,
    input_sha256 TEXT NOT NULL,
    engine TEXT NOT NULL,
    evaluated_on TEXT,
    input TEXT NOT NULL,
    record TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS entries_no_update BEFORE UPDATE ON entries
    BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS entries_no_delete BEFORE DELETE ON entries
    BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END;
"""

# What a policy version held, item by item, kept once per content hash: so that a receipt whose policy has changed
# since can say which items changed. Not part of the chain (the chain holds the content hash itself).
_POLICIES = """
CREATE TABLE IF NOT EXISTS policies (sha256 TEXT PRIMARY KEY, content TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS policies_no_update BEFORE UPDATE ON policies
    BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS policies_no_delete BEFORE DELETE ON policies
    BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END;
"""

# The fields an entry's hash covers, in this order (with the previous hash).
_HASHED = (
    "seq",
    "receipt",
    "time",
    "decision",
    "outcome",
    "policy_id",
    "version",
    "policy_sha256",
    "input_sha256",
    "engine",
    "evaluated_on",
    "input",
    "record",
    "prev_hash",
)


class LogError(Exception):
    """The file is not a decision log, or cannot be opened or written; ``zh`` and ``en`` say why."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


def canonical(value: Any) -> str:
    """The one JSON text of ``value`` that hashes are taken over: keys sorted, no spaces, UTF-8 as it is. A Decimal
    (an input document's exact number) is written as the JSON number it is, digit for digit, never through float.

    >>> canonical({"b": Decimal("0.10"), "a": [1, "x"]})
    '{"a":[1,"x"],"b":0.10}'
    """
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    except TypeError:  # exact numbers: written by hand below (rare outside input documents)
        return exact_canonical(value)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Entry:
    """One receipt: a stored evaluation. ``input`` and ``record`` are the JSON texts as stored (``input_doc`` and
    ``record_doc`` parse them)."""

    seq: int
    receipt: str
    time: str
    decision: str
    outcome: str | None
    policy_id: str
    version: str
    policy_sha256: str
    input_sha256: str
    engine: str
    evaluated_on: str | None
    input: str
    record_text: str
    prev_hash: str
    hash: str

    @property
    def input_doc(self) -> Any:
        return json.loads(self.input)

    @property
    def record(self) -> Any:
        return json.loads(self.record_text)

    def summary(self) -> dict:
        """The entry without its input and record: a line of `wqpolicy log show`."""
        return {k: v for k, v in asdict(self).items() if k not in ("input", "record_text")}

    def to_json(self) -> dict:
        """The whole entry as JSON (input and record as objects), as `wqpolicy log export` writes it."""
        out = self.summary()
        out["input"] = self.input_doc
        out["record"] = self.record
        return out


def entry_hash(fields: dict) -> str:
    """The hash of an entry: sha256 over its fields (``_HASHED``) in one canonical JSON text."""
    return sha256_text(canonical([fields[k] for k in _HASHED]))


@dataclass(frozen=True)
class ChainProblem:
    """Where the chain breaks: the entry (by ``seq``, and its receipt) and what is wrong, in Chinese and English."""

    seq: int
    receipt: str
    zh: str
    en: str


class DecisionLog:
    """An open decision log file (created when missing). Thread-safe per instance only through one connection per
    thread: make one ``DecisionLog`` per thread or process."""

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise LogError(f"找不到决定日志 {self.path}", f"no decision log at {self.path}")
        try:
            self._db = sqlite3.connect(
                str(self.path), timeout=_BUSY_MS / 1000, isolation_level=None, check_same_thread=False
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute(f"PRAGMA busy_timeout={_BUSY_MS}")
            found = self._db.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
            names = {n for (n,) in found}
            if names and not {"meta", "entries"} <= names:
                raise LogError(
                    f"{self.path} 不是决定日志（表不符）", f"{self.path} is not a decision log (other tables)"
                )
            if not names:
                if not create:
                    raise LogError(f"{self.path} 不是决定日志", f"{self.path} is not a decision log")
                self._db.executescript(_SCHEMA)
                self._db.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (FORMAT,))
            if "policies" not in names:
                self._db.executescript(_POLICIES)  # a log made before the table: added, nothing else changes
            row = self._db.execute("SELECT value FROM meta WHERE key='format'").fetchone()
            if row is None or row[0] != FORMAT:
                raise LogError(f"{self.path} 的格式不是 {FORMAT}", f"{self.path} is not in the format {FORMAT}")
        except sqlite3.DatabaseError as e:
            raise LogError(
                f"无法打开决定日志 {self.path}：{e}", f"cannot open the decision log {self.path}: {e}"
            ) from None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> DecisionLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ------------------------------------------------------------------------------------------
    def append(
        self,
        *,
        decision: str,
        policy_id: str,
        version: str,
        policy_sha256: str,
        input_doc: Any,
        record: dict,
        engine: str,
        evaluated_on: str | None = None,
        time: str | None = None,
    ) -> Entry:
        """Store one evaluation; returns its entry (``entry.receipt`` is the receipt id). Durable on return."""
        return self.append_many(
            [
                dict(
                    decision=decision,
                    policy_id=policy_id,
                    version=version,
                    policy_sha256=policy_sha256,
                    input_doc=input_doc,
                    record=record,
                    engine=engine,
                    evaluated_on=evaluated_on,
                    time=time,
                )
            ]
        )[0]

    def append_many(self, items: list[dict]) -> list[Entry]:
        """Store several evaluations in one transaction (all or none), in order; each item has the keyword
        arguments of ``append`` (or is what ``prepared`` made of them)."""
        items = [prepared(item) for item in items]
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                last = self._db.execute("SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1").fetchone()
                seq, prev = (last[0], last[1]) if last else (0, GENESIS)
                out = []
                for item in items:
                    seq += 1
                    texts = item[_TEXTS]
                    fields = {
                        "seq": seq,
                        "time": item.get("time") or _now(),
                        "decision": item["decision"],
                        "outcome": item["record"].get("outcome"),
                        "policy_id": item["policy_id"],
                        "version": item["version"],
                        "policy_sha256": item["policy_sha256"],
                        "input_sha256": texts.input_sha256,
                        "engine": item["engine"],
                        "evaluated_on": item.get("evaluated_on"),
                        "input": texts.input,
                        "record": texts.record,
                        "prev_hash": prev,
                    }
                    fields["receipt"] = "r-" + sha256_text(_hashed_text(fields, texts, receipt=False))[:24]
                    fields["hash"] = sha256_text(_hashed_text(fields, texts))
                    self._db.execute(
                        f"INSERT INTO entries ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
                        [fields[c] for c in COLUMNS],
                    )
                    prev = fields["hash"]
                    out.append(_entry(fields))
                self._db.execute("COMMIT")
                return out
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        except sqlite3.DatabaseError as e:
            raise LogError(
                f"无法写入决定日志 {self.path}：{e}", f"cannot write the decision log {self.path}: {e}"
            ) from None

    def remember_policy(self, sha256: str, content: dict) -> None:
        """Keep what the policy version of content hash ``sha256`` held (once: the first copy stays), so that a
        receipt made under it can later name the items that changed (see ``policy_content``)."""
        try:
            self._db.execute("INSERT OR IGNORE INTO policies VALUES (?, ?)", (sha256, canonical(content)))
        except sqlite3.DatabaseError as e:
            raise LogError(
                f"无法写入决定日志 {self.path}：{e}", f"cannot write the decision log {self.path}: {e}"
            ) from None

    # -- reading ------------------------------------------------------------------------------------------
    def policy_content(self, sha256: str) -> dict | None:
        """What ``remember_policy`` kept for the content hash ``sha256``, or None."""
        row = self._db.execute("SELECT content FROM policies WHERE sha256 = ?", (sha256,)).fetchone()
        return json.loads(row[0]) if row else None

    def get(self, receipt: str) -> Entry | None:
        """The entry of ``receipt``, or None."""
        row = self._db.execute(f"SELECT {', '.join(COLUMNS)} FROM entries WHERE receipt = ?", (receipt,)).fetchone()
        return _entry(dict(zip(COLUMNS, row))) if row else None

    def entries(self, *, after: int = 0, limit: int | None = None, decision: str | None = None) -> Iterator[Entry]:
        """Entries in order, from ``seq > after``; ``decision`` filters. Read in pages: memory stays bounded."""
        page, seen = 500, 0
        while limit is None or seen < limit:
            take = page if limit is None else min(page, limit - seen)
            where, args = "seq > ?", list[Any]([after])
            if decision is not None:
                where += " AND decision = ?"
                args.append(decision)
            rows = self._db.execute(
                f"SELECT {', '.join(COLUMNS)} FROM entries WHERE {where} ORDER BY seq LIMIT ?", [*args, take]
            ).fetchall()
            if not rows:
                return
            for row in rows:
                e = _entry(dict(zip(COLUMNS, row)))
                after = e.seq
                seen += 1
                yield e

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM entries").fetchone()[0])

    def head(self) -> str:
        """The hash of the last entry (GENESIS for an empty log): note it to prove later that nothing was cut off."""
        row = self._db.execute("SELECT hash FROM entries ORDER BY seq DESC LIMIT 1").fetchone()
        return row[0] if row else GENESIS

    def verify_chain(self) -> list[ChainProblem]:
        """Every break in the chain: an entry whose hash does not match its fields, whose previous hash is not the
        entry before it, whose receipt is not its own, or a gap in the sequence. Empty when the log is intact."""
        problems: list[ChainProblem] = []
        prev, expected_seq = GENESIS, 1
        for e in self.entries():
            fields = _fields(e)
            if e.seq != expected_seq:
                problems.append(
                    ChainProblem(
                        e.seq,
                        e.receipt,
                        f"第 {expected_seq} 条之后缺少条目（下一条是第 {e.seq} 条）",
                        f"entries missing after {expected_seq - 1} (next is {e.seq})",
                    )
                )
            if e.prev_hash != prev:
                problems.append(
                    ChainProblem(
                        e.seq,
                        e.receipt,
                        "与上一条的链接不符（条目被删改或调换）",
                        "does not link to the entry before it (an entry was altered, removed or moved)",
                    )
                )
            if entry_hash(fields) != e.hash:
                problems.append(
                    ChainProblem(
                        e.seq,
                        e.receipt,
                        "内容与其哈希不符（条目被改动）",
                        "its content does not match its hash (the entry was altered)",
                    )
                )
            elif _receipt_of(fields) != e.receipt:  # consistent with its hash, but not its own receipt
                problems.append(
                    ChainProblem(e.seq, e.receipt, "回执编号与条目内容不符", "the receipt id does not match the entry")
                )
            if sha256_text(e.input) != e.input_sha256:
                problems.append(
                    ChainProblem(e.seq, e.receipt, "申报材料与其哈希不符", "the input does not match its sha256")
                )
            prev, expected_seq = e.hash, e.seq + 1
        return problems


COLUMNS = (*_HASHED, "hash")  # an entry's columns, in the table's order


_TEXTS = "_texts"  # the key under which ``prepared`` keeps an item's texts


@dataclass(frozen=True)
class _Texts:
    """What an entry stores and hashes that does not depend on the chain: the input's and the record's canonical
    texts, the input's sha256, and each text as a JSON string (the form the entry's hash reads it in)."""

    input: str
    record: str
    input_sha256: str
    input_json: str
    record_json: str


def prepared(item: dict) -> dict:
    """An item of ``append_many`` with the texts it stores made: the most of an entry's work, none of which depends
    on the entry before it — so that a writer can do it before taking its turn to write (the log's hash chain
    makes the turns one at a time)."""
    if _TEXTS in item:
        return item
    input_text, record_text = canonical(item["input_doc"]), canonical(item["record"])
    texts = _Texts(
        input_text, record_text, sha256_text(input_text), encode_basestring(input_text), encode_basestring(record_text)
    )
    return {**item, _TEXTS: texts}


def _hashed_text(fields: dict, texts: _Texts, receipt: bool = True) -> str:
    """``canonical([fields[k] for k in _HASHED])`` (without the receipt when ``receipt`` is False), made with the
    big texts already written as JSON strings: a list's canonical text is its items' texts joined by commas."""
    parts = []
    for k in _HASHED:
        if k == "input":
            parts.append(texts.input_json)
        elif k == "record":
            parts.append(texts.record_json)
        elif k != "receipt" or receipt:
            parts.append(canonical(fields[k]))
    return "[" + ",".join(parts) + "]"


def _receipt_of(fields: dict) -> str:
    """The receipt id of an entry: made from the entry itself (all hashed fields but the receipt), so it is unique
    and checkable against the entry."""
    return "r-" + sha256_text(canonical([fields[k] for k in _HASHED if k != "receipt"]))[:24]


def _entry(fields: dict) -> Entry:
    values = {("record_text" if k == "record" else k): fields[k] for k in COLUMNS}
    return Entry(**values)


def _fields(e: Entry) -> dict:
    out = asdict(e)
    out["record"] = out.pop("record_text")
    return out


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="microseconds")
