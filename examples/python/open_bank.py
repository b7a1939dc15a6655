#!/usr/bin/python3
"""Open (or create) a bank file and set up a branch and two products.

usage: open_bank.py [BANK.db]      (default: demo.db in the current directory)

Run it again: what exists already is reported, not duplicated.
"""

import sys

import libbank

path = sys.argv[1] if len(sys.argv) > 1 else "demo.db"

with libbank.open(path) as bank:  # creates the file and its schema on first use
    try:
        bank.add_branch("HQ", "Head office", "1 Main Street, Springfield")
    except libbank.AlreadyExists:
        print("branch HQ exists already")
    try:
        bank.add_product("CHK", "Everyday checking", "USD", kind="current", overdraft="250.00")
    except libbank.AlreadyExists:
        print("product CHK exists already")
    try:
        bank.add_product("SAV", "Easy saver", "USD", kind="savings", min_balance=10, rate="2.5",
                         compounding="daily")
    except libbank.AlreadyExists:
        print("product SAV exists already")

    for p in bank.products():
        print(f"{p.code:4} {p.name:18} {p.kind:8} {p.currency} rate {p.rate}%  "
              f"min {p.min_balance}  overdraft {p.overdraft}")
