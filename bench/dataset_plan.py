"""Planning the province-scale dataset in memory (``bench/dataset.py`` writes it).

One seeded random generator plans every row: units and accounts, cases,
meetings, and for every task a history whose every step the workflow engine
decides (``workflow.engine.decide``), as a transition would.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter as Tally
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.dataset_tables import (
    BANKRUPTCY_CASES,
    BRANDS,
    CITIES,
    COMMENTS,
    COORDINATOR,
    DECISIONS_PER_MEETING,
    ENFORCEMENT_CASES,
    EVIDENCE,
    FIRST_DAY,
    GAPS,
    INDUSTRIES,
    LAST_DUE_DATE,
    LAST_EVENT_DAY,
    MATTER_DEPENDENCIES,
    MATTER_ORDER,
    MATTERS_PER_CASE,
    MEETING_TOPICS,
    MEETINGS,
    OTHER_TASKS,
    PRE_START,
    PROVINCIAL_DEPARTMENTS,
    ROLE_OF,
    SEED,
    SHANGHAI,
    STATE_WEIGHTS,
)
from store.demo import ADMINISTRATORS, CAUSES, DEPARTMENTS, FIRMS, GIVEN, SURNAMES
from store.enums import (
    FINISHED_STATES,
    OPEN_STATES,
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
from store.identifiers import USCC_ALPHABET, uscc_of
from store.matters import DEFAULT_OWNER
from store.operations.commit import decided_changes, decided_event
from workflow.calendar import default_calendar
from workflow.definition import Definition, Transition
from workflow.engine import Actor, EnforcementFacts, TaskSnapshot, applied, decide
from workflow.errors import WorkflowError
from workflow.registry import definition_for

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
    assigned_by_id: int | None = None
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
        amount_due_fen: int | None = None,
        waiting: tuple[str, ...] = (),
    ) -> bool:
        """Fill ``task`` with a history ending in ``target``; False if it cannot fit in time.

        Every step is decided by the engine (``workflow.engine.decide``) as a
        transition would be, so the history is one the workflow could have made.

        ``not_before``: the ``start`` must come after it (the dependencies'
        closure); ``amount_due_fen``: an enforcement task's case; ``waiting``:
        the dependencies still open.
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
        due = self.add_days(created_on, allotted)
        task.state, task.due_on = TaskState.DRAFT, due
        task.supervision_level = SupervisionLevel.NORMAL
        task.assigned_on = task.assigned_by_id = task.closed_at = None
        definition = definition_for(task.kind.value)
        snapshot = TaskSnapshot(
            id=None,
            code=task.title,
            kind=task.kind.value,
            state=definition.start,
            version=1,
            responsible_unit_id=task.responsible_unit_id,
            court_unit_id=court_unit_id,
            due_on=due,
            open_dependencies=waiting,
            # The payments planned after the history (``payments``) come in
            # full before a request for closure.
            enforcement=(
                EnforcementFacts(
                    amount_due_fen,
                    amount_due_fen if "request_closure" in actions else 0,
                )
                if amount_due_fen is not None
                else None
            ),
        )
        actors = {
            "COORDINATOR": self.coordinator,
            "RESPONSIBLE_UNIT": self.liaison[task.responsible_unit_id],
            "COURT": self.liaison[court_unit_id] if court_unit_id is not None else self.coordinator,
        }
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
            evidence: list[str] = []
            asked: dt.date | None = None
            if action == "request_closure":
                evidence = self.rng.sample(EVIDENCE, 2)
            elif action == "request_extension":
                asked = self.add_days(snapshot.due_on or due, self.rng.randint(10, 30))
            elif action == "extend":
                requested = events[-1].payload.get("requestedDueOn")
                asked = dt.date.fromisoformat(requested) if requested else None
            comment = self.rng.choice(COMMENTS[action]) if action in COMMENTS else ""
            decided = self._decide(
                task, definition, snapshot, action, actors, at, comment, evidence, asked
            )
            if decided is None:
                continue  # an extension the engine refuses (not later, or in the past)
            snapshot = decided
            task.milestones[action] = at
        # The sweep's escalation for a task still open past its due date.
        if not definition.is_terminal(snapshot.state) and snapshot.state != definition.start:
            for step, after in enumerate((1, 25)):
                day = self.add_days(snapshot.due_on or due, after)
                if day > LAST_EVENT_DAY:
                    break
                day = max(day, at.astimezone(SHANGHAI).date())
                at = self.moment(day, at)
                comment = COMMENTS["supervise"][step]
                decided = self._decide(
                    task, definition, snapshot, "supervise", actors, at, comment, [], None
                )
                assert decided is not None, task.title
                snapshot = decided
        return True

    def _decide(
        self,
        task: PlannedTask,
        definition: Definition,
        snapshot: TaskSnapshot,
        action: str,
        actors: dict[str, tuple[int, int]],
        at: dt.datetime,
        comment: str,
        evidence: list[str],
        due_on: dt.date | None,
    ) -> TaskSnapshot | None:
        """Take ``action`` at ``at`` as the engine decides it: its event, the task's columns.

        The actor is the first of the step's roles (the coordinator before
        the court). Returns the task after it, or None for a side action the
        engine refuses; a refused state change is a planning error and raises.
        """
        step = definition.step(snapshot.state, action)
        assert step is not None, f"{task.title}: {action} from {snapshot.state}"
        role = next(r for r in ("COORDINATOR", "RESPONSIBLE_UNIT", "COURT") if r in step.roles)
        actor_id, unit_id = actors[role]
        today = at.astimezone(SHANGHAI).date()
        try:
            decision = decide(
                definition,
                snapshot,
                action,
                Actor(account_id=actor_id, role=ROLE_OF[role], unit_id=unit_id),
                comment=comment or None,
                evidence="\n".join(evidence) or None,
                due_on=due_on,
                today=today,
            )
        except WorkflowError:
            if isinstance(step, Transition):
                raise
            return None
        text, payload = decided_event(decision, evidence)
        changes = decided_changes(decision, actor_id=actor_id, now=at, today=today)
        for name, value in changes.items():
            setattr(task, name, value)
        task.events.append(
            PlannedEvent(
                action=action,
                from_state=TaskState(decision.from_state),
                to_state=TaskState(decision.to_state),
                actor_id=actor_id,
                actor_unit_id=unit_id,
                at=at,
                comment=text,
                payload=payload,
                due_on=task.due_on,
            )
        )
        return applied(snapshot, decision)

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
        if target in FINISHED_STATES:
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
        amount_due_fen: int | None = None,
        waiting: tuple[str, ...] = (),
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
            amount_due_fen=amount_due_fen,
            waiting=waiting,
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
                amount_due_fen=amount,
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
            if "request_closure" in task.milestones:  # as the request records it
                case["closure_method"] = ClosureMethod.FULL_PERFORMANCE
            if "confirm_performance" in task.milestones:
                case["performance_confirmed_at"] = task.milestones["confirm_performance"]
                case["closure_confirmed_method"] = ClosureMethod.FULL_PERFORMANCE
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
        # nine drawn as before (the plan's later draws stay the same); the ninth gives
        # way to the organisation code's check character
        drawn = "".join(self.rng.choice(USCC_ALPHABET) for _ in range(9))
        return uscc_of("91" + f"41{city + 1:02d}00" + drawn[:8])

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
                    waiting=tuple(d.title for d in deps if d.state in OPEN_STATES),
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
