#!/usr/bin/python3
"""Move money: deposits, a transfer with an idempotency key, a replay, a batch, a hold.

usage: move_money.py [BANK.db]      (run open_bank.py and onboard_customer.py first)
"""

import sys
import uuid
from decimal import Decimal

import libbank

path = sys.argv[1] if len(sys.argv) > 1 else "demo.db"

with libbank.open(path, create=False) as bank:
    customer = bank.customers()[-1]
    accounts = {a.product: a.number for a in bank.accounts(customer.id)}
    checking, savings = accounts["CHK"], accounts["SAV"]

    bank.deposit(checking, Decimal("1500.00"), memo="salary")
    print("after the deposit:", bank.balance(checking))

    # An id makes a request safe to retry: the replay returns the original, posts nothing.
    key = f"rent-{uuid.uuid4()}"
    first = bank.transfer(checking, savings, "300", id=key, memo="to savings")
    again = bank.transfer(checking, savings, "300", id=key, memo="to savings")
    print(f"transfer {first.id}: {first.status}; retried: {again.status}; amount {again.amount} {again.currency}")

    try:
        bank.withdraw(savings, 1_000_000)
    except libbank.InsufficientFunds as e:
        print("refused:", e.message)

    # One commit for many transfers; items fail on their own, linked ones together.
    results = bank.transfer_batch([
        libbank.TransferRequest(checking, savings, "10.00"),
        libbank.TransferRequest(checking, savings, "20.00", linked=True),
        libbank.TransferRequest(savings, checking, "5000.00"),  # fails, and takes the item above with it
        {"debit": None, "credit": checking, "amount": 42},  # a deposit
    ])
    for r in results:
        if r.error is not None:
            print(f"  batch item: {r.status:8} {r.error.code}")
        elif r.transfer is not None:
            print(f"  batch item: {r.status:8} {r.transfer.id}")

    # A card authorisation: hold now, post part of it later, the rest is released.
    hold = bank.hold(checking, "80.00", expires_in=3600, memo="card auth")
    print("held:", hold.amount, "available now", bank.balance(checking).available)
    posted = bank.post(hold.id, "64.99")
    print("posted:", posted.amount, "balance", bank.balance(checking).balance)

    report = bank.verify()
    print(f"verify: ok={report.ok} ({report.accounts_checked} accounts, {report.transfers_checked} transfers)")
