"""Ledger invariants under any sequence of sales, refunds, redemptions and adjustments, on a real
SQLite ledger: the balance equals the sum of the entries and of the open lots, never goes
negative, every lot agrees with its allocations, the rebuild finds nothing to correct, and
replaying every sale changes nothing."""

from __future__ import annotations

import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import attrs
import sqlalchemy as sa
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine
from hypothesis.stateful import initialize
from hypothesis.stateful import invariant
from hypothesis.stateful import precondition
from hypothesis.stateful import rule

from loyalty.domain.errors import InsufficientPoints
from loyalty.domain.rules.earning import share_returned
from loyalty.domain.rules.tiers import stars_for
from loyalty.domain.settings import EarningSettings
from loyalty.domain.settings import ExpirySettings
from loyalty.domain.settings import Settings
from loyalty.domain.settings import Tier
from loyalty.engine import Engine
from loyalty.ledger import schema
from loyalty.plugins.manager import Plugins
from loyalty.testing.plugin import FakeClock
from loyalty.testing.plugin import Till


SETTINGS = Settings(
    earning=EarningSettings(points_per_unit=Decimal(1), payment_threshold=Decimal(2)),
    tiers=(Tier(1, 50, 1), Tier(2, 200, 3), Tier(3, 600, 7)),
    expiry=ExpirySettings(mode="days", days=20),
)
CUSTOMERS = 3
PLUGINS = Plugins(load_installed=False)


def _template() -> Path:
    """A migrated ledger with the customers, copied for each example (migrating is slow)."""
    folder = Path(tempfile.mkdtemp(prefix="loyalty-invariants-"))
    path = folder / "template.db"
    with Engine(path, SETTINGS, plugins=PLUGINS, clock=FakeClock()) as engine:
        for n in range(CUSTOMERS):
            engine.add_customer(f"Customer {n + 1}")
    assert not path.with_name(path.name + "-wal").exists()  # closing checkpointed the WAL
    return path


TEMPLATE = _template()

EXAMPLES = hypothesis_settings.default.max_examples * 2 // 5
"""Each example builds a ledger, so these look at 40% of what the loaded profile (root
conftest.py) asks: 40 in CI, where the examples are the same on every run, more locally."""

customer_ids = st.integers(1, CUSTOMERS)
totals = st.integers(0, 40_000)


class LedgerMachine(RuleBasedStateMachine):
    @initialize()
    def open_ledger(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="loyalty-ledger-"))
        shutil.copy(TEMPLATE, self.folder / "ledger.db")
        self.clock = FakeClock()
        self.engine = Engine(self.folder / "ledger.db", SETTINGS, plugins=PLUGINS,
                             clock=self.clock)
        self.till = Till(self.engine)
        self.sales: dict[str, object] = {}  # document -> the latest version recorded
        # The model of what refunds and edits must leave: per document, the money refunded so
        # far, and the points paid for it as its latest refund or edit saw them.
        self.refunded: dict[str, int] = {}
        self.paid: dict[tuple[int, str], int] = {}
        self.paid_when_moved: dict[str, int] = {}

    def teardown(self) -> None:
        if hasattr(self, "engine"):
            self.engine.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    # ---- operations ---------------------------------------------------------------------------

    @rule(customer=customer_ids, total=totals)
    def sale(self, customer: int, total: int) -> None:
        before = self.engine.balance(customer)
        sale = self.till.sale(customer, total)
        outcome = self.engine.record_sale(sale)
        assert outcome.status == "recorded"
        assert self.engine.balance(customer) - before == outcome.points >= 0
        self.sales[sale.document_id] = sale

    @precondition(lambda self: self.sales)
    @rule(data=st.data(), total=totals)
    def edit_a_sale(self, data: st.DataObject, total: int) -> None:
        document = data.draw(st.sampled_from(sorted(self.sales)))
        old = self.sales[document]
        edited = attrs.evolve(old, total_minor=total, occurred_at=self.clock(), event_id="")
        before = self.engine.balance(old.customer_id)
        outcome = self.engine.record_sale(edited)
        assert outcome.status == ("duplicate" if total == old.total_minor else "revised")
        assert self.engine.balance(old.customer_id) - before == outcome.points
        self.sales[document] = edited
        self._moved(document, outcome)

    @precondition(lambda self: self.sales)
    @rule(data=st.data(), amount=st.integers(1, 40_000))
    def refund(self, data: st.DataObject, amount: int) -> None:
        document = data.draw(st.sampled_from(sorted(self.sales)))
        customer = self.sales[document].customer_id
        before = self.engine.balance(customer)
        outcome = self.engine.refund(self.till.refund(document, amount))
        assert outcome.status == "recorded"
        assert self.engine.balance(customer) - before == outcome.points
        self.refunded[document] = self.refunded.get(document, 0) + amount
        self._moved(document, outcome)

    @rule(customer=customer_ids, points=st.integers(1, 1_000),
          document=st.none() | st.sampled_from(["S1", "S2", "S3", "S4"]))
    def redeem(self, customer: int, points: int, document: str | None) -> None:
        balance = self.engine.balance(customer)
        try:
            event = self.engine.redeem(customer, points, document=document)
        except InsufficientPoints:
            assert points > balance
        else:
            assert event.balance == balance - points
            if document is not None:
                self.paid[customer, document] = self.paid.get((customer, document), 0) + points

    @rule(customer=customer_ids, points=st.integers(-500, 500).filter(bool))
    def adjust(self, customer: int, points: int) -> None:
        balance = self.engine.balance(customer)
        try:
            self.engine.adjust(customer, points, reason="stock-take correction")
        except InsufficientPoints:
            assert -points > balance

    @precondition(lambda self: self.sales)
    @rule(data=st.data())
    def batch_of_sales_edits_and_refunds(self, data: st.DataObject) -> None:
        self.engine.expire()  # what time alone takes away is not the batch's doing
        before = {c: self.engine.balance(c) for c in range(1, CUSTOMERS + 1)}
        facts = _draw_facts(data, self.till, self.sales, self.clock)
        outcomes = self.engine.record(facts)
        assert all(o.status in ("recorded", "revised", "duplicate") for o in outcomes)
        moved = dict.fromkeys(before, 0)
        for fact, outcome in zip(facts, outcomes):
            document = getattr(fact, "original_document_id", fact.document_id)
            moved[self.sales[document].customer_id] += outcome.points
            if outcome.status == "revised" or hasattr(fact, "original_document_id"):
                self.refunded[document] = self.refunded.get(document, 0) + getattr(
                    fact, "amount_minor", 0)
                self.paid_when_moved[document] = self._paid(document)
        assert {c: self.engine.balance(c) - before[c] for c in before} == moved

    @rule(days=st.integers(1, 40))
    def a_day_passes(self, days: int) -> None:
        self.clock.advance(days=days)

    @precondition(lambda self: self.sales)
    @rule()
    def replaying_every_sale_changes_nothing(self) -> None:
        self.engine.expire()  # what time alone takes away is not the replay's doing
        before = self._snapshot()
        outcomes = self.engine.record(list(self.sales.values()))
        assert {o.status for o in outcomes} == {"duplicate"}
        assert self._snapshot() == before

    @rule()
    def expiry_runs(self) -> None:
        before = {c: self.engine.balance(c) for c in range(1, CUSTOMERS + 1)}
        self.engine.expire()
        assert {c: self.engine.balance(c) for c in range(1, CUSTOMERS + 1)} == before  # already left out

    def _paid(self, document: str) -> int:
        return self.paid.get((self.sales[document].customer_id, document), 0)

    def _moved(self, document: str, outcome) -> None:
        """A refund or an edit brought the document's points to its refunded share: exactly,
        unless taking back restored points met an empty balance."""
        if outcome.status == "duplicate":
            return
        self.paid_when_moved[document] = self._paid(document)
        customer = self.sales[document].customer_id
        restored, target = self._restored_and_owed(document)
        assert restored == target or (restored > target and self.engine.balance(customer) == 0)

    def _restored_and_owed(self, document: str) -> tuple[int, int]:
        """Points given back for those paid for ``document``, and what its refunds owe."""
        sale = self.sales[document]
        e = schema.ledger_entries
        with self.engine.db.connect() as conn:
            restored = conn.execute(sa.select(sa.func.coalesce(sa.func.sum(e.c.points), 0)).where(
                e.c.customer_id == sale.customer_id, e.c.source_id == document,
                e.c.kind == "reverse_redeem")).scalar_one()
        owed = share_returned(self.paid_when_moved.get(document, 0), sale.total_minor,
                              self.refunded.get(document, 0))
        return restored, owed

    # ---- invariants ---------------------------------------------------------------------------

    @invariant()
    def every_sale_keeps_what_its_final_net_amount_would(self) -> None:
        """Each sale's lifetime points are what its latest total earns, less the refunded
        share; the points paid for it are given back in proportion to the money refunded."""
        if not hasattr(self, "engine"):
            return
        s, e = schema.sales, schema.ledger_entries
        with self.engine.db.connect() as conn:
            rows = {row.document_id: row for row in conn.execute(sa.select(s))}
            kept = dict(conn.execute(sa.select(e.c.sale_id, sa.func.sum(e.c.tier_points))
                                     .group_by(e.c.sale_id)).all())
        for document, sale in self.sales.items():
            row = rows[document]
            assert row.total_minor == sale.total_minor
            earned, refunded = row.points_earned, self.refunded.get(document, 0)
            assert kept.get(row.id, 0) == earned - share_returned(earned, sale.total_minor,
                                                                  refunded)
            restored, owed = self._restored_and_owed(document)
            assert restored >= owed


    def _snapshot(self) -> tuple:
        with self.engine.db.connect() as conn:
            return (
                conn.execute(sa.select(schema.balances).order_by("customer_id")).all(),
                conn.execute(sa.select(sa.func.count()).select_from(schema.ledger_entries))
                .scalar_one(),
            )

    @invariant()
    def balances_agree_with_entries_and_lots(self) -> None:
        if not hasattr(self, "engine"):
            return
        e, lots, b = schema.ledger_entries, schema.point_lots, schema.balances
        with self.engine.db.connect() as conn:
            sums = dict(conn.execute(sa.select(e.c.customer_id, sa.func.sum(e.c.points))
                                     .group_by(e.c.customer_id)).all())
            tier_sums = dict(conn.execute(sa.select(e.c.customer_id, sa.func.sum(e.c.tier_points))
                                          .group_by(e.c.customer_id)).all())
            open_lots = dict(conn.execute(
                sa.select(lots.c.customer_id, sa.func.sum(lots.c.remaining))
                .group_by(lots.c.customer_id)).all())
            for row in conn.execute(sa.select(b)):
                cid = row.customer_id
                assert row.points >= 0
                assert row.points == (sums.get(cid) or 0) == (open_lots.get(cid) or 0)
                assert row.lifetime_earned == max(0, tier_sums.get(cid) or 0)
                assert row.stars == stars_for(row.lifetime_earned, SETTINGS.tiers)

    @invariant()
    def every_lot_is_its_original_less_its_allocations(self) -> None:
        if not hasattr(self, "engine"):
            return
        lots, alloc = schema.point_lots, schema.lot_allocations
        used = (sa.select(alloc.c.lot_entry_id, sa.func.sum(alloc.c.points).label("used"))
                .group_by(alloc.c.lot_entry_id).subquery())
        with self.engine.db.connect() as conn:
            for lot in conn.execute(sa.select(lots, used.c.used)
                                    .outerjoin(used, used.c.lot_entry_id == lots.c.entry_id)):
                assert 0 <= lot.remaining == lot.original - (lot.used or 0)

    @invariant()
    def the_rebuild_corrects_nothing(self) -> None:
        if not hasattr(self, "engine"):
            return
        report = self.engine.rebuild_balances()
        assert (report.corrected, report.problems) == ([], [])


LedgerMachine.TestCase.settings = hypothesis_settings(
    max_examples=EXAMPLES, stateful_step_count=20, deadline=None,
)
test_ledger_invariants = LedgerMachine.TestCase


def _draw_facts(data: st.DataObject, till: Till, sales: dict, clock: FakeClock) -> list:
    """Up to 8 new sales, edits of recorded or new sales, and refunds of either, in any order."""
    facts = []
    for _ in range(data.draw(st.integers(1, 8))):
        action = data.draw(st.sampled_from(["sale", "edit", "refund"]) if sales else
                           st.just("sale"))
        if action == "sale":
            sale = till.sale(data.draw(customer_ids), data.draw(totals))
            sales[sale.document_id] = sale
            facts.append(sale)
            continue
        document = data.draw(st.sampled_from(sorted(sales)))
        if action == "edit":
            sales[document] = attrs.evolve(sales[document], total_minor=data.draw(totals),
                                           occurred_at=clock(), event_id="")
            facts.append(sales[document])
        else:
            facts.append(till.refund(document, data.draw(st.integers(1, 40_000))))
    return facts


def _ledger(engine: Engine) -> tuple:
    with engine.db.connect() as conn:
        e, lots = schema.ledger_entries, schema.point_lots
        return (
            conn.execute(sa.select(schema.balances).order_by("customer_id")).all(),
            conn.execute(sa.select(e.c.customer_id, e.c.kind, e.c.points, e.c.tier_points,
                                   e.c.idempotency_key).order_by(e.c.id)).all(),
            conn.execute(sa.select(lots.c.customer_id, lots.c.original, lots.c.remaining)
                         .order_by(lots.c.entry_id)).all(),
            conn.execute(sa.select(schema.sales.c.sale_key, schema.sales.c.total_minor,
                                   schema.sales.c.refunded_minor, schema.sales.c.points_earned,
                                   schema.sales.c.points_reversed, schema.sales.c.revision)
                         .order_by(schema.sales.c.id)).all(),
        )


@hypothesis_settings(max_examples=EXAMPLES, deadline=None)
@given(data=st.data())
def test_one_batch_records_what_its_facts_record_one_at_a_time(data: st.DataObject) -> None:
    """The unit of work (ids handed out before writing, debits allocated to lots still in the
    buffer, sale rows patched before their insert) changes how, never what, is written."""
    folder = Path(tempfile.mkdtemp(prefix="loyalty-batch-"))
    try:
        clock = FakeClock()
        ledgers = []
        for name in ("batch", "single"):
            shutil.copy(TEMPLATE, folder / f"{name}.db")
            ledgers.append(Engine(folder / f"{name}.db", SETTINGS, plugins=PLUGINS, clock=clock))
        batch, single = ledgers
        first = _draw_facts(data, Till(batch), {}, clock)
        redeemed = data.draw(st.integers(0, 50))
        customer = first[0].customer_id
        rest = _draw_facts(data, Till(batch, number=len(first)),
                           {f.document_id: f for f in first if hasattr(f, "customer_id")}, clock)
        for engine in ledgers:
            engine.record(first)
            if 0 < redeemed <= engine.balance(customer):
                engine.redeem(customer, redeemed, document=first[0].document_id, key="pay")
        batch.record(rest)
        for fact in rest:
            single.record([fact])
        assert _ledger(batch) == _ledger(single)
        for engine in ledgers:
            assert engine.rebuild_balances().corrected == []
            engine.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
