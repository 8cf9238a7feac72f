"""The engine: the one object the command line, a frontend or a Python program talks to.

Each call that changes points runs the rules, writes the ledger in one transaction and, after
the commit, publishes the resulting events (blinker ``event_published``, then the
``loyalty_events_committed`` hook). Nothing is published for a transaction that rolled back.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from datetime import date
from datetime import datetime
from datetime import timezone
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

import attrs
import sqlalchemy as sa

from loyalty.services import expiry as expiry_job
from loyalty import signals
from loyalty.services.campaigns import SaleCampaigns
from loyalty.domain.errors import InsufficientPoints
from loyalty.domain.errors import LoyaltyError
from loyalty.domain.errors import UnknownPlugin
from loyalty.domain.events import EarnReversed
from loyalty.domain.events import Event
from loyalty.domain.events import PointsAdjusted
from loyalty.domain.events import PointsEarned
from loyalty.domain.events import PointsRedeemed
from loyalty.domain.events import RedemptionReversed
from loyalty.domain.events import SaleRecorded
from loyalty.domain.events import SaleRefunded
from loyalty.domain.events import TierRaised
from loyalty.ledger import repository as repo
from loyalty.ledger import schema
from loyalty.ledger.bulk import rows_matching
from loyalty.ledger.database import create_database_engine
from loyalty.ledger.database import migrate
from loyalty.ledger.database import retry_transient
from loyalty.ledger.database import translate_errors
from loyalty.ledger.posting import Account as PostingAccount
from loyalty.ledger.posting import Posting
from loyalty.domain.records import Customer
from loyalty.domain.records import CustomerSummary
from loyalty.domain.records import Entry
from loyalty.domain.records import PointsSummary
from loyalty.domain.records import PosOrigin
from loyalty.domain.records import RebuildReport
from loyalty.domain.records import Sale
from loyalty.domain.money import Currency
from loyalty.domain.money import format_money
from loyalty.notifications.messages import queue_for_events
from loyalty.plugins.manager import Plugins
from loyalty.domain.pos import PosCustomer
from loyalty.domain.rules import earning
from loyalty.domain.rules import redemption
from loyalty.domain.rules import tiers as tier_rules
from loyalty.domain.rules.lots import expiry_date
from loyalty.domain.settings import Settings
from loyalty.domain.settings import save_settings


log = logging.getLogger(__name__)

T = TypeVar("T")
POS_CUSTOMERS_KEPT = 1_000_000
"""POS customer ids an engine remembers (a few hundred bytes each) before it starts again."""
Clock = Callable[[], datetime]
TransactionHook = Callable[[sa.Connection, list[Event]], None]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@attrs.frozen
class Outcome:
    """What the engine did with one fact from a POS."""

    fact: SaleRecorded | SaleRefunded
    status: str
    """``recorded``, ``revised`` (an edited document), ``duplicate`` or ``skipped``."""
    events: tuple[Event, ...] = ()
    reason: str = ""
    points: int = 0
    """Net change of the customer's balance."""


@attrs.frozen
class AccountView:
    """A customer's standing, as the 'All Customers' table and the Pay dialog show it."""

    customer: Customer
    points: int
    value_minor: int
    value_text: str
    stars: int
    max_stars: int
    lifetime_earned: int
    next_stars: int | None
    points_to_next: int | None

    @property
    def rating(self) -> str:
        return tier_rules.render_stars(self.stars, self.max_stars)


@attrs.frozen
class Payment:
    plan: redemption.PointsPayment
    event: PointsRedeemed


class Engine:
    """Open with a ledger URL or path; settings default to the shop defaults."""

    def __init__(
        self,
        ledger: str | Path,
        settings: Settings | None = None,
        *,
        settings_path: Path | None = None,
        plugins: Plugins | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.plugins = plugins if plugins is not None else Plugins()
        self.clock = clock
        self._pos_customers: dict[tuple[PosOrigin, str], int] = {}
        """Ledger ids of POS customers, as committed: a POS customer keeps their ledger id
        for ever, so each is looked up once per engine, not once per batch of a sync."""
        self.settings_path = settings_path
        self._transaction_hooks: list[TransactionHook] = []
        # Messages to customers commit or roll back with the points that cause them.
        self.add_transaction_hook(lambda conn, events: queue_for_events(conn, self, events))
        self._apply_settings(settings or Settings())
        self.db = create_database_engine(ledger)
        with translate_errors(self.db):
            migrate(self.db)

    def close(self) -> None:
        self.db.dispose()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- settings ---------------------------------------------------------------------------

    def _apply_settings(self, settings: Settings) -> None:
        self.currency: Currency = self.plugins.currency(settings.shop.currency)
        self._zone = ZoneInfo(settings.shop.timezone) if settings.shop.timezone else None
        self._max_stars = tier_rules.max_stars(settings.tiers)
        self.settings = settings

    def update_settings(self, settings: Settings) -> None:
        """Replace the settings (validated against the installed plugins) and save them."""
        self._apply_settings(settings)
        if self.settings_path is not None:
            save_settings(settings, self.settings_path)
        signals.settings_changed.send(self, settings=settings, engine=self)

    def business_date(self, moment: datetime) -> date:
        """The shop's local date of a UTC moment: what 'today' means for expiry and reports."""
        return moment.astimezone(self._zone).date()

    def add_transaction_hook(self, hook: TransactionHook) -> None:
        """Run ``hook(connection, events)`` inside every ledger transaction, before it commits.

        For work that must commit or roll back with the points, such as queuing messages.
        """
        self._transaction_hooks.append(hook)

    # ---- money and rating -------------------------------------------------------------------

    def value_of(self, points: int) -> int:
        return redemption.value_of(points, self.settings.redemption, self.currency)

    def format_money(self, minor: int) -> str:
        return format_money(minor, self.currency, self.settings.shop.locale)

    @property
    def max_stars(self) -> int:
        return self._max_stars

    # ---- transactions -----------------------------------------------------------------------

    def _write(self, work: Callable[[sa.Connection, Posting, list[Event]], T]) -> T:
        with translate_errors(self.db):
            for attempt in retry_transient():  # PostgreSQL: a deadlock victim runs again
                with attempt:
                    events: list[Event] = []
                    with self.db.begin() as connection:
                        posting = Posting(connection, recorded_at=self.clock())
                        expiry_job.expire_when_loaded(self, posting, events)
                        result = work(connection, posting, events)
                        posting.finish()
                        for hook in self._transaction_hooks:
                            hook(connection, events)
        self._publish(events)
        return result

    def _read(self, work: Callable[[sa.Connection], T]) -> T:
        with translate_errors(self.db), self.db.connect() as connection:
            connection = connection.execution_options(readonly=True)
            with connection.begin():
                return work(connection)

    def _publish(self, events: list[Event]) -> None:
        for event in events:
            try:
                signals.event_published.send(type(event), event=event, engine=self)
            except Exception:
                log.exception("a receiver of %s failed", type(event).__name__)
        if events:
            self.plugins.events_committed(self, events)

    # ---- customers --------------------------------------------------------------------------

    def add_customer(
        self,
        name: str,
        *,
        phone: str | None = None,
        platform: str = "none",
        messaging_key: str | None = None,
    ) -> Customer:
        name = name.strip()
        if not name:
            raise LoyaltyError("A customer needs a name.", hint="Give the customer's name.")
        self._check_platform(platform)

        def work(conn: sa.Connection, _: Posting, __: list[Event]) -> Customer:
            return repo.add_customer(
                conn, created_at=self.clock(), name=name, phone=phone, platform=platform,
                messaging_key=messaging_key, shop_id=self.settings.shop.id,
            )

        customer = self._write(work)
        signals.customers_changed.send(self, customer_ids=[customer.id], engine=self)
        return customer

    def customer(self, customer_id: int) -> Customer:
        return self._read(lambda conn: repo.get_customer(conn, customer_id))

    def customers(
        self, search: str | None = None, *, limit: int | None = None, offset: int = 0
    ) -> list[CustomerSummary]:
        return self._read(
            lambda conn: repo.list_customers(conn, search=search, limit=limit, offset=offset)
        )

    def update_customer(self, customer_id: int, **values: object) -> Customer:
        """Change name, phone, platform or messaging key."""
        allowed = {"name", "phone", "platform", "messaging_key"}
        unknown = set(values) - allowed
        if unknown:
            raise LoyaltyError(
                f"Cannot change {', '.join(sorted(unknown))} of a customer.",
                hint=f"Change one of {', '.join(sorted(allowed))}.",
            )
        if "platform" in values:
            self._check_platform(str(values["platform"]))
        customer = self._write(
            lambda conn, _, __: repo.update_customer(conn, customer_id, **values)
        )
        signals.customers_changed.send(self, customer_ids=[customer_id], engine=self)
        return customer

    def remove_customer(self, customer_id: int) -> Customer:
        """Hide a customer from lists; their points log stays in the ledger."""
        customer = self._write(
            lambda conn, _, __: repo.update_customer(conn, customer_id, removed_at=self.clock())
        )
        signals.customers_changed.send(self, customer_ids=[customer_id], engine=self)
        return customer

    def platforms(self) -> dict[str, str]:
        """Platform names a customer can have, with their titles: ``none`` and every channel."""
        return {"none": "None", **{n: c.title for n, c in sorted(self.plugins.channels().items())}}

    def _check_platform(self, platform: str) -> None:
        known = self.platforms()
        if platform not in known:
            raise UnknownPlugin(
                f"No notification channel named {platform!r} is installed.",
                hint=f"Choose one of {', '.join(known)}.",
            )

    # ---- balances ---------------------------------------------------------------------------

    def account(self, customer_id: int) -> AccountView:
        def work(conn: sa.Connection) -> AccountView:
            customer = repo.get_customer(conn, customer_id)
            return self._views(conn, [(customer, repo.get_balance(conn, customer_id))])[0]

        return self._read(work)

    def balance(self, customer_id: int) -> int:
        """Points the customer can spend now.

        Points past their last day are left out even before ``loyalty expire`` posts them,
        so the balance shown is never more than a redemption would allow.
        """

        def work(conn: sa.Connection) -> int:
            points = repo.get_balance(conn, customer_id).points
            today = self.business_date(self.clock())
            return points - repo.lapsed_points(conn, [customer_id], today=today).get(
                customer_id, 0)

        return self._read(work)

    def _views(
        self, conn: sa.Connection, rows: list[tuple[Customer, repo.Balance]]
    ) -> list[AccountView]:
        lapsed = repo.lapsed_points(conn, [customer.id for customer, _ in rows],
                                    today=self.business_date(self.clock()))
        return [self._view(customer, balance, lapsed.get(customer.id, 0))
                for customer, balance in rows]

    def _view(self, customer: Customer, balance: repo.Balance, lapsed: int) -> AccountView:
        points = balance.points - lapsed
        value = self.value_of(points)
        upcoming = tier_rules.next_tier(balance.lifetime_earned, self.settings.tiers)
        return AccountView(
            customer=customer, points=points, value_minor=value,
            value_text=self.format_money(value), stars=balance.stars, max_stars=self.max_stars,
            lifetime_earned=balance.lifetime_earned,
            next_stars=upcoming[0].stars if upcoming else None,
            points_to_next=upcoming[1] if upcoming else None,
        )

    def accounts(
        self, search: str | None = None, *, limit: int | None = None, offset: int = 0
    ) -> list[AccountView]:
        """Customers with points, value and rating: the rows of 'All Customers'."""

        def work(conn: sa.Connection) -> list[AccountView]:
            found = repo.list_customers(conn, search=search, limit=limit, offset=offset)
            return self._views(conn, [(s.customer, s.balance) for s in found])

        return self._read(work)

    def history(self, customer_id: int, *, limit: int | None = None) -> list[Entry]:
        return self._read(lambda conn: repo.history(conn, customer_id, limit=limit))

    def points_summary(self, shop: str | None = None) -> list[PointsSummary]:
        """Points issued, redeemed and outstanding per shop of a chain (or of one ``shop``)."""
        return self._read(lambda conn: repo.points_summary(conn, shop_id=shop))

    def rebuild_balances(self) -> RebuildReport:
        """Recompute every cached balance from the ledger entries."""
        return self._write(
            lambda conn, _, __: repo.rebuild_balances(conn, self.settings.tiers)
        )

    # ---- facts from the POS -----------------------------------------------------------------

    def record_sale(self, sale: SaleRecorded) -> Outcome:
        return self.record([sale])[0]

    def refund(self, refund: SaleRefunded) -> Outcome:
        return self.record([refund])[0]

    def record(
        self,
        facts: Iterable[SaleRecorded | SaleRefunded],
        *,
        customers: Sequence[PosCustomer] = (),
        origin: str | PosOrigin | None = None,
        cursor: tuple[str, str] | None = None,
    ) -> list[Outcome]:
        """Record sales and refunds in one transaction, in order; safe to repeat.

        ``customers`` (from POS ``origin``) are created or updated first, so facts can name
        them by ``external_customer_id``. ``origin`` is the POS database they are numbered in:
        a ``PosOrigin``, or just the POS's name for this engine's own shop and till.
        ``cursor`` (name, value) is stored in the same transaction, so a sync that crashes
        resumes exactly where its last commit ended.
        """
        facts = list(facts)
        found: dict[tuple[PosOrigin, str], int] = {}

        def work(conn: sa.Connection, posting: Posting, events: list[Event]) -> list[Outcome]:
            found.clear()  # an attempt that rolled back found nothing
            batch = _Batch(self, conn, posting, events, found)
            if customers:
                if origin is None:
                    raise ValueError("customers from a POS need the POS's origin name")
                source = origin if isinstance(origin, PosOrigin) else PosOrigin(
                    origin, self.settings.shop.id, self.settings.shop.till)
                found.update({
                    (source, ext): cid for ext, cid in repo.upsert_external_customers(
                        conn, source, [attrs.asdict(c) for c in customers],
                        created_at=self.clock(),
                    ).items()
                })
            outcomes = batch.apply(facts)
            if cursor is not None:
                repo.set_cursor(conn, cursor[0], cursor[1], now=self.clock())
            return outcomes

        outcomes = self._write(work)
        if len(self._pos_customers) + len(found) > POS_CUSTOMERS_KEPT:
            self._pos_customers.clear()
        self._pos_customers.update(found)
        if customers:
            signals.customers_changed.send(self, customer_ids=None, engine=self)
        return outcomes

    def cursor(self, name: str) -> str | None:
        return self._read(lambda conn: repo.get_cursor(conn, name))

    # ---- redemption and adjustment ----------------------------------------------------------

    def redeem(
        self,
        customer_id: int,
        points: int,
        *,
        reason: str = "",
        actor: str = "cli",
        document: str | None = None,
        key: str | None = None,
    ) -> PointsRedeemed:
        """Spend points (oldest lots first); refuses more than the balance.

        ``key`` makes the call idempotent: a Pay dialog makes one key when it opens, so a
        double click on Confirm redeems once. ``document`` links the redemption to the POS
        sale it paid for, so refunding that sale gives the points back.
        """
        key = key or f"redeem/{uuid.uuid4()}"
        now = self.clock()

        def work(conn: sa.Connection, posting: Posting, events: list[Event]) -> PointsRedeemed:
            earlier = repo.entry_by_key(conn, key)
            if earlier is not None:
                return self._redeemed_event(earlier, repo.get_balance(conn, customer_id).points)
            account = posting.account(customer_id)
            redemption.check_redemption(customer_id, account.points, points,
                                        self.settings.redemption)
            business_date = self.business_date(now)
            event_id = PointsRedeemed.id_for(key)
            posting.debit(
                account, points, kind="redeem", business_date=business_date, occurred_at=now,
                idempotency_key=key, source_type="redemption", source_id=document,
                reason=reason or "Paid with points", actor=actor,
                shop_id=self.settings.shop.id, till_id=self.settings.shop.till,
                event_id=event_id,
            )
            event = PointsRedeemed(
                occurred_at=now, customer_id=customer_id, points=-points,
                balance=account.points, idempotency_key=key, business_date=business_date,
                reason=reason, value_minor=self.value_of(points), currency=self.currency.code,
                source_id=document,
            )
            events.append(event)
            return event

        return self._write(work)

    def _redeemed_event(self, entry: Entry, balance: int) -> PointsRedeemed:
        return PointsRedeemed(
            occurred_at=entry.occurred_at, customer_id=entry.customer_id, points=entry.points,
            balance=balance, idempotency_key=entry.idempotency_key,
            business_date=entry.business_date, reason=entry.reason,
            value_minor=self.value_of(-entry.points), currency=self.currency.code,
            source_id=entry.source_id,
        )

    def plan_payment(
        self, customer_id: int, bill_minor: int, *, points: int | None = None
    ) -> redemption.PointsPayment:
        """How much of a bill the customer's points pay (all of them, or ``points``)."""
        return redemption.plan_payment(
            self.balance(customer_id), bill_minor, self.settings.redemption, self.currency,
            points=points,
        )

    def pay(
        self,
        customer_id: int,
        bill_minor: int,
        *,
        points: int | None = None,
        actor: str = "cli",
        key: str | None = None,
        document: str | None = None,
    ) -> Payment:
        """Pay (part of) a bill with points: the Pay dialog's Confirm."""
        plan = self.plan_payment(customer_id, bill_minor, points=points)
        if plan.points <= 0:
            raise LoyaltyError(
                f"Customer {customer_id}'s points pay nothing of "
                f"{self.format_money(bill_minor)}.",
                hint="Take the whole amount in cash.",
            )
        event = self.redeem(
            customer_id, plan.points, actor=actor, key=key, document=document,
            reason=f"Paid {self.format_money(plan.covered_minor)} with points",
        )
        return Payment(plan, event)

    def adjust(
        self, customer_id: int, points: int, *, reason: str, actor: str = "admin"
    ) -> PointsAdjusted:
        """Add (positive) or remove (negative) points by hand; the reason is required."""
        if not reason or not reason.strip():
            raise LoyaltyError("An adjustment needs a reason.", hint="Say why, e.g. --reason "
                               "'opening balance from the old system'.")
        if points == 0:
            raise LoyaltyError("An adjustment of 0 points changes nothing.",
                               hint="Give a positive or negative number of points.")
        now = self.clock()
        key = f"adjust/{uuid.uuid4()}"

        def work(conn: sa.Connection, posting: Posting, events: list[Event]) -> PointsAdjusted:
            account = posting.account(customer_id)
            business_date = self.business_date(now)
            common = dict(
                kind="adjust", business_date=business_date, occurred_at=now,
                idempotency_key=key, source_type="adjustment", reason=reason.strip(),
                actor=actor, shop_id=self.settings.shop.id, till_id=self.settings.shop.till,
                event_id=PointsAdjusted.id_for(key),
            )
            if points > 0:
                posting.credit(account, points,
                               expires_on=expiry_date(business_date, self.settings.expiry),
                               **common)
            else:
                if -points > account.points:
                    raise InsufficientPoints(customer_id, -points, account.points)
                posting.debit(account, -points, **common)
            event = PointsAdjusted(
                occurred_at=now, customer_id=customer_id, points=points,
                balance=account.points, idempotency_key=key, business_date=business_date,
                reason=reason.strip(), actor=actor,
            )
            events.append(event)
            return event

        return self._write(work)


class _Batch:
    """Applies a list of POS facts inside one posting; keeps per-batch state."""

    def __init__(
        self, engine: Engine, conn: sa.Connection, posting: Posting, events: list[Event],
        external: dict[tuple[PosOrigin, str], int],
    ) -> None:
        self.engine = engine
        self.settings = engine.settings
        self.conn = conn
        self.posting = posting
        self.events = events
        self.known = engine._pos_customers
        self.external = external
        """POS customers this transaction found or imported: known to the engine once it
        commits."""
        self.sales: dict[str, Sale] = {}
        self.refunded: set[str] = set()
        self.redeemed: dict[tuple[int, str], int] = {}
        """Points redeemed for a POS document, by (customer, document), for refunds."""
        self.restored: dict[tuple[int, str], int] = {}
        """Of those, points refunds already gave back."""
        self.campaigns = SaleCampaigns(engine, conn)

    def apply(self, facts: list[SaleRecorded | SaleRefunded]) -> list[Outcome]:
        customers = self._preload(facts)
        return [self._sale(fact, customer) if isinstance(fact, SaleRecorded)
                else self._refund(fact) for fact, customer in zip(facts, customers)]

    def _preload(self, facts: list[SaleRecorded | SaleRefunded]) -> list[int | None]:
        """Read what the batch needs in a few queries, not one per fact; returns each fact's
        customer (None for a refund, or a customer not in the ledger)."""
        wanted: dict[PosOrigin, set[str]] = {}
        for fact in facts:
            if isinstance(fact, SaleRecorded) and fact.customer_id is None and \
                    fact.external_customer_id is not None:
                key = (_origin_of(fact), fact.external_customer_id)
                if key not in self.external and key not in self.known:
                    wanted.setdefault(key[0], set()).add(key[1])
        for origin, ids in wanted.items():
            found = repo.find_external_ids(self.conn, origin, ids)
            self.external.update({(origin, ext): cid for ext, cid in found.items()})
        customers = [self._customer_of(fact) for fact in facts]
        refunds_in_batch = [f for f in facts if isinstance(f, SaleRefunded)]
        refunded_keys = {f.sale_key for f in refunds_in_batch}
        refunded_sales = repo.sales_by_key(self.conn, refunded_keys)
        self.posting.load_accounts(
            set(customers) - {None} | {s.customer_id for s in refunded_sales.values()}
        )
        # Read sales and refunds only once their customers are locked: what another till
        # recorded meanwhile is committed by then, so it is a duplicate here, not a clash.
        self.sales.update(repo.sales_by_key(self.conn, [f.sale_key for f in facts]))
        if refunds_in_batch:
            key = schema.refunds.c.refund_key
            self.refunded.update(refund_key for refund_key, in rows_matching(
                self.conn, sa.select(key), key, [f.refund_key for f in refunds_in_batch]))
            refunders = {s.customer_id for s in refunded_sales.values()} | {
                customer for fact, customer in zip(facts, customers)
                if customer is not None and fact.sale_key in refunded_keys}
            self.posting.load_open_lots(refunders)
            self._preload_redemptions(refunders)
        return customers

    def _preload_redemptions(self, customer_ids: set[int]) -> None:
        """Points these customers paid for POS documents with, and got back by refunds."""
        e = schema.ledger_entries
        query = (
            sa.select(e.c.customer_id, e.c.source_id, e.c.kind, sa.func.sum(e.c.points))
            .where(e.c.kind.in_(("redeem", "reverse_redeem")), e.c.source_id.is_not(None))
            .group_by(e.c.customer_id, e.c.source_id, e.c.kind)
        )
        for customer_id, document, kind, points in rows_matching(
                self.conn, query, e.c.customer_id, customer_ids):
            if kind == "redeem":
                self.redeemed[customer_id, document] = -int(points)
            else:
                self.restored[customer_id, document] = int(points)

    def _customer_of(self, fact: SaleRecorded | SaleRefunded) -> int | None:
        if isinstance(fact, SaleRefunded):
            return None
        if fact.customer_id is not None:
            return fact.customer_id
        key = (_origin_of(fact), fact.external_customer_id or "")
        return self.external.get(key) or self.known.get(key)

    def _common(self, fact: SaleRecorded | SaleRefunded, key: str, event_id: str) -> dict:
        """Entry columns that come from the POS fact itself."""
        return {"occurred_at": fact.occurred_at, "idempotency_key": key,
                "actor": "pos:" + fact.source, "shop_id": fact.shop_id, "till_id": fact.till_id,
                "event_id": event_id}

    # ---- sales ------------------------------------------------------------------------------

    def _sale(self, sale: SaleRecorded, customer_id: int | None) -> Outcome:
        if customer_id is None:
            return Outcome(sale, "skipped", reason="the customer is not in the ledger")
        sale_key = sale.sale_key
        earlier = self.sales.get(sale_key)
        if earlier is not None:
            return self._revise(sale, customer_id, earlier)
        account = self.posting.account(customer_id)
        if sale.currency != self.engine.currency.code:
            return Outcome(sale, "skipped", reason=f"sale in {sale.currency}, shop keeps "
                           f"{self.engine.currency.code}")
        stars_before = account.stars
        awards = earning.awards_for_sale(
            sale, self.settings.earning, self.settings.tiers, stars_before, self.engine.currency
        )
        awards += self.campaigns.awards_for(sale, customer_id, awards)
        total = sum([a.points for a in awards])
        business_date = self.engine.business_date(sale.occurred_at)
        sale_id = self.posting.add_sale({
            "sale_key": sale_key, "customer_id": customer_id, "source": sale.source,
            "shop_id": sale.shop_id, "till_id": sale.till_id, "document_id": sale.document_id,
            "total_minor": sale.total_minor, "currency": sale.currency,
            "stars_before": stars_before, "points_earned": total, "occurred_at": sale.occurred_at,
            "business_date": business_date, "event_id": sale.event_id,
        })
        self.sales[sale_key] = Sale(
            id=sale_id, sale_key=sale_key, customer_id=customer_id,
            document_id=sale.document_id, total_minor=sale.total_minor,
            stars_before=stars_before, points_earned=total, refunded_minor=0, points_reversed=0,
            revision=0, occurred_at=sale.occurred_at, business_date=business_date,
        )
        events = self._earn(sale, account, awards, total, f"{sale_key}#earn", business_date,
                            sale_id)
        if not awards:
            threshold = self.settings.earning.payment_threshold
            return Outcome(sale, "recorded", reason=f"below the payment threshold {threshold}")
        return Outcome(sale, "recorded", events=tuple(events), points=total)

    def _earn(
        self,
        sale: SaleRecorded,
        account: PostingAccount,
        awards: list[earning.Award],
        total: int,
        key: str,
        business_date: date,
        sale_id: int,
    ) -> list[Event]:
        if not awards:
            return []
        event_id = PointsEarned.id_for(key)
        expires_on = expiry_date(business_date, self.settings.expiry)
        for award in awards:
            self.posting.credit(
                account, award.points, kind="earn", business_date=business_date,
                expires_on=expires_on, counts_toward_tier=True,
                source_type="sale", source_id=sale.document_id, rule_id=award.rule_id,
                reason=award.reason, sale_id=sale_id,
                **self._common(sale, f"{key}:{award.rule_id}", event_id),
            )
        stars_before = account.stars
        account.stars = tier_rules.stars_for(account.lifetime_earned, self.settings.tiers)
        events: list[Event] = [PointsEarned(
            occurred_at=sale.occurred_at, customer_id=account.customer_id,
            points=total, balance=account.points,
            idempotency_key=key, business_date=business_date, event_id=event_id,
            reason=f"Sale {sale.document_id}", breakdown={a.rule_id: a.points for a in awards},
            source_id=sale.document_id, stars=account.stars, max_stars=self.engine.max_stars,
        )]
        if account.stars > stars_before:
            events.append(TierRaised(
                occurred_at=sale.occurred_at, customer_id=account.customer_id,
                old_stars=stars_before, new_stars=account.stars,
                max_stars=self.engine.max_stars, cause_key=key,
            ))
        self.events.extend(events)
        return events

    def _revise(self, sale: SaleRecorded, customer_id: int, earlier: Sale) -> Outcome:
        """The POS shows a recorded document again: the same is a duplicate, a new total a revision."""
        if earlier.customer_id != customer_id:
            return Outcome(sale, "skipped", reason=(
                f"document {sale.document_id} was recorded for customer {earlier.customer_id}; "
                "moving a sale to another customer is not done automatically"))
        if earlier.total_minor == sale.total_minor:
            return Outcome(sale, "duplicate", reason="already recorded")
        account = self.posting.account(customer_id)
        awards = earning.awards_for_sale(
            sale, self.settings.earning, self.settings.tiers, earlier.stars_before,
            self.engine.currency,
        )
        awards += self.campaigns.awards_for(sale, customer_id, awards)
        new_total = sum(a.points for a in awards)
        # Money already refunded stays refunded: it takes back its share of the new total, so a
        # revision moves only the difference in what the sale is worth net of its refunds (and
        # never takes back again what a refund took).
        new_reversed = earning.reversal_for_refund(
            new_total, sale.total_minor, 0, earlier.refunded_minor, 0
        )
        delta = (new_total - new_reversed) - (earlier.points_earned - earlier.points_reversed)
        revision = earlier.revision + 1
        key = f"{sale.sale_key}#rev:{revision}"
        business_date = self.engine.business_date(sale.occurred_at)
        events: list[Event] = []
        if delta > 0:
            events = self._earn(
                sale, account, [earning.Award("revision", delta,
                                              f"Document {sale.document_id} edited")],
                delta, key, business_date, earlier.id,
            )
        elif delta < 0:
            events = [self._take_back(
                sale, account, -delta, key, business_date, earlier.id,
                reason=f"Document {sale.document_id} edited",
            )]
        self.posting.update_sale(
            earlier.id, total_minor=sale.total_minor, points_earned=new_total,
            revision=revision, points_reversed=new_reversed,
        )
        self.sales[sale.sale_key] = attrs.evolve(
            earlier, total_minor=sale.total_minor, points_earned=new_total, revision=revision,
            points_reversed=new_reversed,
        )
        net = sum(getattr(e, "points", 0) for e in events)
        return Outcome(sale, "revised", events=tuple(events), points=net,
                       reason=f"total changed to {sale.total_minor}")

    def _take_back(
        self, fact: SaleRecorded | SaleRefunded, account: PostingAccount, points: int, key: str,
        business_date: date, sale_id: int, *, reason: str,
    ) -> EarnReversed:
        """Reverse earned points, from the sale's own lots first; never below a zero balance."""
        take = min(points, account.points)
        self.posting.debit(
            account, take, kind="reverse_earn", business_date=business_date,
            prefer_sale_id=sale_id, tier_points=-points, source_type="refund",
            source_id=getattr(fact, "document_id", None), sale_id=sale_id, reason=reason,
            **self._common(fact, key, EarnReversed.id_for(key)),
        )
        account.stars = tier_rules.stars_for(account.lifetime_earned, self.settings.tiers)
        event = EarnReversed(
            occurred_at=fact.occurred_at, customer_id=account.customer_id, points=-take,
            balance=account.points, idempotency_key=key, business_date=business_date,
            reason=reason, source_id=getattr(fact, "document_id", None),
            unrecovered=points - take,
        )
        self.events.append(event)
        return event

    # ---- refunds ----------------------------------------------------------------------------

    def _refund(self, refund: SaleRefunded) -> Outcome:
        if refund.refund_key in self.refunded:
            return Outcome(refund, "duplicate", reason="already recorded")
        sale = self.sales.get(refund.sale_key)
        if sale is None:
            return Outcome(refund, "skipped", reason=(
                f"refunds document {refund.original_document_id}, which earned no points here "
                "(no customer, or never recorded)"))
        account = self.posting.account(sale.customer_id)
        business_date = self.engine.business_date(refund.occurred_at)
        reversal = earning.reversal_for_refund(
            sale.points_earned, sale.total_minor, sale.refunded_minor, refund.amount_minor,
            sale.points_reversed,
        )
        events: list[Event] = []
        taken = 0
        if reversal:
            event = self._take_back(
                refund, account, reversal, f"{refund.refund_key}#reverse_earn", business_date,
                sale.id, reason=f"Refund {refund.document_id} of sale {sale.document_id}",
            )
            taken = -event.points
            events.append(event)
        restored = self._restore_redeemed(refund, sale, account, business_date)
        if restored is not None:
            events.append(restored)
        refunded_minor = min(sale.total_minor, sale.refunded_minor + refund.amount_minor)
        self.posting.update_sale(
            sale.id, refunded_minor=refunded_minor,
            points_reversed=sale.points_reversed + reversal,
        )
        self.posting.add_refund({
            "refund_key": refund.refund_key, "sale_id": sale.id,
            "document_id": refund.document_id, "amount_minor": refund.amount_minor,
            "points_reversed": reversal, "points_unrecovered": reversal - taken,
            "points_restored": restored.points if restored else 0,
            "occurred_at": refund.occurred_at, "event_id": refund.event_id,
        })
        self.refunded.add(refund.refund_key)
        self.sales[refund.sale_key] = attrs.evolve(
            sale, refunded_minor=refunded_minor, points_reversed=sale.points_reversed + reversal
        )
        net = sum(getattr(e, "points", 0) for e in events)
        return Outcome(refund, "recorded", events=tuple(events), points=net)

    def _restore_redeemed(
        self, refund: SaleRefunded, sale: Sale, account: PostingAccount, business_date: date
    ) -> RedemptionReversed | None:
        """Give back, in proportion, points that paid for the refunded sale."""
        paid_for = (sale.customer_id, sale.document_id)
        redeemed = self.redeemed.get(paid_for, 0)
        if redeemed <= 0:
            return None
        restored_before = self.restored.get(paid_for, 0)
        refunded = min(sale.total_minor, sale.refunded_minor + refund.amount_minor)
        restore = redeemed * refunded // sale.total_minor - restored_before
        if restore <= 0:
            return None
        e, lots, alloc = schema.ledger_entries, schema.point_lots, schema.lot_allocations
        linked = (e.c.customer_id == sale.customer_id) & (e.c.source_id == sale.document_id)
        expiries = self.conn.execute(
            sa.select(lots.c.expires_on).join(alloc, alloc.c.lot_entry_id == lots.c.entry_id)
            .join(e, e.c.id == alloc.c.debit_entry_id).where(linked, e.c.kind == "redeem")
        ).scalars().all()
        expires_on = None if None in expiries or not expiries else max(expiries)
        key = f"{refund.refund_key}#reverse_redeem"
        reason = f"Refund {refund.document_id} returns points paid for sale {sale.document_id}"
        self.posting.credit(
            account, restore, kind="reverse_redeem", business_date=business_date,
            expires_on=expires_on, source_type="refund", source_id=sale.document_id,
            sale_id=sale.id, reason=reason,
            **self._common(refund, key, RedemptionReversed.id_for(key)),
        )
        self.restored[paid_for] = restored_before + restore
        event = RedemptionReversed(
            occurred_at=refund.occurred_at, customer_id=account.customer_id, points=restore,
            balance=account.points, idempotency_key=key, business_date=business_date,
            reason=reason, source_id=sale.document_id,
        )
        self.events.append(event)
        return event


def _origin_of(sale: SaleRecorded) -> PosOrigin:
    """The POS database a sale's ``external_customer_id`` is numbered in."""
    return _origin(sale.source, sale.shop_id, sale.till_id)


_origin = functools.lru_cache(maxsize=256)(PosOrigin)
"""One ``PosOrigin`` per POS database, not one per sale of a sync."""
