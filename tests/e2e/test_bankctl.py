"""End-to-end tests of bankctl (docs/bankctl.md): every command in --json and human mode,
every error exit, pagination, verify on a sound and on a tampered database.

Run by meson (suite e2e) with BANKCTL set to the built binary:
    /usr/bin/python3 -m pytest -q tests/e2e/test_bankctl.py
Each test uses its own database under pytest's tmp_path. Every error test also checks
that balances and statements did not change.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
BANKCTL = os.environ.get("BANKCTL") or str(HERE.parent.parent / "build" / "examples" / "bankctl" / "bankctl")
SQLITE3 = shutil.which("sqlite3")

DAY1 = "2026-03-01T10:00:00Z"
DAY2 = "2026-03-02T10:00:00Z"
DAY3 = "2026-03-03T10:00:00Z"

AMOUNT_RE = re.compile(r"^-?[0-9]+\.[0-9]{2}$")
TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def clean_env(extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANK_")}
    env.update(extra or {})
    return env


class Result:
    def __init__(self, proc, json_mode):
        self.rc = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr
        self.data = None
        if json_mode and self.out.strip():
            # One JSON object, on one line, is the whole of stdout.
            assert self.out.endswith("\n"), self.out
            assert self.out.count("\n") == 1, self.out
            self.data = json.loads(self.out)
            assert isinstance(self.data, dict), self.out

    def __repr__(self):
        return f"Result(rc={self.rc}, out={self.out!r}, err={self.err!r})"


def run(db, *args, json_mode=True, now=None, env=None, cwd=None, global_args=None):
    cmd = [BANKCTL]
    if db is not None:
        cmd += ["--db", str(db)]
    if json_mode:
        cmd.append("--json")
    cmd += list(global_args or [])
    cmd += [str(a) for a in args]
    extra = dict(env or {})
    if now is not None:
        extra["BANK_NOW"] = now
    proc = subprocess.run(cmd, capture_output=True, text=True, env=clean_env(extra), cwd=cwd, timeout=60)
    return Result(proc, json_mode)


def ok(db, *args, **kw):
    r = run(db, *args, **kw)
    assert r.rc == 0, r
    if kw.get("json_mode", True):
        assert r.data is not None, r
        assert "error" not in r.data, r
        return r.data
    return r.out


def human(db, *args, **kw):
    r = run(db, *args, json_mode=False, **kw)
    assert r.rc == 0, r
    assert r.err == "", r
    assert r.out.strip(), r
    return r.out


def err(db, code, *args, **kw):
    """A refused command: exit 1, one JSON error object with @code, nothing else."""
    r = run(db, *args, **kw)
    assert r.rc == 1, r
    assert r.data is not None, r
    assert set(r.data) == {"error"}, r
    assert r.data["error"]["code"] == code, r
    assert isinstance(r.data["error"]["message"], str) and r.data["error"]["message"], r
    return r.data["error"]


def human_err(db, code, *args, **kw):
    r = run(db, *args, json_mode=False, **kw)
    assert r.rc == 1, r
    assert r.out == "", r
    assert code in r.err, r
    return r.err


def usage(db, *args, json_mode=False, **kw):
    r = run(db, *args, json_mode=json_mode, **kw)
    assert r.rc == 2, r
    assert "usage" in r.err.lower(), r
    if json_mode:
        assert r.data is not None and r.data["error"]["code"] == "invalid_argument", r
    else:
        assert r.out == "", r
    return r


def account_number(base):
    """A 12-digit number with valid ISO 7064 MOD 97-10 check digits (number % 97 == 1)."""
    check = 98 - (base * 100) % 97
    n = f"{base:010d}{check:02d}"
    assert int(n) % 97 == 1
    return n


def mistype(number):
    """The same number with one digit changed: its check digits no longer match."""
    d = (int(number[3]) + 1) % 10
    return number[:3] + str(d) + number[4:]


def full_statement(db, number, limit=None):
    args = ["statement", number]
    if limit:
        args += ["--limit", limit]
    entries, after = [], None
    for _ in range(1000):
        page = ok(db, *(args + (["--after", after] if after else [])))
        entries += page["entries"]
        after = page["next"]
        if after is None:
            return entries
    raise AssertionError("statement pagination does not end")


def snapshot(db, *numbers):
    """Everything an error must not change: balances, statements, trial balance, verify."""
    state = {}
    for n in numbers:
        # account show has balance, pending, available and status; the statement every posting
        state[n] = (ok(db, "account", "show", n), full_statement(db, n))
    state["trial"] = ok(db, "trial-balance")
    return state


class Bank:
    """A database with a branch, three products, two customers and four accounts."""

    def __init__(self, db):
        self.db = db
        ok(db, "init", now=DAY1)
        ok(db, "branch", "add", "MAIN", "Main Street", now=DAY1)
        ok(db, "product", "add", "SAV", "Savings", "--kind", "savings", "--currency", "USD",
           "--min-balance", "100.00", "--rate", "1.5", now=DAY1)
        ok(db, "product", "add", "CUR", "Current", "--kind", "current", "--currency", "USD",
           "--min-balance", "0", "--rate", "0", "--overdraft", "500.00", now=DAY1)
        ok(db, "product", "add", "EURSAV", "Euro savings", "--kind", "savings", "--currency", "EUR",
           "--min-balance", "0", "--rate", "2", now=DAY1)
        self.alice = ok(db, "customer", "add", "--name", "Alice Martin", "--email", "alice@example.com",
                        "--city", "Leeds", "--country", "GB", now=DAY1)["id"]
        self.bob = ok(db, "customer", "add", "--name", "Bob Stone", now=DAY1)["id"]
        self.sav = self.open(self.alice, "SAV")
        self.cur = self.open(self.alice, "CUR")
        self.bcur = self.open(self.bob, "CUR")
        self.eur = self.open(self.bob, "EURSAV")
        ok(db, "deposit", self.sav, "1000.00", "--id", "fund-sav", now=DAY1)
        ok(db, "deposit", self.bcur, "200.00", "--id", "fund-bcur", now=DAY1)
        ok(db, "deposit", self.eur, "50.00", "--id", "fund-eur", now=DAY1)

    def open(self, customer, product):
        return ok(self.db, "account", "open", "--customer", customer, "--product", product, "--branch", "MAIN",
                  now=DAY1)["number"]

    def balance(self, number):
        return ok(self.db, "balance", number)["balance"]

    def snapshot(self):
        return snapshot(self.db, self.sav, self.cur, self.bcur, self.eur)


@pytest.fixture
def db(tmp_path):
    return tmp_path / "bank.db"


@pytest.fixture
def bank(db):
    return Bank(db)


def test_binary_exists():
    assert os.access(BANKCTL, os.X_OK), f"BANKCTL={BANKCTL} is not an executable"


# ---- help and usage errors ----

def test_help(db):
    for args in (["--help"], ["help"], ["-h"]):
        r = run(None, *args, json_mode=False)
        assert r.rc == 0, r
        assert "usage" in r.out.lower()
        for command in ("init", "branch add", "product add", "customer add", "account open", "deposit",
                        "withdraw", "transfer", "hold post", "hold void", "reverse", "balance", "statement",
                        "trial-balance", "verify", "checkpoint"):
            assert command in r.out, command
    r = run(None, "help", "deposit", json_mode=False)
    assert r.rc == 0 and "deposit NUMBER AMOUNT" in r.out, r
    r = run(None, "deposit", "--help", json_mode=False)
    assert r.rc == 0 and "deposit NUMBER AMOUNT" in r.out, r
    r = run(None, "account", "--help", json_mode=False)
    assert r.rc == 0 and "account open" in r.out, r
    r = run(None, "--version", json_mode=False)
    assert r.rc == 0 and "libbank" in r.out, r
    assert not db.exists()


@pytest.mark.parametrize("args", [
    [],
    ["frobnicate"],
    ["branch"],
    ["branch", "frob"],
    ["--frob", "init"],
    ["init", "extra"],
    ["balance"],
    ["balance", "1", "2"],
    ["balance", "123456789012", "--json"],  # global options come before the command
    ["deposit", "123456789012"],
    ["deposit", "123456789012", "10", "--frob"],
    ["deposit", "123456789012", "10", "--id"],
    ["transfer", "1", "2"],
    ["statement", "123456789012", "--limit", "abc"],
    ["statement", "123456789012", "--limit", "-1"],
    ["statement", "123456789012", "--limit", "1.5"],
    ["audit", "--after", "x"],
    ["hold", "123456789012", "10", "--expires-in", "soon"],
    ["account", "freeze", "123456789012", "--debits=yes"],
    ["account", "close", "123456789012"],
    ["account", "open", "--customer", "1", "--product", "SAV"],
    ["account", "edit", "123456789012"],
    ["customer", "add"],
    ["customer", "add", "--name", "X", "--frob", "y"],
    ["customer", "edit", "1"],
    ["product", "add", "P", "Product", "--kind", "savings"],
    ["branch", "add", "ONLY"],
])
def test_usage_errors(db, args):
    usage(db, *args)
    usage(db, *args, json_mode=True)
    assert not db.exists(), "a usage error touched the database"


def test_usage_error_on_existing_bank_changes_nothing(bank):
    before = bank.snapshot()
    usage(bank.db, "deposit", bank.sav, "10.00", "--bogus", "1")
    usage(bank.db, "statement", bank.sav, "--limit", "ten", json_mode=True)
    assert bank.snapshot() == before


def test_db_option_forms(tmp_path):
    a = tmp_path / "a.db"
    ok(None, "init", global_args=[f"--db={a}"])
    assert a.exists()
    # BANK_DB, then ./bank.db
    b = tmp_path / "b.db"
    assert ok(None, "init", env={"BANK_DB": str(b)})["created"] is True
    assert b.exists()
    assert ok(None, "branch", "add", "X", "X", env={"BANK_DB": str(b)})["code"] == "X"
    ok(None, "init", cwd=tmp_path)
    assert (tmp_path / "bank.db").exists()
    # --db wins over BANK_DB
    ok(a, "branch", "add", "A", "A", env={"BANK_DB": str(b)})
    assert [x["code"] for x in ok(a, "branch", "list")["branches"]] == ["A"]
    usage(None, "init", global_args=["--db="])


# ---- init ----

def test_init_and_missing_database(db):
    e = err(db, "not_found", "balance", account_number(1))
    assert "init" in e["message"]
    human_err(db, "not_found", "branch", "list")
    assert not db.exists()
    d = ok(db, "init")
    assert d["created"] is True and d["schema_version"] >= 1 and d["db"] == str(db)
    assert db.exists()
    d = ok(db, "init")
    assert d["created"] is False
    ok(db, "branch", "add", "MAIN", "Main")
    assert "ready" in human(db, "init")
    assert len(ok(db, "branch", "list")["branches"]) == 1


def test_init_refuses_a_foreign_file(tmp_path):
    p = tmp_path / "notes.db"
    p.write_text("this is not a database, just some text that is long enough " * 20)
    err(p, "corrupt", "init")
    err(p, "corrupt", "branch", "list")


def test_bad_bank_now(bank):
    err(bank.db, "invalid_argument", "balance", bank.sav, now="yesterday")


# ---- branches and products ----

def test_branches(db):
    ok(db, "init")
    d = ok(db, "branch", "add", "MAIN", "Main Street", "--address", "1 Main St")
    assert d["code"] == "MAIN" and d["name"] == "Main Street" and d["address"] == "1 Main St"
    assert TIME_RE.match(d["created_at"])
    assert "NORTH" in human(db, "branch", "add", "NORTH", "North")
    err(db, "already_exists", "branch", "add", "MAIN", "Again")
    err(db, "invalid_argument", "branch", "add", "bad code!", "X")
    d = ok(db, "branch", "list")
    assert [b["code"] for b in d["branches"]] == ["MAIN", "NORTH"]
    out = human(db, "branch", "list")
    assert "MAIN" in out and "North" in out
    assert ok(db, "branch", "show", "NORTH")["name"] == "North"
    assert "North" in human(db, "branch", "show", "NORTH")
    err(db, "not_found", "branch", "show", "SOUTH")
    d = ok(db, "branch", "edit", "NORTH", "--name", "North Side", "--address", "2 High St")
    assert d["name"] == "North Side" and d["address"] == "2 High St"
    assert "North Road" in human(db, "branch", "edit", "NORTH", "--name", "North Road")
    err(db, "not_found", "branch", "edit", "SOUTH", "--name", "South")
    assert [b["name"] for b in ok(db, "branch", "list")["branches"]] == ["Main Street", "North Road"]


def test_products(db):
    ok(db, "init")
    d = ok(db, "product", "add", "SAV", "Savings", "--kind", "savings", "--currency", "USD",
           "--min-balance", "100", "--rate", "2.5")
    assert d == {**d, "code": "SAV", "name": "Savings", "kind": "savings", "currency": "USD",
                 "min_balance": "100.00", "rate": "2.5", "overdraft": "0.00"}
    d = ok(db, "product", "add", "JPYCUR", "Yen current", "--kind", "current", "--currency", "JPY",
           "--min-balance", "0", "--rate", "0", "--overdraft", "5000")
    assert d["overdraft"] == "5000" and d["currency"] == "JPY"
    assert "CUR" in human(db, "product", "add", "CUR", "Current", "--kind", "current", "--currency", "USD",
                          "--min-balance", "0", "--rate", "0", "--overdraft", "250.5")
    assert ok(db, "product", "show", "CUR")["overdraft"] == "250.50"
    err(db, "already_exists", "product", "add", "SAV", "Again", "--kind", "savings", "--currency", "USD",
        "--min-balance", "0", "--rate", "0")
    for bad in (["--kind", "checking"], ["--currency", "XYZ"], ["--min-balance", "12.345"],
                ["--min-balance", "-5"], ["--rate", "abc"], ["--overdraft", "1,000"]):
        base = {"--kind": "savings", "--currency": "USD", "--min-balance": "0", "--rate": "0"}
        base[bad[0]] = bad[1]
        flat = [x for kv in base.items() for x in kv]
        err(db, "invalid_argument", "product", "add", "NEW", "New", *flat)
    err(db, "not_found", "product", "show", "NEW")
    d = ok(db, "product", "list")
    assert [p["code"] for p in d["products"]] == ["CUR", "JPYCUR", "SAV"]
    out = human(db, "product", "list")
    assert "JPYCUR" in out and "savings" in out
    assert "Savings" in human(db, "product", "show", "SAV")
    d = ok(db, "product", "edit", "SAV", "--rate", "3", "--name", "Super Savings")
    assert d["rate"] == "3" and d["name"] == "Super Savings"
    assert "50.00" in human(db, "product", "edit", "SAV", "--min-balance", "50")
    err(db, "invalid_argument", "product", "edit", "SAV", "--min-balance", "5.555")
    err(db, "not_found", "product", "edit", "NOPE", "--name", "X")
    assert ok(db, "product", "show", "SAV")["min_balance"] == "50.00"


# ---- customers ----

def test_customers(db):
    ok(db, "init")
    d = ok(db, "customer", "add", "--name", "Alice Martin", "--dob", "1990-04-01", "--occupation", "Engineer",
           "--income", "85000.00", "--email", "alice@example.com", "--phone", "+44 113 496 0000",
           "--address-line1", "1 Park Row", "--address-line2", "Flat 2", "--city", "Leeds",
           "--region", "West Yorkshire", "--postal-code", "LS1 5AB", "--country", "GB")
    assert isinstance(d["id"], str) and d["id"].isdigit()
    cid = d["id"]
    s = ok(db, "customer", "show", cid)
    assert s["id"] == cid and s["name"] == "Alice Martin" and s["dob"] == "1990-04-01"
    assert s["occupation"] == "Engineer" and s["income"] == "85000.00" and s["email"] == "alice@example.com"
    assert s["phone"] == "+44 113 496 0000"
    assert s["income_currency"] == "USD" and s["currency"] == "USD"
    assert s["address"] == {"line1": "1 Park Row", "line2": "Flat 2", "city": "Leeds",
                            "region": "West Yorkshire", "postal_code": "LS1 5AB", "country": "GB"}
    out = human(db, "customer", "add", "--name", "Bob Stone")
    assert re.fullmatch(r"[0-9]+\n", out), out
    bob = out.strip()
    assert bob != cid
    assert ok(db, "customer", "show", bob)["address"] is None
    out = human(db, "customer", "show", cid)
    assert "Alice Martin" in out and "Leeds" in out
    # edit: several fields in one command, address fields create the address
    d = ok(db, "customer", "edit", bob, "--email", "bob@example.com", "--address-line1", "9 Elm Rd",
           "--city", "York", "--postal-code", "YO1 7HH", "--occupation", "Baker")
    assert d["email"] == "bob@example.com" and d["occupation"] == "Baker"
    assert d["address"]["line1"] == "9 Elm Rd" and d["address"]["city"] == "York"
    assert d["address"]["postal_code"] == "YO1 7HH"
    assert ok(db, "customer", "edit", bob, "--name", "Robert Stone")["name"] == "Robert Stone"
    assert "Robert Stone" in human(db, "customer", "edit", bob, "--phone", "01904 000000")
    before = ok(db, "customer", "show", bob)
    err(db, "invalid_argument", "customer", "edit", bob, "--email", "not-an-email")
    err(db, "invalid_argument", "customer", "edit", bob, "--dob", "1990-02-30")
    assert ok(db, "customer", "show", bob) == before
    err(db, "not_found", "customer", "show", "999999")
    err(db, "not_found", "customer", "edit", "999999", "--name", "Nobody")
    err(db, "invalid_argument", "customer", "show", "abc")
    err(db, "invalid_argument", "customer", "show", "-1")
    err(db, "invalid_argument", "customer", "add", "--name", "X", "--email", "no-at-sign")
    err(db, "invalid_argument", "customer", "add", "--name", "X", "--income", "1,000")
    err(db, "invalid_argument", "customer", "add", "--name", "")
    d = ok(db, "customer", "list")
    assert [c["id"] for c in d["customers"]] == [cid, bob]
    assert "Robert Stone" in human(db, "customer", "list")


def test_json_strings_are_escaped(db):
    ok(db, "init")
    name = 'Zoë "Q" O\'Brien \\ back/slash ✓ 日本'
    cid = ok(db, "customer", "add", "--name", name)["id"]
    assert ok(db, "customer", "show", cid)["name"] == name


# ---- accounts ----

def test_accounts(bank):
    db = bank.db
    d = ok(db, "account", "show", bank.sav)
    assert re.fullmatch(r"[0-9]{12}", d["number"]) and int(d["number"]) % 97 == 1
    assert d["customer"] == bank.alice and d["product"] == "SAV" and d["branch"] == "MAIN"
    assert d["currency"] == "USD" and d["status"] == "active" and d["kind"] == "customer"
    assert d["balance"] == "1000.00" and d["min_balance"] == "100.00" and d["available"] == "900.00"
    out = human(db, "account", "open", "--customer", bank.bob, "--product", "SAV", "--branch", "MAIN")
    assert re.fullmatch(r"[0-9]{12}\n", out), out
    extra = out.strip()
    assert "1000.00" in human(db, "account", "show", bank.sav)
    mine = ok(db, "account", "list", "--customer", bank.alice)["accounts"]
    assert sorted(a["number"] for a in mine) == sorted([bank.sav, bank.cur])
    every = ok(db, "account", "list")["accounts"]
    assert {bank.sav, bank.cur, bank.bcur, bank.eur, extra} == {a["number"] for a in every}
    assert all(a["kind"] == "customer" for a in every)
    internal = ok(db, "account", "list", "--all")["accounts"]
    assert any(a["kind"] == "cash" for a in internal)
    out = human(db, "account", "list")
    assert bank.sav in out and extra in out
    # open errors
    before = bank.snapshot()
    count = len(ok(db, "account", "list", "--all")["accounts"])
    err(db, "not_found", "account", "open", "--customer", "999", "--product", "SAV", "--branch", "MAIN")
    err(db, "not_found", "account", "open", "--customer", bank.bob, "--product", "NOPE", "--branch", "MAIN")
    err(db, "not_found", "account", "open", "--customer", bank.bob, "--product", "SAV", "--branch", "NOPE")
    err(db, "invalid_argument", "account", "open", "--customer", "x", "--product", "SAV", "--branch", "MAIN")
    # lookups
    err(db, "not_found", "account", "show", account_number(12345))
    err(db, "invalid_argument", "account", "show", mistype(bank.sav))
    err(db, "invalid_argument", "account", "show", "12345")
    human_err(db, "not_found", "account", "open", "--customer", "999", "--product", "SAV", "--branch", "MAIN")
    assert bank.snapshot() == before
    assert len(ok(db, "account", "list", "--all")["accounts"]) == count
    # edit and history
    d = ok(db, "account", "edit", extra, "--name", "Holiday fund", "--customer", bank.alice)
    assert d["name"] == "Holiday fund" and d["customer"] == bank.alice
    d = ok(db, "account", "edit", extra, "--product", "CUR")
    assert d["product"] == "CUR"
    err(db, "currency_mismatch", "account", "edit", extra, "--product", "EURSAV")
    err(db, "not_found", "account", "edit", extra, "--product", "NOPE")
    err(db, "not_found", "account", "edit", extra, "--branch", "NOPE")
    err(db, "not_found", "account", "edit", extra, "--customer", "999")
    assert ok(db, "account", "show", extra)["product"] == "CUR"
    assert "Holiday" in human(db, "account", "edit", extra, "--name", "Holiday money")
    h = ok(db, "account", "history", extra)
    fields = [e["field"] for e in h["edits"]]
    assert "name" in fields and "customer" in fields and "product" in fields
    e = [e for e in h["edits"] if e["field"] == "product"][0]
    assert e["old"] == "SAV" and e["new"] == "CUR" and e["principal"]
    assert "product" in human(db, "account", "history", extra)


def test_freeze_unfreeze(bank):
    db = bank.db
    d = ok(db, "account", "freeze", bank.sav)
    assert d["frozen"] == "both" and d["status"] == "frozen"
    before = bank.snapshot()
    err(db, "account_frozen", "deposit", bank.sav, "10.00")
    err(db, "account_frozen", "withdraw", bank.sav, "10.00")
    err(db, "account_frozen", "transfer", bank.sav, bank.cur, "10.00")
    err(db, "account_frozen", "transfer", bank.bcur, bank.sav, "10.00")
    human_err(db, "account_frozen", "deposit", bank.sav, "10.00")
    assert bank.snapshot() == before
    d = ok(db, "account", "unfreeze", bank.sav)
    assert d["frozen"] == "none" and d["status"] == "active"
    assert ok(db, "account", "freeze", bank.sav, "--debits")["frozen"] == "debits"
    before = bank.snapshot()
    err(db, "account_frozen", "withdraw", bank.sav, "10.00")
    err(db, "account_frozen", "hold", bank.sav, "10.00")
    assert bank.snapshot() == before
    ok(db, "deposit", bank.sav, "10.00")
    assert bank.balance(bank.sav) == "1010.00"
    assert "none" in human(db, "account", "unfreeze", bank.sav)
    assert "credits" in human(db, "account", "freeze", bank.sav, "--credits")
    before = bank.snapshot()
    err(db, "account_frozen", "deposit", bank.sav, "10.00")
    assert bank.snapshot() == before
    ok(db, "withdraw", bank.sav, "10.00")
    ok(db, "account", "unfreeze", bank.sav)
    assert ok(db, "account", "freeze", bank.sav, "--debits", "--credits")["frozen"] == "both"
    ok(db, "account", "unfreeze", bank.sav)
    err(db, "not_found", "account", "freeze", account_number(777))


def test_close(bank):
    db = bank.db
    before = bank.snapshot()
    err(db, "invalid_argument", "account", "close", bank.sav, "--reason", "moving away")
    assert bank.snapshot() == before
    ok(db, "withdraw", bank.bcur, "200.00")
    assert bank.balance(bank.bcur) == "0.00"
    d = ok(db, "account", "close", bank.bcur, "--reason", "moving away")
    assert d["status"] == "closed" and d["close_reason"] == "moving away"
    assert TIME_RE.match(d["closed_at"]) and d["final_balance"] == "0.00" and d["closed_by"]
    before = bank.snapshot()
    err(db, "account_closed", "deposit", bank.bcur, "10.00")
    err(db, "account_closed", "withdraw", bank.bcur, "10.00")
    err(db, "account_closed", "transfer", bank.sav, bank.bcur, "10.00")
    err(db, "account_closed", "account", "close", bank.bcur, "--reason", "again")
    err(db, "account_closed", "account", "freeze", bank.bcur)
    human_err(db, "account_closed", "deposit", bank.bcur, "10.00")
    assert bank.snapshot() == before
    # its history stays readable
    assert ok(db, "account", "show", bank.bcur)["status"] == "closed"
    assert len(full_statement(db, bank.bcur)) == 2
    assert "closed" in human(db, "account", "show", bank.bcur)
    # human close
    ok(db, "withdraw", bank.cur, "0.01")
    ok(db, "deposit", bank.cur, "0.01")
    assert "closed" in human(db, "account", "close", bank.cur, "--reason", "not needed")


# ---- movements ----

def test_deposit_withdraw_transfer(bank):
    db = bank.db
    d = ok(db, "deposit", bank.cur, "125.50", "--id", "dep-1", "--memo", "salary")
    assert d["id"] == "dep-1" and d["status"] == "created" and d["kind"] == "deposit"
    assert d["amount"] == "125.50" and d["currency"] == "USD" and d["credit"] == bank.cur
    assert d["memo"] == "salary" and d["credit_balance"] == "125.50" and TIME_RE.match(d["created_at"])
    d = ok(db, "deposit", bank.cur, "10")
    assert d["status"] == "created" and d["amount"] == "10.00" and d["id"]
    d = ok(db, "withdraw", bank.cur, "35.50", "--id", "wd-1")
    assert d["kind"] == "withdrawal" and d["debit"] == bank.cur and d["debit_balance"] == "100.00"
    d = ok(db, "transfer", bank.sav, bank.cur, "300", "--id", "tr-1", "--memo", "rent")
    assert d["kind"] == "transfer" and d["debit"] == bank.sav and d["credit"] == bank.cur
    assert d["debit_balance"] == "700.00" and d["credit_balance"] == "400.00"
    b = ok(db, "balance", bank.cur)
    assert b == {"account": bank.cur, "balance": "400.00", "available": "900.00", "pending": "0.00",
                 "currency": "USD"}
    assert ok(db, "balance", bank.sav)["available"] == "600.00"
    out = human(db, "deposit", bank.cur, "1.00", "--id", "dep-h")
    assert "created" in out and "dep-h" in out and "1.00" in out
    out = human(db, "withdraw", bank.cur, "1.00")
    assert "withdrawal" in out
    out = human(db, "transfer", bank.cur, bank.sav, "1.00")
    assert "transfer" in out
    out = human(db, "balance", bank.cur)
    assert "399.00" in out and "USD" in out
    # transfer show
    d = ok(db, "transfer", "show", "tr-1")
    assert d["id"] == "tr-1" and d["amount"] == "300.00" and d["memo"] == "rent"
    assert "rent" in human(db, "transfer", "show", "tr-1")
    err(db, "not_found", "transfer", "show", "no-such-id")


def test_idempotency(bank):
    db = bank.db
    ok(db, "deposit", bank.cur, "50.00", "--id", "dep-x")
    before = bank.snapshot()
    d = ok(db, "deposit", bank.cur, "50.00", "--id", "dep-x")
    assert d["status"] == "exists" and d["id"] == "dep-x" and d["amount"] == "50.00"
    assert "exists" in human(db, "deposit", bank.cur, "50.00", "--id", "dep-x")
    assert bank.snapshot() == before
    err(db, "conflict", "deposit", bank.cur, "60.00", "--id", "dep-x")
    err(db, "conflict", "withdraw", bank.cur, "50.00", "--id", "dep-x")
    err(db, "conflict", "deposit", bank.sav, "50.00", "--id", "dep-x")
    human_err(db, "conflict", "deposit", bank.cur, "60.00", "--id", "dep-x")
    assert bank.snapshot() == before
    ok(db, "transfer", bank.sav, bank.cur, "5.00", "--id", "tr-x")
    before = bank.snapshot()
    assert ok(db, "transfer", bank.sav, bank.cur, "5.00", "--id", "tr-x")["status"] == "exists"
    err(db, "conflict", "transfer", bank.sav, bank.cur, "6.00", "--id", "tr-x")
    err(db, "conflict", "transfer", bank.cur, bank.sav, "5.00", "--id", "tr-x")
    assert bank.snapshot() == before
    # a failed transfer is not recorded: its id stays free
    err(db, "insufficient_funds", "withdraw", bank.bcur, "10000.00", "--id", "retry-me")
    assert ok(db, "withdraw", bank.bcur, "10.00", "--id", "retry-me")["status"] == "created"


BAD_AMOUNTS = ["1,234.50", "12.345", "-5", "0", "0.00", "", "abc", "1e3", ".5", "5.", "+5", " 5",
               "99999999999999999999"]


def test_bad_amounts(bank):
    db = bank.db
    before = bank.snapshot()
    for amount in BAD_AMOUNTS:
        err(db, "invalid_argument", "deposit", bank.cur, amount)
        err(db, "invalid_argument", "withdraw", bank.sav, amount)
        err(db, "invalid_argument", "transfer", bank.sav, bank.cur, amount)
        err(db, "invalid_argument", "hold", bank.sav, amount)
        human_err(db, "invalid_argument", "deposit", bank.cur, amount)
    assert bank.snapshot() == before


def test_amount_decimals_follow_the_currency(bank):
    db = bank.db
    before = bank.snapshot()
    err(db, "invalid_argument", "deposit", bank.eur, "1.234")
    assert bank.snapshot() == before
    d = ok(db, "deposit", bank.eur, "1.5")
    assert d["amount"] == "1.50" and d["currency"] == "EUR"


def test_refusals_change_nothing(bank):
    db = bank.db
    before = bank.snapshot()
    # savings: 1000.00 with a minimum balance of 100.00 -> 900.00 available
    err(db, "insufficient_funds", "withdraw", bank.sav, "900.01")
    err(db, "insufficient_funds", "transfer", bank.sav, bank.cur, "950.00")
    # current: overdraft 500.00 -> 500.00 available on an empty account
    err(db, "insufficient_funds", "withdraw", bank.cur, "500.01")
    human_err(db, "insufficient_funds", "withdraw", bank.cur, "500.01")
    err(db, "currency_mismatch", "transfer", bank.sav, bank.eur, "10.00")
    err(db, "currency_mismatch", "transfer", bank.eur, bank.sav, "10.00")
    human_err(db, "currency_mismatch", "transfer", bank.sav, bank.eur, "10.00")
    missing = account_number(424242)
    err(db, "not_found", "deposit", missing, "10.00")
    err(db, "not_found", "transfer", bank.sav, missing, "10.00")
    err(db, "not_found", "transfer", missing, bank.sav, "10.00")
    err(db, "invalid_argument", "deposit", mistype(bank.sav), "10.00")
    err(db, "invalid_argument", "transfer", bank.sav, bank.sav, "10.00")
    err(db, "invalid_argument", "deposit", bank.cur, "10.00", "--id", "has\ttab")
    err(db, "invalid_argument", "deposit", bank.cur, "10.00", "--id", "x" * 65)
    err(db, "invalid_argument", "deposit", bank.cur, "10.00", "--memo", "m" * 501)
    assert bank.snapshot() == before
    # the limits themselves are allowed
    ok(db, "withdraw", bank.sav, "900.00")
    ok(db, "withdraw", bank.cur, "500.00")
    assert ok(db, "balance", bank.cur) == {"account": bank.cur, "balance": "-500.00", "available": "0.00",
                                           "pending": "0.00", "currency": "USD"}
    before = bank.snapshot()
    err(db, "insufficient_funds", "withdraw", bank.cur, "0.01")
    err(db, "insufficient_funds", "withdraw", bank.sav, "0.01")
    assert bank.snapshot() == before
    # a space is printable ASCII: part of the id, replayed exactly
    t = ok(db, "deposit", bank.cur, "1.00", "--id", "pay 7")
    assert (t["id"], t["status"]) == ("pay 7", "created")
    assert ok(db, "deposit", bank.cur, "1.00", "--id", "pay 7")["status"] == "exists"
    err(db, "conflict", "deposit", bank.cur, "2.00", "--id", "pay 7")


# ---- holds ----

def test_holds(bank):
    db = bank.db
    h = ok(db, "hold", bank.sav, "200.00", "--id", "h1")
    assert h["id"] == "h1" and h["status"] == "created" and h["kind"] == "hold" and h["pending"] is True
    assert h["hold_status"] == "active" and h["amount"] == "200.00" and h["expires_at"] is None
    assert ok(db, "balance", bank.sav) == {"account": bank.sav, "balance": "1000.00", "available": "700.00",
                                           "pending": "200.00", "currency": "USD"}
    assert ok(db, "hold", bank.sav, "200.00", "--id", "h1")["status"] == "exists"
    before = bank.snapshot()
    err(db, "insufficient_funds", "hold", bank.sav, "700.01")
    err(db, "insufficient_funds", "withdraw", bank.sav, "700.01")
    err(db, "invalid_argument", "hold", "post", "h1", "200.01")
    err(db, "invalid_argument", "hold", "post", "h1", "0")
    err(db, "not_found", "hold", "post", "nope")
    err(db, "not_found", "hold", "void", "nope")
    err(db, "invalid_argument", "hold", "post", "fund-sav")
    err(db, "invalid_argument", "account", "close", bank.sav, "--reason", "has a hold")
    assert bank.snapshot() == before
    # partial post: 150 moves, 50 is released
    p = ok(db, "hold", "post", "h1", "150.00", "--id", "h1-post")
    assert p["id"] == "h1-post" and p["status"] == "created" and p["ref"] == "h1" and p["amount"] == "150.00"
    assert p["debit"] == bank.sav
    assert ok(db, "balance", bank.sav) == {"account": bank.sav, "balance": "850.00", "available": "750.00",
                                           "pending": "0.00", "currency": "USD"}
    assert ok(db, "transfer", "show", "h1")["hold_status"] == "posted"
    before = bank.snapshot()
    err(db, "invalid_argument", "hold", "post", "h1")
    err(db, "invalid_argument", "hold", "void", "h1")
    assert bank.snapshot() == before
    # hold to a named account, posted whole
    ok(db, "hold", bank.sav, "20.00", "--id", "h2", "--credit", bank.cur, "--memo", "card")
    p = ok(db, "hold", "post", "h2")
    assert p["amount"] == "20.00" and p["credit"] == bank.cur
    assert bank.balance(bank.cur) == "20.00"
    # void
    ok(db, "hold", bank.sav, "30.00", "--id", "h3")
    v = ok(db, "hold", "void", "h3", "--id", "h3-void")
    assert v["kind"] == "void" and v["ref"] == "h3" and v["status"] == "created"
    assert ok(db, "balance", bank.sav)["pending"] == "0.00"
    # human
    out = human(db, "hold", bank.sav, "5.00", "--id", "h4")
    assert "hold" in out and "h4" in out
    assert "post" in human(db, "hold", "post", "h4", "1.00")
    out = human(db, "hold", bank.sav, "5.00", "--id", "h5")
    assert "void" in human(db, "hold", "void", "h5")
    assert "released" in human(db, "hold", "sweep")


def test_hold_expiry_and_sweep(bank):
    db = bank.db
    h = ok(db, "hold", bank.sav, "100.00", "--id", "exp", "--expires-in", "60", now=DAY1)
    assert h["expires_at"] is not None and TIME_RE.match(h["expires_at"])
    assert ok(db, "hold", "sweep", now=DAY1)["released"] == 0
    assert ok(db, "balance", bank.sav, now=DAY1)["pending"] == "100.00"
    assert ok(db, "hold", "sweep", now=DAY2)["released"] == 1
    assert ok(db, "balance", bank.sav, now=DAY2)["pending"] == "0.00"
    assert ok(db, "transfer", "show", "exp")["hold_status"] == "expired"
    err(db, "invalid_argument", "hold", "post", "exp", now=DAY2)
    assert ok(db, "verify")["ok"] is True


# ---- reversals ----

def test_reverse(bank):
    db = bank.db
    ok(db, "transfer", bank.sav, bank.cur, "100.00", "--id", "t1")
    r = ok(db, "reverse", "t1", "--id", "t1-rev")
    assert r["id"] == "t1-rev" and r["kind"] == "reversal" and r["ref"] == "t1" and r["status"] == "created"
    assert r["debit"] == bank.cur and r["credit"] == bank.sav and r["amount"] == "100.00"
    assert bank.balance(bank.sav) == "1000.00" and bank.balance(bank.cur) == "0.00"
    assert ok(db, "reverse", "t1", "--id", "t1-rev")["status"] == "exists"
    before = bank.snapshot()
    err(db, "invalid_argument", "reverse", "t1")
    err(db, "invalid_argument", "reverse", "t1-rev")
    err(db, "not_found", "reverse", "nope")
    assert bank.snapshot() == before
    ok(db, "deposit", bank.cur, "5.00", "--id", "d5")
    assert "reversal" in human(db, "reverse", "d5")
    assert bank.balance(bank.cur) == "0.00"


# ---- statements ----

def test_statement_pagination(bank):
    db = bank.db
    for i in range(23):
        ok(db, "deposit", bank.cur, f"{i + 1}.00", "--id", f"d{i:02d}")
    ok(db, "withdraw", bank.cur, "10.00", "--id", "w1")
    ok(db, "transfer", bank.cur, bank.sav, "0.25", "--id", "t1")
    whole = ok(db, "statement", bank.cur)
    assert whole["next"] is None and whole["account"] == bank.cur and whole["currency"] == "USD"
    assert whole["opening_balance"] == "0.00" and whole["closing_balance"] == "265.75"
    entries = whole["entries"]
    assert [e["id"] for e in entries] == [f"d{i:02d}" for i in range(23)] + ["w1", "t1"]
    assert entries[0]["amount"] == "1.00" and entries[0]["balance_after"] == "1.00"
    assert entries[23]["amount"] == "-10.00" and entries[24]["amount"] == "-0.25"
    assert entries[24]["counterparty"] == bank.sav and entries[-1]["balance_after"] == "265.75"
    for e in entries:
        assert AMOUNT_RE.match(e["amount"]) and AMOUNT_RE.match(e["balance_after"]) and TIME_RE.match(e["at"])
    for limit in (1, 7, 25, 100):
        pages, after = [], None
        while True:
            args = ["statement", bank.cur, "--limit", str(limit)] + (["--after", after] if after else [])
            page = ok(db, *args)
            assert len(page["entries"]) <= limit
            pages.append(page)
            after = page["next"]
            if after is None:
                break
            assert isinstance(after, str) and after
        assert [e for p in pages for e in p["entries"]] == entries
        # keyset pagination may need one more (empty) page to learn that a full page was the last
        full = -(-25 // limit)
        assert len(pages) == full or (25 % limit == 0 and len(pages) == full + 1)
        assert all(p["entries"] for p in pages[:full])
    # human mode pages too
    out = human(db, "statement", bank.cur, "--limit", "5")
    assert "d00" in out and "d04" in out and "d05" not in out and "--after" in out
    before = bank.snapshot()
    err(db, "invalid_argument", "statement", bank.cur, "--after", "garbage")
    err(db, "invalid_argument", "statement", bank.cur, "--limit", "0")
    err(db, "invalid_argument", "statement", bank.cur, "--limit", "10001")
    err(db, "not_found", "statement", account_number(31337))
    err(db, "invalid_argument", "statement", mistype(bank.cur))
    assert bank.snapshot() == before


def test_statement_all_streams_every_page(bank):
    db = bank.db
    # 1,003 postings: past the 1,000 entries at which --all writes out what it holds
    for i in range(1001):
        ok(db, "deposit", bank.cur, f"{i % 97 + 1}.00", "--id", f"s{i:04d}", now=DAY2)
    ok(db, "withdraw", bank.cur, "10.00", "--id", "s-w", now=DAY3)
    ok(db, "transfer", bank.cur, bank.sav, "0.25", "--id", "s-t", now=DAY3)
    paged = full_statement(db, bank.cur, limit="250")
    assert len(paged) == 1003
    streamed = ok(db, "statement", bank.cur, "--all")
    assert streamed["entries"] == paged
    assert streamed["next"] is None and streamed["account"] == bank.cur and streamed["currency"] == "USD"
    assert streamed["opening_balance"] == "0.00"
    assert streamed["closing_balance"] == paged[-1]["balance_after"] == bank.balance(bank.cur)
    # a period: the paged statement's entries and balances
    one = ok(db, "statement", bank.cur, "--from", "2026-03-03", "--to", "2026-03-03", "--all")
    page = ok(db, "statement", bank.cur, "--from", "2026-03-03", "--to", "2026-03-03")
    assert [e["id"] for e in one["entries"]] == ["s-w", "s-t"] and one["entries"] == page["entries"]
    assert (one["opening_balance"], one["closing_balance"]) == (page["opening_balance"], page["closing_balance"])
    empty = ok(db, "statement", bank.eur, "--from", "2026-04-01", "--all")
    assert empty["entries"] == [] and empty["opening_balance"] == empty["closing_balance"] == "50.00"
    # human mode: header, one line per entry, the closing balance
    lines = human(db, "statement", bank.cur, "--all").splitlines()
    assert lines[0].startswith("statement of " + bank.cur) and lines[1] == "opening balance: 0.00"
    assert len(lines) == 3 + 1003 + 1 and lines[-1] == "closing balance: " + bank.balance(bank.cur)
    assert "s0000" in lines[3] and "s-t" in lines[-2]
    # refusals come before any output; --all takes no --limit or --after
    before = bank.snapshot()
    err(db, "not_found", "statement", account_number(31337), "--all")
    err(db, "invalid_argument", "statement", mistype(bank.cur), "--all")
    usage(db, "statement", bank.cur, "--all", "--limit", "5")
    usage(db, "statement", bank.cur, "--all", "--after", "3")
    assert bank.snapshot() == before


def test_statement_dates(bank):
    db = bank.db
    ok(db, "deposit", bank.cur, "10.00", "--id", "day1", now=DAY1)
    ok(db, "deposit", bank.cur, "20.00", "--id", "day2a", now=DAY2)
    ok(db, "withdraw", bank.cur, "5.00", "--id", "day2b", now=DAY2)
    ok(db, "deposit", bank.cur, "40.00", "--id", "day3", now=DAY3)
    s = ok(db, "statement", bank.cur, "--from", "2026-03-02", "--to", "2026-03-02")
    assert [e["id"] for e in s["entries"]] == ["day2a", "day2b"]
    assert s["opening_balance"] == "10.00" and s["closing_balance"] == "25.00"
    assert s["from"] == "2026-03-02" and s["to"] == "2026-03-02"
    assert s["entries"][0]["at"].startswith("2026-03-02T10:00:00")
    s = ok(db, "statement", bank.cur, "--from", "2026-03-02")
    assert [e["id"] for e in s["entries"]] == ["day2a", "day2b", "day3"]
    s = ok(db, "statement", bank.cur, "--to", "2026-03-01")
    assert [e["id"] for e in s["entries"]] == ["day1"] and s["closing_balance"] == "10.00"
    s = ok(db, "statement", bank.cur, "--from", "2026-03-04")
    assert s["entries"] == [] and s["opening_balance"] == "65.00" and s["next"] is None
    out = human(db, "statement", bank.cur, "--from", "2026-03-02", "--to", "2026-03-03")
    assert "day2a" in out and "day3" in out and "day1" not in out
    # a time zone 11 hours ahead moves 2026-03-02T10:00Z to 21:00 on the 2nd: same days
    s = ok(db, "statement", bank.cur, "--from", "2026-03-02", "--to", "2026-03-02", env={"BANK_TZ": "+11:00"})
    assert [e["id"] for e in s["entries"]] == ["day2a", "day2b"]
    # 11 hours behind: 10:00Z on the 2nd is 23:00 on the 1st
    s = ok(db, "statement", bank.cur, "--from", "2026-03-01", "--to", "2026-03-01", env={"BANK_TZ": "-11:00"})
    assert [e["id"] for e in s["entries"]] == ["day2a", "day2b"]
    err(db, "invalid_argument", "statement", bank.cur, env={"BANK_TZ": "Mars/Olympus"})
    before = bank.snapshot()
    for bad in (["--from", "2026-02-30"], ["--to", "yesterday"], ["--from", "2026-3-1"],
                ["--from", "2026-03-03", "--to", "2026-03-01"]):
        err(db, "invalid_argument", "statement", bank.cur, *bad)
    assert bank.snapshot() == before


# ---- reports ----

def test_trial_balance(bank):
    db = bank.db
    ok(db, "transfer", bank.sav, bank.cur, "12.34")
    t = ok(db, "trial-balance")
    assert {x["currency"] for x in t["totals"]} == {"USD", "EUR"}
    for x in t["totals"]:
        assert x["balanced"] is True and x["debit"] == x["credit"]
    usd = [x for x in t["totals"] if x["currency"] == "USD"][0]
    assert usd["debit"] == "1200.00"
    for line in t["lines"]:
        assert set(line) >= {"branch", "currency", "kind", "accounts", "debit", "credit"}
        assert line["branch"] == "MAIN" and isinstance(line["accounts"], int)
    cust = [x for x in t["lines"] if x["currency"] == "USD" and x["kind"] == "customer"][0]
    assert cust["accounts"] == 3 and cust["credit"] == "1200.00"
    out = human(db, "trial-balance")
    assert "balanced" in out and "1200.00" in out


def test_verify_ok(bank):
    db = bank.db
    ok(db, "hold", bank.sav, "10.00")
    ok(db, "transfer", bank.sav, bank.cur, "1.00", "--id", "x")
    ok(db, "reverse", "x")
    d = ok(db, "verify")
    assert d["ok"] is True and d["accounts_checked"] >= 4 and d["transfers_checked"] >= 5
    assert "ok" in human(db, "verify")


def test_checkpoint(bank):
    """checkpoint copies the WAL another process left behind; truncate empties it."""
    import sqlite3 as sqlite3_module

    db = bank.db
    holder = sqlite3_module.connect(str(db))  # keeps the WAL from being removed at each exit
    try:
        holder.execute("SELECT count(*) FROM account").fetchone()
        ok(db, "deposit", bank.cur, "5.00")
        d = ok(db, "checkpoint")
        assert d["mode"] == "passive" and d["wal_pages"] > 0 and d["copied"] == d["wal_pages"], d
        d = ok(db, "checkpoint", "--mode", "truncate")
        assert d == {"mode": "truncate", "wal_pages": 0, "copied": 0}, d
        assert Path(str(db) + "-wal").stat().st_size == 0
        assert "WAL pages" in human(db, "checkpoint", "--mode", "full")
        err(db, "invalid_argument", "checkpoint", "--mode", "everything")
    finally:
        holder.close()
    assert ok(db, "verify")["ok"] is True


def sqlite(db, sql):
    return subprocess.run([SQLITE3, str(db), sql], capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(SQLITE3 is None, reason="the sqlite3 shell is not installed")
def test_verify_detects_tampering(bank):
    db = bank.db
    assert ok(db, "verify")["ok"] is True
    # the journal refuses UPDATE and DELETE
    r = sqlite(db, "UPDATE transfer SET amount = amount + 1 WHERE id = 'fund-sav';")
    assert r.returncode != 0 and "append-only" in r.stderr
    r = sqlite(db, "DELETE FROM transfer WHERE id = 'fund-sav';")
    assert r.returncode != 0
    assert ok(db, "verify")["ok"] is True
    # the account table is mutable: a forged balance breaks the invariants
    r = sqlite(db, f"UPDATE account SET balance = balance + 1 WHERE number = '{bank.sav}';")
    assert r.returncode == 0, r.stderr
    e = err(db, "corrupt", "verify")
    assert e["violations"], e
    for v in e["violations"]:
        assert set(v) >= {"check", "object", "message"}
    assert any(bank.sav in v["object"] for v in e["violations"]), e
    r = run(db, "verify", json_mode=False)
    assert r.rc == 1 and r.out == "" and "corrupt" in r.err and bank.sav in r.err, r


@pytest.mark.skipif(SQLITE3 is None, reason="the sqlite3 shell is not installed")
def test_verify_detects_forged_pending(bank):
    db = bank.db
    r = sqlite(db, f"UPDATE account SET pending = pending + 500 WHERE number = '{bank.cur}';")
    assert r.returncode == 0, r.stderr
    e = err(db, "corrupt", "verify")
    assert any(bank.cur in v["object"] for v in e["violations"]), e


@pytest.mark.skipif(SQLITE3 is None, reason="the sqlite3 shell is not installed")
def test_verify_detects_a_forged_journal_entry(bank):
    db = bank.db
    # an entry appended behind the library's back: the balances no longer match it
    r = sqlite(db, "INSERT INTO transfer (id, kind, posted, debit_id, credit_id, amount, currency, memo,"
                   " debit_balance, credit_balance, principal, created_at)"
                   " SELECT 'forged', 'deposit', 1, t.debit_id, t.credit_id, 100, t.currency, '',"
                   " t.debit_balance, t.credit_balance, 'mallory', t.created_at"
                   " FROM transfer t WHERE t.id = 'fund-sav';")
    assert r.returncode == 0, r.stderr
    e = err(db, "corrupt", "verify")
    assert e["violations"], e


def test_audit(bank):
    db = bank.db
    d = ok(db, "audit")
    assert d["entries"], d
    for e in d["entries"]:
        assert isinstance(e["seq"], int) and TIME_RE.match(e["at"]) and e["action"] and e["principal"]
    seqs = [e["seq"] for e in d["entries"]]
    assert seqs == sorted(seqs)
    # paging by seq
    first = ok(db, "audit", "--limit", "2")
    assert len(first["entries"]) == 2 and first["next"] is not None
    second = ok(db, "audit", "--limit", "2", "--after", str(first["next"]))
    assert second["entries"][0]["seq"] > first["entries"][-1]["seq"]
    # by object
    mine = ok(db, "audit", "--object", f"account:{bank.sav}")["entries"]
    assert mine and all(e["object"] == f"account:{bank.sav}" for e in mine)
    out = human(db, "audit", "--limit", "5")
    assert "ACTION" in out and "--after" in out
    err(db, "invalid_argument", "audit", "--limit", "0")


def test_every_command_in_human_mode(bank):
    """Each command prints readable text, nothing on stderr, exit 0."""
    db = bank.db
    ok(db, "hold", bank.sav, "1.00", "--id", "hh", "--expires-in", "3600")
    for args in (["branch", "list"], ["branch", "show", "MAIN"], ["product", "list"], ["product", "show", "SAV"],
                 ["customer", "list"], ["customer", "show", bank.alice], ["account", "list"],
                 ["account", "list", "--customer", bank.bob], ["account", "show", bank.sav],
                 ["account", "history", bank.sav], ["balance", bank.sav], ["statement", bank.sav],
                 ["transfer", "show", "fund-sav"], ["transfer", "show", "hh"], ["trial-balance"], ["verify"],
                 ["audit"], ["hold", "sweep"], ["init"]):
        human(db, *args)
