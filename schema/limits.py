"""Abuse limits on client GraphQL documents, checked before the standard validation (whose
cost grows with the square of repeated fields): depth, aliases and fields (counted through
fragments and inside introspection too), repeated sibling fields, a cost budget in which a
list multiplies what is under it by its page size and an input list adds its length (from
the variables too), and introspection when it is switched off. Each refusal has its own
code, and a refusal is found in one linear walk of the document."""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from schema.core_schema import graphql_core_schema

PAGE_ARGUMENTS = ("limit", "first")
INTROSPECTION_TYPES = {"__schema": "__Schema", "__type": "__Type"}
REPEATS = 3  # how often one response name may appear among siblings (merged anyway)
# What one item of an input list costs: each is a row to validate, score or write (a
# thousand predictions cost 5,000 of the 100,000 budget; thirty such aliases are refused).
INPUT_ITEM_COST = 5


@dataclass(frozen=True)
class QueryLimits:
    max_depth: int
    max_aliases: int
    max_cost: int
    default_page_size: int  # what a list costs when the query does not say
    max_page_size: int  # what it costs when a variable says (unknown at validation)
    introspection: bool
    max_fields: int = 300  # field selections, fragments expanded


class _Walk:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        limits: QueryLimits,
    ) -> None:
        self.schema, self.fragments, self.limits = schema, fragments, limits
        self.variables: dict[str, Any] = {}
        self.aliases = 0
        self.fields = 0
        self.repeated: str | None = None
        self.introspection: FieldNode | None = None

    def selection(
        self, parent: object, selection_set: SelectionSetNode, depth: int, stack: tuple[str, ...]
    ) -> tuple[int, int]:
        """(cost, deepest level) of a selection set whose fields are at `depth`."""
        cost, deepest = 0, depth - 1
        names = Counter(
            (s.alias or s.name).value for s in selection_set.selections if isinstance(s, FieldNode)
        )
        for name, times in names.items():
            if times > REPEATS and self.repeated is None:
                self.repeated = name
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                field_cost, field_depth = self.field(parent, selection, depth, stack)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                field_cost, field_depth = self.selection(
                    target, selection.selection_set, depth, stack
                )
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in stack:  # unknown or cyclic: validation reports it
                    continue
                target = self.schema.get_type(fragment.type_condition.name.value)
                field_cost, field_depth = self.selection(
                    target, fragment.selection_set, depth, (*stack, name)
                )
            else:
                continue
            cost += field_cost
            deepest = max(deepest, field_depth)
        return cost, deepest

    def field(
        self, parent: object, node: FieldNode, depth: int, stack: tuple[str, ...]
    ) -> tuple[int, int]:
        if node.alias is not None:
            self.aliases += 1
        self.fields += 1
        if self.fields > self.limits.max_fields:
            return 0, depth  # refused already: stop walking
        name = node.name.value
        if name in INTROSPECTION_TYPES:
            if not self.limits.introspection:
                self.introspection = node
            # Inside introspection, aliases and fields count (not depth or cost: the schema
            # is small and its type references nest deeply).
            if node.selection_set is not None:
                self.selection(
                    self.schema.get_type(INTROSPECTION_TYPES[name]), node.selection_set, 1, stack
                )
            return 0, depth
        if name.startswith("__") or not isinstance(
            parent, GraphQLObjectType | GraphQLInterfaceType
        ):
            return 0, depth
        definition = parent.fields.get(name)
        if definition is None:
            return 1, depth
        graphql_type, is_list = definition.type, False
        while isinstance(graphql_type, GraphQLNonNull | GraphQLList):
            is_list = is_list or isinstance(graphql_type, GraphQLList)
            graphql_type = graphql_type.of_type
        inputs = self.input_items(node)
        if node.selection_set is None:
            return 1 + inputs, depth
        child_cost, child_depth = self.selection(graphql_type, node.selection_set, depth + 1, stack)
        return 1 + inputs + (self.page_size(node) if is_list else 1) * child_cost, child_depth

    def input_items(self, node: FieldNode) -> int:
        """The cost of the field's list arguments' items, inline or in variables."""
        items = 0
        for argument in node.arguments or ():
            value = argument.value
            if isinstance(value, ListValueNode):
                items += len(value.values)
            elif isinstance(value, VariableNode):
                given = self.variables.get(value.name.value)
                items += len(given) if isinstance(given, list) else 0
        return INPUT_ITEM_COST * items

    def page_size(self, node: FieldNode) -> int:
        for argument in node.arguments or ():
            if argument.name.value in PAGE_ARGUMENTS:
                if isinstance(argument.value, IntValueNode):
                    return max(1, int(argument.value.value))
                return self.limits.max_page_size
        return self.limits.default_page_size


def check(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: dict[str, Any] | None,
    limits: QueryLimits,
) -> list[GraphQLError]:
    """The refusals of `document` under `limits`, one per limit and operation exceeded."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    errors = []
    for node in document.definitions:
        if not isinstance(node, OperationDefinitionNode):
            continue
        walk = _Walk(schema, fragments, limits)
        walk.variables = variables if isinstance(variables, dict) else {}
        root = schema.get_root_type(node.operation)
        cost, depth = walk.selection(root, node.selection_set, 1, ()) if root else (0, 0)
        for code, message in _refusals(walk, cost, depth, limits):
            errors.append(GraphQLError(message, node, extensions={"code": code}))
    return errors


def _refusals(walk: _Walk, cost: int, depth: int, limits: QueryLimits) -> Iterator[tuple[str, str]]:
    if walk.introspection is not None:
        yield "INTROSPECTION_DISABLED", "Introspection is disabled on this server."
    if walk.fields > limits.max_fields:
        yield (
            "TOO_MANY_FIELDS",
            f"The query selects more than {limits.max_fields} fields (fragments expanded).",
        )
    elif walk.repeated is not None:
        yield (
            "TOO_MANY_FIELDS",
            f"The query selects {walk.repeated!r} more than {REPEATS} times at one level.",
        )
    if depth > limits.max_depth:
        yield (
            "QUERY_TOO_DEEP",
            f"The query is {depth} levels deep; at most {limits.max_depth} are allowed.",
        )
    if walk.aliases > limits.max_aliases:
        yield (
            "TOO_MANY_ALIASES",
            f"The query uses {walk.aliases} aliases; at most {limits.max_aliases} are allowed.",
        )
    if cost > limits.max_cost:
        yield (
            "QUERY_TOO_COSTLY",
            f"The query costs {cost}; the budget is {limits.max_cost} (a list counts once per "
            "item of its page, an input list once per item).",
        )


# Dashboards send the same few documents again and again: each is validated once (a bounded
# LRU cache, keyed by the schema, the document and the rules).
_validate = lru_cache(maxsize=256)(validate_document)


def limits_extension(limits: QueryLimits) -> type[SchemaExtension]:
    """Checks the limits first, and runs the standard validation (cached) only on a document
    within them, so a hostile document costs one linear walk."""

    class QueryLimitsExtension(SchemaExtension):
        def on_validate(self) -> Iterator[None]:
            context = self.execution_context
            document = context.graphql_document
            if document is not None:
                schema = graphql_core_schema(context.schema)
                refused = check(schema, document, context.variables, limits)
                context.pre_execution_errors = refused or _validate(
                    schema, document, context.validation_rules
                )
            yield

    return QueryLimitsExtension
