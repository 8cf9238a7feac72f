"""The plugin manager: built-in plugins, installed ones (entry points), and typed access.

Set ``LOYALTY_DISABLED_PLUGINS=name,name`` to skip installed plugins by entry point name, and
``LOYALTY_TRACE_PLUGINS=1`` to print every hook call to stderr.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import logging
import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING
from typing import Any

import attrs
import pluggy

from loyalty.domain.errors import SettingsError
from loyalty.domain.errors import UnknownPlugin
from loyalty.plugins import hookspecs


if TYPE_CHECKING:
    import click

    from loyalty.domain.channels import Channel
    from loyalty.domain.events import Event
    from loyalty.domain.money import Currency
    from loyalty.domain.pos import PosAdapterType
    from loyalty.domain.settings import Settings
    from loyalty.plugins.engine_view import EngineView
    from loyalty.plugins.frontends import Frontend

log = logging.getLogger(__name__)

DEFAULT_PLUGINS = {"loyalty.currencies": "loyalty.plugins.currencies"}
"""Modules of the core that are plugins like any other, by the name they are registered under
(the name ``LOYALTY_DISABLED_PLUGINS`` and ``loyalty plugins`` use)."""


@attrs.frozen
class PluginInfo:
    name: str
    distribution: str | None
    version: str | None
    hooks: tuple[str, ...]
    error: str | None = None


class Plugins:
    """Typed facade over pluggy, so the rest of the code never calls ``pm.hook`` untyped."""

    def __init__(self, *, load_installed: bool = True, extra: Iterable[object] = ()) -> None:
        self.manager = pluggy.PluginManager(hookspecs.NAME)
        self.manager.add_hookspecs(hookspecs)
        self.failed: list[PluginInfo] = []
        self._distributions: dict[str, importlib.metadata.Distribution] = {}
        for name, module_name in DEFAULT_PLUGINS.items():
            self.manager.register(importlib.import_module(module_name), name=name)
        for name in filter(None, os.environ.get("LOYALTY_DISABLED_PLUGINS", "").split(",")):
            self.manager.set_blocked(name.strip())
        if load_installed:
            self._load_entry_points()
        for plugin in extra:
            self.register(plugin)
        self.manager.check_pending()
        if os.environ.get("LOYALTY_TRACE_PLUGINS"):
            self.manager.trace.root.setwriter(sys.stderr.write)
            self.manager.enable_tracing()

    def _load_entry_points(self) -> None:
        """Load each ``loyalty`` entry point; one broken plugin never stops the others."""
        for entry_point in importlib.metadata.entry_points(group=hookspecs.NAME):
            if self.manager.is_blocked(entry_point.name) or self.manager.has_plugin(
                entry_point.name
            ):
                continue
            try:
                plugin = entry_point.load()
                self.manager.register(plugin, name=entry_point.name)
            except Exception as exc:  # noqa: BLE001 - a plugin may raise anything on import
                dist = entry_point.dist
                self.failed.append(PluginInfo(
                    entry_point.name, dist.name if dist else None,
                    dist.version if dist else None, (), f"{type(exc).__name__}: {exc}",
                ))
                log.warning("plugin %s failed to load: %s", entry_point.name, exc)
                continue
            if entry_point.dist is not None:
                self._distributions[entry_point.name] = entry_point.dist

    def register(self, plugin: object, name: str | None = None) -> None:
        self.manager.register(plugin, name=name)
        self.manager.check_pending()

    # ---- typed access -----------------------------------------------------------------------

    def _collect(self, hook: Any, **kwargs: Any) -> list:
        """Every item the implementations return, in registration order (first registered first).

        pluggy calls the last registered plugin first; reversing puts a later plugin's items
        after an earlier one's, so when items are keyed by name the later plugin wins: an
        explicitly registered plugin overrides an installed one, and an installed plugin can
        override a built-in.
        """
        return [item for result in reversed(hook(**kwargs)) if result for item in result]

    def currencies(self) -> dict[str, Currency]:
        return {c.code: c
                for c in self._collect(self.manager.hook.loyalty_currencies, code=None)}

    def currency(self, code: str) -> Currency:
        """The currency with ISO ``code``, asking the plugins for that one only."""
        found = {c.code: c
                 for c in self._collect(self.manager.hook.loyalty_currencies, code=code)}
        try:
            return found[code]
        except KeyError:
            known = ", ".join(sorted(self.currencies()))
            raise SettingsError(
                "shop.currency", f"no installed plugin offers {code!r}",
                hint=f"Choose one of {known}, or install a currency plugin.",
            ) from None

    def pos_adapters(self) -> dict[str, PosAdapterType]:
        return {a.name: a for a in self._collect(self.manager.hook.loyalty_pos_adapters)}

    def pos_adapter(self, name: str) -> PosAdapterType:
        adapters = self.pos_adapters()
        if name not in adapters:
            raise UnknownPlugin(
                f"No POS adapter named {name!r} is installed "
                f"(installed: {', '.join(sorted(adapters)) or 'none'}).",
                hint=f"Install it, e.g. 'pip install loyalty-pos-{name}', or fix pos.adapter.",
            )
        return adapters[name]

    def channels(self, settings: Settings | None = None) -> dict[str, Channel]:
        """Installed channels by name, configured from ``settings`` when given."""
        return {c.name: c
                for c in self._collect(self.manager.hook.loyalty_channels, settings=settings)}

    def frontends(self) -> dict[str, Frontend[Any]]:
        return {f.name: f for f in self._collect(self.manager.hook.loyalty_frontends)}

    def cli_commands(self) -> list[click.Command]:
        return self._collect(self.manager.hook.loyalty_cli_commands)

    def events_committed(self, engine: EngineView, events: list[Event]) -> None:
        try:
            self.manager.hook.loyalty_events_committed(engine=engine, events=events)
        except Exception:
            log.exception("a loyalty_events_committed hook failed")

    def describe(self) -> list[PluginInfo]:
        """Every registered plugin with its distribution, version and the hooks it implements."""
        infos = []
        for name, plugin in self.manager.list_name_plugin():
            if plugin is None:
                continue
            dist = self._distributions.get(name)
            hooks = tuple(sorted(h.name for h in self.manager.get_hookcallers(plugin) or ()))
            if dist is not None:
                infos.append(PluginInfo(name, dist.metadata["name"], dist.version, hooks))
            elif name in DEFAULT_PLUGINS:
                core = importlib.metadata.version("loyalty-core")
                infos.append(PluginInfo(name, "loyalty-core", core, hooks))
            else:
                infos.append(PluginInfo(name, None, None, hooks))
        return infos + self.failed
