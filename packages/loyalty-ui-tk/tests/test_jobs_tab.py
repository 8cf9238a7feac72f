"""The Jobs tab: the jobs that run by themselves, with a "Run now" button per job."""

from __future__ import annotations

import subprocess


def test_the_jobs_tab_lists_every_job_and_run_now_runs_one(app, demo, until):
    app.notebook.select(app.jobs)
    until(app, lambda: len(app.jobs.rows()) == 7)
    titles = [row[0] for row in app.jobs.rows()]
    assert titles == ["POS sync", "Message delivery", "Expiry and reminders",
                      "Membership refresh", "Lucky draw", "Birthday points", "Stars can fall (tier review)"]
    assert app.jobs.rows()[1][2] == "nothing to do yet"  # it runs, with nothing queued
    button = app.jobs.buttons["messages"]
    until(app, lambda: button.winfo_viewable())
    subprocess.run(["xdotool", "mousemove", str(button.winfo_rootx() + 10),
                    str(button.winfo_rooty() + 8), "click", "1"], check=True)
    until(app, lambda: app.jobs.rows()[1][3].startswith("Sent 0 messages"))
    assert app.jobs.rows()[1][2] != "never"
    assert {s.name: s for s in demo.jobs()}["messages"].last.result.startswith("Sent 0")
    assert app.jobs.buttons["draw"].instate(["disabled"])  # the draw is off
    assert app.jobs.buttons["tier_review"].instate(["disabled"])  # stars fall only if asked
