"""The store's enums, registered with strawberry under their GraphQL names."""

from __future__ import annotations

import strawberry

from store import enums

UnitKind = strawberry.enum(enums.UnitKind, description="Kind of unit (单位类型).")
Role = strawberry.enum(enums.Role, description="What an account may see and do.")
PartyKind = strawberry.enum(enums.PartyKind, description="Kind of party: person, enterprise or organisation.")
CaseSource = strawberry.enum(enums.CaseSource, description="Where an enforcement case came from (来源).")
ClosureMethod = strawberry.enum(enums.ClosureMethod, description="How an enforcement case was closed (结案方式).")
TaskKind = strawberry.enum(enums.TaskKind, description="Kind of task (事项类型).")
TaskState = strawberry.enum(enums.TaskState, description="Workflow state of a task (办理状态).")
SupervisionLevel = strawberry.enum(enums.SupervisionLevel, description="督办等级: 一般, 重点, 挂牌.")
MatterType = strawberry.enum(enums.MatterType, description="Type of bankruptcy coordination matter.")
