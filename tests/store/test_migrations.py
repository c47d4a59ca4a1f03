"""The migrations build exactly the schema the models describe, plus the rules of 0002."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from tortoise import Tortoise, connections
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.context import TortoiseContext
from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.migrations.api.migrate import migrate as run_migrations
from tortoise.migrations.autodetector import MigrationAutodetector

from store.db import tortoise_config
from store.enums import CaseSource, PartyKind, TaskKind, UnitKind
from store.models import EnforcementCase, PerformanceRecord, Task, TaskEvent, Unit
from store.setup import migrate
from tests.conftest import (
    _admin_execute,
    dialect,
    drop_database,
    open_database,
    postgres_url,
    with_database,
)

MIGRATION_TABLE = "tortoise_migrations"


async def test_models_have_no_changes_missing_from_the_migrations(tmp_path: Path) -> None:
    # given the models and the migration files in the repository
    config = tortoise_config(f"sqlite://{tmp_path / 'detect.sqlite3'}")
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        assert ctx.apps is not None
        # when tortoise compares the two, as `tortoise makemigrations` does
        writers = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
    # then there is nothing to write: the committed migrations are complete
    assert [writer.name for writer in writers] == []


async def _schema(url: str) -> dict[str, Any]:
    """Tables → columns, indexes and foreign keys, read back from the database."""
    conn = connections.get("default")
    schema: dict[str, Any] = {}
    if dialect(url) == "sqlite":
        _, tables = await conn.execute_query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        for row in tables:
            table = row["name"]
            _, columns = await conn.execute_query(f'PRAGMA table_info("{table}")')
            _, indexes = await conn.execute_query(f'PRAGMA index_list("{table}")')
            index_columns = set()
            for index in indexes:
                _, info = await conn.execute_query(f'PRAGMA index_info("{index["name"]}")')
                index_columns.add((tuple(i["name"] for i in info), bool(index["unique"])))
            _, fks = await conn.execute_query(f'PRAGMA foreign_key_list("{table}")')
            schema[table] = {
                "columns": {
                    c["name"]: (c["type"].upper(), bool(c["notnull"]), bool(c["pk"]))
                    for c in columns
                },
                "indexes": index_columns,
                "fks": {(f["from"], f["table"], f["to"], f["on_delete"]) for f in fks},
            }
        return schema
    _, columns = await conn.execute_query(
        "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns"
        " WHERE table_schema = 'public'"
    )
    for c in columns:
        table = schema.setdefault(c["table_name"], {"columns": {}, "indexes": set(), "fks": set()})
        table["columns"][c["column_name"]] = (c["data_type"], c["is_nullable"] == "NO")
    _, indexes = await conn.execute_query(
        "SELECT t.relname AS table, i.indisunique AS uniq,"
        " array_agg(a.attname ORDER BY k.ord) AS cols"
        " FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid"
        " JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'"
        " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)"
        " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum"
        " GROUP BY t.relname, i.indexrelid, i.indisunique"
    )
    for index in indexes:
        schema[index["table"]]["indexes"].add((tuple(index["cols"]), index["uniq"]))
    _, fks = await conn.execute_query(
        "SELECT tc.table_name, kcu.column_name, ccu.table_name AS target, rc.delete_rule"
        " FROM information_schema.table_constraints tc"
        " JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name"
        " JOIN information_schema.constraint_column_usage ccu"
        "   ON ccu.constraint_name = tc.constraint_name"
        " JOIN information_schema.referential_constraints rc"
        "   ON rc.constraint_name = tc.constraint_name"
        " WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = 'public'"
    )
    for fk in fks:
        schema[fk["table_name"]]["fks"].add((fk["column_name"], fk["target"], fk["delete_rule"]))
    return schema


async def test_migrated_schema_equals_the_schema_of_the_models(
    database_url: str, tmp_path: Path
) -> None:
    # given a database built by the migrations (the fixture applied them to an empty one)
    await open_database(database_url)
    try:
        migrated = await _schema(database_url)
    finally:
        await Tortoise.close_connections()
    # and one built straight from the models by tortoise
    if dialect(database_url) == "sqlite":
        generated_url = f"sqlite://{tmp_path / 'generated.sqlite3'}"
    else:
        base = postgres_url()
        assert base is not None
        name = f"fuyuan_gen_{tmp_path.name[-12:].lower().replace('-', '_')}"
        await _admin_execute(f'DROP DATABASE IF EXISTS "{name}"')
        await _admin_execute(f'CREATE DATABASE "{name}"')
        generated_url = with_database(base, name)
    await open_database(generated_url)
    try:
        await Tortoise.generate_schemas()
        generated = await _schema(generated_url)
    finally:
        await Tortoise.close_connections()
        if dialect(database_url) == "postgres":
            await drop_database(name)
    # then every table, column, index and foreign key is the same
    migrated.pop(MIGRATION_TABLE)
    assert sorted(migrated) == sorted(generated)
    for table in generated:
        assert migrated[table] == generated[table], table


async def _unit(code: str, kind: UnitKind = UnitKind.COURT) -> Unit:
    court_code = "豫02" if kind is UnitKind.COURT else None
    return await Unit.create(code=code, name=f"单位{code}", kind=kind, court_code=court_code)


async def _case(amount_fen: int) -> EnforcementCase:
    court = await Unit.get_or_none(code="C") or await _unit("C")
    organ = await Unit.get_or_none(code="O") or await _unit("O", UnitKind.PARTY_GOV_ORGAN)
    return await EnforcementCase.create(
        case_number=f"（2023）豫02执{abs(amount_fen) + 1}号",
        court=court,
        applicant_name="张伟",
        applicant_kind=PartyKind.PERSON,
        respondent=organ,
        basis="（2022）豫02民终1号",
        cause="买卖合同纠纷",
        amount_due_fen=amount_fen,
        filed_on=dt.date(2023, 3, 1),
        source=CaseSource.PROVINCE_ASSIGNED,
    )


async def test_the_database_refuses_a_negative_amount(db: str) -> None:
    # given a case (the model's validator guards the ORM path; the rule guards every path)
    case = await _case(100_00)
    # when a write that skips the model sets a negative amount, then the database refuses
    with pytest.raises(IntegrityError, match="ck_enforcement_amount_due"):
        await connections.get("default").execute_query(
            f"UPDATE enforcement_case SET amount_due_fen = -100 WHERE id = {case.id}"
        )
    assert (await EnforcementCase.get(id=case.id)).amount_due_fen == 100_00


async def test_the_database_refuses_a_task_whose_subject_does_not_fit_its_kind(db: str) -> None:
    organ = await _unit("O", UnitKind.PARTY_GOV_ORGAN)
    with pytest.raises(IntegrityError, match="ck_task_subject"):
        await Task.create(
            code="FY-2023-0001", kind=TaskKind.ENFORCEMENT, title="无案件", responsible_unit=organ
        )


async def test_events_can_be_neither_changed_nor_deleted(db: str) -> None:
    # given a task with one event
    organ = await _unit("O", UnitKind.PARTY_GOV_ORGAN)
    task = await Task.create(
        code="FY-2023-0001", kind=TaskKind.OTHER, title="其他事项", responsible_unit=organ
    )
    event = await TaskEvent.create(
        task=task, seq=1, action="create", occurred_at=dt.datetime.now(dt.UTC)
    )
    # when someone tries to rewrite or erase the history, then the database refuses
    refused = (IntegrityError, OperationalError)
    with pytest.raises(refused, match="append-only"):
        await TaskEvent.filter(id=event.id).update(comment="改写")
    with pytest.raises(refused, match="append-only"):
        await TaskEvent.filter(id=event.id).delete()
    # and deleting the task is refused too (RESTRICT), so the history stays
    with pytest.raises(IntegrityError):
        await task.delete()
    assert (await TaskEvent.get(id=event.id)).comment == ""


#: The last migration before the ones the upgrade test covers.
UPGRADE_FROM = "0008_official_calendars"

#: Rows of the 0008 schema, written as SQL so that they do not depend on today's models.
ROWS_AT_0008 = [
    """INSERT INTO unit (id, code, name, kind, region, court_code, created_at)
       VALUES (1, 'KF-ZY', '开封市中级人民法院', 'COURT', '市本级', '豫02',
               '2026-01-05 00:00:00+00:00')""",
    """INSERT INTO unit (id, code, name, kind, region, court_code, created_at)
       VALUES (2, 'KF-CZJ', '开封市财政局', 'PARTY_GOV_ORGAN', '市本级', NULL,
               '2026-01-05 00:00:00+00:00')""",
    """INSERT INTO enforcement_case (id, case_number, applicant_name, applicant_kind, basis, cause,
           amount_due_fen, filed_on, source, closure_method, created_at, court_id, respondent_id)
       VALUES (1, '（2026）豫02执137号', '河南汴梁路桥建设有限公司', 'ENTERPRISE',
               '（2025）豫02民初2395号', '买卖合同纠纷', 274300000, '2026-07-04', 'COURT_REFERRED',
               'SETTLEMENT', '2026-07-04 00:00:00+00:00', 1, 2)""",
    """INSERT INTO performance_record (id, paid_on, amount_fen, method, note, created_at, case_id)
       VALUES (1, '2026-07-22', 164580000, 'FISCAL_ALLOCATION', '',
               '2026-07-22 08:00:00+00:00', 1)""",
]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_at_0008(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An unmigrated database of each backend, brought up to :data:`UPGRADE_FROM` only."""
    if request.param == "sqlite":
        url = f"sqlite://{tmp_path / 'upgrade.sqlite3'}"
        name = None
    else:
        base = postgres_url()
        if base is None:
            pytest.skip("PostgreSQL not configured")
        name = f"fuyuan_up_{tmp_path.name[-12:].lower().replace('-', '_')}"
        await _admin_execute(f'DROP DATABASE IF EXISTS "{name}"')
        await _admin_execute(f'CREATE DATABASE "{name}"')
        url = with_database(base, name)
    config = tortoise_config(url)
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        await run_migrations(config=config, app_labels=["models"], target=f"models.{UPGRADE_FROM}")
        for statement in ROWS_AT_0008:
            await connections.get("default").execute_query(statement)
    EXECUTOR_CACHE.clear()
    yield url
    if name is not None:
        await drop_database(name)


async def test_the_migrations_since_0008_upgrade_a_database_holding_records(
    database_at_0008: str,
) -> None:
    # given a database at 0008 that holds a court, an organ, a case and a payment
    # (adding a NOT NULL column without a database default, or rebuilding a table
    # other rows refer to, fails only once there are rows: an empty database hides it)
    # when `fuyuan migrate` brings it to the latest migration
    await migrate(database_at_0008)
    # then every record is there with what the new columns say of the records before them
    await open_database(database_at_0008)
    try:
        court = await Unit.get(code="KF-ZY")
        assert court.is_active is True
        case = await EnforcementCase.get(id=1)
        assert case.closure_method == "SETTLEMENT"
        assert case.amount_due_fen == 274300000
        payment = await PerformanceRecord.get(id=1)
        assert (payment.amount_fen, payment.reason, payment.reverses_id) == (164580000, "", None)  # type: ignore[attr-defined]
        # and the rules that protect the records still hold on the rebuilt or altered tables
        conn = connections.get("default")
        with pytest.raises(IntegrityError):
            await conn.execute_query(
                "INSERT INTO performance_record (paid_on, amount_fen, method, note, reason,"
                " created_at, case_id) VALUES ('2026-08-01', -5, 'TRANSFER', '', '',"
                " '2026-08-01 00:00:00+00:00', 1)"
            )
        with pytest.raises(IntegrityError):
            await conn.execute_query("UPDATE enforcement_case SET amount_due_fen = -1 WHERE id = 1")
    finally:
        await Tortoise.close_connections()
