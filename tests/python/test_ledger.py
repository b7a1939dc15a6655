"""The ledger through Python: deposits, withdrawals, transfers, batches, holds, reversals."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import pickle
import sys
import threading
from decimal import Decimal

import pytest

import libbank
from bankhelpers import World


def test_ledger_deposit_withdraw_transfer(world: World) -> None:
    b = world.bank
    t = b.deposit(world.a, Decimal("12.34"), id="dep-1", memo="cash in")
    assert (t.id, t.kind, t.credit, t.amount, t.currency, t.memo, t.status) == (
        "dep-1", "deposit", world.a, Decimal("12.34"), "USD", "cash in", "created"
    )
    assert t.credit_balance == Decimal("1012.34") and t.created_at == world.clock.t
    assert not t.pending and t.hold_status is None and t.ref is None and t.expires_at is None
    w = b.withdraw(world.a, "2.34")
    assert w.kind == "withdrawal" and w.debit == world.a and w.debit_balance == Decimal("1010.00")
    assert len(w.id) == 36  # a generated UUIDv7
    x = b.transfer(world.a, world.b, 10, memo="rent")
    assert (x.kind, x.debit, x.credit, x.amount) == ("transfer", world.a, world.b, Decimal("10.00"))
    assert (x.debit_balance, x.credit_balance) == (Decimal("1000.00"), Decimal("1010.00"))
    got = b.get_transfer(x.id)
    assert got.status == "exists" and got.seq == x.seq and got.amount == x.amount


def test_ledger_replay__returns_original_posts_nothing(world: World) -> None:
    b = world.bank
    first = b.transfer(world.a, world.b, "5.00", id="pay-1")
    before = (b.balance(world.a), b.balance(world.b))
    world.clock.advance(hours=1)
    again = b.transfer(world.a, world.b, "5.00", id="pay-1")
    assert again.status == "exists"
    assert (again.seq, again.created_at, again.amount) == (first.seq, first.created_at, first.amount)
    assert (b.balance(world.a), b.balance(world.b)) == before
    assert b.deposit(world.a, 1000, id="fund-a").status == "exists"


def test_ledger_errors(world: World, refused) -> None:  # type: ignore[no-untyped-def]
    b = world.bank
    b.transfer(world.a, world.b, 5, id="pay-1")
    refused(libbank.Conflict, b.transfer, world.a, world.b, 6, id="pay-1")
    refused(libbank.InsufficientFunds, b.withdraw, world.a, "1095.01")  # overdraft is 100
    refused(libbank.InsufficientFunds, b.transfer, world.sav, world.a, "490.01")  # min balance 10
    refused(libbank.CurrencyMismatch, b.transfer, world.a, world.eur, 1)
    refused(libbank.InvalidArgument, b.transfer, world.a, world.a, 1)
    refused(libbank.InvalidArgument, b.deposit, world.a, 0)
    refused(libbank.InvalidArgument, b.deposit, world.a, -5)
    refused(libbank.InvalidArgument, b.deposit, world.a, "0.001")
    refused(libbank.InvalidArgument, b.deposit, world.a, Decimal("0.001"))
    refused(libbank.InvalidArgument, b.deposit, world.a, 1, id="has\ttab")
    refused(libbank.InvalidArgument, b.deposit, world.a, 1, id="x" * 65)
    refused(libbank.InvalidArgument, b.deposit, world.a, 1, memo="m" * 501)
    refused(libbank.InvalidArgument, b.deposit, "123456789012", 1)
    refused(libbank.InvalidArgument, b.deposit, world.a, 1, memo="nul\0inside")
    refused(TypeError, b.deposit, world.a, 1.0)
    refused(TypeError, b.deposit, world.a, True)
    refused(TypeError, b.deposit, world.a, None)
    refused(TypeError, b.withdraw, world.a, Decimal("1"), id=5)
    refused(libbank.NotFound, b.get_transfer, "no-such-id")
    refused(libbank.LimitExceeded, b.deposit, world.a, Decimal("92233720368547758.07"))


def test_ledger_batch__results_per_item(world: World) -> None:
    b = world.bank
    res = b.transfer_batch([
        libbank.TransferRequest(world.a, world.b, "1.50", id="b-1"),
        {"debit": world.a, "credit": world.b, "amount": 5000},  # insufficient funds
        libbank.TransferRequest(None, world.a, 7, id="b-dep", memo="batch deposit"),
        libbank.TransferRequest(world.b, None, Decimal("0.5")),
        libbank.TransferRequest(world.a, world.b, "0.001"),  # too many decimals
        libbank.TransferRequest(world.a, "123456789012", 1),  # mistyped account
        libbank.TransferRequest(world.a, world.b, "1.50", id="b-1"),  # a replay in the same batch
    ])
    assert [r.status for r in res] == ["created", "failed", "created", "created", "failed", "failed", "exists"]
    assert res[0].ok and res[0].error is None and res[0].transfer is not None
    assert res[0].transfer.amount == Decimal("1.50")
    assert isinstance(res[1].error, libbank.InsufficientFunds) and res[1].transfer is None
    assert res[2].transfer is not None and res[2].transfer.kind == "deposit"
    assert res[3].transfer is not None and res[3].transfer.kind == "withdrawal"
    assert isinstance(res[4].error, libbank.InvalidArgument) and "decimals" in res[4].error.message
    assert isinstance(res[5].error, libbank.InvalidArgument)
    assert b.balance(world.a).balance == Decimal("1005.50")
    assert b.balance(world.b).balance == Decimal("1001.00")


def test_ledger_batch__linked_chain_all_or_nothing(world: World) -> None:
    b = world.bank
    res = b.transfer_batch([
        libbank.TransferRequest(world.a, world.b, 1, linked=True),
        libbank.TransferRequest(world.b, world.a, 99999, linked=True),  # fails the chain
        libbank.TransferRequest(world.a, world.b, 1),
        libbank.TransferRequest(world.a, world.b, 2),  # on its own
    ])
    assert [r.status for r in res] == ["failed", "failed", "failed", "created"]
    assert isinstance(res[1].error, libbank.InsufficientFunds)
    for r in (res[0], res[2]):
        assert isinstance(r.error, libbank.InvalidArgument) and "linked" in r.error.message
    # A Python-side failure (too many decimals) inside a chain fails the chain too.
    res = b.transfer_batch([
        libbank.TransferRequest(world.a, world.b, 1, linked=True),
        libbank.TransferRequest(world.a, world.b, "0.001"),
    ])
    assert [r.status for r in res] == ["failed", "failed"]
    assert "decimals" in res[1].error.message  # type: ignore[union-attr]
    assert b.balance(world.a).balance == Decimal("998.00")


def test_ledger_batch__refused_whole(world: World, refused) -> None:  # type: ignore[no-untyped-def]
    b = world.bank
    refused(libbank.InvalidArgument, b.transfer_batch, [])
    refused(TypeError, b.transfer_batch, [libbank.TransferRequest(world.a, world.b, 1.5)])
    refused(TypeError, b.transfer_batch, [(world.a, world.b, 1)])
    refused(TypeError, b.transfer_batch, [{"debit": world.a, "credit": world.b, "amount": 1, "colour": "red"}])
    refused(TypeError, b.transfer_batch, [libbank.TransferRequest(world.a, 5, 1)])  # type: ignore[arg-type]


def test_ledger_batch__generator_input(world: World) -> None:
    b = world.bank
    res = b.transfer_batch(libbank.TransferRequest(world.a, world.b, i + 1) for i in range(10))
    assert all(r.status == "created" for r in res)
    assert b.balance(world.b).balance == Decimal("1055.00")


def test_ledger_batch__result_builds_transfer_on_first_read(world: World) -> None:
    b = world.bank
    ok, failed = b.transfer_batch([
        libbank.TransferRequest(world.a, world.b, Decimal("2.00"), id="lazy-1", memo="m"),
        libbank.TransferRequest(world.a, world.b, 10**6),
    ])
    stored = dataclasses.replace(b.get_transfer("lazy-1"), status="created")
    # Compared (and hashed, and shown) before its transfer was ever read.
    assert ok == libbank.BatchResult("created", None, stored)
    assert hash(ok) == hash(libbank.BatchResult("created", None, stored))
    assert ok != libbank.BatchResult("exists", None, stored)
    t = ok.transfer
    assert t == stored and t is ok.transfer  # built once, then kept
    assert (t.amount, t.memo, t.debit, t.credit) == (Decimal("2.00"), "m", world.a, world.b)
    assert ok.ok and ok.status == "created" and ok.error is None
    assert not failed.ok and failed.status == "failed" and failed.transfer is None
    assert isinstance(failed.error, libbank.InsufficientFunds)
    # A replay: its record is built from its own copy, status "exists".
    (again,) = b.transfer_batch([libbank.TransferRequest(world.a, world.b, Decimal("2.00"), id="lazy-1", memo="m")])
    assert again.status == "exists" and again.transfer == dataclasses.replace(stored, status="exists")
    r = repr(b.transfer_batch([libbank.TransferRequest(world.a, world.b, 1, id="lazy-2")])[0])
    assert r.startswith("BatchResult(status='created', error=None, transfer=Transfer(") and "'lazy-2'" in r
    assert "transfer=None" in repr(failed) and "InsufficientFunds(" in repr(failed)


def test_ledger_batch__result_is_a_frozen_record(world: World) -> None:
    b = world.bank
    ok, failed = b.transfer_batch([
        libbank.TransferRequest(world.a, world.b, 1, id="frozen-1"),
        libbank.TransferRequest(world.a, world.b, 10**6),
    ])
    for r in (ok, failed):
        for name in ("status", "error", "transfer", "ok", "_transfer", "other"):
            with pytest.raises((dataclasses.FrozenInstanceError, AttributeError)):
                setattr(r, name, None)
            with pytest.raises((dataclasses.FrozenInstanceError, AttributeError)):
                delattr(r, name)
    assert ok.transfer is not None and ok.transfer.id == "frozen-1"  # still intact
    assert [f.name for f in dataclasses.fields(libbank.BatchResult)] == ["status", "error", "transfer"]
    assert libbank.BatchResult.__match_args__ == ("status", "error", "transfer")
    assert dataclasses.asdict(ok)["transfer"]["amount"] == Decimal("1.00")
    assert dataclasses.replace(ok, status="exists").transfer == ok.transfer
    fresh = b.transfer_batch([libbank.TransferRequest(world.a, world.b, 1, id="frozen-2")])[0]
    for r in (fresh, ok):  # fresh: its transfer not read yet
        assert pickle.loads(pickle.dumps(r)) == r and copy.copy(r) == r and copy.deepcopy(r) == r
    back = pickle.loads(pickle.dumps(failed))  # exceptions compare by identity
    assert (back.status, type(back.error), back.transfer) == ("failed", libbank.InsufficientFunds, None)
    match ok:
        case libbank.BatchResult("created", None, libbank.Transfer(id=tid)):
            assert tid == "frozen-1"
        case _:
            pytest.fail("no match")


def test_ledger_batch__result_read_by_threads(world: World) -> None:
    """Threads reading the transfers of the same results at once all get equal records."""
    res = world.bank.transfer_batch([libbank.TransferRequest(world.a, world.b, 1) for _ in range(300)])
    seen: list[list[object]] = [[] for _ in range(4)]
    errors: list[BaseException] = []

    def read(out: list[object]) -> None:
        try:
            out.extend(r.transfer for r in res)
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=read, args=(out,)) for out in seen]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert not errors
    assert seen[0] == seen[1] == seen[2] == seen[3] == [r.transfer for r in res]
    assert all(t is not None for t in seen[0])


def test_ledger_batch__request_record(world: World) -> None:
    TR = libbank.TransferRequest
    r = TR(world.a, world.b, Decimal("1.50"))
    assert (r.debit, r.credit, r.amount, r.id, r.memo, r.linked) == (world.a, world.b, Decimal("1.50"), None, None, False)
    r = TR(None, world.b, 3, id="req-1", memo="m", linked=True)
    assert (r.debit, r.credit, r.amount, r.id, r.memo, r.linked) == (None, world.b, 3, "req-1", "m", True)
    assert r == TR(None, world.b, 3, id="req-1", memo="m", linked=True) and hash(r) == hash(dataclasses.replace(r))
    assert r != TR(None, world.b, 3, id="req-1", memo="m")
    assert repr(r) == f"TransferRequest(debit=None, credit='{world.b}', amount=3, id='req-1', memo='m', linked=True)"
    assert [f.name for f in dataclasses.fields(TR)] == ["debit", "credit", "amount", "id", "memo", "linked"]
    assert dataclasses.replace(r, amount=4).amount == 4 and pickle.loads(pickle.dumps(r)) == r
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.amount = 5  # type: ignore[misc]
    with pytest.raises(TypeError):
        TR(world.a, world.b)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        TR(world.a, world.b, 1, "id")  # type: ignore[misc]


def test_ledger_batch__items_beyond_the_fast_path(world: World) -> None:
    """Subclasses of str and Decimal, and amounts the package refuses itself, take the
    full checks: accepted the same, refused with to_minor()'s own error."""

    class Account(str):
        pass

    class Amount(Decimal):
        pass

    b = world.bank
    res = b.transfer_batch([
        libbank.TransferRequest(Account(world.a), world.b, Amount("1.25"), id=Account("sub-1")),
        {"debit": world.a, "credit": world.b, "amount": 2},
        libbank.TransferRequest(world.a, world.b, Decimal("1." + "0" * 150)),
        libbank.TransferRequest(world.a, world.b, Decimal("0.001")),
        libbank.TransferRequest(world.a, world.b, Decimal("1E+30")),
        libbank.TransferRequest(world.a, world.b, Decimal("NaN")),
        libbank.TransferRequest(world.a, world.b, 2**62),
    ])
    assert [r.status for r in res] == ["created", "created", "created", "failed", "failed", "failed", "failed"]
    assert [r.transfer.amount for r in res[:3] if r.transfer] == [Decimal("1.25"), Decimal("2.00"), Decimal("1.00")]
    refused: tuple[libbank.Amount, ...] = (Decimal("0.001"), Decimal("1E+30"), Decimal("NaN"), 2**62)
    for r, amount in zip(res[3:], refused):
        with pytest.raises(libbank.InvalidArgument) as e:
            libbank.to_minor(amount, "USD")
        assert isinstance(r.error, libbank.InvalidArgument) and r.error.message == e.value.message
    with pytest.raises(TypeError):
        b.transfer_batch([libbank.TransferRequest(world.a, world.b, True)])
    with pytest.raises(TypeError):
        b.transfer_batch([libbank.TransferRequest(world.a, world.b, 1, memo=b"m")])  # type: ignore[arg-type]


def test_ledger_hold_post_void(world: World, refused) -> None:  # type: ignore[no-untyped-def]
    b = world.bank
    h = b.hold(world.a, 100, credit=world.b, id="h-1", memo="card")
    assert (h.kind, h.pending, h.hold_status, h.amount, h.expires_at) == ("hold", True, "active", Decimal("100.00"), None)
    bal = b.balance(world.a)
    assert (bal.balance, bal.pending, bal.available) == (Decimal("1000.00"), Decimal("100.00"), Decimal("1000.00"))
    refused(libbank.InvalidArgument, b.post, "h-1", 101)
    p = b.post("h-1", Decimal("60"), id="h-1-post")
    assert (p.kind, p.ref, p.amount, p.credit) == ("post", "h-1", Decimal("60.00"), world.b)
    assert b.get_transfer("h-1").hold_status == "posted"
    assert b.balance(world.a).pending == 0 and b.balance(world.a).balance == Decimal("940.00")
    refused(libbank.InvalidArgument, b.post, "h-1")
    refused(libbank.InvalidArgument, b.void, "h-1")
    h2 = b.hold(world.a, "10.00")
    v = b.void(h2.id, id="v-1")
    assert (v.kind, v.ref) == ("void", h2.id)
    assert b.get_transfer(h2.id).hold_status == "voided"
    whole = b.post(b.hold(world.a, 3).id)
    assert whole.amount == Decimal("3.00")
    refused(libbank.NotFound, b.post, "no-such-hold")
    refused(libbank.InvalidArgument, b.post, "fund-a")  # not a hold
    refused(libbank.InsufficientFunds, b.hold, world.a, 5000)
    refused(libbank.InvalidArgument, b.post, h2.id, 0)


def test_ledger_hold_expiry(world: World) -> None:
    b = world.bank
    h = b.hold(world.a, 50, expires_in=dt.timedelta(minutes=5))
    assert h.expires_at == world.clock.t + dt.timedelta(minutes=5)
    h2 = b.hold(world.b, 50, expires_in=60)
    assert b.sweep_holds() == 0
    world.clock.advance(minutes=10)
    assert b.balance(world.a).pending == 0  # released when touched
    assert b.get_transfer(h.id).hold_status == "expired"
    assert b.sweep_holds() == 1
    assert b.get_transfer(h2.id).hold_status == "expired"
    with pytest.raises(libbank.InvalidArgument):
        b.post(h.id)
    with pytest.raises(TypeError):
        b.hold(world.a, 1, expires_in=1.5)  # type: ignore[arg-type]


def test_ledger_reverse(world: World, refused) -> None:  # type: ignore[no-untyped-def]
    b = world.bank
    t = b.transfer(world.a, world.b, 25, id="t-1")
    r = b.reverse("t-1", id="r-1")
    assert (r.kind, r.ref, r.debit, r.credit, r.amount) == ("reversal", "t-1", world.b, world.a, Decimal("25.00"))
    assert b.balance(world.a).balance == Decimal("1000.00")
    assert b.reverse("t-1", id="r-1").status == "exists"
    refused(libbank.InvalidArgument, b.reverse, "t-1", id="r-2")  # reversed once only
    refused(libbank.InvalidArgument, b.reverse, "r-1")  # a reversal is not reversible
    refused(libbank.NotFound, b.reverse, "nope")
    assert b.get_transfer(t.id).amount == Decimal("25.00")  # the original never changes
