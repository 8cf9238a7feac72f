"""The Reports tab: the monthly chart and table, CSV export, the draw check, the statement."""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

from pypdf import PdfReader

from loyalty.domain.settings import with_setting
from loyalty_ui_tk import reports_tab


def click(widget) -> None:
    subprocess.run(["xdotool", "mousemove", str(widget.winfo_rootx() + 10),
                    str(widget.winfo_rooty() + 8), "click", "1"], check=True)


def test_the_chart_shows_points_per_month_on_its_axes_and_exports_them(
        app, demo, until, tmp_path, monkeypatch):
    app.notebook.select(app.reports)
    until(app, lambda: app.reports.month_rows())
    months = demo.monthly_figures(since=reports_tab.first_month(demo.shop.today()))
    assert len(months) == reports_tab.MONTHS
    axes = app.reports.axes
    labels = [t.get_text() for t in axes.get_xticklabels()]
    assert len(labels) == 12 and labels[-1].startswith(months[-1].month.strftime("%b"))
    assert labels[0] == months[0].month.strftime("%b\n%Y")  # the year under the first month
    assert axes.get_ylabel() == "Points"
    issued = [bar.get_height() for bar in axes.containers[0]]
    assert issued == [m.issued for m in months]
    outstanding = list(axes.get_lines()[0].get_ydata())
    assert outstanding == [m.outstanding for m in months]
    low, high = axes.get_ylim()
    assert low == 0 and high >= max(outstanding)
    assert app.reports.month_rows()[0][0] == months[-1].month.strftime("%b %Y")

    target = tmp_path / "months.csv"
    monkeypatch.setattr(reports_tab.filedialog, "asksaveasfilename", lambda **kw: str(target))
    until(app, lambda: app.reports.export_button.winfo_viewable())
    click(app.reports.export_button)
    until(app, lambda: target.exists() and "Saved the monthly figures" in
          app.footer.cget("text"))
    with target.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 12
    assert [int(r["outstanding"]) for r in rows] == outstanding


def test_an_empty_ledger_shows_an_empty_chart_with_a_sentence(engine, make_app, until):
    app = make_app(engine)
    app.notebook.select(app.reports)
    until(app, lambda: app.reports.draw_rows())
    texts = [t.get_text() for t in app.reports.axes.texts]
    assert texts and texts[0].startswith("No points have moved yet")
    assert app.reports.axes.get_xticks().size == 0
    assert app.reports.draw_rows()[0][0].startswith("No draws yet")


def test_check_re_derives_a_draws_winner_and_says_it_matches(
        app, demo, until, tmp_path, monkeypatch):
    demo.update_settings(with_setting(demo.settings, "draw.enabled", "true"))
    outcome = demo.run_draw(seed_source=lambda: 12345)
    app.notebook.select(app.reports)
    app.reports.pages.select(app.reports.draws_page)
    slot = outcome.record.slot
    until(app, lambda: app.reports.draw_table.exists(slot))
    assert app.reports.draw_rows()[0][5] == "12345"
    app.reports.draw_table.selection_set(slot)
    until(app, lambda: app.reports.check_button.winfo_viewable())
    click(app.reports.check_button)
    until(app, lambda: app.reports.draw_rows()[0][6] == "✓ matches")
    assert "the seed gives the recorded winner" in app.footer.cget("text")

    target = tmp_path / "draws.csv"
    monkeypatch.setattr(reports_tab.filedialog, "asksaveasfilename", lambda **kw: str(target))
    click(app.reports.export_draws_button)
    until(app, lambda: target.exists())
    with target.open(encoding="utf-8-sig", newline="") as f:
        (row,) = list(csv.DictReader(f))
    assert row["slot"] == slot and row["seed"] == "12345"
    assert row["winner_customer_id"] == str(outcome.record.winner_customer_id)


def test_a_customers_statement_is_shown_and_saved_as_pdf(
        app, demo, until, tmp_path, monkeypatch):
    app.notebook.select(app.reports)
    app.reports.pages.select(app.reports.statements)
    until(app, lambda: app.reports.customer_box.cget("values"))
    first = app.reports.customer_box.cget("values")[0]
    app.reports.customer_var.set(first)
    app.reports.customer_box.event_generate("<<ComboboxSelected>>")
    customer_id = app.reports.chosen_customer()
    statement = demo.statement(customer_id)
    until(app, lambda: app.reports.statement_table.get_children())
    rows = [app.reports.statement_table.item(i, "values")
            for i in app.reports.statement_table.get_children()]
    assert rows[0][1] == "Opening balance" and rows[-1][1] == "Closing balance"
    assert len(rows) == len(statement.lines) + 2

    target = tmp_path / "statement.pdf"
    monkeypatch.setattr(reports_tab.filedialog, "asksaveasfilename", lambda **kw: str(target))
    until(app, lambda: app.reports.pdf_button.winfo_viewable())
    click(app.reports.pdf_button)
    until(app, lambda: "Saved" in app.footer.cget("text"), timeout=30)
    text = PdfReader(target).pages[0].extract_text()
    assert statement.customer_name in text and "Closing balance" in text
    assert statement.closing_value_text in text


def test_print_says_where_the_pdf_is_outside_windows(app, until):
    app.notebook.select(app.reports)
    app.reports.pages.select(app.reports.statements)
    app.reports.customer_var.set("1")
    path = app.reports.print_statement()
    until(app, lambda: "works on Windows" in app.footer.cget("text"), timeout=30)
    assert path is not None and Path(path).exists()
    assert str(path) in app.footer.cget("text")


def test_a_pdf_that_cannot_be_written_says_so_in_red(app, until, tmp_path):
    app.reports.customer_var.set("1")
    app.reports.save_statement(tmp_path / "no-such-folder" / "s.pdf")
    until(app, lambda: "Cannot write" in app.reports.status.cget("text"), timeout=30)


def test_a_statement_without_a_customer_says_choose_one(app):
    app.reports.customer_var.set("")
    assert app.reports.save_statement() is None
    assert "Choose a customer" in app.reports.status.cget("text")


def test_printing_uses_the_windows_print_verb_and_elsewhere_says_where_the_file_is(
        monkeypatch, tmp_path):
    path = tmp_path / "s.pdf"
    assert str(path) in reports_tab.print_pdf(path)
    printed = []
    monkeypatch.setattr(reports_tab.sys, "platform", "win32")
    monkeypatch.setattr(reports_tab.os, "startfile", lambda *a: printed.append(a), raising=False)
    assert reports_tab.print_pdf(path).startswith("Sent the statement to the printer")
    assert printed == [(path, "print")]

    def no_print_verb(path, *verb):
        if verb:
            raise OSError("No application is associated with the specified file")
        printed.append((path,))

    monkeypatch.setattr(reports_tab.os, "startfile", no_print_verb, raising=False)
    assert "opened" in reports_tab.print_pdf(path)
    assert printed[-1] == (path,)


def test_a_csv_that_cannot_be_written_says_so_in_red(app, tmp_path):
    assert app.reports.export_months(tmp_path / "missing" / "m.csv") is None
    assert "Cannot write" in app.reports.status.cget("text")


def test_showing_the_tab_again_reads_the_new_figures(app, demo, until):
    app.notebook.select(app.reports)
    until(app, lambda: app.reports.month_rows())
    redeemed_before = int(app.reports.month_rows()[0][2].replace(",", ""))
    demo.redeem(1, 25, reason="Paid part of a bill")
    app.notebook.select(app.customers)
    app.notebook.select(app.reports)
    until(app, lambda: int(app.reports.month_rows()[0][2].replace(",", ""))
          == redeemed_before + 25)
