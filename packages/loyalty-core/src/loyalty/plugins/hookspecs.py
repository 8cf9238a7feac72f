"""Hook specifications: how plugins extend the engine.

A plugin is a module (or object) with functions marked ``@hookimpl`` and named like the specs
below. Installed plugins are found through the ``loyalty`` entry point group::

    [project.entry-points.loyalty]
    sms = "loyalty_notify_sms"

A hook implementation may accept fewer arguments than its spec (pluggy passes only the ones it
names), so specs can grow without breaking plugins. Registration hooks are called every time the
engine needs the list; keep them cheap and free of I/O.
"""

# The specs are signatures only: pluggy never calls their bodies, so they return nothing.
# mypy: disable-error-code="empty-body"

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pluggy


if TYPE_CHECKING:
    import click

    from loyalty.domain.channels import Channel
    from loyalty.domain.events import Event
    from loyalty.domain.money import Currency
    from loyalty.domain.pos import PosAdapterType
    from loyalty.domain.settings import Settings
    from loyalty.plugins.engine_view import EngineView
    from loyalty.plugins.frontends import Frontend

NAME = "loyalty"

hookspec = pluggy.HookspecMarker(NAME)
#: Marks a plugin's hook implementations: ``from loyalty import hookimpl``.
hookimpl = pluggy.HookimplMarker(NAME)


# ---- Registration hooks: what a plugin offers ---------------------------------------------


@hookspec
def loyalty_currencies(code: str | None) -> Iterable[Currency]:
    """Return the currencies this plugin adds.

    Called whenever the engine resolves ``shop.currency`` or lists currencies (the Settings
    tab's dropdown). A code offered by two plugins resolves to the one registered last, so a
    plugin can change the symbol of a built-in currency.

    :param code: when the engine resolves one currency, its ISO code: a plugin with many may
        return just that one (or nothing). None when every currency is listed.

    :return: an iterable of :class:`loyalty.domain.money.Currency`.
    """


@hookspec
def loyalty_pos_adapters() -> Iterable[PosAdapterType]:
    """Return the point-of-sale systems this plugin can read sales from.

    Called when the engine resolves ``pos.adapter`` (``loyalty sync``, ``loyalty watch``, the
    UI's background sync) and by ``loyalty plugins``. Each
    :class:`loyalty.domain.pos.PosAdapterType` has a unique ``name`` that ``pos.adapter`` names, and
    an ``open(settings)`` that returns a :class:`loyalty.domain.pos.PosAdapter`.

    :return: an iterable of :class:`loyalty.domain.pos.PosAdapterType`.
    """


@hookspec
def loyalty_channels(settings: Settings | None) -> Iterable[Channel]:
    """Return the notification channels this plugin delivers messages through.

    Called when a message is delivered and when a frontend lists the platforms a customer
    can choose. A customer's ``platform`` names a channel; ``none`` means no messages.
    A name offered by two plugins resolves to the one registered last (a plugin registered
    in code overrides an installed one).

    :param settings: the shop's settings when delivering (read your options from
        ``settings.plugins[NAME]``); None when only the names and titles are wanted.

    :return: an iterable of :class:`loyalty.domain.channels.Channel`.
    """


@hookspec
def loyalty_frontends() -> Iterable[Frontend]:
    """Return the user interfaces this plugin provides.

    Called by ``loyalty ui`` to find the frontend to start (``--frontend NAME`` picks one
    when several are installed).

    :return: an iterable of :class:`loyalty.plugins.frontends.Frontend`; its ``run`` is called
        with the open :class:`loyalty.engine.Engine`.
    """


@hookspec
def loyalty_cli_commands() -> Iterable[click.Command]:
    """Return extra ``loyalty`` subcommands.

    Called once when the command line starts, before arguments are parsed. Each command is
    added to the ``loyalty`` group under its own name; a name already taken by the core is
    refused with a warning.

    :return: an iterable of :class:`click.Command`.
    """


# ---- Event hooks: what a plugin hears ------------------------------------------------------


@hookspec
def loyalty_events_committed(engine: EngineView, events: Sequence[Event]) -> None:
    """Called after a ledger transaction committed, with the events it produced, in order.

    The events are facts already stored: a plugin may react (call a webhook, update a
    display) but cannot undo them. An exception raised here is logged and does not reach
    the caller of the engine. Work that must not be lost belongs in the outbox, not here.

    :param engine: the engine that committed them, as a
        :class:`loyalty.plugins.engine_view.EngineView`: its settings, currency and reads
        (``customer``, ``balance``, ``history``, ``format_money``) are what a hook may use.
    :param events: the events, oldest first.
    """
