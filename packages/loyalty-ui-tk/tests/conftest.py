"""Fixtures that build the real window: a real X server (Xvfb), a real engine, a real app.

``.ci/run`` installs Xvfb and xdotool. Each test gets a fresh window on a fresh SQLite ledger;
``pump_until`` runs the Tk loop until what the test waits for has happened.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from collections.abc import Iterator

import attrs
import pytest

from loyalty.domain.channels import Recipient
from loyalty.domain.errors import SettingsError
from loyalty.domain.pos import PosAdapterType
from loyalty.domain.pos import PosCatalogue
from loyalty.domain.pos import PosItem
from loyalty.domain.settings import Settings
from loyalty.engine import Engine
from loyalty.plugins.hookspecs import hookimpl
from loyalty.plugins.manager import Plugins
from loyalty_ui_tk.app import LoyaltyApp
from loyalty_ui_tk.xvfb import virtual_display


@pytest.fixture(scope="session")
def display() -> Iterator[str]:
    """A private X display from ``Xvfb -displayfd`` (it picks a free number itself)."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed; .ci/run installs it (apt-get install xvfb xdotool)")
    with virtual_display() as name:
        yield name


@attrs.define
class RecordingChannel:
    """A channel plugin as a test installs it: it keeps what it was asked to send."""

    name: str
    title: str
    sent: list[tuple[Recipient, str]] = attrs.Factory(list)

    def send(self, recipient: Recipient, text: str) -> None:
        self.sent.append((recipient, text))


CATALOGUE = PosCatalogue(
    products=(PosItem("101", "Ceylon tea 100g"), PosItem("205", "Coconut oil 1l"),
              PosItem("7", "Sugar 1kg")),
    groups=(PosItem("1", "Drinks"), PosItem("2", "Groceries")),
)
"""What the Fake POS lists by name for the product-points form."""


@attrs.define
class ShopPlugin:
    """Installs two channels and a POS whose keyboard emulation records what it typed."""

    typed: list[str] = attrs.Factory(list)
    found: str | None = None
    """What the POS's ``find_database`` finds on this computer."""

    def check_database(self, path: str) -> None:
        if "not-a-pos" in path:
            raise SettingsError("pos.database", f"{path}: not a Fake POS database")

    @hookimpl
    def loyalty_channels(self) -> list[RecordingChannel]:
        return [RecordingChannel("whatsapp", "WhatsApp"),
                RecordingChannel("messenger", "Facebook Messenger")]

    @hookimpl
    def loyalty_pos_adapters(self) -> list[PosAdapterType]:
        def open_pos(settings: Settings):  # noqa: ANN202 - never opened in these tests
            raise NotImplementedError

        return [PosAdapterType("fakepos", "Fake POS", open_pos,
                               pay=lambda settings, amount: self.typed.append(amount),
                               check_database=self.check_database,
                               find_database=lambda: self.found,
                               catalogue=lambda settings: CATALOGUE)]


@pytest.fixture
def shop_plugin() -> ShopPlugin:
    return ShopPlugin()


@pytest.fixture
def plugins(shop_plugin: ShopPlugin) -> Plugins:
    return Plugins(extra=[shop_plugin])


@pytest.fixture
def demo(engine: Engine) -> Engine:
    """The engine with the 20 demo customers and their sales."""
    engine.record_demo()
    return engine


@pytest.fixture
def make_app(display: str) -> Iterator[Callable[..., LoyaltyApp]]:
    opened: list[LoyaltyApp] = []

    def make(engine: Engine, **options: object) -> LoyaltyApp:
        app = LoyaltyApp(engine, **options)
        opened.append(app)
        wait_until(app, lambda: not app.customers.loading)
        return app

    yield make
    for app in opened:
        app.close()


@pytest.fixture
def app(demo: Engine, make_app: Callable[..., LoyaltyApp]) -> LoyaltyApp:
    return make_app(demo)


def wait_until(app: LoyaltyApp, condition: Callable[[], object], timeout: float = 10.0) -> None:
    """Run the window's event loop until ``condition()`` holds; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        app.pump()
        if condition():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"the window did not get there in {timeout} s")
        time.sleep(0.01)


def pump_for(app: LoyaltyApp, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.pump()
        time.sleep(0.01)


@pytest.fixture
def until() -> Callable[..., None]:
    """``until(app, condition)``: pump the window until the condition holds."""
    return wait_until


@pytest.fixture
def pump() -> Callable[[LoyaltyApp, float], None]:
    """``pump(app, seconds)``: let the window run for a while."""
    return pump_for
