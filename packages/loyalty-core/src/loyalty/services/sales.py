"""Recording a POS's sales and refunds: earning, edits, refunds and points paid back.

``SaleRecorder`` applies the facts of one batch inside one unit of work: it reads what the
batch needs in a few queries (customers, sales, refunds, redemptions), then posts each fact in
order, keeping per-batch state so that a sale and its refund in the same batch agree.
"""

from __future__ import annotations

import functools
from datetime import date

import attrs

from loyalty.domain.bounds import fact_problem
from loyalty.domain.events import EarnReversed
from loyalty.domain.events import Event
from loyalty.domain.events import PointsEarned
from loyalty.domain.events import PosFact
from loyalty.domain.events import RedemptionReversed
from loyalty.domain.events import SaleDeleted
from loyalty.domain.events import SaleRecorded
from loyalty.domain.events import SaleRefunded
from loyalty.domain.records import PosOrigin
from loyalty.domain.records import Sale
from loyalty.domain.rules import campaigns
from loyalty.domain.rules import earning
from loyalty.domain.rules.lots import expiry_date
from loyalty.domain.shop import Shop
from loyalty.ledger import customers as customer_rows
from loyalty.ledger import entries as entry_rows
from loyalty.ledger import sales as sale_rows
from loyalty.ledger.posting import Account
from loyalty.ledger.unit_of_work import UnitOfWork
from loyalty.services.awards import give_award
from loyalty.services.campaigns import SaleCampaigns
from loyalty.services.expiry import expire_lot
from loyalty.services.points import follow_stars


@attrs.frozen
class Outcome:
    """What the engine did with one fact from a POS."""

    fact: PosFact
    status: str
    """``recorded``, ``revised`` (an edited document), ``duplicate`` or ``skipped``."""
    events: tuple[Event, ...] = ()
    reason: str = ""
    points: int = 0
    """Net change of the customer's balance."""


class SaleRecorder:
    """Applies a list of POS facts inside one posting; keeps per-batch state."""

    def __init__(
        self, shop: Shop, uow: UnitOfWork, *, known: dict[tuple[PosOrigin, str], int],
        external: dict[tuple[PosOrigin, str], int],
    ) -> None:
        self.shop = shop
        self.settings = shop.settings
        self.conn = uow.connection
        self.posting = uow.posting
        self.events = uow.events
        self.known = known
        """POS customers earlier transactions committed: a POS customer keeps their ledger
        id for ever, so each is looked up once per engine."""
        self.external = external
        """POS customers this transaction found or imported: known to the engine once it
        commits."""
        self.sales: dict[str, Sale] = {}
        self.refunded: set[str] = set()
        self.redeemed: dict[tuple[int, str], int] = {}
        """Points redeemed for a POS document, by (customer, document), for refunds."""
        self.restored: dict[tuple[int, str], int] = {}
        """Of those, points refunds already gave back."""
        self.removed: set[int] = set()
        """Customers of the batch who were removed: their sales earn nothing."""
        self.campaigns = SaleCampaigns(shop, self.conn)
        self.uow = uow
        self.welcomed: set[int] = set()
        """Customers of the batch the welcome bonus is not for (any more): they earned on an
        earlier sale or had their ``register`` points by hand."""

    def apply(self, facts: list[PosFact]) -> list[Outcome]:
        problems = [fact_problem(fact) for fact in facts]
        skipped = {i: Outcome(fact, "skipped", reason=f"out of bounds: {problem}")
                   for i, (fact, problem) in enumerate(zip(facts, problems)) if problem}
        facts = [fact for fact, problem in zip(facts, problems) if not problem]
        customers = self._preload(facts)
        outcomes = iter([self._apply(fact, customer) for fact, customer in zip(facts, customers)])
        return [skipped[i] if i in skipped else next(outcomes) for i in range(len(problems))]

    def _apply(self, fact: PosFact, customer: int | None) -> Outcome:
        if isinstance(fact, SaleRecorded):
            return self._sale(fact, customer)
        if isinstance(fact, SaleDeleted):
            return self._deleted(fact)
        if not fact.original_document_id:
            return self._unreferenced_refund(fact, customer)
        return self._refund(fact)

    def _preload(self, facts: list[PosFact]) -> list[int | None]:
        """Read what the batch needs in a few queries, not one per fact; returns each fact's
        customer (None for a refund of a sale, or a customer not in the ledger)."""
        wanted: dict[PosOrigin, set[str]] = {}
        for fact in facts:
            external = _external_customer(fact)
            if external is not None:
                key = (_origin_of(fact), external)
                if key not in self.external and key not in self.known:
                    wanted.setdefault(key[0], set()).add(key[1])
        for origin, ids in wanted.items():
            found = customer_rows.find_external_ids(self.conn, origin, ids)
            self.external.update({(origin, ext): cid for ext, cid in found.items()})
        customers = [self._customer_of(fact) for fact in facts]
        self.removed = customer_rows.removed_among(
            self.conn, {c for c in customers if c is not None})
        if self.settings.campaigns.actions.register > 0:
            self._preload_welcomed({c for f, c in zip(facts, customers)
                                    if c is not None and isinstance(f, SaleRecorded)})
        refunds_in_batch = [f for f in facts if isinstance(f, SaleRefunded | SaleDeleted)]
        refunded_keys = {f.sale_key for f in refunds_in_batch}
        self._preload_former_keys(facts)
        refunded_sales = sale_rows.sales_by_key(self.conn, refunded_keys)
        self.posting.load_accounts(
            {c for c in customers if c is not None}
            | {s.customer_id for s in refunded_sales.values()}
        )
        # Read sales and refunds only once their customers are locked: what another till
        # recorded meanwhile is committed by then, so it is a duplicate here, not a clash.
        self.sales.update(sale_rows.sales_by_key(self.conn, [f.sale_key for f in facts]))
        # Who may get points back or lose them: the customers of refunded sales, and of
        # edited sales that were refunded before (an edit moves the refunded share).
        refunders = {s.customer_id for s in refunded_sales.values()} | {
            customer for fact, customer in zip(facts, customers)
            if customer is not None and fact.sale_key in refunded_keys} | {
            self.sales[fact.sale_key].customer_id for fact in facts
            if isinstance(fact, SaleRecorded) and fact.sale_key in self.sales
            and self.sales[fact.sale_key].refunded_minor > 0}
        if refunds_in_batch:
            self.refunded.update(sale_rows.refunded_keys(
                self.conn, [f.refund_key for f in refunds_in_batch]))
            unreferenced = [f for f in refunds_in_batch
                            if isinstance(f, SaleRefunded) and not f.original_document_id]
            self.refunded.update(k.removesuffix(_TAKE_BACK) for k in entry_rows.existing_entry_keys(
                self.conn, [f.refund_key + _TAKE_BACK for f in unreferenced]))
            refunders |= {c for f, c in zip(facts, customers)
                          if c is not None and isinstance(f, SaleRefunded)}
        if refunders:
            self.posting.load_open_lots(refunders)
            self._preload_redemptions(refunders)
        return customers

    def _preload_welcomed(self, customer_ids: set[int]) -> None:
        """Which customers of the batch a first earning sale would not welcome: two queries
        a batch, and only while the shop gives a welcome bonus."""
        register_keys = {f"action/register/{c}": c for c in customer_ids}
        self.welcomed |= sale_rows.customers_who_earned(self.conn, customer_ids)
        self.welcomed |= {register_keys[k] for k in
                          entry_rows.existing_entry_keys(self.conn, register_keys)}

    def _preload_redemptions(self, customer_ids: set[int]) -> None:
        """Points these customers paid for POS documents with, and got back by refunds."""
        redeemed, restored = sale_rows.redemptions_by_document(self.conn, customer_ids)
        self.redeemed.update(redeemed)
        self.restored.update(restored)

    def _preload_former_keys(self, facts: list[PosFact]) -> None:
        """Sales recorded under a document's former key (before its adapter added a year),
        taken as the same sale when they happened at the same moment: an edit of a document
        synced before the change is a revision, not a second sale."""
        former = {f.former_document_id: f for f in facts
                  if isinstance(f, SaleRecorded) and f.former_document_id}
        if not former:
            return
        keys = {f"sale/{f.source}/{f.shop_id}/{f.till_id}/{old}": f for old, f in former.items()}
        for key, sale in sale_rows.sales_by_key(self.conn, keys).items():
            fact = keys[key]
            if sale.occurred_at == fact.occurred_at:
                self.sales.setdefault(fact.sale_key, sale)

    def _customer_of(self, fact: PosFact) -> int | None:
        if isinstance(fact, SaleRecorded) and fact.customer_id is not None:
            return fact.customer_id
        external = _external_customer(fact)
        if external is None:
            return None
        key = (_origin_of(fact), external)
        return self.external.get(key) or self.known.get(key)

    def _common(self, fact: PosFact, key: str, event_id: str) -> dict:
        """Entry columns that come from the POS fact itself."""
        return {"occurred_at": fact.occurred_at, "idempotency_key": key,
                "actor": "pos:" + fact.source, "shop_id": fact.shop_id, "till_id": fact.till_id,
                "event_id": event_id}

    # ---- sales ------------------------------------------------------------------------------

    def _sale(self, sale: SaleRecorded, customer_id: int | None) -> Outcome:
        if customer_id is None:
            return Outcome(sale, "skipped", reason="the customer is not in the ledger")
        if customer_id in self.removed:
            return Outcome(sale, "skipped", reason=f"customer {customer_id} was removed")
        sale_key = sale.sale_key
        earlier = self.sales.get(sale_key)
        if earlier is not None:
            return self._revise(sale, customer_id, earlier)
        account = self.posting.account(customer_id)
        if sale.currency != self.shop.currency.code:
            return Outcome(sale, "skipped", reason=f"sale in {sale.currency}, shop keeps "
                           f"{self.shop.currency.code}")
        stars_before = account.stars
        awards = earning.awards_for_sale(
            sale, self.settings.earning, self.settings.tiers, stars_before, self.shop.currency
        )
        awards += self.campaigns.awards_for(sale, customer_id, awards)
        total = sum([a.points for a in awards])
        business_date = self.shop.business_date(sale.occurred_at)
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
        events += self._welcome(sale, customer_id, total, business_date)
        return Outcome(sale, "recorded", events=tuple(events), points=_net(events))

    def _welcome(self, sale: SaleRecorded, customer_id: int, earned: int,
                 business_date: date) -> list[Event]:
        """The welcome bonus of a customer's first earning sale, in this sale's transaction."""
        award = campaigns.welcome_award(
            customer_id, self.settings.campaigns.actions, sale_points=earned,
            welcomed=customer_id in self.welcomed, today=business_date)
        if earned > 0:
            self.welcomed.add(customer_id)
        if award is None:
            return []
        before = len(self.events)
        give_award(self.shop, self.uow, award, today=business_date,
                   occurred_at=sale.occurred_at, actor="pos:" + sale.source,
                   source_id=sale.document_id)
        return self.events[before:]

    def _earn(
        self,
        sale: SaleRecorded,
        account: Account,
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
        raised = follow_stars(self.shop, self.posting, account, occurred_at=sale.occurred_at,
                              cause_key=key)
        events: list[Event] = [PointsEarned(
            occurred_at=sale.occurred_at, customer_id=account.customer_id,
            points=total, balance=account.points,
            idempotency_key=key, business_date=business_date, event_id=event_id,
            reason=f"Sale {sale.document_id}", breakdown={a.rule_id: a.points for a in awards},
            source_id=sale.document_id, stars=account.stars, max_stars=self.shop.max_stars,
        )]
        if raised is not None:
            events.append(raised)
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
            self.shop.currency,
        )
        awards += self.campaigns.awards_for(sale, customer_id, awards)
        new_total = sum(a.points for a in awards)
        # Money already refunded stays refunded: it takes back its share of the new total (and
        # gives back its share of the points that paid for the sale), so a revision moves only
        # the difference in what the sale is worth net of its refunds.
        new_reversed = earning.share_returned(new_total, sale.total_minor, earlier.refunded_minor)
        delta = (new_total - new_reversed) - (earlier.points_earned - earlier.points_reversed)
        revision = earlier.revision + 1
        key = f"{sale.sale_key}#rev:{revision}"
        business_date = self.shop.business_date(sale.occurred_at)
        revised = attrs.evolve(
            earlier, total_minor=sale.total_minor, points_earned=new_total, revision=revision,
            points_reversed=new_reversed,
        )
        reason = f"Document {sale.document_id} edited"
        events: list[Event] = []
        # Give back before taking back, so what is taken back can come from what was given.
        events += self._restore_paid_points(sale, revised, account, f"{key}:reverse_redeem",
                                            business_date, reason=reason, credits=True)
        if delta > 0:
            events += self._earn(
                sale, account, [earning.Award("revision", delta, reason)],
                delta, key, business_date, earlier.id,
            )
        elif delta < 0:
            events.append(self._take_back(
                sale, account, -delta, key, business_date, earlier.id, reason=reason,
            ))
        events += self._restore_paid_points(sale, revised, account, f"{key}:reverse_redeem",
                                            business_date, reason=reason, credits=False)
        self.posting.update_sale(
            earlier.id, total_minor=sale.total_minor, points_earned=new_total,
            revision=revision, points_reversed=new_reversed,
        )
        self.sales[sale.sale_key] = revised
        return Outcome(sale, "revised", events=tuple(events), points=_net(events),
                       reason=f"total changed to {sale.total_minor}")

    def _take_back(
        self, fact: PosFact, account: Account, points: int, key: str,
        business_date: date, sale_id: int | None, *, reason: str,
    ) -> EarnReversed:
        """Reverse earned points, from the sale's own lots first; never below a zero balance."""
        take = min(points, account.points)
        self.posting.debit(
            account, take, kind="reverse_earn", business_date=business_date,
            prefer_sale_id=sale_id, tier_points=-points, source_type="refund",
            source_id=getattr(fact, "document_id", None), sale_id=sale_id, reason=reason,
            **self._common(fact, key, EarnReversed.id_for(key)),
        )
        follow_stars(self.shop, self.posting, account, occurred_at=fact.occurred_at,
                     cause_key=key)
        event = EarnReversed(
            occurred_at=fact.occurred_at, customer_id=account.customer_id, points=-take,
            balance=account.points, idempotency_key=key, business_date=business_date,
            reason=reason, source_id=getattr(fact, "document_id", None),
            unrecovered=points - take,
        )
        self.events.append(event)
        return event

    # ---- refunds ----------------------------------------------------------------------------

    def _deleted(self, deleted: SaleDeleted) -> Outcome:
        """A deleted sale is refunded in full: what was not refunded yet goes back, with the
        points it earned and those that paid for it, as a refund's would."""
        if deleted.refund_key in self.refunded:
            return Outcome(deleted, "duplicate", reason="already taken back")
        sale = self.sales.get(deleted.sale_key)
        if sale is None:
            return Outcome(deleted, "skipped", reason=(
                f"deleted document {deleted.document_id} earned no points here"))
        remaining = sale.total_minor - sale.refunded_minor
        if remaining <= 0:
            return Outcome(deleted, "skipped", reason=(
                f"deleted document {deleted.document_id} was refunded in full already"))
        refund = SaleRefunded(
            occurred_at=deleted.occurred_at, source=deleted.source, shop_id=deleted.shop_id,
            till_id=deleted.till_id, document_id=f"{deleted.document_id}#deleted",
            original_document_id=deleted.document_id, amount_minor=remaining,
            currency=self.shop.currency.code, event_id=deleted.event_id,
        )
        outcome = self._refund(refund, because=f"Sale {deleted.document_id} deleted in the POS")
        return attrs.evolve(outcome, fact=deleted)

    def _unreferenced_refund(self, refund: SaleRefunded, customer_id: int | None) -> Outcome:
        """A refund that names no sale but a customer takes back what its amount earns now
        (base rate and the customer's tier bonus: ``earning.awards_for_sale`` of a sale of
        that amount without lines), never below a zero balance."""
        if refund.refund_key in self.refunded:
            return Outcome(refund, "duplicate", reason="already recorded")
        if customer_id is None:
            return Outcome(refund, "skipped", reason="the refund names no sale and no customer "
                           "in the ledger")
        if refund.currency != self.shop.currency.code:
            return Outcome(refund, "skipped", reason=f"refund in {refund.currency}, shop keeps "
                           f"{self.shop.currency.code}")
        account = self.posting.account(customer_id)
        as_sale = SaleRecorded(
            occurred_at=refund.occurred_at, source=refund.source, shop_id=refund.shop_id,
            till_id=refund.till_id, document_id=refund.document_id,
            total_minor=refund.amount_minor, currency=refund.currency, customer_id=customer_id)
        points = sum(a.points for a in earning.awards_for_sale(
            as_sale, self.settings.earning, self.settings.tiers, account.stars,
            self.shop.currency))
        self.refunded.add(refund.refund_key)
        if not points:
            return Outcome(refund, "recorded", reason="its amount earns no points")
        event = self._take_back(
            refund, account, points, refund.refund_key + _TAKE_BACK,
            self.shop.business_date(refund.occurred_at), None,
            reason=f"Refund {refund.document_id} names no sale: takes back what "
                   f"{self.shop.format_money(refund.amount_minor)} earns")
        return Outcome(refund, "recorded", events=(event,), points=event.points)

    def _refund(self, refund: SaleRefunded, *, because: str = "") -> Outcome:
        """``because``: the reason the entries give, instead of naming the refund."""
        if refund.refund_key in self.refunded:
            return Outcome(refund, "duplicate", reason="already recorded")
        sale = self.sales.get(refund.sale_key)
        if sale is None:
            return Outcome(refund, "skipped", reason=(
                f"refunds document {refund.original_document_id}, which earned no points here "
                "(no customer, or never recorded)"))
        account = self.posting.account(sale.customer_id)
        business_date = self.shop.business_date(refund.occurred_at)
        reversal = earning.reversal_for_refund(
            sale.points_earned, sale.total_minor, sale.refunded_minor, refund.amount_minor,
            sale.points_reversed,
        )
        # The money refunded so far, not capped at the total: an edit that raises the total
        # later still knows how much of it went back.
        refunded = attrs.evolve(sale, refunded_minor=sale.refunded_minor + refund.amount_minor,
                                points_reversed=sale.points_reversed + reversal)
        reason = because or f"Refund {refund.document_id} of sale {sale.document_id}"
        # Give back before taking back: the points that paid for the sale are the customer's
        # again before the points the sale earned are taken from the balance.
        events = self._restore_paid_points(
            refund, refunded, account, f"{refund.refund_key}#reverse_redeem", business_date,
            reason=(f"{because}: points paid for it returned" if because else
                    f"Refund {refund.document_id} returns points paid for sale "
                    f"{sale.document_id}"), credits=True)
        restored = sum(e.points for e in events if isinstance(e, RedemptionReversed))
        taken = 0
        if reversal:
            event = self._take_back(
                refund, account, reversal, refund.refund_key + _TAKE_BACK, business_date,
                sale.id, reason=reason,
            )
            taken = -event.points
            events.append(event)
        self.posting.update_sale(
            sale.id, refunded_minor=refunded.refunded_minor,
            points_reversed=refunded.points_reversed,
        )
        self.posting.add_refund({
            "refund_key": refund.refund_key, "sale_id": sale.id,
            "document_id": refund.document_id, "amount_minor": refund.amount_minor,
            "points_reversed": reversal, "points_unrecovered": reversal - taken,
            "points_restored": restored,
            "occurred_at": refund.occurred_at, "event_id": refund.event_id,
        })
        self.refunded.add(refund.refund_key)
        self.sales[refund.sale_key] = refunded
        return Outcome(refund, "recorded", events=tuple(events), points=_net(events))

    # ---- points that paid for a sale --------------------------------------------------------

    def _restore_paid_points(
        self, fact: PosFact, sale: Sale, account: Account, key: str,
        business_date: date, *, reason: str, credits: bool,
    ) -> list[Event]:
        """Bring the points given back for the points that paid for ``sale`` to its refunded
        share (``earning.share_returned``): with ``credits`` only if that gives back, else only
        if it takes back (an edit raising the total of a refunded sale), never below zero.

        Restored points keep the last day of the lots they were paid from (the latest of
        them): a refund never lengthens their life. If that day has passed, they expire at
        once, and the outcome says so with a ``PointsExpired`` beside the ``RedemptionReversed``.
        """
        paid_for = (sale.customer_id, sale.document_id)
        redeemed = self.redeemed.get(paid_for, 0)
        restored_before = self.restored.get(paid_for, 0)
        change = earning.share_returned(redeemed, sale.total_minor, sale.refunded_minor) \
            - restored_before
        if credits and change > 0:
            return self._give_back(fact, sale, account, change, key, business_date, reason)
        if not credits and change < 0 and account.points > 0:
            take = min(-change, account.points)
            self.posting.debit(
                account, take, kind="reverse_redeem", business_date=business_date,
                source_type="refund", source_id=sale.document_id, sale_id=sale.id,
                reason=reason, **self._common(fact, key, RedemptionReversed.id_for(key)),
            )
            return [self._restored(fact, account, -take, key, business_date, reason, sale)]
        return []

    def _give_back(
        self, fact: PosFact, sale: Sale, account: Account, points: int,
        key: str, business_date: date, reason: str,
    ) -> list[Event]:
        expiries = sale_rows.expiries_of_points_paid(self.conn, sale.customer_id,
                                                     sale.document_id)
        expires_on = None if None in expiries or not expiries else max(expiries)
        lot_id = self.posting.credit(
            account, points, kind="reverse_redeem", business_date=business_date,
            expires_on=expires_on, source_type="refund", source_id=sale.document_id,
            sale_id=sale.id, reason=reason,
            **self._common(fact, key, RedemptionReversed.id_for(key)),
        )
        events: list[Event] = [
            self._restored(fact, account, points, key, business_date, reason, sale)]
        today = self.shop.business_date(self.posting.recorded_at)
        if expires_on is not None and expires_on < today:
            # Given back after their last day: expired at once, as the expiry job would.
            expired = expire_lot(
                self.shop, self.posting, account, lot_id, points, today=today,
                reason=f"Points given back after their last day {expires_on} expired")
            self.events.append(expired)
            events.append(expired)
        return events

    def _restored(
        self, fact: PosFact, account: Account, points: int, key: str,
        business_date: date, reason: str, sale: Sale,
    ) -> RedemptionReversed:
        paid_for = (sale.customer_id, sale.document_id)
        self.restored[paid_for] = self.restored.get(paid_for, 0) + points
        event = RedemptionReversed(
            occurred_at=fact.occurred_at, customer_id=account.customer_id, points=points,
            balance=account.points, idempotency_key=key, business_date=business_date,
            reason=reason, source_id=sale.document_id,
        )
        self.events.append(event)
        return event


def _net(events: list[Event]) -> int:
    """The change of the balance a fact's events add up to."""
    return sum(getattr(e, "points", 0) for e in events)


_TAKE_BACK = "#reverse_earn"
"""The suffix of a refund's key that names its entry taking back earned points."""


def _external_customer(fact: PosFact) -> str | None:
    """The POS customer a fact names, when the ledger has to find them."""
    if isinstance(fact, SaleRecorded) and fact.customer_id is None:
        return fact.external_customer_id
    if isinstance(fact, SaleRefunded) and not fact.original_document_id:
        return fact.external_customer_id
    return None


def _origin_of(fact: PosFact) -> PosOrigin:
    """The POS database a fact's ``external_customer_id`` is numbered in."""
    return _origin(fact.source, fact.shop_id, fact.till_id)


_origin = functools.lru_cache(maxsize=256)(PosOrigin)
"""One ``PosOrigin`` per POS database, not one per sale of a sync."""
