"""Closure progress as text: the table ``fuyuan progress`` prints, and its JSON.

Rates are shown as percentages with one decimal, and "—" where a rate has
no denominator (docs/glossary.md); the JSON keeps them as fractions (or null),
with the names of the GraphQL ``Progress`` type.
"""

from __future__ import annotations

from typing import Any

from reports.columns import columns
from reports.progress import GroupProgress, ProgressReport
from store.money import format_fen
from workflow.clock import SHANGHAI
from workflow.i18n import _

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
    rows = [[heading, _("total"), _("closed"), _("overdue"), _("closure rate"), _("on-time rate")]]
    for group in groups:
        # The whole name: a table that cuts 开封市禹王台区汪屯乡人民政府 names another unit.
        label = f"{group.key} {group.name}".strip() if group.unit_id else group.key or "—"
        rows.append(
            [
                label,
                str(group.total),
                str(group.closed),
                str(group.overdue),
                percent(group.closure_rate),
                percent(group.on_time_rate),
            ]
        )
    return columns(rows, right=[1, 2, 3, 4, 5])


def report_table(report: ProgressReport) -> str:
    """The figures as the plain-text table ``fuyuan progress`` prints, in the current
    language (``--lang``), its columns lined up by display width."""
    average = report.average_handling_days
    review = report.average_review_days
    limits = report.limits
    states = ", ".join(f"{state} {count}" for state, count in sorted(report.by_state.items()))
    days = _("{days} working days", days=format(average, ".1f")) if average is not None else "—"
    if report.handling_days_unknown:
        days = _(
            "{days} ({count} closed task(s) left out: {reason})",
            days=days,
            count=report.handling_days_unknown,
            reason=report.handling_days_unknown_reason,
        )
    reviews = _(
        "{days}; over {limit}: {decided} decided, {open} still open",
        days=_("{days} working days", days=format(review, ".1f")) if review is not None else "—",
        limit=limits.review_warn_working_days,
        decided=report.reviews_late,
        open=report.reviews_open_late,
    )
    warnings = ", ".join(f"{colour} {count}" for colour, count in report.warnings.items())
    if report.unknown:
        warnings += str(
            _(", unknown {count} ({reason})", count=report.unknown, reason=report.unknown_reason)
        )
    summary: list[list[str]] = [
        [_("total"), str(report.total)],
        [_("open"), str(report.open)],
        [_("closed"), str(report.closed)],
        [_("cancelled"), str(report.cancelled)],
        [_("overdue"), str(report.overdue)],
        [_("closure rate"), percent(report.closure_rate)],
        [_("on-time rate"), percent(report.on_time_rate)],
        [
            _("performance rate"),
            _(
                "{rate} ({performed} of {cases} cases)",
                rate=percent(report.performance_rate),
                performed=report.performed_cases,
                cases=report.enforcement_cases,
            ),
        ],
        [
            _("amount rate"),
            _(
                "{rate} ({performed} of {due} yuan)",
                rate=percent(report.amount_rate),
                performed=format_fen(report.amount_performed_fen),
                due=format_fen(report.amount_due_fen),
            ),
        ],
        [_("average handling"), days],
        [_("review time"), reviews],
        [
            _("accepted late"),
            _(
                "{count} (over {limit} working days)",
                count=report.accepted_late,
                limit=limits.accept_within_working_days,
            ),
        ],
        [_("warnings"), warnings],
        [
            _("ageing (days)"),
            ", ".join(f"{bucket.label}: {bucket.count}" for bucket in report.ageing),
        ],
        [_("by state"), states or "—"],
    ]
    lines = [
        _(
            "closure progress as of {moment} Asia/Shanghai",
            moment=report.as_of.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S"),
        ),
        *columns(summary),
        "",
        *_rows(report.by_unit, _("unit")),
        "",
        *_rows(report.by_region, _("region")),
        "",
        *columns(
            [
                [_("week of"), _("new"), _("closed")],
                *(
                    [week.week_start.isoformat(), str(week.created), str(week.closed)]
                    for week in report.trend
                ),
            ],
            right=[1, 2],
        ),
    ]
    return "\n".join(lines)
