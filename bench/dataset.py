"""The province-scale dataset of DESIGN.md §8, generated deterministically and fast.

At ``--scale 1.0``: 200 units (the provincial and 17 city joint-meeting offices,
Henan's 17 intermediate courts 豫01…豫17 and 51 basic courts 豫XXYY, 30
departments, 40 district and county governments, 44 organs), one liaison per
unit plus the coordinator ``bench-coordinator``; 20,000 enforcement cases
against organs, 2,000 bankruptcy cases with 20,000 coordination matters (with
their dependency DAG), 1,000 joint meetings with 5,000 decisions, 5,000 other
tasks: 50,000 tasks and about 500,000 events.

Every task's history is a walk through its workflow definition (the default
one, or its enforcement variant): create → assign → accept → start → report …
→ request_closure → [confirm_performance] → approve_closure, with returns,
reassignments, suspensions, rejected closures, extensions and supervision on
the way; sequence numbers 1..n without gaps, times strictly increasing,
``version`` the number of events, and the task row (state, due date,
supervision level, assigned_on/by, closed_at) and the enforcement case
(performance records, confirmation, closed_on, closure method) as the
application would have left them. Money is integer fen. Every date lies in
2023–2026, the years the official working-day calendar covers.

The whole history is planned in memory first (so that task ids and codes
follow creation order, as the application numbers them), then written through
the models with ``bulk_create`` in batches, inside transactions. Columns a
model gains later get their model default; the event's ``occurred_on`` and
``due_on`` are filled when the model has them.

Usage::

    .venv/bin/python bench/dataset.py --url sqlite:///tmp/province.sqlite3 [--scale 1.0]
    .venv/bin/python bench/dataset.py --url sqlite:///tmp/small.sqlite3 --scale 0.05
    .venv/bin/python bench/dataset.py --url postgres://fuyuan:fuyuan@127.0.0.1:5432/fuyuan_bench

The database is migrated first (``store.setup.migrate``); a database that
already holds units is refused. Every account's password is
:data:`BENCH_PASSWORD`: this is benchmark data, never load it into production.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import itertools
import random
import time
from collections import Counter as Tally
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model
from tortoise.transactions import in_transaction

from store.db import tortoise_config
from store.demo import ADMINISTRATORS, CAUSES, DEPARTMENTS, FIRMS, GIVEN, SURNAMES
from store.enums import (
    BankruptcyProcedure,
    CaseSource,
    ClosureMethod,
    MatterType,
    MeetingLevel,
    PartyKind,
    PaymentMethod,
    Role,
    SupervisionLevel,
    TaskKind,
    TaskState,
    UnitKind,
)
from store.identifiers import (
    USCC_ALPHABET,
    parse_case_number,
    uscc_check_character,
    validate_uscc,
)
from store.matters import DEFAULT_OWNER
from store.models import (
    Account,
    AgendaItem,
    BankruptcyCase,
    Counter,
    EnforcementCase,
    JointMeeting,
    PerformanceRecord,
    Task,
    TaskDependency,
    TaskEvent,
    Unit,
)
from store.operations.units import hash_password
from store.setup import migrate
from workflow.calendar import default_calendar
from workflow.clock import SHANGHAI
from workflow.definition import definition_for

T = TypeVar("T")

SEED = 20230101
BENCH_PASSWORD = "fuyuan-bench"
COORDINATOR = "bench-coordinator"
TODAY = dt.date(2026, 11, 20)
"""The dataset's "now": every event happens before it (fixed, for determinism)."""
LAST_EVENT_DAY = TODAY - dt.timedelta(days=1)
FIRST_DAY = dt.date(2023, 2, 1)
LAST_DUE_DATE = dt.date(2026, 12, 31)
"""The end of the last year the official calendar covers: no due date after it."""
BATCH = 5_000

ENFORCEMENT_CASES = 20_000
BANKRUPTCY_CASES = 2_000
MATTERS_PER_CASE = 10
MEETINGS = 1_000
DECISIONS_PER_MEETING = 5
OTHER_TASKS = 5_000

# city, abbreviation for minutes numbers, court code, four districts with their court suffix
_CITY_TABLE = [
    ("郑州", "郑", "豫01", "中原区02 二七区03 管城回族区04 金水区05"),
    ("开封", "汴", "豫02", "龙亭区02 顺河回族区03 鼓楼区04 禹王台区05"),
    ("洛阳", "洛", "豫03", "老城区02 西工区03 瀍河回族区04 涧西区05"),
    ("平顶山", "平", "豫04", "新华区02 卫东区03 石龙区04 湛河区11"),
    ("安阳", "安", "豫05", "文峰区02 北关区03 殷都区05 龙安区06"),
    ("鹤壁", "鹤", "豫06", "鹤山区02 山城区03 淇滨区11 浚县21"),
    ("新乡", "新", "豫07", "红旗区02 卫滨区03 凤泉区04 牧野区11"),
    ("焦作", "焦", "豫08", "解放区02 中站区03 马村区04 山阳区11"),
    ("濮阳", "濮", "豫09", "华龙区02 清丰县22 南乐县23 范县26"),
    ("许昌", "许", "豫10", "魏都区02 建安区03 鄢陵县24 襄城县25"),
    ("漯河", "漯", "豫11", "源汇区02 郾城区03 召陵区04 舞阳县21"),
    ("三门峡", "峡", "豫12", "湖滨区02 陕州区03 渑池县21 卢氏县24"),
    ("南阳", "宛", "豫13", "宛城区02 卧龙区03 南召县21 方城县22"),
    ("商丘", "商", "豫14", "梁园区02 睢阳区03 民权县21 睢县22"),
    ("信阳", "信", "豫15", "浉河区02 平桥区03 罗山县21 光山县22"),
    ("周口", "周", "豫16", "川汇区02 淮阳区03 扶沟县21 西华县22"),
    ("驻马店", "驻", "豫17", "驿城区02 西平县21 上蔡县22 平舆县23"),
]
CITIES: list[tuple[str, str, str, list[tuple[str, str]]]] = [
    (city, short, code, [(item[:-2], item[-2:]) for item in districts.split()])
    for city, short, code, districts in _CITY_TABLE
]
PROVINCIAL_DEPARTMENTS = [
    ("HA-CZT", "河南省财政厅"),
    ("HA-RST", "河南省人力资源和社会保障厅"),
    ("HA-ZRZYT", "河南省自然资源厅"),
    ("HA-ZJT", "河南省住房和城乡建设厅"),
    ("HA-JYT", "河南省教育厅"),
    ("HA-JTT", "河南省交通运输厅"),
    ("HA-SLT", "河南省水利厅"),
    ("HA-GZW", "河南省人民政府国有资产监督管理委员会"),
    ("HA-SFT", "河南省司法厅"),
]
INDUSTRIES = ["机械制造", "纺织", "置业", "建材", "化工", "食品", "商贸", "物流", "酒店", "造纸"]
BRANDS = "鼎盛宏达金源华丰天元永兴中原宋都恒信瑞祥九州隆泰新兴大成福源汇通"
MEETING_TOPICS = [
    "涉党政机关执行案件清理",
    "企业破产处置协调",
    "执行积案化解",
    "府院联动专项推进",
]

# The share of tasks ending in each state; every state is represented.
STATE_WEIGHTS: dict[TaskState, int] = {
    TaskState.CLOSED: 46,
    TaskState.IN_PROGRESS: 18,
    TaskState.CLOSURE_REQUESTED: 6,
    TaskState.ACCEPTED: 7,
    TaskState.ASSIGNED: 6,
    TaskState.SUSPENDED: 4,
    TaskState.RETURNED: 3,
    TaskState.CANCELLED: 5,
    TaskState.DRAFT: 5,
}
PRE_START = (TaskState.DRAFT, TaskState.ASSIGNED, TaskState.ACCEPTED, TaskState.RETURNED)
# A matter and the matters of its case it waits for (asset takeover before disposal …).
MATTER_DEPENDENCIES: dict[MatterType, tuple[MatterType, ...]] = {
    MatterType.PROPERTY_REGISTRATION: (MatterType.ASSET_TAKEOVER,),
    MatterType.ASSET_DISPOSAL: (MatterType.ASSET_TAKEOVER, MatterType.PROPERTY_REGISTRATION),
    MatterType.CREDIT_REPAIR: (MatterType.TAX,),
    MatterType.DEREGISTRATION: (MatterType.TAX, MatterType.CREDIT_REPAIR),
}
# Matter types in an order where every dependency comes first.
MATTER_ORDER = [
    MatterType.ASSET_TAKEOVER,
    MatterType.EMPLOYEE_SETTLEMENT,
    MatterType.TAX,
    MatterType.PROPERTY_REGISTRATION,
    MatterType.FINANCIAL,
    MatterType.DEBT_EVASION,
    MatterType.FUNDING,
    MatterType.STABILITY,
    MatterType.ASSET_DISPOSAL,
    MatterType.CREDIT_REPAIR,
    MatterType.DEREGISTRATION,
]
COORDINATOR_ACTIONS = frozenset(
    {"create", "assign", "reassign", "approve_closure", "reject_closure", "suspend", "resume"}
    | {"cancel", "supervise", "extend"}
)
# Working days that pass before each action (low, high).
GAPS: dict[str, tuple[int, int]] = {
    "assign": (0, 2),
    "accept": (1, 3),
    "return": (1, 2),
    "reassign": (1, 3),
    "start": (1, 5),
    "report": (3, 12),
    "suspend": (2, 8),
    "resume": (5, 20),
    "request_closure": (2, 8),
    "reject_closure": (1, 3),
    "confirm_performance": (1, 3),
    "approve_closure": (1, 4),
    "cancel": (1, 15),
    "request_extension": (2, 8),
    "extend": (1, 2),
    "supervise": (1, 3),
}
COMMENTS: dict[str, list[str]] = {
    "assign": ["请按期办结，及时反馈进展。", "请于时限内办结并报送佐证材料。"],
    "return": ["本单位非该事项责任主体，请重新确定责任单位。"],
    "reassign": ["经研究，改由本单位牵头办理。"],
    "accept": ["已签收，明确专人负责。", "已签收，分管领导牵头办理。"],
    "start": ["已制定履行方案，启动办理。", "已召开专题会研究，启动办理。"],
    "report": [
        "已与申请执行人沟通，资金筹措方案报区政府研究。",
        "已完成资产清查，正在协调相关部门。",
        "已列入本级财政预算，分期落实。",
        "已召开协调会，明确责任分工。",
    ],
    "suspend": ["当事人申请暂缓，经协调同意中止办理。"],
    "resume": ["中止事由消除，恢复办理。"],
    "request_closure": ["已办结，附佐证材料。", "已履行完毕，附银行转账凭证及法院结案通知书。"],
    "reject_closure": ["佐证材料不全，请补充后重新申请。"],
    "confirm_performance": ["经核实执行款已到账，确认履行到位。"],
    "approve_closure": ["经核实，同意销号。"],
    "cancel": ["情况变化，撤销交办。", "案件已由法院裁定终结，撤销交办。"],
    "request_extension": ["因资金拨付流程较长，申请延期。"],
    "extend": ["同意延期，请在新时限内办结。"],
    "supervise": ["已超期，列为重点督办。", "仍未办结，挂牌督办。"],
}
EVIDENCE = ["银行转账凭证.pdf", "法院结案通知书.pdf", "情况说明.docx"]


# --------------------------------------------------------------------------- plans


@dataclass
class PlannedEvent:
    action: str
    from_state: TaskState | None
    to_state: TaskState
    actor_id: int
    actor_unit_id: int
    at: dt.datetime
    comment: str
    payload: dict[str, Any]
    due_on: dt.date | None


@dataclass
class PlannedTask:
    kind: TaskKind
    title: str
    responsible_unit_id: int
    created_at: dt.datetime
    due_on: dt.date
    state: TaskState
    supervision_level: SupervisionLevel
    events: list[PlannedEvent]
    assigned_on: dt.date | None = None
    closed_at: dt.datetime | None = None
    enforcement_case_id: int | None = None
    bankruptcy_case_id: int | None = None
    meeting_id: int | None = None
    matter_type: MatterType | None = None
    depends_on: list[PlannedTask] = field(default_factory=list)
    assisting_unit_ids: list[int] = field(default_factory=list)
    milestones: dict[str, dt.datetime] = field(default_factory=dict)
    id: int = 0


@dataclass
class UnitSpec:
    id: int
    code: str
    name: str
    kind: UnitKind
    region: str
    parent_id: int | None = None
    court_code: str | None = None
    city: int = 0


@dataclass
class Rows:
    """Everything planned, as keyword arguments for the models (ids given)."""

    units: list[UnitSpec] = field(default_factory=list)
    accounts: list[dict[str, Any]] = field(default_factory=list)
    enforcement_cases: list[dict[str, Any]] = field(default_factory=list)
    performance_records: list[dict[str, Any]] = field(default_factory=list)
    bankruptcy_cases: list[dict[str, Any]] = field(default_factory=list)
    meetings: list[dict[str, Any]] = field(default_factory=list)
    attending: list[tuple[int, int]] = field(default_factory=list)
    agenda_items: list[dict[str, Any]] = field(default_factory=list)
    tasks: list[PlannedTask] = field(default_factory=list)


class Planner:
    """Plans every row in memory from one seeded random generator."""

    def __init__(self, scale: float) -> None:
        self.scale = scale
        self.rng = random.Random(SEED)
        self.calendar = default_calendar()
        self.rows = Rows()
        self.liaison: dict[int, tuple[int, int]] = {}  # unit id -> (account id, unit id)
        self.coordinator: tuple[int, int] = (0, 0)
        self.serials: Tally[tuple[int, str, str]] = Tally()
        self.states = list(STATE_WEIGHTS)
        self.weights = list(STATE_WEIGHTS.values())

    def count(self, full: int) -> int:
        return max(1, round(full * self.scale))

    # ----------------------------------------------------------------- units

    def units(self) -> None:
        units = self.rows.units

        def add(spec_kwargs: dict[str, Any]) -> UnitSpec:
            spec = UnitSpec(id=len(units) + 1, **spec_kwargs)
            units.append(spec)
            return spec

        province = add(
            {"code": "HA-LXB", "name": "河南省府院联动联席会议办公室", "kind": UnitKind.OFFICE}
            | {"region": "省本级"}
        )
        self.province_office = province
        self.city_offices: list[UnitSpec] = []
        self.intermediate: list[UnitSpec] = []
        self.basic: list[UnitSpec] = []
        for index, (city, _, court_code, districts) in enumerate(CITIES):
            number = court_code[1:]
            self.city_offices.append(
                add(
                    {"code": f"HA-LXB-{number}", "name": f"{city}市府院联动联席会议办公室"}
                    | {"kind": UnitKind.OFFICE, "region": f"{city}市本级", "parent_id": 1}
                    | {"city": index}
                )
            )
            court = add(
                {"code": f"HA-FY-{number}", "name": f"{city}市中级人民法院"}
                | {"kind": UnitKind.COURT, "region": f"{city}市本级", "court_code": court_code}
                | {"city": index}
            )
            self.intermediate.append(court)
            for district, suffix in districts[:3]:
                self.basic.append(
                    add(
                        {
                            "code": f"HA-FY-{number}{suffix}",
                            "name": self._court_name(city, district),
                        }
                        | {"kind": UnitKind.COURT, "region": district, "parent_id": court.id}
                        | {"court_code": f"{court_code}{suffix}", "city": index}
                    )
                )
        self.departments = [
            add({"code": code, "name": name, "kind": UnitKind.DEPARTMENT, "region": "开封市本级"})
            for code, name in DEPARTMENTS
        ] + [
            add({"code": code, "name": name, "kind": UnitKind.DEPARTMENT, "region": "省本级"})
            for code, name in PROVINCIAL_DEPARTMENTS
        ]
        self.districts: list[UnitSpec] = []
        for index, (city, _, court_code, districts) in enumerate(CITIES):
            for district, suffix in districts[: 3 if index < 6 else 2]:
                name = (
                    f"{city}市{district}人民政府"
                    if district.endswith("区")
                    else f"{district}人民政府"
                )
                self.districts.append(
                    add(
                        {"code": f"HA-ZF-{court_code[1:]}{suffix}", "name": name}
                        | {"kind": UnitKind.DISTRICT_GOV, "region": district, "city": index}
                    )
                )
        self.organs: list[UnitSpec] = []
        for bureau, short in (("住房和城乡建设局", "ZJ"), ("教育局", "JY")):
            for gov in self.districts if short == "ZJ" else self.districts[:4]:
                prefix = gov.name.removesuffix("人民政府")
                self.organs.append(
                    add(
                        {"code": f"{gov.code.replace('ZF', short)}", "name": f"{prefix}{bureau}"}
                        | {"kind": UnitKind.PARTY_GOV_ORGAN, "region": gov.region}
                        | {"parent_id": gov.id, "city": gov.city}
                    )
                )
        assert len(units) == 200, len(units)
        assert len({u.name for u in units}) == len(units) == len({u.code for u in units})
        self.by_code = {u.code: u for u in units}
        self.respondents = self.organs + self.districts + self.departments
        self.courts = self.intermediate + self.basic

    @staticmethod
    def _court_name(city: str, district: str) -> str:
        return f"{city}市{district}人民法院" if district.endswith("区") else f"{district}人民法院"

    def accounts(self) -> None:
        accounts = self.rows.accounts
        for unit in self.rows.units:
            role = {UnitKind.COURT: Role.COURT_LIAISON, UnitKind.OFFICE: Role.COORDINATOR}.get(
                unit.kind, Role.UNIT_LIAISON
            )
            accounts.append(
                {"id": len(accounts) + 1, "username": f"liaison-{unit.code.lower()}"}
                | {"display_name": f"{unit.name}联络员", "unit_id": unit.id, "role": role}
                | {"phone": f"137{unit.id:08d}"}
            )
            self.liaison[unit.id] = (len(accounts), unit.id)
        accounts.append(
            {"id": len(accounts) + 1, "username": COORDINATOR, "display_name": "省联席办协调员"}
            | {"unit_id": self.province_office.id, "role": Role.COORDINATOR, "phone": None}
        )
        self.coordinator = (len(accounts), self.province_office.id)

    # ----------------------------------------------------------------- time

    def moment(self, day: dt.date, after: dt.datetime | None) -> dt.datetime:
        """A working-hours moment of ``day`` (Shanghai) in UTC, strictly after ``after``."""
        local = dt.datetime.combine(
            day, dt.time(self.rng.randint(8, 17), self.rng.randint(0, 59)), SHANGHAI
        )
        at = local.astimezone(dt.UTC)
        if after is not None and at <= after:
            at = after + dt.timedelta(minutes=self.rng.randint(2, 40))
        return at

    def add_days(self, day: dt.date, n: int) -> dt.date:
        """``n`` working days after ``day``, never past :data:`LAST_DUE_DATE`."""
        room = self.calendar.working_days_between(day, LAST_DUE_DATE)
        return self.calendar.add_working_days(day, max(0, min(n, room)))

    def pick_state(self) -> TaskState:
        return self.rng.choices(self.states, self.weights)[0]

    # ----------------------------------------------------------------- histories

    def path(self, target: TaskState, enforcement: bool) -> list[str]:
        """Actions (after ``create``) of a walk through the workflow ending in ``target``."""
        rng = self.rng
        steps: list[str] = []
        if target is TaskState.DRAFT:
            return steps
        cancel_from = None
        if target is TaskState.CANCELLED:
            cancel_from = rng.choices(
                [TaskState.DRAFT, TaskState.ASSIGNED, TaskState.ACCEPTED, TaskState.IN_PROGRESS],
                [1, 5, 2, 2],
            )[0]
            if cancel_from is TaskState.DRAFT:
                return ["cancel"]
        steps.append("assign")
        if target is TaskState.RETURNED:
            return [*steps, "return"]
        if rng.random() < 0.06:
            steps += ["return", "reassign"]
        if cancel_from is TaskState.ASSIGNED or target is TaskState.ASSIGNED:
            if rng.random() < 0.1:
                steps.append("request_extension")
            return [*steps, "cancel"] if cancel_from else steps
        steps.append("accept")
        if rng.random() < 0.2:
            steps += ["request_extension", "extend"]
        if cancel_from is TaskState.ACCEPTED or target is TaskState.ACCEPTED:
            return [*steps, "cancel"] if cancel_from else steps
        steps.append("start")
        steps += ["report"] * rng.randint(2, 8)
        if rng.random() < 0.06 or target is TaskState.SUSPENDED:
            steps.append("suspend")
            if target is TaskState.SUSPENDED:
                return steps
            steps += ["resume", "report"]
        if cancel_from is TaskState.IN_PROGRESS:
            return [*steps, "cancel"]
        if target is TaskState.IN_PROGRESS:
            return steps
        steps.append("request_closure")
        if rng.random() < 0.08:
            steps += ["reject_closure", "report", "request_closure"]
        confirm = enforcement and (target is TaskState.CLOSED or rng.random() < 0.5)
        if confirm:
            steps.append("confirm_performance")
        if target is TaskState.CLOSED:
            steps.append("approve_closure")
        return steps

    def history(
        self,
        task: PlannedTask,
        target: TaskState,
        created_on: dt.date,
        *,
        allotted: int,
        court_unit_id: int | None = None,
        not_before: dt.datetime | None = None,
    ) -> bool:
        """Fill ``task`` with a history ending in ``target``; False if it cannot fit in time.

        ``not_before``: the ``start`` must come after it (the dependencies' closure).
        """
        actions = self.path(target, court_unit_id is not None)
        gaps = [self.rng.randint(*GAPS[a]) for a in actions]
        for _attempt in range(6):
            days = self._days(created_on, actions, gaps, not_before)
            if days is not None and days[-1] <= LAST_EVENT_DAY:
                break
            gaps = [g // 2 for g in gaps]
        else:
            return False
        state = TaskState.DRAFT
        level = SupervisionLevel.NORMAL
        due = self.add_days(created_on, allotted)
        unit_actor = self.liaison[task.responsible_unit_id]
        court_actor = self.liaison[court_unit_id] if court_unit_id is not None else unit_actor
        events = task.events
        events.clear()
        task.milestones.clear()
        at = self.moment(created_on, None)
        task.created_at = at
        events.append(self._event("create", None, TaskState.DRAFT, self.coordinator, at, due))
        for action, day in zip(actions, days[1:], strict=True):
            at = self.moment(day, at)
            if action == "start" and not_before is not None and at <= not_before:
                at = not_before + dt.timedelta(minutes=self.rng.randint(30, 600))
            payload: dict[str, Any] = {}
            to_state = _TARGETS.get(action, state)
            if action == "request_closure":
                payload["evidence"] = self.rng.sample(EVIDENCE, 2)
            elif action == "request_extension":
                payload["requestedDueOn"] = self.add_days(due, self.rng.randint(10, 30)).isoformat()
                payload["dueOn"] = due.isoformat()
            elif action == "extend":
                new_due = max(
                    dt.date.fromisoformat(
                        events[-1].payload.get("requestedDueOn", due.isoformat())
                    ),
                    due,
                )
                payload["previousDueOn"] = due.isoformat()
                payload["dueOn"] = new_due.isoformat()
                due = new_due
            elif action == "confirm_performance":
                payload["performanceConfirmed"] = True
            if action == "assign":
                task.assigned_on = at.astimezone(SHANGHAI).date()
            if action in COORDINATOR_ACTIONS:
                actor = self.coordinator
            elif action == "confirm_performance":
                actor = court_actor
            else:
                actor = unit_actor
            events.append(self._event(action, state, to_state, actor, at, due, payload))
            task.milestones[action] = at
            state = to_state
        # The sweep's escalation for a task still open past its due date.
        if state not in (TaskState.DRAFT, TaskState.CLOSED, TaskState.CANCELLED):
            for step, (after, new_level) in enumerate(
                ((1, SupervisionLevel.KEY), (25, SupervisionLevel.LISTED))
            ):
                day = self.add_days(due, after)
                if day > LAST_EVENT_DAY:
                    break
                day = max(day, at.astimezone(SHANGHAI).date())
                at = self.moment(day, at)
                payload = {"previousSupervisionLevel": level.value, "supervisionLevel": new_level}
                comment = COMMENTS["supervise"][step]
                events.append(
                    self._event("supervise", state, state, self.coordinator, at, due, payload)
                )
                events[-1].comment = comment
                level = new_level
        task.state = state
        task.due_on = due
        task.supervision_level = level
        task.closed_at = at if state is TaskState.CLOSED else None
        return True

    def _days(
        self,
        created_on: dt.date,
        actions: Sequence[str],
        gaps: Sequence[int],
        not_before: dt.datetime | None,
    ) -> list[dt.date] | None:
        days = [created_on]
        day = created_on
        for action, gap in zip(actions, gaps, strict=True):
            day = self.calendar.add_working_days(day, gap) if gap else day
            if action == "start" and not_before is not None:
                day = max(day, not_before.astimezone(SHANGHAI).date())
            if day > LAST_EVENT_DAY:
                return None
            days.append(day)
        return days

    def _event(
        self,
        action: str,
        from_state: TaskState | None,
        to_state: TaskState,
        actor: tuple[int, int],
        at: dt.datetime,
        due: dt.date,
        payload: dict[str, Any] | None = None,
    ) -> PlannedEvent:
        return PlannedEvent(
            action=action,
            from_state=from_state,
            to_state=to_state,
            actor_id=actor[0],
            actor_unit_id=actor[1],
            at=at,
            comment=self.rng.choice(COMMENTS[action]) if action in COMMENTS else "",
            payload=payload or {},
            due_on=due,
        )

    def created_on(self, target: TaskState) -> dt.date:
        """When a task ending in ``target`` was created: open ones more recently."""
        if target in (TaskState.CLOSED, TaskState.CANCELLED):
            start, end = FIRST_DAY, LAST_EVENT_DAY - dt.timedelta(days=120)
        else:
            start, end = (
                LAST_EVENT_DAY - dt.timedelta(days=420),
                LAST_EVENT_DAY - dt.timedelta(days=15),
            )
        day = start + dt.timedelta(days=self.rng.randint(0, (end - start).days))
        return self.calendar.add_working_days(day, 1)

    def task(
        self,
        kind: TaskKind,
        title: str,
        responsible: int,
        target: TaskState,
        created_on: dt.date,
        *,
        court_unit_id: int | None = None,
        not_before: dt.datetime | None = None,
        **subject: Any,
    ) -> PlannedTask:
        task = PlannedTask(
            kind=kind,
            title=title,
            responsible_unit_id=responsible,
            created_at=dt.datetime.min,
            due_on=created_on,
            state=TaskState.DRAFT,
            supervision_level=SupervisionLevel.NORMAL,
            events=[],
            **subject,
        )
        allotted = self.rng.randint(15, 70)
        while not self.history(
            task,
            target,
            created_on,
            allotted=allotted,
            court_unit_id=court_unit_id,
            not_before=not_before,
        ):
            # Too late to get that far before "today": stop earlier on the path.
            target = TaskState.ACCEPTED if target is not TaskState.ACCEPTED else TaskState.ASSIGNED
        self.rows.tasks.append(task)
        return task

    # ----------------------------------------------------------------- records

    def case_number(self, year: int, court_code: str, type_code: str) -> str:
        key = (year, court_code, type_code)
        self.serials[key] += 1
        serial = self.serials[key] * 3 + self.rng.randint(0, 2)
        return f"（{year}）{court_code}{type_code}{serial}号"

    def person_or_firm(self) -> tuple[str, PartyKind]:
        if self.rng.random() < 0.45:
            return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN), PartyKind.PERSON
        return self.rng.choice(FIRMS), PartyKind.ENTERPRISE

    def enforcement(self) -> None:
        rng = self.rng
        for index in range(self.count(ENFORCEMENT_CASES)):
            case_id = index + 1
            court = rng.choice(self.basic) if rng.random() < 0.7 else rng.choice(self.intermediate)
            assert court.court_code is not None
            same_city = [u for u in self.respondents if u.city == court.city]
            respondent = rng.choice(
                same_city if same_city and rng.random() < 0.8 else self.respondents
            )
            target = self.pick_state()
            created_on = self.created_on(target)
            filed_on = created_on - dt.timedelta(days=rng.randint(3, 25))
            number = self.case_number(filed_on.year, court.court_code, "执")
            cause, basis_type = rng.choice(CAUSES)
            applicant, applicant_kind = self.person_or_firm()
            amount = rng.randint(5_000_00, 5_000_000_00)
            task = self.task(
                TaskKind.ENFORCEMENT,
                f"督促{respondent.name}履行{number}生效判决",
                respondent.id,
                target,
                created_on,
                court_unit_id=court.id,
                enforcement_case_id=case_id,
            )
            source = rng.choice(list(CaseSource))
            case: dict[str, Any] = {
                "id": case_id,
                "case_number": number,
                "court_id": court.id,
                "applicant_name": applicant,
                "applicant_kind": applicant_kind,
                "respondent_id": respondent.id,
                "basis": self.case_number(filed_on.year - 1, court.court_code, basis_type),
                "cause": cause,
                "amount_due_fen": amount,
                "filed_on": filed_on,
                "source": source,
                "batch": (
                    f"省联席办{filed_on.year}年第{1 + index % 4}批"
                    if source is CaseSource.PROVINCE_ASSIGNED
                    else None
                ),
                "created_at": task.created_at - dt.timedelta(hours=rng.randint(1, 48)),
            }
            if "confirm_performance" in task.milestones:
                case["performance_confirmed_at"] = task.milestones["confirm_performance"]
            if task.state is TaskState.CLOSED and task.closed_at is not None:
                case["closed_on"] = task.closed_at.astimezone(SHANGHAI).date()
                case["closure_method"] = ClosureMethod.FULL_PERFORMANCE
            self.rows.enforcement_cases.append(case)
            self.payments(task, case, self.liaison[court.id][0])

    def payments(self, task: PlannedTask, case: dict[str, Any], recorder: int) -> None:
        """Performance: in full by the request for closure, in part for some open cases."""
        start = task.milestones.get("start")
        if start is None:
            return
        amount: int = case["amount_due_fen"]
        if "request_closure" in task.milestones:
            end = task.milestones["request_closure"]
            parts = self.rng.randint(1, 3)
            shares = [amount // parts] * (parts - 1)
            shares.append(amount - sum(shares))
        elif task.state in (TaskState.IN_PROGRESS, TaskState.SUSPENDED) and self.rng.random() < 0.6:
            end = task.events[-1].at
            shares = [amount * self.rng.randint(2, 7) // 10]
        else:
            return
        first, last = start.astimezone(SHANGHAI).date(), end.astimezone(SHANGHAI).date()
        span = (last - first).days
        days = sorted(first + dt.timedelta(days=self.rng.randint(0, span)) for _ in shares)
        for share, day in zip(shares, days, strict=True):
            if share <= 0:
                continue
            self.rows.performance_records.append(
                {"case_id": case["id"], "paid_on": day, "amount_fen": share}
                | {
                    "method": self.rng.choice(
                        [PaymentMethod.FISCAL_ALLOCATION, PaymentMethod.TRANSFER]
                    )
                }
                | {"note": "分期履行" if len(shares) > 1 else "", "recorded_by_id": recorder}
                | {"created_at": min(end, self.moment(day, None))}
            )

    def uscc(self, city: int) -> str:
        body = (
            "91" + f"41{city + 1:02d}00" + "".join(self.rng.choice(USCC_ALPHABET) for _ in range(9))
        )
        return body + uscc_check_character(body)

    def bankruptcy(self) -> None:
        rng = self.rng
        for index in range(self.count(BANKRUPTCY_CASES)):
            case_id = index + 1
            court = rng.choice(self.intermediate) if rng.random() < 0.6 else rng.choice(self.basic)
            assert court.court_code is not None
            city = CITIES[court.city][0]
            accepted_on = self.created_on(TaskState.CLOSED) - dt.timedelta(days=rng.randint(5, 30))
            brand = rng.choice(BRANDS) + rng.choice(BRANDS)
            debtor = f"{city}市{brand}{rng.choice(INDUSTRIES)}有限公司"
            type_code = rng.choice(["破", "破", "清申"])
            number = self.case_number(accepted_on.year, court.court_code, type_code)
            claims = rng.randint(1_000, 90_000) * 10_000_00
            self.rows.bankruptcy_cases.append(
                {"id": case_id, "case_number": number, "debtor_name": debtor}
                | {"debtor_uscc": self.uscc(court.city), "court_id": court.id}
                | {"administrator": rng.choice(ADMINISTRATORS)}
                | {"procedure": rng.choice(list(BankruptcyProcedure)), "accepted_on": accepted_on}
                | {"employees_affected": rng.randint(0, 900), "claims_total_fen": claims}
                | {"assets_total_fen": claims * rng.randint(5, 80) // 100}
                | {"created_at": self.moment(accepted_on, None)}
            )
            chosen = set(rng.sample(MATTER_ORDER, MATTERS_PER_CASE))
            planned: dict[MatterType, PlannedTask] = {}
            for step, matter_type in enumerate(m for m in MATTER_ORDER if m in chosen):
                deps = [
                    planned[d] for d in MATTER_DEPENDENCIES.get(matter_type, ()) if d in planned
                ]
                target = self.pick_state()
                not_before = None
                if deps and any(d.state is not TaskState.CLOSED for d in deps):
                    # (a cancellation may come after the start: not while these wait)
                    if target not in PRE_START:
                        target = rng.choice([TaskState.ASSIGNED, TaskState.ACCEPTED])
                elif deps:
                    not_before = max(d.closed_at for d in deps if d.closed_at is not None)
                owner = DEFAULT_OWNER[matter_type]
                responsible = self.by_code[owner] if owner else rng.choice(self.departments)
                created_on = min(
                    self.calendar.add_working_days(accepted_on, 3 + step),
                    LAST_EVENT_DAY - dt.timedelta(days=20),
                )
                task = self.task(
                    TaskKind.BANKRUPTCY_MATTER,
                    f"{debtor}破产案{matter_type.label}协调",
                    responsible.id,
                    target,
                    created_on,
                    not_before=not_before,
                    bankruptcy_case_id=case_id,
                    matter_type=matter_type,
                )
                task.depends_on = deps
                planned[matter_type] = task

    def meetings(self) -> None:
        rng = self.rng
        numbers: Tally[tuple[MeetingLevel, int]] = Tally()
        case_count = len(self.rows.enforcement_cases)
        for index in range(self.count(MEETINGS)):
            meeting_id = index + 1
            roll = rng.random()
            if roll < 0.12:
                level, convener, prefix = MeetingLevel.PROVINCE, self.province_office, "豫"
            elif roll < 0.8:
                city = rng.randrange(len(CITIES))
                level, convener, prefix = (
                    MeetingLevel.CITY,
                    self.city_offices[city],
                    CITIES[city][1],
                )
            else:
                convener = rng.choice(self.districts)
                level, prefix = MeetingLevel.COUNTY, convener.region
            numbers[(level, convener.id)] += 1
            number = numbers[(level, convener.id)]
            held_on = self.created_on(rng.choice(self.states))
            topic = rng.choice(MEETING_TOPICS)
            place = convener.name.removesuffix("府院联动联席会议办公室").removesuffix("人民政府")
            self.rows.meetings.append(
                {"id": meeting_id, "level": level, "number": number, "held_on": held_on}
                | {"title": f"{place}府院联动联席会议第{number}次会议（{topic}）"}
                | {"convener_id": convener.id}
                | {"minutes_number": f"{prefix}府院纪〔{held_on.year}〕{number}号"}
                | {"created_at": self.moment(held_on, None)}
            )
            attending = rng.sample(self.respondents, rng.randint(4, 9))
            attending.append(rng.choice(self.courts))
            self.rows.attending += [(meeting_id, unit.id) for unit in attending]
            for seq in range(1, rng.randint(2, 4) + 1):
                case_id = rng.randint(1, case_count) if seq == 2 and case_count else None
                self.rows.agenda_items.append(
                    {"meeting_id": meeting_id, "seq": seq, "enforcement_case_id": case_id}
                    | {"title": f"{topic}议题{seq}" + (f"（案件{case_id}）" if case_id else "")}
                )
            created_on = self.calendar.add_working_days(held_on, 2)
            for item in range(DECISIONS_PER_MEETING):
                responsible = attending[item % (len(attending) - 1)]
                task = self.task(
                    TaskKind.MEETING_DECISION,
                    f"落实第{number}次联席会议议定事项{item + 1}：{responsible.name}牵头推进",
                    responsible.id,
                    self.pick_state(),
                    created_on,
                    meeting_id=meeting_id,
                )
                helpers = [u.id for u in attending if u.id != responsible.id]
                task.assisting_unit_ids = rng.sample(helpers, rng.randint(0, 2))

    def others(self) -> None:
        rng = self.rng
        subjects = ["专项清理", "信访化解", "执行联动机制建设", "失信惩戒协同", "涉企案件排查"]
        for index in range(self.count(OTHER_TASKS)):
            unit = rng.choice(self.respondents)
            target = self.pick_state()
            self.task(
                TaskKind.OTHER,
                f"{unit.name}{rng.choice(subjects)}工作（{index + 1}）",
                unit.id,
                target,
                self.created_on(target),
            )

    def plan(self) -> Rows:
        self.units()
        self.accounts()
        self.enforcement()
        self.bankruptcy()
        self.meetings()
        self.others()
        # Ids and codes in creation order, as the application hands them out.
        self.rows.tasks.sort(key=lambda t: t.created_at)
        for number, task in enumerate(self.rows.tasks, 1):
            task.id = number
        return self.rows


_TARGETS: dict[str, TaskState] = {
    "assign": TaskState.ASSIGNED,
    "reassign": TaskState.ASSIGNED,
    "accept": TaskState.ACCEPTED,
    "return": TaskState.RETURNED,
    "start": TaskState.IN_PROGRESS,
    "report": TaskState.IN_PROGRESS,
    "suspend": TaskState.SUSPENDED,
    "resume": TaskState.IN_PROGRESS,
    "request_closure": TaskState.CLOSURE_REQUESTED,
    "reject_closure": TaskState.IN_PROGRESS,
    "approve_closure": TaskState.CLOSED,
    "cancel": TaskState.CANCELLED,
}


# --------------------------------------------------------------------------- writing


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def _bulk(model: type[Model], rows: Iterable[dict[str, Any]], conn: BaseDBAsyncClient) -> int:
    """Insert ``rows`` (model keyword arguments) in batches; returns how many."""
    objects = [model(**row) for row in rows]
    for batch in _chunks(objects, BATCH):
        await model.bulk_create(batch, batch_size=BATCH, using_db=conn)
    return len(objects)


def _through(model: type[Model], name: str) -> tuple[str, str, str]:
    """Table and columns of a many-to-many field's through table, from the model."""
    m2m: Any = model._meta.fields_map[name]
    return m2m.through, m2m.backward_key, m2m.forward_key


async def _insert_pairs(
    conn: BaseDBAsyncClient, model: type[Model], name: str, pairs: list[tuple[int, int]]
) -> None:
    if not pairs:
        return
    table, backward, forward = _through(model, name)
    sqlite = conn.capabilities.dialect == "sqlite"
    slots = "?, ?" if sqlite else "$1, $2"
    sql = f'INSERT INTO "{table}" ("{backward}", "{forward}") VALUES ({slots})'
    for batch in _chunks(pairs, BATCH):
        await conn.execute_many(sql, [list(pair) for pair in batch])


def _task_row(task: PlannedTask, definitions: dict[TaskKind, tuple[str, int]]) -> dict[str, Any]:
    key, version = definitions[task.kind]
    assigned = next((e for e in task.events if e.action == "assign"), None)
    return {
        "id": task.id,
        "code": "",  # set by the caller
        "kind": task.kind,
        "title": task.title,
        "enforcement_case_id": task.enforcement_case_id,
        "bankruptcy_case_id": task.bankruptcy_case_id,
        "meeting_id": task.meeting_id,
        "matter_type": task.matter_type,
        "responsible_unit_id": task.responsible_unit_id,
        "assigned_by_id": assigned.actor_id if assigned else None,
        "assigned_on": task.assigned_on,
        "due_on": task.due_on,
        "state": task.state,
        "version": len(task.events),
        "supervision_level": task.supervision_level,
        "workflow_key": key,
        "workflow_version": version,
        "closed_at": task.closed_at,
        "created_at": task.created_at,
    }


async def write(rows: Rows, log: Any = print) -> dict[str, int]:
    """Insert every planned row; returns the row counts."""
    counts: dict[str, int] = {}
    password_hash = hash_password(BENCH_PASSWORD)
    epoch = dt.datetime(2023, 1, 3, 1, 0, tzinfo=dt.UTC)
    async with in_transaction() as conn:
        counts["unit"] = await _bulk(
            Unit,
            (
                {"id": u.id, "code": u.code, "name": u.name, "kind": u.kind, "region": u.region}
                | {"parent_id": u.parent_id, "court_code": u.court_code, "created_at": epoch}
                for u in rows.units
            ),
            conn,
        )
        counts["account"] = await _bulk(
            Account,
            (a | {"password_hash": password_hash, "created_at": epoch} for a in rows.accounts),
            conn,
        )
        counts["enforcement_case"] = await _bulk(EnforcementCase, rows.enforcement_cases, conn)
        counts["performance_record"] = await _bulk(
            PerformanceRecord,
            ({"id": n} | r for n, r in enumerate(rows.performance_records, 1)),
            conn,
        )
        counts["bankruptcy_case"] = await _bulk(BankruptcyCase, rows.bankruptcy_cases, conn)
        counts["joint_meeting"] = await _bulk(JointMeeting, rows.meetings, conn)
        await _insert_pairs(conn, JointMeeting, "attending_units", rows.attending)
        counts["joint_meeting_unit"] = len(rows.attending)
        counts["agenda_item"] = await _bulk(
            AgendaItem, ({"id": n} | r for n, r in enumerate(rows.agenda_items, 1)), conn
        )
    log(f"  reference rows written: {counts}")
    definitions = {
        kind: (definition_for(kind.value).key, definition_for(kind.value).version)
        for kind in TaskKind
    }
    event_fields = TaskEvent._meta.fields_map
    fill_occurred_on = "occurred_on" in event_fields
    fill_due_on = "due_on" in event_fields
    codes: Tally[int] = Tally()
    counts["task"] = counts["task_event"] = counts["task_dependency"] = 0
    assisting: list[tuple[int, int]] = []
    event_id = 0
    chunk_size = 10_000
    for chunk in _chunks(rows.tasks, chunk_size):
        task_rows = []
        for task in chunk:
            row = _task_row(task, definitions)
            year = task.created_at.year
            codes[year] += 1
            row["code"] = f"FY-{year}-{codes[year]:04d}"
            task_rows.append(row)
            assisting += [(task.id, unit_id) for unit_id in task.assisting_unit_ids]
        event_rows = []
        for task in chunk:
            for seq, event in enumerate(task.events, 1):
                event_id += 1
                row = {
                    "id": event_id,
                    "task_id": task.id,
                    "seq": seq,
                    "action": event.action,
                    "from_state": event.from_state,
                    "to_state": event.to_state,
                    "actor_id": event.actor_id,
                    "actor_unit_id": event.actor_unit_id,
                    "occurred_at": event.at,
                    "comment": event.comment,
                    "payload": event.payload,
                }
                if fill_occurred_on:
                    row["occurred_on"] = event.at.astimezone(SHANGHAI).date()
                if fill_due_on:
                    row["due_on"] = event.due_on
                event_rows.append(row)
        async with in_transaction() as conn:
            counts["task"] += await _bulk(Task, task_rows, conn)
            counts["task_event"] += await _bulk(TaskEvent, event_rows, conn)
    async with in_transaction() as conn:
        dependencies = [
            {"id": n, "task_id": task.id, "depends_on_id": dep.id, "created_at": task.created_at}
            for n, (task, dep) in enumerate(((t, d) for t in rows.tasks for d in t.depends_on), 1)
        ]
        counts["task_dependency"] = await _bulk(TaskDependency, dependencies, conn)
        await _insert_pairs(conn, Task, "assisting_units", assisting)
        counts["task_assisting_unit"] = len(assisting)
        for year, value in sorted(codes.items()):
            await Counter.create(key=f"task:{year}", value=value, using_db=conn)
        # auto_now columns take the wall clock on insert: give them the data's own times.
        await conn.execute_script(
            'UPDATE "task" SET "updated_at" = (SELECT MAX("occurred_at") FROM "task_event" '
            'WHERE "task_event"."task_id" = "task"."id")'
        )
        await conn.execute_script('UPDATE "account" SET "updated_at" = "created_at"')
        if conn.capabilities.dialect == "postgres":
            await _reset_sequences(conn)
    return counts


async def _reset_sequences(conn: BaseDBAsyncClient) -> None:
    """Rows were inserted with explicit ids: move PostgreSQL's sequences past them."""
    for model in (
        Unit, Account, EnforcementCase, PerformanceRecord, BankruptcyCase, JointMeeting,
        AgendaItem, Task, TaskDependency, TaskEvent,
    ):  # fmt: skip
        table = model._meta.db_table
        await conn.execute_script(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'COALESCE((SELECT MAX("id") FROM "{table}"), 1))'
        )


# --------------------------------------------------------------------------- checks


def check(rows: Rows, sample: int = 500) -> None:
    """Validate a sample of identifiers and the invariants of every history."""
    rng = random.Random(SEED + 1)
    numbers = [c["case_number"] for c in rows.enforcement_cases]
    assert len(set(numbers)) == len(numbers), "enforcement case numbers repeat"
    for number in rng.sample(numbers, min(sample, len(numbers))):
        parse_case_number(number, allowed_types=("执",), today=TODAY)
    for case in rng.sample(rows.bankruptcy_cases, min(sample, len(rows.bankruptcy_cases))):
        parse_case_number(case["case_number"], today=TODAY)
        validate_uscc(case["debtor_uscc"], field="debtorUscc")
    paid: Tally[int] = Tally()
    for record in rows.performance_records:
        paid[record["case_id"]] += record["amount_fen"]
    tasks_by_case = {t.enforcement_case_id: t for t in rows.tasks if t.enforcement_case_id}
    for case in rows.enforcement_cases:
        task = tasks_by_case[case["id"]]
        if task.state in (TaskState.CLOSED, TaskState.CLOSURE_REQUESTED):
            assert paid[case["id"]] == case["amount_due_fen"], case["case_number"]
        else:
            assert paid[case["id"]] < case["amount_due_fen"], case["case_number"]
    for task in rows.tasks:
        events = task.events
        assert events[0].action == "create", task.title
        assert events[-1].to_state is task.state, task.title
        assert all(a.at < b.at for a, b in itertools.pairwise(events)), task.title
        assert all(a.to_state is b.from_state for a, b in itertools.pairwise(events)), task.title
        assert events[-1].at.astimezone(SHANGHAI).date() < TODAY, task.title
        assert FIRST_DAY.year <= task.due_on.year <= LAST_DUE_DATE.year, task.title
        for dep in task.depends_on:
            start = task.milestones.get("start")
            if start is not None:
                assert dep.closed_at is not None, task.title
                assert dep.closed_at < start, task.title


# --------------------------------------------------------------------------- main


async def main(url: str, scale: float) -> dict[str, int]:
    started = time.perf_counter()
    await migrate(url)
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    try:
        if await Unit.exists():
            raise SystemExit(f"refusing to load the dataset: {url} already holds units")
        migrated = time.perf_counter()
        print(f"migrated in {migrated - started:.1f} s; planning at scale {scale} …")
        # Millions of small objects and no reference cycles: the collector's full
        # passes would only make planning time grow faster than the dataset.
        gc.disable()
        rows = Planner(scale).plan()
        check(rows)
        planned = time.perf_counter()
        events = sum(len(t.events) for t in rows.tasks)
        states = Tally(t.state.value for t in rows.tasks)
        print(
            f"planned {len(rows.tasks)} tasks and {events} events in {planned - migrated:.1f} s; "
            f"states: {dict(sorted(states.items()))}"
        )
        counts = await write(rows)
        written = time.perf_counter()
        print(f"written in {written - planned:.1f} s; total {written - started:.1f} s")
        for table, n in counts.items():
            print(f"  {table:22} {n:>9,}")
        return counts
    finally:
        gc.enable()
        await Tortoise.close_connections()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--url", required=True, help="tortoise database URL (sqlite://…, postgres://…)"
    )
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full dataset")
    args = parser.parse_args()
    asyncio.run(main(args.url, args.scale))
