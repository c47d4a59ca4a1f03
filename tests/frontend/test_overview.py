"""The dashboard's figures as a reader checks them (issue 18, "smaller things seen"):
money in 万元, ranking ties sharing a place, integer chart ticks, a task list that
prints, a workflow diagram whose labels do not overlap. In Chromium, on the demo.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from tests.frontend.test_dashboard import Tab, browser, server  # noqa: F401  (fixtures)


@pytest.fixture
def office(browser: Any, server: str) -> Iterator[Tab]:  # noqa: F811  (the fixtures above)
    tab = Tab(browser, server).sign_in("demo-coordinator")
    tab.go("overview", "总览")  # signing in lands on 待办
    yield tab
    tab.close()


def test_the_overview_writes_money_in_wan_yuan(office: Tab) -> None:
    detail = office.page.locator("#fig-amount .figure-detail").inner_text()

    assert "万元" in detail
    assert "," not in detail
    # "已履行 5607.58 万元 / 执行标的 9379.50 万元"
    assert detail.startswith("已履行 ")
    assert detail.count("万元") == 2


def test_ranking_ties_share_a_place(office: Tab) -> None:
    rows = office.page.locator("[aria-label='责任单位排名'] tbody tr")
    places = [int(rows.nth(i).locator("td").nth(0).inner_text()) for i in range(rows.count())]
    rates = [rows.nth(i).locator("td").nth(4).inner_text() for i in range(rows.count())]

    assert len(set(rates)) < len(rates)  # the demo has ties
    for index, (place, rate) in enumerate(zip(places, rates, strict=True)):
        # competition ranking: one more than the units strictly ahead
        assert place == 1 + rates.index(rate), (index, rate)
    assert places == sorted(places)


def test_the_trend_chart_has_integer_ticks_evenly_spaced(office: Tab) -> None:
    ticks = office.page.evaluate(
        "() => [...document.querySelectorAll('figure.chart svg > text.axis')]"
        ".map((t) => t.textContent)"
    )
    values = [int(t) for t in ticks]

    assert values[0] == 0
    steps = {b - a for a, b in itertools.pairwise(values)}
    assert len(steps) == 1
    assert steps.pop() >= 1


def test_the_task_list_prints_as_a_table_without_the_app_around_it(
    browser: Any,  # noqa: F811
    server: str,  # noqa: F811
) -> None:
    tab = Tab(browser, server, width=390).sign_in("demo-coordinator")
    try:
        tab.go("tasks", "交办事项")
        tab.page.emulate_media(media="print")
        shown = tab.page.evaluate(
            """() => ({
              header: getComputedStyle(document.querySelector('.site-header')).display,
              filters: getComputedStyle(document.querySelector('.filters')).display,
              row: getComputedStyle(document.querySelector('.table-wrap tbody tr')).display,
              head: getComputedStyle(document.querySelector('.table-wrap thead')).position,
              split: getComputedStyle(document.querySelector('.table-wrap tbody tr')).breakInside,
            })"""
        )
    finally:
        tab.close()
    assert shown == {"header": "none", "filters": "none", "row": "table-row", "head": "static",
                     "split": "avoid"}  # fmt: skip


def test_no_two_labels_of_the_workflow_diagram_overlap(office: Tab) -> None:
    office.go("workflow")
    office.page.locator(".workflow .edge-label").first.wait_for()

    boxes = office.page.evaluate(
        """() => [...document.querySelectorAll('.workflow .edge-label, .workflow .node rect')]
              .map((el) => { const b = el.getBBox();
                             return [el.textContent, b.x, b.y, b.width, b.height]; })"""
    )
    labels = [box for box in boxes if box[0]]
    assert {"申请销号", "恢复"} <= {box[0] for box in labels}
    for i, (name, x, y, w, h) in enumerate(labels):
        for other, x2, y2, w2, h2 in boxes[:i] + boxes[i + 1 :]:
            apart = x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y
            assert apart, (name, other or "a state's box")
