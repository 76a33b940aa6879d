"""Imports every table module, so `SQLModel.metadata` is complete (migrations, tests)."""

from sqlmodel import SQLModel

from models import classrooms, curriculum, events, identity, learning, sessions

metadata = SQLModel.metadata

__all__ = ["classrooms", "curriculum", "events", "identity", "learning", "metadata", "sessions"]
