"""What a refund given by hand may ask: never more than is left of its sale."""

from __future__ import annotations

import sqlalchemy as sa

from loyalty.domain.errors import LoyaltyError
from loyalty.domain.events import SaleRefunded
from loyalty.domain.shop import Shop
from loyalty.ledger import sales as sale_rows


def check_refund(shop: Shop, conn: sa.Connection, refund: SaleRefunded) -> None:
    """Refuse a refund of more money than its sale has left: a till never gives back more
    than it took, so it is a typo (1000 for 100.0). A replayed refund, or one of a sale the
    ledger does not know (the recorder says why it skips it), passes."""
    if sale_rows.refunded_keys(conn, [refund.refund_key]):
        return
    sale = sale_rows.sales_by_key(conn, [refund.sale_key]).get(refund.sale_key)
    if sale is None:
        return
    left = sale.total_minor - sale.refunded_minor
    if refund.amount_minor > left:
        raise LoyaltyError(
            f"Sale {sale.document_id} has {shop.format_money(left)} left to refund; "
            f"{shop.format_money(refund.amount_minor)} was asked.",
            hint=f"Refund at most {shop.format_money(left)}.")
