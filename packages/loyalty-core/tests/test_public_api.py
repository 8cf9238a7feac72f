"""``import loyalty`` is cheap, and ``loyalty.__all__`` names all that the public API hands out."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
import typing

import loyalty
from loyalty.domain import errors
from loyalty.domain import events
from loyalty.engine import Engine


def test_importing_loyalty_loads_no_engine_or_sqlalchemy():
    """``loyalty --help`` starts fast because the package root imports its names on first use."""
    probe = ("import sys, loyalty; "
             "print(sorted(m for m in ('loyalty.engine', 'sqlalchemy') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


def test_every_public_name_resolves():
    for name in loyalty.__all__:
        assert getattr(loyalty, name) is not None, name
        assert name in dir(loyalty), name
    assert loyalty.Engine is Engine
    assert inspect.ismodule(loyalty.signals)


def test_an_unknown_name_is_an_attribute_error():
    assert not hasattr(loyalty, "Engin")


def test_type_checkers_see_every_public_name():
    """The ``TYPE_CHECKING`` block imports exactly ``__all__``, so ``from loyalty import X``
    has X's real type."""
    tree = ast.parse(inspect.getsource(loyalty))
    block = next(node for node in tree.body if isinstance(node, ast.If)
                 and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
    imported = {alias.asname or alias.name for node in block.body
                if isinstance(node, ast.ImportFrom) for alias in node.names}
    assert imported == set(loyalty.__all__)


def classes_of(module: object, base: type) -> set[str]:
    return {name for name, value in vars(module).items()
            if isinstance(value, type) and issubclass(value, base) and not name.startswith("_")}


def test_every_event_class_is_public():
    assert classes_of(events, events.Event) - set(loyalty.__all__) == set()


def test_every_error_is_public():
    assert classes_of(errors, errors.LoyaltyError) - set(loyalty.__all__) == set()


def loyalty_classes(annotation: object) -> set[type]:
    """The classes of loyalty's own modules in a return annotation (``list[Entry]`` -> Entry)."""
    found = {annotation} if isinstance(annotation, type) and \
        annotation.__module__.startswith("loyalty.") else set()
    for argument in typing.get_args(annotation):
        found |= loyalty_classes(argument)
    return found


def test_what_the_engine_returns_is_public():
    returned: set[type] = set()
    for name, member in vars(Engine).items():
        if name.startswith("_"):
            continue
        function = member.fget if isinstance(member, property) else member
        if callable(function):
            returned |= loyalty_classes(typing.get_type_hints(function).get("return"))
    assert "Outcome" in {cls.__name__ for cls in returned}
    missing = {f"{cls.__module__}.{cls.__name__}" for cls in returned
               if getattr(loyalty, cls.__name__, None) is not cls}
    assert missing == set()


def test_every_public_method_of_the_engine_says_what_it_does():
    import inspect

    from loyalty.engine import Engine

    silent = [name for name, member in inspect.getmembers(Engine)
              if not name.startswith("_") and (inspect.isfunction(member)
                                               or isinstance(member, property))
              and not (member.__doc__ or "").strip()]
    assert silent == []
