"""The store's enums and the engine's error codes, registered with strawberry under
their own names.

``strawberry.enum`` marks the class in place, so the types use the store's
enums (and ``UserError.code`` the engine's :class:`~workflow.errors.ErrorCode`)
directly; importing this module is what registers them.
"""

from __future__ import annotations

import strawberry

from store import enums, identifiers
from workflow.errors import ErrorCode

strawberry.enum(enums.UnitKind, description="Kind of unit (单位类型).")
strawberry.enum(enums.Role, description="What an account may see and do.")
strawberry.enum(enums.PartyKind, description="Kind of party: person, enterprise or organisation.")
strawberry.enum(enums.CaseSource, description="Where an enforcement case came from (来源).")
strawberry.enum(enums.ClosureMethod, description="How an enforcement case was closed (结案方式).")
strawberry.enum(enums.TaskKind, description="Kind of task (事项类型).")
strawberry.enum(enums.TaskState, description="Workflow state of a task (办理状态).")
strawberry.enum(enums.SupervisionLevel, description="督办等级: 一般, 重点, 挂牌.")
strawberry.enum(enums.MatterType, description="Type of bankruptcy coordination matter.")
strawberry.enum(enums.MeetingLevel, description="Level of a joint meeting: 省级, 市级, 县级.")
strawberry.enum(enums.PaymentMethod, description="How a payment towards a case was made.")
strawberry.enum(enums.BankruptcyProcedure, description="破产程序: 清算, 重整, 和解.")
strawberry.enum(
    enums.BriefingStatus, description="工作通报: 草稿 (draft) or 已印发 (issued, frozen)."
)
strawberry.enum(
    enums.CalendarOrigin,
    description="Where a year of the official calendar came from: the package or an administrator.",
)
strawberry.enum(
    identifiers.BasisKind,
    description="The kind of document an enforcement case rests on (执行依据的种类): a court's "
    "judgment, ruling or mediation statement (（2022）豫02民终3021号), a payment order "
    "(（2023）豫0202民督12号), an arbitration award (汴仲裁字〔2023〕第12号) or a notarised "
    "debt instrument (（2023）豫汴证经字第1234号).",
)
strawberry.enum(enums.NotificationKind, description="What a notification (提醒) tells its reader.")
strawberry.enum(
    enums.NotificationChannel,
    description="Where a reminder goes: e-mail, the SMS webhook, a unit's 企业微信 or 钉钉 robot.",
)
strawberry.enum(
    enums.NotificationMode, description="When reminders go out: at once, or one daily digest."
)
strawberry.enum(
    enums.DeliveryState, description="A delivery in the outbox: pending, sent, or dead (失败)."
)
strawberry.enum(ErrorCode, description="Why a mutation refused its input.")
