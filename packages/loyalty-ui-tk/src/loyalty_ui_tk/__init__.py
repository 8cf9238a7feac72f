"""The Tkinter desktop frontend of the loyalty engine: ``loyalty ui`` or ``loyalty-manager``.

Registered through the ``loyalty_frontends`` hook, so the core's ``loyalty ui`` command finds
it when the package is installed.
"""

from __future__ import annotations

from loyalty.engine import Engine
from loyalty.domain.errors import LoyaltyError
from loyalty.plugins.frontends import Frontend
from loyalty.plugins.hookspecs import hookimpl


def _run(engine: Engine) -> None:
    import tkinter

    from loyalty_ui_tk.app import run

    try:
        run(engine)
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
    return (Frontend(name="tk", title="Loyalty Points Manager (desktop)", run=_run),)
