"""Enumerations shared by the records (DESIGN.md §2).

Each enum's values are the spellings stored in the database and exposed by the
API; ``label`` gives the Chinese word a liaison reads (``workflow.labels``).
``SupervisionLevel`` is the engine's own (``workflow.warnings``), kept here too.
"""

from __future__ import annotations

from workflow.labels import LabelledEnum
from workflow.warnings import SupervisionLevel

__all__ = [
    "FINISHED_STATES",
    "OPEN_STATES",
    "BankruptcyProcedure",
    "BriefingStatus",
    "CaseSource",
    "ClosureMethod",
    "DeliveryState",
    "LabelledEnum",
    "MatterType",
    "MeetingLevel",
    "NotificationChannel",
    "NotificationKind",
    "NotificationMode",
    "PartyKind",
    "PaymentMethod",
    "Role",
    "SupervisionLevel",
    "TaskKind",
    "TaskState",
    "UnitChangeAction",
    "UnitKind",
]


class UnitKind(LabelledEnum):
    COURT = "COURT", "法院"
    PARTY_GOV_ORGAN = "PARTY_GOV_ORGAN", "党政机关"
    DEPARTMENT = "DEPARTMENT", "政府部门"
    DISTRICT_GOV = "DISTRICT_GOV", "县区政府"
    OFFICE = "OFFICE", "联席办"


class Role(LabelledEnum):
    COORDINATOR = "COORDINATOR", "联席办协调员"
    COURT_LIAISON = "COURT_LIAISON", "法院联络员"
    UNIT_LIAISON = "UNIT_LIAISON", "单位联络员"
    LEADER = "LEADER", "领导"
    ADMIN = "ADMIN", "系统管理员"


class PartyKind(LabelledEnum):
    PERSON = "PERSON", "自然人"
    ENTERPRISE = "ENTERPRISE", "企业"
    ORG = "ORG", "其他组织"


class CaseSource(LabelledEnum):
    PROVINCE_ASSIGNED = "PROVINCE_ASSIGNED", "省联席办交办"
    CITY_ASSIGNED = "CITY_ASSIGNED", "市联席办交办"
    COURT_REFERRED = "COURT_REFERRED", "法院移送"
    SELF_FOUND = "SELF_FOUND", "自查"


class ClosureMethod(LabelledEnum):
    """结案方式 of an enforcement case.

    Only FULL_PERFORMANCE and a performed SETTLEMENT count as performed (履行率);
    WITHDRAWN leaves the case out of the rate; the others count as not
    performed. TERMINATION_THIS_ROUND (终结本次执行) is refused for a party or
    government organ: an organ is never treated as unable to pay.
    """

    FULL_PERFORMANCE = "FULL_PERFORMANCE", "执行完毕"
    SETTLEMENT = "SETTLEMENT", "执行和解履行完毕"
    TERMINATION = "TERMINATION", "终结执行"
    NOT_ENFORCED = "NOT_ENFORCED", "不予执行"
    WITHDRAWN = "WITHDRAWN", "撤回执行申请"
    TERMINATION_THIS_ROUND = "TERMINATION_THIS_ROUND", "终结本次执行"


class PaymentMethod(LabelledEnum):
    TRANSFER = "TRANSFER", "转账"
    FISCAL_ALLOCATION = "FISCAL_ALLOCATION", "财政拨付"
    COURT_ACCOUNT = "COURT_ACCOUNT", "交付法院执行款账户"
    ASSET_DELIVERY = "ASSET_DELIVERY", "以物抵债"
    OTHER = "OTHER", "其他"


class BankruptcyProcedure(LabelledEnum):
    LIQUIDATION = "LIQUIDATION", "破产清算"
    REORGANIZATION = "REORGANIZATION", "破产重整"
    SETTLEMENT = "SETTLEMENT", "破产和解"


class MeetingLevel(LabelledEnum):
    PROVINCE = "PROVINCE", "省级"
    CITY = "CITY", "市级"
    COUNTY = "COUNTY", "县级"


class TaskKind(LabelledEnum):
    ENFORCEMENT = "ENFORCEMENT", "涉党政机关执行案件"
    BANKRUPTCY_MATTER = "BANKRUPTCY_MATTER", "破产协调事项"
    MEETING_DECISION = "MEETING_DECISION", "联席会议议定事项"
    OTHER = "OTHER", "其他交办事项"


class TaskState(LabelledEnum):
    """States of the default workflow definition (DESIGN.md §3)."""

    DRAFT = "DRAFT", "草稿"
    ASSIGNED = "ASSIGNED", "已交办"
    ACCEPTED = "ACCEPTED", "已签收"
    RETURNED = "RETURNED", "已退回"
    IN_PROGRESS = "IN_PROGRESS", "办理中"
    SUSPENDED = "SUSPENDED", "已中止"
    CLOSURE_REQUESTED = "CLOSURE_REQUESTED", "申请销号"
    CLOSED = "CLOSED", "已销号"
    CANCELLED = "CANCELLED", "已撤销"


FINISHED_STATES: frozenset[TaskState] = frozenset({TaskState.CLOSED, TaskState.CANCELLED})
"""Closed or cancelled: the task is done with. It no longer holds up the tasks that
depend on it (a cancelled dependency will never close; waiting for it would block
forever), is never overdue and shows no warning. The one definition of "finished";
SQL that needs it quotes these values."""

OPEN_STATES: frozenset[TaskState] = frozenset(TaskState) - FINISHED_STATES
"""Every state but the finished ones (drafts are open)."""


class MatterType(LabelledEnum):
    """破产协调事项 types; the default owning department is in store.matters."""

    EMPLOYEE_SETTLEMENT = "EMPLOYEE_SETTLEMENT", "职工安置"
    TAX = "TAX", "税收"
    CREDIT_REPAIR = "CREDIT_REPAIR", "信用修复"
    ASSET_TAKEOVER = "ASSET_TAKEOVER", "财产接管"
    ASSET_DISPOSAL = "ASSET_DISPOSAL", "资产处置"
    PROPERTY_REGISTRATION = "PROPERTY_REGISTRATION", "不动产登记"
    FINANCIAL = "FINANCIAL", "金融协调"
    DEBT_EVASION = "DEBT_EVASION", "打击逃废债"
    DEREGISTRATION = "DEREGISTRATION", "变更注销"
    FUNDING = "FUNDING", "破产费用保障"
    STABILITY = "STABILITY", "社会稳定"
    OTHER = "OTHER", "其他"


class BriefingStatus(LabelledEnum):
    DRAFT = "DRAFT", "草稿"
    ISSUED = "ISSUED", "已印发"


class CalendarOrigin(LabelledEnum):
    """Where a year of the official calendar came from."""

    PACKAGE = "PACKAGE", "软件包"
    ADMIN = "ADMIN", "管理员录入"


class UnitChangeAction(LabelledEnum):
    """What an administrator did to a unit (``unit_change``)."""

    CREATE = "CREATE", "新建"
    UPDATE = "UPDATE", "修改"
    DEACTIVATE = "DEACTIVATE", "停用"


class NotificationKind(LabelledEnum):
    """What a notification (提醒) tells its reader (issue 20)."""

    ASSIGNED = "ASSIGNED", "新交办"
    DUE_SOON = "DUE_SOON", "即将到期"
    OVERDUE = "OVERDUE", "已超期"
    SUPERVISED = "SUPERVISED", "督办"
    URGED = "URGED", "催办"
    CLOSURE_REQUESTED = "CLOSURE_REQUESTED", "申请销号"
    CLOSURE_APPROVED = "CLOSURE_APPROVED", "已销号"
    CLOSURE_REJECTED = "CLOSURE_REJECTED", "销号被驳回"
    EXTENSION_REQUESTED = "EXTENSION_REQUESTED", "申请延期"
    EXTENSION_GRANTED = "EXTENSION_GRANTED", "准予延期"
    EXTENSION_REFUSED = "EXTENSION_REFUSED", "不予延期"
    BRIEFING_ISSUED = "BRIEFING_ISSUED", "通报印发"
    DIGEST = "DIGEST", "每日待办汇总"


class NotificationChannel(LabelledEnum):
    """Where a delivery goes: an account's mailbox or phone, or a unit's group robot."""

    EMAIL = "EMAIL", "电子邮件"
    WEBHOOK = "WEBHOOK", "短信网关"
    WECOM = "WECOM", "企业微信群机器人"
    DINGTALK = "DINGTALK", "钉钉群机器人"


class NotificationMode(LabelledEnum):
    """When an account's channels hear of its notifications."""

    IMMEDIATE = "IMMEDIATE", "即时"
    DIGEST = "DIGEST", "每日汇总"


class DeliveryState(LabelledEnum):
    PENDING = "PENDING", "待发送"
    SENT = "SENT", "已发送"
    DEAD = "DEAD", "发送失败"
