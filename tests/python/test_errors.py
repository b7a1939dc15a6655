"""Exceptions: one class per stable error name, matching libbank's own table."""

from __future__ import annotations

import pickle

import pytest

import libbank
from libbank import _errors, _libbank

CLASSES = {
    "invalid_argument": libbank.InvalidArgument,
    "not_found": libbank.NotFound,
    "already_exists": libbank.AlreadyExists,
    "insufficient_funds": libbank.InsufficientFunds,
    "currency_mismatch": libbank.CurrencyMismatch,
    "account_frozen": libbank.AccountFrozen,
    "account_closed": libbank.AccountClosed,
    "limit_exceeded": libbank.LimitExceeded,
    "conflict": libbank.Conflict,
    "busy": libbank.Busy,
    "permission_denied": libbank.PermissionDenied,
    "authentication_failed": libbank.AuthenticationFailed,
    "io_error": libbank.IoError,
    "corrupt": libbank.Corrupt,
    "misuse": libbank.Misuse,
    "out_of_memory": libbank.OutOfMemory,
}


def camel(name: str) -> str:
    return "".join(p.capitalize() for p in name.split("_"))


def test_errors_every_c_code_has_its_class() -> None:
    for errno in range(-1, _libbank.BANK_ERROR_MIN - 1, -1):
        name = libbank.error_name(errno)
        cls = CLASSES[name]
        assert cls.__name__ == camel(name)
        assert cls.code == name
        assert libbank.error_code(name) == errno
        e = _errors.make(errno, "boom")
        assert type(e) is cls and e.errno == errno and e.code == name and e.message == "boom"
        assert isinstance(e, libbank.Error)
    assert len(CLASSES) == -_libbank.BANK_ERROR_MIN


def test_errors_names_and_texts() -> None:
    assert libbank.error_name(0) == "ok"
    assert libbank.error_name(-999) == "unknown"
    assert libbank.error_code("nope") == _libbank.BANK_EINVAL
    assert libbank.strerror(_libbank.BANK_EFUNDS) == "insufficient funds"
    assert libbank.strerror(-999) == "unknown error"


def test_errors_unknown_code__plain_error_with_libbanks_name() -> None:
    e = _errors.make(-999, "from the future")
    assert type(e) is libbank.Error
    assert e.code == "unknown" and e.errno == -999


def test_errors_builtin_bases() -> None:
    assert issubclass(libbank.InvalidArgument, ValueError)
    assert issubclass(libbank.NotFound, LookupError)
    assert issubclass(libbank.OutOfMemory, MemoryError)


def test_errors_str_repr_pickle() -> None:
    e = libbank.InsufficientFunds("not enough", sqlite_code=0)
    assert str(e) == "not enough"
    assert "InsufficientFunds" in repr(e) and "insufficient_funds" in repr(e)
    e2 = pickle.loads(pickle.dumps(e))
    assert type(e2) is libbank.InsufficientFunds and e2.message == "not enough" and e2.errno == -4
    assert str(libbank.Busy()) == "database busy"


def test_errors_raised_from_c_carry_code_and_message() -> None:
    with pytest.raises(libbank.InvalidArgument) as info:
        _libbank.bank_amount_parse("1.234", "USD")
    assert info.value.errno == _libbank.BANK_EINVAL
    assert info.value.code == "invalid_argument"
    assert "decimals" in info.value.message
    assert info.value.sqlite_code == 0


def test_errors_sqlite_code_kept(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "not-a-bank.db"
    p.write_bytes(b"this is not a database file, just some text" * 100)
    with pytest.raises(libbank.Error) as info:
        libbank.open(str(p))
    assert info.value.code in ("corrupt", "io_error")
    assert info.value.sqlite_code != 0


def test_errors_factory_fallback_without_package() -> None:
    old = _libbank.bank_py_set_error_factory(None)
    try:
        with pytest.raises(RuntimeError, match="^invalid_argument: "):
            _libbank.bank_amount_parse("x", "USD")
    finally:
        _libbank.bank_py_set_error_factory(old)
    with pytest.raises(libbank.InvalidArgument):
        _libbank.bank_amount_parse("x", "USD")


def test_errors_factory_must_be_callable() -> None:
    with pytest.raises(TypeError):
        _libbank.bank_py_set_error_factory(42)


def test_errors_last_error_record() -> None:
    with pytest.raises(libbank.InvalidArgument):
        _libbank.bank_amount_parse("x", "USD")
    last = _libbank.bank_error_last()
    assert last["code"] == _libbank.BANK_EINVAL and last["message"]
    _libbank.bank_error_clear()
    assert _libbank.bank_error_last() == {"code": 0, "sqlite_code": 0, "message": ""}
    e = _libbank.bank_py_error(_libbank.BANK_EBUSY)
    assert type(e) is libbank.Busy and e.message == "database busy"
