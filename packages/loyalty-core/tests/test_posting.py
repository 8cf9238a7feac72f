"""A posting lives exactly as long as its transaction."""

from __future__ import annotations

import gc

from loyalty.engine import Engine
from loyalty.ledger.posting import Posting
from loyalty.testing.plugin import Till


def test_finished_transactions_free_their_postings_without_the_cyclic_collector(
    engine: Engine, till: Till
) -> None:
    # A sync pauses the cyclic collector; a posting kept alive by a reference cycle would
    # keep every row, lot and event of its batch until the sync ends.
    customer = engine.add_customer("Chamari")
    gc.collect()
    gc.disable()
    try:
        sale = till.sale(customer.id, 10_000)
        engine.record([sale])
        engine.redeem(customer.id, 50, document=sale.document_id)
        engine.refund(till.refund(sale.document_id, 10_000))
        engine.adjust(customer.id, 5, reason="goodwill")
        alive = [o for o in gc.get_objects() if isinstance(o, Posting)]
    finally:
        gc.enable()
    assert alive == []
