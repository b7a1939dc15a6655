"""Branches, products, customers and accounts through Python: happy and error paths."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

import libbank
from bankhelpers import World

# ---- Branches ----


def test_branch_add_get_list_edit(world: World) -> None:
    b = world.bank
    br = b.add_branch("NYC", "New York", None)
    assert (br.code, br.name, br.address) == ("NYC", "New York", None)
    assert br.created_at == world.clock.t
    assert b.branch("NYC") == br
    assert [x.code for x in b.branches()] == ["HQ", "NYC"]
    b.edit_branch("NYC", "address", "5th Avenue")
    b.edit_branch("NYC", "name", "New York City")
    got = b.branch("NYC")
    assert (got.name, got.address) == ("New York City", "5th Avenue")
    b.edit_branch("NYC", "address", None)
    assert b.branch("NYC").address is None


def test_branch_errors(world: World, refused) -> None:  # type: ignore[no-untyped-def]
    b = world.bank
    refused(libbank.AlreadyExists, b.add_branch, "HQ", "Again")
    refused(libbank.InvalidArgument, b.add_branch, "bad code!", "Name")
    refused(libbank.InvalidArgument, b.add_branch, "OK", "")
    refused(libbank.NotFound, b.branch, "NOPE")
    refused(libbank.InvalidArgument, b.edit_branch, "HQ", "colour", "red")
    refused(libbank.NotFound, b.edit_branch, "NOPE", "name", "x")
    refused(TypeError, b.add_branch, 5, "x")


def test_records_are_frozen(world: World) -> None:
    br = world.bank.branch("HQ")
    with pytest.raises(dataclasses.FrozenInstanceError):
        br.name = "x"  # type: ignore[misc]
    assert "Branch(" in repr(br) and "'HQ'" in repr(br)


# ---- Products ----


def test_product_add_get_list_edit(world: World) -> None:
    b = world.bank
    p = b.add_product(
        "GOLD", "Gold savings", "USD", min_balance=Decimal("25.50"), rate=Decimal("1.125"),
        day_count="act/360", balance_method="average", compounding="quarterly", posting="annual",
        min_interest_balance="100",
    )
    assert p.kind == "savings" and p.currency == "USD"
    assert p.min_balance == Decimal("25.50") and p.overdraft == Decimal("0.00")
    assert p.rate == Decimal("1.125")
    assert (p.day_count, p.balance_method, p.compounding, p.posting) == ("act/360", "average", "quarterly", "annual")
    assert p.min_interest_balance == Decimal("100.00")
    assert b.product("GOLD") == p
    assert [x.code for x in b.products()] == ["CHK", "EUR", "GOLD", "SAV"]
    b.edit_product("GOLD", "min_balance", Decimal("30"))
    b.edit_product("GOLD", "overdraft", 5)
    b.edit_product("GOLD", "rate", Decimal("2.0"))
    b.edit_product("GOLD", "name", "Gold")
    b.edit_product("GOLD", "posting", "monthly")
    b.edit_product("GOLD", "min_interest_balance", "0")
    g = b.product("GOLD")
    assert (g.min_balance, g.overdraft, g.rate, g.name, g.posting) == (
        Decimal("30.00"), Decimal("5.00"), Decimal("2"), "Gold", "monthly"
    )
    jpy = b.add_product("YEN", "Yen", "JPY", kind="current", overdraft=1000)
    assert jpy.overdraft == Decimal("1000")
    # A Decimal is judged by value on every path, as in add_product and the movements.
    b.edit_product("GOLD", "overdraft", Decimal("12.500"))
    b.edit_product("YEN", "overdraft", Decimal("5.0"))
    b.edit_product("GOLD", "min_balance", Decimal("-0"))
    assert b.product("GOLD").overdraft == Decimal("12.50") and b.product("YEN").overdraft == Decimal("5")
    assert b.product("GOLD").min_balance == Decimal("0.00")


def test_product_errors(world: World, refused) -> None:  # type: ignore[no-untyped-def]
    b = world.bank
    refused(libbank.AlreadyExists, b.add_product, "CHK", "Again", "USD")
    refused(libbank.InvalidArgument, b.add_product, "X1", "X", "ZZZ")
    refused(libbank.InvalidArgument, b.add_product, "X1", "X", "USD", kind="loan")
    refused(libbank.InvalidArgument, b.add_product, "X1", "X", "USD", min_balance="1.234")
    refused(libbank.InvalidArgument, b.add_product, "X1", "X", "USD", min_balance=-1)
    refused(libbank.InvalidArgument, b.add_product, "X1", "X", "USD", rate="1000.5")
    refused(libbank.InvalidArgument, b.add_product, "X1", "X", "USD", posting="daily")
    refused(libbank.InvalidArgument, b.add_product, "X1", "X", "USD", day_count="30/360")
    refused(TypeError, b.add_product, "X1", "X", "USD", rate=2.5)
    refused(TypeError, b.add_product, "X1", "X", "USD", overdraft=True)
    refused(libbank.NotFound, b.product, "NOPE")
    refused(libbank.InvalidArgument, b.edit_product, "CHK", "currency", "EUR")
    refused(libbank.InvalidArgument, b.edit_product, "CHK", "min_balance", "1.234")
    refused(libbank.InvalidArgument, b.edit_product, "CHK", "min_balance", Decimal("1.2340"))
    refused(TypeError, b.edit_product, "CHK", "rate", 1.5)
    refused(libbank.NotFound, b.edit_product, "NOPE", "name", "x")


# ---- Customers ----


def test_customer_add_get_list_edit(world: World) -> None:
    b = world.bank
    c = b.add_customer(
        "Bob Builder", dob=dt.date(1980, 5, 17), occupation="Builder", income=Decimal("52000.50"),
        email="bob@example.com", phone="+44 20 7946 0000",
        address=libbank.Address(line1="1 Yard", city="Leeds", postal_code="LS1", country="GB"),
    )
    assert c.dob == dt.date(1980, 5, 17)
    assert c.income == Decimal("52000.50") and c.income_currency == "USD"
    assert c.address == libbank.Address(line1="1 Yard", city="Leeds", postal_code="LS1", country="GB")
    assert b.customer(c.id) == c
    assert [x.id for x in b.customers()] == [world.customer.id, c.id]
    plain = b.add_customer("Carol", income=1000, income_currency="JPY", dob="1990-01-02")
    assert plain.address is None and plain.email is None and plain.occupation is None
    assert plain.income == Decimal("1000") and plain.dob == dt.date(1990, 1, 2)
    b.edit_customer(plain.id, "email", "carol@example.com")
    b.edit_customer(plain.id, "income", 2000)
    b.edit_customer(plain.id, "city", "Paris")
    b.edit_customer(plain.id, "dob", dt.date(1991, 2, 3))
    got = b.customer(plain.id)
    assert got.email == "carol@example.com" and got.income == Decimal("2000")
    assert got.address is not None and got.address.city == "Paris"
    assert got.dob == dt.date(1991, 2, 3)
    b.edit_customer(plain.id, "email", None)
    assert b.customer(plain.id).email is None
    b.set_address(plain.id, {"line1": "2 Rue", "country": "FR"})
    assert b.customer(plain.id).address == libbank.Address(line1="2 Rue", country="FR")


def test_customer_errors(world: World, refused) -> None:  # type: ignore[no-untyped-def]
    b = world.bank
    refused(libbank.InvalidArgument, b.add_customer, "")
    refused(libbank.InvalidArgument, b.add_customer, "X", email="no-at-sign")
    refused(libbank.InvalidArgument, b.add_customer, "X", phone="call me")
    refused(libbank.InvalidArgument, b.add_customer, "X", dob="2999-01-01")
    refused(libbank.InvalidArgument, b.add_customer, "X", income="-5")
    refused(libbank.InvalidArgument, b.add_customer, "X", income="1.234")
    refused(TypeError, b.add_customer, "X", income=1.5)
    refused(TypeError, b.add_customer, "X", address={"street": "nope"})
    refused(TypeError, b.add_customer, "X", address="1 Main St")
    refused(libbank.NotFound, b.customer, 999)
    refused(libbank.InvalidArgument, b.edit_customer, world.customer.id, "shoe_size", "9")
    refused(libbank.NotFound, b.edit_customer, 999, "name", "x")
    refused(libbank.NotFound, b.set_address, 999, libbank.Address(city="X"))


# ---- Accounts ----


def test_account_open_get_list(world: World) -> None:
    b = world.bank
    a = b.account(world.a)
    assert a.kind == "customer" and a.customer_id == world.customer.id
    assert (a.product, a.branch, a.currency, a.status, a.frozen) == ("CHK", "HQ", "USD", "active", "none")
    assert a.balance == Decimal("1000.00") and a.available == Decimal("1100.00")
    assert a.closed_at is None and a.final_balance is None and a.close_reason is None
    libbank.check_account_number(a.number)
    mine = b.accounts(world.customer.id)
    assert sorted(x.number for x in mine) == sorted([world.a, world.b, world.sav, world.eur])
    assert len(b.accounts()) == 4
    internal = [x for x in b.accounts(internal=True) if x.kind != "customer"]
    assert {x.kind for x in internal} == {"cash"}
    assert all(x.customer_id is None and x.product is None for x in internal)
    vault = b.internal_account("HQ", "USD", "cash")
    assert vault.balance == Decimal("2500.00")  # debit-normal: what came in
    fees = b.internal_account("HQ", "USD", "fee_income")
    assert fees.kind == "fee_income" and fees.balance == 0


def test_account_edit_history(world: World) -> None:
    b = world.bank
    c2 = b.add_customer("Dan")
    b.edit_account(world.a, "name", "Household")
    b.edit_account(world.a, "product", "SAV")
    b.edit_account(world.a, "customer", c2.id)
    a = b.account(world.a)
    assert (a.name, a.product, a.customer_id, a.min_balance) == ("Household", "SAV", c2.id, Decimal("10.00"))
    edits = b.account_edits(world.a)
    assert [e.field for e in edits] == ["name", "product", "customer"]
    assert edits[1].old_value == "CHK" and edits[1].new_value == "SAV"
    assert edits[0].principal == "system" and edits[0].at == world.clock.t


def test_account_freeze_close(world: World, refused) -> None:  # type: ignore[no-untyped-def]
    b = world.bank
    b.freeze(world.a, "debits")
    assert b.account(world.a).frozen == "debits"
    refused(libbank.AccountFrozen, b.withdraw, world.a, 1)
    b.deposit(world.a, 1)  # credits still pass
    b.freeze(world.a, "credits")
    assert b.account(world.a).frozen == "both"
    refused(libbank.AccountFrozen, b.deposit, world.a, 1)
    b.unfreeze(world.a)
    assert b.account(world.a).frozen == "none"
    refused(libbank.InvalidArgument, b.close_account, world.b, "moving away")  # balance not zero
    b.withdraw(world.b, 1000)
    refused(libbank.InvalidArgument, b.close_account, world.b, "")
    b.close_account(world.b, "moving away")
    closed = b.account(world.b)
    assert closed.status == "closed" and closed.close_reason == "moving away"
    assert closed.closed_by == "system" and closed.final_balance == Decimal("0.00")
    assert closed.closed_at == world.clock.t
    refused(libbank.AccountClosed, b.close_account, world.b, "again")
    refused(libbank.AccountClosed, b.deposit, world.b, 1)
    refused(libbank.AccountClosed, b.freeze, world.b)


def test_account_errors(world: World, refused) -> None:  # type: ignore[no-untyped-def]
    b = world.bank
    c = world.customer.id
    refused(libbank.NotFound, b.open_account, 999, "CHK", "HQ")
    refused(libbank.NotFound, b.open_account, c, "NOPE", "HQ")
    refused(libbank.NotFound, b.open_account, c, "CHK", "NOPE")
    refused(libbank.InvalidArgument, b.account, "123456789012")  # check digits
    refused(libbank.InvalidArgument, b.account, "12")
    good_but_unknown = next(
        n for n in (f"{i:010d}{98 - (i * 100) % 97:02d}" for i in range(1, 500))
        if n not in (world.a, world.b, world.sav, world.eur)
    )
    libbank.check_account_number(good_but_unknown)
    refused(libbank.NotFound, b.account, good_but_unknown)
    refused(libbank.CurrencyMismatch, b.edit_account, world.a, "product", "EUR")
    refused(libbank.InvalidArgument, b.edit_account, world.a, "currency", "EUR")
    refused(libbank.InvalidArgument, b.freeze, world.a, "sideways")
    refused(libbank.InvalidArgument, b.internal_account, "HQ", "USD", "customer")
    refused(libbank.InvalidArgument, b.internal_account, "HQ", "ZZZ", "cash")
    refused(libbank.NotFound, b.internal_account, "NOPE", "USD", "cash")
    refused(libbank.InvalidArgument, b.accounts, 0)
    refused(TypeError, b.account, 123456789012)
