"""How the facade executes a document in-process."""

from graphql.execution import Executor
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class FacadeExecutor(Executor):
    """graphql-core's plain executor (facade documents use no @defer or @stream, so the
    incremental one is not needed and costs more) with Strawberry's resolve info, which
    Strawberry's resolvers expect."""

    operation_extensions = None
    build_resolve_info = StrawberryGraphQLCoreExecutionContext.build_resolve_info
