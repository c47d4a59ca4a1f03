"""破产协调事项: the default owning department of each matter type.

Units are named by their code (see store/demo.py for Kaifeng's). A type
mapped to None has no natural owner: the coordinator must name one.
"""

from __future__ import annotations

from store.enums import MatterType

DEFAULT_OWNER: dict[MatterType, str | None] = {
    MatterType.EMPLOYEE_SETTLEMENT: "KF-RSJ",  # 人力资源和社会保障局
    MatterType.TAX: "KF-SWJ",  # 税务局
    MatterType.CREDIT_REPAIR: "KF-FGW",  # 发展和改革委员会 (with 市场监管)
    MatterType.ASSET_TAKEOVER: "KF-GAJ",  # 公安局 (with the court and 市场监管)
    MatterType.ASSET_DISPOSAL: "KF-GZW",  # 国有资产监督管理委员会
    MatterType.PROPERTY_REGISTRATION: "KF-ZRZY",  # 自然资源和规划局
    MatterType.FINANCIAL: "KF-RMYH",  # 人民银行开封市分行 (with 金融监管)
    MatterType.DEBT_EVASION: "KF-GAJ",  # 公安局
    MatterType.DEREGISTRATION: "KF-SCJG",  # 市场监督管理局
    MatterType.FUNDING: "KF-CZJ",  # 财政局
    MatterType.STABILITY: "KF-XFJ",  # 信访局
    MatterType.OTHER: None,
}
