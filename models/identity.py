"""Schools, users, refresh tokens and the audit log."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from ground.clock import utcnow
from models.base import json_column


class School(SQLModel, table=True):
    __tablename__ = "schools"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    country: str = Field(max_length=2, index=True, description="ISO 3166 code: UG, ZM, KE")
    region: str | None = Field(default=None, max_length=100)
    curriculum_id: int | None = Field(default=None, foreign_key="curricula.id")
    is_archived: bool = False
    created_at: datetime = Field(default_factory=utcnow)


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, description="stored lower-cased")
    password_hash: str = Field(max_length=255)
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    role: str = Field(max_length=32, index=True)
    school_id: int | None = Field(default=None, foreign_key="schools.id", index=True)
    avatar_url: str | None = Field(default=None, max_length=500)
    grade: str | None = Field(default=None, max_length=20, description="learners only")
    is_active: bool = True
    email_verified: bool = True
    # Bumped to invalidate every token of the user at once (disable, password change).
    token_version: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    last_login: datetime | None = None
    # Set when a learner's personal data was erased (resolvers/privacy.py); the row stays,
    # anonymous, so the school's figures keep their history.
    erased_at: datetime | None = None


class RefreshToken(SQLModel, table=True):
    __tablename__ = "refresh_tokens"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    family_id: str = Field(max_length=64, index=True)
    token_hash: str = Field(max_length=128, unique=True)
    issued_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None
    revoked_at: datetime | None = None


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    action: str = Field(max_length=64, index=True)
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    target_type: str | None = Field(default=None, max_length=64)
    target_id: str | None = Field(default=None, max_length=64)
    school_id: int | None = Field(default=None, foreign_key="schools.id")
    request_id: str | None = Field(default=None, max_length=64)
    ip: str | None = Field(default=None, max_length=64)
    details: dict = Field(default_factory=dict, sa_column=json_column())
    created_at: datetime = Field(default_factory=utcnow, index=True)


class UserChange(SQLModel, table=True):
    """On SQLite, a trigger (migration 0005) appends the id of every user row changed or
    deleted, so each web process can drop that user from its cache (resolvers/user_cache.py);
    PostgreSQL sends a notification instead and leaves this table empty."""

    __tablename__ = "user_changes"

    seq: int | None = Field(default=None, primary_key=True)
    user_id: int
