"""libbank: an embeddable banking core on SQLite, for Python.

One SQLite file keeps a bank's books: branches, products, customers, accounts and a
double-entry ledger that never loses or invents money::

    import libbank

    with libbank.open("bank.db") as bank:
        bank.add_branch("HQ", "Head office")
        bank.add_product("CHK", "Checking", "USD", kind="current")
        alice = bank.add_customer("Alice Example", email="alice@example.com")
        acct = bank.open_account(alice.id, "CHK", "HQ")
        bank.deposit(acct.number, "100.00", id="dep-1")
        print(bank.balance(acct.number).available)        # Decimal('100.00')

Conventions:

- Accounts are passed as their 12-digit number (str).
- Amounts are :class:`decimal.Decimal`, ``str`` (``"12.50"``) or ``int`` whole units;
  ``float`` and ``bool`` raise TypeError; more decimals than the currency has raise
  :class:`InvalidArgument`. Money comes back as Decimal, with the currency on the record
  that holds it.
- Every failure raises a :class:`Error` subclass named after libbank's stable error
  name (``insufficient_funds`` -> :class:`InsufficientFunds`); no call returns None to
  signal failure.
- Records are frozen dataclasses; times are aware datetimes in UTC.
- A transfer id is an idempotency key: replaying a request returns the original with
  ``status == "exists"`` and posts nothing.
- The GIL is released while libbank works: use one :class:`Bank` per thread to run
  calls in parallel (one Bank is safe to share, but its calls are serialized).

The private module ``libbank._libbank`` is the mechanical SWIG wrapper of the C API
under its C names; this package is the supported interface.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

from . import _libbank
from ._bank import WAL_AUTOCHECKPOINT_OFF, AuditTrail, Bank, Statement, open
from ._errors import (
    AccountClosed,
    AccountFrozen,
    AlreadyExists,
    AuthenticationFailed,
    Busy,
    Conflict,
    Corrupt,
    CurrencyMismatch,
    Error,
    InsufficientFunds,
    InvalidArgument,
    IoError,
    LimitExceeded,
    Misuse,
    NotFound,
    OutOfMemory,
    PermissionDenied,
)
from ._money import Amount, from_minor, to_minor
from ._records import (
    Account,
    AccountEdit,
    Address,
    AuditEntry,
    Balance,
    BatchResult,
    Branch,
    CheckpointInfo,
    Currency,
    Customer,
    InterestPeriod,
    InterestRun,
    InterestTable,
    Product,
    RateEntry,
    StatementEntry,
    Transfer,
    TransferRequest,
    TrialBalance,
    TrialLine,
    TrialTotal,
    VerifyReport,
    Violation,
    date_from_c,
    date_to_c,
    time_from_c,
    time_to_c,
)

__all__ = [
    # opening
    "open", "Bank", "Statement", "AuditTrail", "WAL_AUTOCHECKPOINT_OFF",
    # records
    "Account", "AccountEdit", "Address", "AuditEntry", "Balance", "BatchResult", "Branch", "CheckpointInfo",
    "Currency", "Customer", "Product", "StatementEntry", "Transfer", "TransferRequest",
    "TrialBalance", "TrialLine", "TrialTotal", "VerifyReport", "Violation", "Amount",
    "RateEntry", "InterestRun", "InterestPeriod", "InterestTable",
    # errors
    "Error", "InvalidArgument", "NotFound", "AlreadyExists", "InsufficientFunds",
    "CurrencyMismatch", "AccountFrozen", "AccountClosed", "LimitExceeded", "Conflict", "Busy",
    "PermissionDenied", "AuthenticationFailed", "IoError", "Corrupt", "Misuse", "OutOfMemory",
    # functions
    "libversion", "libversion_number", "schema_version", "strerror", "error_name", "error_code",
    "currency", "currencies", "parse_amount", "format_amount", "to_minor", "from_minor",
    "round_half_even", "div_round_half_even", "parse_rate", "format_rate",
    "check_account_number", "check_transfer_id", "format_time", "parse_time", "format_date",
    "parse_date",
]

#: The version of the package, which is the version of the libbank it was built with.
__version__: str = _libbank.BANK_VERSION


def libversion() -> str:
    """The version string of the libbank library actually loaded."""
    return _libbank.bank_libversion()  # type: ignore[no-any-return]


def libversion_number() -> int:
    """The version number of the loaded libbank: MAJOR * 1000000 + MINOR * 1000 + PATCH."""
    return _libbank.bank_libversion_number()  # type: ignore[no-any-return]


def schema_version() -> int:
    """The schema version this libbank writes (PRAGMA user_version)."""
    return _libbank.bank_schema_version()  # type: ignore[no-any-return]


def strerror(errno: int) -> str:
    """A static English description of a C status code ("insufficient funds")."""
    return _libbank.bank_strerror(errno)  # type: ignore[no-any-return]


def error_name(errno: int) -> str:
    """The stable name of a C status code ("insufficient_funds"); "ok" for 0, "unknown"
    for codes libbank does not know."""
    return _libbank.bank_error_name(errno)  # type: ignore[no-any-return]


def error_code(name: str) -> int:
    """The C status code whose stable name is ``name`` (BANK_EINVAL, -1, for unknown
    names; 0 for "ok")."""
    return _libbank.bank_error_code(name)  # type: ignore[no-any-return]


def currency(code: str) -> Currency:
    """The ISO 4217 currency ``code`` (exact, upper case) from libbank's built-in table.
    Raises InvalidArgument for an unknown code."""
    d = _libbank.bank_currency_find(code)
    if d is None:
        raise InvalidArgument(f"unknown currency {code!r}")
    return Currency._from_c(d)


def currencies() -> list[Currency]:
    """Every currency of libbank's built-in table, sorted by code."""
    return [Currency._from_c(_libbank.bank_currency_at(i)) for i in range(_libbank.bank_currency_count())]


def parse_amount(text: str, currency: str) -> Decimal:
    """Parses amount text in libbank's grammar (``^[0-9]+(\\.[0-9]+)?$``, at most the
    currency's decimals) into a Decimal. Raises InvalidArgument."""
    return from_minor(_libbank.bank_amount_parse(text, currency), currency)


def format_amount(amount: Amount, currency: str) -> str:
    """Formats an amount with exactly the currency's decimals (``"-12.50"``, ``"1000"``
    for JPY)."""
    return _libbank.bank_amount_format(to_minor(amount, currency), currency)  # type: ignore[no-any-return]


def round_half_even(value: int, digits: int) -> int:
    """Rounds int ``value`` to a multiple of 10**digits, half to even (1250, 2 -> 1200).
    Raises InvalidArgument (digits outside 0..18), LimitExceeded."""
    return _libbank.bank_round_half_even(value, digits)  # type: ignore[no-any-return]


def div_round_half_even(num: int, den: int) -> int:
    """num / den rounded half to even (banker's rounding), in int64. Raises
    InvalidArgument (den 0), LimitExceeded."""
    return _libbank.bank_div_round_half_even(num, den)  # type: ignore[no-any-return]


def parse_rate(text: str) -> Decimal:
    """Parses an annual percentage rate (``"2.5"``; at most 6 decimals, at most 1000)
    and returns it as an exact Decimal. Raises InvalidArgument."""
    return Decimal(_libbank.bank_rate_format(_libbank.bank_rate_parse(text)))


def format_rate(rate: Amount) -> str:
    """The shortest exact text of a percentage rate (``Decimal("2.50")`` -> ``"2.5"``)."""
    from ._money import rate_to_units

    return _libbank.bank_rate_format(rate_to_units(rate))  # type: ignore[no-any-return]


def check_account_number(number: str) -> None:
    """Checks an account number's form and check digits (12 digits, ISO 7064 MOD 97-10)
    without touching any database. Raises InvalidArgument."""
    _libbank.bank_account_number_check(number)


def check_transfer_id(id: str) -> None:
    """Checks a client-chosen transfer id: 1-64 printable ASCII characters (0x20-0x7e).
    Raises InvalidArgument."""
    _libbank.bank_transfer_id_check(id)


def format_time(t: _dt.datetime | int) -> str:
    """RFC 3339 in UTC with microseconds: ``"2026-11-24T11:13:24.000000Z"``."""
    return _libbank.bank_time_format(time_to_c(t))  # type: ignore[no-any-return]


def parse_time(text: str) -> _dt.datetime:
    """Parses RFC 3339 (``"2026-11-24T12:13:24.5+01:00"``) into an aware UTC datetime.
    Raises InvalidArgument."""
    return time_from_c(_libbank.bank_time_parse(text))


def format_date(d: _dt.date) -> str:
    """``"YYYY-MM-DD"``."""
    return _libbank.bank_date_format(date_to_c(d))  # type: ignore[no-any-return]


def parse_date(text: str) -> _dt.date:
    """Parses ``"YYYY-MM-DD"`` (a real calendar date). Raises InvalidArgument."""
    return date_from_c(_libbank.bank_date_parse(text))
