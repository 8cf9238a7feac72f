"""While the window is open, sales made in the POS earn points and show up by themselves."""

from __future__ import annotations

import pytest

from loyalty.domain.settings import PosSettings
from loyalty.domain.settings import Settings
from loyalty.domain.settings import ShopSettings
from loyalty_ui_tk.app import default_background_tasks


@pytest.fixture
def settings(aronium) -> Settings:
    return Settings(shop=ShopSettings(timezone="UTC", currency="USD"),
                    pos=PosSettings(adapter="aronium", database=str(aronium.path)))


def test_a_sale_rung_up_in_aronium_appears_in_the_open_window(engine, aronium, make_app, until):
    nimal = aronium.customer("Nimal Perera", code="123456")
    app = make_app(engine, background_tasks=default_background_tasks())
    until(app, lambda: any(v.customer.external_id == str(nimal) for v in engine.accounts()))
    customer_id = next(v.customer.id for v in engine.accounts()
                       if v.customer.external_id == str(nimal))
    aronium.sale(nimal, lines=((1, 3),))
    until(app, lambda: engine.balance(customer_id) > 0, timeout=10)
    points = engine.balance(customer_id)
    until(app, lambda: app.customers.cell(customer_id, "points") == f"{points:,} points")


def test_a_pos_that_cannot_be_opened_is_shown_in_the_window(engine, tmp_path, make_app, until):
    engine.update_settings(Settings(pos=PosSettings(adapter="aronium",
                                                    database=str(tmp_path / "missing.db"))))
    app = make_app(engine, background_tasks=default_background_tasks())
    until(app, lambda: "missing.db" in app.footer.cget("text"))
