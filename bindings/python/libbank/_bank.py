"""The Bank: one open libbank handle and every call on it."""

from __future__ import annotations

import datetime as _dt
import os
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any, Literal, Optional, Union

from . import _libbank as _c
from ._errors import Corrupt, Error, InvalidArgument, Misuse, make
from ._money import Amount, from_minor, rate_to_units, to_minor, to_text
from ._records import (
    Account,
    AccountEdit,
    Address,
    AuditEntry,
    Balance,
    BatchResult,
    Branch,
    CheckpointInfo,
    Customer,
    Product,
    StatementEntry,
    Transfer,
    InterestRun,
    InterestTable,
    RateEntry,
    TransferRequest,
    TrialBalance,
    VerifyReport,
    accrual_from_c,
    batch_failed,
    batch_ok,
    date_from_c,
    date_to_c,
    time_from_c,
    time_to_c,
)

__all__ = ["Bank", "Statement", "AuditTrail", "open", "WAL_AUTOCHECKPOINT_OFF"]

#: What a clock may return: an aware datetime (naive ones are UTC) or int microseconds.
ClockValue = Union[_dt.datetime, int]
#: A time argument: a datetime (naive ones are UTC) or int microseconds since the epoch.
TimeArg = Union[_dt.datetime, int]

_DURABILITY = {"full": _c.BANK_DURABILITY_FULL, "normal": _c.BANK_DURABILITY_NORMAL}
_CHECKPOINT = {
    "passive": _c.BANK_CHECKPOINT_PASSIVE,
    "full": _c.BANK_CHECKPOINT_FULL,
    "restart": _c.BANK_CHECKPOINT_RESTART,
    "truncate": _c.BANK_CHECKPOINT_TRUNCATE,
}
WAL_AUTOCHECKPOINT_OFF: int = _c.BANK_WAL_AUTOCHECKPOINT_OFF
"""``wal_autocheckpoint`` of :func:`open`: commits never checkpoint; the program calls
:meth:`Bank.checkpoint` itself."""
_FREEZE = {
    "debits": _c.BANK_FREEZE_DEBITS,
    "credits": _c.BANK_FREEZE_CREDITS,
    "both": _c.BANK_FREEZE_BOTH,
}
_ACCOUNT_KINDS = {
    _c.bank_account_kind_name(k): k
    for k in (
        _c.BANK_ACCOUNT_CUSTOMER, _c.BANK_ACCOUNT_CASH, _c.BANK_ACCOUNT_INTEREST_EXPENSE,
        _c.BANK_ACCOUNT_FEE_INCOME, _c.BANK_ACCOUNT_SUSPENSE,
    )
}


def _seconds(v: Union[int, _dt.timedelta, None], what: str) -> int:
    if v is None:
        return 0
    if isinstance(v, _dt.timedelta):
        return int(v.total_seconds())
    if isinstance(v, bool) or not isinstance(v, int):
        raise TypeError(f"{what} must be int seconds or a timedelta, not {type(v).__name__}")
    return v


def _str(v: object, what: str) -> Any:
    """Accounts, ids and codes are str; a wrong type is a TypeError before C sees it."""
    if v is not None and not isinstance(v, str):
        raise TypeError(f"{what} must be str, not {type(v).__name__}")
    return v


def open(  # noqa: A001 - the package's entry point, like io.open
    path: Union[str, os.PathLike[str]],
    *,
    durability: Literal["full", "normal"] = "full",
    busy_timeout_ms: int = 5000,
    timezone: Optional[str] = None,
    clock: Optional[Callable[[], ClockValue]] = None,
    id_seed: Optional[int] = None,
    create: bool = True,
    cache_size_kib: int = 0,
    wal_autocheckpoint: int = 0,
    mmap_size_mib: int = 0,
    statement_records: bool = False,
) -> Bank:
    """Opens (creating or migrating as needed) the bank at ``path``.

    Args:
        path: a file path (str or :class:`os.PathLike`, e.g. :class:`pathlib.Path`), or
            ``":memory:"`` for a private in-memory bank (one handle only; no WAL there).
        durability: ``"full"`` (fsync at every commit, the default) or ``"normal"``
            (WAL synchronous=NORMAL: a power cut may lose the last commits, never
            corrupts).
        busy_timeout_ms: how long to wait for another writer.
        timezone: the bank's time zone, ``"UTC"`` (the default), a fixed offset
            ``"+05:30"`` or a tz database name ``"Europe/London"``; business days are
            calendar days there.
        clock: for tests and harnesses, a callable returning the current time as an
            aware datetime or int microseconds since the epoch; None for the system
            clock. libbank never lets time run backwards on a handle. An exception in
            the clock is reported through ``sys.unraisablehook`` and the last good time
            is used.
        id_seed: seed of the deterministic generator of ids and account numbers (for
            reproducible runs), or None for random ones.
        create: False fails with NotFound instead of creating a missing file.
        cache_size_kib: the handle's page cache in KiB; 0 for the default, 32 MiB.
        wal_autocheckpoint: WAL pages after which a commit checkpoints; 0 for SQLite's
            default, 1,000. Larger values trade WAL disk space for fewer rewrites of hot
            pages (docs/performance.md, "Scale"). :data:`WAL_AUTOCHECKPOINT_OFF` (-1):
            commits never checkpoint, the program calls :meth:`Bank.checkpoint`.
        mmap_size_mib: how much of the database file to read through a memory map, in
            MiB; 0 (the default) for none. An I/O error while reading the map raises
            SIGBUS instead of IoError.
        statement_records: True keeps each account's posting records, so statement
            pages read about one row per 16 entries instead of one journal row per
            entry (faster pages, fewer transfers per second: docs/performance.md).
            Handles with either setting may share a file.

    Returns:
        A :class:`Bank`, also usable as a context manager.

    Raises:
        InvalidArgument: a bad option or unknown time zone.
        NotFound: a missing file with ``create=False``.
        Corrupt: not a libbank database, or one written by a newer libbank.
        Busy, IoError, OutOfMemory.
    """
    return Bank(
        path, durability=durability, busy_timeout_ms=busy_timeout_ms, timezone=timezone,
        clock=clock, id_seed=id_seed, create=create, cache_size_kib=cache_size_kib,
        wal_autocheckpoint=wal_autocheckpoint, mmap_size_mib=mmap_size_mib,
        statement_records=statement_records,
    )


class Bank:
    """An open bank: one libbank handle (one SQLite connection and its caches).

    Calls on one Bank are serialized by a lock, so sharing one between threads is safe,
    but libbank works best with one Bank per thread: the lock is released while C runs
    only for other Banks. Close it with :meth:`close` or a ``with`` block; a closed Bank
    raises :class:`libbank.Misuse` on use.

    Accounts are passed as their number (str); amounts as Decimal, str or int whole
    units (see :mod:`libbank`); money comes back as Decimal with the currency on the
    same record.
    """

    def __init__(
        self,
        path: Union[str, os.PathLike[str]],
        *,
        durability: Literal["full", "normal"] = "full",
        busy_timeout_ms: int = 5000,
        timezone: Optional[str] = None,
        clock: Optional[Callable[[], ClockValue]] = None,
        id_seed: Optional[int] = None,
        create: bool = True,
        cache_size_kib: int = 0,
        wal_autocheckpoint: int = 0,
        mmap_size_mib: int = 0,
        statement_records: bool = False,
    ) -> None:
        self._h: Any = None
        self._lock = threading.RLock()
        self._clock_capsule: Any = None
        # Account number -> currency code. An account's currency never changes (a product
        # change keeps it) and accounts are never deleted, so the cache cannot go stale.
        self._currency: dict[str, str] = {}
        if isinstance(path, os.PathLike):
            path = os.fspath(path)
        self.path = _str(path, "path")
        if durability not in _DURABILITY:
            raise InvalidArgument(f"durability must be 'full' or 'normal', not {durability!r}")
        opts = _c.bank_options_init(_c.BANK_OPTIONS_VERSION)
        opts["durability"] = _DURABILITY[durability]
        opts["busy_timeout_ms"] = busy_timeout_ms
        opts["timezone"] = _str(timezone, "timezone")
        opts["no_create"] = 0 if create else 1
        opts["cache_size_kib"] = cache_size_kib
        opts["wal_autocheckpoint"] = wal_autocheckpoint
        opts["mmap_size_mib"] = mmap_size_mib
        opts["statement_records"] = 1 if statement_records else 0
        if id_seed is not None:
            opts["id_seeded"] = 1
            opts["id_seed"] = id_seed & (2**64 - 1)
            if opts["id_seed"] >= 2**63:
                opts["id_seed"] -= 2**64  # the dict carries it as int64; C reads the bits
        if clock is not None:
            if not callable(clock):
                raise TypeError("clock must be callable")
            user_clock = clock
            first = time_to_c(user_clock(), "clock()")  # fail now, not inside libbank

            def tick() -> int:
                return time_to_c(user_clock(), "clock()")

            self._clock_capsule = _c.bank_py_clock_new(tick, first)
            opts["clock"] = self._clock_capsule
        self._h = _c.bank_open(path, opts)

    # ---- Lifecycle ----

    def close(self) -> None:
        """Closes the bank and frees everything it owns. Closing twice is a no-op."""
        with self._lock:
            h, self._h = self._h, None
            if h is not None:
                _c.bank_close(h)
            self._clock_capsule = None

    @property
    def closed(self) -> bool:
        """True once :meth:`close` has run."""
        return self._h is None

    def __enter__(self) -> Bank:
        self._handle()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_h", None) is not None:
            try:
                warnings.warn(f"unclosed {self!r}", ResourceWarning, stacklevel=2)
            finally:
                try:
                    self.close()
                except Exception:  # noqa: S110 - interpreter shutdown: modules may be gone
                    pass

    def __repr__(self) -> str:
        state = "closed" if self._h is None else "open"
        return f"<libbank.Bank {self.path!r} {state}>"

    def _handle(self) -> Any:
        h = self._h
        if h is None:
            raise Misuse("the bank is closed")
        return h

    def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        with self._lock:
            return fn(self._handle(), *args)

    # Each account's currency, looked up once per handle (callers hold the lock).
    def _account_currency(self, h: Any, number: Any) -> str:
        cur = self._currency.get(number)
        if cur is None:
            cur = _c.bank_account_get(h, _str(number, "account"))["currency"]
            self._currency[number] = cur
        return cur

    # ---- Handle ----

    def now(self) -> _dt.datetime:
        """The current time by the bank's clock, never earlier than the last it gave."""
        return time_from_c(self._call(_c.bank_now))

    @property
    def principal(self) -> str:
        """The name of the principal the bank acts as (``"system"`` for the system
        principal)."""
        return self._call(_c.bank_principal)  # type: ignore[no-any-return]

    def set_system_principal(self) -> None:
        """Makes the bank act as the system principal: the embedding program's own jobs."""
        self._call(_c.bank_principal_set_system)

    def date_start(self, day: _dt.date) -> _dt.datetime:
        """The first instant of ``day`` in the bank's time zone."""
        return time_from_c(self._call(_c.bank_date_start, date_to_c(day, "day")))

    def date_of(self, t: TimeArg) -> _dt.date:
        """The date in the bank's time zone that contains instant ``t``."""
        return date_from_c(self._call(_c.bank_date_of, time_to_c(t)))

    # ---- Branches ----

    def add_branch(self, code: str, name: str, address: Optional[str] = None) -> Branch:
        """Adds a branch.

        Raises InvalidArgument (bad code or name), AlreadyExists (code taken),
        PermissionDenied.
        """
        return Branch._from_c(self._call(_c.bank_branch_add, code, name, address))

    def branch(self, code: str) -> Branch:
        """The branch with ``code``. Raises NotFound, InvalidArgument."""
        return Branch._from_c(self._call(_c.bank_branch_get, code))

    def branches(self) -> list[Branch]:
        """Every branch, ordered by code."""
        return [Branch._from_c(d) for d in self._call(_c.bank_branch_list_get)]

    def edit_branch(self, code: str, field: Literal["name", "address"], value: Optional[str]) -> None:
        """Changes one field of a branch (``"name"`` or ``"address"``) and audits old and
        new value. Raises NotFound, InvalidArgument (unknown field, bad value),
        PermissionDenied."""
        self._call(_c.bank_branch_edit, code, field, to_text(value))

    # ---- Products ----

    def add_product(
        self,
        code: str,
        name: str,
        currency: str,
        *,
        kind: Literal["savings", "current"] = "savings",
        min_balance: Amount = 0,
        rate: Amount = 0,
        overdraft: Amount = 0,
        day_count: Literal["act/365", "act/360", "act/act"] = "act/365",
        balance_method: Literal["daily", "average"] = "daily",
        compounding: Literal["daily", "monthly", "quarterly", "semiannual", "annual"] = "monthly",
        posting: Literal["monthly", "quarterly", "semiannual", "annual"] = "monthly",
        min_interest_balance: Amount = 0,
    ) -> Product:
        """Adds a product: accounts of one currency with a minimum balance (>= 0), an
        annual interest rate in percent (0 to 1000, applying from today) and an overdraft
        limit (>= 0), and how its accounts earn interest: the day count, the balance
        method, the compounding and posting periods and the minimum balance to earn.

        Raises InvalidArgument, AlreadyExists (code taken), PermissionDenied.
        """
        spec = {
            "code": code, "name": name, "currency": _str(currency, "currency"),
            "kind": _c.bank_product_kind_parse(_str(kind, "kind")),
            "min_balance": to_minor(min_balance, currency, "min_balance"),
            "rate": rate_to_units(rate),
            "overdraft": to_minor(overdraft, currency, "overdraft"),
            "day_count": _c.bank_day_count_parse(_str(day_count, "day_count")),
            "balance_method": _c.bank_balance_method_parse(_str(balance_method, "balance_method")),
            "compounding": _c.bank_period_parse(_str(compounding, "compounding")),
            "posting": _c.bank_period_parse(_str(posting, "posting")),
            "min_interest_balance": to_minor(min_interest_balance, currency, "min_interest_balance"),
        }
        return Product._from_c(self._call(_c.bank_product_add, spec))

    def product(self, code: str) -> Product:
        """The product with ``code``. Raises NotFound, InvalidArgument."""
        return Product._from_c(self._call(_c.bank_product_get, code))

    def products(self) -> list[Product]:
        """Every product, ordered by code."""
        return [Product._from_c(d) for d in self._call(_c.bank_product_list_get)]

    def edit_product(self, code: str, field: str, value: Union[str, Amount]) -> None:
        """Changes one field of a product and audits old and new value: ``"name"``,
        ``"min_balance"`` and ``"overdraft"`` (amounts in the product's currency),
        ``"rate"`` (percent, applying from today on), the interest conventions
        ``"day_count"``, ``"balance_method"``, ``"compounding"``, ``"posting"`` (their
        names) and ``"min_interest_balance"`` (an amount). Kind and currency never change.

        Raises NotFound, InvalidArgument, PermissionDenied.
        """
        if field in ("min_balance", "overdraft", "rate", "min_interest_balance") and isinstance(
            value, (bool, float)
        ):
            raise TypeError(f"{field} must be Decimal, str or int, not {type(value).__name__}")
        self._call(_c.bank_product_edit, code, field, to_text(value, field))

    # ---- Customers ----

    def add_customer(
        self,
        name: str,
        *,
        dob: Union[_dt.date, str, None] = None,
        occupation: Optional[str] = None,
        income: Optional[Amount] = None,
        income_currency: Optional[str] = None,
        email: Optional[str] = None,
        phone: Optional[str] = None,
        address: Union[Address, Mapping[str, Optional[str]], None] = None,
    ) -> Customer:
        """Adds a customer (and the address, when given).

        Args:
            name: full name, 1-200 bytes, stored verbatim.
            dob: date of birth, not in the future.
            income: annual income in ``income_currency`` (default USD), >= 0.
            email: must contain one ``@`` with text on both sides.
            phone: digits, spaces, ``+``, ``-``, ``(``, ``)``.
            address: an :class:`Address` or a dict of its fields.

        Raises InvalidArgument (the message names the field), PermissionDenied.
        """
        spec: dict[str, Any] = {
            "name": name,
            "dob": to_text(dob, "dob") if dob is not None else None,
            "occupation": occupation,
            "income": -1 if income is None else to_minor(income, income_currency or "USD", "income"),
            "income_currency": income_currency,
            "email": email,
            "phone": phone,
            "address": _address(address),
        }
        return Customer._from_c(self._call(_c.bank_customer_add, spec))

    def customer(self, id: int) -> Customer:
        """The customer with ``id``. Raises NotFound."""
        return Customer._from_c(self._call(_c.bank_customer_get, id))

    def customers(self) -> list[Customer]:
        """Every customer, ordered by id."""
        return [Customer._from_c(d) for d in self._call(_c.bank_customer_list_get)]

    def edit_customer(self, id: int, field: str, value: Union[str, Amount, _dt.date, None]) -> None:
        """Changes one field of a customer and audits old and new value.

        Fields: ``"name"``, ``"dob"``, ``"occupation"``, ``"income"`` (an amount in the
        income currency), ``"income_currency"``, ``"email"``, ``"phone"``, and the
        address fields ``"address_line1"``, ``"address_line2"``, ``"city"``,
        ``"region"``, ``"postal_code"``, ``"country"`` (which create the address when
        there is none). None (or ``""``) clears an optional field.

        Raises NotFound, InvalidArgument, PermissionDenied.
        """
        if field == "income" and isinstance(value, (bool, float)):
            raise TypeError(f"income must be Decimal, str or int, not {type(value).__name__}")
        self._call(_c.bank_customer_edit, id, field, to_text(value, field))

    def set_address(self, id: int, address: Union[Address, Mapping[str, Optional[str]]]) -> None:
        """Sets (creates or replaces) the customer's address, audited."""
        self._call(_c.bank_customer_set_address, id, _address(address))

    # ---- Accounts ----

    def open_account(self, customer_id: int, product: str, branch: str) -> Account:
        """Opens an account for a customer. The number is generated, the currency is the
        product's. Raises NotFound (customer, product or branch), PermissionDenied."""
        return self._account_record(self._call(_c.bank_account_open, customer_id, product, branch))

    def account(self, number: str) -> Account:
        """The account with ``number``. Raises InvalidArgument (a mistyped number: the
        check digits are wrong), NotFound."""
        return self._account_record(self._call(_c.bank_account_get, number))

    def accounts(self, customer_id: Optional[int] = None, *, internal: bool = False) -> list[Account]:
        """Accounts ordered by number: one customer's (``customer_id``), else every
        customer account, plus the branches' internal accounts with ``internal=True``."""
        if customer_id is not None:
            if isinstance(customer_id, bool) or not isinstance(customer_id, int) or customer_id <= 0:
                raise InvalidArgument("customer_id must be a positive int")
            sel = customer_id
        else:
            sel = -1 if internal else 0
        return [self._account_record(d) for d in self._call(_c.bank_account_list_get, sel)]

    def internal_account(
        self,
        branch: str,
        currency: str,
        kind: Literal["cash", "interest_expense", "fee_income", "suspense"],
    ) -> Account:
        """A branch's internal account of ``kind`` in ``currency`` (created on first use).
        Raises NotFound (branch), InvalidArgument (kind customer, unknown currency)."""
        k = _ACCOUNT_KINDS.get(kind)
        if k is None:
            raise InvalidArgument(f"unknown account kind {kind!r}")
        return self._account_record(self._call(_c.bank_account_internal, branch, currency, k))

    def _account_record(self, d: dict[str, Any]) -> Account:
        self._currency[d["number"]] = d["currency"]
        return Account._from_c(d)

    def edit_account(
        self, number: str, field: Literal["product", "branch", "customer", "name"], value: Union[str, int]
    ) -> None:
        """Changes one field of an account and records who changed it from what to what:
        ``"product"`` (a product code of the same currency), ``"branch"`` (a branch
        code), ``"customer"`` (a customer id), ``"name"`` (a label).

        Raises InvalidArgument, NotFound, CurrencyMismatch, AccountClosed,
        PermissionDenied.
        """
        self._call(_c.bank_account_edit, number, field, to_text(value, field))

    def freeze(self, number: str, what: Literal["debits", "credits", "both"] = "both") -> None:
        """Freezes debits, credits or both, adding to an existing freeze.
        Raises InvalidArgument, NotFound, AccountClosed."""
        flags = _FREEZE.get(what)
        if flags is None:
            raise InvalidArgument(f"what must be 'debits', 'credits' or 'both', not {what!r}")
        self._call(_c.bank_account_freeze, number, flags)

    def unfreeze(self, number: str) -> None:
        """Lifts every freeze. Raises NotFound, AccountClosed."""
        self._call(_c.bank_account_unfreeze, number)

    def close_account(self, number: str, reason: str) -> None:
        """Closes an account: it needs a zero balance and no active hold. The reason,
        the closer and the final balance are kept; the account stays readable.

        Raises InvalidArgument (no reason, nonzero balance or active hold), NotFound,
        AccountClosed (already closed), PermissionDenied.
        """
        self._call(_c.bank_account_close, number, reason)

    def account_edits(self, number: str) -> list[AccountEdit]:
        """The change history of an account, oldest first."""
        return [AccountEdit._from_c(d) for d in self._call(_c.bank_account_edits_get, number)]

    # ---- Ledger ----

    def deposit(
        self, account: str, amount: Amount, *, id: Optional[str] = None, memo: Optional[str] = None
    ) -> Transfer:
        """Deposits cash: debits the account's branch cash vault, credits ``account``.

        ``id`` is the idempotency key (1-64 printable ASCII characters; None generates
        one): replaying it with the same fields returns the original with status
        ``"exists"`` and posts nothing. ``memo``: free text up to 500 bytes.

        Raises InvalidArgument, NotFound, AccountFrozen, AccountClosed, Conflict (the
        id reused with other fields), LimitExceeded (balance overflow),
        PermissionDenied, Busy, IoError.
        """
        with self._lock:
            h = self._handle()
            minor = to_minor(amount, self._account_currency(h, account))
            return Transfer._from_c(_c.bank_deposit(h, account, minor, id, memo))

    def withdraw(
        self, account: str, amount: Amount, *, id: Optional[str] = None, memo: Optional[str] = None
    ) -> Transfer:
        """Withdraws cash: debits ``account`` (funds-checked), credits its branch cash
        vault. Raises as :meth:`deposit`, plus InsufficientFunds."""
        with self._lock:
            h = self._handle()
            minor = to_minor(amount, self._account_currency(h, account))
            return Transfer._from_c(_c.bank_withdraw(h, account, minor, id, memo))

    def transfer(
        self,
        debit: str,
        credit: str,
        amount: Amount,
        *,
        id: Optional[str] = None,
        memo: Optional[str] = None,
    ) -> Transfer:
        """Moves money from ``debit`` (funds-checked) to ``credit``: same currency,
        different accounts. Raises as :meth:`withdraw`, plus CurrencyMismatch."""
        with self._lock:
            h = self._handle()
            minor = to_minor(amount, self._account_currency(h, debit))
            return Transfer._from_c(_c.bank_transfer_post(h, debit, credit, minor, id, memo))

    def get_transfer(self, id: str) -> Transfer:
        """The transfer (or hold, post, void, reversal...) with ``id``; its status is
        ``"exists"``. Raises InvalidArgument, NotFound."""
        return Transfer._from_c(self._call(_c.bank_transfer_get, id))

    def transfer_batch(
        self, items: Iterable[Union[TransferRequest, Mapping[str, Any]]]
    ) -> list[BatchResult]:
        """Posts a batch in one SQL transaction (one commit, one fsync).

        ``items`` are :class:`TransferRequest` objects or dicts with the same keys
        (debit, credit, amount, id, memo, linked). Each item succeeds or fails on its
        own, except a linked chain (items with ``linked`` set plus the first item after
        them without it), which succeeds or fails as a whole: the first failure in a
        chain reports its own reason, the other members InvalidArgument "linked event
        failed". A chain left open at the end of the batch fails whole.

        Returns one :class:`BatchResult` per item, in order; item failures (an unknown
        account, insufficient funds, too many decimals...) are reported there, not
        raised. Raises only for what applies nothing: TypeError for an item or amount of
        the wrong type, InvalidArgument for an empty batch or more than 100,000 items,
        Busy, IoError, PermissionDenied, OutOfMemory.
        """
        reqs = [_request(x) for x in items]
        with self._lock:
            h = self._handle()
            known = self._currency
            tuples = []
            early: dict[int, Error] = {}
            for i, r in enumerate(reqs):
                debit = r.debit
                credit = r.credit
                account = debit if debit is not None else credit
                try:
                    if account is None:
                        raise InvalidArgument("a batch item needs a debit or a credit account")
                    cur = known.get(account)
                    if cur is None:
                        cur = self._account_currency(h, account)
                    minor = to_minor(r.amount, cur)
                except Error as e:
                    # libbank must still see the item so a linked chain fails whole: amount
                    # 0 is always refused; the result reports this error instead.
                    early[i] = e
                    minor = 0
                tuples.append((debit, credit, minor, r.id, r.memo, r.linked))
            raw = _c.bank_transfer_batch(h, tuples)
        # Each result builds its Transfer record when its `transfer` is first read.
        return [
            batch_ok(t) if code == 0 else batch_failed(early.get(i) or make(code, message))
            for i, (code, message, t) in enumerate(raw)
        ]

    def hold(
        self,
        account: str,
        amount: Amount,
        *,
        credit: Optional[str] = None,
        expires_in: Union[int, _dt.timedelta, None] = None,
        id: Optional[str] = None,
        memo: Optional[str] = None,
    ) -> Transfer:
        """Places a hold: reserves ``amount`` of ``account``'s available funds
        (funds-checked like a withdrawal; moves no balance).

        Args:
            credit: the account a post will credit, or None for the branch's suspense
                account.
            expires_in: seconds (or a timedelta) until the hold lapses; None never.

        Raises as :meth:`withdraw`.
        """
        secs = _seconds(expires_in, "expires_in")
        with self._lock:
            h = self._handle()
            minor = to_minor(amount, self._account_currency(h, account))
            return Transfer._from_c(_c.bank_hold(h, account, credit, minor, secs, id, memo))

    def post(self, hold_id: str, amount: Optional[Amount] = None, *, id: Optional[str] = None) -> Transfer:
        """Posts an active hold: moves ``amount`` (None: the whole hold; at most the
        hold) from the held account to the hold's credit account and releases the rest.

        Raises NotFound (no such hold), InvalidArgument (not a hold, or no longer active:
        posted, voided or expired; amount above the hold), Conflict.
        """
        with self._lock:
            h = self._handle()
            minor = 0
            if amount is not None:
                cur = _c.bank_transfer_get(h, _str(hold_id, "hold_id"))["currency"]
                minor = to_minor(amount, cur)
                if minor == 0:
                    raise InvalidArgument("amount must be > 0 (None posts the whole hold)")
            return Transfer._from_c(_c.bank_hold_post(h, hold_id, minor, id))

    def void(self, hold_id: str, *, id: Optional[str] = None) -> Transfer:
        """Voids an active hold, releasing all of it; records a ``"void"`` entry."""
        return Transfer._from_c(self._call(_c.bank_hold_void, hold_id, id))

    def sweep_holds(self) -> int:
        """Releases every hold whose expiry has passed; returns how many."""
        return self._call(_c.bank_hold_sweep)  # type: ignore[no-any-return]

    def reverse(self, transfer_id: str, *, id: Optional[str] = None) -> Transfer:
        """Reverses a posted transfer: a new transfer of the same amount in the other
        direction naming the original in its ``ref``; the original never changes. Each
        transfer can be reversed once; holds, voids and reversals cannot be. The
        reversal's debit is funds-checked against the balance (not the minimum).

        Raises NotFound, InvalidArgument (not reversible, already reversed),
        InsufficientFunds, AccountClosed, Conflict.
        """
        return Transfer._from_c(self._call(_c.bank_reverse, transfer_id, id))

    # ---- Interest ----

    def set_interest_rate(self, product: str, rate: Amount, start: _dt.date) -> None:
        """Sets a product's annual rate (percent, 0 to 1000) from day ``start`` on;
        earlier days keep their rate, an entry for the same day is replaced.

        Raises InvalidArgument (rate out of range; ``start`` on or before a day some
        account of the product has accrued, or the last run's date: accrued days are
        final), NotFound (product), PermissionDenied.
        """
        self._call(_c.bank_interest_rate_set, product, rate_to_units(rate), date_to_c(start, "start"))

    def interest_rates(self, product: str) -> list[RateEntry]:
        """A product's rate schedule, oldest first. Raises InvalidArgument, NotFound."""
        return [RateEntry._from_c(d) for d in self._call(_c.bank_interest_rates_get, product)]

    def interest_run(self, as_of: _dt.date) -> InterestRun:
        """Accrues every day up to and including ``as_of`` not yet accrued, for every open
        customer account, and posts every posting period that has ended by then.

        Idempotent: a second call for the same date changes nothing. Works in bounded
        transactions, so a run interrupted (crash, Busy) and called again with the same
        date ends exactly as one uninterrupted run would. ``as_of`` must be a day that
        is over (before today in the bank's time zone).

        Raises InvalidArgument (``as_of`` today or later, or before an earlier run's
        date), LimitExceeded, PermissionDenied, Busy, IoError (the work committed so far
        stays; call again).
        """
        return InterestRun._from_c(self._call(_c.bank_interest_run, date_to_c(as_of, "as_of")))

    def interest_last_run(self) -> _dt.date:
        """The date of the latest interest run. Raises NotFound when no run happened."""
        return date_from_c(self._call(_c.bank_interest_last_run))

    def interest_settle(self, account: str) -> Optional[Transfer]:
        """Accrues one account up to yesterday and posts its open period now (what a
        teller does before emptying and closing an account). Returns the interest
        transfer, or None when the period's interest rounds to zero (nothing posted).

        Raises InvalidArgument (mistyped number, internal account), NotFound,
        AccountClosed, LimitExceeded, PermissionDenied, Busy, IoError.
        """
        d = self._call(_c.bank_interest_settle, account)
        return None if d is None else Transfer._from_c(d)

    def interest_table(self, account: str) -> InterestTable:
        """An account's interest table: its posting periods, oldest first, with the days
        accrued, rates, balance basis, exact accrued amount, posted amount and posting.
        Raises InvalidArgument (mistyped number), NotFound, PermissionDenied."""
        return InterestTable._from_c(self._call(_c.bank_interest_table_get, account))

    def interest_projection(self, account: str, days: int) -> Decimal:
        """What ``account`` would earn over ``days`` days (1..3660) from today if its
        balance stayed at its current posted balance, at full precision (a Decimal with
        every decimal libbank keeps). Writes nothing.

        Raises InvalidArgument (days out of range, mistyped number, internal account),
        NotFound, LimitExceeded.
        """
        with self._lock:
            h = self._handle()
            cur = self._account_currency(h, account)
            return accrual_from_c(_c.bank_interest_project(h, account, days), cur)

    def apy(self, product: str) -> Decimal:
        """The product's annual percentage yield for disclosure (US Regulation DD,
        Appendix A, part I), in percent with two decimals (``Decimal("6.17")``).
        Raises InvalidArgument, NotFound."""
        return Decimal(self._call(_c.bank_interest_apy, product)["text"])

    def apy_earned(self, account: str, day: _dt.date) -> Decimal:
        """The APY the account earned over the interest period containing ``day``
        (Regulation DD, Appendix A, part II), in percent with two decimals.
        Raises InvalidArgument (mistyped number), NotFound (account, or no period
        contains ``day``)."""
        return Decimal(self._call(_c.bank_interest_apy_earned, account, date_to_c(day, "day"))["text"])

    # ---- Reports ----

    def balance(self, account: str) -> Balance:
        """An account's balance and available balance now (expired holds released
        first). Raises InvalidArgument, NotFound."""
        return Balance._from_c(self._call(_c.bank_balance_get, account))

    def balance_at(self, account: str, at: TimeArg) -> Decimal:
        """The posted balance of ``account`` just before instant ``at`` (postings at or
        after ``at`` excluded), in the account's currency."""
        with self._lock:
            h = self._handle()
            cur = self._account_currency(h, account)
            return from_minor(_c.bank_balance_at(h, account, time_to_c(at, "at")), cur)

    def statement(
        self,
        account: str,
        *,
        since: Optional[TimeArg] = None,
        until: Optional[TimeArg] = None,
        page_size: int = 1000,
    ) -> Statement:
        """An account's postings with since <= time < until, oldest first, as an iterator
        of :class:`StatementEntry` that reads pages of ``page_size`` as it goes.

        The first page is read now, so a bad account or range raises here
        (InvalidArgument, NotFound); the iterator also carries the opening and closing
        balances.
        """
        return Statement(self, account, since, until, page_size)

    def trial_balance(self) -> TrialBalance:
        """The trial balance: totals per branch, currency and account kind, and per
        currency (debits equal credits in a sound ledger)."""
        return TrialBalance._from_c(self._call(_c.bank_trial_balance_get))

    def verify(self) -> VerifyReport:
        """Checks the ledger's invariants on the whole database: per currency total
        debits equal total credits; every posting has amount > 0 and both accounts in
        its currency; every stored balance equals the sum of the account's postings;
        every balance-after equals the running sum; every pending amount equals its
        active holds.

        Returns the report when nothing is broken. Raises :class:`libbank.Corrupt` with
        the report (``.report``, a :class:`VerifyReport`) when something is.
        """
        try:
            return VerifyReport._from_c(self._call(_c.bank_verify))
        except Corrupt as e:
            if isinstance(e.report, dict):
                e.report = VerifyReport._from_c(e.report)
            raise

    def checkpoint(self, mode: Literal["passive", "full", "restart", "truncate"] = "passive") -> CheckpointInfo:
        """Copies committed pages from the write-ahead log into the database file (a
        SQLite checkpoint). Commits do it themselves every ``wal_autocheckpoint`` pages;
        a program that opened its banks with :data:`WAL_AUTOCHECKPOINT_OFF` calls this,
        for example from a thread with its own Bank. It changes no bank data.

        ``"passive"`` copies what it can now and never waits; ``"full"`` waits (up to the
        busy timeout) for the writer and copies everything; ``"restart"`` also waits for
        readers so that the next commit writes the WAL from its start; ``"truncate"``
        then empties the WAL file.

        Raises InvalidArgument (unknown mode), Busy (another Bank kept the file busy past
        the busy timeout, or was checkpointing or committing at that moment: what could
        be copied was; call again).
        """
        if mode not in _CHECKPOINT:
            raise InvalidArgument(f"mode must be 'passive', 'full', 'restart' or 'truncate', not {mode!r}")
        return CheckpointInfo._from_c(self._call(_c.bank_checkpoint, _CHECKPOINT[mode]))

    def audit(self, *, after: int = 0, object: Optional[str] = None, page_size: int = 1000) -> AuditTrail:
        """The audit trail, oldest first, from the record after seq ``after``: an
        iterator of :class:`AuditEntry` that reads pages as it goes. ``object`` keeps
        only the records about it (``"account:123456789012"``)."""
        return AuditTrail(self, after, object, page_size)


def _address(a: Union[Address, Mapping[str, Optional[str]], None]) -> Optional[dict[str, Optional[str]]]:
    if a is None:
        return None
    if isinstance(a, Address):
        return a._to_c()
    if isinstance(a, Mapping):
        return Address(**a)._to_c()
    raise TypeError(f"address must be an Address or a dict, not {type(a).__name__}")


def _request(x: Union[TransferRequest, Mapping[str, Any]]) -> TransferRequest:
    if type(x) is TransferRequest:
        # The common case, checked with exact types first (a str subclass, a Decimal
        # subclass or any doubt goes on to the full checks below).
        d, c, i, m, a = x.debit, x.credit, x.id, x.memo, x.amount
        if (
            (d is None or type(d) is str) and (c is None or type(c) is str) and (i is None or type(i) is str)
            and (m is None or type(m) is str) and (type(a) is Decimal or type(a) is int or type(a) is str)
        ):
            return x
        r = x
    elif isinstance(x, TransferRequest):
        r = x
    elif isinstance(x, Mapping):
        r = TransferRequest(**x)
    else:
        raise TypeError(f"batch items must be TransferRequest or dict, not {type(x).__name__}")
    # Types are programming errors: raised for the whole batch before anything runs.
    for what in ("debit", "credit", "id", "memo"):
        v = getattr(r, what)
        if v is not None and type(v) is not str and not isinstance(v, str):
            raise TypeError(f"{what} must be str, not {type(v).__name__}")
    a = r.amount
    if type(a) not in _AMOUNT_TYPES and (isinstance(a, (bool, float)) or not isinstance(a, (Decimal, str, int))):
        raise TypeError(f"amount must be Decimal, str or int (whole units), not {type(a).__name__}")
    return r


_AMOUNT_TYPES = (Decimal, str, int)


class Statement(Iterator[StatementEntry]):
    """An account's statement: iterate it for the :class:`StatementEntry` lines, oldest
    first. Pages are read from libbank as the iteration goes (keyset pagination), so a
    long history never sits in memory at once; lines posted after the first page was
    read may or may not appear."""

    account: str
    """Account number."""
    currency: str
    """ISO 4217 code of every amount."""
    since: Optional[_dt.datetime]
    """Period start (inclusive), None for the beginning."""
    until: Optional[_dt.datetime]
    """Period end (exclusive), None for no end."""
    opening_balance: Decimal
    """Balance at ``since``."""
    closing_balance: Decimal
    """Balance at ``until`` (or now), as of the first page."""

    def __init__(
        self, bank: Bank, account: str, since: Optional[TimeArg], until: Optional[TimeArg], page_size: int
    ) -> None:
        if isinstance(page_size, bool) or not isinstance(page_size, int) or not 1 <= page_size <= 10000:
            raise InvalidArgument("page_size must be 1..10000")
        self._bank = bank
        self._args = (
            account,
            0 if since is None else time_to_c(since, "since"),
            0 if until is None else time_to_c(until, "until"),
            page_size,
        )
        page = self._bank._call(_c.bank_statement_get, *self._args, None)
        self.account = page["account"]
        self.currency = page["currency"]
        self.since = time_from_c(page["since"]) if page["since"] else None
        self.until = time_from_c(page["until"]) if page["until"] else None
        self.opening_balance = from_minor(page["opening_balance"], self.currency)
        self.closing_balance = from_minor(page["closing_balance"], self.currency)
        self._load(page)

    def _load(self, page: dict[str, Any]) -> None:
        cur = self.currency
        self._entries = iter([StatementEntry._from_c(e, cur) for e in page["entries"]])
        self._next: Optional[str] = page["next"]

    def __iter__(self) -> Statement:
        return self

    def __next__(self) -> StatementEntry:
        while True:
            e = next(self._entries, None)
            if e is not None:
                return e
            if self._next is None:
                raise StopIteration
            self._load(self._bank._call(_c.bank_statement_get, *self._args, self._next))

    def __repr__(self) -> str:
        return (
            f"<libbank.Statement {self.account} {self.currency} opening={self.opening_balance} "
            f"closing={self.closing_balance}>"
        )


class AuditTrail(Iterator[AuditEntry]):
    """Audit records, oldest first, read page by page as the iteration goes."""

    def __init__(self, bank: Bank, after: int, object: Optional[str], page_size: int) -> None:
        if isinstance(page_size, bool) or not isinstance(page_size, int) or not 1 <= page_size <= 10000:
            raise InvalidArgument("page_size must be 1..10000")
        self._bank = bank
        self._object = object
        self._limit = page_size
        self._entries: Iterator[AuditEntry] = iter(())
        self._after: Optional[int] = after
        self._fetch()

    def _fetch(self) -> None:
        page = self._bank._call(_c.bank_audit_get, self._after, self._object, self._limit)
        self._entries = iter([AuditEntry._from_c(e) for e in page["entries"]])
        self._after = page["next"] or None

    def __iter__(self) -> AuditTrail:
        return self

    def __next__(self) -> AuditEntry:
        while True:
            e = next(self._entries, None)
            if e is not None:
                return e
            if self._after is None:
                raise StopIteration
            self._fetch()

