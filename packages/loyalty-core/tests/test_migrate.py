"""``loyalty migrate --to URL`` moves a shop's SQLite ledger into an empty one (PostgreSQL).

The target is ``ledger_url``, so each test runs into a SQLite file and, with a server, into a
fresh PostgreSQL schema.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from click.testing import Result

import loyalty.cli.migrate  # noqa: F401 - registers the command
from loyalty.cli.app import cli
from loyalty.domain.settings import Settings
from loyalty.engine import Engine
from loyalty.ledger.copy import copy_ledger
from loyalty.testing.plugin import FakeClock
from loyalty.testing.plugin import Till


def run_cli(tmp_path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env={
        "LOYALTY_SETTINGS": str(tmp_path / "settings.toml"), "LOYALTY_LEDGER": None})


def snapshot(engine: Engine) -> tuple:
    accounts = [(a.customer, a.points, a.lifetime_earned, a.stars) for a in engine.accounts()]
    histories = [engine.history(a[0].id) for a in accounts]
    return accounts, histories, engine.cursor("demo"), engine.points_summary()


def test_migrate_copies_the_whole_ledger_with_its_ids_and_balances(
    tmp_path: Path, shop_ledger: Path, ledger_url: str, settings: Settings, clock: FakeClock
) -> None:
    with Engine(shop_ledger, settings, clock=clock) as source:
        before = snapshot(source)

    result = run_cli(tmp_path, "--ledger", str(shop_ledger), "migrate", "--to", ledger_url,
                     "--batch-rows", "7", "--json")

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["rows"]["customers"] == 25
    assert report["customers_checked"] == 25
    with Engine(ledger_url, settings, clock=clock) as target:
        assert snapshot(target) == before
        # New rows get fresh ids after the copied ones (PostgreSQL's sequences were moved on).
        newcomer = target.add_customer("After the move")
        assert newcomer.id == 26
        target.record_sale(Till(target).sale(newcomer.id, 1_000))
        (entry,) = target.history(newcomer.id)
        assert entry.id > max(e.id for history in before[1] for e in history)


def test_migrate_refuses_a_target_that_already_holds_a_ledger(
    tmp_path: Path, shop_ledger: Path, ledger_url: str, settings: Settings
) -> None:
    with Engine(ledger_url, settings) as target:
        target.add_customer("Already here")

    result = run_cli(tmp_path, "--ledger", str(shop_ledger), "migrate", "--to", ledger_url)

    assert result.exit_code == 1
    assert "is not empty (it holds 1 customers, 1 balances)" in result.output
    assert "Traceback" not in result.output
    with Engine(ledger_url, settings) as target:
        assert [a.customer.name for a in target.accounts()] == ["Already here"]


def test_migrate_refuses_to_copy_a_ledger_into_itself(tmp_path: Path, shop_ledger: Path) -> None:
    result = run_cli(tmp_path, "--ledger", str(shop_ledger), "migrate", "--to", str(shop_ledger))

    assert result.exit_code == 1
    assert "cannot be copied into itself" in result.output


def test_a_copy_reports_each_tables_rows_as_it_goes(
    shop_ledger: Path, ledger_url: str, settings: Settings
) -> None:
    seen: dict[str, int] = {}
    with Engine(shop_ledger, settings) as source, Engine(ledger_url, settings) as target:
        def progress(table: str, rows: int) -> None:
            seen[table] = seen.get(table, 0) + rows

        report = copy_ledger(source.db, target.db, batch_rows=50, progress=progress)

    assert seen == {name: n for name, n in report.rows.items() if n}
    order = list(report.rows)  # parents before the rows that point at them
    assert order.index("customers") < order.index("sales") < order.index("ledger_entries")
    assert order.index("ledger_entries") < order.index("point_lots") < order.index(
        "lot_allocations")
