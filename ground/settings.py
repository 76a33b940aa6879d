"""Configuration, read once from `LEARNLOOM_*` environment variables (or a `.env` file)."""

import logging
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Only ever used when ENV is test: a test's tokens need no secret. Outside dev and test the
# server refuses to start without LEARNLOOM_JWT_SECRET; in dev it makes one (below).
DEV_JWT_SECRET = "learnloom-dev-only-secret-do-not-use-in-production"
DEV_SECRET_FILE = "jwt-secret"  # in DATA_DIR, made once for a dev installation
log = logging.getLogger(__name__)


# All three countries' child helplines answer on the toll-free 116.
HELPLINES = {
    "UG": {"name": "the Sauti child helpline", "number": "116"},
    "ZM": {"name": "Childline Zambia", "number": "116"},
    "KE": {"name": "Childline Kenya", "number": "116"},
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEARNLOOM_", env_file=".env", extra="ignore")

    # Unset means production: a server started without saying otherwise is a real one.
    env: Literal["dev", "test", "prod"] = "prod"
    data_dir: Path = Path("./var")
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; empty means a SQLite file in DATA_DIR. "
        "PostgreSQL: postgresql+psycopg://user@host/db",
    )
    redis_url: str | None = None
    jwt_secret: SecretStr | None = None
    # The key being rotated out: tokens it signed stay valid until they expire.
    jwt_previous_secret: SecretStr | None = None
    jwt_issuer: str = "learnloom"
    jwt_audience: str = "learnloom-api"
    access_token_ttl: int = Field(default=900, ge=60, description="seconds")
    refresh_token_ttl: int = Field(default=86_400, ge=300, description="seconds")
    refresh_token_ttl_remember_me: int = Field(default=30 * 86_400, ge=300, description="seconds")
    cors_origins: list[str] = Field(default_factory=list, description="frontend origins")
    # Rate limits, in the `limits` notation ("5/minute"). Shared through Redis when REDIS_URL
    # is set, so several server processes spend one budget.
    rate_limit_default: str = "300/minute"
    # A body larger than this is refused with 413 before it is read further; one that has not
    # fully arrived after body_timeout_seconds is refused with 408 (a slow sender holds no
    # worker for long).
    max_body_bytes: int = Field(default=1 << 20, ge=1024, description="bytes")
    body_timeout_seconds: float = Field(default=30, gt=0)
    rate_limit_login: str = "5/minute"
    rate_limit_ai_chat: str = "100/minute"
    rate_limit_prefix: str = "learnloom"
    # GraphQL abuse limits for client documents at /graphql (the REST facade's are fixed).
    graphql_max_depth: int = Field(default=10, ge=2)
    graphql_max_aliases: int = Field(default=30, ge=0)
    graphql_max_tokens: int = Field(default=5000, ge=100)
    graphql_max_cost: int = Field(default=100_000, ge=10)
    graphql_max_fields: int = Field(default=300, ge=10, description="fragments expanded")
    graphql_ws_ping_seconds: float = Field(default=25, gt=0)  # keep-alive on WebSockets
    # An unpaged list (a class's subjects, a lesson's blocks) is short by nature.
    graphql_default_page_size: int = Field(default=5, ge=1, description="cost of an unpaged list")
    graphql_max_page_size: int = Field(default=100, ge=1)
    graphql_introspection: bool = True  # analysts use GraphiQL; switch off if not wanted
    # Analytics windows (docs/analytics.md): "active" and "dropped" look back this many days.
    analytics_active_days: int = Field(default=7, ge=1)
    analytics_dropout_days: int = Field(default=30, ge=1)
    # The warehouse reloads what changed this often (docs/analytics.md, Refresh); 0 turns it off.
    analytics_refresh_seconds: int = Field(default=3600, ge=0)
    # Whether `learnloom serve` runs the scheduled jobs itself; off when `learnloom worker`
    # runs them. Several processes may run them: each job runs once per interval.
    background_jobs: bool = True
    # A newly trained completion model is published only if its held-out AUC reaches this.
    model_min_auc: float = Field(default=0.7, ge=0.5, le=1.0)
    # A refresh that changed at least this many rows retrains the model; 0: only `learnloom train`.
    model_retrain_rows: int = Field(default=1000, ge=0)
    # Addresses of reverse proxies whose X-Forwarded-For is believed; nobody else's is.
    trusted_proxies: list[str] = Field(default_factory=list)
    # The learners' web app: `resume_url` of /students/me/continue/ points into it.
    frontend_base_url: str = "http://localhost:3000"
    # A class's performance (/teachers/me/classes/{id}/performance/): who counts as a top
    # performer, who as needing support (an average score or progress below the bar), and
    # how many of each.
    top_performer_score: float = Field(default=80, ge=0, le=100)
    needs_support_score: float = Field(default=50, ge=0, le=100)
    needs_support_progress: float = Field(default=25, ge=0, le=100)
    performance_list_size: int = Field(default=5, ge=1, le=100)
    # Webhooks (docs/api.md, Webhooks): attempts before an event is dead-lettered; the wait
    # before attempt n is about base * 2^(n-1) seconds, with jitter, capped.
    webhook_max_attempts: int = Field(default=8, ge=1, le=50)
    webhook_backoff_seconds: float = Field(default=10, gt=0)
    webhook_backoff_max_seconds: float = Field(default=3600, gt=0)
    webhook_timeout_seconds: float = Field(default=10, gt=0)
    # How often the dispatcher looks for due deliveries when nothing woke it.
    webhook_poll_seconds: float = Field(default=2, gt=0)
    # Delivered deliveries (with their attempts) and their events are kept this long; dead
    # letters until replayed. 0 keeps everything.
    webhook_retention_days: int = Field(default=30, ge=0)
    # Endpoints on loopback or private networks are refused unless this is on (tests, labs).
    webhook_allow_private_urls: bool = False
    # The AI tutor (docs/tutor.md). Without a model, the offline tutor answers from the
    # lessons themselves. With one (any LiteLLM model name, e.g. "openai/gpt-4o-mini" or
    # "ollama/llama3"), the model answers and the offline tutor steps in when it fails.
    llm_model: str | None = None
    llm_api_base: str | None = Field(default=None, description="e.g. http://localhost:11434")
    llm_api_key: SecretStr | None = None
    llm_timeout_seconds: float = Field(default=30, gt=0)
    llm_retries: int = Field(default=1, ge=0, le=5)
    llm_fallback_models: list[str] = Field(default_factory=list)
    # The provider's moderation model, asked about each learner message the offline
    # classifier let through (e.g. "omni-moderation-latest"); unset: not asked.
    llm_moderation_model: str | None = None
    # Messages of the session given to the tutor as the conversation so far.
    tutor_history_messages: int = Field(default=8, ge=0, le=50)
    # The child helplines that safeguarding answers name, by the school's country (ISO code),
    # as JSON: {"UG": {"name": "...", "number": "116"}, ...}. A country left out, or a
    # learner without a school, is told of "a child helpline in your country".
    child_helplines: dict[str, dict[str, str]] = Field(default_factory=lambda: dict(HELPLINES))
    log_level: str = "INFO"
    # "json": one JSON object per log line, with the request id (what a log store reads);
    # "text": plain lines for a terminal.
    log_format: Literal["json", "text"] = "json"
    # Who may read /metrics: bearer of this token; unset, only clients on this machine that
    # no proxy forwarded.
    metrics_token: SecretStr | None = None
    # Cache the users behind tokens and drop one when its row changes (see
    # resolvers/user_cache.py); false reads the user on every request.
    user_cache: bool = True
    # Seconds to wait for the database in /api/system-status before reporting it down.
    database_check_timeout: float = 2.0

    @model_validator(mode="after")
    def _check(self) -> "Settings":
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{(self.data_dir / 'learnloom.db').resolve()}"
        if self.env == "prod" and self.jwt_secret is None:
            raise ValueError(
                "LEARNLOOM_JWT_SECRET must be set (a random string of at least 32 characters; "
                "tokens are signed with it), or LEARNLOOM_ENV=dev for a trial on this machine"
            )
        if self.env == "dev" and self.jwt_secret is None:
            self.jwt_secret = SecretStr(_dev_secret(self.data_dir))
        for name, key in (
            ("JWT_SECRET", self.jwt_secret),
            ("JWT_PREVIOUS_SECRET", self.jwt_previous_secret),
        ):
            if key is not None and len(key.get_secret_value()) < 32:
                raise ValueError(f"LEARNLOOM_{name} must be at least 32 characters (HS256 key)")
        return self

    @property
    def jwt_key(self) -> str:
        return self.jwt_secret.get_secret_value() if self.jwt_secret else DEV_JWT_SECRET

    @property
    def jwt_previous_key(self) -> str | None:
        return self.jwt_previous_secret.get_secret_value() if self.jwt_previous_secret else None

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def warehouse_dir(self) -> Path:
        return self.data_dir / "warehouse"

    @property
    def model_dir(self) -> Path:
        return self.data_dir / "models"


@lru_cache
def get_settings() -> Settings:
    return Settings()


def _dev_secret(data_dir: Path) -> str:
    """A development installation's own signing secret: made once, at random, in the data
    directory (readable by its owner only), so no two installations share one."""
    path = data_dir / DEV_SECRET_FILE
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_urlsafe(48)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secret)
    except FileExistsError:  # another process made it first
        return path.read_text().strip()
    except OSError as exc:
        raise ValueError(
            f"LEARNLOOM_JWT_SECRET is not set and no development secret could be written to "
            f"{path} ({exc.strerror}); set the secret or a writable LEARNLOOM_DATA_DIR"
        ) from exc
    log.warning("generated a development JWT secret in %s (LEARNLOOM_ENV=dev)", path)
    return secret
