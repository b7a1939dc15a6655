"""Records: read-only copies of what libbank returns.

Each record is a frozen dataclass made from the C record right after the call (the C
memory is already freed by then). Money is a :class:`~decimal.Decimal` with the
currency on the same record; times are aware :class:`~datetime.datetime` objects in UTC;
text libbank reports as ``""`` ("not given") is None here.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, Optional, Union

from ._errors import Error
from ._money import CTX, DNEG, exponent, from_minor, rate_from_units

__all__ = [
    "Currency",
    "Branch",
    "Product",
    "Address",
    "Customer",
    "Account",
    "AccountEdit",
    "Transfer",
    "TransferRequest",
    "BatchResult",
    "Balance",
    "StatementEntry",
    "TrialLine",
    "TrialTotal",
    "TrialBalance",
    "Violation",
    "VerifyReport",
    "CheckpointInfo",
    "AuditEntry",
    "RateEntry",
    "InterestRun",
    "InterestPeriod",
    "InterestTable",
]

UTC = _dt.timezone.utc
EPOCH = _dt.datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_DATE = _dt.date(1970, 1, 1)
_MICRO = _dt.timedelta(microseconds=1)
# timedelta(0, 0, us) is timedelta(microseconds=us) without parsing keywords.
_timedelta = _dt.timedelta
# Building slotted records without __init__ (see Transfer._from_c and BatchResult).
_new = object.__new__


def time_from_c(us: int) -> _dt.datetime:
    """libbank's bank_time (microseconds since the epoch, UTC) as an aware datetime."""
    return EPOCH + _timedelta(0, 0, us)


def opt_time(us: int) -> Optional[_dt.datetime]:
    """As time_from_c, with 0 ("never", "not yet") as None."""
    return None if us == 0 else EPOCH + _timedelta(0, 0, us)


def time_to_c(t: Union[_dt.datetime, int], what: str = "time") -> int:
    """A datetime (naive ones are taken as UTC) or int microseconds as a bank_time."""
    if isinstance(t, bool):
        raise TypeError(f"{what} must be a datetime or int microseconds, not bool")
    if isinstance(t, int):
        return t
    if isinstance(t, _dt.datetime):
        if t.tzinfo is None:
            t = t.replace(tzinfo=UTC)
        return (t - EPOCH) // _MICRO
    raise TypeError(f"{what} must be a datetime or int microseconds, not {type(t).__name__}")


def date_from_c(days: int) -> _dt.date:
    """A bank_date (days since 1970-01-01) as a date."""
    return _EPOCH_DATE + _dt.timedelta(days=days)


def date_to_c(d: _dt.date, what: str = "date") -> int:
    """A date as a bank_date (days since 1970-01-01)."""
    if isinstance(d, _dt.datetime) or not isinstance(d, _dt.date):
        raise TypeError(f"{what} must be a datetime.date, not {type(d).__name__}")
    return (d - _EPOCH_DATE).days


def _opt(s: Optional[str]) -> Optional[str]:
    return s if s else None


@dataclass(frozen=True, slots=True)
class Currency:
    """One ISO 4217 currency from libbank's built-in table."""

    code: str
    """Alphabetic code, ``"USD"``."""
    numeric: int
    """Numeric code, 840."""
    exponent: int
    """Minor-unit exponent: digits after the point (0 to 4)."""
    name: str
    """English name."""

    @classmethod
    def _from_c(cls, d: dict[str, Any]) -> Currency:
        return cls(d["code"], d["numeric"], d["exponent"], d["name"])


@dataclass(frozen=True, slots=True)
class Branch:
    """A branch: where accounts are kept. Each branch has internal ledger accounts per
    currency (cash vault, interest expense, fee income, suspense), created on first use."""

    id: int
    """Internal row id."""
    code: str
    """Unique code, 1-16 of ``[A-Za-z0-9_-]``."""
    name: str
    """Display name, 1-200 bytes."""
    address: Optional[str]
    """Free-form address, None when not given."""
    created_at: _dt.datetime
    """Creation time."""

    @classmethod
    def _from_c(cls, d: dict[str, Any]) -> Branch:
        return cls(d["id"], d["code"], d["name"], _opt(d["address"]), time_from_c(d["created_at"]))


@dataclass(frozen=True, slots=True)
class Product:
    """A product (account type): savings or current accounts in one currency, with a
    minimum balance, an annual interest rate and an overdraft limit."""

    id: int
    """Internal row id."""
    code: str
    """Unique code, 1-16 of ``[A-Za-z0-9_-]``."""
    name: str
    """Display name."""
    kind: Literal["savings", "current"]
    """What kind of account the product opens."""
    currency: str
    """ISO 4217 code of every amount of the product."""
    min_balance: Decimal
    """What an account must keep (>= 0)."""
    rate: Decimal
    """Annual interest rate in percent (``Decimal("2.5")`` is 2.5%)."""
    overdraft: Decimal
    """How far an account may go below zero (>= 0)."""
    created_at: _dt.datetime
    """Creation time."""
    updated_at: _dt.datetime
    """Last edit."""
    day_count: Literal["act/365", "act/360", "act/act"]
    """Days in an interest year: 365, 360, or 366 in leap years (act/act)."""
    balance_method: Literal["daily", "average"]
    """Which balance earns: each day's end-of-day balance, or the average daily balance
    of the posting period to date."""
    compounding: Literal["daily", "monthly", "quarterly", "semiannual", "annual"]
    """Compounding period."""
    posting: Literal["monthly", "quarterly", "semiannual", "annual"]
    """Posting period (never daily)."""
    min_interest_balance: Decimal
    """A day (or period average) below it earns nothing."""

    @classmethod
    def _from_c(cls, d: dict[str, Any]) -> Product:
        cur = d["currency"]
        return cls(
            d["id"], d["code"], d["name"], d["kind"], cur, from_minor(d["min_balance"], cur),
            rate_from_units(d["rate"]), from_minor(d["overdraft"], cur),
            time_from_c(d["created_at"]), time_from_c(d["updated_at"]), d["day_count"],
            d["balance_method"], d["compounding"], d["posting"],
            from_minor(d["min_interest_balance"], cur),
        )


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address. Every field is optional (None: not given)."""

    line1: Optional[str] = None
    """First line."""
    line2: Optional[str] = None
    """Second line."""
    city: Optional[str] = None
    """City."""
    region: Optional[str] = None
    """State, province or region."""
    postal_code: Optional[str] = None
    """Postal code."""
    country: Optional[str] = None
    """ISO 3166-1 alpha-2 code, ``"GB"``."""

    @classmethod
    def _from_c(cls, d: dict[str, Any]) -> Address:
        return cls(
            _opt(d["line1"]), _opt(d["line2"]), _opt(d["city"]), _opt(d["region"]),
            _opt(d["postal_code"]), _opt(d["country"]),
        )

    def _to_c(self) -> dict[str, Optional[str]]:
        return {
            "line1": self.line1, "line2": self.line2, "city": self.city, "region": self.region,
            "postal_code": self.postal_code, "country": self.country,
        }


@dataclass(frozen=True, slots=True)
class Customer:
    """A customer and their one postal address."""

    id: int
    """Customer id."""
    name: str
    """Full name, 1-200 bytes, stored verbatim."""
    dob: Optional[_dt.date]
    """Date of birth."""
    occupation: Optional[str]
    """Occupation."""
    income: Optional[Decimal]
    """Annual income in ``income_currency``, None when not given."""
    income_currency: str
    """Currency of ``income``."""
    email: Optional[str]
    """E-mail address."""
    phone: Optional[str]
    """Phone number."""
    address: Optional[Address]
    """The address, None when none is on file."""
    created_at: _dt.datetime
    """Creation time."""
    updated_at: _dt.datetime
    """Last edit."""

    @classmethod
    def _from_c(cls, d: dict[str, Any]) -> Customer:
        cur = d["income_currency"]
        dob = _dt.date.fromisoformat(d["dob"]) if d["dob"] else None
        income = None if d["income"] < 0 else from_minor(d["income"], cur)
        addr = Address._from_c(d["address"]) if d["address"] is not None else None
        return cls(
            d["id"], d["name"], dob, _opt(d["occupation"]), income, cur, _opt(d["email"]),
            _opt(d["phone"]), addr, time_from_c(d["created_at"]), time_from_c(d["updated_at"]),
        )


_FROZEN = {0: "none", 1: "debits", 2: "credits", 3: "both"}


@dataclass(frozen=True, slots=True)
class Account:
    """An account: a customer's deposit account or one of a branch's internal ledger
    accounts. Lifecycle: active <-> frozen (debits, credits or both) -> closed (final;
    the history stays readable)."""

    id: int
    """Internal row id."""
    number: str
    """12-digit account number (ISO 7064 MOD 97-10 check digits)."""
    kind: Literal["customer", "cash", "interest_expense", "fee_income", "suspense"]
    """A customer account (a liability) or one of the bank's own."""
    customer_id: Optional[int]
    """Owner; None for internal accounts."""
    product: Optional[str]
    """Product code; None for internal accounts."""
    branch: str
    """Branch code."""
    name: Optional[str]
    """A label."""
    currency: str
    """ISO 4217 code of every amount of the account."""
    status: Literal["active", "frozen", "closed"]
    """Lifecycle state."""
    frozen: Literal["none", "debits", "credits", "both"]
    """Which directions a freeze refuses."""
    balance: Decimal
    """Posted balance (on the account's normal side)."""
    pending: Decimal
    """Sum of active holds."""
    available: Decimal
    """balance - pending - min_balance + overdraft."""
    min_balance: Decimal
    """From the product (0 for internal accounts)."""
    overdraft: Decimal
    """From the product (0 for internal accounts)."""
    opened_at: _dt.datetime
    """Opening time."""
    last_activity_at: Optional[_dt.datetime]
    """Last posting or hold."""
    closed_at: Optional[_dt.datetime]
    """Closing time, None while open."""
    close_reason: Optional[str]
    """Why it was closed."""
    closed_by: Optional[str]
    """Principal who closed it."""
    final_balance: Optional[Decimal]
    """Balance at closing, None while open."""

    @classmethod
    def _from_c(cls, d: dict[str, Any]) -> Account:
        cur = d["currency"]
        closed = d["closed_at"] != 0
        return cls(
            d["id"], d["number"], d["kind"], d["customer_id"] or None, _opt(d["product"]),
            d["branch"], _opt(d["name"]), cur, d["status"], _FROZEN.get(d["frozen"], "both"),  # type: ignore[arg-type]
            from_minor(d["balance"], cur), from_minor(d["pending"], cur),
            from_minor(d["available"], cur), from_minor(d["min_balance"], cur),
            from_minor(d["overdraft"], cur), time_from_c(d["opened_at"]),
            opt_time(d["last_activity_at"]), opt_time(d["closed_at"]), _opt(d["close_reason"]),
            _opt(d["closed_by"]), from_minor(d["final_balance"], cur) if closed else None,
        )


@dataclass(frozen=True, slots=True)
class AccountEdit:
    """One recorded change of an account."""

    seq: int
    """Order of the change."""
    field: str
    """``"product"``, ``"branch"``, ``"customer"``, ``"name"``, ``"status"``, ``"frozen"``."""
    old_value: str
    """Before."""
    new_value: str
    """After."""
    principal: str
    """Who changed it."""
    at: _dt.datetime
    """When."""

    @classmethod
    def _from_c(cls, d: dict[str, Any]) -> AccountEdit:
        return cls(d["seq"], d["field"], d["old_value"], d["new_value"], d["principal"], time_from_c(d["at"]))


@dataclass(frozen=True, slots=True)
class Transfer:
    """A journal entry: a deposit, withdrawal, transfer, hold, post, void, reversal,
    interest or fee posting."""

    seq: int
    """Journal position (commit order)."""
    id: str
    """The idempotency key."""
    kind: str
    """``"deposit"``, ``"withdrawal"``, ``"transfer"``, ``"hold"``, ``"post"``, ``"void"``,
    ``"reversal"``, ``"interest"``, ``"fee"``."""
    debit: str
    """Debited account number."""
    credit: str
    """Credited account number."""
    amount: Decimal
    """The amount (> 0)."""
    currency: str
    """ISO 4217 code of every amount of the transfer."""
    memo: Optional[str]
    """Free text."""
    ref: Optional[str]
    """The hold posted or voided, or the transfer reversed."""
    pending: bool
    """True for a hold: it reserves funds and moves no balance."""
    hold_status: Optional[Literal["active", "posted", "voided", "expired"]]
    """For holds, where the hold is in its lifecycle; None for other kinds."""
    expires_at: Optional[_dt.datetime]
    """For holds: expiry, None for never."""
    debit_balance: Decimal
    """The debit account's balance after this posting (0 for holds and voids)."""
    credit_balance: Decimal
    """The credit account's balance after this posting (0 for holds and voids)."""
    principal: str
    """Who made it."""
    created_at: _dt.datetime
    """When it was committed."""
    status: Literal["created", "exists"]
    """``"created"``: posted by this call; ``"exists"``: a replay, the original returned
    and nothing posted."""

    @classmethod
    def _from_c(cls, d: dict[str, Any]) -> Transfer:
        # The hot path of single transfers and of batch results read: one exponent
        # lookup, three Decimals, and the fields stored through the slots (the generated
        # __init__ of a frozen dataclass costs an object.__setattr__ call per field).
        cur = d["currency"]
        e = DNEG[exponent(cur)]
        exp_at = d["expires_at"]
        t = _new(cls)
        _t_seq(t, d["seq"])
        _t_id(t, d["id"])
        _t_kind(t, d["kind"])
        _t_debit(t, d["debit"])
        _t_credit(t, d["credit"])
        _t_amount(t, Decimal(d["amount"]).scaleb(e, CTX))
        _t_currency(t, cur)
        _t_memo(t, d["memo"] or None)
        _t_ref(t, d["ref"] or None)
        _t_pending(t, d["pending"])
        _t_hold_status(t, d["hold_status"] or None)
        _t_expires_at(t, EPOCH + _timedelta(0, 0, exp_at) if exp_at else None)
        _t_debit_balance(t, Decimal(d["debit_balance"]).scaleb(e, CTX))
        _t_credit_balance(t, Decimal(d["credit_balance"]).scaleb(e, CTX))
        _t_principal(t, d["principal"])
        _t_created_at(t, EPOCH + _timedelta(0, 0, d["created_at"]))
        _t_status(t, d["status"])
        return t


(
    _t_seq, _t_id, _t_kind, _t_debit, _t_credit, _t_amount, _t_currency, _t_memo, _t_ref, _t_pending,
    _t_hold_status, _t_expires_at, _t_debit_balance, _t_credit_balance, _t_principal, _t_created_at, _t_status,
) = (
    vars(Transfer)[f].__set__
    for f in (
        "seq", "id", "kind", "debit", "credit", "amount", "currency", "memo", "ref", "pending", "hold_status",
        "expires_at", "debit_balance", "credit_balance", "principal", "created_at", "status",
    )
)


@dataclass(frozen=True, slots=True, init=False)
class TransferRequest:
    """One item of :meth:`libbank.Bank.transfer_batch`.

    ``debit`` None makes it a deposit to ``credit``; ``credit`` None a withdrawal from
    ``debit``; both set a transfer. Items with ``linked`` set form a chain with the first
    unlinked item after them: the chain succeeds or fails as a whole.
    """

    debit: Optional[str]
    """Account number, or None for a deposit."""
    credit: Optional[str]
    """Account number, or None for a withdrawal."""
    amount: Union[Decimal, str, int]
    """Decimal, str or int whole units, in the accounts' currency."""
    id: Optional[str] = field(default=None, kw_only=True)
    """Idempotency key, or None to generate one."""
    memo: Optional[str] = field(default=None, kw_only=True)
    """Free text up to 500 bytes."""
    linked: bool = field(default=False, kw_only=True)
    """This item and the next succeed or fail together."""

    # The generated __init__ of a frozen dataclass sets each field through
    # object.__setattr__; storing through the slots directly builds a request (batches
    # are thousands of them) in two thirds of the time. Same signature, same fields.
    def __init__(
        self,
        debit: Optional[str],
        credit: Optional[str],
        amount: Union[Decimal, str, int],
        *,
        id: Optional[str] = None,
        memo: Optional[str] = None,
        linked: bool = False,
    ) -> None:
        _tr_debit(self, debit)
        _tr_credit(self, credit)
        _tr_amount(self, amount)
        _tr_id(self, id)
        _tr_memo(self, memo)
        _tr_linked(self, linked)


_tr_debit, _tr_credit, _tr_amount, _tr_id, _tr_memo, _tr_linked = (
    vars(TransferRequest)[f].__set__ for f in ("debit", "credit", "amount", "id", "memo", "linked")
)


@dataclass(frozen=True, init=False)
class BatchResult:
    """The outcome of one batch item.

    A frozen dataclass like the other records, with one difference inside: the
    :class:`Transfer` of a successful item is built from libbank's copy on first access
    of ``transfer`` and then kept, so a caller that only checks ``error`` or ``status``
    never pays for the Decimals and datetimes of a record it does not read.
    """

    # `transfer` is read through a property (set below); until the first read of a
    # result from a batch, _transfer is unset and _raw holds the wrapper's dict.
    __slots__ = ("status", "error", "_transfer", "_raw")

    status: Literal["created", "exists", "failed"]
    """``"created"`` (posted now), ``"exists"`` (a replay) or ``"failed"``."""
    error: Optional[Error]
    """None on success, else the :class:`libbank.Error` the item failed with (the other
    members of a failed linked chain: InvalidArgument "linked event failed")."""
    transfer: Optional[Transfer]
    """The transfer on success, else None."""

    if TYPE_CHECKING:
        _transfer: Optional[Transfer]
        _raw: dict[str, Any]

    def __init__(
        self, status: Literal["created", "exists", "failed"], error: Optional[Error], transfer: Optional[Transfer]
    ) -> None:
        _set_status(self, status)
        _set_error(self, error)
        _set_transfer(self, transfer)

    @property
    def ok(self) -> bool:
        """True when the item succeeded (created or a replay)."""
        return self.error is None

    def __reduce__(self) -> tuple[type[BatchResult], tuple[str, Optional[Error], Optional[Transfer]]]:
        # pickle and copy: the slots are read-only, so rebuild through __init__.
        return (type(self), (self.status, self.error, self.transfer))


def _batch_transfer(self: BatchResult) -> Optional[Transfer]:
    try:
        return self._transfer
    except AttributeError:
        pass
    # The first read: build the record and keep it instead of the dict. Another thread
    # reading at the same time may build an equal record too; neither read fails.
    try:
        raw = self._raw
    except AttributeError:  # built (and the dict dropped) by another thread meanwhile
        return self._transfer
    t = Transfer._from_c(raw)
    _set_transfer(self, t)
    try:
        _del_raw(self)
    except AttributeError:
        pass
    return t


# `transfer` stays a dataclass field (in fields(), the repr, equality, the hash,
# __match_args__, replace() and asdict()) that reads through this property, set after
# @dataclass so that the decorator does not take the property for the field's default.
setattr(BatchResult, "transfer", property(_batch_transfer, doc="The transfer on success, else None."))

_set_status = vars(BatchResult)["status"].__set__
_set_error = vars(BatchResult)["error"].__set__
_set_transfer = vars(BatchResult)["_transfer"].__set__
_set_raw = vars(BatchResult)["_raw"].__set__
_del_raw = vars(BatchResult)["_raw"].__delete__


def batch_ok(t: dict[str, Any]) -> BatchResult:
    """The BatchResult of a successful batch item from the wrapper's transfer dict
    ``t``; its Transfer record is built on first read."""
    r = _new(BatchResult)
    _set_status(r, t["status"])
    _set_error(r, None)
    _set_raw(r, t)
    return r


def batch_failed(error: Error) -> BatchResult:
    """The BatchResult of a failed batch item."""
    r = _new(BatchResult)
    _set_status(r, "failed")
    _set_error(r, error)
    _set_transfer(r, None)
    return r


@dataclass(frozen=True, slots=True)
class Balance:
    """An account's balances now."""

    account: str
    """Account number."""
    currency: str
    """ISO 4217 code."""
    balance: Decimal
    """Posted balance."""
    pending: Decimal
    """Active holds."""
    available: Decimal
    """balance - pending - min balance + overdraft (internal accounts: balance)."""

    @classmethod
    def _from_c(cls, d: dict[str, Any]) -> Balance:
        cur = d["currency"]
        return cls(
            d["account"], cur, from_minor(d["balance"], cur), from_minor(d["pending"], cur),
            from_minor(d["available"], cur),
        )


@dataclass(frozen=True, slots=True)
class StatementEntry:
    """One line of a statement."""

    seq: int
    """Journal position."""
    id: str
    """Transfer id."""
    kind: str
    """Transfer kind."""
    at: _dt.datetime
    """Posting time."""
    amount: Decimal
    """Signed: positive raises the account's balance, negative lowers it."""
    balance_after: Decimal
    """The account's balance after this line."""
    currency: str
    """ISO 4217 code of the amounts."""
    counterparty: str
    """The other account's number."""
    memo: Optional[str]
    """Free text."""
    ref: Optional[str]
    """Referenced transfer."""

    @classmethod
    def _from_c(cls, d: dict[str, Any], cur: str) -> StatementEntry:
        return cls(
            d["seq"], d["id"], d["kind"], time_from_c(d["at"]), from_minor(d["amount"], cur),
            from_minor(d["balance_after"], cur), cur, d["counterparty"], d["memo"] or None,
            d["ref"] or None,
        )


@dataclass(frozen=True, slots=True)
class TrialLine:
    """Totals of one kind of account in one branch and currency."""

    branch: str
    """Branch code."""
    currency: str
    """ISO 4217 code."""
    kind: str
    """Account kind name."""
    accounts: int
    """How many accounts."""
    debit: Decimal
    """Sum of debit balances."""
    credit: Decimal
    """Sum of credit balances."""

    @classmethod
    def _from_c(cls, d: dict[str, Any]) -> TrialLine:
        cur = d["currency"]
        return cls(d["branch"], cur, d["kind"], d["accounts"], from_minor(d["debit"], cur), from_minor(d["credit"], cur))


@dataclass(frozen=True, slots=True)
class TrialTotal:
    """Totals per currency: debits equal credits in a sound ledger."""

    currency: str
    """ISO 4217 code."""
    debit: Decimal
    """Sum of debit balances."""
    credit: Decimal
    """Sum of credit balances."""

    @classmethod
    def _from_c(cls, d: dict[str, Any]) -> TrialTotal:
        cur = d["currency"]
        return cls(cur, from_minor(d["debit"], cur), from_minor(d["credit"], cur))


@dataclass(frozen=True, slots=True)
class TrialBalance:
    """A trial balance: lines per branch, currency and kind, and totals per currency."""

    lines: tuple[TrialLine, ...]
    """Ordered by branch, currency, kind."""
    totals: tuple[TrialTotal, ...]
    """Ordered by currency."""

    @property
    def balanced(self) -> bool:
        """True when debits equal credits in every currency."""
        return all(t.debit == t.credit for t in self.totals)

    @classmethod
    def _from_c(cls, d: dict[str, Any]) -> TrialBalance:
        return cls(
            tuple(TrialLine._from_c(x) for x in d["lines"]),
            tuple(TrialTotal._from_c(x) for x in d["totals"]),
        )


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken invariant found by :meth:`libbank.Bank.verify`."""

    check: str
    """``"conservation"``, ``"balance"``, ``"balance_after"``, ``"pending"``,
    ``"currency"``, ``"amount"``, ``"audit"``."""
    object: str
    """The record it concerns: ``"account:123456789012"``, ``"transfer:ID"``,
    ``"currency:USD"``."""
    message: str
    """What is wrong, with expected and found values."""

    @classmethod
    def _from_c(cls, d: dict[str, Any]) -> Violation:
        return cls(d["check"], d["object"], d["message"])


@dataclass(frozen=True, slots=True)
class CheckpointInfo:
    """What :meth:`libbank.Bank.checkpoint` found and did."""

    wal_pages: int
    """Pages in the write-ahead log when the checkpoint ended (0 without a WAL, and
    after a ``"truncate"`` that finished)."""
    copied: int
    """How many of them are now in the database file (all of them when it finished)."""

    @property
    def done(self) -> bool:
        """True when every page of the WAL is in the database file."""
        return self.copied == self.wal_pages

    @classmethod
    def _from_c(cls, d: dict[str, Any]) -> CheckpointInfo:
        return cls(d["wal_pages"], d["copied"])


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """What :meth:`libbank.Bank.verify` checked and found."""

    violations: tuple[Violation, ...]
    """Every violation found (empty when the ledger is sound)."""
    accounts_checked: int
    """Accounts examined."""
    transfers_checked: int
    """Journal entries examined."""
    total: int = 0
    """Violations found; ``violations`` keeps the first 10,000."""

    @property
    def ok(self) -> bool:
        """True when no invariant is broken."""
        return not self.violations

    @classmethod
    def _from_c(cls, d: dict[str, Any]) -> VerifyReport:
        return cls(
            tuple(Violation._from_c(v) for v in d["items"]),
            d["accounts_checked"],
            d["transfers_checked"],
            d["total"],
        )


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audit record."""

    seq: int
    """Position."""
    at: _dt.datetime
    """When."""
    principal: str
    """Who."""
    action: str
    """What, ``"account.open"``."""
    object: str
    """On what, ``"account:123456789012"``."""
    details: str
    """A JSON object (text)."""

    @classmethod
    def _from_c(cls, d: dict[str, Any]) -> AuditEntry:
        return cls(d["seq"], time_from_c(d["at"]), d["principal"], d["action"], d["object"], d["details"])


def accrual_from_c(a: tuple[int, int], currency: str) -> Decimal:
    """An exact accrual (units + frac / 10**12 minor units) as a Decimal in the currency's
    major units, with every decimal it has (``Decimal("4.25531274806400")``)."""
    units, frac = a
    return Decimal(units * 10**12 + frac).scaleb(-(12 + exponent(currency)), CTX)


@dataclass(frozen=True, slots=True)
class RateEntry:
    """One entry of a product's rate schedule: ``rate`` applies from ``start`` on."""

    start: _dt.date
    """First day the rate applies."""
    rate: Decimal
    """Annual nominal rate in percent."""
    created_at: _dt.datetime
    """When the entry was set."""

    @classmethod
    def _from_c(cls, d: dict[str, Any]) -> RateEntry:
        return cls(date_from_c(d["from"]), rate_from_units(d["rate"]), time_from_c(d["created_at"]))


@dataclass(frozen=True, slots=True)
class InterestRun:
    """What one call of :meth:`libbank.Bank.interest_run` did."""

    as_of: _dt.date
    """The last day accrued."""
    accounts: int
    """Accounts this call accrued at least one day for."""
    days: int
    """Account-days accrued by this call."""
    postings: int
    """Interest transfers posted by this call."""
    transactions: int
    """Write transactions this call committed."""

    @classmethod
    def _from_c(cls, d: dict[str, Any]) -> InterestRun:
        return cls(date_from_c(d["as_of"]), d["accounts"], d["days"], d["postings"], d["transactions"])


@dataclass(frozen=True, slots=True)
class InterestPeriod:
    """One posting period of one account (a row of the interest table)."""

    start: _dt.date
    """First day."""
    end: _dt.date
    """Last day: the posting date (the day before closing for a final period)."""
    accrued_through: Optional[_dt.date]
    """Last day accrued; None before the first."""
    days: int
    """Days accrued."""
    rates: str
    """The rates applied, ``"5"`` or ``"5 from 2026-03-01; 4.5 from 2026-03-16"``."""
    balance_method: str
    """``"daily"`` or ``"average"``."""
    balance_basis: Decimal
    """Average end-of-day balance of the accrued days."""
    carried_in: Decimal
    """Remainder carried in from the previous period, exact."""
    accrued: Decimal
    """The period's interest at full precision, carried_in included."""
    posted: Optional[Decimal]
    """Amount posted (accrued rounded half to even); None while the period is open."""
    carried_out: Optional[Decimal]
    """accrued - posted, carried into the next period; None while open."""
    transfer: Optional[str]
    """The posting's transfer id; None while open or when nothing was posted."""
    posted_at: Optional[_dt.datetime]
    """When it was posted; None while open."""
    currency: str
    """ISO 4217 code of the amounts."""

    @classmethod
    def _from_c(cls, d: dict[str, Any], cur: str) -> InterestPeriod:
        start = date_from_c(d["start"])
        through = date_from_c(d["accrued_through"])
        posted = d["posted_flag"]
        return cls(
            start, date_from_c(d["end"]), through if through >= start else None, d["days"], d["rates"],
            d["balance_method"], from_minor(d["balance_basis"], cur), accrual_from_c(d["carried_in"], cur),
            accrual_from_c(d["accrued"], cur), from_minor(d["posted"], cur) if posted else None,
            accrual_from_c(d["carried_out"], cur) if posted else None, d["transfer"] or None,
            opt_time(d["posted_at"]), cur,
        )


@dataclass(frozen=True, slots=True)
class InterestTable:
    """An account's interest table, oldest period first."""

    account: str
    """Account number."""
    currency: str
    """ISO 4217 code."""
    periods: tuple[InterestPeriod, ...]
    """The periods (empty before the first accrued day)."""

    @classmethod
    def _from_c(cls, d: dict[str, Any]) -> InterestTable:
        cur = d["currency"]
        return cls(d["account"], cur, tuple(InterestPeriod._from_c(p, cur) for p in d["periods"]))
