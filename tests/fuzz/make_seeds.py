#!/usr/bin/env python3
"""make_seeds.py: writes the hand-made seed inputs of tests/fuzz/corpus/ (run once; the
files are committed). Crash reproducers found later are added next to them by hand."""
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))


def put(harness, name, data):
    d = os.path.join(here, 'corpus', harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


# ---- amount: byte 0 picks the currency (255: unknown), the rest is the text ----
amounts = [b'12.50', b'0', b'1000', b'0.125', b'9223372036854775807', b'92233720368547758.07',
           b'12.345', b'007.10', b'-1', b'+1', b'1e3', b'1,234.50', b'.5', b'5.', b'', b'12.5',
           b'\x00\x00\x00\x00\x00\x00\x00\x01', b'\xff\xff\xff\xff\xff\xff\xff\xff', b'2.5', b'1000.000000']
for i, a in enumerate(amounts):
    put('amount', 'seed-%02d' % i, bytes([(i * 37) % 256 if i % 7 else 255]) + a)

# ---- account_number: the text (also tried as a transfer id) ----
def number(base):
    cd = 98 - (base * 100) % 97
    return b'%010d%02d' % (base, cd)

for i, t in enumerate([number(1234567890), number(0), number(9999999999), b'000000000001',
                       b'123456789012', b'12345678901', b'1234567890123', b'abcdefghijkl',
                       b'12345678901 ', b'0x1234567890', b'k17-3.2', b'a' * 64, b'a' * 65,
                       b'with space', b'\x7f\x80']):
    put('account_number', 'seed-%02d' % i, t)

# ---- api: op bytes as fuzz_api.c decodes them ----
# Ops (first byte % 24): 0-1 deposit, 2 withdraw, 3-5 transfer, 6-7 hold, 8 post, 9 void,
# 10 reverse, 11-12 batch, 13 freeze, 14 unfreeze, 15 close, 16 product edit, 17 clock,
# 18 sweep, 19 interest run, 20 settle, 21 reads, 22-23 replay.
# Accounts: 0..11 -> A(v%4), 12 cash, 13 bad digits, 14 unknown, 15 NULL.
# Amounts: v%32: 0 -> 0, 1 -> -1, 2 -> max, 3 -> 2^62, else (v/4+1)*(1+next%100).
# Ids: v%16 < 12 -> "t<v%16>", else NULL.
def amt(v, m):
    return bytes([v, m])

DEP, WDR, XFER, HOLD, POST, VOID, REV, BATCH = 0, 2, 3, 6, 8, 9, 10, 11
FREEZE, UNFREEZE, CLOSE, PEDIT, CLOCK, SWEEP, INT, SETTLE, READS, REPLAY = 13, 14, 15, 16, 17, 18, 19, 20, 21, 22
seqs = {
    'movements': [DEP, 0] + list(amt(40, 9)) + [1,
                  WDR, 1] + list(amt(20, 3)) + [2,
                  XFER, 0, 1] + list(amt(60, 5)) + [3,
                  XFER, 3, 0] + list(amt(8, 1)) + [4,   # EUR -> USD: currency mismatch
                  REPLAY, READS, 0, 1, 2, 0],
    'holds': [HOLD, 0, 1, 0] + list(amt(80, 2)) + [0, 5,
              POST, 5, 1, 6,
              HOLD, 1, 1] + list(amt(12, 2)) + [1, 30, 7,
              VOID, 7, 8,
              HOLD, 0, 0, 2] + list(amt(16, 1)) + [1, 10, 9,
              CLOCK, 0, 2, SWEEP, POST, 9, 0, 10],
    'reversal': [XFER, 0, 1] + list(amt(44, 7)) + [1, REV, 1, 2, REV, 1, 3, REPLAY, WDR, 1] + list(amt(252, 99)) + [4],
    'batch': [BATCH, 3, 2, 0, 1] + list(amt(20, 2)) + [1, 0,
              2, 1, 2] + list(amt(24, 2)) + [2, 0,
              2, 0, 2] + list(amt(2, 0)) + [3, 0,
              0, 0, 3] + list(amt(8, 1)) + [4, 0],
    'freeze-close': [FREEZE, 1, 2, DEP, 1] + list(amt(8, 1)) + [5, UNFREEZE, 1, DEP, 1] + list(amt(8, 1)) + [5,
                     CLOSE, 2, 1, CLOSE, 1, 1, XFER, 2, 0] + list(amt(8, 1)) + [6],
    'interest': [CLOCK, 3, 200, CLOCK, 3, 200, INT, 0, SETTLE, 0, CLOCK, 3, 100, INT, 1, READS, 0, 0, 3, 0],
    'edges': [DEP, 0, 2, 0, 1, DEP, 0, 3, 0, 2, WDR, 0, 1, 0, 3, XFER, 13, 0] + list(amt(8, 1)) + [4,
              XFER, 14, 0] + list(amt(8, 1)) + [5, XFER, 12, 0] + list(amt(8, 1)) + [6,
              PEDIT, 50, 0, 0, 0, PEDIT, 0, 50, 1, 1, WDR, 2] + list(amt(200, 60)) + [7],
}
for name, ops in seqs.items():
    put('api', name, bytes(ops))

# ---- bankctl: arguments separated by NUL (after "bankctl --db :memory:") ----
cmds = [
    ['init'],
    ['--json', 'branch', 'add', 'HQ', 'Head Office', '--address', '1 Main St'],
    ['product', 'add', 'SAV', 'Savings', '--currency', 'USD', '--rate', '2.5', '--min-balance', '10.00'],
    ['customer', 'add', '--name', 'Ada Lovelace', '--email', 'ada@example.com', '--dob', '1815-12-10'],
    ['account', 'open', '--customer', '1', '--product', 'SAV', '--branch', 'HQ'],
    ['deposit', '123456789012', '12.50', '--id', 'd-1', '--memo', 'cash'],
    ['transfer', '000000000001', '000000000001', '1.00'],
    ['hold', '000000000001', '5.00', '--expires-in', '60', '--credit', '000000000001'],
    ['hold', 'post', 'h-1', '2.00', '--id', 'p-1'],
    ['statement', '000000000001', '--from', '2026-01-01', '--to', '2026-12-31', '--limit', '10'],
    ['audit', '--object', 'account:000000000001', '--after', '0', '--limit', '5'],
    ['--json', 'verify'],
    ['trial-balance'],
    ['--help'],
    ['--version'],
    ['account', 'list', '--all'],
    ['customer', 'edit', '1', '--name', ''],
    ['product', 'edit', 'SAV', '--rate', '1000.000001'],
    ['withdraw', '000000000001', '-1'],
    ['reverse', 't-1', '--id'],
    ['--json', 'statement', '000000000001', '--all', '--from', '2026-01-01'],
]
for i, c in enumerate(cmds):
    put('bankctl', 'seed-%02d' % i, b'\0'.join(a.encode() for a in c))

print('seeds written under', os.path.join(here, 'corpus'))
