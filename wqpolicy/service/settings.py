"""What a service is started with: policy folders, the decision log, limits, the token, CORS. The app factory takes
a ``Settings``; ``wqpolicy serve`` passes it to uvicorn's worker processes through one environment variable."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

ENV = "WQPOLICY_SERVE_SETTINGS"  # the settings as JSON, for worker processes that uvicorn starts

MAX_BODY_BYTES = 1 << 20  # one application: 1 MiB (a service setting; --max-body)
MAX_BATCH_BYTES = 64 << 20  # one JSON Lines batch: 64 MiB, each line within MAX_BODY_BYTES (a service setting)
RELOAD_INTERVAL = 0.5  # seconds between looks at the policy files (a service setting)


@dataclass(frozen=True)
class Settings:
    """``policy_dirs``: folders of policy files (none: the bundled policies), watched for edits when
    ``reload_interval`` > 0; ``log_path``: the decision log (SQLite); ``token_file``: the file holding the bearer
    token that reading receipts needs (None: no token); ``cors_origins``: origins allowed to call from a browser
    (none: no CORS); ``metrics_dir``: where worker processes leave their counters for /metrics to add up (None:
    this process only)."""

    policy_dirs: tuple[str, ...] = ()
    log_path: str = "wqpolicy-decisions.sqlite"
    token_file: str | None = None
    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = MAX_BODY_BYTES
    max_batch_bytes: int = MAX_BATCH_BYTES
    reload_interval: float = RELOAD_INTERVAL
    metrics_dir: str | None = None

    @property
    def paths(self) -> list[Path]:
        return [Path(p) for p in self.policy_dirs]

    def to_env(self) -> str:
        """The settings as the text of ``ENV``."""
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls) -> Settings:
        data = json.loads(os.environ.get(ENV) or "{}")
        for key in ("policy_dirs", "cors_origins"):
            if key in data:
                data[key] = tuple(data[key])
        return cls(**data)


def read_token(path: str | Path) -> str:
    """The bearer token in ``path`` (its first line, trimmed). Raises ValueError, in Chinese and English, when the
    file cannot be read or holds no token."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ValueError(f"无法读取令牌文件 {path}：{e} / cannot read the token file {path}: {e}") from None
    token = text.strip().splitlines()[0].strip() if text.strip() else ""
    if len(token) < 16:
        raise ValueError(
            f"令牌文件 {path} 中的令牌为空或少于 16 个字符 / the token in {path} is empty or shorter than 16 characters"
        )
    return token
