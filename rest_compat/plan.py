"""A compiled execution plan for one facade document.

The facade runs a fixed, pre-validated document, and any error fails the whole REST
response (there is no partial data to assemble). That lets the field tree be collected once
at start-up instead of on every request, and execution walk it directly, calling the same
Strawberry resolvers with the same resolve info as graphql-core would. Documents that need
more of GraphQL than this (directives, abstract types, repeated response keys) get no plan
and run through graphql-core's executor instead.

Sibling fields and list items are resolved concurrently, so DataLoaders batch as they do
under graphql-core."""

import asyncio
import math
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass
from typing import Any
from weakref import ref

from graphql import (
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    is_leaf_type,
    visit,
)
from graphql.execution.values import VariableValues, get_argument_values
from graphql.language import Visitor
from graphql.pyutils import Path
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.schema.schema import _OperationContextAwareGraphQLResolveInfo

from rest_compat.enums import value_of
from rest_compat.selections import selected_fields


class NoPlan(Exception):
    """The document uses something the plan does not cover."""


@dataclass(frozen=True)
class FieldPlan:
    key: str
    node: FieldNode
    definition: GraphQLField
    parent_type: GraphQLObjectType
    static_arguments: dict[str, Any] | None  # None: the arguments use variables
    children: tuple["FieldPlan", ...]  # the selection under an object (or list of objects)
    # The Python attribute to read when the field is a plain one (no resolver, permission
    # or extension): reading it is all Strawberry's default resolver would do.
    attribute: str | None = None
    # For a plain attribute of a scalar or enum type: (that type, whether it is non-null).
    leaf: tuple[Any, bool] | None = None
    # Every child is a plain scalar attribute: each object is read as a flat row.
    flat: bool = False


@dataclass(frozen=True)
class Plan:
    schema: GraphQLSchema
    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    root: FieldPlan


def build_plan(schema: GraphQLSchema, document: DocumentNode) -> Plan | None:
    try:
        return _build(schema, document)
    except NoPlan:
        return None


def _build(schema: GraphQLSchema, document: DocumentNode) -> Plan:
    if _has_directives(document):
        raise NoPlan
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    root_type = (
        schema.query_type if operation.operation == OperationType.QUERY else schema.mutation_type
    )
    if root_type is None or operation.operation == OperationType.SUBSCRIPTION:
        raise NoPlan
    (root,) = _fields(root_type, operation.selection_set, fragments)
    return Plan(schema=schema, operation=operation, fragments=fragments, root=root)


def _has_directives(document: DocumentNode) -> bool:
    found: list[DirectiveNode] = []

    class Finder(Visitor):
        def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
            found.append(node)

    visit(document, Finder())
    return bool(found)


def _fields(
    parent: GraphQLObjectType,
    selection_set: SelectionSetNode,
    fragments: dict[str, FragmentDefinitionNode],
) -> tuple[FieldPlan, ...]:
    plans: list[FieldPlan] = []
    for node in selected_fields(selection_set, fragments):
        name = node.name.value
        if name.startswith("__"):
            raise NoPlan
        definition = parent.fields[name]
        named = _named(definition.type)
        if is_leaf_type(named):
            children: tuple[FieldPlan, ...] = ()
        elif isinstance(named, GraphQLObjectType) and node.selection_set is not None:
            children = _fields(named, node.selection_set, fragments)
        else:
            raise NoPlan  # interfaces and unions
        plans.append(
            FieldPlan(
                key=(node.alias or node.name).value,
                node=node,
                definition=definition,
                parent_type=parent,
                static_arguments=None
                if _uses_variables(node)
                else get_argument_values(definition, node),
                children=children,
                attribute=_plain_attribute(definition, node),
                leaf=_leaf(definition.type),
                flat=bool(children)
                and all(c.attribute is not None and c.leaf is not None for c in children),
            )
        )
    if len({plan.key for plan in plans}) != len(plans):
        raise NoPlan  # graphql-core would merge repeated keys
    return tuple(plans)


def _plain_attribute(definition: GraphQLField, node: FieldNode) -> str | None:
    field = definition.extensions.get("strawberry-definition")
    if (
        field is None
        or field.base_resolver is not None
        or field.permission_classes
        or field.extensions
        or node.arguments
    ):
        return None
    return str(field.python_name)


def _leaf(graphql_type: GraphQLOutputType) -> tuple[Any, bool] | None:
    required = isinstance(graphql_type, GraphQLNonNull)
    named = graphql_type.of_type if isinstance(graphql_type, GraphQLNonNull) else graphql_type
    return (named, required) if is_leaf_type(named) else None


def _uses_variables(node: FieldNode) -> bool:
    found: list[VariableNode] = []

    class Finder(Visitor):
        def enter_variable(self, variable: VariableNode, *_: Any) -> None:
            found.append(variable)

    for argument in node.arguments or ():
        visit(argument, Finder())
    return bool(found)


def _named(graphql_type: GraphQLOutputType) -> Any:
    while isinstance(graphql_type, GraphQLNonNull | GraphQLList):
        graphql_type = graphql_type.of_type
    return graphql_type


class _Run:
    """One execution of a plan."""

    def __init__(self, plan: Plan, context: Any, variables: VariableValues) -> None:
        self.plan = plan
        self.context = context
        self.variables = variables

    def field(self, field: FieldPlan, source: Any, path: Path | None) -> Any:
        path = Path(path, field.key, field.parent_type.name)
        definition = field.definition
        if field.attribute is not None:  # no resolver to call, so no resolve info to build
            if field.flat and _is_list(definition.type):
                return self._table(field, source, path)
            return self.complete(
                definition.type, field, getattr(source, field.attribute), None, path
            )
        info = _OperationContextAwareGraphQLResolveInfo(
            field.node.name.value,
            [field.node],
            definition.type,
            field.parent_type,
            path,
            self.plan.schema,
            self.plan.fragments,
            None,
            self.plan.operation,
            self.variables.coerced,
            self.context,
            optimized_is_awaitable,
            None,
            None,
            None,  # type: ignore[arg-type]  # no operation extensions, as in Strawberry's default
        )
        arguments = field.static_arguments
        if arguments is None:
            arguments = get_argument_values(definition, field.node, self.variables)
        assert definition.resolve is not None
        value = definition.resolve(source, info, **arguments)
        if optimized_is_awaitable(value):
            return self._complete_later(definition.type, field, value, info, path)
        return self.complete(definition.type, field, value, info, path)

    async def _complete_later(
        self, graphql_type: Any, field: FieldPlan, value: Awaitable[Any], info: Any, path: Path
    ) -> Any:
        completed = self.complete(graphql_type, field, await value, info, path)
        return await completed if optimized_is_awaitable(completed) else completed

    def complete(
        self, graphql_type: Any, field: FieldPlan, value: Any, info: Any, path: Path
    ) -> Any:
        if isinstance(graphql_type, GraphQLNonNull):
            if value is None:
                raise GraphQLError(f"Cannot return null for non-nullable field {path.as_list()}.")
            return self.complete(graphql_type.of_type, field, value, info, path)
        if value is None:
            return None
        if isinstance(graphql_type, GraphQLList):
            if is_leaf_type(_named(graphql_type.of_type)):
                return self._leaves(graphql_type.of_type, value, path)
            if field.flat and _named(graphql_type.of_type).is_type_of is None:
                return self._rows(graphql_type.of_type, field, value, path)
            items: list[Any] = []
            try:
                for index, item in enumerate(value):
                    items.append(
                        self.complete(
                            graphql_type.of_type, field, item, info, Path(path, index, None)
                        )
                    )
            except BaseException:
                _close(items)
                raise
            return _gather_list(items) if any(optimized_is_awaitable(i) for i in items) else items
        if is_leaf_type(graphql_type):
            serialized = _serialize(graphql_type, value)
            if serialized is None:
                raise GraphQLError(f"Expected a value of type {graphql_type} at {path.as_list()}.")
            return serialized
        if graphql_type.is_type_of is not None and not graphql_type.is_type_of(value, info):
            raise GraphQLError(f"Expected a value of type {graphql_type} at {path.as_list()}.")
        if field.flat:
            return self._flat(field.children, value, path)
        return self.object(field.children, value, path)

    def _table(self, field: FieldPlan, source: Any, path: Path) -> Any:
        """A list of flat rows held by `source`. Answers served from a cache hand the same
        source object to many requests; its table is completed once per plan field and kept
        as long as the source object lives (completed tables are only read, by the JSON
        encoder)."""
        tables = _tables_of(source)
        table = tables.get(id(field))
        if table is None:
            value = getattr(source, field.attribute)  # type: ignore[arg-type]
            table = tables[id(field)] = self.complete(
                field.definition.type, field, value, None, path
            )
        return table

    def _rows(self, item_type: Any, field: FieldPlan, values: Iterable[Any], path: Path) -> Any:
        """A list of flat objects (a table, a series): each item read as a row."""
        required = isinstance(item_type, GraphQLNonNull)
        rows: list[Any] = []
        for index, value in enumerate(values):
            if value is None:
                if required:
                    where = Path(path, index, None).as_list()
                    raise GraphQLError(f"Cannot return null for non-nullable field {where}.")
                rows.append(None)
            else:
                rows.append(self._flat(field.children, value, path))
        return rows

    def _flat(self, fields: tuple[FieldPlan, ...], source: Any, path: Path | None) -> Any:
        """An object whose selected fields are all plain scalar attributes (a row of a
        table, a point of a series): read and serialize, nothing to resolve or await."""
        values: dict[str, Any] = {}
        for field in fields:
            leaf_type, required = field.leaf  # type: ignore[misc]
            value = getattr(source, field.attribute)  # type: ignore[arg-type]
            if value is None:
                if required:
                    where = Path(path, field.key, None).as_list()
                    raise GraphQLError(f"Cannot return null for non-nullable field {where}.")
                values[field.key] = None
                continue
            serialized = _serialize(leaf_type, value)
            if serialized is None:
                where = Path(path, field.key, None).as_list()
                raise GraphQLError(f"Expected a value of type {leaf_type} at {where}.")
            values[field.key] = serialized
        return values

    def _leaves(self, item_type: Any, values: Iterable[Any], path: Path) -> list[Any]:
        """A list of scalars or enums: nothing to resolve or await, only to serialize."""
        required = isinstance(item_type, GraphQLNonNull)
        leaf = item_type.of_type if required else item_type
        items: list[Any] = []
        for index, value in enumerate(values):
            if value is None:
                if required:
                    where = Path(path, index, None).as_list()
                    raise GraphQLError(f"Cannot return null for non-nullable field {where}.")
                items.append(None)
                continue
            serialized = _serialize(leaf, value)
            if serialized is None:
                where = Path(path, index, None).as_list()
                raise GraphQLError(f"Expected a value of type {leaf} at {where}.")
            items.append(serialized)
        return items

    def object(self, fields: tuple[FieldPlan, ...], source: Any, path: Path | None) -> Any:
        values: dict[str, Any] = {}
        pending = False
        try:
            for field in fields:
                value = values[field.key] = self.field(field, source, path)
                pending = pending or optimized_is_awaitable(value)
        except BaseException:
            _close(values.values())
            raise
        return _gather_dict(values) if pending else values


# Completed tables (lists of flat rows) by the identity of the object holding them, then by
# plan field; an entry goes when its object is collected (before its id can be reused).
_TABLES: dict[int, tuple[ref[Any], dict[int, Any]]] = {}


def _tables_of(source: Any) -> dict[int, Any]:
    key = id(source)
    entry = _TABLES.get(key)
    if entry is not None:
        return entry[1]
    try:
        alive = ref(source, lambda _: _TABLES.pop(key, None))
    except TypeError:  # cannot be weakly referenced: nothing is kept
        return {}
    tables: dict[int, Any] = {}
    _TABLES[key] = (alive, tables)
    return tables


def _is_list(graphql_type: Any) -> bool:
    named = graphql_type.of_type if isinstance(graphql_type, GraphQLNonNull) else graphql_type
    return isinstance(named, GraphQLList)


# Built-in scalars whose serialization of a value of exactly this Python type is the value
# itself (within the checks below): the common case in long lists, worth skipping the call.
_AS_IS = {"String": str, "ID": str, "Float": float, "Int": int, "Boolean": bool}
_INT32 = range(-(2**31), 2**31)


def _serialize(leaf_type: Any, value: Any) -> Any:
    kind = type(value)
    if _AS_IS.get(leaf_type.name) is kind and (
        (kind is not float or math.isfinite(value)) and (kind is not int or value in _INT32)
    ):
        return value
    serialized = leaf_type.serialize(value)
    if isinstance(leaf_type, GraphQLEnumType):  # REST answers the value ("teach"), not TEACH
        return value_of(leaf_type, serialized)
    return serialized


def _close(started: Iterable[Any]) -> None:
    """A sibling failed: close the coroutines already started so none is left unawaited."""
    for value in started:
        if asyncio.iscoroutine(value):
            value.close()


async def _gather_list(items: list[Any]) -> list[Any]:
    pending = [(i, item) for i, item in enumerate(items) if optimized_is_awaitable(item)]
    done = await asyncio.gather(*(item for _, item in pending))
    for (index, _), value in zip(pending, done, strict=True):
        items[index] = value
    return items


async def _gather_dict(values: dict[str, Any]) -> dict[str, Any]:
    pending = [(k, v) for k, v in values.items() if optimized_is_awaitable(v)]
    done = await asyncio.gather(*(v for _, v in pending))
    for (key, _), value in zip(pending, done, strict=True):
        values[key] = value
    return values


async def execute_plan(plan: Plan, context: Any, variables: VariableValues) -> dict[str, Any]:
    """The operation's data; any error raised by a resolver propagates unchanged."""
    run = _Run(plan, context, variables)
    data = run.object((plan.root,), None, None)
    return await data if optimized_is_awaitable(data) else data
