"""The service's answers as pydantic models, for the OpenAPI document and to check what is sent. The decision
record itself, and each decision's input, are described by the project's JSON Schemas (schemas/decision.schema.json
and the policy's input schemas), put into the OpenAPI document as they are (openapi.py)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Words(BaseModel):
    zh: str
    en: str


class DiagnosticModel(BaseModel):
    """A diagnostic of the project (wqpolicy.errors.Diagnostic) as facts."""

    code: str = Field(examples=["WQ-INPUT"])
    severity: str = "error"
    message: str
    message_zh: str | None = None
    file: str | None = None
    line: int | None = None
    col: int | None = None
    path: str | None = Field(None, description="the input field, rule, parameter or output it concerns")
    hint: str | None = None
    hint_zh: str | None = None
    decision: str | None = None


class ProblemModel(BaseModel):
    """An error, as RFC 9457 problem details (``application/problem+json``), in English and Chinese."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    title_zh: str
    detail_zh: str
    diagnostics: list[DiagnosticModel] | None = None
    choices: list[str] | None = Field(None, description="what there is, for an unknown name")


class VersionInfo(BaseModel):
    version: str
    effective_from: str | None
    effective_until: str | None
    sha256: str = Field(description="content hash of the resolved policy and its input schemas")
    title: Words | None = None
    decisions: list[str]
    extends: str | None = None
    href: str


class PolicyInfo(BaseModel):
    id: str
    versions: list[VersionInfo]


class PolicyList(BaseModel):
    generation: int = Field(description="the policy set serving (1 at start, one more per clean reload)")
    policies: list[PolicyInfo]


class Health(BaseModel):
    status: str = "ok"


class LoadFailure(BaseModel):
    at: str
    diagnostics: list[DiagnosticModel]


class Status(BaseModel):
    """What serves and what the last load of the policy folders found."""

    ready: bool
    message: Words
    generation: int | None = None
    loaded_at: str | None = None
    policies: list[str] = []
    files: list[str] = []
    watching: list[str] = Field(description="the folders watched for edits (empty: the bundled policies)")
    failed_edit: LoadFailure | None = Field(
        None, description="the last edit that did not check (not taken up; the set above serves on)"
    )
    warnings: list[DiagnosticModel] = []
    reloads: int = 0
    reload_failures: int = 0
    engine: str
    log: str


class EntrySummary(BaseModel):
    """One receipt of the decision log, without its input and record (a line of `wqpolicy log show`)."""

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
    prev_hash: str
    hash: str


class Entry(EntrySummary):
    """One receipt whole: the input as received and the record as answered."""

    input: dict[str, Any]
    record: dict[str, Any] = Field(description="the decision record as answered (schemas/decision.schema.json)")


class EntryPage(BaseModel):
    entries: list[EntrySummary]
    next: str | None = Field(None, description="the address of the next page, if there is one")
    count: int = Field(description="entries in the log")
    head: str = Field(description="the hash of the last entry: note it to prove later that nothing was cut off")


class DifferenceModel(BaseModel):
    path: str
    stored: Any = None
    now: Any = None
    absent: str | None = None


class VerificationModel(BaseModel):
    """A receipt evaluated again under the version it names."""

    receipt: str
    status: str = Field(description="same | different | policy_changed | policy_not_found | input_refused")
    same: bool
    message: Words
    policy: str
    policy_sha256: dict[str, str | None]
    engine: dict[str, str]
    differences: list[DifferenceModel] | None = None
    difference_count: int | None = None
    changed_items: list[str] | None = None
    diagnostics: list[DiagnosticModel] | None = None
