"""Which rows a 台账 holds: the lists' scopes and filters, for exportLedger, its
download and ``fuyuan ledger export``.

A ledger holds exactly what the matching list shows its viewer: the same
visibility (``store.visibility``) and the same filter input (``tasks(filter:)``,
``enforcementCases(filter:)``, ``progress(scope:)``) applied the same way,
and applicants masked as ``EnforcementCase.applicantName`` masks them. The
filter travels in the download URL as the JSON a client would send in
GraphQL variables (camelCase names, enum names, ISO dates); the download
decodes it and applies it again for the viewer who downloads.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import types
import typing
from enum import Enum
from typing import IO, Any, TypeVar
from urllib.parse import urlencode

import strawberry
from strawberry.utils.str_converters import to_camel_case

from reports.ledgers import (
    LedgerHeading,
    write_case_ledger,
    write_matter_ledger,
    write_task_ledger,
    write_unit_ledger,
)
from reports.progress import compute_progress
from schema.errors import BadRequest
from schema.filters.cases import (
    EnforcementCaseFilter,
    filter_enforcement_cases,
    order_enforcement_cases,
)
from schema.filters.tasks import TaskFilter, filter_tasks, order_tasks
from schema.types.progress import ProgressScope
from store.models import Account, EnforcementCase, Task, Unit
from store.visibility import (
    EVERYTHING,
    SEES_ALL,
    progress_scope,
    scope_for,
    sees_personal_data,
)
from workflow.clock import SHANGHAI, local_today, utcnow
from workflow.i18n import _

__all__ = [
    "LedgerFilter",
    "LedgerKind",
    "decode_filter",
    "encode_filter",
    "file_name",
    "write_ledger",
]


@strawberry.enum(
    description="Which 台账 to export: TASKS 交办事项台账 (the tasks list), CASES "
    "涉党政机关执行案件台账 (cases, amounts and payments), MATTERS 破产协调事项台账, UNITS "
    "责任单位汇总台账 (progress() by responsible unit, as of a moment)."
)
class LedgerKind(Enum):
    TASKS = strawberry.enum_value("tasks", description="交办事项台账: the tasks list.")
    CASES = strawberry.enum_value(
        "cases", description="涉党政机关执行案件台账: cases, amounts and payments."
    )
    MATTERS = strawberry.enum_value("matters", description="破产协调事项台账: bankruptcy matters.")
    UNITS = strawberry.enum_value(
        "units", description="责任单位汇总台账: progress() by responsible unit, as of a moment."
    )


TITLES = {
    LedgerKind.TASKS: "交办事项台账",
    LedgerKind.CASES: "涉党政机关执行案件台账",
    LedgerKind.MATTERS: "破产协调事项台账",
    LedgerKind.UNITS: "责任单位闭环进度汇总台账",
}


@strawberry.input(
    description="Which rows a ledger holds: the filter of the list it exports; the part that "
    "does not belong to the ledger's kind must be left out."
)
class LedgerFilter:
    tasks: TaskFilter | None = strawberry.field(
        default=None,
        description="For the tasks and matters ledgers: as `tasks(filter:)`.",
    )
    enforcement_cases: EnforcementCaseFilter | None = strawberry.field(
        default=None, description="For the cases ledger: as `enforcementCases(filter:)`."
    )
    progress: ProgressScope | None = strawberry.field(
        default=None,
        description="For the units ledger: as `progress(scope:)`, its `asOf` the moment.",
    )


_BELONGS = {
    LedgerKind.TASKS: "tasks",
    LedgerKind.MATTERS: "tasks",
    LedgerKind.CASES: "enforcement_cases",
    LedgerKind.UNITS: "progress",
}


def check_filter(kind: LedgerKind, spec: LedgerFilter | None) -> None:
    """A BadRequest if ``spec`` filters by a list that ``kind``'s ledger is not."""
    if spec is None:
        return
    for field in dataclasses.fields(spec):
        if field.name != _BELONGS[kind] and getattr(spec, field.name) is not None:
            raise BadRequest(
                _(
                    "`filter.{to_camel_case}` does not apply to the {value} ledger: use "
                    "`filter.{to_camel_case2}`",
                    to_camel_case=to_camel_case(field.name),
                    value=kind.value,
                    to_camel_case2=to_camel_case(_BELONGS[kind]),
                )
            )


# --------------------------------------------------------------------------- the URL's filter


def encode_filter(spec: object) -> str:
    """``spec`` (a strawberry input) as the JSON a client would send for it."""
    return json.dumps(_to_json(spec), ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _graphql_names(cls: type[Any]) -> dict[str, str]:
    definition = cls.__strawberry_definition__
    return {
        f.python_name: f.graphql_name or to_camel_case(f.python_name) for f in definition.fields
    }


def _to_json(value: object) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _graphql_names(type(value))
        return {
            names[field.name]: _to_json(item)
            for field in dataclasses.fields(value)
            if (item := getattr(value, field.name)) is not None
        }
    if isinstance(value, list):
        return [_to_json(item) for item in value]
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


T = TypeVar("T")


def decode_filter(text: str | None) -> LedgerFilter | None:
    """The LedgerFilter in ``text`` (from :func:`encode_filter`, or typed on the command
    line); a BadRequest naming the field when it is not one."""
    if text is None or not text.strip():
        return None
    try:
        data = json.loads(text)
    except ValueError as err:
        raise BadRequest(_("the filter is not JSON: {err}", err=err)) from err
    return _from_json(LedgerFilter, data, "filter")


def _from_json(cls: type[T], data: object, path: str) -> T:
    if not isinstance(data, dict):
        raise BadRequest(_("`{path}` must be an object", path=path))
    names = {graphql: python for python, graphql in _graphql_names(cls).items()}
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for key, item in data.items():
        if key not in names:
            raise BadRequest(_("`{path}` has no field `{key}`", path=path, key=key))
        python = names[key]
        values[python] = _value(hints[python], item, f"{path}.{key}")
    return cls(**values)


def _value(hint: Any, item: object, path: str) -> Any:
    if item is None:
        return None
    args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return _value(args[0], item, path)
    if typing.get_origin(hint) is list:
        if not isinstance(item, list):
            raise BadRequest(_("`{path}` must be a list", path=path))
        return [_value(args[0], each, f"{path}.{i}") for i, each in enumerate(item)]
    if isinstance(hint, type) and issubclass(hint, Enum):
        if not isinstance(item, str) or item not in hint.__members__:
            raise BadRequest(
                _("`{path}` must be one of {names}", path=path, names=", ".join(hint.__members__))
            )
        return hint[item]
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _from_json(hint, item, path)
    if hint is dt.datetime or hint is dt.date:
        try:
            return hint.fromisoformat(str(item))
        except ValueError as err:
            raise BadRequest(
                _("`{path}` is not an ISO date: {item!r}", path=path, item=item)
            ) from err
    if hint is bool:
        if not isinstance(item, bool):
            raise BadRequest(_("`{path}` must be true or false", path=path))
        return item
    if not isinstance(item, str):
        raise BadRequest(_("`{path}` must be a string", path=path))
    return item


# --------------------------------------------------------------------------- the workbook


def file_name(kind: LedgerKind, as_of: dt.datetime) -> str:
    """交办事项台账（2026-12-02）.xlsx"""
    return f"{TITLES[kind]}（{as_of.astimezone(SHANGHAI).date().isoformat()}）.xlsx"


async def _scope_text(viewer: Account | None, spec: LedgerFilter | None) -> str:
    if viewer is None or viewer.role in SEES_ALL:
        text = "全部"
    else:
        unit = await Unit.get(id=viewer.unit_id)  # type: ignore[attr-defined]
        text = unit.name
    filtered = spec is not None and any(
        getattr(spec, field.name) is not None and _to_json(getattr(spec, field.name))
        for field in dataclasses.fields(spec)
    )
    return f"{text}，按筛选条件" if filtered else text


async def write_ledger(
    kind: LedgerKind,
    spec: LedgerFilter | None,
    out: IO[bytes],
    *,
    viewer: Account | None,
    now: dt.datetime | None = None,
) -> int:
    """Write ``kind``'s ledger of what ``viewer`` may see, filtered by ``spec``, to ``out``;
    the rows written. ``viewer`` None is the office itself (the command line): every row,
    nothing masked.

    The tasks, cases and matters ledgers hold the rows as they are now (warnings
    judged on today, Beijing time); the units ledger is as of ``spec.progress.asOf``.
    """
    check_filter(kind, spec)
    now = now or utcnow()
    today = local_today(now)
    personal_data = viewer is None or sees_personal_data(viewer)
    scope_text = await _scope_text(viewer, spec)
    if kind is LedgerKind.UNITS:
        progress = (spec.progress if spec else None) or ProgressScope()
        report = await compute_progress(
            progress.to_scope(),
            visible=EVERYTHING if viewer is None else progress_scope(viewer),
        )
        heading = LedgerHeading(TITLES[kind], scope_text, report.as_of)
        return await write_unit_ledger(report, out, heading=heading)
    heading = LedgerHeading(TITLES[kind], scope_text, now)
    if kind is LedgerKind.CASES:
        cases = EnforcementCase.filter(_visible(EnforcementCase, viewer))
        if spec is not None and spec.enforcement_cases is not None:
            cases = filter_enforcement_cases(
                cases, spec.enforcement_cases, personal_data=personal_data
            )
        return await write_case_ledger(
            order_enforcement_cases(cases, None), out, heading=heading, personal_data=personal_data
        )
    tasks = Task.filter(_visible(Task, viewer))
    if spec is not None and spec.tasks is not None:
        tasks = await filter_tasks(tasks, spec.tasks, today, personal_data=personal_data)
    writer = write_task_ledger if kind is LedgerKind.TASKS else write_matter_ledger
    return await writer(order_tasks(tasks, None), out, heading=heading, today=today)


def _visible(model: type[Task] | type[EnforcementCase], viewer: Account | None) -> Any:
    return EVERYTHING if viewer is None else scope_for(model, viewer)


async def check_ledger(kind: LedgerKind, spec: LedgerFilter | None, viewer: Account) -> None:
    """Refuse, as the list would, a filter that ``kind``'s ledger cannot apply, without
    reading any row: the mutation checks before it hands out a URL."""
    check_filter(kind, spec)
    if spec is None:
        return
    if kind is LedgerKind.UNITS and spec.progress is not None:
        spec.progress.to_scope()
    elif kind is LedgerKind.CASES and spec.enforcement_cases is not None:
        filter_enforcement_cases(
            EnforcementCase.all(), spec.enforcement_cases, personal_data=sees_personal_data(viewer)
        )
    elif spec.tasks is not None:
        today = local_today()
        await filter_tasks(
            Task.filter(scope_for(Task, viewer)),
            spec.tasks,
            today,
            personal_data=sees_personal_data(viewer),
        )


def download_path(kind: LedgerKind, spec: LedgerFilter | None) -> str:
    """``/ledgers/tasks.xlsx?filter=…``: the ledger's download, with the filter encoded."""
    path = f"/ledgers/{kind.value}.xlsx"
    if spec is None:
        return path
    return f"{path}?{urlencode({'filter': encode_filter(spec)})}"
