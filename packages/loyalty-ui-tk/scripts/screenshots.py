"""Take the README's screenshots of the desktop window: every tab and rule form, the Pay
dialog (with a member's discount too), the logs, the reports, the demo's banner and a first
sync's progress.

    uv run python packages/loyalty-ui-tk/scripts/screenshots.py [OUTPUT_DIR]

Starts a private Xvfb, opens the real window on a demo ledger in a temporary folder, and
captures each view with ImageMagick's ``import`` (default output: ``docs/images``).
Needs Xvfb and ImageMagick.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import attrs


ROOT = Path(__file__).resolve().parents[3]
WIDTH, HEIGHT = 1120, 740


@attrs.define
class PreviewChannel:
    """Stands in for the CallMeBot channels when that package is not installed yet, so the
    Platform column shows what a shop will see. Sends nothing."""

    name: str
    title: str

    def send(self, recipient: object, text: str) -> None:
        raise RuntimeError("preview channel")


def add_history(engine: object, months: int = 6) -> None:
    """Sales, payments with points, a correction and a lucky draw over the last months, so
    the Reports tab's chart has something to show; two customers with Sinhala and Urdu names
    for the statement."""
    import random
    from datetime import timedelta
    from decimal import Decimal

    from loyalty.domain.settings import with_setting

    rng = random.Random(7)
    now = engine.clock()  # type: ignore[attr-defined]
    for number, back in enumerate(range(months * 30, 30, -3), start=1):
        customer_id = rng.randint(1, 20)
        engine.sale(customer_id, Decimal(rng.randint(300, 4000)),  # type: ignore[attr-defined]
                    occurred_at=now - timedelta(days=back), document=f"R-{number:05d}")
    for customer_id in (2, 5, 8, 11):
        engine.redeem(customer_id, 150, reason="Paid part of a bill")  # type: ignore[attr-defined]
    engine.adjust(7, -40, reason="Duplicate receipt")  # type: ignore[attr-defined]
    engine.update_customer(3, name="නිමල් පෙරේරා")  # type: ignore[attr-defined]
    engine.update_customer(2, name="عائشہ خان")  # type: ignore[attr-defined]
    settings = with_setting(engine.settings, "draw.enabled", "true")  # type: ignore[attr-defined]
    engine.update_settings(settings)  # type: ignore[attr-defined]
    engine.run_draw(seed_source=lambda: 0x5EED1234ABCD)  # type: ignore[attr-defined]


def main(out: Path) -> None:
    from loyalty.domain.pos import PosBatch
    from loyalty.domain.settings import Settings
    from loyalty.domain.settings import with_setting
    from loyalty.engine import Engine
    from loyalty.plugins.hookspecs import hookimpl
    from loyalty.plugins.manager import Plugins
    from loyalty.services.sync import SyncReport
    from loyalty_pos_aronium.testing import build_bulk
    from loyalty_ui_tk.app import LoyaltyApp
    from loyalty_ui_tk.notification_log import message_source

    out.mkdir(parents=True, exist_ok=True)
    installed = Plugins().channels()
    missing = {n: t for n, t in {"whatsapp": "WhatsApp", "messenger": "Facebook Messenger"}
               .items() if n not in installed}
    class PreviewChannels:
        @hookimpl
        def loyalty_channels(self) -> list[PreviewChannel]:
            return [PreviewChannel(name, title) for name, title in missing.items()]

    extra = [PreviewChannels()] if missing else []
    folder = Path(tempfile.mkdtemp(prefix="loyalty-shots-"))
    settings = with_setting(Settings(), "shop.name", "Corner Shop Colombo")
    settings = with_setting(settings, "shop.currency", "LKR")
    settings = with_setting(settings, "earning.points_per_unit", "1")
    settings = with_setting(settings, "redemption.points_per_unit", "10")
    engine = Engine(folder / "ledger.db", settings, plugins=Plugins(extra=extra),
                    settings_path=folder / "settings.toml")
    engine.record_demo()
    for customer_id, platform in ((1, "whatsapp"), (2, "whatsapp"), (4, "messenger"),
                                  (7, "whatsapp"), (9, "messenger"), (12, "whatsapp")):
        engine.update_customer(customer_id, platform=platform,
                               messaging_key=f"5550{customer_id:03d}")

    # As a first start shows it: the demo, under its banner.
    pos = folder / "pos.db"
    build_bulk(pos, documents=40_000, customers=2_000)
    real_settings = with_setting(with_setting(engine.settings, "pos.adapter", "aronium"),
                                 "pos.database", str(pos))
    shop = Engine(folder / "shop.db", real_settings, plugins=Plugins(extra=extra))
    app = LoyaltyApp(engine, list_messages=message_source(engine), real_programme=lambda root: LoyaltyApp(shop, root=root))
    app.root.geometry(f"{WIDTH}x{HEIGHT}+0+0")
    windows = [app]

    def settle(seconds: float = 0.6) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            windows[-1].current.pump()
            time.sleep(0.02)

    def shoot(name: str) -> None:
        settle()
        subprocess.run(["import", "-window", "root", "-crop", f"{WIDTH}x{HEIGHT}+0+0",
                        "+repage", str(out / f"{name}.png")], check=True)
        print(f"saved {out / name}.png")

    shoot("customers")
    editor = app.customers.edit_platform(3, open_list=True)
    shoot("customers-platform")
    editor.tk.call("ttk::combobox::Unpost", editor)
    app.customers.tree.focus_set()
    app.customers.search_var.set("sh")
    shoot("customers-search")
    app.customers.clear_search()
    settle()
    app.customers.tree.selection_set("12")
    dialog = app.open_pay(12)
    dialog.set_amount("2500")
    shoot("pay-dialog")
    dialog.destroy()
    log = app.open_history(12)
    shoot("points-log")
    log.destroy()
    add = app.customers.open_add()
    add.name_var.set("Sita Thapa")
    add.phone_var.set("077 555 0101")
    add.platform_var.set("WhatsApp")
    add.save()  # a customer of that name exists: the dialog asks first
    shoot("customer-add")
    add.destroy()
    edit = app.customers.open_edit(12)
    shoot("customer-edit")
    edit.destroy()
    adjust = app.customers.open_adjust(12)
    adjust.points_var.set("250")
    adjust.reason_var.set("Points from the old paper card")
    shoot("customer-adjust")
    adjust.destroy()
    twin = engine.add_customer("S. Thapa", phone="077 555 0101")
    merge = app.customers.open_merge(12)
    merge.search_var.set("thapa")
    merge.choose(twin.id)
    shoot("customer-merge")
    merge.destroy()
    app.customers.sort_by("points")
    app.customers.sort_by("points")
    settle()
    app.customers.tree.selection_set("12")
    box = app.customers.tree.bbox("12")
    menu = app.customers.row_menu(12)
    menu.post(app.customers.tree.winfo_rootx() + 300,
              app.customers.tree.winfo_rooty() + box[1] + box[3])
    shoot("customers-row-menu")
    menu.unpost()
    app.customers.sort_by("id")

    app.notebook.select(app.settings)
    for page, name in ((app.settings.general, "general"), (app.settings.rules, "rules"),
                       (app.settings.notifications, "notifications"),
                       (app.settings.draw, "lucky-draw"),
                       (app.settings.appearance, "appearance")):
        app.settings.pages.select(page)
        shoot(f"settings-{name}")
    show_rule_forms(app, engine, shoot)
    app.notebook.select(app.customers)
    award = app.customers.open_award(12)
    award.choose("review")
    award.which_var.set("Google 2026-12-01")
    shoot("customer-award")
    award.destroy()
    engine.refresh_memberships()
    app.notebook.select(app.customers)
    dialog = app.open_pay(12)
    dialog.set_amount("2500")
    shoot("pay-dialog-member")
    dialog.destroy()
    edit = app.customers.open_edit(3)
    edit.level_box.set("Gold")
    edit.grant_reason_var.set("Staff: works the till on Saturdays")
    edit.grant()
    edit.level_box.set("Premium")
    shoot("customer-edit-membership")
    edit.destroy()
    app.notebook.select(app.settings)
    app.settings.pages.select(app.settings.rules)
    entry = app.settings.bindings["earning.points_per_unit"].widget
    entry.delete(0, "end")
    entry.insert(0, "ten")
    app.settings.update_settings()
    shoot("settings-invalid")
    app.settings.load(engine.settings)
    app.settings.pages.select(app.settings.notifications)
    text = app.settings.template_texts["points_spent"]
    text.insert("end", " See you {soon}!")
    app.settings.update_settings()
    shoot("settings-invalid-template")
    app.settings.load(engine.settings)

    app.notebook.select(app.messages)
    dialog = app.send_message_to(None)
    dialog.stars_on.set(True)
    dialog.set_message("Hi {customer_name}, thank you for shopping with us! Your {balance} "
                       "points ({value}) are waiting at {shop_name}.")
    dialog.refresh()
    shoot("message-dialog")
    dialog.confirm()
    while not dialog.sent:
        settle(0.1)
    dialog.destroy()
    if not missing:
        deliver_some_and_fail_some(engine)
    app.notebook.select(app.messages)
    app.messages.reload()
    shoot("notification-log")
    app.messages.show_only("Failed")
    settle()
    app.messages.tree.selection_set(app.messages.tree.get_children()[:1])
    shoot("notification-log-failed")
    app.messages.show_only("All")
    engine.run_due_jobs()
    app.notebook.select(app.jobs)
    shoot("jobs")
    app.notebook.select(app.customers)
    for theme in ("Dark", "Green", "Purple"):
        app.settings.theme_chosen(theme)
        shoot(f"theme-{theme.lower()}")
    app.settings.theme_chosen("Light")
    add_history(engine)  # after the other screens, so their pictures stay as they were
    app.notebook.select(app.reports)
    shoot("reports")
    app.reports.pages.select(app.reports.draws_page)
    app.reports.draw_table.selection_set(app.reports.draw_table.get_children()[0])
    app.reports.check_selected()
    shoot("reports-draws")
    app.reports.pages.select(app.reports.statements)
    app.reports.customer_var.set("නිමල් පෙරේරා · ID 3")
    app.reports.show_statement()
    statement = app.reports.save_statement(Path(tempfile.mkdtemp()) / "statement.pdf")
    while app.reports.worker.busy:  # the PDF is written on the worker
        settle(0.2)
    if statement is not None and shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(statement),
                        str(out / "statement")], check=True)
        statement.unlink()
        print(f"saved {out / 'statement'}.png")
    shoot("reports-statement")
    app.settings.theme_chosen("Dark")
    app.reports.pages.select(app.reports.monthly)
    shoot("reports-dark")
    app.notebook.select(app.customers)
    shoot("demo")
    # The shop's own ledger reading a big POS for the first time.
    real = app.leave_demo()
    paused, go_on = threading.Event(), threading.Event()

    def pause_midway(report: SyncReport, batch: PosBatch) -> None:
        if report.documents_read >= 12_000 and not paused.is_set():
            paused.set()
            go_on.wait(30)

    def first_sync() -> None:
        adapter = shop.open_pos()
        try:
            shop.sync(adapter, batch_size=4_000, progress=pause_midway)
        finally:
            adapter.close()

    sync = threading.Thread(target=first_sync)
    sync.start()
    while not paused.wait(0.02):
        real.pump()
    shoot("first-sync")
    go_on.set()
    while sync.is_alive():
        real.pump()
        time.sleep(0.02)
    app.close()
    shop.close()
    engine.close()


def sample_pos_db(folder: Path) -> Path | None:
    """An Aronium ``pos.db`` with the test products, if the Aronium package is installed."""
    try:
        from loyalty_pos_aronium.testing import AroniumFixture
    except ImportError:
        return None
    fixture = AroniumFixture(folder / "pos.db")
    fixture.close()
    return fixture.path


def press(root, text: str) -> None:  # noqa: ANN001 - a Tk widget
    """Click the button reading ``text`` under ``root``."""
    for child in root.winfo_children():
        if child.winfo_class() == "TButton" and child.cget("text") == text:
            child.invoke()
            return
        press(child, text)


def show_rule_forms(app, engine, shoot) -> None:  # noqa: ANN001 - the objects of main()
    """Each rule form filled in as a shop would, then one with a mistake in red."""
    from loyalty.domain.settings import settings_from_dict
    from loyalty.domain.settings import settings_to_dict

    data = settings_to_dict(engine.settings)
    data["expiry"] = {"mode": "days", "days": 365, "remind_days_before": 14}
    data["campaigns"] = {
        "multipliers": [
            {"id": "happy-hour", "factor": "2", "days": ["monday", "tuesday", "wednesday",
                                                         "thursday"],
             "start": "15:00", "end": "17:00"},
            {"id": "avurudu", "factor": "3", "from_date": "2027-04-10",
             "to_date": "2027-04-16"},
            {"id": "weekend", "factor": "1.5", "days": ["saturday", "sunday"]},
        ],
        "comeback": {"points": 200, "inactive_days": 60},
        "actions": {"register": 100, "referral_referrer": 250, "referral_referred": 100,
                    "birthday": 300, "anniversary": 200, "review": 50},
    }
    data["earning"]["product_points"] = {"1": 5, "3": 20}
    data["earning"]["category_points"] = {"3": 2}
    data["coupons"] = {"enabled": True, "points_per_unit": "10", "minimum_points": 500,
                       "valid_days": 90}
    data["rewards"] = {"catalogue": [
        {"id": "tea", "name": "Cup of tea", "points": 150, "description": "At the counter"},
        {"id": "bag", "name": "Shopping bag", "points": 400, "description": "Reusable, jute"},
        {"id": "voucher", "name": "Rs 1,000 voucher", "points": 2500, "description": ""},
    ]}
    data["memberships"] = {"window_days": 365, "levels": [
        {"id": "silver", "name": "Silver", "threshold": 1000, "discount_percent": "2",
         "valid_days": 365},
        {"id": "gold", "name": "Gold", "threshold": 2500, "discount_percent": "5",
         "valid_days": 365},
        {"id": "premium", "name": "Premium", "threshold": 5000, "discount_percent": "10",
         "valid_days": 180},
        {"id": "tea-club", "name": "Tea club", "threshold": 8000, "discount_percent": "15",
         "valid_days": 365, "categories": ["3"], "products": ["1"]},
    ]}
    engine.update_settings(settings_from_dict(data))
    plain = engine.settings
    pos_db = sample_pos_db(Path(tempfile.mkdtemp(prefix="loyalty-shots-pos-")))
    if pos_db is not None:  # products by name, as Aronium lists them
        engine.update_settings(settings_from_dict(
            {**data, "pos": {"adapter": "aronium", "database": str(pos_db)}}))
    app.settings.load(engine.settings)
    press(app.settings.rule_pages["Products"], "Reload from the POS")
    for title, name in (("Bonuses", "bonuses"), ("Campaigns", "campaigns"),
                        ("Products", "product-points"),
                        ("Rewards", "rewards"), ("Memberships", "memberships")):
        app.settings.pages.select(app.settings.rule_pages[title])
        shoot(f"settings-{name}")
    app.settings.pages.select(app.settings.rule_pages["Bonuses"])
    bonuses = app.settings.rule_pages["Bonuses"].winfo_children()[0]
    bonuses.canvas.yview_moveto(1)  # the points given by hand, at the foot of the page
    shoot("settings-bonuses-by-hand")
    bonuses.canvas.yview_moveto(0)
    app.settings.pages.select(app.settings.rule_pages["Memberships"])
    levels = app.settings.tables["memberships.levels"]
    levels.rows[-1].inputs["categories"].invoke()
    shoot("settings-memberships-picker")
    assert levels.picker is not None
    levels.picker.destroy()
    engine.update_settings(plain)
    app.settings.load(engine.settings)
    campaigns = app.settings.tables["campaigns.multipliers"]
    campaigns.rows[0].variables["end"].set("14:00")
    app.settings.update_settings()
    shoot("settings-campaigns-invalid")
    app.settings.load(engine.settings)


def deliver_some_and_fail_some(engine: Any) -> None:
    """Deliver the queued messages through a fake CallMeBot on this machine: the first two
    with a key it refuses (so the log shows why they failed), the rest sent."""
    from loyalty_notify_callmebot.testing import fake_callmebot

    real = engine.settings
    with fake_callmebot() as callmebot:
        for behaviour, limit in (("bad-key", 2), ("ok", None)):
            engine.update_settings(attrs.evolve(real, plugins={"callmebot": {
                "base_url": callmebot.url(behaviour), "per_recipient_interval": 0,
                "min_interval": 0}}))
            engine.dispatcher().run_once(limit=limit)
    engine.update_settings(real)


if __name__ == "__main__":
    from loyalty_ui_tk.xvfb import virtual_display

    with virtual_display(WIDTH, HEIGHT):
        main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images")
