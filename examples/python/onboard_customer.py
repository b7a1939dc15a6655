#!/usr/bin/python3
"""Onboard a customer: their details and address, then a checking and a savings account.

usage: onboard_customer.py [BANK.db] [NAME]      (run open_bank.py first)
"""

import datetime as dt
import sys

import libbank

path = sys.argv[1] if len(sys.argv) > 1 else "demo.db"
name = sys.argv[2] if len(sys.argv) > 2 else "Ada Lovelace"

with libbank.open(path, create=False) as bank:
    customer = bank.add_customer(
        name,
        dob=dt.date(1990, 12, 10),
        occupation="Engineer",
        income="85000",  # amounts are Decimal, str or int: never float
        email="ada@example.com",
        phone="+44 20 7946 0000",
        address=libbank.Address(line1="12 Analytical Row", city="London", postal_code="N1 9GU", country="GB"),
    )
    print(f"customer {customer.id}: {customer.name}, {customer.address.city if customer.address else '-'}")

    for product in ("CHK", "SAV"):
        account = bank.open_account(customer.id, product, "HQ")
        print(f"  opened {account.number} ({product}, {account.currency})")

    try:
        bank.add_customer(name, email="not-an-email")
    except libbank.InvalidArgument as e:  # every failure is an exception with a stable code
        print(f"refused as expected: {e.code}: {e.message}")
