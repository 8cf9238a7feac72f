"""What real pos.db files do to a customer's points (docs/aronium.md, "Real files"): sales
deleted outright, refunds that name no sale, one file synced by two tills, and documents synced
before their numbers were keyed by year. Each on both ledger backends."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import attrs
import pytest

from loyalty.domain.errors import LoyaltyError
from loyalty.domain.settings import with_setting
from loyalty.engine import Engine
from loyalty.services.sync import cursor_name
from loyalty.services.sync import origin_of
from loyalty_pos_aronium.testing import AroniumFixture


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.db'}"
    return request.getfixturevalue("postgres_ledger_url")


def ledger_id(engine: Engine, aronium_id: int) -> int:
    [view] = [v for v in engine.accounts() if v.customer.external_id == str(aronium_id)]
    return view.customer.id


def reasons(engine: Engine, customer: int) -> list[tuple[str, int, str]]:
    return [(e.kind, e.points, e.reason) for e in engine.history(customer)]


# ---- sales deleted in Aronium -----------------------------------------------------------------


def test_a_sale_deleted_in_aronium_takes_its_points_back_with_the_reason(
    aronium: AroniumFixture, engine: Engine, adapter
):
    nimal = aronium.customer("Nimal")
    aronium.sale(nimal, [(3, 1)])  # 12.00 -> 12 points
    deleted = aronium.sale(nimal, [(3, 2)])  # 24.00 -> 24 points
    engine.sync(adapter)
    customer = ledger_id(engine, nimal)
    assert engine.balance(customer) == 36

    aronium.delete_document(deleted)  # items and payments go with it
    report = engine.sync(adapter)

    assert (report.sales_deleted, report.points_reversed) == (1, 24)
    assert "1 sales deleted in the POS taken back" in report.summary()
    assert engine.balance(customer) == 12
    assert ("reverse_earn", -24, f"Sale {deleted} deleted in the POS") in reasons(engine, customer)
    again = engine.sync(adapter)
    assert (again.sales_deleted, engine.balance(customer)) == (0, 12)


def test_points_paid_for_a_deleted_sale_come_back_as_a_refund_s_would(
    aronium: AroniumFixture, engine: Engine, adapter
):
    nimal = aronium.customer("Nimal")
    aronium.sale(nimal, [(3, 2)])  # 24 points
    engine.sync(adapter)
    customer = ledger_id(engine, nimal)
    paid = aronium.sale(nimal, [(3, 1)])  # 12.00, 10 of it paid with points -> 12 points
    engine.redeem(customer, 10, document=paid)
    engine.sync(adapter)
    assert engine.balance(customer) == 24 - 10 + 12

    aronium.delete_document(paid)
    engine.sync(adapter)

    assert engine.balance(customer) == 24
    log = reasons(engine, customer)
    assert ("reverse_redeem", 10, f"Sale {paid} deleted in the POS: points paid for it returned") \
        in log
    assert ("reverse_earn", -12, f"Sale {paid} deleted in the POS") in log


def test_a_deleted_sale_whose_id_a_new_sale_took_is_taken_back_and_the_new_one_earns(
    aronium: AroniumFixture, engine: Engine, adapter
):
    nimal = aronium.customer("Nimal")
    deleted = aronium.sale(nimal, [(3, 2)])  # 24 points
    engine.sync(adapter)
    aronium.delete_document(deleted)
    replacement = aronium.sale(nimal, [(3, 1)])  # takes the deleted one's Id: 12 points

    report = engine.sync(adapter)

    assert (report.sales_deleted, report.sales_recorded) == (1, 1)
    assert engine.balance(ledger_id(engine, nimal)) == 12
    assert replacement != deleted


def test_a_deletion_aronium_has_not_committed_is_not_taken_back_yet(
    aronium: AroniumFixture, engine: Engine, adapter
):
    nimal = aronium.customer("Nimal")
    sale = aronium.sale(nimal, [(3, 2)])
    engine.sync(adapter)
    till = sqlite3.connect(aronium.path, isolation_level=None)
    till.execute("BEGIN IMMEDIATE")
    till.execute("DELETE FROM Document WHERE Number = ?", (sale,))

    before = engine.sync(adapter)
    till.execute("COMMIT")
    after = engine.sync(adapter)

    assert (before.sales_deleted, after.sales_deleted) == (0, 1)
    assert engine.balance(ledger_id(engine, nimal)) == 0
    till.close()


def test_a_deleted_sale_refunded_in_part_takes_back_only_the_rest(
    aronium: AroniumFixture, engine: Engine, adapter
):
    nimal = aronium.customer("Nimal")
    aronium.sale(nimal, [(1, 2)])  # 7.00 -> 7 points
    sale = aronium.sale(nimal, [(3, 2)])  # 24 points
    aronium.refund(sale, [(3, 1)])  # 12 back
    engine.sync(adapter)
    customer = ledger_id(engine, nimal)
    assert engine.balance(customer) == 7 + 12

    aronium.delete_document(sale)
    engine.sync(adapter)

    assert engine.balance(customer) == 7


# ---- refunds that name no sale ----------------------------------------------------------------


def test_a_refund_with_a_customer_and_no_reference_takes_back_what_its_amount_earns(
    aronium: AroniumFixture, engine: Engine, adapter
):
    nimal = aronium.customer("Nimal")
    aronium.sale(nimal, [(3, 2)])  # 24 points
    refund = aronium.refund(None, [(3, 1)], customer_id=nimal)  # 12.00, no ReferenceDocumentNumber

    report = engine.sync(adapter)

    customer = ledger_id(engine, nimal)
    assert (report.refunds_recorded, report.points_reversed) == (1, 12)
    assert engine.balance(customer) == 12
    assert ("reverse_earn", -12, f"Refund {refund} names no sale: takes back what $12.00 earns") \
        in reasons(engine, customer)
    aronium.edit_document(refund, total="-12.00")  # read again by the edit scan: no second time
    assert engine.sync(adapter).points_reversed == 0
    assert engine.balance(customer) == 12


def test_a_refund_with_no_reference_never_takes_the_balance_below_zero(
    aronium: AroniumFixture, engine: Engine, adapter
):
    nimal = aronium.customer("Nimal")
    aronium.sale(nimal, [(1, 1)])  # 3.50 -> 3 points
    aronium.refund(None, [(3, 2)], customer_id=nimal)  # 24.00 back

    engine.sync(adapter)

    assert engine.balance(ledger_id(engine, nimal)) == 0


def test_a_refund_with_no_reference_and_no_customer_is_skipped_with_the_reason(
    aronium: AroniumFixture, engine: Engine, adapter
):
    refund = aronium.refund(None, customer_id=1)  # the walk-in customer

    report = engine.sync(adapter)

    assert [(s.document_id, s.reason) for s in report.skipped] == [
        (refund, "the refund names no original sale")]


# ---- one pos.db, two tills ----------------------------------------------------------------------


def test_two_tills_syncing_one_pos_db_are_refused_naming_both(
    aronium: AroniumFixture, engine: Engine, adapter, ledger_url, plugins, clock, tmp_path
):
    nimal = aronium.customer("Nimal")
    aronium.sale(nimal)
    engine.sync(adapter)
    settings = with_setting(engine.settings, "shop.till", "till-8")

    with Engine(ledger_url, settings, plugins=plugins, clock=clock,
                settings_path=tmp_path / "till-8.toml") as other:
        second = other.open_pos()
        with pytest.raises(LoyaltyError) as refused:
            other.sync(second)
        second.close()

        assert "already synced by till 'till-7'" in str(refused.value)
        assert "this is till 'till-8'" in str(refused.value)
        assert "loyalty settings set shop.till till-7" in str(refused.value)
        assert other.balance(ledger_id(other, nimal)) == 3
    assert engine.sync(adapter).documents_read == 0  # the first till goes on


def test_each_till_with_its_own_pos_db_syncs(
    aronium: AroniumFixture, engine: Engine, adapter, ledger_url, plugins, clock, tmp_path
):
    (tmp_path / "till-8").mkdir()
    own = AroniumFixture(tmp_path / "till-8" / "pos.db")
    own.sale(own.customer("Sunil"))
    settings = with_setting(with_setting(engine.settings, "shop.till", "till-8"),
                            "pos.database", str(own.path))
    engine.sync(adapter)

    with Engine(ledger_url, settings, plugins=plugins, clock=clock,
                settings_path=tmp_path / "till-8.toml") as other:
        second = other.open_pos()
        assert other.sync(second).sales_recorded == 1
        second.close()
    own.close()


# ---- documents synced before numbers were keyed by year ----------------------------------------


def test_a_document_synced_before_the_year_key_and_edited_after_does_not_earn_twice(
    aronium: AroniumFixture, engine: Engine, adapter
):
    aronium.number_pattern("%TYPE%-%COUNTER%")
    nimal = aronium.customer("Nimal")
    number = aronium.sale(nimal, [(3, 2)])  # 24 points
    batch = adapter.read(None, limit=100)
    # As the adapter before the change recorded it: under its bare Number.
    legacy = [attrs.evolve(e, document_id=e.former_document_id, former_document_id=None)
              for e in batch.events]
    engine.record(legacy, customers=batch.customers, origin=origin_of(adapter),
                  cursor=(cursor_name(engine.shop, adapter), batch.cursor))
    assert [e.document_id for e in legacy] == [number] == ["200-000001"]

    aronium.edit_document(number, total="30.00")
    report = engine.sync(adapter)

    assert (report.sales_recorded, report.sales_revised) == (0, 1)
    assert engine.balance(ledger_id(engine, nimal)) == 30


def test_a_watch_looks_up_its_own_claim_on_the_file_once(
    aronium: AroniumFixture, engine: Engine, adapter, monkeypatch
):
    nimal = aronium.customer("Nimal")
    aronium.sale(nimal)
    engine.sync(adapter)
    looked_up: list[str] = []
    cursor = engine.cursor
    monkeypatch.setattr(engine, "cursor", lambda name: looked_up.append(name) or cursor(name))

    aronium.sale(nimal)
    engine.sync(adapter)
    engine.sync(adapter)

    assert not [name for name in looked_up if name.startswith("pos-file/")]
