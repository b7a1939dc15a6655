"""Opening and closing a bank: options, clock, time zone, lifecycle."""

from __future__ import annotations

import datetime as dt
import gc
import sqlite3
from pathlib import Path

import pytest

import libbank

from bankhelpers import T0, Clock, World

UTC = dt.timezone.utc


def test_handle_open__memory_and_context_manager() -> None:
    with libbank.open(":memory:") as b:
        assert not b.closed
        assert b.principal == "system"
        assert "open" in repr(b)
    assert b.closed
    assert "closed" in repr(b)


def test_handle_close__idempotent_and_use_after_close_raises(tmp_path: Path) -> None:
    b = libbank.open(str(tmp_path / "x.db"))
    b.close()
    b.close()
    for call in (
        lambda: b.now(),
        lambda: b.branches(),
        lambda: b.deposit("123456789012", 1),
        lambda: b.balance("123456789012"),
        lambda: b.verify(),
        lambda: b.principal,
        lambda: b.transfer_batch([libbank.TransferRequest(None, "1", 1)]),
    ):
        with pytest.raises(libbank.Misuse):
            call()
    with pytest.raises(libbank.Error):
        with b:
            pass


def test_handle_open__file_created_and_reopened(tmp_path: Path) -> None:
    path = str(tmp_path / "bank.db")
    with libbank.open(path) as b:
        b.add_branch("HQ", "Head office")
    with libbank.open(path, create=False) as b:
        assert [x.code for x in b.branches()] == ["HQ"]
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA user_version").fetchone()[0] == libbank.schema_version()
    con.close()


def test_handle_open__missing_file_without_create(tmp_path: Path) -> None:
    with pytest.raises(libbank.NotFound):
        libbank.open(str(tmp_path / "missing.db"), create=False)
    assert not (tmp_path / "missing.db").exists()


def test_handle_open__not_a_libbank_database(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE foo(x)")
    con.execute("INSERT INTO foo VALUES (1)")
    con.commit()
    con.close()
    with pytest.raises(libbank.Corrupt):
        libbank.open(str(path))


def test_handle_open__bad_options(tmp_path: Path) -> None:
    p = str(tmp_path / "x.db")
    with pytest.raises(libbank.InvalidArgument):
        libbank.open(p, durability="sometimes")  # type: ignore[arg-type]
    with pytest.raises(libbank.InvalidArgument):
        libbank.open(p, busy_timeout_ms=-1)
    with pytest.raises(libbank.InvalidArgument):
        libbank.open(p, timezone="Mars/Olympus")
    with pytest.raises(libbank.InvalidArgument):
        libbank.open(p, timezone="+05:30" * 20)
    with pytest.raises(libbank.InvalidArgument):
        libbank.open("")
    with pytest.raises(libbank.InvalidArgument):
        libbank.open("a\0b")
    with pytest.raises(TypeError):
        libbank.open(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        libbank.open(p, clock=5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        libbank.open(p, clock=lambda: "noon")  # type: ignore[arg-type, return-value]


def test_handle_open__cache_and_checkpoint(tmp_path: Path) -> None:
    p = str(tmp_path / "x.db")
    with libbank.open(p, cache_size_kib=65536, wal_autocheckpoint=20000, mmap_size_mib=64) as b:
        b.add_branch("HQ", "Head office")
    with libbank.open(p, cache_size_kib=0, wal_autocheckpoint=0) as b:
        assert b.branch("HQ").name == "Head office"
    with pytest.raises(libbank.InvalidArgument):
        libbank.open(p, cache_size_kib=-1)
    with pytest.raises(libbank.InvalidArgument):
        libbank.open(p, cache_size_kib=16 * 1024 * 1024 + 1)
    with pytest.raises(libbank.InvalidArgument):
        libbank.open(p, wal_autocheckpoint=-2)  # -1 is WAL_AUTOCHECKPOINT_OFF
    with pytest.raises(libbank.InvalidArgument):
        libbank.open(p, mmap_size_mib=-1)
    with pytest.raises(TypeError):
        libbank.open(p, cache_size_kib="big")  # type: ignore[arg-type]


def test_handle_durability_normal(tmp_path: Path) -> None:
    with libbank.open(str(tmp_path / "x.db"), durability="normal", busy_timeout_ms=10) as b:
        b.add_branch("HQ", "Head office")


def test_handle_clock__datetime_and_int(clock: Clock) -> None:
    with libbank.open(":memory:", clock=clock) as b:
        assert b.now() == T0
        clock.advance(seconds=90)
        assert b.now() == T0 + dt.timedelta(seconds=90)
        br = b.add_branch("HQ", "Head office")
        assert br.created_at == T0 + dt.timedelta(seconds=90)
        # The handle's clock never runs backwards.
        clock.advance(days=-1)
        assert b.now() == T0 + dt.timedelta(seconds=90)
    us = [1_700_000_000_000_000]
    with libbank.open(":memory:", clock=lambda: us[0]) as b:
        assert b.now() == libbank.time_from_c(us[0])
    naive = dt.datetime(2030, 1, 1, 12, 0)
    with libbank.open(":memory:", clock=lambda: naive) as b:
        assert b.now() == naive.replace(tzinfo=UTC)


def test_handle_clock__failure_uses_last_time_and_is_reported(clock: Clock) -> None:
    calls = {"fail": False}

    def flaky() -> dt.datetime:
        if calls["fail"]:
            raise RuntimeError("clock broke")
        return clock()

    seen = []
    import sys

    old = sys.unraisablehook
    sys.unraisablehook = lambda u: seen.append(u.exc_value)
    try:
        with libbank.open(":memory:", clock=flaky) as b:
            t = b.now()
            calls["fail"] = True
            assert b.now() == t
            b.add_branch("HQ", "Head office")  # still works
    finally:
        sys.unraisablehook = old
    assert seen and all(isinstance(e, RuntimeError) for e in seen)


def test_handle_clock__failure_at_first_library_call_uses_the_checked_time(clock: Clock) -> None:
    # open() reads the clock once to check it; should the next call (libbank's first)
    # fail, that checked time is the last good one, not 1970.
    first = clock()
    calls = [0]

    def once() -> dt.datetime:
        calls[0] += 1
        if calls[0] > 1:
            raise RuntimeError("clock broke")
        return first

    import sys

    old = sys.unraisablehook
    sys.unraisablehook = lambda u: None
    try:
        with libbank.open(":memory:", clock=once) as b:
            assert b.now() == first
    finally:
        sys.unraisablehook = old


def test_handle_open__path_like(tmp_path: Path) -> None:
    path = tmp_path / "pathlib.db"
    with libbank.open(path) as b:
        b.add_branch("HQ", "Head office")
        assert b.path == str(path)
    with libbank.Bank(path, create=False) as b:
        assert [x.code for x in b.branches()] == ["HQ"]
    with pytest.raises(TypeError):
        libbank.open(b"bytes.db")  # type: ignore[arg-type]


def test_handle_timezone__dates(clock: Clock) -> None:
    clock.t = dt.datetime(2026, 3, 1, 22, 30, tzinfo=UTC)
    with libbank.open(":memory:", clock=clock, timezone="+05:30") as b:
        assert b.date_of(b.now()) == dt.date(2026, 3, 2)
        assert b.date_start(dt.date(2026, 3, 2)) == dt.datetime(2026, 3, 1, 18, 30, tzinfo=UTC)
        assert b.date_of(0) == dt.date(1970, 1, 1)
        with pytest.raises(TypeError):
            b.date_start(b.now())  # type: ignore[arg-type]


def test_handle_id_seed__deterministic_numbers() -> None:
    def numbers(seed: int) -> list[str]:
        with libbank.open(":memory:", id_seed=seed) as b:
            b.add_branch("HQ", "Head office")
            b.add_product("CHK", "Checking", "USD")
            c = b.add_customer("Bob")
            return [b.open_account(c.id, "CHK", "HQ").number for _ in range(3)]

    assert numbers(1) == numbers(1)
    assert numbers(1) != numbers(2)
    assert numbers(2**64 - 1) == numbers(-1)  # the seed is 64 bits


def test_handle_principal() -> None:
    with libbank.open(":memory:") as b:
        b.set_system_principal()
        assert b.principal == "system"


def test_handle_unclosed__resource_warning(tmp_path: Path) -> None:
    b = libbank.open(str(tmp_path / "x.db"))
    with pytest.warns(ResourceWarning):
        del b
        gc.collect()


def test_handle_versions() -> None:
    assert libbank.libversion() == libbank.__version__
    major, minor, patch = (int(x) for x in libbank.__version__.split("."))
    assert libbank.libversion_number() == major * 1000000 + minor * 1000 + patch


def test_handle_open__statement_records(world: World) -> None:
    """A handle keeping posting records answers statements exactly as one without."""
    p = str(world.path)
    with libbank.open(p, statement_records=True, id_seed=11) as rec:
        for i in range(40):  # crosses two history blocks of each account
            rec.transfer(world.a, world.b, 1, memo="rent" if i % 5 == 0 else None)
            if i % 7 == 0:
                rec.deposit(world.b, 2, id=f"dep-{i}")
        with_records = [list(rec.statement(n, page_size=7)) for n in (world.a, world.b)]
    con = sqlite3.connect(p)
    try:
        known = con.execute(
            "SELECT count(*) FROM account WHERE number IN (?, ?) AND recent IS NOT NULL", (world.a, world.b)
        ).fetchone()[0]
        blocks = con.execute("SELECT count(*) FROM history WHERE entries IS NOT NULL").fetchone()[0]
    finally:
        con.close()
    assert known == 2 and blocks >= 2
    # Reads use records wherever they are known, whichever handle reads: strip them so
    # that the same statements come from the journal.
    con = sqlite3.connect(p)
    try:
        con.executescript(
            "DROP TRIGGER history_append_only_u; UPDATE history SET entries = NULL;"
            " UPDATE account SET recent = NULL;"
        )
    finally:
        con.close()
    without = [list(world.bank.statement(n, page_size=100)) for n in (world.a, world.b)]
    assert with_records == without
    assert len(without[0]) == 41 and any(e.memo == "rent" for e in without[0])


def test_handle_checkpoint__off_and_manual(world: World) -> None:
    """With WAL_AUTOCHECKPOINT_OFF the WAL only grows until checkpoint() copies it;
    "truncate" empties the file and nothing is lost."""
    p = str(world.path)
    wal = Path(p + "-wal")
    with libbank.open(p, wal_autocheckpoint=libbank.WAL_AUTOCHECKPOINT_OFF, durability="normal") as b:
        assert libbank.WAL_AUTOCHECKPOINT_OFF == -1
        b.checkpoint("truncate")
        assert wal.stat().st_size == 0
        for i in range(30):
            b.transfer(world.a, world.b, 1, id=f"ck-{i}")
        grown = wal.stat().st_size
        assert grown > 30 * 4096  # every commit appended; none checkpointed
        info = b.checkpoint()
        assert isinstance(info, libbank.CheckpointInfo)
        assert info.wal_pages * 4096 <= grown and info.wal_pages > 30
        assert info.copied == info.wal_pages and info.done
        assert wal.stat().st_size == grown  # passive leaves the file
        info = b.checkpoint("truncate")
        assert (info.wal_pages, info.copied) == (0, 0)
        assert wal.stat().st_size == 0
        for mode in ("full", "restart"):
            assert b.checkpoint(mode).done
        balances = (b.balance(world.a).balance, b.balance(world.b).balance)
    # The database file alone holds every transfer.
    con = sqlite3.connect(p)
    try:
        n = con.execute("SELECT count(*) FROM transfer WHERE id LIKE 'ck-%'").fetchone()[0]
    finally:
        con.close()
    assert n == 30
    with libbank.open(p) as b:
        assert (b.balance(world.a).balance, b.balance(world.b).balance) == balances
        assert b.verify().ok


def test_handle_checkpoint__refusals(world: World, tmp_path: Path) -> None:
    with libbank.open(str(world.path)) as b:
        with pytest.raises(libbank.InvalidArgument):
            b.checkpoint("everything")  # type: ignore[arg-type]
    with pytest.raises(libbank.InvalidArgument):
        libbank.open(str(tmp_path / "x.db"), wal_autocheckpoint=-2)
    with libbank.open(":memory:") as m:
        assert m.checkpoint("truncate") == libbank.CheckpointInfo(0, 0)
    b = libbank.open(str(world.path))
    b.close()
    with pytest.raises(libbank.Misuse):
        b.checkpoint()


def test_handle_checkpoint__busy_while_reader_holds_snapshot(world: World) -> None:
    p = str(world.path)
    with libbank.open(p, busy_timeout_ms=50, wal_autocheckpoint=libbank.WAL_AUTOCHECKPOINT_OFF) as b:
        b.transfer(world.a, world.b, 1)
        con = sqlite3.connect(p, isolation_level=None)
        try:
            con.execute("BEGIN")
            con.execute("SELECT count(*) FROM transfer").fetchone()
            b.transfer(world.a, world.b, 1)  # after the reader's snapshot
            info = b.checkpoint()
            assert 0 <= info.copied < info.wal_pages and not info.done
            with pytest.raises(libbank.Busy):
                b.checkpoint("truncate")
            con.execute("COMMIT")
        finally:
            con.close()
        assert b.checkpoint("truncate").wal_pages == 0
