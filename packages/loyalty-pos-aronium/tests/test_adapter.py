"""Reading Aronium's documents and customers into POS facts."""

from __future__ import annotations

import hashlib
from datetime import datetime
from datetime import timezone
from decimal import Decimal

import pytest

from loyalty.domain.events import SaleRecorded
from loyalty.domain.events import SaleRefunded
from loyalty_pos_aronium.adapter import AroniumAdapter
from loyalty_pos_aronium.cursor import Cursor
from loyalty_pos_aronium.testing import read_all


def facts(batches) -> list:  # noqa: ANN001
    return [event for batch in batches for event in batch.events]


def skipped(batches) -> dict[str, str]:  # noqa: ANN001
    return {s.document_id: s.reason for batch in batches for s in batch.skipped}


def test_a_sale_becomes_a_sale_recorded_numbered_as_aronium_numbers_it(aronium, adapter):
    nimal = aronium.customer("Nimal Perera", code="whatsapp-key-1", phone="+94771234567")
    number = aronium.sale(nimal, [(1, 2), (3, 1)])  # 2 x 3.50 + 12.00

    [sale] = facts(read_all(adapter))

    assert isinstance(sale, SaleRecorded)
    assert sale.document_id == number == "26-200-000001"
    assert (sale.source, sale.shop_id, sale.till_id) == ("aronium", "main", "till-7")
    assert sale.total_minor == 1900
    assert sale.currency == "USD"
    assert sale.external_customer_id == str(nimal)
    # Aronium wrote 09:01:01 Colombo time (UTC+05:30); events carry UTC.
    assert sale.occurred_at == datetime(2026, 1, 5, 3, 31, 1, tzinfo=timezone.utc)


def test_customers_come_with_their_code_as_messaging_key_and_suppliers_stay_out(aronium, adapter):
    with_code = aronium.customer("Nimal", code="  apikey-123 ", phone="+94771234567")
    without_code = aronium.customer("Sunil")
    aronium.customer("Tea Wholesale Ltd", code="SUP-1", is_customer=False)

    customers = {c.external_id: c for b in read_all(adapter) for c in b.customers}

    assert customers[str(with_code)].messaging_key == "apikey-123"
    assert customers[str(with_code)].phone == "+94771234567"
    assert customers[str(without_code)].messaging_key is None
    assert {c.name for c in customers.values()} == {"Nimal", "Sunil"}  # 'Unknown' is the walk-in


def test_documents_that_earn_nothing_are_skipped_with_the_reason(aronium, adapter):
    supplier = aronium.customer("Tea Wholesale Ltd", is_customer=False)
    anonymous = aronium.sale(None)
    purchase = aronium.document("100", [(1, 10)], customer_id=supplier)
    proforma = aronium.document("230", customer_id=aronium.customer("Quote Q"))
    stock_count = aronium.document("300")
    supplier_sale = aronium.sale(supplier)
    orphan_refund = aronium.refund(None)

    batches = read_all(adapter)

    assert facts(batches) == []
    assert skipped(batches) == {
        anonymous: "no customer on the sale",
        purchase: "Purchase (100) documents earn no points",
        proforma: "Proforma (230) documents earn no points",
        stock_count: "Inventory Count (300) documents earn no points",
        supplier_sale: "the sale's customer is not in Aronium's customer list",
        orphan_refund: "the refund names no original sale",
    }


def test_a_refund_names_the_sale_it_refunds_by_its_number(aronium, adapter):
    customer = aronium.customer("Nimal")
    sale = aronium.sale(customer, [(2, 2)])
    refund = aronium.refund(sale, [(2, 1)])

    [_, recorded_refund] = facts(read_all(adapter))

    assert isinstance(recorded_refund, SaleRefunded)
    assert recorded_refund.document_id == refund == "26-220-000001"
    assert recorded_refund.original_document_id == sale
    assert recorded_refund.amount_minor == 725


def test_lines_carry_product_group_and_the_total_after_document_discount(aronium, engine):
    customer = aronium.customer("Nimal")
    aronium.sale(customer, [(1, 2), (5, "1.5")])
    adapter = AroniumAdapter(aronium.path, with_lines=True)

    [sale] = facts(read_all(adapter))

    assert [(l.product_id, l.category_id, l.quantity, l.total_minor, l.product_name)
            for l in sale.lines] == [("1", "1", Decimal(2), 700, "Tea 100g"),
                                     ("5", "3", Decimal("1.5"), 165, "Soap")]
    adapter.close()


def test_amounts_stored_as_binary_fractions_become_exact_minor_units(aronium, adapter):
    customer = aronium.customer("Nimal")
    number = aronium.sale(customer)
    aronium.connection.execute("UPDATE Document SET Total = 0.1 + 0.2 WHERE Number = ?", (number,))

    [sale] = facts(read_all(adapter))

    assert sale.total_minor == 30


def test_a_total_too_big_for_any_till_is_skipped_and_reading_goes_on(aronium, adapter):
    customer = aronium.customer("Nimal")
    huge = aronium.sale(customer)
    aronium.connection.execute("UPDATE Document SET Total = 1e300 WHERE Number = ?", (huge,))
    normal = aronium.sale(customer, [(1, 2)])

    batches = read_all(adapter)

    skipped = {s.document_id: s.reason for b in batches for s in b.skipped}
    assert skipped[huge] == "its Total is not a usable amount"
    assert [f.document_id for f in facts(batches)] == [normal]


def test_small_batches_read_every_document_exactly_once(aronium, adapter):
    customers = [aronium.customer(f"Customer {i}") for i in range(6)]  # 2 full batches
    numbers = [aronium.sale(customers[i % 5], [(1, i + 1)]) for i in range(13)]

    batches = read_all(adapter, limit=3)

    assert [f.document_id for f in facts(batches)] == numbers
    assert all(b.documents_read + len(b.customers) <= 3 for b in batches)


def test_syncing_never_modifies_the_aronium_file(aronium, engine, adapter):
    customer = aronium.customer("Nimal", code="key")
    sale = aronium.sale(customer, [(3, 2)])
    aronium.refund(sale, [(3, 1)])
    aronium.edit_document(sale, total="30")
    before = (hashlib.sha256(aronium.path.read_bytes()).hexdigest(), aronium.path.stat().st_mtime_ns)
    files_before = sorted(p.name for p in aronium.path.parent.iterdir())

    engine.sync(adapter)
    engine.sync(adapter)

    after = (hashlib.sha256(aronium.path.read_bytes()).hexdigest(), aronium.path.stat().st_mtime_ns)
    assert after == before
    # no journal or WAL file was left next to it either
    assert sorted(p.name for p in aronium.path.parent.iterdir()) == files_before


def test_lines_stay_with_their_documents_across_small_batches(aronium, engine):
    customer = aronium.customer("Nimal")
    baskets = [[(1, 1)], [(2, 2), (3, 1)], [(4, 3), (5, 1), (1, 2)], [(3, 4)]]
    aronium.document("100", [(1, 50)])  # a purchase's items sit between the sales'
    for basket in baskets:
        aronium.sale(customer, basket)
    adapter = AroniumAdapter(aronium.path, with_lines=True)

    sales = facts(read_all(adapter, limit=2))

    assert [[(int(l.product_id), int(l.quantity)) for l in s.lines] for s in sales] == baskets
    adapter.close()


def test_edits_are_looked_for_on_the_first_read_and_then_every_interval(aronium, engine):
    customer = aronium.customer("Nimal")
    sale = aronium.sale(customer, [(3, 1)])
    now = [0.0]
    adapter = AroniumAdapter(aronium.path, edit_scan_interval=30, monotonic=lambda: now[0])
    engine.sync(adapter)

    aronium.edit_document(sale, total="20")
    now[0] = 29.0
    assert engine.sync(adapter).sales_revised == 0
    aronium.sale(customer, [(1, 1)])
    assert engine.sync(adapter).sales_recorded == 1  # new sales never wait for a scan
    now[0] = 30.5
    assert engine.sync(adapter).sales_revised == 1
    adapter.close()


def traced(adapter: AroniumAdapter) -> list[str]:
    """The statements the adapter runs from now on."""
    statements: list[str] = []
    adapter.connection.set_trace_callback(statements.append)
    return statements


def edit_scans(statements: list[str]) -> int:
    """How many of them were edit-scan queries (each reads every row of its table)."""
    return sum("DateUpdated >" in s for s in statements)


def test_a_newly_opened_adapter_scans_for_edits_only_when_the_file_changed(aronium, engine):
    customer = aronium.customer("Nimal")
    sale = aronium.sale(customer, [(3, 1)])
    first = AroniumAdapter(aronium.path)
    engine.sync(first)
    first.close()

    unchanged = AroniumAdapter(aronium.path)
    statements = traced(unchanged)
    report = engine.sync(unchanged)
    unchanged.close()
    assert (edit_scans(statements), report.documents_read) == (0, 0)

    aronium.edit_document(sale, total="20")
    edited = AroniumAdapter(aronium.path)
    statements = traced(edited)
    assert engine.sync(edited).sales_revised == 1
    assert edit_scans(statements) == 2  # customers, then documents
    edited.close()


def test_a_walk_in_placeholder_customer_earns_nothing_and_is_not_imported(aronium, engine):
    from loyalty.domain.settings import settings_from_dict
    from loyalty_pos_aronium import open_adapter

    nimal = aronium.customer("Nimal")
    walk_in = aronium.sale(1)  # Aronium's customer 1, 'Unknown'
    aronium.sale(nimal)
    settings = settings_from_dict({"pos": {"adapter": "aronium", "database": str(aronium.path)},
                                   "plugins": {"aronium": {"walk_in_customer": 1}}})
    adapter = open_adapter(settings)

    batches = read_all(adapter)

    assert [c.name for b in batches for c in b.customers] == ["Nimal"]
    assert [f.external_customer_id for f in facts(batches)] == [str(nimal)]
    assert skipped(batches) == {walk_in: "no customer on the sale"}
    adapter.close()


def lines_of(sale: SaleRecorded) -> list[tuple[int, int]]:
    return [(int(line.product_id), int(line.quantity)) for line in sale.lines]


def test_a_revised_sale_keeps_its_lines_and_anonymous_sales_between_cost_nothing(aronium, engine):
    customer = aronium.customer("Nimal")
    sale = aronium.sale(customer, [(1, 2), (3, 1)])
    aronium.sale(None, [(2, 1)])
    later = aronium.sale(customer, [(4, 3)])
    adapter = AroniumAdapter(aronium.path, with_lines=True, edit_scan_interval=0)
    batches = read_all(adapter, limit=2)
    assert [(s.document_id, lines_of(s)) for s in facts(batches)] == [
        (sale, [(1, 2), (3, 1)]), (later, [(4, 3)])]

    aronium.edit_document(sale, total="20")
    [revised] = facts(read_all(adapter, cursor=batches[-1].cursor))

    assert (revised.document_id, revised.total_minor, lines_of(revised)) == (
        sale, 2000, [(1, 2), (3, 1)])
    adapter.close()


def test_an_item_added_later_to_a_document_already_read_is_passed_over(aronium, engine):
    customer = aronium.customer("Nimal")
    aronium.sale(customer, [(1, 1)])
    aronium.sale(customer, [(2, 1)])
    aronium.connection.execute(
        "INSERT INTO DocumentItem (DocumentId, ProductId, Quantity, ExpectedQuantity, "
        "PriceBeforeTax, Price, Discount, DiscountType, ProductCost, PriceBeforeTaxAfterDiscount, "
        "PriceAfterDiscount, Total, TotalAfterDocumentDiscount, DiscountApplyRule) "
        "VALUES (1, 5, 1, 1, 1.1, 1.1, 0, 0, 0, 1.1, 1.1, 1.1, 1.1, 0)")
    aronium.sale(customer, [(3, 1)])
    adapter = AroniumAdapter(aronium.path, with_lines=True)

    batches = read_all(adapter, limit=1)

    assert [lines_of(s) for s in facts(batches)] == [[(1, 1)], [(2, 1)], [(3, 1)]]
    assert Cursor.load(batches[-1].cursor).item == 4
    adapter.close()


def test_minor_units_cannot_be_negative(aronium):
    with pytest.raises(ValueError, match="minor_units"):
        AroniumAdapter(aronium.path, minor_units=-1)


def test_a_batch_never_holds_more_rows_than_its_limit(aronium):
    customers = [aronium.customer(name) for name in ("Nimal", "Sunil", "Kamala")]
    for customer in customers:
        aronium.sale(customer)
        aronium.sale(customer)
    adapter = AroniumAdapter(aronium.path, read_ahead=False)

    batches = read_all(adapter, limit=4)

    sizes = [len(b.customers) + b.documents_read for b in batches]
    assert sizes == [4, 4, 1, 0]  # 3 customers and 1 sale, then sales
    assert [len(b.customers) for b in batches[:2]] == [3, 0]
    assert len(facts(batches)) == 6
    adapter.close()


def test_the_cursor_remembers_a_bounded_number_of_recent_sales(aronium):
    from loyalty_pos_aronium.cursor import RECENT_KEPT
    from loyalty_pos_aronium.cursor import Seen

    cursor = Cursor().seen([Seen(i, f"26-200-{i:06d}", f"26-200-{i:06d}")
                            for i in range(RECENT_KEPT + 5)])

    assert len(cursor.recent) == RECENT_KEPT
    assert cursor.recent[0].id == 5
    assert Cursor.load(cursor.dump()) == cursor
    keyed = Cursor().seen([Seen(1, "200-000001", "200-000001@2025")])
    assert Cursor.load(keyed.dump()) == keyed
