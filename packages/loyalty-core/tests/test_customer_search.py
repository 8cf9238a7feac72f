"""The customer search index stays in step with every write and finds exactly what a scan finds."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from loyalty.domain.demo import demo_customers
from loyalty.domain.pos import PosCustomer
from loyalty.engine import Engine
from loyalty.ledger import customer_search
from loyalty.ledger import customers as customer_rows
from loyalty.ledger.database import _alembic_config
from loyalty.ledger.database import create_database_engine
from loyalty.ledger.database import migrate


QUERIES = ("a", "A", "q", "ni", "Ni", "ra", "77", "+", "4", "7", "12", "Nimal", "nimal p",
           "PERERA", "era 2", "Ali", "Bo", "Bob Two", "555", "5550", "0001", "+9477", "%", "_",
           "50%", "a_b", '"', "zzz no such customer", "Ümit", "ümit", "ü", "é", "x")


def ids(found: list) -> list[int]:
    return [s.customer.id for s in found]


def scanned(engine: Engine, text: str, **page: int) -> list[int]:
    """What the search finds without the index: every customer read and checked."""
    with engine.db.connect() as conn:
        with conn.begin() as transaction:
            customer_search.drop_index(conn)
            found = ids(customer_rows.list_customers(conn, search=text, **page))
            transaction.rollback()
    return found


def assert_same_as_a_scan(engine: Engine, queries: tuple[str, ...] = QUERIES) -> None:
    for text in queries:
        assert ids(engine.customers(text)) == scanned(engine, text), text
        for page in ({"limit": 3}, {"limit": 2, "offset": 1}, {"limit": 5, "offset": 4}):
            assert ids(engine.customers(text, **page)) == scanned(engine, text, **page), \
                (text, page)


def index_in_use(engine: Engine) -> bool:
    with engine.db.connect() as conn:
        if conn.dialect.name == "sqlite":
            return customer_search.has_index(conn)
        return conn.exec_driver_sql(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() "
            "AND indexname IN ('customers_search_name', 'customers_search_phone')").scalar() == 2


def test_the_index_is_built_with_the_ledger(engine):
    assert index_in_use(engine)


def test_added_renamed_rephoned_and_removed_customers_are_found_as_a_scan_finds_them(engine):
    bob = engine.add_customer("Bob Two", phone="+15550001")
    ali = engine.add_customer("Ali Nimal Perera", phone=None)
    engine.add_customer("Ümit 50% a_b", phone='77"')
    engine.add_customer("Zed", phone="0001")
    assert ids(engine.customers("nimal p")) == [ali.id]
    assert ids(engine.customers("5550")) == [bob.id]
    assert_same_as_a_scan(engine)

    engine.update_customer(bob.id, name="Robert")
    assert ids(engine.customers("Bob")) == []
    assert ids(engine.customers("robe")) == [bob.id]
    engine.update_customer(ali.id, phone="+94 77 123")
    assert ids(engine.customers("77 1")) == [ali.id]
    engine.update_customer(bob.id, phone=None)
    assert ids(engine.customers("5550")) == []
    assert_same_as_a_scan(engine)

    engine.remove_customer(ali.id)
    assert ids(engine.customers("nimal")) == []
    assert_same_as_a_scan(engine)


def test_customers_a_pos_import_creates_and_updates_are_found(engine):
    engine.record([], customers=demo_customers(60), origin="demo")
    assert_same_as_a_scan(engine)
    renamed = [PosCustomer(external_id="3", name="Xavier Quill", phone="+1 999"),
               PosCustomer(external_id="61", name="Newcomer Alone", phone=None),
               PosCustomer(external_id="62", name="Second Newcomer", phone="+1 998")]
    engine.record([], customers=renamed, origin="demo")
    assert [s.customer.external_id for s in engine.customers("xavier")] == ["3"]
    assert "3" not in [s.customer.external_id for s in engine.customers("Bishnu Shrestha")]
    assert [s.customer.external_id for s in engine.customers("newcomer")] == ["61", "62"]
    assert_same_as_a_scan(engine, QUERIES + ("xa", "qu", "+1 9", "Newcomer"))


def test_a_number_finds_the_customer_by_id_and_by_pos_number(engine):
    engine.record([], customers=demo_customers(30), origin="demo")
    assert 7 in ids(engine.customers("7"))
    assert "27" in [s.customer.external_id for s in engine.customers("27")]
    assert_same_as_a_scan(engine, ("7", "27", "1", "30", "31"))


def test_short_searches_read_the_index_past_the_first_customers(engine, monkeypatch):
    monkeypatch.setattr(customer_rows, "SHORT_SEARCH_WINDOW", 5)
    engine.record([], customers=demo_customers(40), origin="demo")
    engine.add_customer("Quentin", phone="+44")
    assert_same_as_a_scan(engine, ("q", "Qu", "a", "ni", "44", "4", "x"))


def test_a_ledger_from_before_the_index_gets_it_with_its_customers(ledger_url):
    db = create_database_engine(ledger_url)
    with db.begin() as conn:
        command.upgrade(_alembic_config(conn), "0005")
        conn.execute(sa.text(
            "INSERT INTO customers (id, name, phone, platform, shop_id, created_at) "
            "VALUES (1, 'Old Timer', '+1 234', 'none', 'main', CURRENT_TIMESTAMP)"))
        conn.execute(sa.text("INSERT INTO balances (customer_id, points, lifetime_earned, stars) "
                             "VALUES (1, 0, 0, 0)"))
    migrate(db)
    with db.connect() as conn:
        assert ids(customer_rows.list_customers(conn, search="timer")) == [1]
        assert ids(customer_rows.list_customers(conn, search="t")) == [1]
        assert ids(customer_rows.list_customers(conn, search="1 2")) == [1]
    db.dispose()
