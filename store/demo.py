"""Kaifeng demo data (``fuyuan seed --demo``): deterministic and believable.

Everything is derived from a fixed seed and a fixed "demo today"
(:data:`DEMO_TODAY`), so two runs give the same rows. Dates stay inside the
years the official working-day calendar covers.

The data: Kaifeng's ten courts with their real court codes, the joint-meeting
office, twenty-one city departments, the nine district and county
governments, a dozen township organs; about sixty enforcement cases against
organs, eight bankruptcy cases with their coordination matters (and the
dependencies between them), six joint meetings with their decisions; tasks in
every workflow state with histories decided step by step by the workflow
engine (so every event is one a transition could have made) and written in
bulk, due dates in working days, and a few overdue.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from store.enums import (
    FINISHED_STATES,
    BankruptcyProcedure,
    CaseSource,
    ClosureMethod,
    MatterType,
    MeetingLevel,
    NotificationKind,
    PartyKind,
    PaymentMethod,
    Role,
    TaskKind,
    TaskState,
    UnitKind,
)
from store.identifiers import USCC_ALPHABET, uscc_of
from store.matters import DEFAULT_OWNER
from store.models import (
    Account,
    AgendaItem,
    BankruptcyCase,
    Counter,
    EnforcementCase,
    JointMeeting,
    Notification,
    PerformanceRecord,
    Task,
    TaskDependency,
    TaskEvent,
    Unit,
)
from store.notifications import task_facts
from store.operations.commit import decided_changes, decided_event
from store.operations.transitions import actor_of, definition_of
from store.operations.units import hash_password
from store.snapshots import task_snapshot
from workflow.calendar import default_calendar
from workflow.clock import SHANGHAI
from workflow.definition import Definition
from workflow.engine import EnforcementFacts, TaskSnapshot, applied, decide
from workflow.i18n import N_

DEMO_PASSWORD = "fuyuan-demo"
DEMO_TODAY = dt.date(2026, 11, 20)
LAST_DUE_DATE = dt.date(2026, 12, 31)
OFFICE = "KF-LXB"

WARNING = N_(
    "WARNING: the demo accounts (demo-coordinator, demo-court, demo-unit, demo-unit2, "
    "demo-leader, demo-admin) all have the password {password!r}. "
    "They are for demonstrations only: never load demo data into a production database."
)
"""What ``fuyuan seed --demo`` prints (``_(WARNING, password=DEMO_PASSWORD)``)."""

CITY_REGION = "市直单位"
"""The region of the city's own departments (and the office, the intermediate court)."""

# The basic courts of the city's districts: where a city department is sued.
CITY_COURTS = ("KF-LTFY", "KF-SHFY", "KF-GLFY", "KF-YWTFY")

# The share of closed tasks closed after their due date (按期办结率 below 100%).
LATE_CLOSURES = 0.3

# What the basis (执行依据) of each type of case is called.
BASIS_DOCUMENTS = {"民初": "民事判决", "民终": "民事判决", "行初": "行政判决", "行终": "行政判决"}

# code, name, court code, region
COURTS = [
    ("KF-ZY", "开封市中级人民法院", "豫02", CITY_REGION),
    ("KF-LTFY", "开封市龙亭区人民法院", "豫0202", "龙亭区"),
    ("KF-SHFY", "开封市顺河回族区人民法院", "豫0203", "顺河回族区"),
    ("KF-GLFY", "开封市鼓楼区人民法院", "豫0204", "鼓楼区"),
    ("KF-YWTFY", "开封市禹王台区人民法院", "豫0205", "禹王台区"),
    ("KF-XFFY", "开封市祥符区人民法院", "豫0212", "祥符区"),
    ("KF-QXFY", "杞县人民法院", "豫0221", "杞县"),
    ("KF-TXFY", "通许县人民法院", "豫0222", "通许县"),
    ("KF-WSFY", "尉氏县人民法院", "豫0223", "尉氏县"),
    ("KF-LKFY", "兰考县人民法院", "豫0225", "兰考县"),
]
DEPARTMENTS = [
    ("KF-RSJ", "开封市人力资源和社会保障局"),
    ("KF-SWJ", "国家税务总局开封市税务局"),
    ("KF-FGW", "开封市发展和改革委员会"),
    ("KF-GAJ", "开封市公安局"),
    ("KF-GZW", "开封市人民政府国有资产监督管理委员会"),
    ("KF-ZRZY", "开封市自然资源和规划局"),
    ("KF-RMYH", "中国人民银行开封市分行"),
    ("KF-SCJG", "开封市市场监督管理局"),
    ("KF-CZJ", "开封市财政局"),
    ("KF-XFJ", "开封市信访局"),
    ("KF-SFJ", "开封市司法局"),
    ("KF-ZJJ", "开封市住房和城乡建设局"),
    ("KF-JYJ", "开封市教育局"),
    ("KF-WJW", "开封市卫生健康委员会"),
    ("KF-JTJ", "开封市交通运输局"),
    ("KF-STHJ", "开封市生态环境局"),
    ("KF-CGJ", "开封市城市管理局"),
    ("KF-JRJG", "国家金融监督管理总局开封监管分局"),
    ("KF-NYJ", "开封市农业农村局"),
    ("KF-WLJ", "开封市文化广电和旅游局"),
    ("KF-SLJ", "开封市水利局"),
]
DISTRICTS = [
    ("KF-LTQ", "开封市龙亭区人民政府", "龙亭区"),
    ("KF-SHQ", "开封市顺河回族区人民政府", "顺河回族区"),
    ("KF-GLQ", "开封市鼓楼区人民政府", "鼓楼区"),
    ("KF-YWTQ", "开封市禹王台区人民政府", "禹王台区"),
    ("KF-XFQ", "开封市祥符区人民政府", "祥符区"),
    ("KF-QX", "杞县人民政府", "杞县"),
    ("KF-TXX", "通许县人民政府", "通许县"),
    ("KF-WSX", "尉氏县人民政府", "尉氏县"),
    ("KF-LKX", "兰考县人民政府", "兰考县"),
]
# code, name, region, parent district code
ORGANS = [
    ("KF-LT-BDM", "开封市龙亭区北道门街道办事处", "龙亭区", "KF-LTQ"),
    ("KF-SH-DJX", "开封市顺河回族区东郊乡人民政府", "顺河回族区", "KF-SHQ"),
    ("KF-GL-XRZ", "开封市鼓楼区仙人庄街道办事处", "鼓楼区", "KF-GLQ"),
    ("KF-YWT-WTX", "开封市禹王台区汪屯乡人民政府", "禹王台区", "KF-YWTQ"),
    ("KF-XF-CLZ", "开封市祥符区陈留镇人民政府", "祥符区", "KF-XFQ"),
    ("KF-XF-JYJ", "开封市祥符区教育局", "祥符区", "KF-XFQ"),
    ("KF-QX-CGZ", "杞县城关镇人民政府", "杞县", "KF-QX"),
    ("KF-TX-LCX", "通许县练城乡人民政府", "通许县", "KF-TXX"),
    ("KF-WS-WCZ", "尉氏县洧川镇人民政府", "尉氏县", "KF-WSX"),
    ("KF-WS-ZJJ", "尉氏县住房和城乡建设局", "尉氏县", "KF-WSX"),
    ("KF-LK-CGZ", "兰考县城关镇人民政府", "兰考县", "KF-LKX"),
    ("KF-LK-ZRZY", "兰考县自然资源局", "兰考县", "KF-LKX"),
]
ACCOUNTS = [
    ("demo-coordinator", "王协调（联席办）", Role.COORDINATOR, OFFICE, "13703780001"),
    ("demo-court", "李法官（中院执行局）", Role.COURT_LIAISON, "KF-ZY", "13703780002"),
    ("demo-unit", "赵联络（市财政局）", Role.UNIT_LIAISON, "KF-CZJ", "13703780003"),
    ("demo-unit2", "孙联络（祥符区政府）", Role.UNIT_LIAISON, "KF-XFQ", "13703780004"),
    ("demo-leader", "刘领导", Role.LEADER, OFFICE, "13703780005"),
    ("demo-admin", "系统管理员", Role.ADMIN, OFFICE, None),
]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛"]
FIRMS = [
    "开封市宏达建筑工程有限公司", "河南汴梁路桥建设有限公司", "开封市金明物业服务有限公司",
    "开封市鼎盛商贸有限公司", "河南宋都园林绿化工程有限公司", "开封市华通电气设备有限公司",
    "开封市清明上河文化传播有限公司", "河南大宋汽车运输有限公司", "开封市顺昌建材有限公司",
    "兰考县泡桐乐器制造有限公司", "杞县大蒜产业发展有限公司", "尉氏县华丰纺织有限公司",
]  # fmt: skip
CAUSES = [
    ("建设工程施工合同纠纷", "民初"), ("买卖合同纠纷", "民初"), ("劳动争议", "民初"),
    ("行政赔偿", "行初"), ("房屋征收补偿", "行初"), ("租赁合同纠纷", "民终"),
    ("服务合同纠纷", "民初"), ("土地承包经营权纠纷", "民终"), ("借款合同纠纷", "民初"),
]  # fmt: skip
DEBTORS = [
    ("开封市汴京重型机械有限公司", BankruptcyProcedure.REORGANIZATION, 412),
    ("开封市永兴纺织集团有限公司", BankruptcyProcedure.LIQUIDATION, 655),
    ("河南宋城置业有限公司", BankruptcyProcedure.REORGANIZATION, 87),
    ("开封市东京大酒店有限公司", BankruptcyProcedure.LIQUIDATION, 136),
    ("兰考县新兴板材有限公司", BankruptcyProcedure.SETTLEMENT, 54),
    ("尉氏县红旗造纸厂", BankruptcyProcedure.LIQUIDATION, 230),
    ("杞县丰收农资有限公司", BankruptcyProcedure.LIQUIDATION, 31),
    ("通许县天元化工有限公司", BankruptcyProcedure.REORGANIZATION, 178),
]
ADMINISTRATORS = [
    "河南大宋律师事务所",
    "北京市盈科（开封）律师事务所",
    "河南汴都会计师事务所有限公司",
]
MATTER_PLAN: list[tuple[MatterType, tuple[MatterType, ...]]] = [
    # a matter and the matters it waits for (a DAG)
    (MatterType.ASSET_TAKEOVER, ()),
    (MatterType.EMPLOYEE_SETTLEMENT, ()),
    (MatterType.PROPERTY_REGISTRATION, (MatterType.ASSET_TAKEOVER,)),
    (MatterType.ASSET_DISPOSAL, (MatterType.ASSET_TAKEOVER, MatterType.PROPERTY_REGISTRATION)),
    (MatterType.TAX, ()),
    (MatterType.CREDIT_REPAIR, (MatterType.TAX,)),
]

# The histories the demo gives its tasks: each the actions of a path through
# the default workflow that ends in the state named (the engine decides where
# each leads). Enforcement closures add the court's
# confirmation of performance before the coordinator's approval.
PATHS: dict[TaskState, list[str]] = {
    TaskState.DRAFT: [],
    TaskState.ASSIGNED: ["assign"],
    TaskState.RETURNED: ["assign", "return"],
    TaskState.ACCEPTED: ["assign", "accept"],
    TaskState.IN_PROGRESS: ["assign", "accept", "start", "report"],
    TaskState.SUSPENDED: ["assign", "accept", "start", "suspend"],
    TaskState.CLOSURE_REQUESTED: ["assign", "accept", "start", "report", "request_closure"],
    TaskState.CLOSED: ["assign", "accept", "start", "report", "request_closure", "approve_closure"],
    TaskState.CANCELLED: ["assign", "cancel"],
}
COMMENTS = {
    "assign": "请按期办结，及时反馈进展。",
    "return": "本单位非该事项责任主体，请重新确定责任单位。",
    "accept": "已签收，明确专人负责。",
    "start": "已制定履行方案，启动办理。",
    "report": "已与申请执行人沟通，资金筹措方案报区政府研究。",
    "suspend": "当事人申请暂缓，经协调同意中止办理。",
    "request_closure": "已履行完毕，附银行转账凭证及法院结案通知书。",
    "approve_closure": "经核实，同意销号。",
    "cancel": "案件已由法院裁定终结，撤销交办。",
    "confirm_performance": "经核实执行款已到账，确认履行到位。",
    "supervise": "已超期，列为重点督办。",
}
EVIDENCE = ("银行转账凭证.pdf", "法院结案通知书.pdf")
# Enforcement cases performed in full (the court may confirm, closure be asked).
PAID_IN_FULL = frozenset({TaskState.CLOSED, TaskState.CLOSURE_REQUESTED})
# How many enforcement tasks end in each state (60 in all).
ENFORCEMENT_STATES = (
    [TaskState.CLOSED] * 24
    + [TaskState.IN_PROGRESS] * 12
    + [TaskState.CLOSURE_REQUESTED] * 5
    + [TaskState.ACCEPTED] * 5
    + [TaskState.ASSIGNED] * 5
    + [TaskState.SUSPENDED] * 3
    + [TaskState.RETURNED] * 2
    + [TaskState.CANCELLED] * 2
    + [TaskState.DRAFT] * 2
)


@dataclass
class SeedSummary:
    units: int
    accounts: int
    enforcement_cases: int
    bankruptcy_cases: int
    meetings: int
    tasks: int
    events: int


def _uscc(rng: random.Random) -> str:
    # Nine characters are drawn, as before the organisation code was checked, so
    # that the rest of the demo draws the same numbers; the ninth gives way to
    # the organisation code's check character.
    drawn = "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return uscc_of("91" + "410200" + drawn[:8])


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    """A working-hours moment of ``day`` in Shanghai, as UTC."""
    local = dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59)), SHANGHAI)
    return local.astimezone(dt.UTC)


class _Seeder:
    def __init__(self, conn: BaseDBAsyncClient) -> None:
        self.conn = conn
        self.rng = random.Random(2023)
        # Draws added in issue 18 (courts, case serials, late closures) come from
        # a second generator, so the rest of the demo draws what it drew before.
        self.more = random.Random(18)
        self.calendar = default_calendar()
        self.units: dict[str, Unit] = {}
        self.accounts: dict[str, Account] = {}
        self.liaisons: dict[int, Account] = {}
        self.task_count = 0
        self.event_count = 0
        self.codes_by_year: dict[int, int] = {}
        self.last_at: dict[int, dt.datetime] = {}
        self.events_per_task: dict[int, int] = {}
        self.milestones: dict[str, dt.date] = {}
        self.moments: dict[str, dt.datetime] = {}  # of the current task's events, by action
        self.events: list[TaskEvent] = []

    async def units_and_accounts(self) -> None:
        office = await Unit.create(
            code=OFFICE,
            name="开封市府院联动联席会议办公室",
            kind=UnitKind.OFFICE,
            region=CITY_REGION,
            using_db=self.conn,
        )
        self.units[OFFICE] = office
        for code, name, court_code, region in COURTS:
            parent = self.units.get("KF-ZY")
            self.units[code] = await Unit.create(
                code=code,
                name=name,
                kind=UnitKind.COURT,
                court_code=court_code,
                region=region,
                parent=parent,
                using_db=self.conn,
            )
        for code, name in DEPARTMENTS:
            self.units[code] = await Unit.create(
                code=code,
                name=name,
                kind=UnitKind.DEPARTMENT,
                region=CITY_REGION,
                using_db=self.conn,
            )
        for code, name, region in DISTRICTS:
            self.units[code] = await Unit.create(
                code=code, name=name, kind=UnitKind.DISTRICT_GOV, region=region, using_db=self.conn
            )
        for code, name, region, parent_code in ORGANS:
            self.units[code] = await Unit.create(
                code=code,
                name=name,
                kind=UnitKind.PARTY_GOV_ORGAN,
                region=region,
                parent=self.units[parent_code],
                using_db=self.conn,
            )
        password_hash = hash_password(DEMO_PASSWORD)
        for username, display, role, unit_code, phone in ACCOUNTS:
            self.accounts[username] = await Account.create(
                username=username,
                display_name=display,
                role=role,
                unit=self.units[unit_code],
                phone=phone,
                password_hash=password_hash,
                using_db=self.conn,
            )
        self.liaisons[self.units["KF-CZJ"].id] = self.accounts["demo-unit"]
        self.liaisons[self.units["KF-XFQ"].id] = self.accounts["demo-unit2"]
        self.liaisons[self.units["KF-ZY"].id] = self.accounts["demo-court"]
        # Every other unit has a liaison too, so that histories name a person;
        # these accounts have no usable password ("!" is no argon2 hash).
        for unit in self.units.values():
            if unit.id in self.liaisons or unit.kind is UnitKind.OFFICE:
                continue
            role = Role.COURT_LIAISON if unit.kind is UnitKind.COURT else Role.UNIT_LIAISON
            self.liaisons[unit.id] = await Account.create(
                username=f"liaison-{unit.code.lower()}",
                display_name=f"{unit.name}联络员",
                role=role,
                unit=unit,
                password_hash="!",
                using_db=self.conn,
            )

    def _liaison(self, unit: Unit) -> Account:
        return self.liaisons[unit.id]

    async def _history(
        self,
        task: Task,
        target: TaskState,
        *,
        assigned_on: dt.date,
        court_liaison: Account | None = None,
        enforcement: EnforcementFacts | None = None,
        open_dependencies: tuple[str, ...] = (),
    ) -> None:
        """Walk ``task`` along the demo path to ``target``, one engine decision a step.

        Every step is decided by the engine (``workflow.engine.decide``) as a
        transition would be, so the history is one the workflow could have
        made; the events are written in bulk at the end (:meth:`flush`).
        """
        coordinator = self.accounts["demo-coordinator"]
        liaison = self.liaisons[task.responsible_unit_id]  # type: ignore[attr-defined]
        self.milestones.clear()
        self.moments.clear()
        court_id = court_liaison.unit_id if court_liaison else None  # type: ignore[attr-defined]
        snapshot = task_snapshot(
            task,
            court_unit_id=court_id,
            open_dependencies=open_dependencies,
            enforcement=enforcement,
        )
        definition = definition_of(task)
        day = assigned_on
        for action in PATHS[target]:
            if action == "approve_closure" and court_liaison is not None:
                snapshot = self._decide(
                    task, definition, snapshot, "confirm_performance", court_liaison, day
                )
                day = self.calendar.add_working_days(day, 1)
            actor = (
                coordinator
                if action in {"assign", "approve_closure", "suspend", "cancel"}
                else liaison
            )
            snapshot = self._decide(task, definition, snapshot, action, actor, day)
            self.milestones[action] = day
            day = min(
                self.calendar.add_working_days(day, self.rng.randint(2, 12)),
                DEMO_TODAY - dt.timedelta(days=1),
            )
        assert snapshot.state == target.value, f"{task.code}: the path leads to {snapshot.state}"
        overdue = task.due_on is not None and task.due_on < DEMO_TODAY
        if overdue and snapshot.state not in FINISHED_STATES | {TaskState.DRAFT}:
            yesterday = DEMO_TODAY - dt.timedelta(days=1)
            snapshot = self._decide(task, definition, snapshot, "supervise", coordinator, yesterday)
        # Every write to a task bumps its version: one per event.
        task.version = snapshot.version
        await task.save(using_db=self.conn)

    def _decide(
        self,
        task: Task,
        definition: Definition,
        snapshot: TaskSnapshot,
        action: str,
        actor: Account,
        day: dt.date,
    ) -> TaskSnapshot:
        """``action`` by ``actor`` on ``day``: the engine's decision, its event and columns."""
        evidence = EVIDENCE if action == "request_closure" else ()
        decision = decide(
            definition,
            snapshot,
            action,
            actor_of(actor),
            comment=COMMENTS.get(action),
            evidence="\n".join(evidence) or None,
        )
        comment, payload = decided_event(decision, evidence)
        at = self._event(
            task,
            action,
            TaskState(decision.from_state),
            TaskState(decision.to_state),
            actor,
            day,
            payload,
            comment=comment,
        )
        self.moments[action] = at
        for name, value in decided_changes(decision, actor_id=actor.id, now=at, today=day).items():
            setattr(task, name, value)
        return applied(snapshot, decision)

    def _event(
        self,
        task: Task,
        action: str,
        from_state: TaskState | None,
        to_state: TaskState,
        actor: Account | None,
        day: dt.date,
        payload: dict[str, object] | None = None,
        *,
        comment: str = "",
    ) -> dt.datetime:
        """Queue the task's next event on ``day`` (see :meth:`flush`); returns its time."""
        at = _at(min(day, DEMO_TODAY), self.rng)
        # A task's events never go back in time, even two on one day.
        previous = self.last_at.get(task.id)
        if previous is not None and at <= previous:
            at = previous + dt.timedelta(minutes=self.rng.randint(5, 50))
        self.last_at[task.id] = at
        self.events_per_task[task.id] = self.events_per_task.get(task.id, 0) + 1
        self.events.append(
            TaskEvent(
                task_id=task.id,
                seq=self.events_per_task[task.id],
                action=action,
                from_state=from_state,
                to_state=to_state,
                actor_id=actor.id if actor else None,
                actor_unit_id=actor.unit_id if actor else None,  # type: ignore[attr-defined]
                occurred_at=at,
                occurred_on=at.astimezone(SHANGHAI).date(),
                due_on=task.due_on,
                comment=comment,
                payload=payload or {},
            )
        )
        self.event_count += 1
        return at

    async def notifications(self) -> None:
        """The 交办 reminders the liaisons were sent (issue 20): one per assign event, to
        the liaisons of the unit the task is with; each one's three newest unread."""
        liaisons: dict[int, list[Account]] = {}
        for account in self.accounts.values():
            if account.role in (Role.UNIT_LIAISON, Role.COURT_LIAISON):
                liaisons.setdefault(account.unit_id, []).append(account)  # type: ignore[attr-defined]
        tasks = {task.id: task for task in await Task.all().using_db(self.conn)}
        rows = []
        for event in await TaskEvent.filter(action="assign").using_db(self.conn).order_by("id"):
            task = tasks[event.task_id]  # type: ignore[attr-defined]
            for account in liaisons.get(task.responsible_unit_id, []):  # type: ignore[attr-defined]
                rows.append(
                    Notification(
                        recipient=account,
                        kind=NotificationKind.ASSIGNED,
                        task=task,
                        event=event,
                        facts=task_facts(task),
                        created_at=event.occurred_at,
                        read_at=event.occurred_at,
                    )
                )
        newest: dict[int, list[Notification]] = {}
        for row in sorted(rows, key=lambda n: n.created_at, reverse=True):
            mine = newest.setdefault(row.recipient.id, [])
            if len(mine) < 3:
                mine.append(row)
                row.read_at = None
        await Notification.bulk_create(rows, batch_size=500, using_db=self.conn)

    async def flush(self) -> None:
        """Write the queued events, in the order they happened task by task."""
        await TaskEvent.bulk_create(self.events, batch_size=500, using_db=self.conn)
        self.events.clear()

    async def _task(
        self,
        *,
        kind: TaskKind,
        title: str,
        responsible: Unit,
        created_on: dt.date,
        due_on: dt.date,
        **subject: object,
    ) -> Task:
        self.task_count += 1
        year = created_on.year
        self.codes_by_year[year] = self.codes_by_year.get(year, 0) + 1
        created_at = _at(created_on, self.rng)
        task = await Task.create(
            code=f"FY-{year}-{self.codes_by_year[year]:04d}",
            kind=kind,
            title=title,
            responsible_unit=responsible,
            due_on=due_on,
            workflow_key="enforcement" if kind is TaskKind.ENFORCEMENT else "default",
            created_at=created_at,
            using_db=self.conn,
            **subject,
        )
        self._event(
            task, "create", None, TaskState.DRAFT, self.accounts["demo-coordinator"], created_on
        )
        return task

    def _due(self, created_on: dt.date, state: TaskState, *, overdue: bool = False) -> dt.date:
        """A due date that fits the task's fate.

        Finished tasks had ample time; open ones are due in the coming weeks
        (a few within three working days: the blue warnings); the overdue ones
        passed their date weeks ago. Never past :data:`LAST_DUE_DATE`, the end
        of the last year the official calendar covers.
        """
        if state is TaskState.CLOSED and self.more.random() < LATE_CLOSURES:
            # closed late: the demo's paths take at least 8 working days to a request
            return self.calendar.add_working_days(created_on, self.more.randint(4, 7))
        if state in FINISHED_STATES:
            room = self.calendar.working_days_between(created_on, LAST_DUE_DATE)
            return self.calendar.add_working_days(created_on, min(90, room))
        if overdue:
            passed = DEMO_TODAY - dt.timedelta(days=self.rng.randint(5, 40))
            return max(self.calendar.add_working_days(created_on, 5), passed)
        return self.calendar.add_working_days(DEMO_TODAY, self.rng.randint(1, 22))

    async def enforcement(self) -> int:
        organs = [u for u in self.units.values() if u.kind is UnitKind.PARTY_GOV_ORGAN]
        organs += [
            self.units[c] for c in ("KF-CZJ", "KF-XFQ", "KF-ZJJ", "KF-JYJ", "KF-LKX", "KF-WSX")
        ]
        court_of_region = {region: self.units[code] for code, _, _, region in COURTS}
        states = list(ENFORCEMENT_STATES)
        self.rng.shuffle(states)
        # demo-unit and demo-unit2 each get open and closed cases of their own
        respondents = [self.units["KF-CZJ"], self.units["KF-XFQ"]] * 4
        respondents += [self.rng.choice(organs) for _ in range(len(states) - len(respondents))]
        serials: dict[tuple[int, str], int] = {}
        for index, (state, respondent) in enumerate(zip(states, respondents, strict=True)):
            filed_on = DEMO_TODAY - dt.timedelta(days=self.rng.randint(40, 520))
            year = filed_on.year
            cause, basis_type = self.rng.choice(CAUSES)
            # An organ is sued where it is: a county's organs in the county's court, a
            # city department in the intermediate court or a basic court of the city's
            # districts; an administrative case against a county or district government
            # is heard by the intermediate court at first instance (行政诉讼法 §15).
            if respondent.kind is UnitKind.DISTRICT_GOV and basis_type == "行初":
                court = self.units["KF-ZY"]
            elif respondent.region == CITY_REGION:
                city = self.more.random() < 0.5
                court = self.units["KF-ZY" if city else self.more.choice(CITY_COURTS)]
            else:
                court = court_of_region[respondent.region or CITY_REGION]
            key = (year, court.court_code or "")
            # each court numbers its cases of a year on its own
            previous = serials.get(key, self.more.randint(20, 300))
            serial = serials[key] = previous + self.more.randint(3, 90)
            # a second-instance judgment is the intermediate court's
            basis_court = "豫02" if basis_type.endswith("终") else court.court_code
            is_person = self.rng.random() < 0.45
            applicant = (
                self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
                if is_person
                else self.rng.choice(FIRMS)
            )
            amount_fen = self.rng.randint(50, 3000) * 1000_00
            batch_no = 1 + index % 3
            case = await EnforcementCase.create(
                case_number=f"（{year}）{court.court_code}执{serial}号",
                court=court,
                applicant_name=applicant,
                applicant_kind=PartyKind.PERSON if is_person else PartyKind.ENTERPRISE,
                respondent=respondent,
                basis=f"（{year - 1}）{basis_court}{basis_type}{self.rng.randint(200, 4999)}号",
                cause=cause,
                amount_due_fen=amount_fen,
                filed_on=filed_on,
                source=CaseSource.PROVINCE_ASSIGNED if index % 4 else CaseSource.COURT_REFERRED,
                batch=f"省联席办{year}年第{batch_no}批" if index % 4 else None,
                using_db=self.conn,
            )
            created_on = self.calendar.add_working_days(filed_on, self.rng.randint(3, 15))
            overdue = state in {TaskState.IN_PROGRESS, TaskState.ASSIGNED} and index % 3 == 0
            task = await self._task(
                kind=TaskKind.ENFORCEMENT,
                # the 执 number is the enforcement case; the judgment is its basis
                title=(
                    f"{case.case_number}：督促{respondent.name}履行"
                    f"{case.basis}{BASIS_DOCUMENTS[basis_type]}"
                ),
                responsible=respondent,
                created_on=created_on,
                due_on=self._due(created_on, state, overdue=overdue),
                enforcement_case=case,
            )
            # The payments _performance records below: in full before a closure request.
            performed = case.amount_due_fen if state in PAID_IN_FULL else 0
            await self._history(
                task,
                state,
                assigned_on=created_on,
                court_liaison=self._liaison(court) if state is TaskState.CLOSED else None,
                enforcement=EnforcementFacts(case.amount_due_fen, performed),
            )
            await self._performance(case, state, created_on)
            if state is TaskState.CLOSURE_REQUESTED:  # as the request records it
                case.closure_method = ClosureMethod.FULL_PERFORMANCE
                await case.save(using_db=self.conn)
            if state is TaskState.CLOSED:
                case.closure_method = ClosureMethod.FULL_PERFORMANCE
                # confirmed when the court said so, as the transition records it
                case.performance_confirmed_at = self.moments["confirm_performance"]
                case.closure_confirmed_method = ClosureMethod.FULL_PERFORMANCE
                case.closed_on = (task.closed_at or _at(DEMO_TODAY, self.rng)).date()
                await case.save(using_db=self.conn)
        return len(states)

    async def _performance(self, case: EnforcementCase, state: TaskState, start: dt.date) -> None:
        """Payments: full for closed and closure-requested cases, partial for some open ones.

        Dated between the assignment and the request for closure (or today).
        """
        end = self.milestones.get("request_closure", DEMO_TODAY - dt.timedelta(days=1))
        if state in PAID_IN_FULL:
            shares = [case.amount_due_fen // 2, case.amount_due_fen - case.amount_due_fen // 2]
        elif state in {TaskState.IN_PROGRESS, TaskState.SUSPENDED} and self.rng.random() < 0.6:
            shares = [case.amount_due_fen * self.rng.randint(2, 7) // 10]
        else:
            return
        day = start
        for share in shares:
            day = min(self.calendar.add_working_days(day, 8), end)
            await PerformanceRecord.create(
                case=case,
                paid_on=day,
                amount_fen=share,
                method=self.rng.choice([PaymentMethod.FISCAL_ALLOCATION, PaymentMethod.TRANSFER]),
                note="分期履行" if len(shares) > 1 else "",
                # recorded on the day it was paid, as a liaison would have:
                # a payment counts in the figures from the moment it is recorded
                created_at=dt.datetime.combine(day, dt.time(16), SHANGHAI).astimezone(dt.UTC),
                using_db=self.conn,
            )

    async def bankruptcy(self) -> tuple[int, int]:
        courts = [self.units[code] for code, *_ in COURTS]
        matters = 0
        cycle = [TaskState.CLOSED, TaskState.IN_PROGRESS, TaskState.ACCEPTED, TaskState.ASSIGNED]
        for index, (debtor, procedure, employees) in enumerate(DEBTORS):
            court = courts[index % 3] if index % 2 else courts[0]
            accepted_on = DEMO_TODAY - dt.timedelta(days=60 + 45 * index)
            case = await BankruptcyCase.create(
                case_number=f"（{accepted_on.year}）{court.court_code}破{3 + index}号",
                debtor_name=debtor,
                debtor_uscc=_uscc(self.rng),
                court=court,
                administrator=ADMINISTRATORS[index % len(ADMINISTRATORS)],
                procedure=procedure,
                accepted_on=accepted_on,
                employees_affected=employees,
                claims_total_fen=self.rng.randint(5_000, 90_000) * 10_000_00,
                assets_total_fen=self.rng.randint(1_000, 40_000) * 10_000_00,
                using_db=self.conn,
            )
            plan = MATTER_PLAN[: 3 + index % 4]
            created: dict[MatterType, Task] = {}
            for step, (matter_type, waits_for) in enumerate(plan):
                owner = DEFAULT_OWNER[matter_type]
                assert owner is not None
                state = cycle[(index + step) % len(cycle)]
                # A matter cannot start while what it waits for is open.
                if any(created[other].state is not TaskState.CLOSED for other in waits_for):
                    state = TaskState.ACCEPTED if step % 2 else TaskState.ASSIGNED
                created_on = self.calendar.add_working_days(accepted_on, 5 + step)
                task = await self._task(
                    kind=TaskKind.BANKRUPTCY_MATTER,
                    title=f"{debtor}破产案{matter_type.label}协调",
                    responsible=self.units[owner],
                    created_on=created_on,
                    due_on=self._due(created_on, state, overdue=step == 1 and index % 3 == 0),
                    bankruptcy_case=case,
                    matter_type=matter_type,
                )
                for other in waits_for:
                    await TaskDependency.create(
                        task=task, depends_on=created[other], using_db=self.conn
                    )
                waiting = tuple(
                    created[other].code
                    for other in waits_for
                    if created[other].state not in FINISHED_STATES
                )
                await self._history(task, state, assigned_on=created_on, open_dependencies=waiting)
                created[matter_type] = task
                matters += 1
        return len(DEBTORS), matters

    async def meetings(self) -> tuple[int, int]:
        decisions = 0
        departments = [self.units[code] for code, _ in DEPARTMENTS[:12]]
        districts = [self.units[code] for code, *_ in DISTRICTS]
        cases = await EnforcementCase.all().using_db(self.conn).limit(12)
        states = [
            TaskState.CLOSED,
            TaskState.IN_PROGRESS,
            TaskState.ACCEPTED,
            TaskState.CLOSED,
            TaskState.CLOSURE_REQUESTED,
            TaskState.ASSIGNED,
            TaskState.IN_PROGRESS,
        ]
        for number in range(1, 7):
            held_on = DEMO_TODAY - dt.timedelta(days=30 + 60 * (6 - number))
            meeting = await JointMeeting.create(
                level=MeetingLevel.CITY,
                number=number,
                title=f"开封市府院联动联席会议第{number}次会议",
                held_on=held_on,
                convener=self.units[OFFICE],
                minutes_number=f"汴府院纪〔{held_on.year}〕{number}号",
                using_db=self.conn,
            )
            attending: Sequence[Unit] = [self.units["KF-ZY"], *departments[number % 4 :: 3]]
            await meeting.attending_units.add(*attending, using_db=self.conn)
            await AgendaItem.create(
                meeting=meeting, seq=1, title="通报涉党政机关执行案件清理进展", using_db=self.conn
            )
            await AgendaItem.create(
                meeting=meeting,
                seq=2,
                title=f"研究{cases[number].case_number}案件履行方案",
                enforcement_case=cases[number],
                using_db=self.conn,
            )
            for item in range(2 + number % 2):
                responsible = (districts + departments)[(number * 3 + item) % 21]
                state = states[(number + item) % len(states)]
                created_on = self.calendar.add_working_days(held_on, 2)
                task = await self._task(
                    kind=TaskKind.MEETING_DECISION,
                    title=f"落实第{number}次联席会议议定事项{item + 1}：{responsible.name}牵头推进",
                    responsible=responsible,
                    created_on=created_on,
                    due_on=self._due(created_on, state, overdue=number == 3 and item == 0),
                    meeting=meeting,
                )
                await self._history(task, state, assigned_on=created_on)
                decisions += 1
        return 6, decisions


async def seed_demo() -> SeedSummary:
    """Load the demo data into an empty database, all in one transaction."""
    async with in_transaction() as conn:
        seeder = _Seeder(conn)
        await seeder.units_and_accounts()
        cases = await seeder.enforcement()
        bankruptcies, _ = await seeder.bankruptcy()
        meetings, _ = await seeder.meetings()
        await seeder.flush()
        await seeder.notifications()
        for year, value in seeder.codes_by_year.items():
            await Counter.create(key=f"task:{year}", value=value, using_db=conn)
        return SeedSummary(
            units=len(seeder.units),
            accounts=len(seeder.accounts),
            enforcement_cases=cases,
            bankruptcy_cases=bankruptcies,
            meetings=meetings,
            tasks=seeder.task_count,
            events=seeder.event_count,
        )


async def database_is_empty() -> bool:
    return not await Unit.exists()
