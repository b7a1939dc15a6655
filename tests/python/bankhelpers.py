"""Helpers shared by the Python tests (the fixtures are in conftest.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import libbank

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)


class Clock:
    """A settable clock for libbank.open(clock=...)."""

    def __init__(self, t: dt.datetime = T0) -> None:
        self.t = t

    def __call__(self) -> dt.datetime:
        return self.t

    def advance(self, **kw: float) -> None:
        self.t += dt.timedelta(**kw)


@dataclass
class World:
    bank: libbank.Bank
    path: Path
    clock: Clock
    customer: libbank.Customer
    a: str  # USD current account, funded 1000.00, overdraft 100.00
    b: str  # USD current account, funded 1000.00
    sav: str  # USD savings account, min balance 10.00, funded 500.00
    eur: str  # EUR account, funded 100.00


def snapshot_of(path: Path) -> str:
    """A hash of every row of every table of the database at `path`."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        h = hashlib.sha256()
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        for t in tables:
            h.update(t.encode())
            for row in con.execute(f'SELECT * FROM "{t}" ORDER BY 1'):
                h.update(repr(row).encode())
        return h.hexdigest()
    finally:
        con.close()
