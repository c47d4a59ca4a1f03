"""DataLoaders, made fresh for every request in ``get_context``.

Each loads a batch of keys with one query and answers in key order, so a page
of 5 or of 50 tasks costs the same number of SQL statements.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import inspect
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from strawberry.dataloader import DataLoader
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Case, Q, RawSQL, Subquery, When
from tortoise.fields.data import CharEnumFieldInstance, IntEnumFieldInstance
from tortoise.functions import Count, Sum
from tortoise.models import Model
from tortoise.queryset import QuerySet

from store.models import (
    Account,
    AgendaItem,
    BankruptcyCase,
    EnforcementCase,
    ImportBatch,
    JointMeeting,
    PerformanceRecord,
    StoredFile,
    Task,
    TaskDependency,
    TaskEvent,
    Unit,
)
from store.operations.transitions import URGE_ACTION, pending_extensions
from store.visibility import EVERYTHING, scope_for

K = TypeVar("K")
V = TypeVar("V")
M = TypeVar("M", bound=Model)


def _by_id(model: type[M], scope: Q) -> Callable[[Sequence[int]], Awaitable[list[M | None]]]:
    """Rows by id, None for a row the viewer may not see (as if it did not exist)."""

    async def load(keys: Sequence[int]) -> list[M | None]:
        rows = {row.pk: row for row in await model.filter(scope, id__in=set(keys))}
        return [rows.get(key) for key in keys]

    return load


def _grouped(
    model: type[M], key_field: str, scope: Q, *, order: Sequence[str] = ("id",)
) -> Callable[[Sequence[int]], Awaitable[list[list[M]]]]:
    """Rows of ``model`` grouped by ``key_field``: one query for every key."""

    async def load(keys: Sequence[int]) -> list[list[M]]:
        groups: dict[int, list[M]] = defaultdict(list)
        query = model.filter(scope, **{f"{key_field}__in": set(keys)}).order_by(*order)
        for row in await query:
            groups[getattr(row, key_field)].append(row)
        return [groups.get(key, []) for key in keys]

    return load


async def _amount_performed(keys: Sequence[int]) -> list[int]:
    # Only ever asked for cases the viewer could load: the sum needs no scope.
    rows = (
        await PerformanceRecord.filter(case_id__in=set(keys))
        .annotate(total=Sum("amount_fen"))
        .group_by("case_id")
        .values_list("case_id", "total")
    )
    totals = {case_id: int(total or 0) for case_id, total in rows}
    return [totals.get(key, 0) for key in keys]


EVENT_COUNT = 'SELECT COUNT(*) FROM "task_event" AS n WHERE n."task_id" = page."id"'
"""The number of events of the task ``page``, for the loader and the planned page alike."""


def _among(column: str, ids: Iterable[int]) -> tuple[str, list[Any]]:
    """``column`` is one of ``ids`` (integers), as SQL with its parameters. On PostgreSQL
    one parameter, so the statement's text, and the statement asyncpg prepares for it,
    is the same whatever the ids (spelled out, each page was a new statement to prepare
    and then to evict); it is text made an array in the statement, since asyncpg asks
    the server about an array parameter's type (three statements) on each new
    connection. On SQLite, which has no arrays, the ids spelled out."""
    ordered = sorted({int(one) for one in ids})
    if connections.get("default").capabilities.dialect == "postgres":
        text = ",".join(map(str, ordered))
        return f"{column} = ANY(string_to_array($1, ',')::integer[])", [text]
    return f"{column} IN ({', '.join(map(str, ordered))})", []


async def _event_counts(keys: Sequence[int]) -> list[int]:
    among, params = _among('page."id"', keys)
    _, rows = await connections.get("default").execute_query(
        f'SELECT page."id" AS "id", ({EVENT_COUNT}) AS "n" FROM "task" AS page WHERE {among}',
        params,
    )
    counts = {row["id"]: int(row["n"]) for row in rows}
    return [counts.get(key, 0) for key in keys]


async def _urge_counts(keys: Sequence[int]) -> list[int]:
    # Asked only by Task.urgeCount, for tasks the viewer could load.
    rows = (
        await TaskEvent.filter(task_id__in=set(keys), action=URGE_ACTION)
        .annotate(n=Count("id"))
        .group_by("task_id")
        .values_list("task_id", "n")
    )
    counts = {task_id: int(n) for task_id, n in rows}
    return [counts.get(key, 0) for key in keys]


async def _pending_extensions(keys: Sequence[int]) -> list[dt.date | None]:
    # Asked only for tasks the viewer could load.
    pending = await pending_extensions(sorted(set(keys)))
    return [pending.get(key) for key in keys]


_ENUM_CONVERSIONS = (CharEnumFieldInstance.to_python_value, IntEnumFieldInstance.to_python_value)
_MISSING = object()


@functools.cache
def _settable_directly(model: type[Model]) -> bool:
    """No field of ``model`` behind a data descriptor (which would have to be set
    through it): its records can be made by filling their ``__dict__``."""
    return not any(
        hasattr(type(inspect.getattr_static(model, attr, None)), "__set__")
        for attr in model._meta.fields_db_projection
    )


class _Maker(Generic[M]):
    """Records of ``model`` from the rows of a statement that selected its columns as
    ``prefix`` + column, the same records tortoise's ``Model._init_from_db`` makes (its
    conversions, field by field, as its queries do) without what it spends per row: no
    keyword dictionary, no ``Model.__setattr__`` for its four bookkeeping attributes.
    Made per statement: tortoise sorts a model's fields by what the database driver
    already converts when it is initialised, so the lists are read after that.

    ``once`` keeps each record it made by id, so a record many rows bring is made once
    (the actor of many events, the court of many cases); None where a LEFT JOIN found none.
    """

    def __init__(self, model: type[M], prefix: str = "", *, once: bool = False) -> None:
        meta = model._meta
        self.model = model
        self.prefix = prefix
        self.pk = prefix + meta.db_pk_column
        self.native = [(prefix + key, attr) for key, attr, _ in meta.db_native_fields]
        self.plain = [
            (prefix + key, attr, field.field_type) for key, attr, field in meta.db_default_fields
        ]
        self.converted: list[tuple[str, str, Callable[[Any], Any]]] = []
        self.enums: list[tuple[str, str, Mapping[Any, Any], Callable[[Any], Any]]] = []
        for key, attr, field in meta.db_complex_fields:
            if type(field).to_python_value in _ENUM_CONVERSIONS:
                # enum_type(value), as tortoise's conversion, by the members' own map
                members = field.enum_type._value2member_map_  # type: ignore[attr-defined]
                self.enums.append((prefix + key, attr, members, field.to_python_value))
            else:
                self.converted.append((prefix + key, attr, field.to_python_value))
        self.custom_pk = meta.db_pk_column not in meta.generated_db_fields
        self.once = once
        self.made: dict[Any, M] = {}  # by id, with ``once``
        self.direct = _settable_directly(model)

    def __call__(self, row: Mapping[str, Any]) -> M | None:
        key = row[self.pk]
        if key is None:
            return None
        if self.once and (found := self.made.get(key)) is not None:
            return found
        if self.direct:
            record = self.model.__new__(self.model)
            values = record.__dict__
            values["_partial"] = False
            values["_saved_in_db"] = True
            values["_custom_generated_pk"] = self.custom_pk
            values["_await_when_save"] = {}
            for column, attr in self.native:
                values[attr] = row[column]
            for column, attr, kind in self.plain:
                value = row[column]
                values[attr] = value if value is None else kind(value)
            for column, attr, convert in self.converted:
                values[attr] = convert(row[column])
            for column, attr, members, convert in self.enums:
                value = row[column]
                member = members.get(value, _MISSING) if value is not None else None
                values[attr] = convert(value) if member is _MISSING else member
        else:
            columns = self.model._meta.db_fields
            record = self.model._init_from_db(
                **{column: row[self.prefix + column] for column in columns}
            )
        if self.once:
            self.made[key] = record
        return record


def _columns(model: type[Model], alias: str, prefix: str) -> str:
    columns = model._meta.db_fields
    return ", ".join(f'{alias}."{column}" AS "{prefix}{column}"' for column in columns)


def _seen(column: str, model: type[Model], scope: Q) -> Case | RawSQL:
    """1 where the row ``column`` points to is one the viewer may see, as SQL in the same
    statement (the viewer's scope as a subquery; nothing to ask of one who sees all)."""
    if scope is EVERYTHING:
        return RawSQL("1")
    visible: dict[str, Any] = {f"{column}__in": Subquery(model.filter(scope).values("id"))}
    one, zero = RawSQL("1"), RawSQL("0")  # integers, not the strings '1' and '0'
    return Case(When(Q(**visible), then=one), default=zero)  # type: ignore[arg-type]


PERFORMED = (
    'SELECT COALESCE(SUM(p."amount_fen"), 0) FROM "performance_record" AS p '
    'WHERE p."case_id" = e."id"'
)
"""The amount performed of the enforcement case ``e``, in fen."""


@functools.cache
def _subject_joins() -> tuple[str, str]:
    """The columns and joins that bring, for each row of a page of tasks (``page``), its
    responsible unit and its subject (the enforcement case with its court, respondent
    and amount performed, the bankruptcy case with its court, the meeting): made once,
    after Tortoise.init; each record's columns are ``<prefix><column>``, read by
    :class:`_Subjects`."""
    columns = ", ".join(
        (
            _columns(Unit, "ru", "ru__"),
            _columns(EnforcementCase, "e", "e__"),
            _columns(Unit, "ec", "ec__"),
            _columns(Unit, "er", "er__"),
            _columns(BankruptcyCase, "b", "b__"),
            _columns(Unit, "bc", "bc__"),
            _columns(JointMeeting, "m", "m__"),
            f'({PERFORMED}) AS "performed_fen"',
        )
    )
    joins = (
        'LEFT JOIN "unit" AS ru ON ru."id" = page."responsible_unit_id" '
        'LEFT JOIN "enforcement_case" AS e ON e."id" = page."enforcement_case_id" '
        'LEFT JOIN "unit" AS ec ON ec."id" = e."court_id" '
        'LEFT JOIN "unit" AS er ON er."id" = e."respondent_id" '
        'LEFT JOIN "bankruptcy_case" AS b ON b."id" = page."bankruptcy_case_id" '
        'LEFT JOIN "unit" AS bc ON bc."id" = b."court_id" '
        'LEFT JOIN "joint_meeting" AS m ON m."id" = page."meeting_id" '
    )
    return columns, joins


_SUBJECTS = (
    ("e", EnforcementCase, "enforcement_case_id"),
    ("b", BankruptcyCase, "bankruptcy_case_id"),
    ("m", JointMeeting, "meeting_id"),
)
"""Each kind of subject: the alias of its table, its model, the task's column for it;
``<alias>_seen`` says whether the viewer may see the row's one."""


class _Subjects:
    """The units and subjects in the rows of a statement with :func:`_subject_joins`,
    each record made once however many rows bring it. A subject whose ``<alias>_seen``
    is false is left out, as if the task had none the viewer may see."""

    def __init__(self) -> None:
        self.units = {
            prefix: _Maker(Unit, prefix, once=True) for prefix in ("ru__", "ec__", "er__", "bc__")
        }
        self.case_of = _Maker(EnforcementCase, "e__", once=True)
        self.bankruptcy_of = _Maker(BankruptcyCase, "b__", once=True)
        self.meeting_of = _Maker(JointMeeting, "m__", once=True)
        self.performed: dict[int, int] = {}  # by enforcement case

    def __call__(self, row: Mapping[str, Any]) -> TaskSubject:
        self.units["ru__"](row)
        case = self.case_of(row) if row["e_seen"] else None
        bankruptcy = self.bankruptcy_of(row) if row["b_seen"] else None
        meeting = self.meeting_of(row) if row["m_seen"] else None
        if case is not None:
            self.performed[case.id] = int(row["performed_fen"] or 0)
            self.units["ec__"](row)
            self.units["er__"](row)
        if bankruptcy is not None:
            self.units["bc__"](row)
        return TaskSubject(case, bankruptcy, meeting)

    def all_units(self) -> Iterator[Unit]:
        for maker in self.units.values():
            yield from maker.made.values()


@dataclass(frozen=True)
class TaskSubject:
    """What a task belongs to, as the viewer may see it: at most one of the three."""

    enforcement: EnforcementCase | None = None
    bankruptcy: BankruptcyCase | None = None
    meeting: JointMeeting | None = None


def _event_columns() -> str:
    return ", ".join(f'"{column}"' for column in TaskEvent._meta.db_fields)


async def latest_events_and_actors(
    keys: Sequence[tuple[int, int]],
) -> tuple[list[list[TaskEvent]], list[Account]]:
    """For each (task id, n) the task's newest n events, newest first, and every actor of
    them once, in one statement. Asked only for tasks the viewer could load."""
    limit = max(n for _, n in keys)
    among, params = _among("task_id", (task_id for task_id, _ in keys))
    # Each actor's columns come once, on the first of its rows (the rest join nothing):
    # a page's events have few actors, and their rows are most of what it reads.
    statement = (
        f"SELECT latest.*, {_columns(Account, 'actor', 'a__')} FROM ("
        "SELECT ranked.*, ROW_NUMBER() OVER "
        "(PARTITION BY ranked.actor_id ORDER BY ranked.task_id, ranked.seq DESC) AS nth_of_actor "
        f"FROM (SELECT {_event_columns()}, ROW_NUMBER() OVER "
        "(PARTITION BY task_id ORDER BY seq DESC) AS rank_in_task "
        f"FROM task_event WHERE {among}) AS ranked "
        f"WHERE ranked.rank_in_task <= {int(limit)}) AS latest "
        'LEFT JOIN account AS actor ON actor."id" = latest."actor_id" AND latest.nth_of_actor = 1 '
        "ORDER BY latest.task_id, latest.seq DESC"
    )
    _, rows = await connections.get("default").execute_query(statement, params)
    groups: dict[int, list[TaskEvent]] = defaultdict(list)
    event_of, actor_of = _Maker(TaskEvent), _Maker(Account, "a__", once=True)
    for row in rows:
        event = event_of(row)
        assert event is not None
        groups[row["task_id"]].append(event)
        actor_of(row)
    accounts = list(actor_of.made.values())
    return [groups.get(task_id, [])[:n] for task_id, n in keys], accounts


def _dependencies(scope: Q) -> Callable[[Sequence[int]], Awaitable[list[list[Task]]]]:
    """The tasks each task waits for that the viewer may see: one statement, however
    many tasks of the page have dependencies (none, some or all)."""

    async def load(keys: Sequence[int]) -> list[list[Task]]:
        links = (
            await TaskDependency.filter(task_id__in=set(keys))
            .select_related("depends_on")
            .annotate(seen=_seen("depends_on_id", Task, scope))
            .order_by("id")
        )
        groups: dict[int, list[Task]] = defaultdict(list)
        for link in links:
            if link.seen:  # type: ignore[attr-defined]
                groups[link.task_id].append(link.depends_on)  # type: ignore[attr-defined]
        return [groups.get(key, []) for key in keys]

    return load


async def _assisting_units(keys: Sequence[int]) -> list[list[Unit]]:
    through = await Task.filter(id__in=set(keys)).values_list("id", "assisting_units__id")
    unit_ids = {unit_id for _, unit_id in through if unit_id is not None}
    units = {u.id: u for u in await Unit.filter(id__in=unit_ids)} if unit_ids else {}
    groups: dict[int, list[Unit]] = defaultdict(list)
    for task_id, unit_id in through:
        if unit_id is not None:
            groups[task_id].append(units[unit_id])
    return [sorted(groups.get(key, []), key=lambda u: u.code) for key in keys]


async def _attending_units(keys: Sequence[int]) -> list[list[Unit]]:
    through = await JointMeeting.filter(id__in=set(keys)).values_list("id", "attending_units__id")
    unit_ids = {unit_id for _, unit_id in through if unit_id is not None}
    units = {u.id: u for u in await Unit.filter(id__in=unit_ids)} if unit_ids else {}
    groups: dict[int, list[Unit]] = defaultdict(list)
    for meeting_id, unit_id in through:
        if unit_id is not None:
            groups[meeting_id].append(units[unit_id])
    return [sorted(groups.get(key, []), key=lambda u: u.code) for key in keys]


def _attachments(column: str) -> DataLoader[int, list[StoredFile]]:
    return _loader(_grouped(StoredFile, column, Q()))


def _loader(load_fn: Callable[[Sequence[Any]], Awaitable[list[Any]]]) -> DataLoader[Any, Any]:
    return DataLoader(load_fn=load_fn)


class Loaders:
    """The loaders of one request, for one viewer; named ``<thing>_by_<key>``.

    Every loader filters by what the viewer may see (store.visibility), so a
    nested field never reaches a record the viewer could not list. Accounts
    are the exception: the actor of an event the viewer may see is shown by
    name (their phone is masked by the type).
    """

    def __init__(self, viewer: Account | None = None) -> None:
        tasks = scope_for(Task, viewer)
        self.unit_by_id: DataLoader[int, Unit | None] = _loader(_by_id(Unit, Q()))
        self.account_by_id: DataLoader[int, Account | None] = _loader(_by_id(Account, Q()))
        self.enforcement_case_by_id: DataLoader[int, EnforcementCase | None] = _loader(
            _by_id(EnforcementCase, scope_for(EnforcementCase, viewer))
        )
        self.bankruptcy_case_by_id: DataLoader[int, BankruptcyCase | None] = _loader(
            _by_id(BankruptcyCase, scope_for(BankruptcyCase, viewer))
        )
        self.meeting_by_id: DataLoader[int, JointMeeting | None] = _loader(
            _by_id(JointMeeting, scope_for(JointMeeting, viewer))
        )
        self.task_by_id: DataLoader[int, Task | None] = _loader(_by_id(Task, tasks))
        self.import_batch_by_id: DataLoader[int, ImportBatch | None] = _loader(
            _by_id(ImportBatch, Q())
        )
        self.amount_performed_by_case_id: DataLoader[int, int] = _loader(_amount_performed)
        self.performance_records_by_case_id: DataLoader[int, list[PerformanceRecord]] = _loader(
            _grouped(PerformanceRecord, "case_id", Q(), order=("paid_on", "id"))
        )
        self.tasks_by_enforcement_case_id: DataLoader[int, list[Task]] = _loader(
            _grouped(Task, "enforcement_case_id", tasks, order=("code",))
        )
        self.tasks_by_bankruptcy_case_id: DataLoader[int, list[Task]] = _loader(
            _grouped(Task, "bankruptcy_case_id", tasks, order=("code",))
        )
        self.tasks_by_meeting_id: DataLoader[int, list[Task]] = _loader(
            _grouped(Task, "meeting_id", tasks, order=("code",))
        )
        self.agenda_items_by_meeting_id: DataLoader[int, list[AgendaItem]] = _loader(
            _grouped(AgendaItem, "meeting_id", Q(), order=("seq",))
        )
        self.attending_units_by_meeting_id: DataLoader[int, list[Unit]] = _loader(_attending_units)
        self.assisting_units_by_task_id: DataLoader[int, list[Unit]] = _loader(_assisting_units)
        self.dependencies_by_task_id: DataLoader[int, list[Task]] = _loader(_dependencies(tasks))
        self.event_count_by_task_id: DataLoader[int, int] = _loader(_event_counts)
        self.urge_count_by_task_id: DataLoader[int, int] = _loader(_urge_counts)
        self.pending_extension_by_task_id: DataLoader[int, dt.date | None] = _loader(
            _pending_extensions
        )
        # evidence files, only ever asked for records the viewer could load
        self.attachments_by_task_id = _attachments("task_id")
        self.attachments_by_event_id = _attachments("event_id")
        self.attachments_by_performance_record_id = _attachments("performance_record_id")
        self.attachments_by_enforcement_case_id = _attachments("enforcement_case_id")
        self.attachments_by_bankruptcy_case_id = _attachments("bankruptcy_case_id")
        self.attachments_by_meeting_id = _attachments("meeting_id")
        self.latest_events_by_task_and_count: DataLoader[tuple[int, int], list[TaskEvent]] = (
            _loader(self._latest_events)
        )
        self._viewer = viewer
        self.subject_by_task_id: DataLoader[int, TaskSubject] = _loader(self._subjects)

    async def _latest_events(self, keys: Sequence[tuple[int, int]]) -> list[list[TaskEvent]]:
        events, actors = await latest_events_and_actors(keys)
        for actor in actors:
            self.account_by_id.prime(actor.id, actor)
        return events

    async def _subjects(self, keys: Sequence[int]) -> list[TaskSubject]:
        """The subjects of a page of tasks, whatever their kinds, in one statement, with
        their responsible units (primed into ``unit_by_id``): the statement of a planned
        page (:func:`read_page`) over these tasks, so both paths decide in the same SQL
        which subjects the viewer may see; a record the viewer may not see is left out,
        as the single-kind loaders leave it out. Each record is made once however many
        tasks share it, and primed into its loader, so the subject's own fields (court,
        amountPerformed) and the task's snapshot cost nothing more. The tasks are asked
        for by id: only tasks the viewer could load are asked for."""
        found = PageRecords()
        reads = PageReads(units=True, subjects=True)
        tasks = Task.filter(id__in=sorted(set(keys)))
        await read_page(tasks, 'page."id"', reads, self._viewer, found)
        for unit in found.units.values():
            self.unit_by_id.prime(unit.id, unit)
        for subject in found.subjects.values():
            if (case := subject.enforcement) is not None:
                self.enforcement_case_by_id.prime(case.id, case)
                self.amount_performed_by_case_id.prime(case.id, found.performed[case.id])
            if (bankruptcy := subject.bankruptcy) is not None:
                self.bankruptcy_case_by_id.prime(bankruptcy.id, bankruptcy)
            if (meeting := subject.meeting) is not None:
                self.meeting_by_id.prime(meeting.id, meeting)
        return [found.subjects.get(key, TaskSubject()) for key in keys]


# -- what a planned page reads in its own statement (schema/planner.py) ---------------


@dataclass(frozen=True)
class PageReads:
    """What a page of tasks reads beside its rows, in the same statement."""

    units: bool = False  # the responsible units
    subjects: bool = False  # with their courts, respondents and amounts performed
    event_counts: bool = False


@dataclass
class PageRecords:
    """What :func:`read_page` found beside the page's tasks, by id."""

    units: dict[int, Unit] = dataclasses.field(default_factory=dict)
    subjects: dict[int, TaskSubject] = dataclasses.field(default_factory=dict)
    performed: dict[int, int] = dataclasses.field(default_factory=dict)  # by enforcement case
    event_counts: dict[int, int] = dataclasses.field(default_factory=dict)


def page_order(queryset: QuerySet[Task]) -> str | None:
    """The ORDER BY of ``queryset`` over its own columns as the derived table ``page``
    (a task's column or a column it annotated); None if it sorts by anything else."""
    terms = []
    for name, order in queryset._orderings:
        column = Task._meta.fields_db_projection.get(name)
        if column is None and name in queryset._annotations:
            column = name
        if column is None:
            return None
        terms.append(f'page."{column}" {order.value}')
    return ", ".join(terms) if terms else None


async def read_page(
    queryset: QuerySet[Task],
    order: str,
    reads: PageReads,
    viewer: Account | None,
    found: PageRecords,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> list[Task]:
    """The tasks of ``queryset`` from ``offset``, at most ``limit`` of them, sorted again
    by ``order`` (its :func:`page_order`), and in the same statement what ``reads`` asks
    for, into ``found``: the page is the queryset's own statement, its scope, filter and
    order, with the offset and limit, joined as a derived table to the units and
    subjects, with whether the viewer may see each subject (the viewer's scope as a
    subquery, store.visibility) and the counts of events. A subject the viewer may not
    see is left out, as the loaders leave it out; each record is made once however many
    tasks share it.

    The offset and limit are written into the statement as numbers, not parameters:
    PostgreSQL plans a statement whose LIMIT is a parameter again at every execution
    (its generic plan, costed for an unknown limit, never wins), which took the page
    from about 0.6 to 2.4 ms; with them written, the office's page has no parameter
    and is planned once per connection."""
    columns = "page.*"
    if reads.units or reads.subjects:
        columns += f", {_subject_joins()[0]}"
    if reads.event_counts:
        columns += f', ({EVENT_COUNT}) AS "event_count"'
    statement, params, db = _page_statement(
        queryset,
        order,
        columns,
        viewer,
        subjects=reads.subjects,
        joined=reads.units or reads.subjects,
        offset=offset,
        limit=limit,
    )
    _, rows = await db.execute_query(statement, params)
    task_of = _Maker(Task)
    made = _Subjects()
    tasks = []
    for row in rows:
        task = task_of(row)
        assert task is not None
        tasks.append(task)
        if reads.event_counts:
            found.event_counts[task.id] = int(row["event_count"])
        if reads.subjects:
            found.subjects[task.id] = made(row)
        elif reads.units:
            made.units["ru__"](row)
    found.units.update((unit.id, unit) for unit in made.all_units())
    found.performed.update(made.performed)
    return tasks


async def read_page_json(
    queryset: QuerySet[Task],
    order: str,
    columns: Sequence[str],
    viewer: Account | None,
    *,
    offset: int,
    limit: int,
) -> list[Any]:
    """The page :func:`read_page` reads, as the rows of ``columns``: SQL expressions over
    the page's task (``page``), its responsible unit and its subject (the aliases of
    :func:`_subject_joins`, with ``page."<alias>_seen"``), each the JSON text of a node's
    selection (schema/json_sql.py). PostgreSQL only, which drops the joins no column reads."""
    statement, params, db = _page_statement(
        queryset,
        order,
        ", ".join(f'{column} AS "n{index}"' for index, column in enumerate(columns)),
        viewer,
        subjects=True,
        joined=True,
        offset=offset,
        limit=limit,
    )
    _, rows = await db.execute_query(statement, params)
    return list(rows)


def _page_statement(
    queryset: QuerySet[Task],
    order: str,
    columns: str,
    viewer: Account | None,
    *,
    subjects: bool,
    joined: bool,
    offset: int,
    limit: int | None,
) -> tuple[str, list[Any], BaseDBAsyncClient]:
    """The page's statement selecting ``columns``: the queryset's own statement with the
    offset and limit as a derived table ``page`` (with ``<alias>_seen`` for each kind of
    subject if ``subjects``), joined to its units and subjects if ``joined``; with its
    parameters and the connection to send it on."""
    if subjects:
        queryset = queryset.annotate(
            **{
                f"{alias}_seen": _seen(column, model, scope_for(model, viewer))
                for alias, model, column in _SUBJECTS
            }
        )
    queryset._choose_db_if_not_chosen()
    queryset._make_query()
    sql, params = queryset.query.get_parameterized_sql()
    if limit is not None:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    elif offset:
        raise ValueError("an offset without a limit")  # SQLite has no OFFSET alone
    joins = _subject_joins()[1] if joined else ""
    statement = f"SELECT {columns} FROM ({sql}) AS page {joins}ORDER BY {order}"
    return statement, list(params), queryset._db
