"""The Mutation root: every mutation takes one input and returns a payload with `errors`."""

from __future__ import annotations

import strawberry

from schema.mutations.accounts import (
    AccountPayload,
    resolve_create_account,
    resolve_deactivate_account,
    resolve_reset_password,
)
from schema.mutations.auth import LoginPayload, resolve_login
from schema.mutations.briefings import (
    DeleteBriefingPayload,
    GenerateBriefingPayload,
    IssueBriefingPayload,
    UpdateBriefingPayload,
    resolve_delete_briefing,
    resolve_generate_briefing,
    resolve_issue_briefing,
    resolve_update_briefing,
)
from schema.mutations.calendars import SetOfficialCalendarPayload, resolve_set_official_calendar
from schema.mutations.cases import (
    AddCoordinationMatterPayload,
    CreateBankruptcyCasePayload,
    CreateEnforcementCasePayload,
    RecordPerformancePayload,
    ReversePerformancePayload,
    resolve_add_coordination_matter,
    resolve_create_bankruptcy_case,
    resolve_create_enforcement_case,
    resolve_record_performance,
    resolve_reverse_performance,
)
from schema.mutations.ledgers import (
    ExportLedgerPayload,
    ImportLedgerPayload,
    resolve_export_ledger,
    resolve_import_ledger,
)
from schema.mutations.meetings import (
    CreateJointMeetingPayload,
    RecordMeetingDecisionPayload,
    resolve_create_joint_meeting,
    resolve_record_meeting_decision,
)
from schema.mutations.notifications import (
    MarkNotificationsReadPayload,
    ResendDeliveryPayload,
    SetNotificationPreferencesPayload,
    resolve_mark_notifications_read,
    resolve_resend_delivery,
    resolve_set_notification_preferences,
)
from schema.mutations.tasks import (
    AddTaskDependencyPayload,
    CreateTaskPayload,
    TransitionTaskPayload,
    resolve_add_task_dependency,
    resolve_create_task,
    resolve_transition_task,
)
from schema.mutations.units import (
    UnitPayload,
    resolve_create_unit,
    resolve_deactivate_unit,
    resolve_update_unit,
)
from schema.permissions import (
    CanAct,
    IsAdmin,
    IsAuthenticated,
    IsCoordinator,
    IsCoordinatorOrAdmin,
    IsCoordinatorOrCourt,
)


@strawberry.type(description="Everything that changes data. Each takes one input.")
class Mutation:
    login: LoginPayload = strawberry.mutation(
        resolver=resolve_login, description="Sign in: a bearer token for the other calls."
    )
    create_enforcement_case: CreateEnforcementCasePayload = strawberry.mutation(
        resolver=resolve_create_enforcement_case,
        permission_classes=[IsCoordinatorOrCourt],
        description="Register a 涉党政机关执行案件 (coordinators; court liaisons for their court).",
    )
    record_performance: RecordPerformancePayload = strawberry.mutation(
        resolver=resolve_record_performance,
        permission_classes=[IsCoordinatorOrCourt],
        description="Record a payment towards an enforcement case (履行记录). A payment "
        "beyond the amount outstanding needs confirmExcess with a reason; a closed case "
        "takes none (CASE_CLOSED).",
    )
    reverse_performance: ReversePerformancePayload = strawberry.mutation(
        resolver=resolve_reverse_performance,
        permission_classes=[IsCoordinatorOrCourt],
        description="冲正: reverse a wrong performance record by a negative entry that names "
        "it and a reason; history is never edited. A record is reversed once, a reversal "
        "never; a closed case takes none (CASE_CLOSED).",
    )
    create_bankruptcy_case: CreateBankruptcyCasePayload = strawberry.mutation(
        resolver=resolve_create_bankruptcy_case,
        permission_classes=[IsCoordinatorOrCourt],
        description="Register a 破产案件.",
    )
    add_coordination_matter: AddCoordinationMatterPayload = strawberry.mutation(
        resolver=resolve_add_coordination_matter,
        permission_classes=[IsCoordinator],
        description="Add a coordination matter (协调事项) to a bankruptcy case, as a draft task; "
        "without a named unit it goes to the matter type's usual owning department.",
    )
    create_joint_meeting: CreateJointMeetingPayload = strawberry.mutation(
        resolver=resolve_create_joint_meeting,
        permission_classes=[IsCoordinator],
        description="Record a joint meeting (联席会议) with its agenda.",
    )
    record_meeting_decision: RecordMeetingDecisionPayload = strawberry.mutation(
        resolver=resolve_record_meeting_decision,
        permission_classes=[IsCoordinator],
        description="Record a decision of a meeting (议定事项) and create the task that "
        "carries it out, as a draft.",
    )
    create_task: CreateTaskPayload = strawberry.mutation(
        resolver=resolve_create_task,
        permission_classes=[IsCoordinator],
        description="Create a task (交办事项) as a draft; `assign` it with transitionTask.",
    )
    transition_task: TransitionTaskPayload = strawberry.mutation(
        resolver=resolve_transition_task,
        permission_classes=[CanAct],
        description="Take an action on a task (交办, 签收, 申请销号, 销号, 督办, 延期 …). The "
        "workflow decides who may do what; a refusal comes back in `errors` with its reason.",
    )
    add_task_dependency: AddTaskDependencyPayload = strawberry.mutation(
        resolver=resolve_add_task_dependency,
        permission_classes=[IsCoordinator],
        description="Make a task wait for another; refused with CYCLE when it would close a loop.",
    )
    generate_briefing: GenerateBriefingPayload = strawberry.mutation(
        resolver=resolve_generate_briefing,
        permission_classes=[IsCoordinator],
        description="Generate a draft coordination briefing (工作通报) for a period, with the "
        "figures as of its end.",
    )
    update_briefing: UpdateBriefingPayload = strawberry.mutation(
        resolver=resolve_update_briefing,
        permission_classes=[IsCoordinator],
        description="Replace the 下一步工作要求 of a draft briefing; an issued one is refused.",
    )
    issue_briefing: IssueBriefingPayload = strawberry.mutation(
        resolver=resolve_issue_briefing,
        permission_classes=[IsCoordinator],
        description="Issue (印发) a draft briefing: it gets the next serial of its year "
        "(2023年第5期) and never changes again.",
    )
    delete_briefing: DeleteBriefingPayload = strawberry.mutation(
        resolver=resolve_delete_briefing,
        permission_classes=[IsCoordinator],
        description="Delete a draft briefing (a mistaken or repeated one); an issued one is an "
        "official document and is refused.",
    )
    export_ledger: ExportLedgerPayload = strawberry.mutation(
        resolver=resolve_export_ledger,
        permission_classes=[IsAuthenticated],
        description="A 台账 as an .xlsx: the URL to download it from, holding exactly the rows "
        "the matching list shows you with `filter`.",
    )
    import_ledger: ImportLedgerPayload = strawberry.mutation(
        resolver=resolve_import_ledger,
        permission_classes=[IsCoordinatorOrAdmin],
        description="Import a filled-in 清单 (.xlsx, multipart upload): every row checked with "
        "the rules of the one-at-a-time mutations; with `dryRun` only checked. Stored all or "
        "nothing: any problem and nothing is. The joint-meeting office and administrators.",
    )
    set_official_calendar: SetOfficialCalendarPayload = strawberry.mutation(
        resolver=resolve_set_official_calendar,
        permission_classes=[IsAdmin],
        description="Enter a year of the official working-day calendar from the State "
        "Council's notice (administrators). Each date at fault comes back in `errors`.",
    )
    create_unit: UnitPayload = strawberry.mutation(
        resolver=resolve_create_unit,
        permission_classes=[IsAdmin],
        description="Create a unit (administrators): a court outside 开封 (陕0926, 最高法) whose "
        "cases are then registered, an organ, a department. Recorded with who created it.",
    )
    update_unit: UnitPayload = strawberry.mutation(
        resolver=resolve_update_unit,
        permission_classes=[IsAdmin],
        description="Change a unit's name, kind, region, parent or court code "
        "(administrators); its code never changes. Recorded with the values before and after.",
    )
    deactivate_unit: UnitPayload = strawberry.mutation(
        resolver=resolve_deactivate_unit,
        permission_classes=[IsAdmin],
        description="Deactivate a unit (administrators): it keeps its cases, tasks and history "
        "and is assigned no new task, case or account. Recorded with who did it.",
    )
    create_account: AccountPayload = strawberry.mutation(
        resolver=resolve_create_account,
        permission_classes=[IsAdmin],
        description="Create an account (administrators): a liaison of a unit, with its role "
        "and first password.",
    )
    reset_password: AccountPayload = strawberry.mutation(
        resolver=resolve_reset_password,
        permission_classes=[IsAdmin],
        description="Give an account a new password (administrators); the tokens issued "
        "under the old one stop working.",
    )
    deactivate_account: AccountPayload = strawberry.mutation(
        resolver=resolve_deactivate_account,
        permission_classes=[IsAdmin],
        description="Deactivate an account (administrators): it can no longer sign in and its "
        "tokens stop working; its history stays. Your own account is refused.",
    )
    mark_notifications_read: MarkNotificationsReadPayload = strawberry.mutation(
        resolver=resolve_mark_notifications_read,
        permission_classes=[IsAuthenticated],
        description="Mark your notifications read: the ones named, or all of them.",
    )
    set_notification_preferences: SetNotificationPreferencesPayload = strawberry.mutation(
        resolver=resolve_set_notification_preferences,
        permission_classes=[IsAuthenticated],
        description="Choose how you are reminded (e-mail address, channels, immediate or a "
        "daily digest); the administrator chooses for any account.",
    )
    resend_delivery: ResendDeliveryPayload = strawberry.mutation(
        resolver=resolve_resend_delivery,
        permission_classes=[IsAdmin],
        description="Send a dead delivery again (administrators): pending now, with its "
        "tries counted afresh, and the same delivery id.",
    )
