"""The committed schema.graphql is what the server serves: schema changes are deliberate."""

from pathlib import Path

from schema.root import sdl

REPO = Path(__file__).resolve().parent.parent


def test_committed_sdl_matches_the_schema() -> None:
    committed = (REPO / "schema.graphql").read_text()
    assert committed == sdl(), "schema changed: run `learnloom schema > schema.graphql` and review"
