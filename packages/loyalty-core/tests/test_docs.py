"""The plugin documentation covers every hook with its full signature, and names no stale one."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from loyalty.plugins import hookspecs


DOC = Path(__file__).resolve().parents[3] / "docs" / "plugin-hooks.md"


def specs() -> dict[str, str]:
    """Each hookspec's name and full signature, as the docs write it."""
    return {
        name: f"{name}{inspect.signature(function)}".replace("'", "")
        for name, function in vars(hookspecs).items()
        if callable(function) and hasattr(function, f"{hookspecs.NAME}_spec")
    }


def documented() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    return re.findall(r"^### `(loyalty_\w+\(.*\).*)`$", text, flags=re.MULTILINE)


def test_the_hookspecs_are_found():
    assert "loyalty_events_committed" in specs()
    assert specs()["loyalty_events_committed"] == (
        "loyalty_events_committed(engine: EngineView, events: Sequence[Event]) -> None")


def test_every_hook_is_documented_with_its_full_signature():
    headings = documented()
    missing = [signature for signature in specs().values() if signature not in headings]
    assert missing == []


def test_the_docs_describe_no_hook_that_does_not_exist():
    assert sorted(documented()) == sorted(specs().values())


def test_every_hook_says_when_it_is_called():
    text = DOC.read_text(encoding="utf-8")
    for signature in specs().values():
        section = text.split(f"### `{signature}`", 1)[1].split("\n### ", 1)[0]
        assert "**When:**" in section, signature


CORE_COMMAND_MODULES = ("loyalty.cli.customers", "loyalty.cli.points", "loyalty.cli.settings",
                        "loyalty.cli.plugins", "loyalty.cli.demo")


def core_commands() -> list[str]:
    """``customers``, ``customer add``, ... for every command these core modules define."""
    import click

    from loyalty.cli.app import load_commands
    from loyalty.cli.app import cli

    load_commands()
    found = []
    for name, command in cli.commands.items():
        subcommands = command.commands.items() if isinstance(command, click.Group) else []
        for sub_name, sub in subcommands:
            if sub.callback.__module__ in CORE_COMMAND_MODULES:
                found.append(f"{name} {sub_name}")
        if not subcommands and command.callback.__module__ in CORE_COMMAND_MODULES:
            found.append(name)
    return found


def test_every_core_command_is_documented_with_an_example():
    text = (DOC.parent / "cli.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.*)$", text, flags=re.MULTILINE)
    commands = core_commands()
    assert "customer add" in commands and "rebuild-balances" in commands
    missing = [c for c in commands if not any(f"`loyalty {c}" in h for h in headings)]
    assert missing == []


def all_commands() -> list[str]:
    """The full name of every command the core defines: ``sync``, ``draw run``, ``outbox``...

    A group's subcommands are listed by their full names; a group that also runs by itself
    (``loyalty outbox``, ``loyalty jobs``) is listed too. Plugins document their own commands.
    """
    import click

    from loyalty.cli.app import cli
    from loyalty.cli.app import load_commands

    load_commands()
    found = []
    for name, command in cli.commands.items():
        if isinstance(command, click.Group):
            subs = [f"{name} {sub}" for sub, c in command.commands.items()
                    if c.callback.__module__.startswith("loyalty.cli.")]
            if subs and command.invoke_without_command:
                subs.insert(0, name)
            found.extend(subs)
        elif command.callback.__module__.startswith("loyalty.cli."):
            found.append(name)
    return found


def cli_headings_commands() -> list[str]:
    """What each ``## `loyalty ...``` heading of cli.md names: ``draw run [--json]`` etc."""
    text = (DOC.parent / "cli.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.*)$", text, flags=re.MULTILINE)
    return [span for heading in headings for span in re.findall(r"`loyalty ([^`]*)`", heading)]


def test_every_command_and_subcommand_has_a_heading_in_cli_md():
    commands = all_commands()
    assert {"sync", "draw run", "outbox", "outbox retry", "jobs run-due", "ui"} <= set(commands)
    spans = cli_headings_commands()
    missing = [c for c in commands if not any(s == c or s.startswith(f"{c} ") for s in spans)]
    assert missing == []


def test_cli_md_has_no_heading_for_a_command_that_does_not_exist():
    commands = set(all_commands())
    named = [" ".join(re.match(r"[a-z][a-z-]*(?: [a-z][a-z-]*)?", span).group(0).split())
             for span in cli_headings_commands()]
    assert [name for name in named if name not in commands] == []
