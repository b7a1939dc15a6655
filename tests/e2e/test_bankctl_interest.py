"""End-to-end tests of bankctl's interest commands (docs/bankctl.md, docs/interest.md):
product conventions, `product rate`, `product apy`, `interest run|show|settle|project`,
with BANK_NOW placing every command on its day. Goldens from issue 5.

Run by meson (suite e2e) with BANKCTL set to the built binary:
    /usr/bin/python3 -m pytest -q tests/e2e/test_bankctl_interest.py
"""

import json
import os
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
BANKCTL = os.environ.get("BANKCTL") or str(HERE.parent.parent / "build" / "examples" / "bankctl" / "bankctl")


def bankctl(db, *args, now, json_mode=True):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANK_")}
    env["BANK_NOW"] = now
    cmd = [BANKCTL, "--db", str(db)] + (["--json"] if json_mode else []) + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
    return p.returncode, (json.loads(p.stdout) if json_mode and p.stdout.strip() else p.stdout), p.stderr


def ok(db, *args, now):
    rc, out, err = bankctl(db, *args, now=now)
    assert rc == 0, (args, out, err)
    return out


def refused(db, code, *args, now):
    rc, out, err = bankctl(db, *args, now=now)
    assert rc == 1, (args, out, err)
    assert out["error"]["code"] == code, out
    assert out["error"]["message"], out
    return out["error"]["message"]


@pytest.fixture
def bank(tmp_path):
    """A bank on 2026-03-01 with a 5% daily-compounding product and 1,000.00 in an account."""
    db = tmp_path / "bank.db"
    t0 = "2026-03-01T09:00:00Z"
    ok(db, "init", now=t0)
    ok(db, "branch", "add", "HQ", "Head Office", now=t0)
    ok(db, "product", "add", "DAILY", "Daily", "--kind", "savings", "--currency", "USD", "--rate", "5",
       "--compounding", "daily", now=t0)
    ok(db, "customer", "add", "--name", "Ada", now=t0)
    number = ok(db, "account", "open", "--customer", "1", "--product", "DAILY", "--branch", "HQ", now=t0)["number"]
    ok(db, "deposit", number, "1000", now="2026-03-01T10:00:00Z")
    return db, number


def test_product_conventions(bank):
    db, _ = bank
    t = "2026-03-01T11:00:00Z"
    p = ok(db, "product", "add", "Q", "Quarterly", "--kind", "savings", "--currency", "USD", "--rate", "6",
           "--day-count", "act/360", "--balance-method", "average", "--compounding", "monthly",
           "--posting", "quarterly", "--min-interest-balance", "100", now=t)
    assert (p["day_count"], p["balance_method"], p["compounding"], p["posting"], p["min_interest_balance"]) == \
        ("act/360", "average", "monthly", "quarterly", "100.00")
    d = ok(db, "product", "show", "DAILY", now=t)
    assert (d["day_count"], d["compounding"], d["posting"]) == ("act/365", "daily", "monthly")
    d = ok(db, "product", "edit", "Q", "--day-count", "act/act", "--posting", "annual", now=t)
    assert (d["day_count"], d["posting"]) == ("act/act", "annual")
    for flag, value in (("--day-count", "30/360"), ("--balance-method", "minimum"), ("--compounding", "weekly"),
                        ("--posting", "daily"), ("--min-interest-balance", "-1")):
        refused(db, "invalid_argument", "product", "add", "BAD", "Bad", "--currency", "USD", flag, value, now=t)
    refused(db, "not_found", "product", "show", "BAD", now=t)


def test_run_show_golden(bank):
    db, number = bank
    r = ok(db, "interest", "run", "--as-of", "2026-03-01", now="2026-03-02T08:00:00Z")
    assert (r["as_of"], r["accounts"], r["days"], r["postings"]) == ("2026-03-01", 1, 1, 0)
    period = ok(db, "interest", "show", number, now="2026-03-02T08:00:00Z")["periods"][0]
    assert period["accrued"].startswith("0.136986301") and period["posted"] is False
    r = ok(db, "interest", "run", "--as-of", "2026-03-31", now="2026-04-01T08:00:00Z")
    assert (r["accounts"], r["days"], r["postings"]) == (1, 30, 1)
    t = ok(db, "interest", "show", number, now="2026-04-01T08:00:00Z")
    p = t["periods"][0]
    assert p["accrued"].startswith("4.255312748") and p["posted_amount"] == "4.26" and p["days"] == 31
    assert p["transfer"] == f"int-{number}-2026-03-31"
    assert ok(db, "balance", number, now="2026-04-01T08:00:00Z")["balance"] == "1004.26"
    stmt = ok(db, "statement", number, now="2026-04-01T08:00:00Z")
    assert stmt["entries"][-1]["kind"] == "interest"
    # twice: nothing more; before the last run: refused
    r = ok(db, "interest", "run", "--as-of", "2026-03-31", now="2026-04-01T09:00:00Z")
    assert (r["accounts"], r["postings"]) == (0, 0)
    assert "2026-03-31" in refused(db, "invalid_argument", "interest", "run", "--as-of", "2026-03-30",
                                   now="2026-04-01T09:00:00Z")
    refused(db, "invalid_argument", "interest", "run", "--as-of", "2026-04-01", now="2026-04-01T09:00:00Z")
    assert ok(db, "balance", number, now="2026-04-01T09:00:00Z")["balance"] == "1004.26"
    rc, out, _ = bankctl(db, "interest", "show", number, now="2026-04-01T09:00:00Z", json_mode=False)
    assert rc == 0 and "4.26" in out and "(open)" in out


def test_rates_apy_project(bank):
    db, number = bank
    t = "2026-03-01T11:00:00Z"
    ok(db, "product", "add", "SIX", "Six", "--kind", "savings", "--currency", "USD", "--rate", "6", now=t)
    assert ok(db, "product", "apy", "SIX", now=t)["apy"] == "6.17"
    assert ok(db, "product", "apy", "DAILY", now=t)["apy"] == "5.13"
    rc, out, _ = bankctl(db, "product", "apy", "SIX", now=t, json_mode=False)
    assert rc == 0 and "6.17" in out
    s = ok(db, "product", "rate", "DAILY", "4", "--from", "2026-03-16", now=t)
    assert [(e["from"], e["rate"]) for e in s["rates"]] == [("2026-03-01", "5"), ("2026-03-16", "4")]
    refused(db, "invalid_argument", "product", "rate", "DAILY", "-1", "--from", "2026-04-01", now=t)
    refused(db, "not_found", "product", "rate", "NOPE", "1", "--from", "2026-04-01", now=t)
    p = ok(db, "interest", "project", number, "--days", "1", now=t)
    assert p["interest"] == "0.14" and p["exact"].startswith("0.136986301")
    refused(db, "invalid_argument", "interest", "project", number, "--days", "0", now=t)
    ok(db, "interest", "run", "--as-of", "2026-03-31", now="2026-04-01T08:00:00Z")
    p = ok(db, "interest", "show", number, now="2026-04-01T08:00:00Z")["periods"][0]
    assert p["rates"] == "5 from 2026-03-01; 4 from 2026-03-16"
    refused(db, "invalid_argument", "product", "rate", "DAILY", "3", "--from", "2026-03-20",
            now="2026-04-01T08:00:00Z")


def test_settle_then_close(bank):
    db, number = bank
    t = "2026-03-16T10:00:00Z"
    msg = refused(db, "invalid_argument", "account", "close", number, "--reason", "moving", now=t)
    assert "1002.06" in msg  # fifteen days of interest included
    assert ok(db, "balance", number, now=t)["balance"] == "1000.00"  # the refusal posted nothing
    tr = ok(db, "interest", "settle", number, now=t)
    assert tr["kind"] == "interest" and tr["amount"] == "2.06" and tr["id"] == f"int-{number}-2026-03-15"
    assert ok(db, "interest", "settle", number, now=t)["transfer"] is None
    ok(db, "withdraw", number, "1002.06", now=t)
    assert ok(db, "account", "close", number, "--reason", "moving", now=t)["status"] == "closed"
    refused(db, "account_closed", "interest", "settle", number, now=t)
    assert ok(db, "verify", now=t)
