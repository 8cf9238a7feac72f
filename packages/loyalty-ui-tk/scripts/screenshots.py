"""Take the README's screenshots of the desktop window: every tab, the Pay dialog, the logs.

    uv run python packages/loyalty-ui-tk/scripts/screenshots.py [OUTPUT_DIR]

Starts a private Xvfb, opens the real window on a demo ledger in a temporary folder, and
captures each view with ImageMagick's ``import`` (default output: ``docs/images``).
Needs Xvfb and ImageMagick.
"""

from __future__ import annotations

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
    app.close()
    engine.close()


if __name__ == "__main__":
    from loyalty_ui_tk.xvfb import virtual_display

    with virtual_display(WIDTH, HEIGHT):
        main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images")
