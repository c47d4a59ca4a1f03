"""The built-in workflow definitions: 交办督办 and its enforcement variant.

They are plain data (:data:`DEFAULT_DEFINITION`), loaded and validated once
by ``workflow.definition.load_definition``; ``workflow.registry`` registers
them when it is imported.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from workflow.definition import Definition, load_definition

__all__ = ["DEFAULT_DEFINITION", "default_definition", "enforcement_definition"]

_OPEN = [
    "DRAFT",
    "ASSIGNED",
    "ACCEPTED",
    "RETURNED",
    "IN_PROGRESS",
    "SUSPENDED",
    "CLOSURE_REQUESTED",
]
_AFTER_DRAFT = _OPEN[1:]

#: The default workflow (交办督办), as plain data.
DEFAULT_DEFINITION: dict[str, Any] = {
    "key": "default",
    "version": 1,
    "label_zh": "交办督办",
    "label_en": "Assignment and supervision",
    "start": "DRAFT",
    "closed": "CLOSED",
    "states": [
        {"key": "DRAFT", "label_zh": "草稿", "label_en": "Draft"},
        {"key": "ASSIGNED", "label_zh": "已交办", "label_en": "Assigned"},
        {"key": "ACCEPTED", "label_zh": "已签收", "label_en": "Accepted"},
        {"key": "RETURNED", "label_zh": "已退回", "label_en": "Returned"},
        {"key": "IN_PROGRESS", "label_zh": "办理中", "label_en": "In progress"},
        {"key": "SUSPENDED", "label_zh": "已中止", "label_en": "Suspended"},
        {
            "key": "CLOSURE_REQUESTED",
            "label_zh": "申请销号",
            "label_en": "Closure requested",
        },
        {"key": "CLOSED", "label_zh": "已销号", "label_en": "Closed", "terminal": True},
        {
            "key": "CANCELLED",
            "label_zh": "已撤销",
            "label_en": "Cancelled",
            "terminal": True,
        },
    ],
    "transitions": [
        {
            "action": "assign",
            "from": "DRAFT",
            "to": "ASSIGNED",
            "roles": ["COORDINATOR"],
            "label_zh": "交办",
            "label_en": "Assign",
        },
        {
            "action": "accept",
            "from": "ASSIGNED",
            "to": "ACCEPTED",
            "roles": ["RESPONSIBLE_UNIT"],
            "label_zh": "签收",
            "label_en": "Accept",
        },
        {
            "action": "return",
            "from": "ASSIGNED",
            "to": "RETURNED",
            "roles": ["RESPONSIBLE_UNIT"],
            "requires": ["comment"],
            "label_zh": "退回",
            "label_en": "Return",
        },
        {
            "action": "reassign",
            "from": "RETURNED",
            "to": "ASSIGNED",
            "roles": ["COORDINATOR"],
            "label_zh": "改派",
            "label_en": "Reassign",
        },
        {
            "action": "start",
            "from": "ACCEPTED",
            "to": "IN_PROGRESS",
            "roles": ["RESPONSIBLE_UNIT"],
            "guards": ["dependencies_closed"],
            "label_zh": "开始办理",
            "label_en": "Start",
        },
        {
            "action": "report",
            "from": "IN_PROGRESS",
            "to": "IN_PROGRESS",
            "roles": ["RESPONSIBLE_UNIT"],
            "requires": ["comment"],
            "label_zh": "报告进展",
            "label_en": "Report progress",
        },
        {
            "action": "request_closure",
            "from": "IN_PROGRESS",
            "to": "CLOSURE_REQUESTED",
            "roles": ["RESPONSIBLE_UNIT"],
            "requires": ["evidence"],
            "label_zh": "申请销号",
            "label_en": "Request closure",
        },
        {
            "action": "approve_closure",
            "from": "CLOSURE_REQUESTED",
            "to": "CLOSED",
            "roles": ["COORDINATOR"],
            "label_zh": "销号",
            "label_en": "Approve closure",
        },
        {
            "action": "reject_closure",
            "from": "CLOSURE_REQUESTED",
            "to": "IN_PROGRESS",
            "roles": ["COORDINATOR", "COURT"],
            "requires": ["comment"],
            "label_zh": "驳回",
            "label_en": "Reject closure",
        },
        {
            "action": "suspend",
            "from": "IN_PROGRESS",
            "to": "SUSPENDED",
            "roles": ["COORDINATOR"],
            "requires": ["comment"],
            "label_zh": "中止",
            "label_en": "Suspend",
        },
        {
            "action": "resume",
            "from": "SUSPENDED",
            "to": "IN_PROGRESS",
            "roles": ["COORDINATOR"],
            "label_zh": "恢复",
            "label_en": "Resume",
        },
        {
            "action": "cancel",
            "from": _OPEN,
            "to": "CANCELLED",
            "roles": ["COORDINATOR"],
            "requires": ["comment"],
            "label_zh": "撤销",
            "label_en": "Cancel",
        },
    ],
    "side_actions": [
        {
            "action": "supervise",
            "from": _AFTER_DRAFT,
            "roles": ["COORDINATOR"],
            "guards": ["below_listed"],
            "requires": ["listing_comment"],
            "label_zh": "督办",
            "label_en": "Supervise",
        },
        {
            "action": "request_extension",
            "from": ["ASSIGNED", "ACCEPTED", "IN_PROGRESS", "SUSPENDED"],
            "roles": ["RESPONSIBLE_UNIT"],
            "requires": ["due_on", "comment"],
            "label_zh": "申请延期",
            "label_en": "Request extension",
        },
        {
            "action": "extend",
            "from": _AFTER_DRAFT,
            "roles": ["COORDINATOR"],
            "requires": ["due_on"],
            "label_zh": "延期",
            "label_en": "Extend",
        },
        {
            "action": "refuse_extension",
            "from": _AFTER_DRAFT,
            "roles": ["COORDINATOR"],
            "guards": ["extension_pending"],
            "requires": ["comment"],
            "label_zh": "不予延期",
            "label_en": "Refuse extension",
        },
        {
            "action": "urge",
            "from": _AFTER_DRAFT,
            "roles": ["COORDINATOR"],
            "requires": ["comment"],
            "label_zh": "催办",
            "label_en": "Urge",
        },
        {
            "action": "summon",
            "from": _AFTER_DRAFT,
            "roles": ["COORDINATOR"],
            "requires": ["summoned_on", "comment"],
            "label_zh": "约谈",
            "label_en": "Summon",
        },
    ],
}


def _enforcement_data() -> dict[str, Any]:
    """The enforcement variant: closure only on real performance, confirmed by the court."""
    data = copy.deepcopy(DEFAULT_DEFINITION)
    data["key"] = "enforcement"
    data["label_zh"] = "涉党政机关执行案件交办督办"
    data["label_en"] = "Enforcement against party and government organs"
    extra_guards = {
        "request_closure": ["enforcement_closure_grounds"],
        "approve_closure": ["performance_confirmed"],
    }
    for transition in data["transitions"]:
        transition["guards"] = list(transition.get("guards", [])) + extra_guards.get(
            transition["action"], []
        )
    data["side_actions"].append(
        {
            "action": "confirm_performance",
            "from": ["IN_PROGRESS", "CLOSURE_REQUESTED"],
            "roles": ["COURT"],
            "guards": ["not_yet_confirmed", "performance_complete"],
            "label_zh": "确认履行",
            "label_en": "Confirm performance",
        }
    )
    return data


@functools.cache
def default_definition() -> Definition:
    """The default definition (交办督办), loaded once."""
    return load_definition(DEFAULT_DEFINITION)


@functools.cache
def enforcement_definition() -> Definition:
    """The enforcement variant of the default definition, loaded once."""
    return load_definition(_enforcement_data())
