from pathlib import Path

import pytest
from pydantic import ValidationError

from ground.settings import DEV_JWT_SECRET, Settings


def test_defaults_put_everything_under_the_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATA_DIR", "DATABASE_URL", "ENV", "JWT_SECRET", "REDIS_URL"):
        monkeypatch.delenv(f"LEARNLOOM_{name}", raising=False)
    settings = Settings(env="test", _env_file=None)  # type: ignore[call-arg]
    assert settings.data_dir == Path("./var")
    assert settings.database_url == f"sqlite+aiosqlite:///{Path('var/learnloom.db').resolve()}"
    assert settings.redis_url is None
    assert settings.jwt_key == DEV_JWT_SECRET  # tests only


def test_an_unconfigured_server_is_production_and_needs_a_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Neither LEARNLOOM_ENV nor LEARNLOOM_JWT_SECRET: tokens were once signed with the public
    development constant, so anyone could forge a super admin's."""
    for name in ("ENV", "JWT_SECRET"):
        monkeypatch.delenv(f"LEARNLOOM_{name}", raising=False)
    with pytest.raises(ValidationError, match="LEARNLOOM_JWT_SECRET must be set"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_a_development_installation_makes_its_own_secret_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("LEARNLOOM_JWT_SECRET", raising=False)
    with caplog.at_level("WARNING"):
        first = Settings(env="dev", data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    assert "generated a development JWT secret" in caplog.text
    assert first.jwt_key != DEV_JWT_SECRET and len(first.jwt_key) >= 32
    assert (tmp_path / "jwt-secret").stat().st_mode & 0o777 == 0o600
    again = Settings(env="dev", data_dir=tmp_path, _env_file=None)  # type: ignore[call-arg]
    assert again.jwt_key == first.jwt_key
    other = Settings(env="dev", data_dir=tmp_path / "other", _env_file=None)  # type: ignore[call-arg]
    assert other.jwt_key != first.jwt_key


def test_environment_variables_use_the_learnloom_prefix(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LEARNLOOM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LEARNLOOM_REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("LEARNLOOM_DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.setenv("LEARNLOOM_ENV", "test")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.data_dir == tmp_path
    assert settings.redis_url == "redis://127.0.0.1:6379/0"
    assert settings.database_url == "postgresql+psycopg://u@h/db"
    assert not settings.is_sqlite


def test_production_refuses_to_start_without_a_jwt_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEARNLOOM_JWT_SECRET", raising=False)
    with pytest.raises(ValidationError, match="LEARNLOOM_JWT_SECRET must be set"):
        Settings(env="prod", _env_file=None)  # type: ignore[call-arg]
    settings = Settings(env="prod", jwt_secret="s" * 40, _env_file=None)  # type: ignore[call-arg]
    assert settings.jwt_key == "s" * 40


def test_unknown_environment_is_rejected() -> None:
    with pytest.raises(ValidationError):
        Settings(env="staging", _env_file=None)  # type: ignore[arg-type,call-arg]


def test_short_jwt_secrets_are_refused() -> None:
    with pytest.raises(ValidationError, match="at least 32 characters"):
        Settings(jwt_secret="short", _env_file=None)  # type: ignore[call-arg]
