"""The Tkinter desktop frontend of the loyalty engine: ``loyalty ui`` or ``loyalty-manager``.

Registered through the ``loyalty_frontends`` hook, so the core's ``loyalty ui`` command finds
it when the package is installed.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager

from loyalty.domain.errors import LoyaltyError
from loyalty.engine import Engine
from loyalty.plugins.frontends import Frontend
from loyalty.plugins.hookspecs import hookimpl


def _run(engine: Engine) -> None:
    from loyalty_ui_tk.app import run

    with display_errors():
        run(engine)


def _run_demo(engine: Engine, open_real: Callable[[], Engine]) -> None:
    from loyalty_ui_tk.app import run_demo

    with display_errors():
        run_demo(engine, open_real)


@contextmanager
def display_errors() -> Iterator[None]:
    """No screen to open the window on: one line that says where to start it instead."""
    import tkinter

    try:
        yield
    except tkinter.TclError as error:
        if "display" not in str(error):
            raise
        raise LoyaltyError(
            f"Cannot open the window: {error}.",
            hint="Start it on the computer's desktop (on Linux, with DISPLAY set), or use the "
                 "'loyalty' commands instead.",
        ) from None


@hookimpl
def loyalty_frontends() -> tuple[Frontend, ...]:
    return (Frontend(name="tk", title="Loyalty Points Manager (desktop)", run=_run,
                     run_demo=_run_demo),)
