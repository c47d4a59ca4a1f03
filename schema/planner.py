"""Planned reads: a page of tasks and its nested selection answered from a few
statements, shaped into the response without graphql-core resolving it field by field.

graphql-core completes a value one field at a time: for a page of 50 tasks with their
units, subjects and last events that is some 1,500 field executions, 500 coroutines and
as many strawberry ``Info`` objects, most of the page's time. The ``tasks`` field asks
:func:`plan_tasks` first. From the field's selection (aliases, fragments, ``@skip`` and
``@include`` as graphql-core collects them) it compiles one function per field and
learns what the page needs; only if it can answer every field it returns a plan. The
plan reads the page (the same queryset, scope, filter and order as the field's own
path) in one statement with its units, subjects and events' counts joined to it
(:func:`schema.loaders.read_page`), with the count at the same time and the latest
events with their actors after it, one statement each, as needed. It shapes the rows into the
response's JSON and hands it back as :class:`schema.executor.Planned`, which the
executor returns as the field's completed value.

On PostgreSQL, when every field of the page's nodes is one PostgreSQL writes
(schema/json_sql.py), the nodes are not shaped here at all: :class:`_Json` compiles
their selection into one SQL expression of the node's JSON text, its newest events as
a subquery per task, and the page's statement (:func:`schema.loaders.read_page_json`)
returns it per task; the texts go into the response as they are (``orjson.Fragment``).

The other lists (cases, meetings, units, accounts, briefings) go through
:func:`read_list`: the same compiled shaping over the page the field itself reads,
with the units their nodes point at, the cases' amounts performed and the nodes' tasks
loaded for the whole page at once (:data:`_LIST_LOADED`) before it is shaped.

What a plan may answer, and the rule that keeps it the same as the field-by-field path:

- A field with no resolver (a dataclass attribute of the type, set by ``from_model``)
  and a synchronous resolver without arguments are answered by the type's own code,
  serialised by the field's GraphQL type, exactly as graphql-core would.
- A field with permission classes or field extensions is never planned.
- The asynchronous fields the plan loads itself are those in :data:`_LOADED` (tasks) and
  :data:`_LIST_LOADED` (the other lists, on their nodes only).
- Anything else (``availableActions``, ``dependsOn``, events after a cursor …) makes
  :func:`plan_tasks` answer None, and the field resolves as before.

tests/schema/test_planner.py sends the same documents, as every role, through both paths
and compares the responses.
"""

from __future__ import annotations

import asyncio
import inspect
import operator
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

import orjson
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLBoolean,
    GraphQLField,
    GraphQLID,
    GraphQLIncludeDirective,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLSkipDirective,
    GraphQLString,
    GraphQLUnionType,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
    is_leaf_type,
)
from graphql.execution.collect_fields import does_fragment_condition_match
from graphql.execution.values import VariableValues, get_argument_values
from strawberry.dataloader import DataLoader
from strawberry.relay import to_base64
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField
from tortoise import connections
from tortoise.models import Model
from tortoise.queryset import QuerySet

from schema.context import Info
from schema.executor import Planned
from schema.json_sql import COLUMNS, MONEY, as_json, as_money, global_id, rule_of
from schema.loaders import (
    EVENT_COUNT,
    PERFORMED,
    PageReads,
    PageRecords,
    latest_events_and_actors,
    page_order,
    read_page,
    read_page_json,
)
from schema.relay import (
    MAX_PAGE_SIZE,
    Connection,
    Count,
    Page,
    connection_of,
    counter,
    known,
    page_of,
    paginate,
)
from schema.types.base import fk, fk_or_none
from schema.types.cases import BankruptcyCaseType, EnforcementCaseType
from schema.types.meetings import JointMeetingType
from schema.types.tasks import (
    SUBJECT_FIELDS,
    TaskType,
    action_label,
    newest_events,
)
from schema.types.units import AccountType, UnitType
from store import models
from store.money import format_fen

_DEFINITION = GraphQLCoreConverter.DEFINITION_BACKREF

M = TypeVar("M", bound=Model)
NodeT = TypeVar("NodeT")

Compute = Callable[[Any], Any]
"""A compiled field: from its parent's value to the field's JSON value."""


class NotPlanned(Exception):
    """The selection asks for something a plan does not answer."""


@dataclass
class Loaded(PageRecords):
    """What the plan's statements brought, by id, with the page's own rows."""

    total: int = 0
    events: dict[int, list[models.TaskEvent]] = field(default_factory=dict)
    accounts: dict[int, models.Account] = field(default_factory=dict)
    tasks: dict[int, models.Task] = field(default_factory=dict)
    tasks_of: dict[str, dict[int, list[models.Task]]] = field(default_factory=dict)


@dataclass
class Needs:
    """What the compiled selection reads beyond the page's rows."""

    total: bool = False
    units: bool = False
    subjects: bool = False
    events: int | None = None  # the most events a task's selection asks for
    event_counts: bool = False
    node_units: set[str] = field(default_factory=set)  # a list's nodes' unit keys (court …)
    performed: bool = False  # a list of enforcement cases' amounts performed
    node_tasks: set[str] = field(default_factory=set)  # the loaders of the nodes' tasks
    json_columns: list[str] = field(default_factory=list)  # the nodes' JSON, as SQL


class _Compiler:
    """Compiles a field's selection into :data:`Compute` functions, per object type."""

    def __init__(self, info: Info, registry: dict[tuple[str, str], Loader]) -> None:
        raw: GraphQLResolveInfo[Any] = info._raw_info
        self.info = info
        self.registry = registry  # the asynchronous fields this plan loads itself
        self.path: list[str] = []  # the field names from the list's connection to here
        self.schema = raw.schema
        self.fragments = raw.fragments
        # strawberry hands resolvers the coerced values; graphql-core's helpers take them
        # in their container (the sources matter only to fragment arguments, not planned)
        variables: Any = raw.variable_values
        self.variables = (
            variables if isinstance(variables, VariableValues) else VariableValues({}, variables)
        )
        self.needs = Needs()
        self.loaded = Loaded()

    # -- the selection, as graphql-core collects it -------------------------------------

    def collect(
        self, runtime: GraphQLObjectType, nodes: Sequence[FieldNode]
    ) -> dict[str, list[FieldNode]]:
        fields: dict[str, list[FieldNode]] = {}
        seen_fragments: set[str] = set()

        def visit(selection_set: SelectionSetNode) -> None:
            for selection in selection_set.selections:
                if not self._included(selection):
                    continue
                if isinstance(selection, FieldNode):
                    key = selection.alias.value if selection.alias else selection.name.value
                    fields.setdefault(key, []).append(selection)
                elif isinstance(selection, InlineFragmentNode):
                    if does_fragment_condition_match(self.schema, selection, runtime):
                        visit(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.fragments.get(name)
                    if fragment is None:
                        raise NotPlanned(name)
                    if getattr(fragment, "variable_definitions", None):
                        raise NotPlanned(name)  # graphql-core's experimental fragment arguments
                    if name in seen_fragments:
                        continue
                    seen_fragments.add(name)
                    if does_fragment_condition_match(self.schema, fragment, runtime):
                        visit(fragment.selection_set)

        for node in nodes:
            if node.selection_set is not None:
                visit(node.selection_set)
        return fields

    def _included(self, node: Any) -> bool:
        for directive in node.directives or ():
            name = directive.name.value
            if name == GraphQLSkipDirective.name:
                if get_argument_values(GraphQLSkipDirective, directive, self.variables)["if"]:
                    return False
            elif name == GraphQLIncludeDirective.name:
                args = get_argument_values(GraphQLIncludeDirective, directive, self.variables)
                if not args["if"]:
                    return False
            else:
                raise NotPlanned(name)  # @defer, @stream …: graphql-core's own path
        return True

    def arguments(self, definition: GraphQLField, node: FieldNode) -> dict[str, Any]:
        return get_argument_values(definition, node, self.variables)

    # -- objects and fields ---------------------------------------------------------

    def object(self, runtime: GraphQLObjectType, nodes: Sequence[FieldNode]) -> Compute:
        """The function shaping a value of ``runtime`` into the selection of ``nodes``."""
        computes = [
            (key, self.field(runtime, key, field_nodes))
            for key, field_nodes in self.collect(runtime, nodes).items()
        ]

        def shape(value: Any) -> dict[str, Any]:
            return {key: compute(value) for key, compute in computes}

        return shape

    def field(self, parent: GraphQLObjectType, key: str, nodes: list[FieldNode]) -> Compute:
        name = nodes[0].name.value
        if name == "__typename":
            typename = parent.name
            return lambda _value: typename
        self.path.append(name)
        try:
            return self._field(parent, name, nodes)
        finally:
            self.path.pop()

    def at_node(self) -> bool:
        """The field being compiled is one of the list's nodes' own (``nodes { f }`` or
        ``edges { node { f } }``), whose parents are the page's rows."""
        return tuple(self.path[:-1]) in (("nodes",), ("edges", "node"))

    def _field(self, parent: GraphQLObjectType, name: str, nodes: list[FieldNode]) -> Compute:
        definition = parent.fields.get(name)
        if definition is None:
            raise NotPlanned(name)
        loaded = self.registry.get((parent.name, name))
        if loaded is not None:
            return loaded(self, definition, nodes)
        strawberry_field = definition.extensions.get(_DEFINITION)
        if not isinstance(strawberry_field, StrawberryField):
            raise NotPlanned(name)
        if strawberry_field.permission_classes or strawberry_field.extensions:
            raise NotPlanned(name)  # the field's own checks run only on graphql-core's path
        if nodes[0].arguments or definition.args:
            raise NotPlanned(name)
        get = self._getter(parent, name, strawberry_field)
        return self.value(definition.type, nodes, get)

    def _getter(self, parent: GraphQLObjectType, name: str, field_: StrawberryField) -> Compute:
        if name == "id" and any(interface.name == "Node" for interface in parent.interfaces):
            # relay.NodeID: the global id, as strawberry's Node.id resolver makes it
            typename = parent.name
            return lambda value: to_base64(typename, value.id)
        resolver = field_.base_resolver
        if resolver is None:
            return operator.attrgetter(field_.python_name)
        if resolver.is_async or resolver.arguments:
            raise NotPlanned(name)
        function: Callable[..., Any] = resolver.wrapped_func  # type: ignore[assignment]
        if resolver.info_parameter is not None:
            info, parameter = self.info, resolver.info_parameter.name
            return lambda value: _synchronous(function(value, **{parameter: info}))
        return lambda value: _synchronous(function(value))

    def value(self, type_: GraphQLOutputType, nodes: list[FieldNode], get: Compute) -> Compute:
        """``get`` completed as ``type_``: a leaf serialised, an object shaped, a list each."""
        if isinstance(type_, GraphQLNonNull):
            type_ = type_.of_type
        if isinstance(type_, GraphQLList):
            item = self.value(type_.of_type, nodes, lambda value: value)

            def each(value: Any) -> Any:
                items = get(value)
                return None if items is None else [item(one) for one in items]

            return each
        if is_leaf_type(type_):
            serialize = type_.serialize
            as_is = _SERIALIZED_AS_IS.get(type_)  # None: every value through serialize

            def leaf(value: Any) -> Any:
                result = get(value)
                if result is None or type(result) is as_is:
                    return result  # what graphql-core's serialize hands back unchanged
                return serialize(result)

            return leaf
        if isinstance(type_, GraphQLObjectType):
            shape = self.object(type_, nodes)

            def nested(value: Any) -> Any:
                result = get(value)
                return None if result is None else shape(result)

            return nested
        raise NotPlanned(str(type_))  # an interface or union the plan does not load

    def shared(
        self,
        type_: GraphQLOutputType,
        nodes: list[FieldNode],
        key_of: Compute,
        record_of: Callable[[Any], Any],
    ) -> Compute:
        """A record many values of the page point at (an event's actor, a task's unit, a
        case's court) completed as ``type_`` once per request and key: ``key_of`` gives
        the parent's key (an id, or None), ``record_of`` the type's value for it. The
        page's response then holds the same JSON object wherever the record appears,
        as it would hold equal ones: shaping is a function of the record and the
        selection."""
        complete = self.value(type_, nodes, record_of)
        done: dict[Any, Any] = {}

        def once(value: Any) -> Any:
            key = key_of(value)
            found = done.get(key, _MISSING)
            if found is _MISSING:
                found = done[key] = complete(key)
            return found

        return once


_SERIALIZED_AS_IS: dict[GraphQLOutputType, type] = {
    GraphQLString: str,
    GraphQLID: str,
    GraphQLBoolean: bool,
}
"""Leaf types whose ``serialize`` returns a value of exactly this Python type as it is."""


_MISSING = object()


def _synchronous(result: Any) -> Any:
    if inspect.isawaitable(result):  # a "sync" resolver handing back a loader's future
        raise RuntimeError("a planned field returned an awaitable")
    return result


# -- the fields a plan loads itself ----------------------------------------------------

Loader = Callable[[_Compiler, GraphQLField, list[FieldNode]], Compute]


def _total_count(compiler: _Compiler, definition: GraphQLField, nodes: list[FieldNode]) -> Compute:
    compiler.needs.total = True
    loaded = compiler.loaded
    return lambda _connection: loaded.total


def _event_total_count(
    compiler: _Compiler, definition: GraphQLField, nodes: list[FieldNode]
) -> Compute:
    compiler.needs.event_counts = True
    counts = compiler.loaded.event_counts
    # the connection's nodes are the task's events: its count is the task's
    return lambda connection: counts.get(connection.task_id, 0)


def _responsible_unit(
    compiler: _Compiler, definition: GraphQLField, nodes: list[FieldNode]
) -> Compute:
    compiler.needs.units = True
    units = compiler.loaded.units
    return compiler.shared(
        definition.type,
        nodes,
        lambda task: fk(task.row, "responsible_unit"),
        lambda unit_id: UnitType.from_model(units[unit_id]),
    )


def _subject(compiler: _Compiler, definition: GraphQLField, nodes: list[FieldNode]) -> Compute:
    compiler.needs.subjects = True
    union = get_named_type(definition.type)
    assert isinstance(union, GraphQLUnionType)
    shapes = {member.name: compiler.object(member, nodes) for member in union.types}
    subjects = compiler.loaded.subjects
    enforcement = shapes[EnforcementCaseType.__strawberry_definition__.name]  # type: ignore[attr-defined]
    bankruptcy = shapes[BankruptcyCaseType.__strawberry_definition__.name]  # type: ignore[attr-defined]
    meeting = shapes[JointMeetingType.__strawberry_definition__.name]  # type: ignore[attr-defined]

    def subject(task: TaskType) -> Any:
        row = task.row
        if all(fk_or_none(row, name) is None for name in SUBJECT_FIELDS):
            return None
        found = subjects.get(row.id)
        if found is None:
            return None
        if found.enforcement is not None:
            return enforcement(EnforcementCaseType.from_model(found.enforcement))
        if found.bankruptcy is not None:
            return bankruptcy(BankruptcyCaseType.from_model(found.bankruptcy))
        if found.meeting is not None:
            return meeting(JointMeetingType.from_model(found.meeting))
        return None

    return subject


class _Events:
    """A task's newest events as the ``events`` field's connection, with its task."""

    def __init__(self, task_id: int, connection: Any) -> None:
        self.task_id = task_id
        self.edges = connection.edges
        self.page_info = connection.page_info


def _events(compiler: _Compiler, definition: GraphQLField, nodes: list[FieldNode]) -> Compute:
    arguments = compiler.arguments(definition, nodes[0])
    first = arguments.get("first")
    if arguments.get("after") is not None or first is None or not 0 <= first <= MAX_PAGE_SIZE:
        raise NotPlanned("events")  # a cursor, or a size the field itself refuses
    needs = compiler.needs
    needs.events = max(needs.events or 0, first + 1)
    if first == 0:
        needs.event_counts = True
    connection_type = get_named_type(definition.type)
    assert isinstance(connection_type, GraphQLObjectType)
    shape = compiler.object(connection_type, nodes)
    loaded = compiler.loaded
    no_count: Count = known(0)  # totalCount is answered from loaded.event_counts

    def events(task: TaskType) -> Any:
        task_id = task.row.id
        rows = loaded.events.get(task_id, [])[: first + 1]
        any_events = first > 0 or loaded.event_counts.get(task_id, 0) > 0
        return shape(_Events(task_id, newest_events(rows, first, no_count, any_events=any_events)))

    return events


def _actor(compiler: _Compiler, definition: GraphQLField, nodes: list[FieldNode]) -> Compute:
    accounts = compiler.loaded.accounts

    def actor(account_id: int | None) -> AccountType | None:
        account = accounts.get(account_id) if account_id is not None else None
        return AccountType.from_model(account) if account is not None else None

    return compiler.shared(
        definition.type, nodes, lambda event: fk_or_none(event.row, "actor"), actor
    )


def _action_label(compiler: _Compiler, definition: GraphQLField, nodes: list[FieldNode]) -> Compute:
    tasks = compiler.loaded.tasks
    return lambda event: action_label(tasks.get(fk(event.row, "task")), event.row.action)


def _amount_performed(
    compiler: _Compiler, definition: GraphQLField, nodes: list[FieldNode]
) -> Compute:
    performed = compiler.loaded.performed  # from the subjects' statement
    return lambda case: format_fen(performed.get(case.row.id, 0))


def _court(prefix: str) -> Loader:
    def load(compiler: _Compiler, definition: GraphQLField, nodes: list[FieldNode]) -> Compute:
        units = compiler.loaded.units  # the subjects' statement brings courts and respondents
        return compiler.shared(
            definition.type,
            nodes,
            lambda case: fk(case.row, prefix),
            lambda unit_id: UnitType.from_model(units[unit_id]),
        )

    return load


_LOADED: dict[tuple[str, str], Loader] = {
    ("TaskConnection", "totalCount"): _total_count,
    ("TaskEventConnection", "totalCount"): _event_total_count,
    ("Task", "responsibleUnit"): _responsible_unit,
    ("Task", "subject"): _subject,
    ("Task", "events"): _events,
    ("TaskEvent", "actor"): _actor,
    ("TaskEvent", "actionLabel"): _action_label,
    ("EnforcementCase", "amountPerformed"): _amount_performed,
    ("EnforcementCase", "court"): _court("court"),
    ("EnforcementCase", "respondent"): _court("respondent"),
    ("BankruptcyCase", "court"): _court("court"),
}
"""The asynchronous fields a plan answers from its own statements, by (type, field)."""


def _node_unit(key: str) -> Loader:
    """A unit each node of a list points at by ``<key>_id`` (a case's court, a meeting's
    convener, a unit's parent, an account's unit): loaded for the whole page at once, by
    the request's ``unit_by_id`` as the field's resolver loads it."""

    def load(compiler: _Compiler, definition: GraphQLField, nodes: list[FieldNode]) -> Compute:
        if not compiler.at_node():
            raise NotPlanned(key)  # the unit of a unit, say: not loaded with the page
        compiler.needs.node_units.add(key)
        units = compiler.loaded.units
        return compiler.shared(
            definition.type,
            nodes,
            lambda node: fk_or_none(node.row, key),
            lambda unit_id: None if unit_id is None else UnitType.from_model(units[unit_id]),
        )

    return load


def _node_tasks(loader: str) -> Loader:
    """The tasks of each node of a list (a bankruptcy case's matters, a meeting's
    decisions, a case's tasks): loaded for the whole page at once by the request's
    ``loader``, as the field's resolver loads them, and shaped as tasks (their own
    asynchronous fields are not planned here)."""

    def load(compiler: _Compiler, definition: GraphQLField, nodes: list[FieldNode]) -> Compute:
        if not compiler.at_node():
            raise NotPlanned(loader)
        compiler.needs.node_tasks.add(loader)
        found = compiler.loaded.tasks_of.setdefault(loader, {})
        return compiler.value(
            definition.type,
            nodes,
            lambda node: [TaskType.from_model(row) for row in found[node.row.pk]],
        )

    return load


def _node_amount_performed(
    compiler: _Compiler, definition: GraphQLField, nodes: list[FieldNode]
) -> Compute:
    if not compiler.at_node():
        raise NotPlanned("amountPerformed")
    compiler.needs.performed = True
    return _amount_performed(compiler, definition, nodes)


def _list_total_count(
    compiler: _Compiler, definition: GraphQLField, nodes: list[FieldNode]
) -> Compute:
    if compiler.path != ["totalCount"]:
        raise NotPlanned("totalCount")  # a connection inside the list's nodes
    return _total_count(compiler, definition, nodes)


_LIST_TOTAL: dict[tuple[str, str], Loader] = {
    (f"{name}Connection", "totalCount"): _list_total_count
    for name in ("EnforcementCase", "BankruptcyCase", "JointMeeting", "Unit", "Account", "Briefing")
}

_LIST_LOADED: dict[tuple[str, str], Loader] = {
    ("EnforcementCase", "court"): _node_unit("court"),
    ("EnforcementCase", "respondent"): _node_unit("respondent"),
    ("EnforcementCase", "amountPerformed"): _node_amount_performed,
    ("EnforcementCase", "tasks"): _node_tasks("tasks_by_enforcement_case_id"),
    ("BankruptcyCase", "court"): _node_unit("court"),
    ("BankruptcyCase", "matters"): _node_tasks("tasks_by_bankruptcy_case_id"),
    ("JointMeeting", "convener"): _node_unit("convener"),
    ("JointMeeting", "decisions"): _node_tasks("tasks_by_meeting_id"),
    ("Unit", "parent"): _node_unit("parent"),
    ("Account", "unit"): _node_unit("unit"),
}
"""The asynchronous fields a plan of another list (cases, meetings, units, accounts,
briefings) answers, each only on the list's nodes themselves."""

_LIST_FIELDS = {**_LIST_TOTAL, **_LIST_LOADED}


# -- the nodes' JSON written by PostgreSQL (schema/json_sql.py) -------------------------

_JOINED: dict[tuple[str, str], tuple[str, str]] = {
    ("Task", "responsibleUnit"): ("page", "ru"),
    ("EnforcementCase", "court"): ("e", "ec"),
    ("EnforcementCase", "respondent"): ("e", "er"),
    ("BankruptcyCase", "court"): ("b", "bc"),
}
"""A to-one record in the page's statement (loaders._subject_joins), by (type, field):
the alias of the record it belongs to, and its own."""

_SUBJECT_ALIASES = {
    EnforcementCaseType.__strawberry_definition__.name: "e",  # type: ignore[attr-defined]
    BankruptcyCaseType.__strawberry_definition__.name: "b",  # type: ignore[attr-defined]
    JointMeetingType.__strawberry_definition__.name: "m",  # type: ignore[attr-defined]
}
"""Each kind of subject by its GraphQL type, in the order a task's subject is looked for:
the alias of its table in the page's statement."""


class _Json:
    """Compiles a selection into a SQL expression of its JSON text, over the page's
    statement: the task ``page``, its joined records, its events as subqueries. A field
    this does not write raises NotPlanned, and the page is shaped in Python."""

    def __init__(self, compiler: _Compiler) -> None:
        self.compiler = compiler
        self.subqueries = 0  # names each events subquery

    def object(self, runtime: GraphQLObjectType, nodes: Sequence[FieldNode], alias: str) -> str:
        return _json_object(
            (key, self.field(runtime, field_nodes, alias))
            for key, field_nodes in self.compiler.collect(runtime, nodes).items()
        )

    def field(self, parent: GraphQLObjectType, nodes: list[FieldNode], alias: str) -> str:
        name = nodes[0].name.value
        if name == "__typename":
            return f"""'"{parent.name}"'"""
        definition = parent.fields.get(name)
        strawberry_field = definition.extensions.get(_DEFINITION) if definition else None
        if definition is None or not isinstance(strawberry_field, StrawberryField):
            raise NotPlanned(name)
        if strawberry_field.permission_classes or strawberry_field.extensions:
            raise NotPlanned(name)
        key = (parent.name, name)
        if key == ("Task", "events") and alias == "page":
            return self.events(definition, nodes)
        if nodes[0].arguments or definition.args:
            raise NotPlanned(name)
        if key == ("Task", "subject") and alias == "page":
            return self.subject(definition, nodes)
        if key in _JOINED:
            owner, joined = _JOINED[key]
            if alias != owner:
                raise NotPlanned(name)
            return self.record(definition, nodes, joined)
        if key == ("TaskEvent", "actor"):
            return self.record(definition, nodes, f"{alias}_actor")
        if key == ("EnforcementCase", "amountPerformed") and alias == "e":
            return as_money(f"({PERFORMED})")
        type_ = (
            definition.type.of_type
            if isinstance(definition.type, GraphQLNonNull)
            else definition.type
        )
        if isinstance(type_, GraphQLList):
            raise NotPlanned(name)
        if name == "id" and any(interface.name == "Node" for interface in parent.interfaces):
            return global_id(parent.name)(f'{alias}."id"')
        if (column := COLUMNS.get(parent.name, {}).get(name)) is not None:
            rule = rule_of(get_named_type(definition.type))
            if rule is None:
                raise NotPlanned(name)
            return rule(f'{alias}."{column}"')
        if (column := MONEY.get(parent.name, {}).get(name)) is not None:
            return as_money(f'{alias}."{column}"')
        raise NotPlanned(name)

    def record(self, definition: GraphQLField, nodes: list[FieldNode], alias: str) -> str:
        type_ = get_named_type(definition.type)
        if not isinstance(type_, GraphQLObjectType):
            raise NotPlanned(type_.name)
        shape = self.object(type_, nodes, alias)
        return f"""(CASE WHEN {alias}."id" IS NULL THEN 'null' ELSE {shape} END)"""

    def subject(self, definition: GraphQLField, nodes: list[FieldNode]) -> str:
        union = get_named_type(definition.type)
        assert isinstance(union, GraphQLUnionType)
        members = {member.name: member for member in union.types}
        whens = " ".join(
            f'WHEN page."{alias}_seen" = 1 AND {alias}."id" IS NOT NULL '
            f"THEN {self.object(members[name], nodes, alias)}"
            for name, alias in _SUBJECT_ALIASES.items()
        )
        return f"(CASE {whens} ELSE 'null' END)"

    def events(self, definition: GraphQLField, nodes: list[FieldNode]) -> str:
        """The task's newest ``first`` events: its connection's ``nodes`` (each an events
        subquery with the actors joined) and ``totalCount``; anything else is Python's."""
        arguments = self.compiler.arguments(definition, nodes[0])
        first = arguments.get("first")
        if arguments.get("after") is not None or first is None or not 0 <= first <= MAX_PAGE_SIZE:
            raise NotPlanned("events")  # a cursor, or a size the field itself refuses
        connection = get_named_type(definition.type)
        assert isinstance(connection, GraphQLObjectType)

        def value(field_nodes: list[FieldNode]) -> str:
            name = field_nodes[0].name.value
            if name == "__typename":
                return f"""'"{connection.name}"'"""
            if name == "totalCount":
                return as_json(f"({EVENT_COUNT})")
            if name == "nodes":
                return self.newest(connection.fields[name], field_nodes, int(first))
            raise NotPlanned(name)  # pageInfo, edges

        return _json_object(
            (key, value(field_nodes))
            for key, field_nodes in self.compiler.collect(connection, nodes).items()
        )

    def newest(self, definition: GraphQLField, nodes: list[FieldNode], first: int) -> str:
        event_type = get_named_type(definition.type)
        assert isinstance(event_type, GraphQLObjectType)
        self.subqueries += 1
        alias = f"ev{self.subqueries}"
        node = self.object(event_type, nodes, alias)
        return (
            f"(SELECT COALESCE('[' || string_agg({node}, ',' ORDER BY {alias}.\"seq\" DESC)"
            " || ']', '[]') FROM (SELECT * FROM \"task_event\" AS t"
            f' WHERE t."task_id" = page."id" ORDER BY t."seq" DESC LIMIT {first}) AS {alias}'
            f' LEFT JOIN "account" AS {alias}_actor ON {alias}_actor."id" = {alias}."actor_id")'
        )


def _json_object(members: Iterable[tuple[str, str]]) -> str:
    """The SQL expression of a JSON object's text from its (key, value expression) pairs,
    in their order: a response key is a GraphQL name (letters, digits and _), nothing to
    escape."""
    pieces: list[str] = []
    for key, value in members:
        pieces += [f"""'{"," if pieces else "{"}"{key}":'""", value]
    if not pieces:
        return "'{}'"
    return "(" + " || ".join([*pieces, "'}'"]) + ")"


def _nodes_json(compiler: _Compiler, definition: GraphQLField, nodes: list[FieldNode]) -> Compute:
    """The page's ``nodes`` (or each edge's ``node``) as the JSON PostgreSQL writes: one
    column of the page's statement, handed to orjson as it is."""
    at = tuple(compiler.path)
    if at not in (("nodes",), ("edges", "node")):
        raise NotPlanned(".".join(at))
    task = get_named_type(definition.type)
    assert isinstance(task, GraphQLObjectType)
    columns = compiler.needs.json_columns
    index = len(columns)
    columns.append(_Json(compiler).object(task, nodes, "page"))
    if at == ("nodes",):
        return lambda connection: orjson.Fragment(
            "[" + ",".join([edge.node[index] for edge in connection.edges]) + "]"
        )
    return lambda edge: orjson.Fragment(edge.node[index])


_JSON_LOADED: dict[tuple[str, str], Loader] = {
    ("TaskConnection", "totalCount"): _total_count,
    ("TaskConnection", "nodes"): _nodes_json,
    ("TaskEdge", "node"): _nodes_json,
}
"""The fields a page whose nodes PostgreSQL writes answers itself: the nodes, and the
count; its pageInfo and cursors are shaped in Python."""


def planned_fields() -> Iterator[tuple[str, str]]:
    """Every (type, field) a plan loads itself: for the tests."""
    yield from _LOADED
    yield from _JSON_LOADED
    yield from _LIST_TOTAL
    yield from _LIST_LOADED


# -- the plan -------------------------------------------------------------------------


@dataclass
class TaskPlan:
    """A compiled page of tasks: what to read, and how to shape it."""

    compiler: _Compiler
    shape: Compute
    order: str  # the list's ORDER BY over the page's own columns (loaders.page_order)

    async def run(
        self,
        queryset: QuerySet[models.Task],
        *,
        first: int | None,
        after: str | None,
        last: int | None,
        before: str | None,
    ) -> Planned:
        needs, loaded = self.compiler.needs, self.compiler.loaded
        reads = PageReads(
            units=needs.units, subjects=needs.subjects, event_counts=needs.event_counts
        )
        viewer = self.compiler.info.context.viewer
        if needs.json_columns:  # the nodes written by PostgreSQL
            columns = needs.json_columns

            async def read_json(tasks: QuerySet[models.Task], offset: int, limit: int) -> Any:
                return await read_page_json(
                    tasks, self.order, columns, viewer, offset=offset, limit=limit
                )

            page: Page[Any] = await _page_and_total(
                self.compiler,
                queryset,
                first=first,
                after=after,
                last=last,
                before=before,
                read=read_json,
            )
            return Planned(self.shape(connection_of(page, page.rows)))

        async def read(tasks: QuerySet[models.Task], offset: int, limit: int) -> list[models.Task]:
            return await read_page(
                tasks, self.order, reads, viewer, loaded, offset=offset, limit=limit
            )

        tasks = await _page_and_total(
            self.compiler, queryset, first=first, after=after, last=last, before=before, read=read
        )
        loaded.tasks.update((row.id, row) for row in tasks.rows)
        if tasks.rows and needs.events is not None:
            await self._events([row.id for row in tasks.rows], needs.events)
        connection = connection_of(tasks, [TaskType.from_model(row) for row in tasks.rows])
        return Planned(self.shape(connection))

    async def _events(self, ids: list[int], limit: int) -> None:
        """The newest events of the page's tasks with their actors, in one statement."""
        loaded = self.compiler.loaded
        events, actors = await latest_events_and_actors([(task_id, limit) for task_id in ids])
        loaded.events.update(zip(ids, events, strict=True))
        loaded.accounts.update((actor.id, actor) for actor in actors)


async def _page_and_total(
    compiler: _Compiler,
    queryset: QuerySet[M],
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    read: Callable[[QuerySet[M], int, int], Awaitable[list[M]]] | None = None,
) -> Page[M]:
    """The page (relay.page_of) and, if the selection asks for it, the list's count into
    ``compiler.loaded.total``: a forward page's count at the same time as the page."""
    needs, loaded = compiler.needs, compiler.loaded
    read_it = page_of(queryset, first=first, after=after, last=last, before=before, read=read)
    if needs.total and last is None and before is None:
        page, loaded.total = await asyncio.gather(read_it, counter(queryset)())
    else:
        page = await read_it
        if needs.total:
            loaded.total = await page.count()  # a backward page counted first
    return page


@dataclass
class ListPlan(Generic[M]):
    """A compiled page of another list: its rows as the field reads them, the units
    and amounts its nodes point at loaded for the whole page, then shaped."""

    compiler: _Compiler
    shape: Compute
    convert: Callable[[M], Any]

    async def run(
        self,
        queryset: QuerySet[M],
        *,
        first: int | None,
        after: str | None,
        last: int | None,
        before: str | None,
    ) -> Planned:
        needs, loaded = self.compiler.needs, self.compiler.loaded
        page = await _page_and_total(
            self.compiler, queryset, first=first, after=after, last=last, before=before
        )
        loaders = self.compiler.info.context.loaders
        reads: list[Awaitable[None]] = []
        if needs.node_units:
            unit_ids = sorted(
                {
                    unit_id
                    for row in page.rows
                    for key in needs.node_units
                    if (unit_id := fk_or_none(row, key)) is not None
                }
            )

            async def units() -> None:
                found = await loaders.unit_by_id.load_many(unit_ids)
                loaded.units.update((unit.id, unit) for unit in found if unit is not None)

            reads.append(units())
        if needs.performed and page.rows:
            case_ids = [row.pk for row in page.rows]

            async def performed() -> None:
                amounts = await loaders.amount_performed_by_case_id.load_many(case_ids)
                loaded.performed.update(zip(case_ids, amounts, strict=True))

            reads.append(performed())
        for name in needs.node_tasks if page.rows else ():
            reads.append(self._tasks(name, [row.pk for row in page.rows]))
        await asyncio.gather(*reads)
        connection = connection_of(page, [self.convert(row) for row in page.rows])
        return Planned(self.shape(connection))

    async def _tasks(self, name: str, ids: list[int]) -> None:
        loader: DataLoader[int, list[models.Task]] = getattr(
            self.compiler.info.context.loaders, name
        )
        found = await loader.load_many(ids)
        self.compiler.loaded.tasks_of[name].update(zip(ids, found, strict=True))


def _compile(info: Info, registry: dict[tuple[str, str], Loader]) -> tuple[_Compiler, Compute]:
    """The selection of the list field ``info`` resolves, compiled: NotPlanned if a field
    of it is not answered by a plan with these loaded fields."""
    raw: GraphQLResolveInfo[Any] = info._raw_info
    connection_type = get_named_type(raw.return_type)
    assert isinstance(connection_type, GraphQLObjectType)
    compiler = _Compiler(info, registry)
    return compiler, compiler.object(connection_type, raw.field_nodes)


async def read_list(
    info: Info,
    queryset: QuerySet[M],
    convert: Callable[[M], NodeT],
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[NodeT]:
    """The connection a list field (other than ``tasks``) answers: planned when every
    field of its selection can be, else as :func:`schema.relay.paginate` makes it."""
    try:
        compiler, shape = _compile(info, _LIST_FIELDS)
    except NotPlanned:
        return await paginate(queryset, convert, first=first, after=after, last=last, before=before)
    plan = ListPlan(compiler, shape, convert)
    planned = await plan.run(queryset, first=first, after=after, last=last, before=before)
    return cast(Connection[NodeT], planned)


def plan_tasks(info: Info, queryset: QuerySet[models.Task]) -> TaskPlan | None:
    """The plan of the ``tasks`` field's selection over ``queryset``; None if a field of
    it is not planned, or the list is sorted by something the page's statement cannot
    sort by again."""
    order = page_order(queryset)
    if order is None:
        return None
    if connections.get("default").capabilities.dialect == "postgres":
        try:
            compiler, shape = _compile(info, _JSON_LOADED)
            return TaskPlan(compiler, shape, order)
        except NotPlanned:
            pass  # a field PostgreSQL does not write: the nodes shaped in Python
    try:
        compiler, shape = _compile(info, _LOADED)
    except NotPlanned:
        return None
    return TaskPlan(compiler, shape, order)
