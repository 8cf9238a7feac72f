"""Campaign awards at the moment a sale earns: multipliers and the comeback bonus.

The engine's batch asks ``SaleCampaigns.awards_for`` for the extra awards of each sale (and of
each revised sale, so an edited document keeps its campaign points); they are posted like every
other award, one ledger entry per rule.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from loyalty.domain.events import SaleRecorded
from loyalty.ledger import schema
from loyalty.domain.rules import campaigns
from loyalty.domain.rules.earning import Award

if TYPE_CHECKING:
    from loyalty.engine import Engine


_s = schema.sales
_LAST_VISIT = sa.select(sa.func.max(_s.c.business_date)).where(
    _s.c.customer_id == sa.bindparam("customer"), _s.c.occurred_at < sa.bindparam("before"),
    _s.c.sale_key != sa.bindparam("key"),
)
"""Built once: a batch asks it for every sale, and building it costs more than running it."""


class SaleCampaigns:
    """Campaign awards for the sales of one batch (one transaction)."""

    def __init__(self, engine: Engine, conn: sa.Connection) -> None:
        self.engine = engine
        self.conn = conn
        self.rules = engine.settings.campaigns
        zone = engine.settings.shop.timezone
        self.zone = ZoneInfo(zone) if zone else None
        self._batch_visits: dict[int, list[tuple[datetime, str, date]]] = {}
        """Sales of this batch not yet flushed, per customer: (occurred_at, sale_key, day)."""

    def awards_for(self, sale: SaleRecorded, customer_id: int, awards: list[Award]) -> list[Award]:
        """Extra awards for a sale whose own ``awards`` are given; none for a sale earning none."""
        if not awards:
            return []
        extra = []
        if self.rules.multipliers:
            local = sale.occurred_at.astimezone(self.zone)
            base = sum(a.points for a in awards if a.rule_id == "base")
            extra = campaigns.multiplier_awards(base, local, self.rules.multipliers)
        if self.rules.comeback.points > 0:
            today = self.engine.business_date(sale.occurred_at)
            bonus = campaigns.comeback_award(self._last_visit(sale, customer_id), today,
                                             self.rules.comeback)
            if bonus is not None:
                extra.append(bonus)
            self._batch_visits.setdefault(customer_id, []).append(
                (sale.occurred_at, sale.sale_key, today))
        return extra

    def _last_visit(self, sale: SaleRecorded, customer_id: int) -> date | None:
        """The business day of the customer's latest other sale before this one."""
        stored = self.conn.execute(_LAST_VISIT, {
            "customer": customer_id, "before": sale.occurred_at, "key": sale.sale_key,
        }).scalar_one()
        in_batch = [day for at, key, day in self._batch_visits.get(customer_id, ())
                    if at < sale.occurred_at and key != sale.sale_key]
        return max([d for d in (stored, *in_batch) if d is not None], default=None)
