"""A hypothesis state machine over the ledger.

Random deposits, withdrawals, transfers, batches (with linked chains), holds, posts,
voids, expiries, reversals, replays, conflicting ids, clock jumps and interest runs
across accounts in three currencies (USD, EUR, JPY: exponents 2, 2 and 0) and three
kinds of product (a current account with an overdraft, a savings account with a
minimum balance and interest, a plain one). A model predicts each call's outcome and
every balance; after every step:

  - money is conserved: per currency, debits equal credits (trial balance) and customer
    money equals what came in through the cash vaults plus the interest paid;
  - every balance is the model's, and none is below what its product allows
    (balance - holds >= -overdraft always; available >= 0 after a customer debit);
  - a replayed id returns the original and posts nothing, a reused id with other fields
    is a Conflict that changes nothing;
  - bank.verify() passes.

Interest (include/bank/interest.h) is in: interest runs for the days the clock has
passed, and the model takes the interest each account's interest table says was posted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Optional

import hypothesis.strategies as st
from hypothesis import HealthCheck, event, settings
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, precondition, rule

import libbank
from bankhelpers import Clock

T0 = dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.timezone.utc)


@dataclass
class Acct:
    number: str
    currency: str
    exp: int
    min_balance: int  # minor units
    overdraft: int
    balance: int = 0  # model, without interest
    holds: dict[str, int] = field(default_factory=dict)  # active hold id -> amount


@dataclass
class Hold:
    id: str
    account: str
    credit: Optional[str]
    amount: int
    expires_at: Optional[dt.datetime]


@dataclass
class Done:
    """A succeeded movement with a client id: replayable, maybe reversible."""

    kind: str
    args: tuple[Any, ...]
    id: str
    debit: Optional[str]  # customer accounts the movement debited / credited (None: internal)
    credit: Optional[str]
    amount: int


PRODUCTS = [
    # code, currency, kind, min_balance, overdraft, rate, compounding
    ("CHK", "USD", "current", "0", "50", "0", "monthly"),
    ("SAV", "USD", "savings", "10", "0", "5", "daily"),
    ("EURO", "EUR", "savings", "0", "0", "3.5", "monthly"),
    ("YEN", "JPY", "current", "0", "1000", "1", "monthly"),
]
OPEN = ["CHK", "CHK", "SAV", "EURO", "EURO", "YEN"]


class LedgerMachine(RuleBasedStateMachine):
    holds = Bundle("holds")
    done = Bundle("done")

    def __init__(self) -> None:
        super().__init__()
        self.clock = Clock(T0)
        self.hold_info: dict[str, Hold] = {}
        self.interest: dict[str, int] = {}  # account -> interest posted (minor units)
        self.bank = libbank.open(":memory:", clock=self.clock, id_seed=5)
        b = self.bank
        b.add_branch("HQ", "Head office")
        for code, cur, kind, mb, od, rate, comp in PRODUCTS:
            b.add_product(code, code, cur, kind=kind, min_balance=mb, overdraft=od, rate=rate, compounding=comp)  # type: ignore[arg-type]
        cust = b.add_customer("Model")
        self.accts: list[Acct] = []
        for code in OPEN:
            a = b.open_account(cust.id, code, "HQ")
            e = libbank.currency(a.currency).exponent
            self.accts.append(Acct(a.number, a.currency, e, libbank.to_minor(a.min_balance, a.currency),
                                   libbank.to_minor(a.overdraft, a.currency)))
        for a in self.accts:
            self._ok_deposit(a, 1000 * 10**a.exp)
        self.n = 0
        self.last_debited: Optional[Acct] = None
        self.cash_in: dict[str, int] = {}  # per currency: deposits - withdrawals (and their reversals)
        for a in self.accts:
            self.cash_in[a.currency] = self.cash_in.get(a.currency, 0) + a.balance

    def teardown(self) -> None:
        self.bank.close()

    # ---- helpers ----

    def _id(self, tag: str) -> str:
        self.n += 1
        return f"{tag}-{self.n}"

    def _by_number(self, n: Optional[str]) -> Optional[Acct]:
        return next((a for a in self.accts if a.number == n), None)

    def _expire(self) -> None:
        """Holds whose time has passed are no longer active (libbank releases them on touch)."""
        for a in self.accts:
            for hid in list(a.holds):
                h = self.hold_info[hid]
                if h.expires_at is not None and self.clock.t >= h.expires_at:
                    del a.holds[hid]

    def _pending(self, a: Acct) -> int:
        return sum(a.holds.values())

    def _available(self, a: Acct) -> int:
        return a.balance + self._interest(a) - self._pending(a) - a.min_balance + a.overdraft

    def _interest(self, a: Acct) -> int:
        return self.interest.get(a.number, 0)

    def _amount(self, a: Acct, minor: int, form: int) -> libbank.Amount:
        d = Decimal(minor).scaleb(-a.exp)
        if form == 0:
            return d
        if form == 1:
            return format(d, "f")
        if minor % 10**a.exp == 0:
            return minor // 10**a.exp
        return d

    def _ok_deposit(self, a: Acct, minor: int) -> None:
        t = self.bank.deposit(a.number, Decimal(minor).scaleb(-a.exp), id=f"fund-{a.number}")
        assert t.status == "created"
        a.balance += minor

    # ---- rules ----

    @rule(target=done, i=st.integers(0, 5), minor=st.integers(1, 300000), form=st.integers(0, 2))
    def deposit(self, i: int, minor: int, form: int):  # type: ignore[no-untyped-def]
        a = self.accts[i]
        self._expire()
        tid = self._id("dep")
        amount = self._amount(a, minor, form)
        t = self.bank.deposit(a.number, amount, id=tid)
        assert t.status == "created" and t.amount == Decimal(minor).scaleb(-a.exp) and t.currency == a.currency
        a.balance += minor
        self.cash_in[a.currency] += minor
        return Done("deposit", (a.number, amount), tid, None, a.number, minor)

    @rule(target=done, i=st.integers(0, 5), minor=st.integers(1, 300000), form=st.integers(0, 2))
    def withdraw(self, i: int, minor: int, form: int):  # type: ignore[no-untyped-def]
        a = self.accts[i]
        self._expire()
        tid = self._id("wd")
        amount = self._amount(a, minor, form)
        if minor > self._available(a):
            self._refused(libbank.InsufficientFunds, self.bank.withdraw, a.number, amount, id=tid)
            return Done("none", (), tid, None, None, 0)
        t = self.bank.withdraw(a.number, amount, id=tid)
        assert t.status == "created"
        a.balance -= minor
        self.cash_in[a.currency] -= minor
        self.last_debited = a
        return Done("withdraw", (a.number, amount), tid, a.number, None, minor)

    @rule(target=done, i=st.integers(0, 5), j=st.integers(0, 5), minor=st.integers(1, 300000), form=st.integers(0, 2))
    def transfer(self, i: int, j: int, minor: int, form: int):  # type: ignore[no-untyped-def]
        a, c = self.accts[i], self.accts[j]
        self._expire()
        tid = self._id("tr")
        amount = self._amount(a, minor, form)
        if i == j:
            self._refused(libbank.InvalidArgument, self.bank.transfer, a.number, c.number, amount, id=tid)
        elif a.currency != c.currency:
            self._refused(libbank.CurrencyMismatch, self.bank.transfer, a.number, c.number, amount, id=tid)
        elif minor > self._available(a):
            self._refused(libbank.InsufficientFunds, self.bank.transfer, a.number, c.number, amount, id=tid)
        else:
            t = self.bank.transfer(a.number, c.number, amount, id=tid)
            assert t.status == "created" and (t.debit, t.credit) == (a.number, c.number)
            a.balance -= minor
            c.balance += minor
            self.last_debited = a
            return Done("transfer", (a.number, c.number, amount), tid, a.number, c.number, minor)
        return Done("none", (), tid, None, None, 0)

    @rule(i=st.integers(0, 5), extra=st.integers(1, 9))
    def too_many_decimals(self, i: int, extra: int) -> None:
        a = self.accts[i]
        amount = Decimal(10 * extra + 1).scaleb(-(a.exp + 1))  # one decimal more than allowed
        self._refused(libbank.InvalidArgument, self.bank.deposit, a.number, amount)
        self._refused(libbank.InvalidArgument, self.bank.withdraw, a.number, format(amount, "f"))

    @rule(i=st.integers(0, 5))
    def float_and_bool_refused(self, i: int) -> None:
        a = self.accts[i]
        self._refused(TypeError, self.bank.deposit, a.number, 1.0)
        self._refused(TypeError, self.bank.transfer, a.number, self.accts[0].number, True)

    @rule(d=done)
    def replay(self, d: Done) -> None:
        if d.kind == "none":
            return
        fn = {"deposit": self.bank.deposit, "withdraw": self.bank.withdraw, "transfer": self.bank.transfer}[d.kind]
        before = self._balances()
        t = fn(*d.args, id=d.id)
        assert t.status == "exists" and t.id == d.id
        assert self._balances() == before, "a replay posted something"

    @rule(d=done)
    def conflict(self, d: Done) -> None:
        if d.kind == "none":
            return
        fn = {"deposit": self.bank.deposit, "withdraw": self.bank.withdraw, "transfer": self.bank.transfer}[d.kind]
        other = d.args[:-1] + (Decimal(d.args[-1]) + 1,)
        self._refused(libbank.Conflict, fn, *other, id=d.id)

    @rule(d=consumes(done))
    def reverse(self, d: Done) -> None:
        if d.kind == "none":
            return
        self._expire()
        # The reversal debits what the original credited: a customer account is
        # funds-checked against balance - holds + overdraft (not the minimum balance).
        debit = self._by_number(d.credit)
        credit = self._by_number(d.debit)
        rid = self._id("rev")
        if debit is not None and d.amount > debit.balance + self._interest(debit) - self._pending(debit) + debit.overdraft:
            event("reversal refused: funds")
            self._refused(libbank.InsufficientFunds, self.bank.reverse, d.id, id=rid)
            return
        event(f"reversal of a {d.kind}")
        r = self.bank.reverse(d.id, id=rid)
        assert r.kind == "reversal" and r.ref == d.id
        if debit is not None:
            debit.balance -= d.amount
        if credit is not None:
            credit.balance += d.amount
        cur = (debit or credit).currency  # type: ignore[union-attr]
        if d.kind == "deposit":
            self.cash_in[cur] -= d.amount
        elif d.kind == "withdraw":
            self.cash_in[cur] += d.amount
        assert self.bank.reverse(d.id, id=rid).status == "exists"

    @rule(target=holds, i=st.integers(0, 5), to=st.integers(-1, 5), minor=st.integers(1, 200000),
          expires=st.one_of(st.none(), st.integers(1, 600)))
    def hold(self, i: int, to: int, minor: int, expires: Optional[int]):  # type: ignore[no-untyped-def]
        a = self.accts[i]
        self._expire()
        credit = self.accts[to] if to >= 0 and to != i and self.accts[to].currency == a.currency else None
        hid = self._id("hold")
        secs = None if expires is None else expires * 60 + 30  # never on a minute the clock lands on
        amount = Decimal(minor).scaleb(-a.exp)
        if minor > self._available(a):
            self._refused(libbank.InsufficientFunds, self.bank.hold, a.number, amount,
                          credit=credit.number if credit else None, expires_in=secs, id=hid)
            return multiple_none()
        t = self.bank.hold(a.number, amount, credit=credit.number if credit else None, expires_in=secs, id=hid)
        assert t.pending and t.hold_status == "active"
        a.holds[hid] = minor
        self.last_debited = a
        h = Hold(hid, a.number, credit.number if credit else None, minor,
                 None if secs is None else self.clock.t + dt.timedelta(seconds=secs))
        self.hold_info[hid] = h
        return h

    @rule(h=consumes(holds), part=st.integers(0, 100))
    def post(self, h: Hold, part: int) -> None:
        self._expire()
        a = self._by_number(h.account)
        assert a is not None
        minor = max(1, h.amount * part // 100)
        amount = None if part == 100 else Decimal(minor).scaleb(-a.exp)
        if h.id not in a.holds:
            event("post of an expired hold refused")
            self._refused(libbank.InvalidArgument, self.bank.post, h.id, amount)
            return
        event("hold posted" + (" to an account" if h.credit else " to suspense"))
        p = self.bank.post(h.id, amount, id=self._id("post"))
        moved = h.amount if amount is None else minor
        assert p.kind == "post" and p.amount == Decimal(moved).scaleb(-a.exp)
        del a.holds[h.id]
        a.balance -= moved
        c = self._by_number(h.credit)
        if c is not None:
            c.balance += moved

    @rule(h=consumes(holds))
    def void(self, h: Hold) -> None:
        self._expire()
        a = self._by_number(h.account)
        assert a is not None
        if h.id not in a.holds:
            self._refused(libbank.InvalidArgument, self.bank.void, h.id)
            return
        v = self.bank.void(h.id)
        assert v.kind == "void" and v.ref == h.id
        del a.holds[h.id]

    @rule(items=st.lists(st.tuples(st.integers(-1, 5), st.integers(-1, 5), st.integers(1, 200000), st.booleans(),
                                   st.integers(0, 9).map(lambda x: x == 0)), min_size=1, max_size=6))
    def batch(self, items: list[tuple[int, int, int, bool, bool]]) -> None:
        self._expire()
        reqs = []
        for d, c, minor, linked, bad in items:
            if d < 0 and c < 0:
                c = 0
            acct = self.accts[d] if d >= 0 else self.accts[c]
            amount: libbank.Amount = Decimal(minor).scaleb(-acct.exp)
            if bad:
                amount = Decimal(minor * 10 + 1).scaleb(-(acct.exp + 1))
            reqs.append(libbank.TransferRequest(
                self.accts[d].number if d >= 0 else None, self.accts[c].number if c >= 0 else None,
                amount, id=self._id("b"), linked=linked))
        # The model, chain by chain: a chain is applied to a copy and kept only if whole.
        expected: list[Any] = []
        bal = {a.number: a.balance for a in self.accts}
        cash = dict(self.cash_in)
        i = 0
        while i < len(items):
            j = i
            while j < len(items) - 1 and items[j][3]:
                j += 1
            chain = range(i, j + 1)
            open_end = items[j][3]  # the last item still linked: a chain left open fails whole
            trial, tcash, causes, failed = dict(bal), dict(cash), {}, None
            for k in chain:
                d, c, minor, _, bad = items[k]
                if d < 0 and c < 0:
                    c = 0
                da = self.accts[d] if d >= 0 else None
                ca = self.accts[c] if c >= 0 else None
                cause: Optional[tuple[type, ...]] = None
                if bad:
                    cause = (libbank.InvalidArgument,)
                elif da is not None and ca is not None and da is ca:
                    cause = (libbank.InvalidArgument,)
                elif da is not None and ca is not None and da.currency != ca.currency:
                    cause = (libbank.CurrencyMismatch,)
                elif da is not None and minor > trial[da.number] + self._interest(da) - self._pending(da) - da.min_balance + da.overdraft:
                    cause = (libbank.InsufficientFunds,)
                if cause is not None:
                    causes[k] = cause
                    failed = k
                    break
                if da is not None:
                    trial[da.number] -= minor
                else:
                    tcash[ca.currency] += minor  # type: ignore[union-attr]
                if ca is not None:
                    trial[ca.number] += minor
                else:
                    tcash[da.currency] -= minor  # type: ignore[union-attr]
            if failed is None and open_end:
                failed = -1
            if failed is None:
                bal, cash = trial, tcash
                expected += ["created"] * len(chain)
            else:
                for k in chain:
                    expected.append(causes.get(k, (libbank.InvalidArgument,)))
            i = j + 1
        event("batch with a failed chain" if any(e != "created" for e in expected) else "batch all created")
        res = self.bank.transfer_batch(reqs)
        assert len(res) == len(reqs)
        for r, e in zip(res, expected):
            if e == "created":
                assert r.status == "created" and r.error is None, (r, e)
            else:
                assert r.status == "failed" and isinstance(r.error, e), (r, e)
        for a in self.accts:
            a.balance = bal[a.number]
        self.cash_in = cash

    @rule(minutes=st.integers(1, 120))
    def tick(self, minutes: int) -> None:
        self.clock.advance(minutes=minutes)
        self._expire()

    @rule(days=st.integers(1, 45))
    def next_days(self, days: int) -> None:
        self.clock.advance(days=days)
        self._expire()

    @precondition(lambda self: self.clock.t.date() > T0.date())
    @rule()
    def interest_run(self) -> None:
        as_of = self.bank.date_of(self.bank.now()) - dt.timedelta(days=1)
        before = self._balances()
        run = self.bank.interest_run(as_of)
        assert run.as_of == as_of
        event(f"interest run: {'posted' if run.postings else 'accrued only'}")
        again = self.bank.interest_run(as_of)
        assert (again.days, again.postings) == (0, 0), "a repeated run changed something"
        self._absorb_interest()
        after = self._balances()
        for n, v in after.items():
            assert v >= before[n], "interest lowered a balance"

    @rule(i=st.integers(0, 5))
    def settle(self, i: int) -> None:
        self.bank.interest_settle(self.accts[i].number)
        self._absorb_interest()

    # ---- checks ----

    def _absorb_interest(self) -> None:
        for a in self.accts:
            tbl = self.bank.interest_table(a.number)
            self.interest[a.number] = sum(
                libbank.to_minor(p.posted, a.currency) for p in tbl.periods if p.posted is not None
            )

    def _balances(self) -> dict[str, Decimal]:
        return {a.number: self.bank.balance(a.number).balance for a in self.accts}

    def _refused(self, exc: type[BaseException], fn: Any, *args: Any, **kw: Any) -> None:
        before = self._balances()
        try:
            fn(*args, **kw)
        except exc:
            pass
        else:
            raise AssertionError(f"{fn.__name__}{args} did not raise {exc.__name__}")
        assert self._balances() == before, f"refused {fn.__name__} changed a balance"

    @invariant()
    def balances_match_model(self) -> None:
        self._expire()
        for a in self.accts:
            bal = self.bank.balance(a.number)
            expect = a.balance + self._interest(a)
            assert bal.balance == Decimal(expect).scaleb(-a.exp), (a.number, bal, expect)
            assert bal.pending == Decimal(self._pending(a)).scaleb(-a.exp), (a.number, bal, a.holds)
            # No balance below what its product allows.
            assert expect - self._pending(a) + a.overdraft >= 0
        if self.last_debited is not None:
            assert self.bank.balance(self.last_debited.number).available >= 0
            self.last_debited = None

    @invariant()
    def money_conserved(self) -> None:
        tb = self.bank.trial_balance()
        assert tb.balanced, tb.totals
        internal = self.bank.accounts(internal=True)
        for cur in ("USD", "EUR", "JPY"):
            customers = sum(a.balance for a in internal if a.kind == "customer" and a.currency == cur)
            cash = sum(a.balance for a in internal if a.kind == "cash" and a.currency == cur)
            expense = sum(a.balance for a in internal if a.kind == "interest_expense" and a.currency == cur)
            suspense = sum(a.balance for a in internal if a.kind == "suspense" and a.currency == cur)
            assert customers + suspense == cash + expense, cur
            exp = libbank.currency(cur).exponent
            assert cash == Decimal(self.cash_in[cur]).scaleb(-exp), cur
            paid = sum(self._interest(a) for a in self.accts if a.currency == cur)
            assert expense == Decimal(paid).scaleb(-exp), cur

    @invariant()
    def verified(self) -> None:
        assert self.bank.verify().ok


def multiple_none():  # type: ignore[no-untyped-def]
    from hypothesis.stateful import multiple

    return multiple()


LedgerMachine.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestLedger = LedgerMachine.TestCase
