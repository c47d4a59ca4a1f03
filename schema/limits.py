"""How much one GraphQL document may ask for: tokens, fields, repeats, depth, aliases, cost.

The limits live here, as module constants, so that raising one is a one-line
change with its reason next to it. They are sized against the heaviest page the
dashboard sends — the task page: 50 tasks, each with responsibleUnit, subject,
availableActions, progress and events(first: 3) with their actor — which costs
about 1,900 (see :func:`estimate_cost`), is 9 fields deep with edges/node and
about 120 tokens long.

Every refusal is a top-level error with ``extensions.code`` and the numbers
(``fields``/``maxFields``, ``repeats``/``maxRepeats``, ``depth``/``maxDepth``,
``aliases``/``maxAliases``, ``maxTokens``, ``cost``/``maxCost``), so a client
developer sees which limit to respect; the errors are GraphQLErrors without an
original error, which MaskErrors lets through (``schema.errors.is_visible_error``).
An accepted query reports its cost in the response:
``extensions: {"cost": {"requested": N, "maximum": M}}``.

Judging a document must itself be cheap, whatever the document: a fragment
spread twice in a fragment spread twice … (``fragment F0 on Query {...F1 ...F1}``)
selects 2^n fields in a few hundred bytes. So every measure here visits each
fragment once and remembers what it found (:class:`_Walk`), the limits run
*before* graphql-core's validation (whose rules expand fragments and compare
fields pairwise), and what they find is remembered per document, operation and
page-size variables (:class:`Memo`), so the dashboard's few documents are
measured once.

Introspection fields (``__schema``, ``__type``, ``__typename``) count for
neither depth nor cost: GraphiQL's introspection query nests ``ofType`` nine
levels deep and lists every type, yet it is bounded by the schema itself (and
production turns introspection off). They do count as fields.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, ParamSpec, TypeVar

from graphql import (
    DocumentNode,
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
    VariableNode,
    get_named_type,
    value_from_ast,
    value_from_ast_untyped,
)
from graphql.pyutils import Undefined
from strawberry.extensions import SchemaExtension

from workflow.i18n import _

MAX_TOKENS = 1_000
"""Tokens (names, punctuation, values) in one document.

GraphiQL's introspection query is about 190 tokens, the dashboard's task page
about 120; 1,000 leaves room for any hand-written query with fragments while
the parser gives up early on megabyte-long documents built to tire it out.
"""

MAX_FIELDS = 1_000
"""Fields one document selects once its fragments are expanded (each spread counted in full).

A document written out without fragments selects at most about 1,000 fields
within :data:`MAX_TOKENS`; fragments may share text, not make a document
larger than one could write out. GraphiQL's introspection query selects about
110, the task page about 50. A fragment spread twice in a fragment spread twice
… is refused here, from counts made once per fragment, before anything expands it.
"""

MAX_REPEATS = 30
"""Fields selected again where the document already selected the same response name.

``{ viewer { id } viewer { id } }`` repeats ``viewer`` and ``viewer.id`` once
each: legal GraphQL, merged into one answer. graphql-core checks that repeated
fields can merge by comparing every pair of them, so 240 copies of
``viewer { id }`` (under 1,000 tokens) cost over 50,000 comparisons and half a
second. Real documents repeat a field when two fragments both ask for it —
``id`` and ``__typename`` a few times; thirty repeats keep the comparisons
under about 500 whatever their shape.
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

MEMO_SIZE = 256
"""Documents (and page sizes) whose measures are remembered: the dashboard sends a few dozen."""

CONNECTION_SUFFIX = "Connection"
PAGE_ARGUMENTS = ("first", "last")

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")
P = ParamSpec("P")


# --------------------------------------------------------------------------- measuring


@dataclass(frozen=True)
class Shape:
    """What the limits judge of one operation that does not depend on the variables.

    Attributes:
        fields: fields selected once fragments are expanded.
        depth: how deep fields nest (introspection fields count 0).
        aliases: aliased fields once fragments are expanded.
        repeats: fields selected again at a response path already selected;
            None when ``fields`` is over :data:`MAX_FIELDS` (counting them
            means expanding the fragments, which is what that limit prevents).
        page_variables: the variables given as ``first``/``last``, whose values
            change the cost.
    """

    fields: int
    depth: int
    aliases: int
    repeats: int | None
    page_variables: frozenset[str]


@dataclass
class _Counts:
    fields: int = 0
    depth: int = 0
    aliases: int = 0


class _Walk:
    """One document's fragments, each measured once however often it is spread.

    A fragment spread while it is being measured (a cycle, which validation
    refuses) counts nothing, as does a spread of a fragment that does not exist.
    """

    def __init__(self, document: DocumentNode) -> None:
        self.fragments: dict[str, FragmentDefinitionNode] = {
            definition.name.value: definition
            for definition in document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        self._counts: dict[str, _Counts] = {}
        self._open: set[str] = set()
        self.page_variables: set[str] = set()

    def counts(self, selection_set: SelectionSetNode | None) -> _Counts:
        """Fields, depth and aliases below a selection set, fragments counted once each."""
        total = _Counts()
        if selection_set is None:
            return total
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                inner = self.counts(selection.selection_set)
                self._note_page_variables(selection)
                total.fields += 1 + inner.fields
                total.aliases += (selection.alias is not None) + inner.aliases
                if not selection.name.value.startswith("__"):
                    total.depth = max(total.depth, 1 + inner.depth)
                continue
            if isinstance(selection, InlineFragmentNode):
                inner = self.counts(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                inner = self._fragment_counts(selection.name.value)
            else:  # pragma: no cover - the three kinds of selection
                continue
            total.fields += inner.fields
            total.aliases += inner.aliases
            total.depth = max(total.depth, inner.depth)
        return total

    def _fragment_counts(self, name: str) -> _Counts:
        known = self._counts.get(name)
        if known is not None:
            return known
        fragment = self.fragments.get(name)
        if fragment is None or name in self._open:
            return _Counts()
        self._open.add(name)
        try:
            counts = self._counts[name] = self.counts(fragment.selection_set)
        finally:
            self._open.discard(name)
        return counts

    def _note_page_variables(self, field: FieldNode) -> None:
        for argument in field.arguments or ():
            if argument.name.value in PAGE_ARGUMENTS and isinstance(argument.value, VariableNode):
                self.page_variables.add(argument.value.name.value)

    def repeats(self, selection_sets: list[SelectionSetNode]) -> int:
        """Fields selected where a field of the same response name already is, merged as executed.

        The selection sets are those of one response path (every field of that
        name); fragments are expanded, so only call this on a document whose
        expanded size is bounded.
        """
        groups: dict[str, list[SelectionSetNode]] = {}
        repeats = 0
        for selection_set in selection_sets:
            for field in self._flattened(selection_set, frozenset()):
                key = (field.alias or field.name).value
                if key in groups:
                    repeats += 1
                children = groups.setdefault(key, [])
                if field.selection_set is not None:
                    children.append(field.selection_set)
        for children in groups.values():
            if children:
                repeats += self.repeats(children)
        return repeats

    def _flattened(
        self, selection_set: SelectionSetNode, spreading: frozenset[str]
    ) -> Iterator[FieldNode]:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                yield from self._flattened(selection.selection_set, spreading)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in spreading:
                    yield from self._flattened(fragment.selection_set, spreading | {name})


def measure_shape(document: DocumentNode, operation: OperationDefinitionNode) -> Shape:
    """The :class:`Shape` of one operation of a document.

    Example:
        ``query { ...F0 } fragment F0 on Query { ...F1 ...F1 } … fragment F20 on
        Query { viewer { id } }`` has 2,097,152 fields, found by measuring each
        of its 21 fragments once.
    """
    walk = _Walk(document)
    counts = walk.counts(operation.selection_set)
    repeats = walk.repeats([operation.selection_set]) if counts.fields <= MAX_FIELDS else None
    return Shape(
        fields=counts.fields,
        depth=counts.depth,
        aliases=counts.aliases,
        repeats=repeats,
        page_variables=frozenset(walk.page_variables),
    )


def query_depth(
    selection_set: SelectionSetNode | None, fragments: Mapping[str, FragmentDefinitionNode]
) -> int:
    """How deep fields nest below a selection set; introspection fields count 0."""
    walk = _Walk(DocumentNode(definitions=tuple(fragments.values())))
    return walk.counts(selection_set).depth


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
    variable, else the variable's default), else the argument's default, else
    :data:`DEFAULT_PAGE_SIZE`, capped at :data:`MAX_PAGE_SIZE`. Nested lists
    multiply. A fragment is costed once for each type and page it is spread
    on, however often it is spread.

    Example:
        ``{ tasks(first: 50) { nodes { responsibleUnit { name } } } }`` costs
        1 (tasks) + 50 × (1 node + 1 responsibleUnit) = 101.
    """
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    return _Cost(schema, fragments, _with_defaults(operation, variables or {})).of(
        operation.selection_set, root, None
    )


class _Cost:
    """The cost walk of one operation; each fragment costed once per type and page."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = dict(variables)
        self._known: dict[tuple[str, str, int | None], int] = {}
        self._open: set[str] = set()

    def of(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType, page: int | None
    ) -> int:
        """The cost of a selection set on ``parent``; ``page`` is set inside a connection."""
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                narrowed = self._condition(selection.type_condition, parent)
                total += self.of(selection.selection_set, narrowed, page)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._fragment(selection.name.value, parent, page)
        return total

    def _fragment(self, name: str, parent: GraphQLNamedType, page: int | None) -> int:
        fragment = self.fragments.get(name)
        if fragment is None or name in self._open:
            return 0
        narrowed = self._condition(fragment.type_condition, parent)
        key = (name, narrowed.name, page)
        known = self._known.get(key)
        if known is not None:
            return known
        self._open.add(name)
        try:
            cost = self._known[key] = self.of(fragment.selection_set, narrowed, page)
        finally:
            self._open.discard(name)
        return cost

    def _field(self, field: FieldNode, parent: GraphQLNamedType, page: int | None) -> int:
        if field.name.value.startswith("__") or not isinstance(
            parent, GraphQLObjectType | GraphQLInterfaceType
        ):
            return 0
        definition = parent.fields.get(field.name.value)
        if definition is None:  # unknown field: validation reports it
            return 0
        named = get_named_type(definition.type)
        if not isinstance(named, GraphQLObjectType | GraphQLInterfaceType) and not (
            field.selection_set
        ):
            return 0  # scalars and enums are read with their object
        size = _page_size(field, definition, self.variables)
        connection = named.name.endswith(CONNECTION_SUFFIX)
        inner = self.of(field.selection_set, named, size if connection else None)
        if connection:
            return 1 + inner  # its items are multiplied inside (edges, nodes)
        if _is_list(definition.type):
            return (page if page is not None else size) * (1 + inner)
        return 1 + inner

    def _condition(self, condition: Any, parent: GraphQLNamedType) -> GraphQLNamedType:
        if condition is None:
            return parent
        return self.schema.get_type(condition.name.value) or parent


def _is_list(output_type: GraphQLOutputType) -> bool:
    if isinstance(output_type, GraphQLNonNull):
        output_type = output_type.of_type
    return isinstance(output_type, GraphQLList)


def _page_size(field: FieldNode, definition: GraphQLField, variables: Mapping[str, Any]) -> int:
    """``first`` or ``last``, given or defaulted, else DEFAULT_PAGE_SIZE; at most MAX_PAGE_SIZE."""
    given = {argument.name.value: argument for argument in field.arguments or ()}
    for name in PAGE_ARGUMENTS:
        argument = definition.args.get(name)
        if argument is None:
            continue
        value: Any = None
        if name in given:
            value = _literal(given[name].value, argument.type, variables)
        elif argument.default_value is not None:
            value = argument.default_value
        page = _as_page(value)
        if page is not None:
            return page
    return DEFAULT_PAGE_SIZE


def _literal(node: Any, type_: Any, variables: Mapping[str, Any]) -> Any:
    try:
        return value_from_ast(node, type_, dict(variables))
    except ValueError:  # an integer literal longer than Python converts: validation refuses it
        return Undefined


def _as_page(value: object) -> int | None:
    """A page size from a value sent as ``first``/``last``; None when it is not a count."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return min(value, MAX_PAGE_SIZE)
    return None


def _with_defaults(
    operation: OperationDefinitionNode, variables: Mapping[str, Any]
) -> dict[str, Any]:
    """The variables sent, and the operation's defaults for those not sent (as execution does)."""
    values = dict(variables)
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in values and definition.default_value is not None:
            try:
                values[name] = value_from_ast_untyped(definition.default_value)
            except ValueError:  # a literal longer than Python converts: validation refuses it
                continue
    return values


# --------------------------------------------------------------------------- remembering


class Memo(Generic[K, V]):
    """A small LRU map: what was measured of a document, never anything of a request."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


_shapes: Memo[tuple[int, bytes, str | None, int], Shape] = Memo(MEMO_SIZE)
_costs: Memo[tuple[int, bytes, str | None, int, tuple[int | None, ...]], int] = Memo(MEMO_SIZE)


def document_key(query: str) -> bytes:
    """The memo key of a document's text: a digest, so a long document is not kept alive."""
    return hashlib.blake2b(query.encode("utf-8", "surrogatepass"), digest_size=16).digest()


# --------------------------------------------------------------------------- the extension


class LimitError(GraphQLError):
    """A document over one of the limits: a top-level error with a code and the numbers."""

    def __init__(self, message: str, code: str, **numbers: int) -> None:
        super().__init__(message, extensions={"code": code, **numbers})


@dataclass(frozen=True)
class Judgement:
    """What the limits found of one operation: its shape, its cost and the refusals."""

    shape: Shape
    cost: int
    errors: tuple[LimitError, ...]


class QueryLimits(SchemaExtension):
    """Refuse documents over the limits before they are validated; report the cost of the rest.

    Tokens are limited by the parser (graphql-core's ``max_tokens``); fields,
    repeats, depth, aliases and cost are measured on the parsed document as
    validation starts, before graphql-core's rules run (a document over a limit
    is not validated at all: see :class:`schema.validation.CachedValidation`).
    The cost sees the request's variables, so ``tasks(first: $n)`` is costed
    with the ``n`` sent. Nothing of the request outlives it: the measures are
    remembered per document text, operation and page-size values.

    The arguments default to the module constants; tests pass smaller ones.
    """

    def __init__(
        self,
        *,
        max_tokens: int = MAX_TOKENS,
        max_fields: int = MAX_FIELDS,
        max_repeats: int = MAX_REPEATS,
        max_depth: int = MAX_DEPTH,
        max_aliases: int = MAX_ALIASES,
        max_cost: int = MAX_COST,
    ) -> None:
        self.max_tokens = max_tokens
        self.max_fields = max_fields
        self.max_repeats = max_repeats
        self.max_depth = max_depth
        self.max_aliases = max_aliases
        self.max_cost = max_cost
        self.cost: int | None = None

    def on_operation(self) -> Iterator[None]:
        self.execution_context.parse_options["max_tokens"] = self.max_tokens
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

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors is None:
            errors: list[GraphQLError] = []
            for judgement in self.judge(
                context.schema._schema,
                document,
                context.query,
                context.operation_name,
                context.variables or {},
            ):
                self.cost = judgement.cost
                errors.extend(judgement.errors)
            if errors:
                context.pre_execution_errors = errors
        yield

    def get_results(self) -> dict[str, Any]:
        if self.cost is None:
            return {}
        return {"cost": {"requested": self.cost, "maximum": self.max_cost}}

    def judge(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        query: str | None,
        operation_name: str | None,
        variables: Mapping[str, Any],
    ) -> list[Judgement]:
        """Judge the operation that will run (every one when the name is missing: none will)."""
        key = document_key(query) if query is not None else None
        judgements = []
        for position, operation in enumerate(_operations(document)):
            if operation_name is not None and (
                operation.name is None or operation.name.value != operation_name
            ):
                continue  # another operation of the document: not run, not costed
            shape_key = (id(schema), key, operation_name, position) if key else None
            shape = _shapes.get(shape_key) if shape_key else None
            if shape is None:
                shape = _guarded(measure_shape, document, operation)
                if shape_key and shape is not None:
                    _shapes.put(shape_key, shape)
            if shape is None:
                judgements.append(Judgement(_UNMEASURED, 0, (self._too_deep(None),)))
                continue
            cost = self._cost(schema, document, operation, variables, shape, shape_key)
            judgements.append(Judgement(shape, cost, tuple(self._refusals(shape, cost))))
        return judgements

    def _cost(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any],
        shape: Shape,
        shape_key: tuple[int, bytes, str | None, int] | None,
    ) -> int:
        values = _with_defaults(operation, variables)
        pages = tuple(_as_page(values.get(name)) for name in sorted(shape.page_variables))
        cost_key = (*shape_key, pages) if shape_key else None
        cost = _costs.get(cost_key) if cost_key else None
        if cost is None:
            fragments = _Walk(document).fragments
            cost = _guarded(estimate_cost, schema, operation, fragments, variables) or 0
            if cost_key:
                _costs.put(cost_key, cost)
        return cost

    def _refusals(self, shape: Shape, cost: int) -> Iterator[LimitError]:
        if shape.fields > self.max_fields:
            yield LimitError(
                _(
                    "the query selects {fields} fields once its fragments are expanded; at most "
                    "{max_fields} are allowed: spread each fragment fewer times",
                    fields=shape.fields,
                    max_fields=self.max_fields,
                ),
                "TOO_MANY_FIELDS",
                fields=shape.fields,
                maxFields=self.max_fields,
            )
        if shape.repeats is not None and shape.repeats > self.max_repeats:
            yield LimitError(
                _(
                    "the query selects {repeats} fields again where it already selected them; "
                    "at most {max_repeats} repeats are allowed: select each field once",
                    repeats=shape.repeats,
                    max_repeats=self.max_repeats,
                ),
                "TOO_MANY_REPEATS",
                repeats=shape.repeats,
                maxRepeats=self.max_repeats,
            )
        if shape.depth > self.max_depth:
            yield self._too_deep(shape.depth)
        if shape.aliases > self.max_aliases:
            yield LimitError(
                _(
                    "the query uses {aliases} aliases; at most {max_aliases} are allowed",
                    aliases=shape.aliases,
                    max_aliases=self.max_aliases,
                ),
                "TOO_MANY_ALIASES",
                aliases=shape.aliases,
                maxAliases=self.max_aliases,
            )
        if cost > self.max_cost:
            yield LimitError(
                _(
                    "the query would cost {cost}, more than the {max_cost} allowed: ask for "
                    "smaller pages (first/last) or fewer nested lists",
                    cost=cost,
                    max_cost=self.max_cost,
                ),
                "QUERY_TOO_COSTLY",
                cost=cost,
                maxCost=self.max_cost,
            )

    def _too_deep(self, depth: int | None) -> LimitError:
        if depth is None:  # deeper than Python's recursion limit lets it be measured
            return LimitError(
                _(
                    "the query nests fields too deeply to measure; at most {max_depth} are allowed",
                    max_depth=self.max_depth,
                ),
                "QUERY_TOO_DEEP",
                maxDepth=self.max_depth,
            )
        return LimitError(
            _(
                "the query nests {depth} fields deep; at most {max_depth} are allowed",
                depth=depth,
                max_depth=self.max_depth,
            ),
            "QUERY_TOO_DEEP",
            depth=depth,
            maxDepth=self.max_depth,
        )


_UNMEASURED = Shape(fields=0, depth=0, aliases=0, repeats=None, page_variables=frozenset())


def _guarded(measure: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | None:
    """``measure(*args)``, or None when the document nests past Python's recursion limit.

    The parser stops at 200 levels, but fragments can nest one in another
    beyond that; the walks recurse once per level.
    """
    try:
        return measure(*args, **kwargs)
    except RecursionError:
        return None


def _operations(document: DocumentNode) -> Iterator[OperationDefinitionNode]:
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            yield definition
