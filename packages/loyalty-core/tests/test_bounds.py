"""Bad input: one clear line, exit status 1 (2 for a usage error), and nothing changed.

Every probe of issue 14's "Bad input" is a test here, on every backend (``ledger_url`` is
parametrized); a property test feeds the command line and the settings file hostile values.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from loyalty.cli.app import main
from loyalty.domain.bounds import MAX_MONEY_MINOR
from loyalty.domain.bounds import MAX_POINTS
from loyalty.domain.bounds import OutOfBounds
from loyalty.domain.errors import LoyaltyError
from loyalty.domain.errors import SettingsError
from loyalty.domain.events import SaleRecorded
from loyalty.domain.events import SaleRefunded
from loyalty.domain.settings import load_settings
from loyalty.domain.settings import save_settings
from loyalty.engine import Engine
from loyalty.ledger import schema


BIG = "99999999999999999999"
LONG_NAME = "x" * 10_000


def dump(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every ledger table, in a stable order: equal dumps, unchanged ledger."""
    with engine.db.connect() as conn:
        return {table.name: sorted(map(tuple, conn.execute(sa.select(table))), key=repr)
                for table in schema.metadata.sorted_tables}


@attrs.frozen
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def shop(engine: Engine, tmp_path: Path) -> Callable[..., Run]:
    """Runs ``loyalty ARGS`` on a ledger with customer 1 and a sale INV-1 of 250."""
    settings_file = tmp_path / "settings.toml"
    save_settings(engine.settings, settings_file)
    url = engine.db.url.render_as_string(hide_password=False)

    def run(*args: str, settings: Path = settings_file) -> Run:
        import contextlib
        import io

        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--ledger", url, "--settings", str(settings), *args])
        return Run(code, out.getvalue(), err.getvalue())

    assert run("customer", "add", "Ann").code == 0
    assert run("sale", "1", "250", "--document", "INV-1").code == 0
    run.settings_file = settings_file  # type: ignore[attr-defined]
    return run


def assert_refused(result: Run, *words: str) -> None:
    """One clear line (after click's usage lines for exit 2), no traceback."""
    assert result.code in (1, 2), result
    assert "Traceback" not in result.err + result.out
    errors = [line for line in result.err.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.err
    if result.code == 1:
        assert result.err.strip().splitlines() == errors, result.err
    for word in words:
        assert word in errors[0], errors[0]


def assert_refused_and_unchanged(shop: Callable[..., Run], engine: Engine, args: list[str],
                                 *words: str) -> None:
    before = dump(engine)
    settings_before = shop.settings_file.read_bytes()  # type: ignore[attr-defined]
    assert_refused(shop(*args), *words)
    assert dump(engine) == before
    assert shop.settings_file.read_bytes() == settings_before  # type: ignore[attr-defined]


# ---- the command line ----------------------------------------------------------------------

@pytest.mark.parametrize(("args", "words"), [
    pytest.param(["sale", "1", "abc"], ["'abc' is not an amount"], id="sale-abc"),
    pytest.param(["sale", "1", ""], ["is not an amount"], id="sale-empty"),
    pytest.param(["pay", "1", "1e30"], ["more money than"], id="pay-1e30"),
    pytest.param(["refund", "INV-1", "0"], ["must be positive"], id="refund-zero"),
    pytest.param(["refund", "INV-1", "abc"], ["'abc' is not an amount"], id="refund-abc"),
    pytest.param(["sale", "1", "1e30"], ["more money than"], id="sale-1e30"),
    pytest.param(["sale", "1", "92233720368547758.07"], ["more money than"],
                 id="sale-beyond-bigint"),
    pytest.param(["pay", "1", "99999999999999999"], ["more money than"], id="pay-huge"),
    pytest.param(["refund", "INV-1", "1000"], ["left to refund"], id="refund-more-than-sale"),
    pytest.param(["report", "--csv", "/nonexistent/dir/x.csv"], ["Cannot write"],
                 id="report-csv-nowhere"),
])
def test_bad_amounts_are_refused(shop, engine, args, words) -> None:
    assert_refused_and_unchanged(shop, engine, args, *words)


@pytest.mark.parametrize("args", [
    pytest.param(["adjust", "1", "9223372036854775807", "--reason", "x"], id="adjust-max-int"),
    pytest.param(["adjust", "1", str(MAX_POINTS + 1), "--reason", "x"], id="adjust-past-bound"),
    pytest.param(["redeem", "1", BIG], id="redeem-huge"),
    pytest.param(["pay", "1", "10", "--points", BIG], id="pay-points-huge"),
])
def test_points_beyond_the_bound_are_refused(shop, engine, args) -> None:
    assert_refused_and_unchanged(shop, engine, args, "out of bounds")


@pytest.mark.parametrize(("args", "bad_id"), [
    pytest.param(["balance", BIG], BIG, id="balance"),
    pytest.param(["history", BIG], BIG, id="history"),
    pytest.param(["customer", "show", BIG], BIG, id="customer-show"),
    pytest.param(["sale", BIG, "10"], BIG, id="sale"),
    pytest.param(["customer", "set", BIG, "--name", "Bob"], BIG, id="customer-set"),
    pytest.param(["balance", "0"], "0", id="balance-zero"),
])
def test_ids_beyond_the_bound_are_unknown_customers(shop, engine, args, bad_id) -> None:
    assert_refused_and_unchanged(shop, engine, args, f"No customer with id {bad_id}.")


@pytest.mark.parametrize(("args", "words"), [
    pytest.param(["sale", "1", "5", "--document", ""], ["document number is empty"],
                 id="sale-empty-document"),
    pytest.param(["sale", "1", "5", "--document", "D" * 129], ["more than 128"],
                 id="sale-long-document"),
    pytest.param(["redeem", "1", "5", "--document", " "], ["document number is empty"],
                 id="redeem-empty-document"),
    pytest.param(["customer", "set", "1", "--name", ""], ["name is empty"],
                 id="customer-set-empty-name"),
    pytest.param(["customer", "add", LONG_NAME], ["more than 200"], id="customer-add-long-name"),
    pytest.param(["customer", "set", "1", "--name", LONG_NAME], ["more than 200"],
                 id="customer-set-long-name"),
])
def test_bad_texts_are_refused_alike_on_every_backend(shop, engine, args, words) -> None:
    assert_refused_and_unchanged(shop, engine, args, *words)


# ---- settings ------------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "value", "words"), [
    ("shop.locale", "zz_ZZ", ["shop.locale", "locale like"]),
    ("earning.points_per_unit", "1e308", ["earning.points_per_unit", "at most"]),
    ("redemption.points_per_unit", "1e-30", ["redemption.points_per_unit", "at least"]),
    ("campaigns.multipliers", '[{"id": "x", "factor": 1e400}]', ["factor"]),
    ("campaigns.multipliers", '[{"id": "x", "factor": 1000}]', ["factor", "at most"]),
    ("expiry.days", "1e10", ["expiry.days"]),
    ("campaigns.comeback.points", "9223372036854775807", ["comeback.points", "at most"]),
    ("draw.prize_points", "NaN", ["draw.prize_points"]),
])
def test_settings_that_would_break_later_commands_are_not_saved(shop, engine, key, value,
                                                                 words) -> None:
    assert_refused_and_unchanged(shop, engine, ["settings", "set", key, value], *words)
    assert shop("balance", "1").code == 0


@pytest.mark.parametrize(("name", "content", "words"), [
    ("latin1.toml", "[shop]\nname = 'Caf\xe9'\n".encode("latin-1"), ["not UTF-8"]),
    ("utf16.toml", "[shop]\nname = 'x'\n".encode("utf-16"), ["not UTF-8"]),
    ("deep.toml", b"a = " + b"[" * 5_000 + b"]" * 5_000 + b"\n", ["deep"]),
    ("deep.json", b"[" * 100_000 + b"]" * 100_000, ["deep"]),
    ("list.json", b"[1, 2, 3]", ["top level", "list"]),
    ("int-section.toml", b"shop = 5\n", ["shop", "must be a table"]),
    ("int-section.json", b'{"campaigns": {"multipliers": 3}}', ["campaigns.multipliers",
                                                               "list of tables"]),
])
def test_hostile_settings_files_are_one_line(shop, engine, tmp_path, name, content,
                                             words) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    before = dump(engine)
    result = shop("balance", "1", settings=path)
    assert_refused(result, *words)
    assert "not iterable" not in result.err
    assert path.read_bytes() == content
    assert dump(engine) == before


def test_the_settings_loader_refuses_what_it_cannot_use(tmp_path) -> None:
    path = tmp_path / "list.json"
    path.write_text("[]")
    with pytest.raises(SettingsError):
        load_settings(path)


# ---- the library and the POS adapters' contract --------------------------------------------

def test_events_refuse_amounts_beyond_the_bound(engine) -> None:
    common = dict(occurred_at=engine.clock(), source="pos", shop_id="main", till_id="t",
                  currency="USD")
    with pytest.raises(OutOfBounds):
        SaleRecorded(**common, document_id="A", total_minor=MAX_MONEY_MINOR + 1, customer_id=1)
    with pytest.raises(ValueError):
        SaleRefunded(**common, document_id="R", original_document_id="A",
                     amount_minor=10**30)


def test_engine_methods_refuse_values_beyond_the_bounds(engine) -> None:
    customer = engine.add_customer("Ann")
    before = dump(engine)
    for call in (
        lambda: engine.sale(customer.id, "1e30"),
        lambda: engine.adjust(customer.id, 2**63, reason="x"),
        lambda: engine.redeem(customer.id, 2**63),
        lambda: engine.pay(customer.id, 2**63),
        lambda: engine.balance(2**70),
        lambda: engine.history(2**70),
        lambda: engine.account(-1),
        lambda: engine.update_customer(customer.id, name=" "),
        lambda: engine.add_customer(LONG_NAME),
        lambda: engine.issue_coupon(customer.id, 2**63),
        lambda: engine.redeem(customer.id, 1, document=""),
        lambda: engine.update_settings(attrs.evolve(
            engine.settings, shop=attrs.evolve(engine.settings.shop, locale="zz_ZZ"))),
    ):
        with pytest.raises((LoyaltyError, ValueError)):
            call()
    assert dump(engine) == before


def test_a_balance_never_passes_the_bound(engine) -> None:
    customer = engine.add_customer("Ann")
    engine.adjust(customer.id, MAX_POINTS, reason="opening balance")
    before = dump(engine)
    with pytest.raises(OutOfBounds):
        engine.adjust(customer.id, 1, reason="one more")
    assert dump(engine) == before


def test_facts_out_of_bounds_are_skipped_with_their_reason_not_a_crash(engine) -> None:
    customer = engine.add_customer("Ann")
    common = dict(occurred_at=engine.clock(), source="pos", shop_id="main", till_id="t",
                  currency=engine.currency.code)
    huge = SaleRecorded(**common, document_id="H", total_minor=100, customer_id=customer.id)
    object.__setattr__(huge, "total_minor", 10**30)  # a plugin's event that skipped validation
    outcomes = engine.record([
        SaleRecorded(**common, document_id="ID", total_minor=100, customer_id=10**15),
        SaleRecorded(**common, document_id="", total_minor=100, customer_id=customer.id),
        huge,
        SaleRecorded(**common, document_id="OK", total_minor=1000, customer_id=customer.id),
    ])
    assert [o.status for o in outcomes] == ["skipped", "skipped", "skipped", "recorded"]
    assert all("out of bounds" in o.reason for o in outcomes[:3])
    assert engine.balance(customer.id) == 10


# ---- properties ----------------------------------------------------------------------------

HOSTILE = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["1e30", "1e308", "1e-30", "1e400", "-1e400", "NaN", "-0", "inf",
                     "9223372036854775807", "92233720368547758.07", "0x10", "١٢٣", " 5 ",
                     "1_000", "\x00", "﻿5", "5\n"]),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
TEMPLATES = [
    ["sale", "1", None], ["pay", "1", None], ["refund", "INV-1", None],
    ["adjust", "1", None, "--reason", "x"], ["redeem", "1", None], ["balance", None],
    ["customer", "set", "1", "--name", None], ["sale", "1", "5", "--document", None],
    ["settings", "set", "earning.points_per_unit", None],
    ["settings", "set", "redemption.points_per_unit", None],
    ["settings", "set", "shop.locale", None], ["settings", "set", "expiry.days", None],
    ["settings", "set", "draw.prize_points", None],
]
PROPERTY = hypothesis_settings(max_examples=25, deadline=None,
                               suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY
@given(template=st.sampled_from(TEMPLATES), value=HOSTILE)
def test_hostile_command_lines_succeed_or_change_nothing(shop, engine, template,
                                                         value) -> None:
    args = [value if part is None else part for part in template]
    before = dump(engine)
    settings_before = shop.settings_file.read_bytes()
    result = shop(*args)
    assert "Traceback" not in result.err + result.out
    if result.code != 0:
        assert_refused(result)
        assert dump(engine) == before
        assert shop.settings_file.read_bytes() == settings_before
    else:
        assert shop("balance", "1").code == 0  # whatever was accepted breaks nothing later


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                  max_size=3),
    max_leaves=10,
)
SETTINGS_FILES = st.one_of(
    st.binary(max_size=60).map(lambda b: ("settings.toml", b)),
    JSON_VALUES.map(lambda v: ("settings.json", json.dumps(v).encode())),
    st.dictionaries(st.sampled_from(["shop", "earning", "redemption", "expiry", "tiers",
                                     "campaigns", "draw"]), JSON_VALUES, max_size=3)
    .map(lambda d: ("settings.json", json.dumps(d).encode())),
)


@PROPERTY
@given(file=SETTINGS_FILES)
def test_hostile_settings_files_are_one_line_and_change_nothing(shop, engine, tmp_path,
                                                                file) -> None:
    name, content = file
    path = tmp_path / name
    path.write_bytes(content)
    before = dump(engine)
    result = shop("balance", "1", settings=path)
    assert "Traceback" not in result.err + result.out
    if result.code != 0:
        assert_refused(result)
    assert path.read_bytes() == content
    assert dump(engine) == before


def test_a_pos_customer_beyond_the_columns_is_kept_in_bounds_and_the_sync_goes_on(engine):
    from loyalty.domain.pos import PosCustomer

    long_name = "Nimal " * 60
    outcomes = engine.record([], customers=[
        PosCustomer("7", long_name, phone="9" * 80, messaging_key="k" * 300)], origin="aronium")
    assert outcomes == []
    [summary] = engine.customers(search="Nimal")
    assert len(summary.customer.name) == 200 and summary.customer.name.endswith("…")
    assert (summary.customer.phone, summary.customer.messaging_key) == (None, None)
