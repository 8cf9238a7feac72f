"""The root command, its global options, and how errors reach the user."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import click

from loyalty.cli.logs import LEVELS
from loyalty.cli.logs import configure_logging
from loyalty.cli.output import make_streams_safe
from loyalty.cli.output import printable
from loyalty.cli.paths import default_ledger_path
from loyalty.cli.paths import default_settings_path
from loyalty.cli.paths import demo_ledger_path
from loyalty.domain.errors import LoyaltyError
from loyalty.plugins.manager import Plugins


COMMAND_MODULES = (
    "loyalty.cli.customers",
    "loyalty.cli.points",
    "loyalty.cli.settings",
    "loyalty.cli.plugins",
    "loyalty.cli.demo",
    "loyalty.cli.outbox",
    "loyalty.cli.message",
    "loyalty.cli.sync",
    "loyalty.cli.expiry",
    "loyalty.cli.draw",
    "loyalty.cli.jobs",
    "loyalty.cli.award",
    "loyalty.cli.report",
    "loyalty.cli.statement",
    "loyalty.cli.reward",
    "loyalty.cli.ask",
    "loyalty.cli.coupon",
    "loyalty.cli.membership",
    "loyalty.cli.ui",
    "loyalty.cli.migrate",
    "loyalty.cli.backup",
)
"""Core command modules; each defines commands with ``@cli.command`` on import."""

READ_ONLY_COMMANDS = frozenset({
    "balance", "history", "customers", "customers export", "customer show", "report",
    "statement", "ask", "outbox", "backup",
    "draw history", "draw check", "coupon list", "reward list", "membership show",
    "message preview", "jobs",
})
"""Commands that only look: on a ledger file that is not there they say so instead of
creating an empty one, which would look as if every customer's points were lost (or, for the
default ledger, as if the shop's programme had started: the window would leave the demo)."""


class App:
    """What every command shares: the options, the plugins and a lazily opened engine."""

    def __init__(self, ledger: str, settings_path: Path, *, ledger_given: bool = False,
                 demo: bool = False) -> None:
        self.shop_ledger = ledger
        """The shop's own ledger (--ledger): never holds the demo customers."""
        self.ledger_given = ledger_given
        """Named by --ledger or LOYALTY_LEDGER, not the default in the data folder."""
        self.demo = demo
        """Work on the demo's ledger beside the shop's (--demo, ``loyalty demo``)."""
        self.settings_path = settings_path
        self._plugins: Plugins | None = None
        self._engine: Any = None
        self._fill_demo = True
        self._left: list[Any] = []
        """Engines the commands no longer use (the demo's, once left), closed at the end."""

    @property
    def ledger(self) -> str:
        """The ledger the commands work on: the shop's, or with --demo the demo's."""
        if self.demo:
            return str(demo_ledger_path(self.shop_ledger))
        return self.shop_ledger

    def use_demo(self, *, fill: bool = True) -> None:
        """Work on the demo's ledger from now on (before the engine is opened); ``fill``
        records the demo customers in it when it is empty."""
        if self._engine is not None and not self.demo:
            raise RuntimeError("the shop's ledger is already open")
        self.demo = True
        self._fill_demo = fill

    def leave_demo(self):  # noqa: ANN201 - loyalty.engine.Engine
        """Open the shop's own ledger for the rest of the run: the real programme starts."""
        if self._engine is not None:
            self._left.append(self._engine)
            self._engine = None
        self.demo = False
        return self.engine

    @property
    def plugins(self) -> Plugins:
        if self._plugins is None:
            self._plugins = Plugins()
        return self._plugins

    def settings(self):  # noqa: ANN201 - loyalty.domain.settings.Settings
        from loyalty.domain.settings import load_settings

        return load_settings(self.settings_path)

    @property
    def engine(self):  # noqa: ANN201 - loyalty.engine.Engine, imported late for a fast --help
        if self._engine is None:
            from loyalty.engine import Engine

            self._check_ledger_file()
            self._engine = Engine(
                self.ledger, self.settings(), settings_path=self.settings_path,
                plugins=self.plugins,
            )
            if self.demo and self._fill_demo and not self._engine.customers(limit=1):
                self._engine.record_demo()  # the demo always has something to show
        return self._engine

    def _check_ledger_file(self) -> None:
        """A ledger named explicitly that does not exist: refuse to read it, say so when a
        command creates it."""
        from loyalty.ledger.database import ledger_file

        path = ledger_file(self.ledger)
        if self.demo or path is None or path.exists():
            return
        command = " ".join(click.get_current_context().command_path.split()[1:])
        if not self.ledger_given:
            if command in READ_ONLY_COMMANDS:  # a look must not start the shop's programme:
                raise LoyaltyError(  # the window opens on the demo until that file exists
                    f"Your programme has no ledger yet ({path}).",
                    hint="Try the demo with 'loyalty --demo " + command + "'; your own "
                    "programme starts in the window, or with 'loyalty sync' or "
                    "'loyalty customer add'.")
            return
        if command in READ_ONLY_COMMANDS:
            raise LoyaltyError(
                f"There is no ledger at {path}.",
                hint="Check --ledger or LOYALTY_LEDGER (a typo?); a command that records "
                "something creates a new ledger there.")
        click.echo(f"Created a new ledger at {path}.", err=True)

    def close(self) -> None:
        for engine in [*self._left, self._engine]:
            if engine is not None:
                engine.close()


class LoyaltyGroup(click.Group):
    """Turns a ``LoyaltyError`` into one line on stderr and exit status 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LoyaltyError as error:  # one line, even when it quotes what was typed
            raise click.ClickException(printable(str(error))) from None


@click.group(cls=LoyaltyGroup)
@click.option(
    "--ledger", envvar="LOYALTY_LEDGER", default=lambda: str(default_ledger_path()),
    show_default="in your data folder", metavar="URL",
    help="Ledger database: a file path or a SQLAlchemy URL (postgresql+psycopg://...).",
)
@click.option(
    "--settings", "settings_path", envvar="LOYALTY_SETTINGS",
    default=lambda: str(default_settings_path()), show_default="in your config folder",
    type=click.Path(dir_okay=False, path_type=Path), help="Settings file (.toml or .json).",
)
@click.option(
    "--demo", is_flag=True, envvar="LOYALTY_DEMO",
    help="Work on the demo's own ledger (beside the shop's, which it never touches).",
)
@click.option(
    "--log-level", envvar="LOYALTY_LOG_LEVEL", default="INFO", show_default=True,
    type=click.Choice(LEVELS, case_sensitive=False),
    help="What goes to the log file in your log folder (warnings also go to the screen).",
)
@click.version_option(package_name="loyalty-core")
@click.pass_context
def cli(ctx: click.Context, ledger: str, settings_path: Path, demo: bool,
        log_level: str) -> None:
    """A loyalty points engine for small shops."""
    configure_logging(log_level.upper())
    given = ctx.get_parameter_source("ledger") is not click.core.ParameterSource.DEFAULT
    app = App(ledger, settings_path, ledger_given=given, demo=demo)
    ctx.obj = app
    ctx.call_on_close(app.close)


def load_commands() -> None:
    """Add the core's commands and the plugins' to ``cli`` (again: adds nothing twice)."""
    for module in COMMAND_MODULES:
        importlib.import_module(module)
    try:
        extra = Plugins().cli_commands()
    except Exception as exc:  # noqa: BLE001 - a broken plugin must not break the CLI
        click.echo(f"warning: plugin commands not loaded: {exc}", err=True)
        return
    for command in extra:
        if cli.commands.get(command.name or "") is command:
            continue
        if command.name in cli.commands:
            click.echo(f"warning: a plugin's command {command.name!r} clashes with the core's; "
                       "ignored", err=True)
            continue
        cli.add_command(command)


def main(argv: list[str] | None = None) -> int:
    make_streams_safe()
    load_commands()
    try:
        cli.main(args=argv, prog_name="loyalty", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 1
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.exceptions.Exit as done:
        return done.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
