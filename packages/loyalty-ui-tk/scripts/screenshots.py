"""Take the README's screenshots of the desktop window: every tab, the Pay dialog, the logs.

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
import time
from pathlib import Path

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
    from loyalty.domain.settings import Settings
    from loyalty.domain.settings import with_setting
    from loyalty.engine import Engine
    from loyalty.plugins.hookspecs import hookimpl
    from loyalty.plugins.manager import Plugins
    from loyalty_ui_tk.app import LoyaltyApp

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
        engine.update_customer(customer_id, platform=platform)

    app = LoyaltyApp(engine)
    app.root.geometry(f"{WIDTH}x{HEIGHT}+0+0")

    def settle(seconds: float = 0.6) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.pump()
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

    app.notebook.select(app.settings)
    for page, name in ((app.settings.general, "general"), (app.settings.rules, "rules"),
                       (app.settings.notifications, "notifications"),
                       (app.settings.draw, "lucky-draw"),
                       (app.settings.appearance, "appearance")):
        app.settings.pages.select(page)
        shoot(f"settings-{name}")
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
    shoot("notification-log")
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
    app.close()
    engine.close()


if __name__ == "__main__":
    from loyalty_ui_tk.xvfb import virtual_display

    with virtual_display(WIDTH, HEIGHT):
        main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images")
