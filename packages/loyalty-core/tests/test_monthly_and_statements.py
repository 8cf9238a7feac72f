"""Monthly figures (the Reports tab's chart) and a customer's points statement, with its PDF."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from loyalty.domain.errors import LoyaltyError
from loyalty.domain.rules.reports import Movement
from loyalty.domain.rules.reports import monthly_outstanding
from loyalty.services.reports import write_draws_csv
from loyalty.services.reports import write_monthly_csv
from loyalty.services.statement_pdf import main_fonts
from loyalty.services.statement_pdf import script_fonts
from loyalty.services.statement_pdf import write_statement_pdf


@pytest.fixture
def history(engine, clock, till):
    """Ann earns 200 in January, spends 80 in January, earns 100 in March; nothing in Feb."""
    ann = engine.add_customer("Ann Perera", phone="+94770000001")
    engine.record_sale(till.sale(ann.id, 20_000))                  # 2026-01-05: 200
    clock.advance(days=2)
    engine.redeem(ann.id, 80, reason="Paid part of a bill")
    clock.advance(days=60)                                          # 2026-03-08
    engine.record_sale(till.sale(ann.id, 10_000))                  # 100
    return ann


movement = st.builds(
    Movement, st.dates(date(2024, 1, 1), date(2026, 12, 31)),
    st.sampled_from(["earn", "redeem", "expire", "adjust", "reverse_earn", "reverse_redeem"]),
    st.integers(-500, 500))


@given(st.lists(movement, max_size=40), st.dates(date(2024, 1, 1), date(2026, 12, 31)),
       st.integers(0, 10_000))
def test_the_months_are_contiguous_and_the_last_holds_every_points_movement(
        movements, since, opening):
    until = date(2026, 12, 31)
    rows = monthly_outstanding(movements, since, until, opening)
    starts = [flow.start for flow, _ in rows]
    assert starts[0] == since.replace(day=1) and starts[-1] == date(2026, 12, 1)
    assert len(starts) == (2026 - since.year) * 12 + 12 - since.month + 1
    assert rows[-1][1] == opening + sum(m.points for m in movements)
    before = opening + sum(m.points for m in movements if m.business_date < since)
    assert [o for _, o in rows] == [
        before + sum(f.net for f, _ in rows[:i + 1]) for i in range(len(rows))]


def test_every_month_is_listed_with_the_points_outstanding_at_its_end(engine, history):
    months = engine.monthly_figures(until=date(2026, 4, 30))
    assert [m.month for m in months] == [date(2026, 1, 1), date(2026, 2, 1),
                                         date(2026, 3, 1), date(2026, 4, 1)]
    assert [(m.issued, m.redeemed, m.outstanding) for m in months] == [
        (200, 80, 120), (0, 0, 120), (100, 0, 220), (0, 0, 220)]
    assert months[-1].liability_minor == engine.value_of(220)
    assert months[-1].liability_text == engine.format_money(engine.value_of(220))


def test_a_range_starting_later_opens_with_the_points_held_before_it(engine, history):
    months = engine.monthly_figures(since=date(2026, 2, 1), until=date(2026, 3, 31))
    assert [(m.month.month, m.outstanding) for m in months] == [(2, 120), (3, 220)]


def test_no_entries_mean_no_months_and_a_backward_range_is_refused(engine):
    assert engine.monthly_figures() == []
    assert [m.outstanding for m in engine.monthly_figures(since=date(2025, 12, 1))] == [0, 0]
    with pytest.raises(LoyaltyError, match="after its end"):
        engine.monthly_figures(since=date(2026, 3, 1), until=date(2026, 1, 1))


def test_the_monthly_csv_has_a_row_a_month_and_the_liability_as_an_amount(engine, history):
    out = io.StringIO()
    write_monthly_csv(engine.monthly_figures(until=date(2026, 3, 31)), engine.currency, out)
    assert out.getvalue().splitlines() == [
        "month,issued,redeemed,expired,reversed,outstanding,liability",
        "2026-01,200,80,0,0,120,1.20", "2026-02,0,0,0,0,120,1.20",
        "2026-03,100,0,0,0,220,2.20"]


def test_the_draws_csv_keeps_each_draws_seed(engine):
    out = io.StringIO()
    write_draws_csv([], out)
    assert out.getvalue().startswith("slot,scheduled_for,drawn_at,late,seed,eligible,")


def test_a_statement_opens_with_the_balance_before_its_range_and_closes_with_the_sum(
        engine, history):
    statement = engine.statement(history.id, since=date(2026, 1, 6), until=date(2026, 3, 31))
    assert statement.opening == 200
    assert [(line.day, line.points, line.balance) for line in statement.lines] == [
        (date(2026, 1, 7), -80, 120), (date(2026, 3, 8), 100, 220)]
    assert statement.lines[0].reason == "Paid part of a bill"
    assert statement.lines[0].description == "Paid with points: Paid part of a bill"
    assert statement.closing == 220 == engine.balance(history.id)
    assert statement.closing_value_text == engine.format_money(engine.value_of(220))
    assert statement.shop_name == engine.settings.shop.name
    whole = engine.statement(history.id)
    assert whole.opening == 0 and len(whole.lines) == 3 and whole.closing == 220


def test_a_statement_of_an_unknown_customer_names_the_customer(engine):
    with pytest.raises(LoyaltyError, match="42"):
        engine.statement(42)


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_the_statement_pdf_lists_the_entries_and_balances(engine, history, tmp_path):
    path = tmp_path / "statement.pdf"
    problems = write_statement_pdf(engine.statement(history.id), path, fonts=[])
    assert problems == []
    text = pdf_text(path)
    for expected in ("Points statement", "Ann Perera", engine.settings.shop.name,
                     "Opening balance", "Paid with points: Paid part of a bill", "-80", "+100",
                     "Closing balance", "220", engine.format_money(engine.value_of(220))):
        assert expected in text


def test_an_urdu_name_is_drawn_with_the_bundled_font(engine, tmp_path):
    customer = engine.add_customer("عائشہ خان")
    path = tmp_path / "urdu.pdf"
    fonts = [f for f in script_fonts() if "Arabic" in f.name or f.suffix == ".ttc"]
    problems = write_statement_pdf(engine.statement(customer.id), path, fonts=fonts)
    # DejaVu Sans draws the Arabic letters but not the Urdu ہ; a Naskh font (Linux: Noto,
    # Windows: Segoe UI) draws all of them; without one the statement says what it lacks.
    assert problems == [] if fonts else problems == [] or "Arabic" in problems[0]
    assert path.stat().st_size > 1000


def test_a_script_no_font_draws_is_named_instead_of_printed_blank(engine, tmp_path):
    customer = engine.add_customer("නිමල් පෙරේරා")
    problems = write_statement_pdf(engine.statement(customer.id), tmp_path / "s.pdf", fonts=[])
    assert len(problems) == 1 and "Sinhala" in problems[0]


@pytest.mark.skipif(not any("Sinhala" in f.name for f in script_fonts()),
                    reason="no Sinhala font on this computer (Linux: fonts-noto-core)")
def test_a_sinhala_name_is_drawn_with_the_computers_sinhala_font(engine, tmp_path):
    customer = engine.add_customer("නිමල් පෙරේරා")
    problems = write_statement_pdf(engine.statement(customer.id), tmp_path / "s.pdf")
    assert problems == []


def test_the_statement_font_is_the_dejavu_sans_matplotlib_ships(engine):
    regular, bold = main_fonts()
    assert regular.name == "DejaVuSans.ttf" and bold is not None


def test_loyalty_statement_prints_the_entries_and_saves_the_pdf(loyalty_cli, history, tmp_path):
    pdf = tmp_path / "ann.pdf"
    result = loyalty_cli("statement", history.id, "--from", "2026-01-06", "--pdf", pdf)
    assert result.code == 0, result.err
    assert "Paid with points: Paid part of a bill" in result.out
    assert "Closing balance 220 points" in result.out
    assert "Ann Perera" in pdf_text(pdf)
    as_json = loyalty_cli("statement", history.id, "--json").json()
    assert (as_json["opening"], as_json["closing"], len(as_json["lines"])) == (0, 220, 3)


def test_loyalty_statement_of_an_unknown_customer_says_how_to_find_one(loyalty_cli, history):
    result = loyalty_cli("statement", 999)
    assert result.code != 0 and "No customer with id 999" in result.err

