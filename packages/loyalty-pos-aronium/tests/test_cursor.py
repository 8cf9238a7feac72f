"""The cursor: where the next read starts, kept in the ledger as JSON."""

from __future__ import annotations

from loyalty_pos_aronium.cursor import Cursor
from loyalty_pos_aronium.testing import read_all


def test_the_cursor_is_plain_json_that_survives_a_round_trip(aronium, adapter):
    aronium.sale(aronium.customer("Nimal"))
    [batch, *_] = read_all(adapter)

    cursor = Cursor.load(batch.cursor)

    assert cursor.document == 1 and cursor.customer == 2
    assert Cursor.load(cursor.dump()) == cursor
