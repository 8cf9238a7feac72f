"""The ledger's tables, in one MetaData; Alembic migrations in ``migrations/`` build them.

Conventions:

* Points are signed integers (``BigInteger``); money is integer minor units. No floats.
* Times are UTC (``UTCDateTime``); each entry also has the shop's local ``business_date``,
  which is what expiry, reports and "today" mean to the shop.
* ``ledger_entries`` is append-only. A credit opens a row in ``point_lots`` (points remaining);
  every debit is split over lots in ``lot_allocations``. ``balances`` is a cache of both,
  rebuildable from the entries at any time.
* Every entry has a UNIQUE ``idempotency_key`` derived from its source (POS document, rule), so
  no retry, re-run or second till can post the same thing twice.
"""

from __future__ import annotations

import functools
from datetime import datetime
from datetime import timezone

import sqlalchemy as sa

from loyalty.ledger import customer_search


class UTCDateTime(sa.types.TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL alike."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the ledger stores aware UTC times")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def bind_processor(self, dialect: sa.Dialect):  # noqa: ANN201 - SQLAlchemy's signature
        """On SQLite, one function that writes the text SQLAlchemy's DATETIME writes
        (``2026-01-05 09:01:00.000000``, UTC): a POS sync binds millions of times, and the
        decorator's two-step processing costs several times this."""
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)
        utc = timezone.utc

        def process(value: datetime | None) -> str | None:
            if value is None:
                return None
            if value.tzinfo is not utc:  # refuse a naive time, convert an aware one
                value = value.astimezone(utc)
            return _sqlite_utc_text(value)

        return process

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


@functools.lru_cache(maxsize=1 << 16)
def _sqlite_utc_text(value: datetime) -> str:
    """``2026-01-05 09:01:00.000000+00:00`` less its offset (a year always has 4 digits).

    Shared by every statement: a sale's time is written to its sale, its entry and its
    customer's balance, and is turned into text once.
    """
    return value.isoformat(" ", "microseconds")[:26]


# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL wants BIGINT for a ledger.
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Points = sa.BigInteger

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# ---- Customers ------------------------------------------------------------------------------

customers = sa.Table(
    "customers",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("phone", sa.String(64)),
    # The channel that carries this customer's messages: 'whatsapp', 'messenger', ..., 'none'.
    sa.Column("platform", sa.String(32), nullable=False, server_default="none"),
    # The customer's key on that channel (CallMeBot API key); Aronium keeps it in 'Code'.
    sa.Column("messaging_key", sa.String(200)),
    # Where the customer came from ('aronium') and their id there; unique together.
    sa.Column("origin", sa.String(32)),
    sa.Column("external_id", sa.String(64)),
    sa.Column("shop_id", sa.String(64), nullable=False, server_default="main"),
    # The till whose POS database the customer came from: each till's POS numbers its own
    # customers, so customer 2 of one till and customer 2 of another are different people.
    sa.Column("till_id", sa.String(64)),
    sa.Column("created_at", UTCDateTime, nullable=False),
    # Removed customers keep their ledger history; they just stop being listed.
    sa.Column("removed_at", UTCDateTime),
    # The day and month the birthday points fall on (the year only says how old they are).
    sa.Column("birthday", sa.Date),
    sa.UniqueConstraint("origin", "shop_id", "till_id", "external_id",
                        name="uq_customers_pos_identity"),
    # A search by number finds the customer the POS knows by it without reading every row.
    sa.Index("ix_customers_external_id", "external_id"),
)
# The search index (trigrams) is the backend's own kind of object: built beside the table.
sa.event.listen(customers, "after_create",
                lambda target, connection, **_: customer_search.create_index(connection))

# The balance cache: one row per customer, locked (FOR UPDATE) by every write to that customer.
balances = sa.Table(
    "balances",
    metadata,
    sa.Column("customer_id", Id, sa.ForeignKey("customers.id"), primary_key=True),
    sa.Column("points", Points, nullable=False, server_default="0"),
    # Points earned by purchases and awards, net of refunds; redemptions do not lower it.
    sa.Column("lifetime_earned", Points, nullable=False, server_default="0"),
    sa.Column("stars", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_activity_at", UTCDateTime),
    sa.CheckConstraint("points >= 0", name="points_not_negative"),
)

# ---- Sales ----------------------------------------------------------------------------------

# One row per POS sale ever recorded: the idempotency guard for sales and the base for refunds.
sales = sa.Table(
    "sales",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("sale_key", sa.String(255), nullable=False, unique=True),
    sa.Column("customer_id", Id, sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("source", sa.String(32), nullable=False),
    sa.Column("shop_id", sa.String(64), nullable=False),
    sa.Column("till_id", sa.String(64), nullable=False),
    sa.Column("document_id", sa.String(128), nullable=False),
    sa.Column("total_minor", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    # The star level before the sale: its tier bonus applied, and a revision reuses it.
    sa.Column("stars_before", sa.Integer, nullable=False),
    sa.Column("points_earned", Points, nullable=False),
    sa.Column("refunded_minor", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("points_reversed", Points, nullable=False, server_default="0"),
    # Bumped each time the POS edits the document after it was recorded (its total changed).
    sa.Column("revision", sa.Integer, nullable=False, server_default="0"),
    sa.Column("occurred_at", UTCDateTime, nullable=False),
    sa.Column("business_date", sa.Date, nullable=False),
    sa.Column("event_id", sa.String(36), nullable=False),
    # A customer's latest sale (the comeback bonus, draw eligibility) without a scan.
    sa.Index("ix_sales_customer_id_occurred_at", "customer_id", "occurred_at"),
)

# Every refund ever applied, once, even one that moved no points (its sale earned nothing).
refunds = sa.Table(
    "refunds",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("refund_key", sa.String(255), nullable=False, unique=True),
    sa.Column("sale_id", Id, sa.ForeignKey("sales.id"), nullable=False),
    sa.Column("document_id", sa.String(128), nullable=False),
    sa.Column("amount_minor", sa.BigInteger, nullable=False),
    sa.Column("points_reversed", Points, nullable=False),
    # Of those, how many the customer had already spent, so the refund could not take them.
    sa.Column("points_unrecovered", Points, nullable=False),
    sa.Column("points_restored", Points, nullable=False),
    sa.Column("occurred_at", UTCDateTime, nullable=False),
    sa.Column("event_id", sa.String(36), nullable=False),
)

# ---- The ledger -----------------------------------------------------------------------------

ENTRY_KINDS = (
    "earn",            # credit: a purchase or an award earned points (counts toward the tier)
    "adjust",          # signed: an admin's correction, with a reason
    "redeem",          # debit: points paid for something
    "reverse_earn",    # debit: a refund took back what its sale earned
    "reverse_redeem",  # credit: a refund gave back points that paid for the sale
    "expire",          # debit: a lot reached its expiry date
    "tier_lowered",    # neither: the tier review lowered the stars (0 points, a reason saying why)
)

ledger_entries = sa.Table(
    "ledger_entries",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("customer_id", Id, sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("points", Points, nullable=False),
    # The entry's effect on lifetime points (the tier). Equals ``points`` for an earn; for a
    # refund it is the whole reversal, even the part the customer had already spent, which is
    # why an entry may move 0 points and still lower the tier.
    sa.Column("tier_points", Points, nullable=False, server_default="0"),
    sa.Column("occurred_at", UTCDateTime, nullable=False),
    sa.Column("business_date", sa.Date, nullable=False),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.Column("idempotency_key", sa.String(255), nullable=False, unique=True),
    # What caused it: 'sale', 'refund', 'redemption', 'adjustment', 'expiry', 'draw', ...
    sa.Column("source_type", sa.String(32), nullable=False),
    # The POS document number or other id of the cause, shown in the points log.
    sa.Column("source_id", sa.String(128)),
    sa.Column("sale_id", Id, sa.ForeignKey("sales.id")),
    # Which rule made an award ('base', 'tier_bonus', 'product:42'), so awards can be explained.
    sa.Column("rule_id", sa.String(64)),
    sa.Column("reverses_entry_id", Id, sa.ForeignKey("ledger_entries.id")),
    sa.Column("reason", sa.Text, nullable=False, server_default=""),
    # Who did it: 'system', 'pos:aronium', 'cli', 'user:NAME', 'plugin:NAME'.
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("shop_id", sa.String(64), nullable=False),
    sa.Column("till_id", sa.String(64), nullable=False),
    sa.Column("event_id", sa.String(36), nullable=False),
    # Every entry moves something: points, lifetime points or, for a 'tier_lowered' entry
    # (which moves neither), the stars.
    sa.CheckConstraint("CASE WHEN kind = 'tier_lowered' THEN points = 0 AND tier_points = 0 "
                       "ELSE points <> 0 OR tier_points <> 0 END", name="moves_something"),
    sa.Index("ix_ledger_entries_customer_id_id", "customer_id", "id"),
    sa.Index("ix_ledger_entries_business_date", "business_date"),
)

point_lots = sa.Table(
    "point_lots",
    metadata,
    sa.Column("entry_id", Id, sa.ForeignKey("ledger_entries.id"), primary_key=True),
    sa.Column("customer_id", Id, sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("original", Points, nullable=False),
    sa.Column("remaining", Points, nullable=False),
    sa.Column("earned_on", sa.Date, nullable=False),
    # Last business day the lot can be spent; NULL never expires.
    sa.Column("expires_on", sa.Date),
    sa.CheckConstraint("remaining >= 0 AND remaining <= original", name="remaining_in_range"),
    sa.Index("ix_point_lots_customer_open", "customer_id", "remaining"),
)

open_lot = point_lots.c.remaining > sa.literal_column("0")
"""A lot with points left, written out (not a bound 0) so the database can match it with
the partial index below."""
sa.Index("ix_point_lots_open_expires_on", point_lots.c.expires_on,
         sqlite_where=open_lot, postgresql_where=open_lot)
"""Open lots by last day: finding the due ones reads only them, however many lots expired
or were spent before."""

lot_allocations = sa.Table(
    "lot_allocations",
    metadata,
    sa.Column("debit_entry_id", Id, sa.ForeignKey("ledger_entries.id"), primary_key=True),
    sa.Column("lot_entry_id", Id, sa.ForeignKey("point_lots.entry_id"), primary_key=True),
    sa.Column("points", Points, nullable=False),
    sa.CheckConstraint("points > 0", name="points_positive"),
    sa.Index("ix_lot_allocations_lot_entry_id", "lot_entry_id"),
)

# ---- Sync state -----------------------------------------------------------------------------

# Where each POS adapter stopped reading; written in the same transaction as what it read.
sync_cursors = sa.Table(
    "sync_cursors",
    metadata,
    sa.Column("name", sa.String(128), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# ---- Outbox ---------------------------------------------------------------------------------

OUTBOX_STATUSES = ("pending", "sending", "sent", "failed")

# Messages to customers, written in the same transaction as the ledger change that causes them
# and delivered afterwards by the dispatcher (loyalty.notifications.dispatcher).
outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    # Derived from the event or occasion, so a replayed event never queues a second message.
    sa.Column("idempotency_key", sa.String(255), nullable=False, unique=True),
    sa.Column("customer_id", Id, sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("template", sa.String(64), nullable=False),
    # The channel (the customer's platform) and their key on it, as they were when queued.
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("recipient_key", sa.String(200), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    # pending: not before this time; sending: the claim's lease ends then (a crashed sender).
    sa.Column("next_attempt_at", UTCDateTime, nullable=False),
    # Why the last attempt failed, with secrets (the recipient's key) taken out.
    sa.Column("last_error", sa.Text),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("sent_at", UTCDateTime),
    sa.CheckConstraint(
        "status IN ('pending', 'sending', 'sent', 'failed')", name="status_known"
    ),
    sa.Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
)

# ---- Expiry reminders, draws, coupons -------------------------------------------------------

# Lots a customer was already warned about, so each reminder is sent once.
expiry_reminders = sa.Table(
    "expiry_reminders",
    metadata,
    sa.Column("lot_entry_id", Id, sa.ForeignKey("point_lots.entry_id"), primary_key=True),
    sa.Column("customer_id", Id, sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("expires_on", sa.Date, nullable=False),
    sa.Column("points", Points, nullable=False),
    sa.Column("reminded_at", UTCDateTime, nullable=False),
    sa.Column("event_id", sa.String(36), nullable=False),
)

# One row per lucky-draw slot, won or not: the audit record (who was eligible, the seed, the
# winner) and, by its UNIQUE slot, the guard that no slot is ever drawn twice.
draws = sa.Table(
    "draws",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    # '<shop id>/<local date and time of the slot>', e.g. 'main/2026-01-09T18:00'.
    sa.Column("slot", sa.String(128), nullable=False, unique=True),
    sa.Column("shop_id", sa.String(64), nullable=False),
    sa.Column("scheduled_for", UTCDateTime, nullable=False),
    sa.Column("drawn_at", UTCDateTime, nullable=False),
    # The seed of the random choice, as decimal text (a 64-bit unsigned number).
    sa.Column("seed", sa.String(40), nullable=False),
    # The eligible customer ids, as a JSON list in the order the choice was made from.
    sa.Column("eligible", sa.Text, nullable=False),
    sa.Column("eligible_days", sa.Integer, nullable=False),
    sa.Column("winner_customer_id", Id, sa.ForeignKey("customers.id")),
    sa.Column("prize_points", Points, nullable=False),
    sa.Column("entry_id", Id, sa.ForeignKey("ledger_entries.id")),
    sa.Column("event_id", sa.String(36), nullable=False),
)

# Coupons bought with points; ``used_at`` is set once, by a conditional UPDATE.
coupons = sa.Table(
    "coupons",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(32), nullable=False, unique=True),
    sa.Column("customer_id", Id, sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("value_minor", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("points", Points, nullable=False),
    sa.Column("issued_at", UTCDateTime, nullable=False),
    # Last business day the coupon can be used; NULL never expires.
    sa.Column("expires_on", sa.Date),
    sa.Column("used_at", UTCDateTime),
    sa.Column("used_document", sa.String(128)),
    sa.Column("entry_id", Id, sa.ForeignKey("ledger_entries.id"), nullable=False),
    sa.Column("event_id", sa.String(36), nullable=False),
    sa.CheckConstraint("value_minor > 0", name="value_positive"),
)

# Memberships reached by points: one row per grant, each with its own expiry date.
memberships = sa.Table(
    "memberships",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("customer_id", Id, sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("level_id", sa.String(64), nullable=False),
    sa.Column("since", sa.Date, nullable=False),
    # Last business day the membership holds.
    sa.Column("expires_on", sa.Date, nullable=False),
    sa.Column("granted_at", UTCDateTime, nullable=False),
    sa.Column("event_id", sa.String(36), nullable=False),
    # Why and by whom a membership was granted by hand; NULL when the points reached it.
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("granted_by", sa.String(64), nullable=True),
    sa.UniqueConstraint("customer_id", "level_id", "since",
                        name="uq_memberships_customer_level_since"),
    sa.Index("ix_memberships_customer_id_expires_on", "customer_id", "expires_on"),
)

# ---- Jobs that run by themselves ----------------------------------------------------------

# One row per job and slot: a scheduled job claims its slot by inserting the row in the same
# transaction as its work, so the UNIQUE (job, slot) is the lock that keeps two processes (the
# window and 'loyalty watch', two tills) from running a slot twice.
job_runs = sa.Table(
    "job_runs",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("job", sa.String(64), nullable=False),
    sa.Column("slot", sa.String(128), nullable=False),
    # 'running' only inside the claiming transaction; committed rows are 'ok' or 'failed'.
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("finished_at", UTCDateTime, nullable=False),
    sa.Column("result", sa.Text, nullable=False),
    sa.Column("runner", sa.String(128), nullable=False),
    sa.UniqueConstraint("job", "slot", name="uq_job_runs_job_slot"),
    sa.Index("ix_job_runs_job_finished_at", "job", "finished_at"),
)
