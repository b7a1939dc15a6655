"""Fixtures of the Python suite.

`world` is an open file bank (in a temporary directory, with a settable clock) with a
branch, four products and four funded accounts (see bankhelpers.World); `refused`
checks that a call raises and changes nothing, by hashing every row of every table
through a separate sqlite3 connection before and after.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import libbank

from bankhelpers import Clock, World, snapshot_of


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def world(tmp_path: Path, clock: Clock) -> Iterator[World]:
    path = tmp_path / "bank.db"
    bank = libbank.open(str(path), clock=clock, id_seed=7, durability="normal")
    bank.add_branch("HQ", "Head office", "1 Main St")
    bank.add_product("CHK", "Checking", "USD", kind="current", overdraft="100")
    bank.add_product("SAV", "Savings", "USD", min_balance=10, rate="2.5")
    bank.add_product("EUR", "Euro checking", "EUR", kind="current")
    cust = bank.add_customer("Alice Example", email="alice@example.com")
    a = bank.open_account(cust.id, "CHK", "HQ").number
    b = bank.open_account(cust.id, "CHK", "HQ").number
    sav = bank.open_account(cust.id, "SAV", "HQ").number
    eur = bank.open_account(cust.id, "EUR", "HQ").number
    bank.deposit(a, 1000, id="fund-a")
    bank.deposit(b, 1000, id="fund-b")
    bank.deposit(sav, 500, id="fund-sav")
    bank.deposit(eur, 100, id="fund-eur")
    clock.advance(minutes=1)
    try:
        yield World(bank, path, clock, cust, a, b, sav, eur)
    finally:
        bank.close()


@pytest.fixture
def bank(world: World) -> libbank.Bank:
    return world.bank


@pytest.fixture
def refused(world: World) -> Callable[..., pytest.ExceptionInfo[libbank.Error]]:
    """refused(ExcClass, fn, *args, **kw): fn raises ExcClass and the database is unchanged."""

    def check(exc: type[BaseException], fn: Callable[..., object], *args: object, **kw: object):  # type: ignore[no-untyped-def]
        before = snapshot_of(world.path)
        with pytest.raises(exc) as info:
            fn(*args, **kw)
        assert snapshot_of(world.path) == before, f"{fn.__name__} changed the database while refusing"
        if isinstance(info.value, libbank.Error):
            assert info.value.message, "an error without a message"
        return info

    return check

