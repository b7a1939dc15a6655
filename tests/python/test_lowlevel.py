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
    assert opts["cache_size_kib"] == 0 and opts["wal_autocheckpoint"] == 0 and opts["mmap_size_mib"] == 0
    assert opts["statement_records"] == 0
    assert c.BANK_OPTIONS_VERSION == 3
    v1 = c.bank_options_init(1)
    assert v1["version"] == 1 and v1["busy_timeout_ms"] == 5000
    with pytest.raises(libbank.InvalidArgument):
        c.bank_options_init(99)


def test_lowlevel_statement_iterator(h) -> None:  # type: ignore[no-untyped-def]
    c.bank_branch_add(h, "HQ", "Head office", None)
    c.bank_product_add(h, {"code": "CHK", "name": "Checking", "currency": "USD", "kind": 1})
    cust = c.bank_customer_add(h, {"name": "Ada"})
    acct = c.bank_account_open(h, cust["id"], "CHK", "HQ")["number"]
    for i in range(7):
        c.bank_deposit(h, acct, i + 1, f"it-{i}", None)
    whole = c.bank_statement_get(h, acct, 0, 0, 100, None)["entries"]
    for page in (1, 2, 3, 7, 0):
        it = c.bank_statement_iter_open(h, acct, 0, 0, page)
        try:
            head = c.bank_statement_iter_page(it)
            assert head["account"] == acct and head["currency"] == "USD" and head["opening_balance"] == 0
            got = []
            while (e := c.bank_statement_iter_next(it)) is not None:
                got.append(e)
            assert got == whole
            assert c.bank_statement_iter_next(it) is None  # the end stays the end
        finally:
            c.bank_statement_iter_free(it)
    with pytest.raises(libbank.InvalidArgument):
        c.bank_statement_iter_open(h, "123", 0, 0, 0)
    with pytest.raises(libbank.InvalidArgument):
        c.bank_statement_iter_open(h, acct, 0, 0, 10001)
    with pytest.raises(libbank.Misuse):
        c.bank_statement_iter_next(None)
    assert c.bank_statement_iter_page(None) is None
    c.bank_statement_iter_free(None)


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
        c.bank_py_clock_new(42, 0)
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


TRANSFER_KEYS = [
    "seq", "id", "kind", "debit", "credit", "amount", "currency", "memo", "ref", "pending", "hold_status",
    "expires_at", "debit_balance", "credit_balance", "principal", "created_at", "status",
]


def test_lowlevel_transfer_dicts_whole_and_separate() -> None:
    """Every transfer dict has every field, in order, with its own values: the wrapper
    reuses its key strings and the first dict's shape, never values."""
    with libbank.open(":memory:") as b:
        b.add_branch("HQ", "Head office")
        b.add_product("CHK", "Checking", "USD", kind="current")
        cust = b.add_customer("D")
        a1 = b.open_account(cust.id, "CHK", "HQ").number
        a2 = b.open_account(cust.id, "CHK", "HQ").number
        res = c.bank_transfer_batch(b._h, [
            (None, a1, 500, "low-1", "first memo", False),
            (a1, a2, 125, None, None, False),
            (a1, a2, 10**9, None, None, False),
            (a1, a2, 125, "low-1", None, False),  # another request under a used id
            (None, a1, 500, "low-1", "first memo", False),  # a replay
        ])
        (c1, _, t1), (c2, _, t2), (c3, m3, t3), (c4, m4, t4), (c5, _, t5) = res
        assert (c1, c2, c5) == (0, 0, 0) and c3 < 0 < len(m3) and c4 < 0 < len(m4) and t3 is None and t4 is None
        for t in (t1, t2, t5):
            assert list(t) == TRANSFER_KEYS and all(v is not None for v in t.values())
        assert (t1["id"], t1["kind"], t1["credit"], t1["amount"], t1["memo"], t1["status"]) == (
            "low-1", "deposit", a1, 500, "first memo", "created")
        assert (t2["kind"], t2["debit"], t2["credit"], t2["amount"], t2["memo"], t2["status"]) == (
            "transfer", a1, a2, 125, "", "created")
        assert t2["id"] != t1["id"] and t2["seq"] == t1["seq"] + 1 and t2["debit_balance"] == 375
        assert t5 == {**t1, "status": "exists"}
        assert c.bank_transfer_get(b._h, "low-1") == t5


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
