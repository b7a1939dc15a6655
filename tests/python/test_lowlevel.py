"""The SWIG module libbank._libbank itself: its typemaps, ownership and the GIL."""

from __future__ import annotations

import resource
import threading
import time

import pytest

import libbank
from libbank import _libbank as c


@pytest.fixture
def h():  # type: ignore[no-untyped-def]
    b = libbank.open(":memory:")
    try:
        yield b._h
    finally:
        b.close()


def test_lowlevel_null_handle_is_misuse() -> None:
    with pytest.raises(libbank.Misuse):
        c.bank_now(None)
    with pytest.raises(libbank.Misuse):
        c.bank_principal(None)
    with pytest.raises(libbank.Misuse):
        c.bank_deposit(None, "123456789012", 1, None, None)
    with pytest.raises(libbank.Misuse):
        c.bank_close(None)  # never reaches C


def test_lowlevel_strings(h) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(libbank.InvalidArgument, match="NUL"):
        c.bank_branch_add(h, "A\0B", "x", None)
    with pytest.raises(TypeError, match="code must be str"):
        c.bank_branch_add(h, b"AB", "x", None)
    with pytest.raises(UnicodeEncodeError):
        c.bank_branch_add(h, "\ud800", "x", None)
    br = c.bank_branch_add(h, "HQ", "Caf\u00e9 \u2603", None)
    assert br["name"] == "Caf\u00e9 \u2603" and br["address"] == ""


def test_lowlevel_records_are_dicts(h) -> None:  # type: ignore[no-untyped-def]
    c.bank_branch_add(h, "HQ", "Head office", "addr")
    assert set(c.bank_branch_get(h, "HQ")) == {"id", "code", "name", "address", "created_at"}
    assert isinstance(c.bank_branch_list_get(h), list)
    assert c.bank_currency_find("ZZZ") is None
    assert c.bank_currency_at(10**6) is None
    opts = c.bank_options_init(c.BANK_OPTIONS_VERSION)
    assert opts["busy_timeout_ms"] == 5000 and opts["durability"] == c.BANK_DURABILITY_FULL
    with pytest.raises(libbank.InvalidArgument):
        c.bank_options_init(99)


def test_lowlevel_specs_and_options_checked(h) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError, match="unknown key"):
        c.bank_product_add(h, {"code": "X", "name": "X", "currency": "USD", "colour": "red"})
    with pytest.raises(TypeError, match="must be a dict"):
        c.bank_product_add(h, ["X"])
    with pytest.raises(TypeError, match="min_balance must be int"):
        c.bank_product_add(h, {"code": "X", "name": "X", "currency": "USD", "min_balance": "1"})
    with pytest.raises(OverflowError):
        c.bank_product_add(h, {"code": "X", "name": "X", "currency": "USD", "min_balance": 2**70})
    with pytest.raises(TypeError, match="unknown key"):
        c.bank_open(":memory:", {"durabilty": 1})
    with pytest.raises(TypeError):
        c.bank_open(":memory:", {"clock": "not a capsule"})
    with pytest.raises(TypeError):
        c.bank_py_clock_new(42)
    with pytest.raises(libbank.InvalidArgument):
        c.bank_open(":memory:", {"version": 99})


def test_lowlevel_batch_tuples(h) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError, match="6 fields|expected"):
        c.bank_transfer_batch(h, [("a", "b", 1)])
    with pytest.raises(TypeError, match="amount must be int"):
        c.bank_transfer_batch(h, [(None, "123456789012", "1", None, None, False)])
    with pytest.raises(libbank.InvalidArgument):
        c.bank_transfer_batch(h, [])
    (r,) = c.bank_transfer_batch(h, [(None, "123456789012", 1, None, None, False)])
    assert r[0] < 0 and r[1] and r[2] is None


def test_lowlevel_gil_released_while_c_runs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A long libbank call in one thread lets another Python thread run meanwhile."""
    with libbank.open(str(tmp_path / "gil.db"), durability="normal") as b:
        b.add_branch("HQ", "Head office")
        b.add_product("CHK", "Checking", "USD")
        cust = b.add_customer("G")
        acct = b.open_account(cust.id, "CHK", "HQ").number
        reqs = [(None, acct, 1, None, None, False)] * 20000
        h = b._h
        done = threading.Event()
        spent = {}

        def worker() -> None:
            t0 = time.perf_counter()
            c.bank_transfer_batch(h, reqs)
            spent["c"] = time.perf_counter() - t0
            done.set()

        t = threading.Thread(target=worker)
        ticks = 0
        t.start()
        while not done.is_set():
            ticks += 1
            time.sleep(0)  # pure Python work between checks
        t.join()
        # With the GIL held for the whole C call this loop could barely run; released, it
        # spins thousands of times per second of C work.
        assert spent["c"] > 0.05
        assert ticks > 100 * spent["c"], (ticks, spent["c"])


def test_lowlevel_no_leak_in_record_paths(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Records copied and freed: many calls do not grow the process."""
    with libbank.open(str(tmp_path / "leak.db"), durability="normal") as b:
        b.add_branch("HQ", "Head office")
        b.add_product("CHK", "Checking", "USD", kind="current", overdraft=10**6)
        cust = b.add_customer("L", address={"city": "X"})
        a1 = b.open_account(cust.id, "CHK", "HQ").number
        a2 = b.open_account(cust.id, "CHK", "HQ").number

        def round_trip() -> None:
            b.transfer_batch([libbank.TransferRequest(a1, a2, 1)] * 5)
            b.account(a1)
            b.customer(cust.id)
            b.balance(a1)
            try:
                b.get_transfer("missing")
            except libbank.NotFound:
                pass
            list(b.statement(a1, since=b.now()))
            try:
                b.withdraw(a1, 10**9)
            except libbank.InsufficientFunds:
                pass

        for _ in range(200):
            round_trip()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for _ in range(1500):
            round_trip()
        grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        assert grown_kib < 4 * 1024, f"max RSS grew by {grown_kib} KiB over 1500 rounds"
