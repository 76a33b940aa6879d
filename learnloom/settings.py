"""Configuration, read once from `LEARNLOOM_*` environment variables (or a `.env` file)."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Only ever used when ENV is dev or test; prod refuses to start without a real secret.
DEV_JWT_SECRET = "learnloom-dev-only-secret-do-not-use-in-production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEARNLOOM_", env_file=".env", extra="ignore")

    env: Literal["dev", "test", "prod"] = "dev"
    data_dir: Path = Path("./var")
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; empty means a SQLite file in DATA_DIR. "
        "PostgreSQL: postgresql+psycopg://user@host/db",
    )
    redis_url: str | None = None
    jwt_secret: SecretStr | None = None
    log_level: str = "INFO"
    # Seconds to wait for the database in /api/system-status before reporting it down.
    database_check_timeout: float = 2.0

    @model_validator(mode="after")
    def _check(self) -> "Settings":
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{(self.data_dir / 'learnloom.db').resolve()}"
        if self.env == "prod" and self.jwt_secret is None:
            raise ValueError(
                "LEARNLOOM_JWT_SECRET must be set when LEARNLOOM_ENV=prod "
                "(a long random string; tokens are signed with it)"
            )
        return self

    @property
    def jwt_key(self) -> str:
        return self.jwt_secret.get_secret_value() if self.jwt_secret else DEV_JWT_SECRET

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
