"""Abuse limits on client GraphQL documents, checked during validation: depth, aliases
(counted through fragments too), a cost budget in which a list multiplies what is under it
by its page size, and introspection when it is switched off. Each refusal has its own code."""

from dataclasses import dataclass

from graphql import (
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
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)

PAGE_ARGUMENTS = ("limit", "first")


@dataclass(frozen=True)
class QueryLimits:
    max_depth: int
    max_aliases: int
    max_cost: int
    default_page_size: int  # what a list costs when the query does not say
    max_page_size: int  # what it costs when a variable says (unknown at validation)
    introspection: bool


class _Walk:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        limits: QueryLimits,
    ) -> None:
        self.schema, self.fragments, self.limits = schema, fragments, limits
        self.aliases = 0
        self.introspection: FieldNode | None = None

    def selection(
        self, parent: object, selection_set: SelectionSetNode, depth: int, stack: tuple[str, ...]
    ) -> tuple[int, int]:
        """(cost, deepest level) of a selection set whose fields are at `depth`."""
        cost, deepest = 0, depth - 1
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
        name = node.name.value
        if name in ("__schema", "__type") and not self.limits.introspection:
            self.introspection = node
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
        if node.selection_set is None:
            return 1, depth
        child_cost, child_depth = self.selection(graphql_type, node.selection_set, depth + 1, stack)
        return 1 + (self.page_size(node) if is_list else 1) * child_cost, child_depth

    def page_size(self, node: FieldNode) -> int:
        for argument in node.arguments or ():
            if argument.name.value in PAGE_ARGUMENTS:
                if isinstance(argument.value, IntValueNode):
                    return max(1, int(argument.value.value))
                return self.limits.max_page_size
        return self.limits.default_page_size


def limits_rule(limits: QueryLimits) -> type[ValidationRule]:
    class QueryLimitsRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.fragments = {
                d.name.value: d
                for d in context.document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: object) -> None:
            schema = self.context.schema
            walk = _Walk(schema, self.fragments, limits)
            cost, depth = walk.selection(
                schema.get_root_type(node.operation), node.selection_set, 1, ()
            )
            checks = (
                (
                    walk.introspection is not None,
                    "INTROSPECTION_DISABLED",
                    "Introspection is disabled on this server.",
                ),
                (
                    depth > limits.max_depth,
                    "QUERY_TOO_DEEP",
                    f"The query is {depth} levels deep; at most {limits.max_depth} are allowed.",
                ),
                (
                    walk.aliases > limits.max_aliases,
                    "TOO_MANY_ALIASES",
                    f"The query uses {walk.aliases} aliases; at most {limits.max_aliases} are allowed.",
                ),
                (
                    cost > limits.max_cost,
                    "QUERY_TOO_COSTLY",
                    f"The query costs {cost}; the budget is {limits.max_cost} (a list counts once per item of its page).",
                ),
            )
            for failed, code, message in checks:
                if failed:
                    self.report_error(GraphQLError(message, node, extensions={"code": code}))

    return QueryLimitsRule
