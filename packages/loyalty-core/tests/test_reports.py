"""Reports: issued, redeemed, expired, outstanding and the liability; customers; CSV and chart."""

from __future__ import annotations

import csv
import io
import sys
from datetime import date
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty.domain.errors import LoyaltyError
from loyalty.domain.rules import reports
from loyalty.domain.settings import ExpirySettings
from loyalty.domain.settings import Settings
from loyalty.domain.settings import ShopSettings
from loyalty.services.reports import write_chart
from loyalty.services.reports import write_flows_csv
from loyalty.services.reports import write_inactive_csv
from loyalty.testing.plugin import Till


@pytest.fixture
def settings() -> Settings:
    return Settings(shop=ShopSettings(timezone="UTC"),
                    expiry=ExpirySettings(mode="days", days=30))


@pytest.fixture
def shop(engine, clock, till):
    """Ann buys in January and February, Bob once in January (and his points expire), Cat at
    another shop of the chain in February; Ann spends some and returns part of a sale."""
    ann, bob, cat = (engine.add_customer(n) for n in ("Ann", "Bob", "Cat"))
    engine.record_sale(till.sale(ann.id, 20_000, document="A1"))  # 2026-01-05: 200
    engine.record_sale(till.sale(bob.id, 5_000))                   # 50
    clock.advance(days=2)
    engine.redeem(ann.id, 80)                                      # 2026-01-07
    engine.refund(till.refund("A1", 5_000))                        # -50 reversed
    clock.advance(days=30)                                         # 2026-02-06
    engine.expire()                                             # Bob's 50 and Ann's 70
    branch = Till(engine, shop_id="branch")
    engine.record_sale(branch.sale(cat.id, 30_000))                # 300 at the branch
    engine.record_sale(till.sale(ann.id, 1_000))                   # 10
    return ann, bob, cat


def test_the_totals_add_up_to_the_points_outstanding_and_their_value(engine, shop):
    ann, bob, cat = shop
    report = engine.report()
    t = report.totals
    assert (t.issued, t.redeemed, t.expired, t.reversed) == (560, 80, 120, 50)
    assert report.outstanding == t.net == sum(engine.balance(c.id) for c in shop) == 310
    assert report.liability_minor == engine.value_of(310) == 310
    assert report.liability_text == "$3.10"
    assert report.redemption_rate == Decimal("0.1429")  # 80 of 560


def test_figures_roll_up_by_day_week_and_month(engine, shop):
    by_month = engine.report(period="month").flows
    assert [(f.start, f.issued, f.redeemed, f.expired) for f in by_month] == [
        (date(2026, 1, 1), 250, 80, 0), (date(2026, 2, 1), 310, 0, 120)]
    by_week = engine.report(period="week").flows
    assert [f.start for f in by_week] == [date(2026, 1, 5), date(2026, 2, 2)]
    by_day = engine.report(period="day").flows
    assert [f.start for f in by_day] == [date(2026, 1, 5), date(2026, 1, 7), date(2026, 2, 6)]


def test_a_date_range_limits_the_flows_but_not_the_outstanding(engine, shop):
    report = engine.report(since=date(2026, 2, 1))
    assert report.totals.issued == 310 and report.outstanding == 310
    january = engine.report(until=date(2026, 1, 31))
    assert january.outstanding == 250 - 80 - 50
    with pytest.raises(LoyaltyError, match="--from"):
        engine.report(since=date(2026, 3, 1), until=date(2026, 2, 1))


def test_a_shop_of_a_chain_sees_only_its_own_entries(engine, shop):
    ann, bob, cat = shop
    branch = engine.report(shop="branch")
    assert (branch.totals.issued, branch.outstanding) == (300, 300)
    assert [c.customer_id for c in branch.top] == [cat.id]
    main_shop = engine.report(shop="main")
    assert main_shop.totals.issued == 260


def test_customers_are_counted_active_inactive_and_by_rating(engine, shop, clock):
    ann, bob, cat = shop
    report = engine.report()
    assert (report.customers, report.active) == (3, 2)
    assert [(c.customer_id, c.last_sale) for c in report.inactive] == [(bob.id, date(2026, 1, 5))]
    assert report.by_tier == {"☆☆☆☆☆": 1, "★☆☆☆☆": 2, "★★☆☆☆": 0, "★★★☆☆": 0,
                              "★★★★☆": 0, "★★★★★": 0}
    assert [(c.customer_id, c.issued) for c in report.top] == [(cat.id, 300), (ann.id, 210),
                                                               (bob.id, 50)]


def test_the_csv_exports_have_one_row_per_period_and_per_inactive_customer(engine, shop):
    report = engine.report()
    out = io.StringIO()
    write_flows_csv(report, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(r["period_start"], r["issued"], r["net"]) for r in rows] == [
        ("2026-01-01", "250", "120"), ("2026-02-01", "310", "190")]
    out = io.StringIO()
    write_inactive_csv(report, out)
    assert out.getvalue().splitlines() == ["customer_id,name,phone,last_sale,points",
                                           f"{shop[1].id},Bob,,2026-01-05,0"]


def test_the_chart_is_a_png(engine, shop, tmp_path):
    path = tmp_path / "points.png"
    write_chart(engine.report(period="week"), path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_without_matplotlib_the_chart_says_what_to_install(engine, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if it were not installed
    with pytest.raises(LoyaltyError, match=r"loyalty-core\[charts\]"):
        write_chart(engine.report(), tmp_path / "x.png")


def test_the_report_command_prints_json_and_writes_csv(shop, tmp_path, loyalty_cli):
    out = tmp_path / "flows.csv"
    args = ["report", "--to", "2026-02-06", "--period", "week", "--csv", out]
    data = loyalty_cli(*args, "--json").json()
    assert data["outstanding"] == 310 and data["liability_text"] == "$3.10"
    assert out.read_text(encoding="utf-8-sig").splitlines()[0] == (
        "period_start,issued,redeemed,expired,reversed,net")
    assert "a liability of $3.10" in loyalty_cli(*args).out


def test_csv_files_open_in_excel_with_names_in_any_script_intact(engine, shop, tmp_path,
                                                                   loyalty_cli):
    bob = shop[1]
    engine.update_customer(bob.id, name="ශ්‍රියානි පෙරේරා")  # inactive since January
    out = tmp_path / "inactive.csv"
    loyalty_cli("report", "--to", "2026-02-06", "--inactive-csv", out)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM that tells Excel the file is UTF-8
    assert "ශ්‍රියානි පෙරේරා" in data.decode("utf-8-sig")


# ---- Properties of the pure rules -----------------------------------------------------------

movements = st.lists(st.builds(
    reports.Movement,
    business_date=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    kind=st.sampled_from(["earn", "adjust", "redeem", "reverse_earn", "reverse_redeem",
                          "expire"]),
    points=st.integers(-10_000, 10_000).filter(bool),
), max_size=40)


@given(movements, st.sampled_from(reports.PERIODS))
def test_every_point_lands_in_one_column_of_one_period(items, period):
    flows = reports.flows(items, period)
    assert sum(f.net for f in flows) == sum(m.points for m in items)
    assert reports.total(flows, date(2020, 1, 1)).net == sum(m.points for m in items)
    assert [f.start for f in flows] == sorted({reports.period_start(m.business_date, period)
                                               for m in items})


@given(st.dates(), st.sampled_from(reports.PERIODS))
def test_a_period_starts_on_or_before_its_days_on_a_monday_or_the_first(day, period):
    start = reports.period_start(day, period)
    assert start <= day
    assert (day - start) < {"day": timedelta(1), "week": timedelta(7),
                            "month": timedelta(31)}[period]
    if period == "week":
        assert start.weekday() == 0
    if period == "month":
        assert start.day == 1 and start.month == day.month
