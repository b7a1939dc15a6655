"""Reads through Python: balances, statements, trial balance, verify, audit trail."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal

import pytest

import libbank
from bankhelpers import World


def test_report_balance(world: World, refused) -> None:  # type: ignore[no-untyped-def]
    b = world.bank
    bal = b.balance(world.sav)
    assert bal == libbank.Balance(world.sav, "USD", Decimal("500.00"), Decimal("0.00"), Decimal("490.00"))
    assert b.balance(world.eur).currency == "EUR"
    refused(libbank.InvalidArgument, b.balance, "42")
    vault = b.internal_account("HQ", "USD", "cash")
    assert b.balance(vault.number).available == vault.balance


def test_report_balance_at(world: World) -> None:
    b = world.bank
    t1 = world.clock.t
    b.deposit(world.a, 5)
    world.clock.advance(hours=1)
    t2 = world.clock.t
    b.withdraw(world.a, 20)
    assert b.balance_at(world.a, t1) == Decimal("1000.00")
    assert b.balance_at(world.a, t2) == Decimal("1005.00")
    assert b.balance_at(world.a, t2 + dt.timedelta(seconds=1)) == Decimal("985.00")
    assert b.balance_at(world.a, 0) == Decimal("0.00")


def test_report_statement__pages_and_periods(world: World) -> None:
    b = world.bank
    start = world.clock.t
    for i in range(25):
        world.clock.advance(minutes=1)
        b.transfer(world.a, world.b, i + 1, id=f"s-{i}", memo=f"line {i}")
    end = world.clock.t
    world.clock.advance(minutes=1)
    b.deposit(world.a, 1000)

    st = b.statement(world.a, page_size=4)
    assert st.currency == "USD" and st.account == world.a
    assert st.opening_balance == 0 and st.closing_balance == Decimal("1675.00")
    lines = list(st)
    assert len(lines) == 27  # funding, 25 transfers, the last deposit
    assert [e.seq for e in lines] == sorted(e.seq for e in lines)
    assert lines[0].id == "fund-a" and lines[0].amount == Decimal("1000.00")
    assert lines[1].amount == Decimal("-1.00") and lines[1].counterparty == world.b
    assert lines[1].memo == "line 0" and lines[1].currency == "USD"
    assert lines[-1].balance_after == Decimal("1675.00")
    assert "Statement" in repr(st)
    assert list(st) == []  # an iterator: consumed

    period = b.statement(world.a, since=start + dt.timedelta(seconds=30), until=end)
    got = list(period)
    assert [e.id for e in got] == [f"s-{i}" for i in range(24)]  # `until` is exclusive
    assert period.opening_balance == Decimal("1000.00")
    assert period.since == start + dt.timedelta(seconds=30) and period.until == end

    other = list(b.statement(world.b))
    assert [e.amount for e in other[1:4]] == [Decimal("1.00"), Decimal("2.00"), Decimal("3.00")]


def test_report_statement__export_in_flat_memory(world: World) -> None:
    # 20,000 postings on a; exporting them through the iterator keeps one page of Python
    # objects alive at a time, where a list of them all takes many times as much.
    import tracemalloc

    b = world.bank
    for k in range(20):
        reqs = [libbank.TransferRequest(world.a, world.b, 1) if i % 2 else
                libbank.TransferRequest(world.b, world.a, 1) for i in range(1000)]
        assert all(r.status == "created" for r in b.transfer_batch(reqs))
    tracemalloc.start()
    try:
        n, last = 0, None
        for e in b.statement(world.a, page_size=1000):
            n += 1
            last = e
        _, streamed = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        held = list(b.statement(world.a, page_size=1000))
        _, listed = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert n == len(held) == 20001 and last == held[-1]
    assert last.balance_after == b.balance(world.a).balance
    assert streamed < 8 * 2**20, streamed
    assert listed > 4 * streamed, (listed, streamed)


def test_report_statement__errors(world: World) -> None:
    b = world.bank
    with pytest.raises(libbank.InvalidArgument):
        b.statement("12")
    with pytest.raises(libbank.InvalidArgument):
        b.statement(world.a, page_size=0)
    with pytest.raises(libbank.InvalidArgument):
        b.statement(world.a, since=world.clock.t, until=world.clock.t - dt.timedelta(days=1))
    b.deposit(world.a, 1)
    st = b.statement(world.a, page_size=1)
    next(st)
    b.close()
    with pytest.raises(libbank.Misuse):
        list(st)


def test_report_trial_balance(world: World) -> None:
    tb = world.bank.trial_balance()
    assert tb.balanced
    usd = next(t for t in tb.totals if t.currency == "USD")
    assert usd.debit == usd.credit == Decimal("2500.00")
    kinds = {(l.branch, l.currency, l.kind): l for l in tb.lines}
    assert kinds[("HQ", "USD", "customer")].accounts == 3
    assert kinds[("HQ", "USD", "cash")].debit == Decimal("2500.00")


def test_report_verify__sound(world: World) -> None:
    r = world.bank.verify()
    assert r.ok and r.violations == ()
    assert r.accounts_checked >= 5 and r.transfers_checked == 4


def test_report_verify__broken_ledger_raises_corrupt_with_report(world: World) -> None:
    b = world.bank
    b.close()
    con = sqlite3.connect(world.path)
    # Tamper with a stored balance behind libbank's back (balances are not append-only).
    cols = [r[1] for r in con.execute("PRAGMA table_info(account)")]
    assert "balance" in cols
    con.execute("UPDATE account SET balance = balance + 1 WHERE number = ?", (world.a,))
    con.commit()
    con.close()
    with libbank.open(str(world.path)) as b2:
        with pytest.raises(libbank.Corrupt) as info:
            b2.verify()
    rep = info.value.report
    assert isinstance(rep, libbank.VerifyReport) and not rep.ok
    assert any(v.check == "balance" and world.a in v.object for v in rep.violations)


def test_report_audit(world: World) -> None:
    b = world.bank
    entries = list(b.audit(page_size=3))
    assert len(entries) >= 10
    assert [e.seq for e in entries] == sorted(e.seq for e in entries)
    assert entries[0].principal == "system"
    actions = {e.action for e in entries}
    assert "branch.add" in actions or any(a.startswith("branch") for a in actions)
    about = list(b.audit(object=f"account:{world.a}"))
    assert about and all(e.object == f"account:{world.a}" for e in about)
    tail = list(b.audit(after=entries[-2].seq))
    assert [e.seq for e in tail] == [entries[-1].seq]
    import json

    assert isinstance(json.loads(entries[0].details), dict)
