"""Plugins are found through real ``loyalty`` entry points: a tiny channel plugin distribution is
written to disk (dist-info + module) and put on ``sys.path``, as ``pip install`` would leave it."""

from __future__ import annotations

import json
import sys
import textwrap

import pytest
from click.testing import CliRunner

from loyalty import hookimpl
from loyalty.domain.channels import Recipient
from loyalty.cli.app import load_commands
from loyalty.cli.app import cli
from loyalty.engine import Engine
from loyalty.domain.events import PointsEarned
from loyalty.domain.events import TierRaised
from loyalty.plugins.manager import Plugins
from loyalty.testing.plugin import Till


PIGEON = '''
"""A channel that sends messages by carrier pigeon (into a list)."""
import attrs
from loyalty import hookimpl

SENT = []
COMMITTED = []


@attrs.frozen
class Pigeon:
    name: str = "pigeon"
    title: str = "Carrier Pigeon"

    def send(self, recipient, text):
        SENT.append((recipient.customer_id, text))


@hookimpl
def loyalty_channels():
    return [Pigeon()]


@hookimpl
def loyalty_events_committed(engine, events):
    COMMITTED.append(list(events))
'''


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A fresh site-packages folder on ``sys.path``; ``site.install(...)`` adds a distribution."""
    folder = tmp_path / "site-packages"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    installed: list[str] = []

    class Site:
        def install(self, dist: str, version: str, entry_points: dict[str, str],
                    modules: dict[str, str]) -> None:
            info = folder / f"{dist.replace('-', '_')}-{version}.dist-info"
            info.mkdir()
            (info / "METADATA").write_text(
                f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8")
            lines = "".join(f"{name} = {target}\n" for name, target in entry_points.items())
            (info / "entry_points.txt").write_text(f"[loyalty]\n{lines}", encoding="utf-8")
            for module, source in modules.items():
                (folder / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
                installed.append(module)

    yield Site()
    for module in installed:
        sys.modules.pop(module, None)


@pytest.fixture
def pigeon(site):
    site.install("loyalty-notify-pigeon", "0.3.0", {"pigeon": "loyalty_notify_pigeon"},
                 {"loyalty_notify_pigeon": PIGEON})
    return "loyalty_notify_pigeon"


def test_an_installed_channel_plugin_is_loaded_from_its_entry_point(pigeon):
    plugins = Plugins()
    info = next(i for i in plugins.describe() if i.name == "pigeon")
    assert (info.distribution, info.version, info.error) == ("loyalty-notify-pigeon", "0.3.0",
                                                            None)
    assert info.hooks == ("loyalty_channels", "loyalty_events_committed")
    assert "pigeon" in plugins.channels()


def test_the_engine_offers_the_plugins_channel_as_a_platform(pigeon, ledger_url, clock):
    with Engine(ledger_url, plugins=Plugins(), clock=clock) as engine:
        assert engine.platforms()["pigeon"] == "Carrier Pigeon"
        customer = engine.add_customer("Sita Thapa", platform="pigeon")
        assert customer.platform == "pigeon"


def test_the_plugin_hears_the_events_of_each_committed_sale(pigeon, ledger_url, clock):
    with Engine(ledger_url, plugins=Plugins(), clock=clock) as engine:
        customer = engine.add_customer("Sita Thapa", platform="pigeon").id
        module = sys.modules[pigeon]
        assert module.COMMITTED == []  # adding a customer publishes no points events
        engine.record_sale(Till(engine).sale(customer, 25_000))
        (batch,) = module.COMMITTED
        assert [type(e) for e in batch] == [PointsEarned, TierRaised]
        assert batch[0].points == 250 and batch[0].customer_id == customer
        with pytest.raises(Exception):
            engine.redeem(customer, 10_000)
        assert len(module.COMMITTED) == 1  # a refused redemption committed nothing


def test_the_plugins_channel_can_deliver_through_the_facade(pigeon):
    channel = Plugins().channels()["pigeon"]
    channel.send(Recipient(customer_id=3, name="Sita", key=None), "You earned 250 points")
    assert sys.modules[pigeon].SENT == [(3, "You earned 250 points")]


def test_a_plugin_whose_import_fails_is_reported_and_does_not_stop_the_others(site, pigeon):
    site.install("loyalty-broken", "1.0", {"broken": "loyalty_broken"},
                 {"loyalty_broken": "raise RuntimeError('needs a printer driver')\n"})
    plugins = Plugins()
    failed = next(i for i in plugins.describe() if i.name == "broken")
    assert failed.error == "RuntimeError: needs a printer driver"
    assert (failed.distribution, failed.version) == ("loyalty-broken", "1.0")
    assert "pigeon" in plugins.channels()


def test_the_plugins_command_shows_a_broken_plugin(site, pigeon, tmp_path):
    site.install("loyalty-broken", "1.0", {"broken": "loyalty_broken"},
                 {"loyalty_broken": "import no_such_module_anywhere\n"})
    load_commands()
    args = ["--ledger", str(tmp_path / "l.db"), "--settings", str(tmp_path / "s.toml"),
            "plugins"]
    result = CliRunner().invoke(cli, [*args, "--json"], catch_exceptions=False)
    data = json.loads(result.stdout)
    broken = next(p for p in data["plugins"] if p["name"] == "broken")
    assert broken["error"].startswith("ModuleNotFoundError")
    assert "pigeon" in data["channels"]
    human = CliRunner().invoke(cli, args, catch_exceptions=False).stdout
    broken_row = next(line for line in human.splitlines() if "broken" in line)
    assert "FAILED" in broken_row


def test_loyalty_disabled_plugins_blocks_a_plugin_by_name(pigeon, monkeypatch):
    monkeypatch.setenv("LOYALTY_DISABLED_PLUGINS", "something-else, pigeon")
    plugins = Plugins()
    assert "pigeon" not in plugins.channels()
    assert "pigeon" not in {i.name for i in plugins.describe()}
    assert pigeon not in sys.modules  # not even imported


def test_a_plugin_object_can_be_registered_directly(ledger_url, clock):
    heard = []

    class Recorder:
        @hookimpl
        def loyalty_events_committed(self, events):  # fewer arguments than the spec
            heard.extend(events)

    with Engine(ledger_url, plugins=Plugins(load_installed=False, extra=[Recorder()]),
                clock=clock) as engine:
        customer = engine.add_customer("Emeka Eze").id
        engine.adjust(customer, 5, reason="welcome")
    assert [e.points for e in heard] == [5]


def test_a_failing_event_hook_does_not_reach_the_caller(ledger_url, clock):
    class Broken:
        @hookimpl
        def loyalty_events_committed(self, engine, events):
            raise RuntimeError("webhook down")

    with Engine(ledger_url, plugins=Plugins(load_installed=False, extra=[Broken()]),
                clock=clock) as engine:
        customer = engine.add_customer("Emeka Eze").id
        assert engine.adjust(customer, 5, reason="welcome").balance == 5


def test_a_hook_with_an_unknown_name_is_refused_at_registration():
    class Typo:
        @hookimpl
        def loyalty_channel(self):
            return []

    with pytest.raises(Exception, match="loyalty_channel"):
        Plugins(load_installed=False, extra=[Typo()])


def test_the_workspace_plugins_are_installed_through_entry_points():
    names = {i.name: i.distribution for i in Plugins().describe()}
    assert names.get("callmebot") == "loyalty-notify-callmebot"
