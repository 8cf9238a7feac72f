"""Job-run rows: one per job and slot, claimed in the transaction that does the job's work.

The claim is an ``INSERT ... ON CONFLICT DO NOTHING`` of the (job, slot) row. A second process
claiming the same slot waits for the first one's transaction (SQLite's ``BEGIN IMMEDIATE``, a
PostgreSQL unique index) and then finds the row: the ledger itself is the lock, and it holds
across processes and tills, which APScheduler's own job stores do not.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from loyalty.domain.records import JobRun
from loyalty.ledger import schema


_runs = schema.job_runs


def _insert(conn: sa.Connection, values: dict[str, Any]) -> Any:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(_runs).values(**values)


def _record(row: sa.Row) -> JobRun:
    return JobRun(job=row.job, slot=row.slot, status=row.status, started_at=row.started_at,
                  finished_at=row.finished_at, result=row.result, runner=row.runner)


def claim(
    conn: sa.Connection, job: str, slot: str, *, now: datetime, runner: str,
    failed_before: datetime,
) -> bool:
    """Take the (job, slot) row for this transaction: a new one, or one that failed before
    ``failed_before``; False when another run has it (done, or failed too recently)."""
    inserted = conn.execute(_insert(conn, {
        "job": job, "slot": slot, "status": "running", "started_at": now, "finished_at": now,
        "result": "", "runner": runner,
    }).on_conflict_do_nothing(index_elements=["job", "slot"]).returning(_runs.c.id)).first()
    if inserted is not None:  # (PostgreSQL's rowcount of an INSERT ... RETURNING is -1)
        return True
    return bool(conn.execute(
        _runs.update()
        .where(_runs.c.job == job, _runs.c.slot == slot, _runs.c.status == "failed",
               _runs.c.finished_at <= failed_before)
        .values(status="running", started_at=now, finished_at=now, runner=runner)
    ).rowcount)


def finish(conn: sa.Connection, job: str, slot: str, *, status: str, now: datetime,
           result: str) -> None:
    """Close the claimed row with what the run did."""
    conn.execute(_runs.update().where(_runs.c.job == job, _runs.c.slot == slot)
                 .values(status=status, finished_at=now, result=result))


def record(conn: sa.Connection, run: JobRun, *, keep_success: bool = False) -> None:
    """Write ``run`` as its (job, slot) row; with ``keep_success`` a row that succeeded stays
    (a failure recorded after another process's success must not hide it)."""
    values = {"status": run.status, "started_at": run.started_at,
              "finished_at": run.finished_at, "result": run.result, "runner": run.runner}
    statement = _insert(conn, {"job": run.job, "slot": run.slot, **values})
    conn.execute(statement.on_conflict_do_update(
        index_elements=["job", "slot"], set_=values,
        where=(_runs.c.status != "ok") if keep_success else None,
    ))


def find(conn: sa.Connection, job: str, slot: str) -> JobRun | None:
    """The run of ``job`` for ``slot``, if any."""
    row = conn.execute(sa.select(_runs).where(_runs.c.job == job, _runs.c.slot == slot)
                       ).one_or_none()
    return _record(row) if row is not None else None


def latest_done_slot(conn: sa.Connection, job: str) -> str | None:
    """The latest scheduled slot of ``job`` that ran to the end (runs by hand left out)."""
    return conn.execute(sa.select(sa.func.max(_runs.c.slot)).where(
        _runs.c.job == job, _runs.c.status == "ok", ~_runs.c.slot.startswith("by-hand/"))
    ).scalar_one_or_none()


def last_run(conn: sa.Connection, job: str) -> JobRun | None:
    """The run of ``job`` that finished last, if any."""
    row = conn.execute(sa.select(_runs).where(_runs.c.job == job)
                       .order_by(_runs.c.finished_at.desc(), _runs.c.id.desc()).limit(1)
                       ).one_or_none()
    return _record(row) if row is not None else None


def runs(conn: sa.Connection, job: str | None = None, *, limit: int | None = None
         ) -> list[JobRun]:
    """Runs (of one ``job``), newest first."""
    query = sa.select(_runs).order_by(_runs.c.finished_at.desc(), _runs.c.id.desc())
    if job is not None:
        query = query.where(_runs.c.job == job)
    return [_record(row) for row in conn.execute(query.limit(limit))]
