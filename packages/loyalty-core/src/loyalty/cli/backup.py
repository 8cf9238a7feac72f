"""``loyalty backup``: a consistent copy of the ledger, taken while the shop keeps selling."""

from __future__ import annotations

from pathlib import Path

import click

from loyalty.cli.app import App
from loyalty.cli.app import cli


@cli.command("backup")
@click.argument("target", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def backup(app: App, target: Path | None) -> None:
    """Copy the ledger to TARGET (default: a dated file in 'backups' beside the ledger).

    Readable by your account only; never overwrites a file. Copy it off the till too
    (a USB stick, another computer): a backup on the same disk dies with the disk.
    """
    click.echo(f"Backed up the ledger to {app.engine.backup(target)}")
