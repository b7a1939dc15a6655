"""Exceptions: one class per stable error name of libbank's shared contract.

Every failure of a libbank call raises a subclass of :class:`Error`; no call returns
None to signal failure. The class is the error's stable name in CamelCase
(``insufficient_funds`` -> :class:`InsufficientFunds`), the table of
``include/bank/error.h`` and ``docs/errors.md``.
"""

from __future__ import annotations

from typing import ClassVar

from . import _libbank as _c

__all__ = [
    "Error",
    "InvalidArgument",
    "NotFound",
    "AlreadyExists",
    "InsufficientFunds",
    "CurrencyMismatch",
    "AccountFrozen",
    "AccountClosed",
    "LimitExceeded",
    "Conflict",
    "Busy",
    "PermissionDenied",
    "AuthenticationFailed",
    "IoError",
    "Corrupt",
    "Misuse",
    "OutOfMemory",
]


class Error(Exception):
    """A libbank failure.

    Attributes:
        code: the stable snake_case name of the error (``"insufficient_funds"``): match
            on it (or on the class), never on the message.
        errno: the numeric C status (negative, ``bank_status``: -4 for
            insufficient_funds).
        message: a human sentence from libbank; it may change between versions.
        sqlite_code: SQLite's extended result code when SQLite caused the failure, else 0.
    """

    code: ClassVar[str] = "unknown"
    _errno: ClassVar[int] = 0

    errno: int
    message: str
    sqlite_code: int

    def __init__(self, message: str = "", *, errno: int | None = None, sqlite_code: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.errno = type(self)._errno if errno is None else errno
        self.sqlite_code = sqlite_code

    def __str__(self) -> str:
        return self.message or _c.bank_strerror(self.errno)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code!r}, errno={self.errno})"

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (_rebuild, (self.errno, self.sqlite_code, self.message))


class InvalidArgument(Error, ValueError):
    """invalid_argument: malformed or out-of-range input (also a ValueError)."""

    code = "invalid_argument"
    _errno = _c.BANK_EINVAL


class NotFound(Error, LookupError):
    """not_found: no such object (also a LookupError)."""

    code = "not_found"
    _errno = _c.BANK_ENOTFOUND


class AlreadyExists(Error):
    """already_exists: the object exists already."""

    code = "already_exists"
    _errno = _c.BANK_EEXISTS


class InsufficientFunds(Error):
    """insufficient_funds: a debit above what is available."""

    code = "insufficient_funds"
    _errno = _c.BANK_EFUNDS


class CurrencyMismatch(Error):
    """currency_mismatch: accounts or amount of other currencies."""

    code = "currency_mismatch"
    _errno = _c.BANK_ECURRENCY


class AccountFrozen(Error):
    """account_frozen: the account refuses this direction."""

    code = "account_frozen"
    _errno = _c.BANK_EFROZEN


class AccountClosed(Error):
    """account_closed: the account is closed."""

    code = "account_closed"
    _errno = _c.BANK_ECLOSED


class LimitExceeded(Error):
    """limit_exceeded: a limit or an integer range would be passed."""

    code = "limit_exceeded"
    _errno = _c.BANK_ELIMIT


class Conflict(Error):
    """conflict: an id reused with other fields."""

    code = "conflict"
    _errno = _c.BANK_ECONFLICT


class Busy(Error):
    """busy: the database stayed locked past the busy timeout."""

    code = "busy"
    _errno = _c.BANK_EBUSY


class PermissionDenied(Error):
    """permission_denied: the principal may not do this."""

    code = "permission_denied"
    _errno = _c.BANK_EPERM


class AuthenticationFailed(Error):
    """authentication_failed: bad credentials or session."""

    code = "authentication_failed"
    _errno = _c.BANK_EAUTH


class IoError(Error):
    """io_error: the storage failed."""

    code = "io_error"
    _errno = _c.BANK_EIO


class Corrupt(Error):
    """corrupt: not a libbank database, or an invariant broken.

    Raised by :meth:`libbank.Bank.verify` with the report of what it found in
    ``report`` (a :class:`libbank.VerifyReport`).
    """

    code = "corrupt"
    _errno = _c.BANK_ECORRUPT
    report: object = None


class Misuse(Error):
    """misuse: the API was called wrongly (a closed Bank, a NULL handle...)."""

    code = "misuse"
    _errno = _c.BANK_EMISUSE


class OutOfMemory(Error, MemoryError):
    """out_of_memory: an allocation failed (also a MemoryError)."""

    code = "out_of_memory"
    _errno = _c.BANK_ENOMEM


_BY_ERRNO: dict[int, type[Error]] = {
    cls._errno: cls
    for cls in (
        InvalidArgument, NotFound, AlreadyExists, InsufficientFunds, CurrencyMismatch,
        AccountFrozen, AccountClosed, LimitExceeded, Conflict, Busy, PermissionDenied,
        AuthenticationFailed, IoError, Corrupt, Misuse, OutOfMemory,
    )
}


def make(errno: int, message: str, sqlite_code: int = 0) -> Error:
    """The exception for C status ``errno``.

    A code this package does not know (one a newer libbank appended) gives a plain
    :class:`Error` whose ``code`` is libbank's name for it.
    """
    cls = _BY_ERRNO.get(errno)
    if cls is not None:
        return cls(message, errno=errno, sqlite_code=sqlite_code)
    e = Error(message, errno=errno, sqlite_code=sqlite_code)
    e.code = _c.bank_error_name(errno)  # type: ignore[misc]
    return e


def _rebuild(errno: int, sqlite_code: int, message: str) -> Error:
    return make(errno, message, sqlite_code)


def _factory(errno: int, sqlite_code: int, message: str) -> Error:
    return make(errno, message, sqlite_code)


# Every failing call of the extension module raises through this factory from now on.
_c.bank_py_set_error_factory(_factory)
