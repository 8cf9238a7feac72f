"""Bulk statements write exactly what SQLAlchemy's own statements and types write and find
exactly the rows SQLAlchemy's would; a SQLite ledger is set up for them."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.dialects import sqlite

from loyalty.ledger import schema
from loyalty.ledger.database import create_database_engine
from loyalty.ledger.bulk import execute_many
from loyalty.ledger.bulk import read_value
from loyalty.ledger.bulk import rows_matching
from loyalty.domain.records import PosOrigin
from loyalty.domain.pos import PosCustomer


def _entry(entry_id: int, occurred_at: datetime) -> dict:
    return {
        "id": entry_id, "customer_id": 1, "kind": "adjust", "points": 5, "tier_points": 0,
        "occurred_at": occurred_at, "business_date": date(2026, 1, 31),
        "recorded_at": occurred_at, "idempotency_key": f"k{entry_id}",
        "source_type": "adjustment", "source_id": None, "sale_id": None, "rule_id": None,
        "reverses_entry_id": None, "reason": "", "actor": "test", "shop_id": "main",
        "till_id": "till-1", "event_id": f"e{entry_id}",
    }


def test_bulk_inserted_rows_are_stored_as_sqlalchemy_stores_them(engine):
    customer = engine.add_customer("Nimal")
    assert customer.id == 1
    colombo = timezone(timedelta(hours=5, minutes=30))
    last_moment_of_january = datetime(2026, 1, 31, 23, 59, 59, 999_999, tzinfo=timezone.utc)
    moments = [last_moment_of_january, datetime(2026, 2, 1, 4, 0, tzinfo=colombo),
               last_moment_of_january.astimezone(colombo)]  # equal instants bind alike
    e = schema.ledger_entries
    with engine.db.begin() as conn:
        for n, moment in enumerate(moments):
            conn.execute(e.insert(), [_entry(10 + n, moment)])
        execute_many(conn, e.insert(), [_entry(20 + n, moment) for n, moment in enumerate(moments)])
        stored = conn.exec_driver_sql(
            "SELECT id, occurred_at, business_date, recorded_at, reason FROM ledger_entries "
            "ORDER BY id").all()
        read = conn.execute(sa.select(e.c.occurred_at).order_by(e.c.id)).scalars().all()
    by_sqlalchemy, by_bulk = stored[:3], stored[3:]
    assert [row[1:] for row in by_bulk] == [row[1:] for row in by_sqlalchemy]
    assert read == moments * 2  # aware UTC times come back equal, whatever zone went in


@given(moment=st.datetimes(timezones=st.sampled_from(
    [timezone.utc, timezone(timedelta(hours=5, minutes=45)), ZoneInfo("Asia/Colombo"),
     ZoneInfo("America/Sao_Paulo")])))
def test_utc_times_are_written_to_sqlite_as_sqlalchemys_datetime_writes_them(moment):
    dialect = sqlite.dialect()
    column = schema.UTCDateTime()
    two_steps = sa.DateTime().dialect_impl(dialect).bind_processor(dialect)

    fused = column.dialect_impl(dialect).bind_processor(dialect)(moment)

    assert fused == two_steps(column.process_bind_param(moment, dialect))


def test_rows_matching_finds_the_rows_of_every_key_given_however_many(engine):
    origin = PosOrigin("aronium", "main", "till-1")
    engine.record([], customers=[PosCustomer(str(n), f"Customer {n}") for n in range(1, 1201)],
                  origin=origin)
    c = schema.customers
    wanted = [str(n) for n in range(0, 1300, 2)]  # 0 and 1202.. are nobody's
    with engine.db.connect() as conn:
        by_text = dict(rows_matching(conn, sa.select(c.c.external_id, c.c.id), c.c.external_id,
                                     wanted + wanted[:10]))  # repeated keys find one row
        by_number = {row.id for row in rows_matching(conn, sa.select(c.c.id), c.c.id,
                                                     list(by_text.values()))}
        nothing = list(rows_matching(conn, sa.select(c.c.id), c.c.id, []))

    assert sorted(by_text, key=int) == [str(n) for n in range(2, 1201, 2)]
    assert by_number == set(by_text.values())
    assert nothing == []


def test_a_sqlite_ledger_logs_ahead_and_copies_the_log_back_in_64_mb_steps(tmp_path):
    db = create_database_engine(tmp_path / "ledger.db")
    with db.connect() as conn:
        settings = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                    for name in ("journal_mode", "wal_autocheckpoint", "journal_size_limit",
                                 "busy_timeout", "foreign_keys", "synchronous")}
    db.dispose()

    assert settings == {"journal_mode": "wal", "wal_autocheckpoint": 16_384,
                        "journal_size_limit": 64 * 1024 * 1024, "busy_timeout": 15_000,
                        "foreign_keys": 1, "synchronous": 1}


def test_a_value_read_straight_from_sqlite_is_what_sqlalchemy_reads(engine):
    customer = engine.add_customer("Anjali")
    query = sa.select(schema.balances.c.points + sa.bindparam("more", type_=sa.Integer)).where(
        schema.balances.c.customer_id == sa.bindparam("customer"))
    with engine.db.connect() as conn:
        expected = conn.execute(query, {"customer": customer.id, "more": 7}).scalar()
    assert read_value(engine.db, query, {"customer": customer.id, "more": 7}) == expected == 7
    assert read_value(engine.db, query, {"customer": 999, "more": 7}) is None


def test_a_driver_error_of_a_value_read_straight_from_sqlite_is_sqlalchemys(engine):
    missing = sa.table("no_such_table", sa.column("x"))
    with pytest.raises(sa.exc.DatabaseError, match="no_such_table"):
        read_value(engine.db, sa.select(missing.c.x), {})
