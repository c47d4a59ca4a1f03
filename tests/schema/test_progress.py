"""The ``progress`` query over HTTP: scoped to the viewer, refused when it must be."""

from __future__ import annotations

import datetime as dt

from strawberry.relay import to_base64

from reports.progress import Scope, compute_progress
from store.models import Task, Unit
from tests.schema.conftest import Clients
from workflow.calendar import default_calendar
from workflow.clocks import accepted_late

PROGRESS = """
query ($scope: ProgressScope) {
  progress(scope: $scope) {
    __typename total open closed cancelled overdue closureRate onTimeRate
    performanceRate amountRate averageHandlingDays amountDue amountPerformed
    byState { state count } warnings { red yellow blue } ageing { label count }
    byUnit { unit { code } total closed overdue closureRate onTimeRate }
    byRegion { region total closed overdue closureRate onTimeRate }
    trend { weekStart new closed }
  }
}
"""


async def test_a_unit_liaison_sees_the_progress_of_its_own_unit_only(api: Clients) -> None:
    # given the demo; the unit liaison belongs to 财政局 (KF-CZJ)
    own = await Task.filter(responsible_unit__code="KF-CZJ").count()
    everything = await Task.all().count()

    # when the liaison and the office ask for progress
    mine = (await api.unit.data(PROGRESS))["progress"]
    office = (await api.coordinator.data(PROGRESS))["progress"]

    # then the liaison's covers its own unit's tasks only, the office's every task
    assert mine["__typename"] == "Progress"
    assert mine["total"] == own > 0
    assert [row["unit"]["code"] for row in mine["byUnit"]] == ["KF-CZJ"]
    assert office["total"] == everything > own
    assert sum(row["total"] for row in office["byUnit"]) == everything
    # and naming another unit gives it nothing of that unit
    other = await Unit.get(code="KF-XFQ")
    scoped = await api.unit.data(PROGRESS, scope={"unitIds": [to_base64("Unit", other.id)]})
    assert scoped["progress"]["total"] == 0
    assert scoped["progress"]["closureRate"] is None


async def test_an_admin_sees_no_progress_and_a_bad_period_is_refused(api: Clients) -> None:
    admin = (await api.admin.data(PROGRESS))["progress"]
    assert (admin["total"], admin["byUnit"], admin["closureRate"]) == (0, [], None)
    body = await api.coordinator(PROGRESS, scope={"from": "2026-11-30", "to": "2026-11-01"})
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    anonymous = await api.anonymous(PROGRESS)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


CLOCKS = """
query ($scope: ProgressScope) {
  progress(scope: $scope) {
    asOf closedOnTime averageReviewDays reviewsLate reviewsOpenLate acceptedLate
  }
  tasks(first: 100, filter: {state: [ASSIGNED, SUSPENDED, CLOSURE_REQUESTED]}) {
    nodes { code state assignedOn warning overdue paused acceptedLate }
  }
}
"""


async def test_the_clocks_that_pause_reach_the_api(api: Clients) -> None:
    # given the demo, as the office sees it now
    body = await api.coordinator.data(CLOCKS)
    figures, tasks = body["progress"], body["tasks"]["nodes"]
    as_of = dt.datetime.fromisoformat(figures["asOf"])
    report = await compute_progress(Scope(as_of=as_of))

    # then the progress figures are the report's, with the default limits
    assert figures["closedOnTime"] == report.closed_on_time
    assert figures["acceptedLate"] == report.accepted_late
    assert figures["reviewsLate"] == report.reviews_late
    assert figures["reviewsOpenLate"] == report.reviews_open_late
    expected = report.average_review_days
    assert figures["averageReviewDays"] == (round(expected, 2) if expected is not None else None)
    # and every paused task is paused, without colour, never overdue
    paused = [t for t in tasks if t["state"] in ("SUSPENDED", "CLOSURE_REQUESTED")]
    assert paused
    assert all(t["paused"] and t["warning"] == "NONE" and not t["overdue"] for t in paused)
    # and a task is accepted late exactly when still ASSIGNED past the 签收时限
    today = as_of.date()
    calendar = default_calendar()
    for task in tasks:
        late = task["state"] == "ASSIGNED" and accepted_late(
            dt.date.fromisoformat(task["assignedOn"]), today, calendar
        )
        assert task["acceptedLate"] is late, task
    assert any(task["acceptedLate"] for task in tasks) == (report.accepted_late > 0)
