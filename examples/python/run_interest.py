#!/usr/bin/python3
"""Run interest over a simulated month, with an injected clock.

A harness owns time: the bank reads it from `clock`, so a month passes in a second.
1,000.00 at 5%, actual/365, compounding daily, accrues 4.255312748... in January and
posts 4.26 (rounded half to even, the remainder carried into February).

usage: run_interest.py
"""

import datetime as dt
from decimal import Decimal

import libbank

now = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.timezone.utc)

with libbank.open(":memory:", clock=lambda: now) as bank:
    bank.add_branch("HQ", "Head office")
    bank.add_product("SAV", "Easy saver", "USD", rate="5", compounding="daily")
    saver = bank.add_customer("Sam Saver")
    account = bank.open_account(saver.id, "SAV", "HQ").number
    bank.deposit(account, "1000.00")
    print("APY disclosed:", bank.apy("SAV"), "%")
    print("projected for 31 days:", bank.interest_projection(account, 31).quantize(Decimal("1E-9")))

    now = dt.datetime(2026, 2, 1, 2, 0, tzinfo=dt.timezone.utc)  # a month later
    run = bank.interest_run(dt.date(2026, 1, 31))  # days that are over, for every account
    print(f"run as of {run.as_of}: {run.accounts} account(s), {run.days} day(s), {run.postings} posting(s)")
    assert bank.interest_run(dt.date(2026, 1, 31)).postings == 0  # running it again changes nothing

    for p in bank.interest_table(account).periods:
        if p.days == 0:
            continue  # February has only begun
        print(f"  {p.start}..{p.end}: {p.days} days at {p.rates}%, accrued {p.accrued:.9f}, "
              f"posted {p.posted if p.posted is not None else '(open)'}")
    print("balance:", bank.balance(account).balance)
