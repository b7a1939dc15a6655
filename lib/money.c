/*
 * money.c: amount and rate text, checked arithmetic, half-even rounding.
 *
 * An amount is an int64_t count of a currency's minor units; a rate is an int64_t count
 * of 1/BANK_RATE_SCALE percent. Both texts share one grammar, ^[0-9]+(\.[0-9]+)?$, read
 * by parse_fixed() in two passes: the whole text is checked first, then its digits are
 * accumulated with overflow-checked arithmetic. So a malformed text is reported as
 * malformed whatever its length, leading zeros cost nothing, and no intermediate value
 * ever leaves int64_t. Nothing here uses floating point.
 *
 * Failures set this thread's error with a message that quotes at most ECHO_MAX bytes
 * of the input (control bytes, non-ASCII, quotes and backslashes shown as '?'), so no
 * input can flood or garble the error record. Outputs are written only on success:
 * *out keeps its value and a format buffer keeps its contents when a call fails.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "internal.h"

#define ECHO_MAX 40
#define ECHO_SIZE (ECHO_MAX + 4) /* "..." and NUL */

/* 10^0 .. 10^18: every power of ten an int64_t holds. */
static const int64_t pow10_table[] = {
	INT64_C(1),
	INT64_C(10),
	INT64_C(100),
	INT64_C(1000),
	INT64_C(10000),
	INT64_C(100000),
	INT64_C(1000000),
	INT64_C(10000000),
	INT64_C(100000000),
	INT64_C(1000000000),
	INT64_C(10000000000),
	INT64_C(100000000000),
	INT64_C(1000000000000),
	INT64_C(10000000000000),
	INT64_C(100000000000000),
	INT64_C(1000000000000000),
	INT64_C(10000000000000000),
	INT64_C(100000000000000000),
	INT64_C(1000000000000000000),
};

/* ---- Helpers ---- */

/* Copies at most ECHO_MAX bytes of @p text into @p dst for quoting in a message. */
static const char *echo(char dst[ECHO_SIZE], const char *text)
{
	size_t i;
	for (i = 0; i < ECHO_MAX && text[i] != '\0'; i++) {
		unsigned char c = (unsigned char)text[i];
		bool plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
		dst[i] = (char)(plain ? c : '?');
	}
	if (text[i] != '\0')
		memcpy(dst + i, "...", 4);
	else
		dst[i] = '\0';
	return dst;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Looks up @p code for a call named @p fn; sets the error when it is NULL or unknown. */
static const bank_currency *currency_get(const char *fn, const char *code)
{
	char e[ECHO_SIZE];
	const bank_currency *c;

	if (code == NULL) {
		bank__err(BANK_EINVAL, "%s: currency is NULL", fn);
		return NULL;
	}
	c = bank_currency_find(code);
	if (c == NULL)
		bank__err(BANK_EINVAL, "unknown currency \"%s\" (expected an upper-case ISO 4217 code)", echo(e, code));
	return c;
}

/*
 * Writes @p mag (negated when @p neg) with @p decimals digits after the point into
 * @p buf. BANK_OK, or BANK_ELIMIT (error set, buf untouched) when it does not fit.
 */
static int format_fixed(const char *fn, char *buf, size_t size, uint64_t mag, bool neg, int decimals)
{
	char tmp[48];
	char *p = tmp + sizeof tmp;
	int n = 0;

	*--p = '\0';
	do {
		*--p = (char)('0' + (int)(mag % 10));
		mag /= 10;
		if (++n == decimals)
			*--p = '.';
	} while (mag != 0 || n <= decimals);
	if (neg)
		*--p = '-';

	size_t len = (size_t)(tmp + sizeof tmp - p); /* with the NUL */
	if (len > size)
		return bank__err(BANK_ELIMIT, "%s: a buffer of %zu bytes is too small for \"%s\" (%zu needed)", fn,
				 size, p, len);
	memcpy(buf, p, len);
	return BANK_OK;
}

/*
 * Parses @p text (^[0-9]+(\.[0-9]+)?$, at most @p decimals decimals) into units of
 * 10^-decimals, at most @p max. @p what names the value in messages ("amount", "rate");
 * @p cur is the currency for amounts, NULL for rates. *out is written only on success.
 */
static int parse_fixed(int64_t *out, const char *text, int decimals, int64_t max, const char *what,
		       const bank_currency *cur)
{
	char e[ECHO_SIZE];
	const char *p = text;
	size_t int_digits = 0, frac_digits = 0;
	bool point = false;
	int64_t v = 0;

	/* Pass 1: the grammar. */
	while (is_digit(*p)) {
		p++;
		int_digits++;
	}
	if (*p == '.') {
		point = true;
		p++;
		while (is_digit(*p)) {
			p++;
			frac_digits++;
		}
	}
	if (*text == '\0')
		return bank__err(BANK_EINVAL, "%s is empty", what);
	if (*p != '\0' || int_digits == 0 || (point && frac_digits == 0))
		return bank__err(BANK_EINVAL,
				 "%s \"%s\" is malformed: expected digits with an optional '.' and decimals (no sign, "
				 "exponent, separator or space)",
				 what, echo(e, text));
	if (point && decimals == 0 && cur != NULL)
		return bank__err(BANK_EINVAL, "%s \"%s\" has decimals but %s has no minor units", what, echo(e, text),
				 cur->code);
	if (frac_digits > (size_t)decimals) {
		if (cur != NULL)
			return bank__err(BANK_EINVAL, "%s \"%s\" has more than %d decimals for %s", what, echo(e, text),
					 decimals, cur->code);
		return bank__err(BANK_EINVAL, "%s \"%s\" has more than %d decimals", what, echo(e, text), decimals);
	}

	/* Pass 2: the value, overflow-checked at every step. */
	bool over = false;
	for (p = text; *p != '\0' && !over; p++) {
		if (*p == '.')
			continue;
		over = __builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *p - '0', &v);
	}
	for (size_t i = frac_digits; i < (size_t)decimals && !over; i++)
		over = __builtin_mul_overflow(v, 10, &v);
	if (over || v > max) {
		char m[BANK_AMOUNT_SIZE];
		int64_t mv = max;
		int md = decimals;
		while (cur == NULL && md > 0 && mv % 10 == 0) { /* rates: shortest text */
			mv /= 10;
			md--;
		}
		if (format_fixed(what, m, sizeof m, (uint64_t)mv, false, md) != BANK_OK)
			m[0] = '\0'; /* cannot happen: m is large enough */
		if (cur != NULL)
			return bank__err(BANK_EINVAL, "%s \"%s\" is out of range for %s (at most %s)", what,
					 echo(e, text), cur->code, m);
		return bank__err(BANK_EINVAL, "%s \"%s\" is out of range (at most %s%%)", what, echo(e, text), m);
	}
	*out = v;
	return BANK_OK;
}

/* num / den rounded half to even; no error set. */
static int div_half_even(int64_t *out, int64_t num, int64_t den)
{
	if (den == 0)
		return BANK_EINVAL;
	if (num == INT64_MIN && den == -1)
		return BANK_ELIMIT;

	int64_t q = num / den; /* truncated toward zero */
	int64_t r = num % den; /* same sign as num, |r| < |den| */
	if (r != 0) {
		uint64_t ar = r < 0 ? 0 - (uint64_t)r : (uint64_t)r;
		uint64_t ad = den < 0 ? 0 - (uint64_t)den : (uint64_t)den;
		uint64_t rest = ad - ar; /* 2|r| vs |den| without overflow: |r| vs |den| - |r| */
		if (ar > rest || (ar == rest && q % 2 != 0))
			q += (num < 0) != (den < 0) ? -1 : 1; /* away from zero; |den| >= 2 here */
	}
	*out = q;
	return BANK_OK;
}

/* ---- Amounts ---- */

int bank_amount_parse(int64_t *out, const char *text, const char *currency)
{
	const bank_currency *cur;

	if (out == NULL)
		return bank__err(BANK_EINVAL, "bank_amount_parse: out is NULL");
	if (text == NULL)
		return bank__err(BANK_EINVAL, "bank_amount_parse: amount text is NULL");
	cur = currency_get("bank_amount_parse", currency);
	if (cur == NULL)
		return BANK_EINVAL;
	return parse_fixed(out, text, cur->exponent, INT64_MAX, "amount", cur);
}

int bank_amount_format(char *buf, size_t size, int64_t amount, const char *currency)
{
	const bank_currency *cur;

	if (buf == NULL)
		return bank__err(BANK_EINVAL, "bank_amount_format: buffer is NULL");
	cur = currency_get("bank_amount_format", currency);
	if (cur == NULL)
		return BANK_EINVAL;
	uint64_t mag = amount < 0 ? 0 - (uint64_t)amount : (uint64_t)amount;
	return format_fixed("bank_amount_format", buf, size, mag, amount < 0, cur->exponent);
}

/* ---- Checked arithmetic ---- */

int bank_money_add(int64_t *out, int64_t a, int64_t b)
{
	int64_t r;

	if (out == NULL)
		return bank__err(BANK_EINVAL, "bank_money_add: out is NULL");
	if (__builtin_add_overflow(a, b, &r))
		return bank__err(BANK_ELIMIT, "overflow: %" PRId64 " + %" PRId64 " leaves the int64 range", a, b);
	*out = r;
	return BANK_OK;
}

int bank_money_sub(int64_t *out, int64_t a, int64_t b)
{
	int64_t r;

	if (out == NULL)
		return bank__err(BANK_EINVAL, "bank_money_sub: out is NULL");
	if (__builtin_sub_overflow(a, b, &r))
		return bank__err(BANK_ELIMIT, "overflow: %" PRId64 " - %" PRId64 " leaves the int64 range", a, b);
	*out = r;
	return BANK_OK;
}

int bank_money_mul(int64_t *out, int64_t a, int64_t b)
{
	int64_t r;

	if (out == NULL)
		return bank__err(BANK_EINVAL, "bank_money_mul: out is NULL");
	if (__builtin_mul_overflow(a, b, &r))
		return bank__err(BANK_ELIMIT, "overflow: %" PRId64 " * %" PRId64 " leaves the int64 range", a, b);
	*out = r;
	return BANK_OK;
}

/* ---- Rounding ---- */

int bank_div_round_half_even(int64_t *out, int64_t num, int64_t den)
{
	int64_t q;
	int rc;

	if (out == NULL)
		return bank__err(BANK_EINVAL, "bank_div_round_half_even: out is NULL");
	rc = div_half_even(&q, num, den);
	if (rc == BANK_EINVAL)
		return bank__err(rc, "bank_div_round_half_even: division of %" PRId64 " by zero", num);
	if (rc != BANK_OK)
		return bank__err(rc, "bank_div_round_half_even: %" PRId64 " / %" PRId64 " leaves the int64 range", num,
				 den);
	*out = q;
	return BANK_OK;
}

int bank_round_half_even(int64_t *out, int64_t value, int digits)
{
	int64_t q, r;

	if (out == NULL)
		return bank__err(BANK_EINVAL, "bank_round_half_even: out is NULL");
	if (digits < 0 || digits > 18)
		return bank__err(BANK_EINVAL, "bank_round_half_even: digits %d is outside 0..18", digits);
	if (div_half_even(&q, value, pow10_table[digits]) != BANK_OK ||
	    __builtin_mul_overflow(q, pow10_table[digits], &r))
		return bank__err(BANK_ELIMIT,
				 "bank_round_half_even: rounding %" PRId64
				 " to a multiple of 10^%d leaves the int64 range",
				 value, digits);
	*out = r;
	return BANK_OK;
}

/* ---- Rates ---- */

int bank_rate_parse(int64_t *out, const char *text)
{
	if (out == NULL)
		return bank__err(BANK_EINVAL, "bank_rate_parse: out is NULL");
	if (text == NULL)
		return bank__err(BANK_EINVAL, "bank_rate_parse: rate text is NULL");
	return parse_fixed(out, text, BANK_RATE_DECIMALS, BANK_RATE_MAX, "rate", NULL);
}

int bank_rate_format(char *buf, size_t size, int64_t rate)
{
	int decimals = BANK_RATE_DECIMALS;

	if (buf == NULL)
		return bank__err(BANK_EINVAL, "bank_rate_format: buffer is NULL");
	if (rate < 0)
		return bank__err(BANK_EINVAL, "bank_rate_format: rate %" PRId64 " is negative", rate);
	while (decimals > 0 && rate % 10 == 0) {
		rate /= 10;
		decimals--;
	}
	return format_fixed("bank_rate_format", buf, size, (uint64_t)rate, false, decimals);
}
