"""The 台账 workbooks (reports/ledgers.py): paging, money to the fen, what a person sees."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from tortoise import Tortoise

from reports import ledgers
from reports.ledgers import LedgerHeading, fen_to_yuan, write_case_ledger, write_task_ledger
from store.enums import PartyKind
from store.models import EnforcementCase, PerformanceRecord, Task
from tests.conftest import open_database

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
HEADING = LedgerHeading("交办事项台账", "全部", NOW)


@pytest.fixture
async def demo(demo_database_url: str) -> AsyncIterator[None]:
    await open_database(demo_database_url)
    try:
        yield
    finally:
        await Tortoise.close_connections()


def _sheet(out: io.BytesIO) -> Worksheet:
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    assert isinstance(sheet, Worksheet)
    return sheet


@pytest.mark.parametrize(
    ("fen", "yuan"),
    [
        pytest.param(0, "0.00", id="zero"),
        pytest.param(1, "0.01", id="one-fen"),
        pytest.param(123456789012, "1234567890.12", id="a-billion"),
    ],
)
def test_fen_become_exact_yuan(fen: int, yuan: str) -> None:
    assert fen_to_yuan(fen) == Decimal(yuan)


async def test_pages_of_rows_make_one_ledger_in_the_querys_order(
    demo: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given pages far smaller than the demo's 111 tasks
    monkeypatch.setattr(ledgers, "PAGE", 7)
    query = Task.all().order_by("due_on", "id")
    out = io.BytesIO()

    written = await write_task_ledger(query, out, heading=HEADING, today=NOW.date())

    sheet = _sheet(out)
    codes = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert codes == await query.values_list("code", flat=True)
    assert written == len(codes) == 111
    assert sheet["A1"].value == "交办事项台账（范围：全部；截至2026-11-20 18:00 北京时间）"


async def test_the_case_ledger_sums_payments_to_the_fen_and_masks_a_person(demo: None) -> None:
    # given the first case of a natural person, and its payments
    case = await EnforcementCase.filter(applicant_kind=PartyKind.PERSON).order_by("id").first()
    assert case is not None
    payments = await PerformanceRecord.filter(case_id=case.id)
    paid = sum(payment.amount_fen for payment in payments)
    out = io.BytesIO()

    await write_case_ledger(
        EnforcementCase.filter(id=case.id), out, heading=HEADING, personal_data=False
    )

    row = list(_sheet(out)[3])
    assert row[1].value == case.case_number
    assert row[3].value == case.applicant_name.strip()[:1] + "**"
    assert Decimal(str(row[7].value)) == Decimal(case.amount_due_fen) / 100
    assert Decimal(str(row[8].value)) == Decimal(paid) / 100
    assert Decimal(str(row[9].value)) == Decimal(max(case.amount_due_fen - paid, 0)) / 100
    assert isinstance(row[10].value, dt.datetime)
    assert row[10].value.date() == case.filed_on
