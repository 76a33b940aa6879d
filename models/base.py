"""What the table modules share beyond the ground's clock and ids."""

from sqlalchemy import JSON, Column


def json_column() -> Column:
    return Column(JSON, nullable=False)
