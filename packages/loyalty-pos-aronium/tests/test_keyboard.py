"""Keyboard emulation types a points payment into a real, focused Tk entry under Xvfb."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest
from loyalty.domain.errors import LoyaltyError
from loyalty.plugins.manager import Plugins
from loyalty.domain.settings import settings_from_dict


@pytest.fixture(scope="session")
def display() -> Iterator[str]:
    """A private X server on a free display number (Xvfb picks it and tells us); one per
    session, since pynput keeps its connection to the first display it typed on."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (.ci/run installs it)")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-nolisten", "tcp",
                               "-screen", "0", "800x600x24"],
                              pass_fds=(write_end,), stderr=subprocess.DEVNULL)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        number = pipe.readline().strip()
    name = f":{number}"
    before = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = name
    yield name
    if before is None:
        os.environ.pop("DISPLAY", None)
    else:
        os.environ["DISPLAY"] = before
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def focused_entry(display: str):  # noqa: ANN201 - a tkinter.Entry with the keyboard focus
    tkinter = pytest.importorskip("tkinter")
    root = tkinter.Tk(screenName=display)
    root.geometry("300x60+0+0")
    entry = tkinter.Entry(root)
    entry.pack()
    root.update()
    entry.focus_force()
    root.update()
    yield entry
    root.destroy()


def pay(keyboard_emulation: bool, amount: str) -> None:
    settings = settings_from_dict({"pos": {"keyboard_emulation": keyboard_emulation}})
    Plugins().pos_adapter("aronium").pay(settings, amount)


def typed_into(entry, expected: str, seconds: float = 3.0) -> str:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while entry.get() != expected and time.monotonic() < deadline:
        entry.update()
        time.sleep(0.02)
    entry.update()
    return entry.get()


def test_a_confirmed_payment_is_typed_into_the_focused_field(focused_entry):
    pay(True, "12.50")

    assert typed_into(focused_entry, "12.50") == "12.50"


def test_nothing_is_typed_when_keyboard_emulation_is_off(focused_entry):
    pay(False, "12.50")

    assert typed_into(focused_entry, "12.50", seconds=0.5) == ""


def test_only_an_amount_is_ever_typed(focused_entry):
    with pytest.raises(LoyaltyError, match="not an amount"):
        pay(True, "12.50\n; rm -rf")

    assert typed_into(focused_entry, "", seconds=0.3) == ""
