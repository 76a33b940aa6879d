"""Walking a document's selection sets."""

from collections.abc import Iterator

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)


def selected_fields(
    selection_set: SelectionSetNode,
    fragments: dict[str, FragmentDefinitionNode],
    type_name: str | None = None,
) -> Iterator[FieldNode]:
    """The fields of a selection set, with inline fragments and fragment spreads flattened.
    With `type_name`, only fragments that apply to that concrete type (for unions)."""
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection
            continue
        if isinstance(selection, InlineFragmentNode):
            condition, inner = selection.type_condition, selection.selection_set
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments[selection.name.value]
            condition, inner = fragment.type_condition, fragment.selection_set
        else:
            continue
        if type_name is None or condition is None or condition.name.value == type_name:
            yield from selected_fields(inner, fragments, type_name)
