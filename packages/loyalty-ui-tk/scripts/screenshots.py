"""Take the README's screenshots of the desktop window: every tab, the Pay dialog, the logs,
the demo's banner and a first sync's progress.

    uv run python packages/loyalty-ui-tk/scripts/screenshots.py [OUTPUT_DIR]

Starts a private Xvfb, opens the real window on a demo ledger in a temporary folder, and
captures each view with ImageMagick's ``import`` (default output: ``docs/images``).
Needs Xvfb and ImageMagick.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
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

    # As a first start shows it: the demo, under its banner.
    pos = folder / "pos.db"
    build_bulk(pos, documents=40_000, customers=2_000)
    real_settings = with_setting(with_setting(engine.settings, "pos.adapter", "aronium"),
                                 "pos.database", str(pos))
    shop = Engine(folder / "shop.db", real_settings, plugins=Plugins(extra=extra))
    app = LoyaltyApp(engine, real_programme=lambda root: LoyaltyApp(shop, root=root))
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


if __name__ == "__main__":
    from loyalty_ui_tk.xvfb import virtual_display

    with virtual_display(WIDTH, HEIGHT):
        main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images")
