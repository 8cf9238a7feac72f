"""``loyalty jobs``: the jobs that run by themselves, their last and next runs; run what is due."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import click

from loyalty.cli.app import App
from loyalty.cli.app import cli
from loyalty.cli.output import emit
from loyalty.cli.output import json_option
from loyalty.cli.output import print_table
from loyalty.domain.records import JobRun
from loyalty.domain.rules.schedule import JOB_NAMES


def when(moment: datetime | None) -> str:
    """A moment as the computer's local time, to the minute."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment is not None else ""


@cli.group("jobs", invoke_without_command=True)
@json_option
@click.pass_context
def jobs_group(context: click.Context, as_json: bool) -> None:
    """List the jobs that run by themselves while the window or 'loyalty watch' is open:
    their schedule, last run and result, and next run."""
    if context.invoked_subcommand is not None:
        return
    app: App = context.obj
    listed = app.engine.jobs()

    def next_run(status_due: bool, moment: datetime | None, enabled: bool, every: bool) -> str:
        if not enabled:
            return "off"
        if every:
            return "while open"
        return "now (due)" if status_due else when(moment)

    emit(as_json, listed, lambda: print_table(
        None, ["Job", "Schedule", "Last run", "Result", "Next run"],
        [(s.name, s.schedule, when(s.last.finished_at) if s.last else "never",
          s.last.result if s.last else "", next_run(s.due, s.next_run, s.enabled, s.continuous))
         for s in listed],
    ))


def print_runs(runs: Sequence[JobRun]) -> None:
    print_table(None, ["Job", "Slot", "Status", "Result"],
                [(r.job, r.slot, r.status, r.result) for r in runs], empty="Nothing was due.")


@jobs_group.command("run-due")
@json_option
@click.pass_obj
def run_due_command(app: App, as_json: bool) -> None:
    """Run every job that is due now, once, and exit (for Windows Task Scheduler or cron).

    Safe to run any number of times, and beside an open window: a slot that ran is not run
    again.
    """
    runs = app.engine.run_due_jobs()
    emit(as_json, runs, lambda: print_runs(runs))
    if any(run.status == "failed" for run in runs):
        raise click.exceptions.Exit(1)


@jobs_group.command("run")
@click.argument("name", type=click.Choice(JOB_NAMES))
@json_option
@click.pass_obj
def run_command(app: App, name: str, as_json: bool) -> None:
    """Run the job NAME now, as the window's "Run now" does."""
    run = app.engine.run_job(name)
    runs = [run] if run is not None else []
    emit(as_json, run, lambda: print_runs(runs))
    if run is not None and run.status == "failed":
        raise click.exceptions.Exit(1)
