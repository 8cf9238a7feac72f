"""The engine: the one object the command line, a frontend or a Python program talks to.

A thin facade over the services: it holds the shop (settings, currency, clock), the ledger's
database and the plugins, opens one unit of work per call that changes points, lets a service
do the work in it, and after the commit publishes the resulting events (blinker
``event_published``, then the ``loyalty_events_committed`` hook). Nothing is published for a
transaction that rolled back.
"""

from __future__ import annotations

import functools
import logging
import random
import sqlite3
import threading
import uuid
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from contextlib import nullcontext
from datetime import date
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

import attrs
import sqlalchemy as sa

from loyalty import signals
from loyalty.domain.bounds import check_customer_id
from loyalty.domain.bounds import check_document
from loyalty.domain.bounds import pos_customer_values
from loyalty.domain.demo import DEMO_NAMES
from loyalty.domain.demo import DEMO_SOURCE
from loyalty.domain.demo import demo_customers
from loyalty.domain.demo import demo_facts
from loyalty.domain.errors import LedgerError
from loyalty.domain.errors import LoyaltyError
from loyalty.domain.errors import UnknownPlugin
from loyalty.domain.events import CouponIssued
from loyalty.domain.events import CouponUsed
from loyalty.domain.events import Event
from loyalty.domain.events import MembershipGranted
from loyalty.domain.events import PointsAdjusted
from loyalty.domain.events import PointsRedeemed
from loyalty.domain.events import PosFact
from loyalty.domain.events import SaleLine
from loyalty.domain.events import SaleRecorded
from loyalty.domain.events import SaleRefunded
from loyalty.domain.money import Currency
from loyalty.domain.money import to_minor
from loyalty.domain.pos import PosAdapter
from loyalty.domain.pos import PosBatch
from loyalty.domain.pos import PosCustomer
from loyalty.domain.records import Coupon
from loyalty.domain.records import Customer
from loyalty.domain.records import CustomerSummary
from loyalty.domain.records import DrawRecord
from loyalty.domain.records import Entry
from loyalty.domain.statements import Statement
from loyalty.domain.records import JobRun
from loyalty.domain.records import PointsSummary
from loyalty.domain.records import PosOrigin
from loyalty.domain.records import RebuildReport
from loyalty.domain.rules import redemption as redemption_rules
from loyalty.domain.rules.audiences import Audience
from loyalty.domain.settings import Settings
from loyalty.domain.settings import save_settings
from loyalty.domain.shop import Clock
from loyalty.domain.shop import Shop
from loyalty.domain.shop import utc_now
from loyalty.ledger import balances
from loyalty.ledger import coupons as coupon_rows
from loyalty.ledger import cursors
from loyalty.ledger import customers as customer_rows
from loyalty.ledger import draws as draw_rows
from loyalty.ledger import duplicate_customers
from loyalty.ledger import entries
from loyalty.ledger import outbox
from loyalty.ledger import statistics
from loyalty.ledger.cancel import ReadCancel
from loyalty.ledger.database import create_database_engine
from loyalty.ledger.database import ledger_file
from loyalty.ledger.database import migrate
from loyalty.ledger.database import retry_transient
from loyalty.ledger.database import transaction
from loyalty.ledger.database import translate_errors
from loyalty.ledger.files import backup_sqlite
from loyalty.ledger.outbox import OutboxMessage
from loyalty.ledger.posting import Posting
from loyalty.ledger.unit_of_work import UnitOfWork
from loyalty.notifications.dispatcher import Dispatcher
from loyalty.notifications.dispatcher import RetryPolicy
from loyalty.notifications.dispatcher import run_dispatcher
from loyalty.notifications.queue import queue_for_events
from loyalty.plugins.manager import Plugins
from loyalty.services import accounts
from loyalty.services import adjustments
from loyalty.services import awards
from loyalty.services import coupons
from loyalty.services import customer_files
from loyalty.services import customers
from loyalty.services import draws
from loyalty.services import expiry
from loyalty.services import jobs
from loyalty.services import merges
from loyalty.services import memberships
from loyalty.services import messages
from loyalty.services import redemption
from loyalty.services import refund_checks
from loyalty.services import reports
from loyalty.services import rewards
from loyalty.services import self_service
from loyalty.services import statements
from loyalty.services import sync
from loyalty.services.accounts import AccountView
from loyalty.services.awards import AwardOutcome
from loyalty.services.customer_files import ImportReport
from loyalty.services.draws import DrawCheck
from loyalty.services.draws import DrawOutcome
from loyalty.services.expiry import ExpiryReport
from loyalty.services.jobs import ContinuousWork
from loyalty.services.jobs import JobStatus
from loyalty.services.memberships import Membership
from loyalty.services.messages import MessagePreview
from loyalty.services.messages import MessagesQueued
from loyalty.services.merges import MergeOutcome
from loyalty.services.redemption import Payment
from loyalty.services.reports import MonthFigures
from loyalty.services.reports import Report
from loyalty.services.sales import Outcome
from loyalty.services.sales import SaleRecorder
from loyalty.services.self_service import Answer
from loyalty.services.self_service import Standing
from loyalty.services.sync import DEFAULT_BATCH_SIZE
from loyalty.services.sync import SyncReport


__all__ = ["AccountView", "Engine", "Outcome", "Payment", "utc_now"]

log = logging.getLogger(__name__)

T = TypeVar("T")
POS_CUSTOMERS_KEPT = 1_000_000
"""POS customer ids an engine remembers (a few hundred bytes each) before it starts again."""
TransactionHook = Callable[[sa.Connection, list[Event]], None]


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
        self.add_transaction_hook(
            lambda conn, events: queue_for_events(conn, self.shop, events))
        self._apply_settings(settings or Settings())
        self.db = create_database_engine(ledger)
        with translate_errors(self.db):
            migrate(self.db)

    def close(self) -> None:
        """Close the ledger's connections."""
        self.db.dispose()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- the shop -----------------------------------------------------------------------------

    def _apply_settings(self, settings: Settings) -> None:
        currency = self.plugins.currency(settings.shop.currency)
        if settings.shop.currency_symbol:
            currency = attrs.evolve(currency, symbol=settings.shop.currency_symbol)
        self.shop = Shop(settings, currency, self.clock)

    @property
    def settings(self) -> Settings:
        """The shop's settings in force (replace them with ``update_settings``)."""
        return self.shop.settings

    @property
    def currency(self) -> Currency:
        """The shop's currency, with the symbol it shows."""
        return self.shop.currency

    @property
    def max_stars(self) -> int:
        """The most stars a customer can reach (the number of star levels)."""
        return self.shop.max_stars

    def update_settings(self, settings: Settings) -> None:
        """Replace the settings (validated against the installed plugins) and save them."""
        self._apply_settings(settings)
        if self.settings_path is not None:
            save_settings(settings, self.settings_path)
        signals.settings_changed.send(self, settings=settings, engine=self)

    def business_date(self, moment: datetime) -> date:
        """The shop's local date of a UTC moment: what 'today' means for expiry and reports."""
        return self.shop.business_date(moment)

    def value_of(self, points: int) -> int:
        """What ``points`` pay, in minor units of the shop's currency."""
        return self.shop.value_of(points)

    def format_money(self, minor: int) -> str:
        """An amount in the shop's currency and locale (``Rs 1,250.00``)."""
        return self.shop.format_money(minor)

    def points_text(self, points: int, *, signed: bool = False, more: bool = False) -> str:
        """``1 point`` / ``1,250 points`` (``+250 points`` when ``signed``, ``150 more
        points`` when ``more``) in the shop's locale: how the window and the CLI write a
        number of points for a person."""
        return self.shop.points_text(points, signed=signed, more=more)

    # ---- transactions -------------------------------------------------------------------------

    def add_transaction_hook(self, hook: TransactionHook) -> None:
        """Run ``hook(connection, events)`` inside every ledger transaction, before it commits.

        For work that must commit or roll back with the points, such as queuing messages.
        """
        self._transaction_hooks.append(hook)

    def remove_transaction_hook(self, hook: TransactionHook) -> None:
        """Stop running a hook added with ``add_transaction_hook``."""
        self._transaction_hooks.remove(hook)

    def write(self, work: Callable[[UnitOfWork], T]) -> T:
        """Run ``work`` in one ledger transaction, then publish the events it produced.

        The one way to change the ledger: each customer whose balance the work loads has their
        due points expired first, a PostgreSQL deadlock victim runs again, and the transaction
        hooks (the outbox) run before the commit.
        """
        with translate_errors(self.db):
            for attempt in retry_transient():  # PostgreSQL: a deadlock victim runs again
                with attempt:
                    with self.db.begin() as connection:
                        uow = UnitOfWork(connection, Posting(connection, recorded_at=self.clock()))
                        expiry.expire_when_loaded(self.shop, uow)
                        result = work(uow)
                        uow.posting.finish()
                        for hook in self._transaction_hooks:
                            hook(connection, uow.events)
        self._publish(uow.events)
        return result

    def read(self, work: Callable[[sa.Connection], T], *, cancel: ReadCancel | None = None) -> T:
        """Run ``work`` on a read-only connection: one consistent view of the ledger.

        ``cancel.cancel()``, from any thread, stops it (``ReadCancelled``): a search the next
        keystroke replaced.
        """
        with translate_errors(self.db), self.db.connect() as connection:
            connection = connection.execution_options(readonly=True)
            with cancel.watching(connection) if cancel else nullcontext(), connection.begin():
                return work(connection)

    def _publish(self, events: list[Event]) -> None:
        for event in events:
            try:
                signals.event_published.send(type(event), event=event, engine=self)
            except Exception:
                log.exception("a receiver of %s failed", type(event).__name__)
        if events:
            self.plugins.events_committed(self, events)

    # ---- customers ----------------------------------------------------------------------------

    def add_customer(
        self, name: str, *, phone: str | None = None, platform: str = "none",
        messaging_key: str | None = None, birthday: date | None = None,
    ) -> Customer:
        """Add a customer; ``platform`` names the channel their messages go through,
        ``birthday`` the day their birthday points fall on."""
        self._check_platform(platform)
        customer = self.write(lambda uow: customers.add(
            self.shop, uow, name, phone=phone, platform=platform, messaging_key=messaging_key,
            birthday=birthday))
        signals.customers_changed.send(self, customer_ids=[customer.id], engine=self)
        return customer

    def customer(self, customer_id: int) -> Customer:
        """One customer, removed or not; ``UnknownCustomer`` if there is none."""
        check_customer_id(customer_id)
        return self.read(lambda conn: customer_rows.get_customer(conn, customer_id))

    def customers(
        self, search: str | None = None, *, limit: int | None = None, offset: int = 0
    ) -> list[CustomerSummary]:
        """Customers (not removed) with their balances, by id; ``search`` matches name,
        phone or id."""
        return self.read(lambda conn: customer_rows.list_customers(
            conn, search=search, limit=limit, offset=offset))

    def update_customer(self, customer_id: int, **values: object) -> Customer:
        """Change name, phone, platform, messaging key or birthday (a date, or None)."""
        check_customer_id(customer_id)
        customers.check_changes(values, today=self.business_date(self.clock()))
        if "platform" in values:
            self._check_platform(str(values["platform"]))
        customer = self.write(lambda uow: customers.update(self.shop, uow, customer_id, values))
        signals.customers_changed.send(self, customer_ids=[customer_id], engine=self)
        return customer

    def remove_customer(self, customer_id: int) -> Customer:
        """Hide a customer from lists; their points log stays in the ledger."""
        check_customer_id(customer_id)
        customer = self.write(lambda uow: customers.remove(self.shop, uow, customer_id))
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

    # ---- duplicates, merges and customer files ------------------------------------------------

    def similar_customers(self, name: str, phone: str | None = None) -> list[CustomerSummary]:
        """Customers with the same phone (spaces and dashes aside) or name (case aside): asked
        before adding one, so nobody is entered twice."""
        return self.read(lambda conn: duplicate_customers.similar_customers(conn, name, phone))

    def merge_customers(self, keep_id: int, merge_id: int, *, actor: str = "cli") -> MergeOutcome:
        """Move ``merge_id``'s points, lifetime points, sales, coupons and memberships to
        ``keep_id`` and remove ``merge_id``; both points logs say so."""
        check_customer_id(keep_id)
        check_customer_id(merge_id)
        outcome = self.write(lambda uow: merges.merge(self.shop, uow, keep_id, merge_id,
                                                      actor=actor))
        signals.customers_changed.send(self, customer_ids=[keep_id, merge_id], engine=self)
        return outcome

    def import_customers(self, path: Path, *, actor: str = "cli") -> ImportReport:
        """Add the customers of a CSV file (name, phone, platform, key, points), opening
        balances as adjustments; one bad row imports nothing and every bad row is named."""
        rows = customer_files.read_rows(Path(path), self.platforms(),
                                          today=self.business_date(self.clock()))
        key = f"import/{uuid.uuid4()}"
        report = self.write(lambda uow: customer_files.import_rows(
            self.shop, uow, rows, source=Path(path).name, actor=actor, key=key))
        signals.customers_changed.send(self, customer_ids=None, engine=self)
        return report

    def export_customers(self, path: Path) -> int:
        """Write every customer in the programme to a CSV file an import reads back; returns
        how many."""
        try:
            return self.read(lambda conn: customer_files.write_file(conn, Path(path)))
        except OSError as error:
            raise LoyaltyError(f"Cannot write {path}: {error.strerror or error}.",
                               hint="Choose a folder you can write to, and close the file "
                                    "if a spreadsheet has it open.") from None

    # ---- balances -----------------------------------------------------------------------------

    def account(self, customer_id: int) -> AccountView:
        """A customer's points, their value, stars and the next level."""
        check_customer_id(customer_id)
        return self.read(lambda conn: accounts.account(self.shop, conn, customer_id))

    def balance(self, customer_id: int) -> int:
        """Points the customer can spend now (points past their last day left out)."""
        check_customer_id(customer_id)
        with translate_errors(self.db):
            return accounts.spendable(self.shop, self.db, customer_id)

    def accounts(
        self, search: str | None = None, *, limit: int | None = None, offset: int = 0,
        sort: str | None = None, descending: bool = False, cancel: ReadCancel | None = None,
    ) -> list[AccountView]:
        """Customers with points, value and rating: the rows of 'All Customers'; ``sort``
        by id, name, points, stars or platform (ties by id); ``cancel`` stops a search no
        longer wanted (``ReadCancelled``)."""
        return self.read(lambda conn: accounts.accounts(
            self.shop, conn, search, limit=limit, offset=offset, sort=sort,
            descending=descending), cancel=cancel)

    def customer_count(self) -> int:
        """Customers in the programme (removed ones left out)."""
        return self.read(customer_rows.count_customers)

    def history(self, customer_id: int, *, limit: int | None = None) -> list[Entry]:
        """The customer's points log, oldest first (the newest ``limit`` entries)."""
        check_customer_id(customer_id)
        return self.read(lambda conn: entries.history(conn, customer_id, limit=limit))

    def points_summary(self, shop: str | None = None) -> list[PointsSummary]:
        """Points issued, redeemed and outstanding per shop of a chain (or of one ``shop``)."""
        return self.read(lambda conn: entries.points_summary(conn, shop_id=shop))

    def rebuild_balances(self) -> RebuildReport:
        """Recompute every cached balance from the ledger entries."""
        return self.write(
            lambda uow: balances.rebuild_balances(
                uow.connection, self.settings.tiers,
                stars_fall=self.settings.tier_review.enabled))

    # ---- facts from the POS -------------------------------------------------------------------

    def sale(
        self, customer_id: int, total: Decimal | str | int, *, document: str | None = None,
        lines: Sequence[SaleLine] = (), occurred_at: datetime | None = None,
        source: str = "api",
    ) -> Outcome:
        """Record a sale by a customer of the ledger: for a program that is not a POS adapter.

        ``total`` is in the shop's currency (``Decimal("1250.00")``); ``document`` is the
        receipt number that a refund or a points payment refers to (a new one when omitted);
        ``source`` names who recorded it (``loyalty sale`` says ``manual``).
        """
        check_customer_id(customer_id)
        document = check_document(document)
        return self.record_sale(SaleRecorded(
            source=source, document_id=document or f"{source}-{uuid.uuid4()}",
            occurred_at=occurred_at or self.clock(), total_minor=to_minor(total, self.currency),
            currency=self.currency.code, customer_id=customer_id, lines=tuple(lines),
            shop_id=self.settings.shop.id, till_id=self.settings.shop.till,
        ))

    def record_sale(self, sale: SaleRecorded) -> Outcome:
        """Record one sale (earning its points); recording it again changes nothing."""
        return self.record([sale])[0]

    def refund(self, refund: SaleRefunded) -> Outcome:
        """Record one refund: it takes back what the refunded amount earned."""
        return self.record([refund])[0]

    def check_refund(self, refund: SaleRefunded) -> None:
        """Refuse a refund typed by hand that asks more than is left of its sale."""
        self.read(lambda conn: refund_checks.check_refund(self.shop, conn, refund))

    def record(
        self,
        facts: Iterable[PosFact],
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

        def work(uow: UnitOfWork) -> list[Outcome]:
            found.clear()  # an attempt that rolled back found nothing
            if customers:
                if origin is None:
                    raise ValueError("customers from a POS need the POS's origin name")
                source = origin if isinstance(origin, PosOrigin) else PosOrigin(
                    origin, self.shop.id, self.shop.till)
                found.update({
                    (source, ext): cid for ext, cid in customer_rows.upsert_external_customers(
                        uow.connection, source, [pos_customer_values(c) for c in customers],
                        created_at=self.clock(),
                    ).items()
                })
            recorder = SaleRecorder(self.shop, uow, known=self._pos_customers, external=found)
            outcomes = recorder.apply(facts)
            if cursor is not None:
                cursors.set_cursor(uow.connection, cursor[0], cursor[1], now=self.clock())
            return outcomes

        outcomes = self.write(work)
        if len(facts) + len(customers) >= statistics.CHECK_FACTS:
            with translate_errors(self.db):
                statistics.refresh(self.db)  # PostgreSQL: plans that stay on the indexes
        if len(self._pos_customers) + len(found) > POS_CUSTOMERS_KEPT:
            self._pos_customers.clear()
        self._pos_customers.update(found)
        if customers:
            signals.customers_changed.send(self, customer_ids=None, engine=self)
        return outcomes

    def cursor(self, name: str) -> str | None:
        """Where the POS sync called ``name`` resumes; None before its first batch."""
        return self.read(lambda conn: cursors.get_cursor(conn, name))

    # ---- redemption and adjustment ------------------------------------------------------------

    def redeem(
        self, customer_id: int, points: int, *, reason: str = "", actor: str = "cli",
        document: str | None = None, key: str | None = None,
    ) -> PointsRedeemed:
        """Spend points (oldest lots first); refuses more than the balance.

        ``key`` makes the call idempotent: a Pay dialog makes one key when it opens, so a
        double click on Confirm redeems once. ``document`` links the redemption to the POS
        sale it paid for, so refunding that sale gives the points back.
        """
        check_customer_id(customer_id)
        key = key or f"redeem/{uuid.uuid4()}"
        return self.write(lambda uow: redemption.redeem(
            self.shop, uow, customer_id, points, key=key, reason=reason, actor=actor,
            document=document))

    def plan_payment(
        self, customer_id: int, bill_minor: int, *, points: int | None = None
    ) -> redemption_rules.PointsPayment:
        """How much of a bill the customer's points pay (all of them, or ``points``)."""
        check_customer_id(customer_id)
        return redemption_rules.plan_payment(
            self.balance(customer_id), bill_minor, self.settings.redemption, self.currency,
            points=points,
        )

    def pay(
        self, customer_id: int, bill_minor: int, *, points: int | None = None,
        actor: str = "cli", key: str | None = None, document: str | None = None,
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
        check_customer_id(customer_id)
        adjustments.check_adjustment(points, reason)
        key = f"adjust/{uuid.uuid4()}"
        return self.write(lambda uow: adjustments.adjust(
            self.shop, uow, customer_id, points, reason=reason, key=key, actor=actor))

    # ---- daily jobs ---------------------------------------------------------------------------

    def expire(self) -> ExpiryReport:
        """Expire every due lot and queue the reminders due today; safe to run again."""
        return self.write(lambda uow: expiry.run_expiry(self.shop, uow))

    # ---- jobs that run by themselves ----------------------------------------------------------

    def jobs(self) -> list[JobStatus]:
        """Every job that runs by itself, with its schedule, last run and result, and next run."""
        return self.read(lambda conn: jobs.statuses(self.shop, conn))

    def run_due_jobs(self) -> list[JobRun]:
        """Run every job that is due now, once (``loyalty jobs run-due``, a Task Scheduler)."""
        return jobs.run_due(self.shop, self, continuous=self.continuous_work())

    def run_job(
        self, name: str, *, by_hand: bool = True, record_idle: bool = True,
        pos: PosAdapter | None = None, dispatcher: Dispatcher | None = None,
    ) -> JobRun | None:
        """Run job ``name`` now (the window's "Run now"); ``by_hand=False`` only if it is due."""
        return jobs.run_job(self.shop, self, name, by_hand=by_hand, record_idle=record_idle,
                            continuous=self.continuous_work(pos, dispatcher))

    def continuous_work(
        self, pos: PosAdapter | None = None, dispatcher: Dispatcher | None = None,
    ) -> dict[str, ContinuousWork]:
        """One run of each continuous job: sync ``pos`` (or the configured POS), deliver with
        ``dispatcher`` (or a new one)."""

        def sync_pos() -> tuple[str, bool]:
            adapter = pos if pos is not None else self.open_pos()
            try:
                report = self.sync(adapter)
            finally:
                if pos is None:
                    adapter.close()
            return report.summary(), report.changed or bool(report.skipped_count)

        def deliver() -> tuple[str, bool]:
            report = (dispatcher or self.dispatcher()).run_once()
            return report.summary(), bool(report.sent or report.retrying or report.failed)

        return {"pos_sync": sync_pos, "messages": deliver}

    # ---- demo ---------------------------------------------------------------------------------

    def record_demo(self, count: int = len(DEMO_NAMES)) -> list[Outcome]:
        """Record the demo customers and a month of their sales (``loyalty demo``, a first
        window); running it again records nothing new."""
        customers = demo_customers(count)
        facts = demo_facts(customers, currency=self.currency.code, shop_id=self.shop.id,
                           till_id=self.shop.till, now=self.clock())
        return self.record(facts, customers=customers, origin=DEMO_SOURCE)

    def old_demo_customers(self) -> list[int]:
        """Ids of the demo customers an earlier version put in this (the shop's) ledger."""
        return self.read(lambda conn: customer_rows.ids_from_origin(conn, DEMO_SOURCE))

    def remove_old_demo_customers(self) -> list[int]:
        """Hide the demo customers an earlier version put in the shop's ledger (their points
        log stays, as any removed customer's); returns their ids."""
        ids = self.write(lambda uow: customers.remove_from_origin(self.shop, uow, DEMO_SOURCE))
        signals.customers_changed.send(self, customer_ids=ids, engine=self)
        return ids

    # ---- messages -----------------------------------------------------------------------------

    def messages(
        self, statuses: Iterable[str] | None = ("pending", "sending", "failed"), *,
        limit: int | None = None, newest_first: bool = False,
    ) -> list[OutboxMessage]:
        """Messages of the outbox with the given statuses (all when None), oldest first."""
        return self.read(lambda conn: outbox.listing(
            conn, statuses, limit=limit, newest_first=newest_first))

    def dispatcher(self, policy: RetryPolicy | None = None) -> Dispatcher:
        """A dispatcher of this ledger's outbox, through the channels the settings configure."""
        return Dispatcher(functools.partial(transaction, self.db),
                          lambda: self.plugins.channels(self.settings), self.clock,
                          policy=policy)

    def deliver_messages(self, stop_event: threading.Event, interval: float = 30.0) -> None:
        """Deliver due messages every ``interval`` seconds until ``stop_event`` is set (in a
        thread of ``loyalty watch`` or a frontend)."""
        run_dispatcher(self.dispatcher(), stop_event, interval)

    def retry_messages(self, ids: Sequence[int] | None = None) -> list[int]:
        """Make failed messages (``ids``, or all) pending again with fresh attempts; returns
        their ids."""
        with transaction(self.db) as connection:
            return outbox.make_pending(connection, ids, now=self.clock())

    def message_counts(self) -> dict[str, int]:
        """How many messages of the outbox are in each status (pending, sending, sent,
        failed)."""
        return self.read(outbox.counts)

    # ---- custom messages ----------------------------------------------------------------------

    def preview_message(self, audience: Audience, text: str) -> MessagePreview:
        """How many customers a custom message reaches and how it reads for one of them."""
        return self.read(lambda conn: messages.preview(self.shop, conn, audience, text))

    def send_custom_message(
        self, audience: Audience, text: str, *, key: str | None = None
    ) -> MessagesQueued:
        """Queue a message the shop wrote for everyone in ``audience``. The same ``key`` (by
        default: the same text to the same audience on the same day) never queues twice."""
        key = key or messages.default_key(self.shop, audience, text)
        return self.write(lambda uow: messages.send(self.shop, uow, audience, text, key))

    # ---- draws --------------------------------------------------------------------------------

    def run_draw(self, *, seed_source: Callable[[], int] | None = None) -> DrawOutcome:
        """Draw the latest scheduled slot unless it was drawn; safe to call any number of times."""
        slot = draws.due_slot(self.shop)
        if slot is None:
            return DrawOutcome("no_slot")
        seed = (seed_source or draws.fresh_seed)()
        try:
            return self.write(lambda uow: draws.run_draw(self.shop, uow, slot, seed))
        except LedgerError:
            # Another till drew the same slot at the same moment: its UNIQUE slot won the race.
            done = self.read(lambda conn: draws.drawn_elsewhere(conn, slot))
            if done is None:
                raise
            return done

    def draw_history(self, *, limit: int | None = None) -> list[DrawRecord]:
        """Recorded draws, newest first."""
        return self.read(lambda conn: draw_rows.draw_history(conn, limit=limit))

    def recheck_draw(self, slot: str) -> DrawCheck:
        """Re-check a recorded draw from its seed, and its eligible list against the ledger."""
        return self.read(lambda conn: draws.recheck_draw(self.shop, conn, slot))

    # ---- coupons ------------------------------------------------------------------------------

    def issue_coupon(
        self, customer_id: int, value_minor: int, *, key: str | None = None,
        rng: random.Random | None = None, actor: str = "cli",
    ) -> CouponIssued:
        """Convert points into a coupon worth ``value_minor``; ``key`` makes a retry issue once."""
        check_customer_id(customer_id)
        return self.write(lambda uow: coupons.issue_coupon(
            self.shop, uow, customer_id, value_minor, key=key, rng=rng, actor=actor))

    def use_coupon(self, code: str, *, document: str | None = None) -> CouponUsed:
        """Mark a coupon used; refuses an unknown, used or expired one, naming why."""
        return self.write(lambda uow: coupons.use_coupon(self.shop, uow, code, document=document))

    def coupons(self, customer_id: int | None = None) -> list[Coupon]:
        """Coupons, newest first; of one customer when given."""
        return self.read(lambda conn: coupon_rows.list_coupons(conn, customer_id))

    # ---- awards and rewards -------------------------------------------------------------------

    def award(
        self, customer_id: int, action: str, *, referred: int | None = None,
        ref: str | None = None, actor: str = "cli",
    ) -> AwardOutcome:
        """Award ``action`` to a customer (and, for a referral, to the referred customer too)."""
        check_customer_id(customer_id)
        if referred is not None:
            check_customer_id(referred)
        return self.write(lambda uow: awards.award_action(
            self.shop, uow, customer_id, action, referred=referred, ref=ref, actor=actor))

    def claim_reward(
        self, customer_id: int, reward_id: str, *, key: str | None = None, actor: str = "cli",
    ) -> PointsRedeemed:
        """Spend a catalogue reward's price; ``key`` makes a retried click redeem once."""
        check_customer_id(customer_id)
        key = key or f"reward/{reward_id}/{uuid.uuid4()}"
        return self.write(lambda uow: rewards.claim_reward(
            self.shop, uow, customer_id, reward_id, key=key, actor=actor))

    # ---- backups ------------------------------------------------------------------------------

    def backup(self, target: Path | None = None) -> Path:
        """Copy a SQLite ledger, consistently, while tills keep selling; readable by the owner
        only. ``target`` defaults to ``backups/<name>-<time>.db`` beside the ledger."""
        source = ledger_file(self.db.url.render_as_string(hide_password=False))
        if source is None:
            raise LedgerError("This ledger is on a database server; back it up with the "
                              "server's own tools.", hint="For PostgreSQL: pg_dump.")
        if target is None:
            stamp = self.clock().astimezone(self.shop.zone).strftime("%Y-%m-%d-%H%M%S")
            target = source.parent / "backups" / f"{source.stem}-{stamp}.db"
        try:
            return backup_sqlite(source, target)
        except FileExistsError:
            raise LedgerError(f"{target} exists already.",
                              hint="Give another file name; a backup never overwrites.") from None
        except (OSError, sqlite3.Error) as exc:
            raise LedgerError(f"Cannot back up the ledger to {target}: {exc}.",
                              hint="Choose a folder you can write to.") from None

    # ---- memberships --------------------------------------------------------------------------

    def refresh_memberships(self) -> list[MembershipGranted]:
        """Grant the memberships customers' recent points reach; safe to run any time."""
        return self.write(lambda uow: memberships.refresh_memberships(self.shop, uow))

    def membership(self, customer_id: int) -> Membership | None:
        """The customer's running membership, with its level's discount, or None."""
        check_customer_id(customer_id)
        return self.read(lambda conn: memberships.membership_of(self.shop, conn, customer_id))

    def grant_membership(
        self, customer_id: int, level: str, *, reason: str, actor: str = "admin"
    ) -> MembershipGranted:
        """Grant a membership level (by id or name) by hand, e.g. to staff or a VIP, from
        today for the level's length; the reason and who granted it are kept with it."""
        check_customer_id(customer_id)
        return self.write(lambda uow: memberships.grant_membership(
            self.shop, uow, customer_id, level, reason=reason, actor=actor))

    # ---- reports ------------------------------------------------------------------------------

    def report(
        self, *, period: str = "month", since: date | None = None, until: date | None = None,
        shop: str | None = None, inactive_days: int = 30, top: int = 10,
    ) -> Report:
        """Points issued, redeemed, expired and outstanding, and the customers, per ``period``."""
        return self.read(lambda conn: reports.build_report(
            self.shop, conn, period=period, since=since, until=until, shop_id=shop,
            inactive_days=inactive_days, top=top))

    def monthly_figures(
        self, *, since: date | None = None, until: date | None = None, shop: str | None = None,
    ) -> list[MonthFigures]:
        """Points issued, redeemed, expired and outstanding (the liability) for every month."""
        return self.read(lambda conn: reports.monthly_figures(
            self.shop, conn, since=since, until=until, shop_id=shop))

    def statement(
        self, customer_id: int, *, since: date | None = None, until: date | None = None,
    ) -> Statement:
        """A customer's points statement: opening balance, each entry, closing balance."""
        check_customer_id(customer_id)
        return self.read(lambda conn: statements.statement(
            self.shop, conn, customer_id, since=since, until=until))

    # ---- self-service -------------------------------------------------------------------------

    def standing(self, customer_id: int) -> Standing:
        """What a customer may ask about: points, rewards in reach, expiry, rating, membership."""
        check_customer_id(customer_id)
        return self.read(lambda conn: self_service.standing(self.shop, conn, customer_id))

    def answer(self, sender: str, question: str = "") -> Answer | None:
        """Answer a question (points, rewards, expiry or rating) in one sentence, for the
        customer it came from: ``sender`` is the phone number or messaging key it was sent
        from. None for a sender who is not exactly one customer in the programme."""
        return self.read(
            lambda conn: self_service.answer_sender(self.shop, conn, sender, question))

    # ---- POS sync -----------------------------------------------------------------------------

    def open_pos(self, pos_db: Path | str | None = None) -> PosAdapter:
        """Open the POS the settings name; ``pos_db`` overrides its database file."""
        return sync.open_adapter(self.settings, self.plugins, pos_db)

    def sync(
        self, adapter: PosAdapter, *, batch_size: int = DEFAULT_BATCH_SIZE,
        progress: Callable[[SyncReport, PosBatch], None] | None = None,
    ) -> SyncReport:
        """Record everything new in the POS, batch by batch, resuming where the last sync ended;
        a long one reports how far it got through ``signals.sync_progress``."""
        last: list[SyncReport] = []

        def step(report: SyncReport, batch: PosBatch) -> None:
            if report.expected is not None:
                last[:] = [report]
                signals.sync_progress.send(self, done=report.documents_read,
                                           total=report.expected, finished=False, engine=self)
            if progress is not None:
                progress(report, batch)

        try:
            return sync.sync_once(self.shop, self, adapter, batch_size=batch_size, progress=step)
        finally:
            for report in last:  # also when it failed: the bar must not stay
                signals.sync_progress.send(self, done=report.documents_read,
                                           total=report.expected, finished=True, engine=self)

    def watch(
        self, adapter: PosAdapter, *, stop_event: threading.Event, interval: float = 1.0,
        batch_size: int = DEFAULT_BATCH_SIZE,
        on_report: Callable[[SyncReport], None] | None = None,
        on_error: Callable[[LoyaltyError], None] | None = None,
    ) -> None:
        """Sync every ``interval`` seconds until ``stop_event`` is set."""
        sync.watch(self.shop, self, adapter, interval=interval, stop_event=stop_event,
                   batch_size=batch_size, on_report=on_report, on_error=on_error)

    def follow_pos(
        self, stop_event: threading.Event, *, interval: float = 2.0,
        on_error: Callable[[LoyaltyError], None] | None = None,
    ) -> None:
        """Follow the POS the settings name (if any) until ``stop_event`` is set."""
        sync.watch_configured_pos(self.shop, self, self.plugins, stop_event, interval=interval,
                                  on_error=on_error)
