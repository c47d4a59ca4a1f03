"""Closure progress as text: the table ``fuyuan progress`` prints, and its JSON.

Rates are shown as percentages with one decimal, and "—" where a rate has
no denominator (docs/glossary.md); the JSON keeps them as fractions (or null),
with the names of the GraphQL ``Progress`` type.
"""

from __future__ import annotations

from typing import Any

from reports.progress import GroupProgress, ProgressReport
from store.money import format_fen
from workflow.clock import SHANGHAI

__all__ = ["percent", "report_dict", "report_table"]


def percent(value: float | None) -> str:
    """0.375 → "37.5%"; None → "—"."""
    return "—" if value is None else f"{value * 100:.1f}%"


def _group(group: GroupProgress, name: str) -> dict[str, Any]:
    return {
        name: group.key,
        "total": group.total,
        "open": group.open,
        "closed": group.closed,
        "cancelled": group.cancelled,
        "overdue": group.overdue,
        "closureRate": group.closure_rate,
        "onTimeRate": group.on_time_rate,
    }


def report_dict(report: ProgressReport) -> dict[str, Any]:
    """The figures as plain data, named as in the GraphQL ``Progress`` type."""
    return {
        "asOf": report.as_of.isoformat(),
        "total": report.total,
        "open": report.open,
        "closed": report.closed,
        "cancelled": report.cancelled,
        "overdue": report.overdue,
        "closedOnTime": report.closed_on_time,
        "closureRate": report.closure_rate,
        "onTimeRate": report.on_time_rate,
        "performanceRate": report.performance_rate,
        "amountRate": report.amount_rate,
        "enforcementCases": report.enforcement_cases,
        "performedCases": report.performed_cases,
        "amountDue": format_fen(report.amount_due_fen),
        "amountPerformed": format_fen(report.amount_performed_fen),
        "averageHandlingDays": report.average_handling_days,
        "handlingDaysUnknown": report.handling_days_unknown,
        "handlingDaysUnknownReason": report.handling_days_unknown_reason,
        "averageReviewDays": report.average_review_days,
        "reviewsLate": report.reviews_late,
        "reviewsOpenLate": report.reviews_open_late,
        "acceptedLate": report.accepted_late,
        "byState": dict(sorted(report.by_state.items())),
        "warnings": {
            **{colour.lower(): count for colour, count in report.warnings.items()},
            "unknown": report.unknown,
            "unknownReason": report.unknown_reason,
        },
        "ageing": {bucket.label: bucket.count for bucket in report.ageing},
        "byUnit": [_group(group, "unit") for group in report.by_unit],
        "byRegion": [_group(group, "region") for group in report.by_region],
        "trend": [
            {"weekStart": week.week_start.isoformat(), "new": week.created, "closed": week.closed}
            for week in report.trend
        ],
    }


def _rows(groups: list[GroupProgress], heading: str) -> list[str]:
    lines = [f"{heading:<24} {'总数':>6} {'办结':>6} {'超期':>6} {'办结率':>8} {'按期率':>8}"]
    for group in groups:
        label = f"{group.key} {group.name}".strip() if group.unit_id else group.key or "—"
        lines.append(
            f"{label[:24]:<24} {group.total:>6} {group.closed:>6} {group.overdue:>6} "
            f"{percent(group.closure_rate):>8} {percent(group.on_time_rate):>8}"
        )
    return lines


def report_table(report: ProgressReport) -> str:
    """The figures as the plain-text table ``fuyuan progress`` prints."""
    average = report.average_handling_days
    review = report.average_review_days
    limits = report.limits
    states = ", ".join(f"{state} {count}" for state, count in sorted(report.by_state.items()))
    lines = [
        f"闭环进度 closure progress as of {report.as_of.astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S} "
        f"Asia/Shanghai",
        f"总数 total            {report.total}",
        f"未办结 open            {report.open}",
        f"已办结 closed          {report.closed}",
        f"已撤销 cancelled       {report.cancelled}",
        f"超期 overdue           {report.overdue}",
        f"办结率 closure rate    {percent(report.closure_rate)}",
        f"按期办结率 on-time     {percent(report.on_time_rate)}",
        f"履行率 performance     {percent(report.performance_rate)} "
        f"({report.performed_cases} of {report.enforcement_cases} cases)",
        f"执行到位率 amount      {percent(report.amount_rate)} "
        f"({format_fen(report.amount_performed_fen)} of {format_fen(report.amount_due_fen)})",
        "平均办理 handling      "
        + ("—" if average is None else f"{average:.1f} working days")
        + (
            f" ({report.handling_days_unknown} closed task(s) left out: "
            f"{report.handling_days_unknown_reason})"
            if report.handling_days_unknown
            else ""
        ),
        "审核用时 review        "
        + ("—" if review is None else f"{review:.1f} working days")
        + f"; over {limits.review_warn_working_days}: {report.reviews_late} decided, "
        f"{report.reviews_open_late} still open",
        f"未按时签收 accepted late {report.accepted_late} "
        f"(over {limits.accept_within_working_days} working days)",
        "预警 warnings          "
        + ", ".join(f"{colour} {count}" for colour, count in report.warnings.items())
        + (f", 无法判定 {report.unknown} ({report.unknown_reason})" if report.unknown else ""),
        "账龄 ageing (days)     "
        + ", ".join(f"{bucket.label}: {bucket.count}" for bucket in report.ageing),
        f"状态 by state          {states or '—'}",
        "",
        *_rows(report.by_unit, "责任单位 unit"),
        "",
        *_rows(report.by_region, "县区 region"),
        "",
        f"{'周 week of':<12} {'新增 new':>8} {'办结 closed':>10}",
        *(
            f"{week.week_start.isoformat():<12} {week.created:>8} {week.closed:>10}"
            for week in report.trend
        ),
    ]
    return "\n".join(lines)
