"""The graphql-core schema behind a Strawberry schema, which the REST facade executes and the
document limits walk. Strawberry keeps it as `_schema` and offers no public accessor: it is
read here, in one place."""

from graphql import GraphQLSchema
from strawberry import Schema


def graphql_core_schema(schema: Schema) -> GraphQLSchema:
    return schema._schema
