"""Interest through Python: runs, the interest table, rates, settling, projection, APY."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest

import libbank
from bankhelpers import Clock

UTC = dt.timezone.utc
JAN1 = dt.datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def ibank() -> Iterator[tuple[libbank.Bank, Clock, str, str]]:
    """A bank on 2026-01-01 with 1,000.00 in a 5% savings account compounding daily and
    1,000.00 in a 5% one compounding monthly (act/365, monthly posting)."""
    clock = Clock(JAN1)
    with libbank.open(":memory:", clock=clock, id_seed=3) as b:
        b.add_branch("HQ", "Head office")
        b.add_product("DAILY", "Daily compounding", "USD", rate=5, compounding="daily")
        b.add_product("MONTHLY", "Monthly compounding", "USD", rate="5")
        c = b.add_customer("Saver")
        d = b.open_account(c.id, "DAILY", "HQ").number
        m = b.open_account(c.id, "MONTHLY", "HQ").number
        b.deposit(d, "1000.00")
        b.deposit(m, "1000.00")
        yield b, clock, d, m


def test_interest_run__golden_figures(ibank) -> None:  # type: ignore[no-untyped-def]
    b, clock, d, m = ibank
    with pytest.raises(libbank.NotFound):
        b.interest_last_run()
    clock.t = dt.datetime(2026, 2, 1, 8, 0, tzinfo=UTC)
    run = b.interest_run(dt.date(2026, 1, 31))
    assert run == libbank.InterestRun(dt.date(2026, 1, 31), 2, 62, 2, run.transactions)
    assert b.interest_last_run() == dt.date(2026, 1, 31)

    td = b.interest_table(d)
    p = td.periods[0]
    assert td.currency == "USD" and td.account == d
    assert (p.start, p.end, p.accrued_through, p.days) == (dt.date(2026, 1, 1), dt.date(2026, 1, 31), dt.date(2026, 1, 31), 31)
    assert p.accrued.quantize(Decimal("1E-9")) == Decimal("4.255312748")
    assert p.posted == Decimal("4.26") and p.balance_basis == Decimal("1000.00")
    assert p.carried_out == p.accrued - p.posted
    assert p.transfer == f"int-{d}-2026-01-31" and p.rates == "5"
    assert b.balance(d).balance == Decimal("1004.26")
    t = b.get_transfer(p.transfer)
    assert t.kind == "interest" and t.amount == Decimal("4.26")
    stmt = list(b.statement(d))
    assert stmt[-1].kind == "interest"

    pm = b.interest_table(m).periods[0]
    assert pm.accrued.quantize(Decimal("1E-9")) == Decimal("4.246575342")
    assert pm.posted == Decimal("4.25")
    assert b.verify().ok


def test_interest_run__idempotent_and_refusals(ibank) -> None:  # type: ignore[no-untyped-def]
    b, clock, d, m = ibank
    clock.t = dt.datetime(2026, 2, 10, tzinfo=UTC)
    b.interest_run(dt.date(2026, 2, 5))
    table = b.interest_table(d)
    again = b.interest_run(dt.date(2026, 2, 5))
    assert (again.accounts, again.days, again.postings) == (0, 0, 0)
    assert b.interest_table(d) == table
    with pytest.raises(libbank.InvalidArgument):
        b.interest_run(dt.date(2026, 2, 10))  # today is not over
    with pytest.raises(libbank.InvalidArgument):
        b.interest_run(dt.date(2026, 2, 1))  # before the last run
    with pytest.raises(TypeError):
        b.interest_run(clock.t)  # type: ignore[arg-type]
    assert b.interest_table(d) == table


def test_interest_rates(ibank) -> None:  # type: ignore[no-untyped-def]
    b, clock, d, m = ibank
    b.set_interest_rate("DAILY", Decimal("4.5"), dt.date(2026, 1, 16))
    rates = b.interest_rates("DAILY")
    assert [(r.start, r.rate) for r in rates] == [(dt.date(2026, 1, 1), Decimal("5")), (dt.date(2026, 1, 16), Decimal("4.5"))]
    clock.t = dt.datetime(2026, 2, 1, tzinfo=UTC)
    b.interest_run(dt.date(2026, 1, 31))
    p = b.interest_table(d).periods[0]
    assert p.rates == "5 from 2026-01-01; 4.5 from 2026-01-16"
    with pytest.raises(libbank.InvalidArgument):
        b.set_interest_rate("DAILY", 3, dt.date(2026, 1, 20))  # accrued days are final
    with pytest.raises(libbank.InvalidArgument):
        b.set_interest_rate("DAILY", 1001, dt.date(2026, 3, 1))
    with pytest.raises(libbank.NotFound):
        b.set_interest_rate("NOPE", 1, dt.date(2026, 3, 1))
    with pytest.raises(libbank.NotFound):
        b.interest_rates("NOPE")
    b.edit_product("MONTHLY", "rate", "6")
    assert b.product("MONTHLY").rate == Decimal("6")


def test_interest_settle_then_close(ibank) -> None:  # type: ignore[no-untyped-def]
    b, clock, d, m = ibank
    clock.t = dt.datetime(2026, 1, 11, 9, tzinfo=UTC)
    t = b.interest_settle(d)
    assert t is not None and t.kind == "interest" and t.credit == d
    assert t.amount == Decimal("1.37")  # 10 days of 0.13698... compounded, rounded once
    assert b.interest_settle(d) is None  # nothing accrued since: rounds to zero
    b.withdraw(d, b.balance(d).balance)
    b.close_account(d, "done")
    with pytest.raises(libbank.AccountClosed):
        b.interest_settle(d)
    with pytest.raises(libbank.InvalidArgument):
        b.interest_settle(b.internal_account("HQ", "USD", "cash").number)


def test_interest_projection_and_apy(ibank) -> None:  # type: ignore[no-untyped-def]
    b, clock, d, m = ibank
    proj = b.interest_projection(m, 31)
    assert proj.quantize(Decimal("1E-9")) == Decimal("4.246575342")
    assert b.interest_projection(d, 1).quantize(Decimal("1E-9")) == Decimal("0.136986301")
    with pytest.raises(libbank.InvalidArgument):
        b.interest_projection(d, 0)
    with pytest.raises(libbank.InvalidArgument):
        b.interest_projection(d, 3661)
    assert b.apy("DAILY") == Decimal("5.13")
    assert b.apy("MONTHLY") == Decimal("5.12")
    with pytest.raises(libbank.NotFound):
        b.apy("NOPE")
    clock.t = dt.datetime(2026, 2, 1, tzinfo=UTC)
    b.interest_run(dt.date(2026, 1, 31))
    earned = b.apy_earned(d, dt.date(2026, 1, 15))
    assert Decimal("5.0") < earned < Decimal("5.3")
    with pytest.raises(libbank.NotFound):
        b.apy_earned(d, dt.date(2025, 1, 1))


def test_interest_product_conventions_round_trip(ibank) -> None:  # type: ignore[no-untyped-def]
    b, clock, d, m = ibank
    p = b.add_product("Q", "Quarterly", "EUR", rate="1.5", day_count="act/act", balance_method="average",
                      compounding="semiannual", posting="quarterly", min_interest_balance="50")
    assert (p.day_count, p.balance_method, p.compounding, p.posting) == ("act/act", "average", "semiannual", "quarterly")
    assert p.min_interest_balance == Decimal("50.00")
    b.edit_product("Q", "day_count", "act/360")
    assert b.product("Q").day_count == "act/360"
    with pytest.raises(libbank.InvalidArgument):
        b.edit_product("Q", "compounding", "hourly")
