"""How much one GraphQL document may ask for: tokens, depth, aliases and cost.

The limits live here, as module constants, so that raising one is a one-line
change with its reason next to it. They are sized against the heaviest page the
dashboard sends — the task page: 50 tasks, each with responsibleUnit, subject,
availableActions, progress and events(first: 3) with their actor — which costs
about 1,900 (see :func:`estimate_cost`), is 9 fields deep with edges/node and
about 120 tokens long.

Every refusal is a top-level error with ``extensions.code`` and the numbers
(``depth``/``maxDepth``, ``aliases``/``maxAliases``, ``maxTokens``,
``cost``/``maxCost``), so a client developer sees which limit to respect; the
errors are GraphQLErrors without an original error, which MaskErrors lets
through (``schema.errors.is_visible_error``). An accepted query reports its cost
in the response: ``extensions: {"cost": {"requested": N, "maximum": M}}``.

Introspection fields (``__schema``, ``__type``, ``__typename``) count for
neither depth nor cost: GraphiQL's introspection query nests ``ofType`` nine
levels deep and lists every type, yet it is bounded by the schema itself (and
production turns introspection off).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLSyntaxError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    get_named_type,
    value_from_ast,
)
from strawberry.extensions import SchemaExtension
from strawberry.extensions.max_aliases import count_fields_with_alias

MAX_TOKENS = 1_000
"""Tokens (names, punctuation, values) in one document.

GraphiQL's introspection query is about 190 tokens, the dashboard's task page
about 120; 1,000 leaves room for any hand-written query with fragments while
the parser gives up early on megabyte-long documents built to tire it out.
"""

MAX_DEPTH = 12
"""Nested fields, the root field counting 1.

The deepest real query is the task page written with Relay edges:
tasks → edges → node → events → edges → node → actor → unit → name = 9.
Twelve allows three more levels (a subject's court, a dependency's unit …);
anything deeper is a cycle walked on purpose (dependsOn → dependsOn → …).
"""

MAX_ALIASES = 20
"""Aliased fields in one document.

The dashboard's overview asks for a handful of counts under aliases (red:,
yellow:, overdue: …); twenty leaves room for that while one request cannot
repeat an expensive field hundreds of times under different names.
"""

DEFAULT_PAGE_SIZE = 20
"""Items assumed for a list field given no ``first``/``last`` (as the connections' default)."""

MAX_PAGE_SIZE = 100
"""A page holds at most this many items (DESIGN.md §6); larger ``first`` values cost as 100."""

MAX_COST = 5_000
"""The highest cost a query may have (see :func:`estimate_cost`).

The task page costs about 1,900 — under 40% of the limit, so it may grow. A
hundred tasks with availableActions cost about 2,300 and pass; a hundred tasks
each with events(first: 100) cost over 10,000 before anything nested inside
the events, and are refused.
"""

CONNECTION_SUFFIX = "Connection"


def estimate_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any] | None = None,
) -> int:
    """The cost of an operation: roughly how many objects it can make the server load.

    Each field of an object type costs 1 plus the cost of its selections; a
    scalar or enum field costs nothing. A list field, and the items of a
    connection (``edges``/``nodes`` of an ``…Connection``), are multiplied by
    their page size: the field's ``first`` or ``last`` argument (a literal or a
    variable), else the argument's default, else :data:`DEFAULT_PAGE_SIZE`,
    capped at :data:`MAX_PAGE_SIZE`. Nested lists multiply.

    Example:
        ``{ tasks(first: 50) { nodes { responsibleUnit { name } } } }`` costs
        1 (tasks) + 50 × (1 node + 1 responsibleUnit) = 101.
    """
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    return _selection_cost(
        schema, operation.selection_set, root, fragments, variables or {}, None, frozenset()
    )


def _selection_cost(
    schema: GraphQLSchema,
    selection_set: SelectionSetNode | None,
    parent: GraphQLNamedType,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    page: int | None,
    visited: frozenset[str],
) -> int:
    """The cost of a selection set on ``parent``; ``page`` is set inside a connection."""
    total = 0
    for field, field_parent in _fields(schema, selection_set, parent, fragments, visited):
        if field.name.value.startswith("__") or not isinstance(
            field_parent, GraphQLObjectType | GraphQLInterfaceType
        ):
            continue
        definition = field_parent.fields.get(field.name.value)
        if definition is None:  # unknown field: validation reports it
            continue
        named = get_named_type(definition.type)
        if not isinstance(named, GraphQLObjectType | GraphQLInterfaceType) and not (
            field.selection_set
        ):
            continue  # scalars and enums are read with their object
        size = _page_size(field, definition, variables)
        inner = _selection_cost(
            schema,
            field.selection_set,
            named,
            fragments,
            variables,
            size if named.name.endswith(CONNECTION_SUFFIX) else None,
            visited,
        )
        if named.name.endswith(CONNECTION_SUFFIX):
            total += 1 + inner  # its items are multiplied inside (edges, nodes)
        elif _is_list(definition.type):
            multiplier = page if page is not None else size
            total += multiplier * (1 + inner)
        else:
            total += 1 + inner
    return total


def _fields(
    schema: GraphQLSchema,
    selection_set: SelectionSetNode | None,
    parent: GraphQLNamedType,
    fragments: Mapping[str, FragmentDefinitionNode],
    visited: frozenset[str],
) -> Iterator[tuple[FieldNode, GraphQLNamedType]]:
    """The fields of a selection set with the type each is asked on, fragments flattened.

    A fragment on a narrower type (``... on EnforcementCase``) is costed on that
    type; a fragment spread already being expanded is skipped (validation
    refuses cycles, but this runs beside validation).
    """
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection, parent
        elif isinstance(selection, InlineFragmentNode):
            narrowed = _condition(schema, selection.type_condition, parent)
            yield from _fields(schema, selection.selection_set, narrowed, fragments, visited)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is None or name in visited:
                continue
            narrowed = _condition(schema, fragment.type_condition, parent)
            yield from _fields(
                schema, fragment.selection_set, narrowed, fragments, visited | {name}
            )


def _condition(schema: GraphQLSchema, condition: Any, parent: GraphQLNamedType) -> GraphQLNamedType:
    if condition is None:
        return parent
    return schema.get_type(condition.name.value) or parent


def _is_list(output_type: GraphQLOutputType) -> bool:
    if isinstance(output_type, GraphQLNonNull):
        output_type = output_type.of_type
    return isinstance(output_type, GraphQLList)


def _page_size(field: FieldNode, definition: GraphQLField, variables: Mapping[str, Any]) -> int:
    """``first`` or ``last``, given or defaulted, else DEFAULT_PAGE_SIZE; at most MAX_PAGE_SIZE."""
    given = {argument.name.value: argument for argument in field.arguments or ()}
    for name in ("first", "last"):
        argument = definition.args.get(name)
        if argument is None:
            continue
        value: Any = None
        if name in given:
            value = value_from_ast(given[name].value, argument.type, dict(variables))
        elif argument.default_value is not None:
            value = argument.default_value
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return min(value, MAX_PAGE_SIZE)
    return DEFAULT_PAGE_SIZE


def query_depth(
    selection_set: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode],
    visited: frozenset[str] = frozenset(),
) -> int:
    """How deep fields nest below a selection set; introspection fields count 0."""
    if selection_set is None:
        return 0
    deepest = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value.startswith("__"):
                continue
            depth = 1 + query_depth(selection.selection_set, fragments, visited)
        elif isinstance(selection, InlineFragmentNode):
            depth = query_depth(selection.selection_set, fragments, visited)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is None or name in visited:
                continue
            depth = query_depth(fragment.selection_set, fragments, visited | {name})
        else:
            continue
        deepest = max(deepest, depth)
    return deepest


class LimitError(GraphQLError):
    """A document over one of the limits: a top-level error with a code and the numbers."""

    def __init__(self, message: str, code: str, **numbers: int) -> None:
        super().__init__(message, extensions={"code": code, **numbers})


class QueryLimits(SchemaExtension):
    """Refuse documents over the limits; report the cost of those accepted.

    Tokens are limited by the parser (graphql-core's ``max_tokens``); depth,
    aliases and cost are validation rules, run with the standard ones before
    anything executes. The cost rule sees the request's variables, so
    ``tasks(first: $n)`` is costed with the ``n`` sent.

    The arguments default to the module constants; tests pass smaller ones.
    """

    def __init__(
        self,
        *,
        max_tokens: int = MAX_TOKENS,
        max_depth: int = MAX_DEPTH,
        max_aliases: int = MAX_ALIASES,
        max_cost: int = MAX_COST,
    ) -> None:
        self.max_tokens = max_tokens
        self.max_depth = max_depth
        self.max_aliases = max_aliases
        self.max_cost = max_cost
        self.cost: int | None = None

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.max_tokens
        context.validation_rules = (*context.validation_rules, self._rule())
        yield

    def on_parse(self) -> Iterator[None]:
        yield
        # graphql-core says "Document contains more than N tokens" as a syntax
        # error; give it the code and the limit the other refusals carry.
        for error in self.execution_context.pre_execution_errors or ():
            if isinstance(error, GraphQLSyntaxError) and "tokens. Parsing aborted" in (
                error.message
            ):
                error.extensions = {"code": "TOO_MANY_TOKENS", "maxTokens": self.max_tokens}

    def get_results(self) -> dict[str, Any]:
        if self.cost is None:
            return {}
        return {"cost": {"requested": self.cost, "maximum": self.max_cost}}

    def _rule(self) -> type[ValidationRule]:
        limits = self
        context = self.execution_context

        class QueryLimitsRule(ValidationRule):
            def enter_operation_definition(
                self, node: OperationDefinitionNode, *_args: object
            ) -> None:
                wanted = context.operation_name
                if wanted is not None and (node.name is None or node.name.value != wanted):
                    return  # another operation of the document: not run, not costed
                limits._check(self.context, node, context.variables)

        return QueryLimitsRule

    def _check(
        self,
        validation: ValidationContext,
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any] | None,
    ) -> None:
        document = validation.document
        fragments = {
            definition.name.value: definition
            for definition in document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        depth = query_depth(operation.selection_set, fragments)
        if depth > self.max_depth:
            validation.report_error(
                LimitError(
                    f"the query nests {depth} fields deep; at most {self.max_depth} are allowed",
                    "QUERY_TOO_DEEP",
                    depth=depth,
                    maxDepth=self.max_depth,
                )
            )
        aliases = count_fields_with_alias(operation, fragments)
        if aliases > self.max_aliases:
            validation.report_error(
                LimitError(
                    f"the query uses {aliases} aliases; at most {self.max_aliases} are allowed",
                    "TOO_MANY_ALIASES",
                    aliases=aliases,
                    maxAliases=self.max_aliases,
                )
            )
        cost = estimate_cost(validation.schema, operation, fragments, variables)
        self.cost = cost
        if cost > self.max_cost:
            validation.report_error(
                LimitError(
                    f"the query would cost {cost}, more than the {self.max_cost} allowed: "
                    "ask for smaller pages (first/last) or fewer nested lists",
                    "QUERY_TOO_COSTLY",
                    cost=cost,
                    maxCost=self.max_cost,
                )
            )
