#!/usr/bin/python3
"""Print an account's statement (every account of the last customer if none is named).

usage: statement.py [BANK.db] [ACCOUNT]
"""

import sys

import libbank

path = sys.argv[1] if len(sys.argv) > 1 else "demo.db"

with libbank.open(path, create=False) as bank:
    if len(sys.argv) > 2:
        numbers = [sys.argv[2]]
    else:
        numbers = [a.number for a in bank.accounts(bank.customers()[-1].id)]
    for number in numbers:
        st = bank.statement(number)  # an iterator: pages are read as it goes
        print(f"\nStatement of {st.account} ({st.currency}), opening balance {st.opening_balance}")
        for line in st:
            print(f"  {line.at:%Y-%m-%d %H:%M}  {line.kind:10} {line.amount:>12} {line.balance_after:>12}  "
                  f"{line.memo or ''}")
        print(f"  closing balance {st.closing_balance}")
