from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from store.enums import (
    BankruptcyProcedure,
    BriefingStatus,
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
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="Counter",
            fields=[
                (
                    "key",
                    fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64),
                ),
                ("value", fields.BigIntField(default=0)),
            ],
            options={
                "table": "counter",
                "app": "models",
                "pk_attr": "key",
                "table_description": "A named gapless counter (task codes per year, briefing serials per year).",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Unit",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "code",
                    fields.CharField(
                        unique=True, description="stable code, e.g. KF-RSJ", max_length=32
                    ),
                ),
                ("name", fields.CharField(unique=True, max_length=100)),
                (
                    "kind",
                    fields.CharEnumField(
                        description="COURT: COURT\nPARTY_GOV_ORGAN: PARTY_GOV_ORGAN\nDEPARTMENT: DEPARTMENT\nDISTRICT_GOV: DISTRICT_GOV\nOFFICE: OFFICE",
                        enum_type=UnitKind,
                        max_length=20,
                    ),
                ),
                (
                    "region",
                    fields.CharField(null=True, db_index=True, description="县区", max_length=20),
                ),
                (
                    "parent",
                    fields.ForeignKeyField(
                        "models.Unit",
                        source_field="parent_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="children",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "court_code",
                    fields.CharField(
                        null=True, unique=True, description="法院代字, e.g. 豫0202", max_length=16
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "unit",
                "app": "models",
                "pk_attr": "id",
                "table_description": "单位: a court, organ, department, district government or the office.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Account",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("username", fields.CharField(unique=True, max_length=64)),
                ("display_name", fields.CharField(max_length=64)),
                (
                    "unit",
                    fields.ForeignKeyField(
                        "models.Unit",
                        source_field="unit_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="accounts",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "role",
                    fields.CharEnumField(
                        description="COORDINATOR: COORDINATOR\nCOURT_LIAISON: COURT_LIAISON\nUNIT_LIAISON: UNIT_LIAISON\nLEADER: LEADER\nADMIN: ADMIN",
                        enum_type=Role,
                        max_length=20,
                    ),
                ),
                ("phone", fields.CharField(null=True, description="personal data", max_length=20)),
                ("password_hash", fields.CharField(max_length=255)),
                ("is_active", fields.BooleanField(default=True)),
                (
                    "token_generation",
                    fields.IntField(
                        default=0,
                        description="bumped on deactivation or password reset to revoke tokens",
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "account",
                "app": "models",
                "pk_attr": "id",
                "table_description": "联络员 or other user of the platform.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="BankruptcyCase",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("case_number", fields.CharField(unique=True, description="案号", max_length=64)),
                ("debtor_name", fields.CharField(max_length=200)),
                (
                    "debtor_uscc",
                    fields.CharField(db_index=True, description="统一社会信用代码", max_length=18),
                ),
                (
                    "court",
                    fields.ForeignKeyField(
                        "models.Unit",
                        source_field="court_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="bankruptcy_cases",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("administrator", fields.CharField(description="管理人", max_length=200)),
                (
                    "procedure",
                    fields.CharEnumField(
                        description="LIQUIDATION: LIQUIDATION\nREORGANIZATION: REORGANIZATION\nSETTLEMENT: SETTLEMENT",
                        enum_type=BankruptcyProcedure,
                        max_length=20,
                    ),
                ),
                ("accepted_on", fields.DateField(description="受理日期")),
                ("employees_affected", fields.IntField(default=0)),
                ("claims_total_fen", fields.BigIntField(default=0)),
                ("assets_total_fen", fields.BigIntField(default=0)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "bankruptcy_case",
                "app": "models",
                "pk_attr": "id",
                "table_description": "破产案件 with the enterprise it concerns.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Briefing",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("year", fields.IntField()),
                ("serial", fields.IntField(null=True, description="第N期, given when issued")),
                ("title", fields.CharField(max_length=200)),
                ("period_start", fields.DateField()),
                ("period_end", fields.DateField()),
                ("as_of", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "status",
                    fields.CharEnumField(
                        default=BriefingStatus.DRAFT,
                        description="DRAFT: DRAFT\nISSUED: ISSUED",
                        enum_type=BriefingStatus,
                        max_length=10,
                    ),
                ),
                (
                    "generated_by",
                    fields.ForeignKeyField(
                        "models.Account",
                        source_field="generated_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="generated_briefings",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("generated_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "issued_by",
                    fields.ForeignKeyField(
                        "models.Account",
                        source_field="issued_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="issued_briefings",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("issued_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                (
                    "statistics",
                    fields.JSONField(
                        default=dict,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                (
                    "next_steps",
                    fields.TextField(default="", description="下一步工作要求", unique=False),
                ),
                ("markdown", fields.TextField(null=True, unique=False)),
                ("html", fields.TextField(null=True, unique=False)),
                ("docx", fields.BinaryField(null=True)),
            ],
            options={
                "table": "briefing",
                "app": "models",
                "unique_together": (("year", "serial"),),
                "pk_attr": "id",
                "table_description": "工作通报: a numbered coordination briefing for a period.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="EnforcementCase",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("case_number", fields.CharField(unique=True, description="案号", max_length=64)),
                (
                    "court",
                    fields.ForeignKeyField(
                        "models.Unit",
                        source_field="court_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="enforcement_cases_as_court",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("applicant_name", fields.CharField(description="申请执行人", max_length=100)),
                (
                    "applicant_kind",
                    fields.CharEnumField(
                        description="PERSON: PERSON\nENTERPRISE: ENTERPRISE\nORG: ORG",
                        enum_type=PartyKind,
                        max_length=12,
                    ),
                ),
                (
                    "respondent",
                    fields.ForeignKeyField(
                        "models.Unit",
                        source_field="respondent_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="enforcement_cases_as_respondent",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "basis",
                    fields.CharField(
                        description="执行依据: case number of the judgment", max_length=64
                    ),
                ),
                ("cause", fields.CharField(description="案由", max_length=100)),
                ("amount_due_fen", fields.BigIntField(description="执行标的 (分)")),
                ("filed_on", fields.DateField(description="立案日期")),
                (
                    "source",
                    fields.CharEnumField(
                        description="PROVINCE_ASSIGNED: PROVINCE_ASSIGNED\nCITY_ASSIGNED: CITY_ASSIGNED\nCOURT_REFERRED: COURT_REFERRED\nSELF_FOUND: SELF_FOUND",
                        enum_type=CaseSource,
                        max_length=20,
                    ),
                ),
                (
                    "batch",
                    fields.CharField(
                        null=True, db_index=True, description="交办批次", max_length=64
                    ),
                ),
                (
                    "closure_method",
                    fields.CharEnumField(
                        null=True,
                        description="FULL_PERFORMANCE: FULL_PERFORMANCE\nSETTLEMENT: SETTLEMENT\nTERMINATION: TERMINATION\nWITHDRAWN: WITHDRAWN",
                        enum_type=ClosureMethod,
                        max_length=20,
                    ),
                ),
                (
                    "closure_grounds",
                    fields.TextField(
                        null=True, description="grounds of a settlement/termination", unique=False
                    ),
                ),
                (
                    "performance_confirmed_at",
                    fields.DatetimeField(
                        null=True, description="法院确认履行", auto_now=False, auto_now_add=False
                    ),
                ),
                ("closed_on", fields.DateField(null=True)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "enforcement_case",
                "app": "models",
                "indexes": [Index(fields=["filed_on"]), Index(fields=["source", "batch"])],
                "pk_attr": "id",
                "table_description": "涉党政机关执行案件: a judgment an organ must perform.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="JointMeeting",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "level",
                    fields.CharEnumField(
                        description="PROVINCE: PROVINCE\nCITY: CITY\nCOUNTY: COUNTY",
                        enum_type=MeetingLevel,
                        max_length=10,
                    ),
                ),
                ("number", fields.IntField(description="第N次")),
                ("title", fields.CharField(max_length=200)),
                ("held_on", fields.DateField()),
                (
                    "convener",
                    fields.ForeignKeyField(
                        "models.Unit",
                        source_field="convener_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="convened_meetings",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "attending_units",
                    fields.ManyToManyField(
                        "models.Unit",
                        unique=True,
                        db_constraint=True,
                        through="joint_meeting_unit",
                        forward_key="unit_id",
                        backward_key="joint_meeting_id",
                        related_name="attended_meetings",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "minutes_number",
                    fields.CharField(null=True, unique=True, description="纪要号", max_length=64),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "joint_meeting",
                "app": "models",
                "unique_together": (("level", "convener", "number"),),
                "pk_attr": "id",
                "table_description": "联席会议: a numbered meeting of the mechanism at some level.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="AgendaItem",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "meeting",
                    fields.ForeignKeyField(
                        "models.JointMeeting",
                        source_field="meeting_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="agenda_items",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("seq", fields.IntField()),
                ("title", fields.CharField(max_length=300)),
                (
                    "enforcement_case",
                    fields.ForeignKeyField(
                        "models.EnforcementCase",
                        source_field="enforcement_case_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="agenda_items",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "bankruptcy_case",
                    fields.ForeignKeyField(
                        "models.BankruptcyCase",
                        source_field="bankruptcy_case_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="agenda_items",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
            ],
            options={
                "table": "agenda_item",
                "app": "models",
                "unique_together": (("meeting", "seq"),),
                "pk_attr": "id",
                "table_description": "议题 of a joint meeting, which may name the cases it discusses.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="PerformanceRecord",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "case",
                    fields.ForeignKeyField(
                        "models.EnforcementCase",
                        source_field="case_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="performance_records",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("paid_on", fields.DateField()),
                ("amount_fen", fields.BigIntField()),
                (
                    "method",
                    fields.CharEnumField(
                        description="TRANSFER: TRANSFER\nFISCAL_ALLOCATION: FISCAL_ALLOCATION\nCOURT_ACCOUNT: COURT_ACCOUNT\nASSET_DELIVERY: ASSET_DELIVERY\nOTHER: OTHER",
                        enum_type=PaymentMethod,
                        max_length=20,
                    ),
                ),
                ("note", fields.TextField(default="", unique=False)),
                (
                    "recorded_by",
                    fields.ForeignKeyField(
                        "models.Account",
                        source_field="recorded_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="performance_records",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "performance_record",
                "app": "models",
                "pk_attr": "id",
                "table_description": "履行记录: one payment or delivery towards an enforcement case.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Task",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("code", fields.CharField(unique=True, description="FY-2023-0001", max_length=32)),
                (
                    "kind",
                    fields.CharEnumField(
                        description="ENFORCEMENT: ENFORCEMENT\nBANKRUPTCY_MATTER: BANKRUPTCY_MATTER\nMEETING_DECISION: MEETING_DECISION\nOTHER: OTHER",
                        enum_type=TaskKind,
                        max_length=20,
                    ),
                ),
                ("title", fields.CharField(max_length=300)),
                ("description", fields.TextField(default="", unique=False)),
                (
                    "enforcement_case",
                    fields.ForeignKeyField(
                        "models.EnforcementCase",
                        source_field="enforcement_case_id",
                        null=True,
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="tasks",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "bankruptcy_case",
                    fields.ForeignKeyField(
                        "models.BankruptcyCase",
                        source_field="bankruptcy_case_id",
                        null=True,
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="matters",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "meeting",
                    fields.ForeignKeyField(
                        "models.JointMeeting",
                        source_field="meeting_id",
                        null=True,
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="decisions",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "matter_type",
                    fields.CharEnumField(
                        null=True,
                        description="EMPLOYEE_SETTLEMENT: EMPLOYEE_SETTLEMENT\nTAX: TAX\nCREDIT_REPAIR: CREDIT_REPAIR\nASSET_TAKEOVER: ASSET_TAKEOVER\nASSET_DISPOSAL: ASSET_DISPOSAL\nPROPERTY_REGISTRATION: PROPERTY_REGISTRATION\nFINANCIAL: FINANCIAL\nDEBT_EVASION: DEBT_EVASION\nDEREGISTRATION: DEREGISTRATION\nFUNDING: FUNDING\nSTABILITY: STABILITY\nOTHER: OTHER",
                        enum_type=MatterType,
                        max_length=24,
                    ),
                ),
                (
                    "responsible_unit",
                    fields.ForeignKeyField(
                        "models.Unit",
                        source_field="responsible_unit_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="responsible_tasks",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "assisting_units",
                    fields.ManyToManyField(
                        "models.Unit",
                        unique=True,
                        db_constraint=True,
                        through="task_assisting_unit",
                        forward_key="unit_id",
                        backward_key="task_id",
                        related_name="assisting_tasks",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "assigned_by",
                    fields.ForeignKeyField(
                        "models.Account",
                        source_field="assigned_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="assigned_tasks",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("assigned_on", fields.DateField(null=True, description="交办日期")),
                ("due_on", fields.DateField(null=True, description="办结时限")),
                (
                    "state",
                    fields.CharEnumField(
                        default=TaskState.DRAFT,
                        description="DRAFT: DRAFT\nASSIGNED: ASSIGNED\nACCEPTED: ACCEPTED\nRETURNED: RETURNED\nIN_PROGRESS: IN_PROGRESS\nSUSPENDED: SUSPENDED\nCLOSURE_REQUESTED: CLOSURE_REQUESTED\nCLOSED: CLOSED\nCANCELLED: CANCELLED",
                        enum_type=TaskState,
                        max_length=20,
                    ),
                ),
                ("version", fields.IntField(default=1)),
                (
                    "supervision_level",
                    fields.CharEnumField(
                        default=SupervisionLevel.NORMAL,
                        description="NORMAL: NORMAL\nKEY: KEY\nLISTED: LISTED",
                        enum_type=SupervisionLevel,
                        max_length=10,
                    ),
                ),
                ("workflow_key", fields.CharField(default="default", max_length=32)),
                ("workflow_version", fields.IntField(default=1)),
                ("closed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "task",
                "app": "models",
                "indexes": [
                    Index(fields=["state", "due_on"]),
                    Index(fields=["responsible_unit_id", "state"]),
                    Index(fields=["kind", "state"]),
                    Index(fields=["due_on"]),
                ],
                "pk_attr": "id",
                "table_description": "交办事项: the unit of work the workflow moves from 交办 to 销号.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="TaskDependency",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "task",
                    fields.ForeignKeyField(
                        "models.Task",
                        source_field="task_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="dependency_links",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "depends_on",
                    fields.ForeignKeyField(
                        "models.Task",
                        source_field="depends_on_id",
                        db_index=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="dependent_links",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "task_dependency",
                "app": "models",
                "unique_together": (("task", "depends_on"),),
                "pk_attr": "id",
                "table_description": "``task`` cannot start until ``depends_on`` is closed.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="TaskEvent",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                (
                    "task",
                    fields.ForeignKeyField(
                        "models.Task",
                        source_field="task_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="events",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("seq", fields.IntField(description="1, 2, 3 … within the task, without gaps")),
                ("action", fields.CharField(max_length=32)),
                (
                    "from_state",
                    fields.CharEnumField(
                        null=True,
                        description="DRAFT: DRAFT\nASSIGNED: ASSIGNED\nACCEPTED: ACCEPTED\nRETURNED: RETURNED\nIN_PROGRESS: IN_PROGRESS\nSUSPENDED: SUSPENDED\nCLOSURE_REQUESTED: CLOSURE_REQUESTED\nCLOSED: CLOSED\nCANCELLED: CANCELLED",
                        enum_type=TaskState,
                        max_length=20,
                    ),
                ),
                (
                    "to_state",
                    fields.CharEnumField(
                        null=True,
                        description="DRAFT: DRAFT\nASSIGNED: ASSIGNED\nACCEPTED: ACCEPTED\nRETURNED: RETURNED\nIN_PROGRESS: IN_PROGRESS\nSUSPENDED: SUSPENDED\nCLOSURE_REQUESTED: CLOSURE_REQUESTED\nCLOSED: CLOSED\nCANCELLED: CANCELLED",
                        enum_type=TaskState,
                        max_length=20,
                    ),
                ),
                (
                    "actor",
                    fields.ForeignKeyField(
                        "models.Account",
                        source_field="actor_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="events",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "actor_unit",
                    fields.ForeignKeyField(
                        "models.Unit",
                        source_field="actor_unit_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="events",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("occurred_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("comment", fields.TextField(default="", unique=False)),
                (
                    "payload",
                    fields.JSONField(
                        default=dict,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("idempotency_key", fields.CharField(null=True, unique=True, max_length=128)),
            ],
            options={
                "table": "task_event",
                "app": "models",
                "unique_together": (("task", "seq"),),
                "indexes": [Index(fields=["occurred_at"]), Index(fields=["action", "occurred_at"])],
                "pk_attr": "id",
                "table_description": "流转记录: one append-only line of the history of a task.",
            },
            bases=["Model"],
        ),
    ]
