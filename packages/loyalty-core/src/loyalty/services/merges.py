"""Merging a customer entered twice into the one the shop keeps.

The points move as entries, so both points logs tell what happened: each open lot of the
merged customer is debited ("Merged into customer 5 (Ann)") and credited to the kept customer
with the same last day ("Merged from customer 9 (Ann P)"). Their lifetime points move in
entries that move no points, one pair per business day they were earned on, so a tier
review's or a membership's months count them where they were earned. Sales, coupons and
memberships then belong to the kept customer (a later refund of a merged sale takes back from
them), a customer the POS knows passes that identity on (the POS's later sales for that card
earn for the kept customer), and the merged customer is removed. Nothing is counted twice: the
kept balance is the sum of both, and entries, lots and cached balances agree as before.
"""

from __future__ import annotations

from typing import Any

import attrs

from loyalty.domain.errors import LoyaltyError
from loyalty.domain.events import PointsAdjusted
from loyalty.domain.records import Customer
from loyalty.domain.shop import Shop
from loyalty.domain.wording import points_text
from loyalty.ledger import customers
from loyalty.ledger import duplicate_customers
from loyalty.ledger.unit_of_work import UnitOfWork
from loyalty.services.points import entry_columns
from loyalty.services.points import follow_stars


@attrs.frozen
class MergeOutcome:
    """What a merge moved to the kept customer."""

    kept: Customer
    merged: Customer
    points: int
    lifetime_points: int
    sales: int
    coupons: int
    memberships: int

    def summary(self) -> str:
        return (f"Merged customer {self.merged.id} ({self.merged.name}) into customer "
                f"{self.kept.id} ({self.kept.name}): {points_text(self.points)}, "
                f"{self.sales} sales, {self.coupons} coupons, {self.memberships} memberships "
                f"moved; customer {self.merged.id} is removed.")


def _check_mergeable(conn: Any, keep_id: int, merge_id: int) -> tuple[Customer, Customer]:
    """Both customers, still in the programme, and at most one of them known to the POS."""
    kept, merged = customers.get_customer(conn, keep_id), customers.get_customer(conn, merge_id)
    for customer in (kept, merged):
        if customer.removed_at is not None:
            raise LoyaltyError(f"Customer {customer.id} ({customer.name}) was removed.",
                               hint="Merge two customers who are still in the programme.")
    if kept.external_id is not None and merged.external_id is not None:
        raise LoyaltyError(
            f"Customers {keep_id} and {merge_id} are both customers of the POS "
            f"({kept.origin} {kept.external_id} and {merged.origin} {merged.external_id}): "
            "the POS would go on giving sales to both.",
            hint="Merge them in the POS first; the sync then brings one of them.")
    return kept, merged


SOURCE_TYPE = "merge"
"""The source of the entries a merge posts, in both customers' points logs."""


def merge(
    shop: Shop, uow: UnitOfWork, keep_id: int, merge_id: int, *, actor: str,
) -> MergeOutcome:
    """Move customer ``merge_id``'s points, lifetime points, sales, coupons and memberships to
    ``keep_id`` and remove ``merge_id``."""
    conn = uow.connection
    if keep_id == merge_id:
        raise LoyaltyError(f"Customer {keep_id} cannot be merged into itself.",
                           hint="Pick two different customers.")
    now = shop.now()
    today = shop.business_date(now)
    posting = uow.posting
    posting.load_accounts(sorted((keep_id, merge_id)))  # one lock order: no deadlock
    # Checked under the locks: a merge the other way round may have removed one meanwhile.
    kept, merged = _check_mergeable(conn, keep_id, merge_id)
    into, out = posting.account(keep_id), posting.account(merge_id)
    key = f"merge/{merge_id}/{keep_id}"

    def columns(part: str, reason: str) -> dict[str, Any]:
        return dict(kind="adjust", business_date=today, occurred_at=now,
                    source_type=SOURCE_TYPE, reason=reason, actor=actor,
                    **entry_columns(shop, f"{key}/{part}", PointsAdjusted))

    gone = f"Merged into customer {keep_id} ({kept.name})"
    came = f"Merged from customer {merge_id} ({merged.name})"
    moved = 0
    for lot in sorted(posting.open_lots(merge_id).values(), key=lambda lot: lot.id):
        if lot.remaining <= 0:
            continue
        points = lot.remaining
        posting.debit_lot(out, lot.id, points, source_id=str(keep_id),
                          **columns(f"out/{lot.id}", gone))
        posting.credit(into, points, expires_on=lot.expires_on, source_id=str(merge_id),
                       **columns(f"in/{lot.id}", came))
        moved += points
    lifetime = out.lifetime_earned
    by_day = duplicate_customers.tier_points_by_day(conn, merge_id)
    rest = lifetime - sum(points for _, points in by_day)  # a floor at 0 the entries don't see
    moves = [(f"tier/{day.isoformat()}", day, points) for day, points in by_day]
    for part, day, points in [*moves, ("tier/rest", today, rest)] if rest else moves:
        # Each day's on its own day: the months a tier review or a membership counts see them
        # as they were earned, not as earned on the day of the merge.
        posting.move_tier(out, -points, source_id=str(keep_id),
                          **{**columns(f"{part}/out", f"{gone}: lifetime points"),
                             "business_date": day})
        posting.move_tier(into, points, source_id=str(merge_id),
                          **{**columns(f"{part}/in", f"{came}: lifetime points"),
                             "business_date": day})
    out.stars = 0
    raised = follow_stars(shop, posting, into, occurred_at=now, cause_key=key)
    if raised is not None:
        uow.events.append(raised)
    posting.flush()  # the entries before the sales they refer to change hands
    rows = duplicate_customers.move_rows(conn, merge_id, keep_id)
    if merged.external_id is not None:  # the POS's later sales for this card earn for the kept
        duplicate_customers.move_pos_identity(conn, merge_id, keep_id)
    merged = customers.update_customer(conn, merge_id, removed_at=now)
    return MergeOutcome(kept=kept, merged=merged, points=moved, lifetime_points=lifetime,
                        sales=rows["sales"], coupons=rows["coupons"],
                        memberships=rows["memberships"])
