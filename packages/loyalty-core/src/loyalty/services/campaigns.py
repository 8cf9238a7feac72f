"""Campaign awards at the moment a sale earns: multipliers and the comeback bonus.

The engine's batch asks ``SaleCampaigns.awards_for`` for the extra awards of each sale (and of
each revised sale, so an edited document keeps its campaign points); they are posted like every
other award, one ledger entry per rule.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime

import sqlalchemy as sa

from loyalty.domain.events import SaleRecorded
from loyalty.domain.rules import campaigns
from loyalty.domain.rules.earning import Award
from loyalty.domain.shop import Shop
from loyalty.ledger import sales as sale_rows


class SaleCampaigns:
    """Campaign awards for the sales of one batch (one transaction)."""

    def __init__(self, shop: Shop, conn: sa.Connection) -> None:
        self.shop = shop
        self.conn = conn
        self.rules = shop.settings.campaigns
        self._batch_visits: dict[int, list[tuple[datetime, str, date]]] = {}
        """Sales of this batch not yet flushed, per customer: (occurred_at, sale_key, day)."""

    def awards_for(self, sale: SaleRecorded, customer_id: int, awards: list[Award]) -> list[Award]:
        """Extra awards for a sale whose own ``awards`` are given; none for a sale earning none."""
        if not awards:
            return []
        extra = []
        if self.rules.multipliers:
            local = sale.occurred_at.astimezone(self.shop.zone)
            base = sum(a.points for a in awards if a.rule_id == "base")
            extra = campaigns.multiplier_awards(base, local, self.rules.multipliers)
        if self.rules.comeback.points > 0:
            today = self.shop.business_date(sale.occurred_at)
            bonus = campaigns.comeback_award(self._last_visit(sale, customer_id), today,
                                             self.rules.comeback)
            if bonus is not None:
                extra.append(bonus)
            self._batch_visits.setdefault(customer_id, []).append(
                (sale.occurred_at, sale.sale_key, today))
        return extra

    def _last_visit(self, sale: SaleRecorded, customer_id: int) -> date | None:
        """The business day of the customer's latest other sale before this one."""
        stored = sale_rows.last_visit(self.conn, customer_id, before=sale.occurred_at,
                                      other_than=sale.sale_key)
        in_batch = [day for at, key, day in self._batch_visits.get(customer_id, ())
                    if at < sale.occurred_at and key != sale.sale_key]
        return max([d for d in (stored, *in_batch) if d is not None], default=None)
