"""``loyalty ui`` and ``loyalty-manager``: find the frontend, start on a demo ledger."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from loyalty.cli import main
from loyalty.engine import Engine
from loyalty.plugins.manager import Plugins
from loyalty_ui_tk import loyalty_frontends


def test_the_tk_frontend_is_registered_through_the_frontend_hook():
    assert Plugins().frontends()["tk"] == loyalty_frontends()[0]


def test_without_a_frontend_loyalty_ui_says_what_to_install(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LOYALTY_DISABLED_PLUGINS", "tk")
    code = main(["--ledger", str(tmp_path / "ledger.db"), "--settings",
                 str(tmp_path / "settings.toml"), "ui"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.strip().splitlines() == [
        "Error: No user interface is installed. Install one: pip install loyalty-ui-tk"]


def test_an_unknown_frontend_name_lists_the_installed_ones(tmp_path, capsys):
    code = main(["--ledger", str(tmp_path / "ledger.db"), "ui", "--frontend", "web"])
    assert code == 1
    assert "No frontend named 'web' is installed. Choose one of tk." in capsys.readouterr().err


def test_loyalty_manager_first_opens_the_demo_in_a_ledger_of_its_own(tmp_path, display):
    ledger = tmp_path / "ledger.db"
    env = os.environ | {"LOYALTY_LEDGER": str(ledger),
                        "LOYALTY_SETTINGS": str(tmp_path / "settings.toml")}
    window = subprocess.Popen([sys.executable, "-m", "loyalty_ui_tk"], env=env,
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        found = ""
        while not found and time.monotonic() < deadline and window.poll() is None:
            time.sleep(0.2)
            found = subprocess.run(
                ["xdotool", "search", "--name", "Loyalty Points Manager"],
                capture_output=True, text=True, env=env, check=False,
            ).stdout.strip()
        assert found, f"no window appeared: {window.stderr.read() if window.poll() else ''}"
        with Engine(str(tmp_path / "ledger-demo.db")) as engine:
            customers = engine.customers()
        assert len(customers) == 20
        assert {c.customer.origin for c in customers} == {"demo"}
        assert sum(c.balance.points for c in customers) > 0
        assert not ledger.exists()  # the shop's own ledger holds no demo customer
    finally:
        window.terminate()
        window.wait(10)


def test_without_a_display_loyalty_ui_says_so_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("DISPLAY", raising=False)
    Engine(tmp_path / "ledger.db").close()  # the shop's ledger, already there
    code = main(["--ledger", str(tmp_path / "ledger.db"), "--settings",
                 str(tmp_path / "settings.toml"), "ui"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert len(err) == 1
    assert err[0].startswith("Error: Cannot open the window: no display name")


def test_loyalty_ui_shows_the_demo_until_the_real_programme_starts(tmp_path, monkeypatch):
    import loyalty_ui_tk.app

    opened: list[tuple[str, str]] = []

    def run_demo(engine: Engine, open_real) -> None:
        opened.append(("demo", str(engine.db.url.database)))
        real = open_real()  # as "Start my real programme" does
        opened.append(("real", str(real.db.url.database)))

    monkeypatch.setattr(loyalty_ui_tk.app, "run_demo", run_demo)
    monkeypatch.setattr(loyalty_ui_tk.app, "run",
                        lambda engine: opened.append(("shop", str(engine.db.url.database))))
    base = ["--ledger", str(tmp_path / "ledger.db"), "--settings", str(tmp_path / "s.toml")]

    assert main([*base, "ui"]) == 0  # a first start: the demo, then the shop's ledger
    assert opened == [("demo", str(tmp_path / "ledger-demo.db")),
                      ("real", str(tmp_path / "ledger.db"))]
    assert main([*base, "ui"]) == 0  # the next start: the shop's own ledger at once
    assert opened[-1] == ("shop", str(tmp_path / "ledger.db"))
    assert main([*base, "ui", "--demo"]) == 0  # the demo, when asked for
    assert opened[-2] == ("demo", str(tmp_path / "ledger-demo.db"))
    with Engine(tmp_path / "ledger.db") as shop:
        assert shop.customers() == []


def test_a_shop_that_chose_its_pos_never_starts_on_the_demo(tmp_path, monkeypatch):
    import loyalty_ui_tk.app

    opened: list[str] = []
    monkeypatch.setattr(loyalty_ui_tk.app, "run_demo", lambda engine, open_real: opened.append(
        "demo"))
    monkeypatch.setattr(loyalty_ui_tk.app, "run", lambda engine: opened.append("shop"))
    settings = tmp_path / "s.toml"
    settings.write_text('[pos]\nadapter = "aronium"\ndatabase = "pos.db"\n', encoding="utf-8")
    assert main(["--ledger", str(tmp_path / "ledger.db"), "--settings", str(settings), "ui"]) == 0
    assert opened == ["shop"]
