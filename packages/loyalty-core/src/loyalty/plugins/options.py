"""Reading a plugin's options from its table in the settings file (``[plugins.NAME]``).

The core does not know a plugin's options; the plugin describes them as an attrs class with
defaults, and this turns the free-form table into it, refusing a misspelt or invalid option by
its dotted path (``plugins.callmebot.read_timeout``) like every other setting.
"""

from __future__ import annotations

from typing import TypeVar

import attrs

from loyalty.domain.errors import SettingsError
from loyalty.domain.settings import Settings


T = TypeVar("T")


def plugin_options(cls: type[T], settings: Settings | None, name: str) -> T:
    """``cls`` built from ``settings.plugins[name]``; all defaults when there are no settings.

    Every field of ``cls`` needs a default, so each option can be checked on its own.
    """
    table = dict(settings.plugins.get(name) or {}) if settings is not None else {}
    known = {field.name for field in attrs.fields(cls)}  # type: ignore[arg-type]
    for key, value in table.items():
        if key not in known:
            raise SettingsError(f"plugins.{name}.{key}", f"is not an option of the {name} plugin",
                                hint=f"Use one of {', '.join(sorted(known))}.")
        try:
            cls(**{key: value})
        except (TypeError, ValueError) as exc:
            raise SettingsError(f"plugins.{name}.{key}", str(exc)) from None
    return cls(**table)
