"""Several threads, each with its own handle, moving money concurrently on one file."""

from __future__ import annotations

import random
import threading
from collections import Counter
from decimal import Decimal
from pathlib import Path

import libbank

THREADS = 6
ACCOUNTS = 8
FUNDING = Decimal("10000.00")


def make_accounts(path: Path) -> list[str]:
    with libbank.open(str(path), id_seed=11) as b:
        b.add_branch("HQ", "Head office")
        b.add_product("CHK", "Checking", "USD")
        cust = b.add_customer("Threads")
        numbers = [b.open_account(cust.id, "CHK", "HQ").number for _ in range(ACCOUNTS)]
        b.transfer_batch(libbank.TransferRequest(None, n, FUNDING, id=f"fund-{n}") for n in numbers)
        return numbers


def test_threads_own_handles__exact_balances(tmp_path: Path) -> None:
    path = tmp_path / "threads.db"
    numbers = make_accounts(path)
    moved: list[Counter[str]] = [Counter() for _ in range(THREADS)]
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def worker(k: int) -> None:
        rng = random.Random(k)
        try:
            with libbank.open(str(path), durability="normal", busy_timeout_ms=30000) as b:
                start.wait()
                for i in range(60):
                    d, c = rng.sample(numbers, 2)
                    cents = rng.randint(1, 5000)
                    amount = Decimal(cents).scaleb(-2)
                    if i % 10 == 9:
                        # Every tenth round: a small batch, and a replay of its first item.
                        reqs = [libbank.TransferRequest(d, c, amount, id=f"t{k}-{i}-{j}") for j in range(5)]
                        res = b.transfer_batch(reqs)
                        assert all(r.status == "created" for r in res), res
                        assert b.transfer_batch(reqs[:1])[0].status == "exists"
                        n = 5
                    else:
                        t = b.transfer(d, c, amount, id=f"t{k}-{i}")
                        assert t.status == "created"
                        assert b.transfer(d, c, amount, id=f"t{k}-{i}").status == "exists"
                        n = 1
                    moved[k][d] -= cents * n
                    moved[k][c] += cents * n
        except BaseException as e:  # reported below, with the thread's number
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors

    total: Counter[str] = Counter()
    for m in moved:
        total.update(m)
    with libbank.open(str(path)) as b:
        for n in numbers:
            assert b.balance(n).balance == FUNDING + Decimal(total[n]).scaleb(-2), n
        assert sum(b.balance(n).balance for n in numbers) == FUNDING * ACCOUNTS
        lines = list(b.statement(numbers[0]))
        assert lines[-1].balance_after == b.balance(numbers[0]).balance
        assert b.verify().ok


def test_threads_shared_handle__serialized(tmp_path: Path) -> None:
    """One Bank used by several threads: its lock serializes the calls."""
    path = tmp_path / "shared.db"
    numbers = make_accounts(path)
    with libbank.open(str(path)) as b:
        def worker(k: int) -> None:
            for i in range(40):
                b.transfer(numbers[k % ACCOUNTS], numbers[(k + 1) % ACCOUNTS], 1, id=f"s{k}-{i}")
                b.balance(numbers[k % ACCOUNTS])

        threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert b.balance(numbers[0]).balance == FUNDING - 40
        assert b.balance(numbers[4]).balance == FUNDING + 40
        assert b.verify().ok


def test_threads_close_while_others_call(tmp_path: Path) -> None:
    """Closing a Bank another thread is using never crashes: the other thread gets Misuse."""
    path = tmp_path / "close.db"
    numbers = make_accounts(path)
    b = libbank.open(str(path))
    seen: list[BaseException] = []
    go = threading.Event()

    def worker() -> None:
        go.set()
        try:
            for _ in range(100000):
                b.balance(numbers[0])
        except libbank.Misuse as e:
            seen.append(e)

    t = threading.Thread(target=worker)
    t.start()
    go.wait()
    b.close()
    t.join()
    assert len(seen) == 1
