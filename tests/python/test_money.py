"""Amounts, currencies, rates, times: the package's conversions and module functions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

import libbank
from libbank import _money

from bankhelpers import World


def test_money_currencies__table() -> None:
    cs = libbank.currencies()
    assert len(cs) > 100
    assert [c.code for c in cs] == sorted(c.code for c in cs)
    usd = libbank.currency("USD")
    assert (usd.code, usd.numeric, usd.exponent) == ("USD", 840, 2)
    assert libbank.currency("JPY").exponent == 0
    assert libbank.currency("BHD").exponent == 3
    assert "US" in repr(usd)


def test_money_currencies__unknown() -> None:
    with pytest.raises(libbank.InvalidArgument):
        libbank.currency("XXZ")
    with pytest.raises(libbank.InvalidArgument):
        libbank.currency("usd")


@pytest.mark.parametrize(
    "amount, currency, minor",
    [
        (Decimal("12.50"), "USD", 1250),
        (Decimal("12.5"), "USD", 1250),
        (Decimal("12.500"), "USD", 1250),  # judged by value: the extra zero is no decimal
        (Decimal("1E+2"), "USD", 10000),
        (Decimal("0.001"), "BHD", 1),
        ("12.50", "USD", 1250),
        ("12", "USD", 1200),
        ("7", "JPY", 7),
        (12, "USD", 1200),
        (5, "JPY", 5),
        (0, "USD", 0),
        (Decimal("-3.25"), "USD", -325),
        (Decimal("1." + "0" * 150), "USD", 100),
        (Decimal("92233720368547758.07"), "USD", 2**63 - 1),
    ],
)
def test_money_to_minor__accepted(amount: libbank.Amount, currency: str, minor: int) -> None:
    assert libbank.to_minor(amount, currency) == minor


@pytest.mark.parametrize(
    "amount, currency",
    [
        (Decimal("12.345"), "USD"),
        (Decimal("0.5"), "JPY"),
        ("12.345", "USD"),
        ("12.500", "USD"),  # text follows libbank's grammar: at most the exponent's decimals
        ("1e3", "USD"),
        ("-1", "USD"),
        ("1,000", "USD"),
        (".5", "USD"),
        ("", "USD"),
        (Decimal("NaN"), "USD"),
        (Decimal("Infinity"), "USD"),
        (Decimal("1E+30"), "USD"),
        (10**20, "USD"),
        (Decimal("1E-100"), "USD"),
        ("99999999999999999999", "USD"),
        (Decimal("1." + "0" * 150 + "1"), "USD"),
        (Decimal("92233720368547758.08"), "USD"),
    ],
)
def test_money_to_minor__invalid(amount: libbank.Amount, currency: str) -> None:
    with pytest.raises(libbank.InvalidArgument):
        libbank.to_minor(amount, currency)


@pytest.mark.parametrize("amount", [1.5, 1.0, True, False, None, b"1", [1], object()])
def test_money_to_minor__wrong_type(amount: object) -> None:
    with pytest.raises(TypeError):
        libbank.to_minor(amount, "USD")  # type: ignore[arg-type]


# Decimals of every shape to_minor() meets: plain amounts, more decimals than a currency
# has, many digits, huge and tiny exponents, negative zero, NaN and infinities.
_decimals = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True),
    st.decimals(min_value=-(10**17), max_value=10**17, places=2),
    st.builds(
        lambda sign, digits, exp: Decimal((sign, tuple(int(c) for c in str(digits)), exp)),
        st.integers(0, 1),
        st.one_of(st.integers(0, 10**20), st.integers(0, 10**120)),
        st.one_of(st.integers(-25, 25), st.integers(-(10**6) - 10, 10**6 + 10)),
    ),
    st.sampled_from([Decimal("99999999999999999.99"), Decimal("92233720368547758.07"), Decimal("-0.00"),
                     Decimal("1E+16"), Decimal("1E+17"), Decimal("1E+18"), Decimal("sNaN"), Decimal("-Infinity")]),
)


def _outcome(fn: object, amount: object, currency: str) -> tuple[object, object]:
    try:
        return ("ok", fn(amount, currency, "amount"))  # type: ignore[operator]
    except Exception as e:  # noqa: BLE001 - the exception itself is what is compared
        return (type(e), str(e))


@settings(max_examples=400, deadline=None)
@given(st.one_of(_decimals, st.integers(), st.integers(-(2**70), 2**70)), st.sampled_from(["USD", "JPY", "BHD", "CLF"]))
def test_money_to_minor__fast_path_agrees(amount: object, currency: str) -> None:
    """to_minor()'s fast path (exact Decimal or int, currency seen) gives what the
    general path gives: the same int, or the same exception with the same message."""
    _money.exponent(currency)  # the fast path needs the currency looked up once
    assert _outcome(libbank.to_minor, amount, currency) == _outcome(_money._to_minor, amount, currency)


def test_money_to_minor__fast_path_edges() -> None:
    _money.exponent("USD")
    assert libbank.to_minor(Decimal("9999999999999999.99"), "USD") == 999999999999999999  # 10**18 - 1: fast
    assert libbank.to_minor(Decimal("10000000000000000.00"), "USD") == 10**18  # general path
    assert libbank.to_minor(Decimal("-0.00"), "USD") == 0
    assert libbank.to_minor(Decimal("1E+2"), "USD") == 10000
    assert libbank.to_minor(-5, "USD") == -500
    with pytest.raises(libbank.InvalidArgument, match="more decimals"):
        libbank.to_minor(Decimal("0.001"), "USD")
    with pytest.raises(libbank.InvalidArgument, match="out of range"):
        libbank.to_minor(2**62, "USD")
    with pytest.raises(TypeError):
        libbank.to_minor(True, "USD")  # bool is not an int here, on either path


def test_money_to_minor__unknown_currency() -> None:
    with pytest.raises(libbank.InvalidArgument):
        libbank.to_minor(1, "ZZZ")


def test_money_from_minor__exact_decimals() -> None:
    assert str(libbank.from_minor(1250, "USD")) == "12.50"
    assert str(libbank.from_minor(-5, "USD")) == "-0.05"
    assert str(libbank.from_minor(7, "JPY")) == "7"
    assert str(libbank.from_minor(1, "BHD")) == "0.001"
    assert libbank.from_minor(2**63 - 1, "USD") == Decimal("92233720368547758.07")


def test_money_from_minor__ignores_the_callers_context() -> None:
    import decimal

    with decimal.localcontext() as ctx:
        ctx.prec = 4
        ctx.traps[decimal.Inexact] = True
        assert str(libbank.from_minor(12345678, "USD")) == "123456.78"
        assert str(libbank.from_minor(2**63 - 1, "BHD")) == "9223372036854775.807"


def test_money_from_minor__returned_records_ignore_the_callers_context(world: World) -> None:
    import decimal

    b = world.bank
    with decimal.localcontext() as ctx:
        ctx.prec = 4
        t = b.deposit(world.a, "123456.78")
        assert str(t.amount) == "123456.78"
        assert str(t.credit_balance) == "124456.78"
        assert str(b.balance(world.a).balance) == "124456.78"
        assert str(b.account(world.a).balance) == "124456.78"
        entry = list(b.statement(world.a))[-1]
        assert str(entry.amount) == "123456.78"
        assert str(entry.balance_after) == "124456.78"


def test_money_parse_format_amount() -> None:
    assert libbank.parse_amount("12.5", "USD") == Decimal("12.50")
    assert libbank.format_amount(Decimal("12.5"), "USD") == "12.50"
    assert libbank.format_amount(1000, "JPY") == "1000"
    with pytest.raises(libbank.InvalidArgument):
        libbank.parse_amount("12.345", "USD")


def test_money_to_text__no_exponent_notation() -> None:
    assert _money.to_text(Decimal("1E+2")) == "100"
    assert _money.to_text(Decimal("0.0000001")) == "0.0000001"
    # Judged by value, as amounts are: trailing zeros and the sign of zero go.
    assert _money.to_text(Decimal("12.500")) == "12.5"
    assert _money.to_text(Decimal("12.000")) == "12"
    assert _money.to_text(Decimal("1200")) == "1200"
    assert _money.to_text(Decimal("-0")) == "0"
    assert _money.to_text(Decimal("-0.000")) == "0"
    assert _money.to_text(Decimal("-1.10")) == "-1.1"
    assert _money.to_text(None) == ""
    assert _money.to_text(dt.date(2000, 1, 2)) == "2000-01-02"
    with pytest.raises(TypeError):
        _money.to_text(1.5)


def test_money_rates() -> None:
    assert libbank.parse_rate("2.50") == Decimal("2.5")
    assert libbank.format_rate(Decimal("0.1250")) == "0.125"
    assert libbank.format_rate(3) == "3"
    with pytest.raises(libbank.InvalidArgument):
        libbank.parse_rate("1000.5")
    with pytest.raises(libbank.InvalidArgument):
        libbank.parse_rate("0.0000001")
    with pytest.raises(TypeError):
        libbank.format_rate(2.5)  # type: ignore[arg-type]


def test_money_rounding() -> None:
    assert libbank.round_half_even(1250, 2) == 1200
    assert libbank.round_half_even(1350, 2) == 1400
    assert libbank.div_round_half_even(5, 2) == 2
    assert libbank.div_round_half_even(7, 2) == 4
    assert libbank.div_round_half_even(-5, 2) == -2
    with pytest.raises(libbank.InvalidArgument):
        libbank.div_round_half_even(1, 0)
    with pytest.raises(libbank.InvalidArgument):
        libbank.round_half_even(1, 19)
    with pytest.raises(libbank.LimitExceeded):
        libbank.round_half_even(2**63 - 1, 3)


def test_money_times_and_dates() -> None:
    t = libbank.parse_time("2026-11-24T12:13:24.5+01:00")
    assert t == dt.datetime(2026, 11, 24, 11, 13, 24, 500000, tzinfo=dt.timezone.utc)
    assert libbank.format_time(t) == "2026-11-24T11:13:24.500000Z"
    assert libbank.format_time(0) == "1970-01-01T00:00:00.000000Z"
    naive = dt.datetime(2026, 1, 1, 0, 0)
    assert libbank.format_time(naive) == "2026-01-01T00:00:00.000000Z"
    assert libbank.parse_date("2024-02-29") == dt.date(2024, 2, 29)
    assert libbank.format_date(dt.date(1969, 12, 31)) == "1969-12-31"
    for bad in ("2023-02-29", "2024-13-01", "24-01-01", ""):
        with pytest.raises(libbank.InvalidArgument):
            libbank.parse_date(bad)
    with pytest.raises(libbank.InvalidArgument):
        libbank.parse_time("yesterday")
    with pytest.raises(libbank.LimitExceeded):
        libbank.format_time(2**62)
    with pytest.raises(TypeError):
        libbank.format_date(dt.datetime(2020, 1, 1))  # type: ignore[arg-type]


def test_money_checks() -> None:
    libbank.check_transfer_id("abc-123")
    libbank.check_transfer_id("has space")  # printable ASCII is 0x20-0x7e
    for bad in ("", "has\ttab", "x" * 65, "caf\u00e9", "\x7f"):
        with pytest.raises(libbank.InvalidArgument):
            libbank.check_transfer_id(bad)
    with pytest.raises(libbank.InvalidArgument):
        libbank.check_account_number("123")
    with pytest.raises(libbank.InvalidArgument):
        libbank.check_account_number("000000000000")
