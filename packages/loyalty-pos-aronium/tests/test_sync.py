"""Syncing Aronium into the ledger: every sale once, whatever re-runs, crashes and edits happen."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from loyalty_pos_aronium.testing import AroniumFixture


def points_by_external_id(engine) -> dict[str, int]:  # noqa: ANN001
    return {v.customer.external_id: v.points for v in engine.accounts()}


def test_a_sync_awards_each_customer_sale_and_reports_what_it_did(aronium, engine, adapter):
    nimal = aronium.customer("Nimal", code="key-1")
    sunil = aronium.customer("Sunil")
    aronium.sale(nimal, [(3, 2)])  # 24.00
    aronium.sale(sunil, [(1, 1)])  # 3.50
    aronium.sale(None)
    aronium.document("100")

    report = engine.sync(adapter)

    assert (report.documents_read, report.sales_recorded, report.refunds_recorded) == (4, 2, 0)
    assert report.points_awarded == 24 + 3
    assert report.skipped_by_reason == {"no customer on the sale": 1,
                                        "Purchase (100) documents earn no points": 1}
    assert points_by_external_id(engine) == {str(nimal): 24, str(sunil): 3}  # never 'Unknown'



def test_a_second_sync_reads_nothing_new(aronium, engine, adapter):
    customer = aronium.customer("Nimal")
    aronium.sale(customer, [(3, 1)])
    engine.sync(adapter)

    again = engine.sync(adapter)

    assert (again.documents_read, again.customers_imported, again.batches) == (0, 0, 0)
    assert points_by_external_id(engine)[str(customer)] == 12


def test_a_crash_between_batches_loses_no_sale_and_awards_none_twice(
    aronium, engine, adapter, monkeypatch
):
    customers = [aronium.customer(f"Customer {i}") for i in range(4)]
    for i in range(10):
        aronium.sale(customers[i % 4], [(3, 1)])  # 12 points each
    record = engine.record
    calls = []

    def crash_on_third_batch(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("power cut")
        return record(*args, **kwargs)

    monkeypatch.setattr(engine, "record", crash_on_third_batch)
    with pytest.raises(RuntimeError, match="power cut"):
        engine.sync(adapter, batch_size=3)
    monkeypatch.setattr(engine, "record", record)

    engine.sync(adapter, batch_size=3)
    engine.sync(adapter, batch_size=3)

    points = points_by_external_id(engine)
    assert [points[str(c)] for c in customers] == [36, 36, 24, 24]


def test_an_edited_document_revises_its_points(aronium, engine, adapter):
    customer = aronium.customer("Nimal")
    sale = aronium.sale(customer, [(3, 2)])  # 24.00
    engine.sync(adapter)

    aronium.edit_document(sale, total="30.00")
    report = engine.sync(adapter)

    assert (report.documents_read, report.sales_revised, report.points_awarded) == (1, 1, 6)
    assert points_by_external_id(engine)[str(customer)] == 30

    aronium.edit_document(sale, total="10.00")
    engine.sync(adapter)
    assert points_by_external_id(engine)[str(customer)] == 10
    assert engine.sync(adapter).documents_read == 0


def test_a_refund_in_aronium_takes_back_what_its_sale_earned(aronium, engine, adapter):
    customer = aronium.customer("Nimal")
    sale = aronium.sale(customer, [(3, 2)])  # 24.00 -> 24 points
    engine.sync(adapter)

    aronium.refund(sale, [(3, 1)])  # 12.00 back
    report = engine.sync(adapter)

    assert (report.refunds_recorded, report.points_reversed) == (1, 12)
    assert points_by_external_id(engine)[str(customer)] == 12


def test_a_refund_of_a_sale_that_earned_nothing_is_skipped_with_the_reason(
    aronium, engine, adapter
):
    anonymous = aronium.sale(None)
    refund = aronium.refund(anonymous)

    report = engine.sync(adapter)

    [reason] = [s.reason for s in report.skipped if s.document_id == refund]
    assert anonymous in reason and "earned no points" in reason


def test_a_code_changed_in_aronium_reaches_the_ledger(aronium, engine, adapter):
    customer = aronium.customer("Nimal", code="old-key")
    engine.sync(adapter)

    aronium.edit_customer(customer, Code="new-key", PhoneNumber="+94770000000")
    engine.sync(adapter)

    [view] = [v for v in engine.accounts() if v.customer.external_id == str(customer)]
    assert (view.customer.messaging_key, view.customer.phone) == ("new-key", "+94770000000")


def test_a_sale_still_inside_aronium_s_transaction_is_read_once_it_commits(
    aronium, engine, adapter
):
    customer = aronium.customer("Nimal")
    till = sqlite3.connect(aronium.path, isolation_level=None)
    till.execute("BEGIN IMMEDIATE")
    till.execute(
        "INSERT INTO Document (Number, UserId, CustomerId, Date, StockDate, Total, IsClockedOut, "
        "DocumentTypeId, WarehouseId, DateCreated, DateUpdated, Discount, DiscountType, "
        "PaidStatus, DiscountApplyRule, ServiceType) VALUES ('26-200-000099', 1, ?, "
        "'2026-01-05 00:00:00', '2026-01-05 10:00:00', 5, 0, 2, 1, '2026-01-05 10:00:00', "
        "'2026-01-05 10:00:00', 0, 0, 2, 0, 1)", (customer,),
    )

    first = engine.sync(adapter)
    till.execute("COMMIT")
    second = engine.sync(adapter)

    assert (first.sales_recorded, second.sales_recorded) == (0, 1)
    assert points_by_external_id(engine)[str(customer)] == 5
    till.close()


def test_watch_awards_a_new_sale_within_two_seconds(aronium, engine, adapter):
    customer = aronium.customer("Nimal")
    engine.sync(adapter)
    stop = threading.Event()
    watcher = threading.Thread(
        target=engine.watch, args=(adapter,), kwargs={"interval": 0.2, "stop_event": stop},
        daemon=True,
    )
    watcher.start()
    try:
        aronium.sale(customer, [(3, 1)])
        sold_at = time.monotonic()
        while points_by_external_id(engine)[str(customer)] != 12:
            assert time.monotonic() - sold_at < 2.0, "no points 2 s after the sale"
            time.sleep(0.05)
    finally:
        stop.set()
        watcher.join(timeout=5)
    assert not watcher.is_alive()


def test_a_second_adapter_on_a_fresh_ledger_reads_everything_again(aronium, engine, adapter,
                                                                   tmp_path):
    """The cursor lives in the ledger, not in the adapter: a new ledger starts from zero."""
    from loyalty.engine import Engine

    customer = aronium.customer("Nimal")
    aronium.sale(customer, [(3, 1)])
    engine.sync(adapter)

    with Engine(tmp_path / "other-ledger.db", engine.settings) as other:
        report = other.sync(adapter)

    assert report.sales_recorded == 1


def test_the_fixture_can_be_reopened_to_write_more_sales(aronium):
    customer = aronium.customer("Nimal")
    aronium.sale(customer)
    reopened = AroniumFixture.attach(aronium.path)

    assert reopened.sale(customer) == "26-200-000002"
    reopened.close()
