"""The tables the province-scale dataset is drawn from (``bench/dataset.py``).

Dates, sizes at scale 1.0, Henan's cities with their courts and districts,
the shares of the states tasks end in, the gaps between actions, the words
of comments and evidence.
"""

from __future__ import annotations

import datetime as dt

from store.enums import MatterType, TaskState
from workflow.clock import SHANGHAI as SHANGHAI  # the dataset's clock, re-exported

SEED = 20230101
BENCH_PASSWORD = "fuyuan-bench"
COORDINATOR = "bench-coordinator"
TODAY = dt.date(2026, 11, 20)
"""The dataset's "now": every event happens before it (fixed, for determinism)."""
LAST_EVENT_DAY = TODAY - dt.timedelta(days=1)
FIRST_DAY = dt.date(2023, 2, 1)
LAST_DUE_DATE = dt.date(2026, 12, 31)
"""The end of the last year the official calendar covers: no due date after it."""

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
# The account role that holds each role token of a definition (the liaison of
# the responsible unit, of the court).
ROLE_OF = {
    "COORDINATOR": "COORDINATOR",
    "RESPONSIBLE_UNIT": "UNIT_LIAISON",
    "COURT": "COURT_LIAISON",
}
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
