"""What the schema's documents say about inputs and JSON values beyond their GraphQL types:
each field's limits, the page bounds, and the JSON schemas of the JSON-valued fields. The
resolvers enforce them; the REST facade's OpenAPI document reads them here, through the
schema, so that it depends on the schema alone."""

from resolvers.field_limits import limited
from resolvers.pagination import MAX_LIMIT, MAX_SEARCH
from resolvers.privacy import export_schema
from resolvers.teachers import SCHEDULE_SCHEMA

__all__ = ["MAX_LIMIT", "MAX_SEARCH", "SCHEDULE_SCHEMA", "export_schema", "limited"]
