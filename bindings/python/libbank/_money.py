"""Exact money: amounts in Python (Decimal, str, int) to and from libbank's minor units.

libbank keeps amounts as integers of a currency's minor units (cents for USD, yen for
JPY, fils for BHD: ``include/bank/money.h``). Python passes amounts as
:class:`decimal.Decimal`, as ``str`` in libbank's amount grammar (``"12.50"``) or as
``int`` whole units; ``float`` and ``bool`` are refused with ``TypeError`` (a float
cannot hold most decimal amounts exactly). Amounts come back as Decimal with exactly the
currency's decimals (``Decimal("12.50")``). Nothing here uses floating point.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Context, Decimal, Inexact
from typing import Union

from . import _libbank as _c
from ._errors import InvalidArgument

__all__ = ["Amount"]

#: What the package accepts wherever it takes an amount.
Amount = Union[Decimal, str, int]

_INT64_MAX = 2**63 - 1
_INT64_MIN = -(2**63)

# For scaling Decimals by a power of ten: scaleb only moves the exponent, and a value
# with more digits than this precision traps Inexact instead of being rounded.
CTX = Context(prec=100, Emax=10**6, Emin=-(10**6), traps=[Inexact])

# Exponent per currency code; the built-in table never changes while the library is loaded.
_exponents: dict[str, int] = {}

# to_minor()'s fast path: 10**exponent as an int and as a Decimal (scaleb converts an
# int argument to Decimal on every call), indexed by exponent (currencies have 0 to 4;
# the tables go further so a longer one would still work).
_POW10 = tuple(10**e for e in range(19))
_DEXP = tuple(Decimal(e) for e in range(19))
# from_minor()'s: -exponent as a Decimal. Results are scaled in CTX, never in the
# caller's decimal context, which may round (a lower precision) or trap.
DNEG = tuple(Decimal(-e) for e in range(19))


def exponent(currency: str) -> int:
    """The number of decimals of ``currency``'s minor unit (2 for USD, 0 for JPY)."""
    e = _exponents.get(currency)
    if e is None:
        if not isinstance(currency, str):
            raise TypeError(f"currency must be str, not {type(currency).__name__}")
        c = _c.bank_currency_find(currency)
        if c is None:
            raise InvalidArgument(f"unknown currency {currency!r}")
        e = _exponents[currency] = c["exponent"]
    return e


def _check_type(amount: object, what: str = "amount") -> None:
    if isinstance(amount, (bool, float)) or not isinstance(amount, (Decimal, str, int)):
        raise TypeError(
            f"{what} must be Decimal, str or int (whole units), not {type(amount).__name__}"
        )


def to_minor(amount: Amount, currency: str, what: str = "amount") -> int:
    """``amount`` (Decimal, str or int whole units) as an int of ``currency``'s minor units.

    Raises TypeError for float, bool and other types; InvalidArgument for more decimals
    than the currency has, a malformed string, a non-finite Decimal or a value outside
    int64 minor units. Signs are kept: whether a negative or zero amount is acceptable is
    the C call's decision.
    """
    # The fast path (batches call this per item): an exact Decimal or int, a currency
    # already looked up, a value that plainly fits. Anything else, errors included, goes
    # to _to_minor(), which gives the same result for these too (a test checks).
    if type(amount) is Decimal:
        exp = _exponents.get(currency)
        if exp is not None and amount.is_finite():
            try:
                scaled = amount.scaleb(_DEXP[exp], CTX)
            except Inexact:
                pass
            else:
                # |scaled| < 10**18: within int64 whatever int() gives.
                if scaled.adjusted() < 18:
                    minor = int(scaled)
                    if minor == scaled:
                        return minor
    elif type(amount) is int:
        exp = _exponents.get(currency)
        if exp is not None:
            minor = amount * _POW10[exp]
            if _INT64_MIN <= minor <= _INT64_MAX:
                return minor
    return _to_minor(amount, currency, what)


def _to_minor(amount: Amount, currency: str, what: str) -> int:
    """to_minor() without its fast path: every type, every error."""
    _check_type(amount, what)
    exp = exponent(currency)
    if isinstance(amount, str):
        # libbank's own grammar: digits, an optional point and at most `exp` decimals.
        return int(_c.bank_amount_parse(amount, currency))
    if isinstance(amount, int):
        minor = amount * int(10**exp)
    else:
        if not amount.is_finite():
            raise InvalidArgument(f"{what} {amount} is not a finite number")
        try:
            scaled = CTX.scaleb(amount, exp)
        except Inexact:
            raise InvalidArgument(f"{what} {amount} has more digits than an amount can have") from None
        if scaled.adjusted() > 19:
            raise InvalidArgument(f"{what} {amount} is out of range for {currency}")
        minor = int(scaled)
        if minor != scaled:
            raise InvalidArgument(f"{what} {amount} has more decimals than {currency} allows ({exp})")
    if not _INT64_MIN <= minor <= _INT64_MAX:
        raise InvalidArgument(f"{what} {amount} is out of range for {currency}")
    return minor


def from_minor(minor: int, currency: str) -> Decimal:
    """``minor`` units of ``currency`` as a Decimal with exactly the currency's decimals,
    whatever the caller's decimal context."""
    return Decimal(minor).scaleb(DNEG[exponent(currency)], CTX)


def to_text(value: object, what: str = "value") -> str:
    """A value for a C text field: str as is, int in decimal, Decimal without exponent
    notation (``Decimal("1E+2")`` -> ``"100"``), a date as ``YYYY-MM-DD``, None as ``""``
    (which clears an optional field)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, float)):
        raise TypeError(f"{what} must not be {type(value).__name__}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        # Judged by value, as amounts are (to_minor): Decimal("12.500") is "12.5" and
        # Decimal("-0") is "0", so a text field takes what an amount field takes.
        if not value.is_finite():
            raise InvalidArgument(f"{what} {value} is not a finite number")
        if value.is_zero():
            return "0"
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value.isoformat()
    raise TypeError(f"{what} must be str, int, Decimal or date, not {type(value).__name__}")


def rate_to_units(rate: Amount) -> int:
    """An annual percentage (``Decimal("2.5")``, ``"2.5"`` or ``2``) as libbank rate units
    (``BANK_RATE_SCALE`` per percent)."""
    _check_type(rate, "rate")
    return int(_c.bank_rate_parse(to_text(rate, "rate")))


def rate_from_units(units: int) -> Decimal:
    """Rate units as the exact percentage, shortest form (``Decimal("2.5")``)."""
    return Decimal(_c.bank_rate_format(units))
