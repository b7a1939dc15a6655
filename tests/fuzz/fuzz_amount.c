/*
 * fuzz_amount.c: libFuzzer harness for exact money (include/bank/money.h).
 *
 * Input: byte 0 picks a currency of the built-in table (255: an unknown code), the rest
 * is amount text. Properties, each an abort() when broken:
 *   - bank_amount_parse agrees with a reference parser of the documented grammar
 *     ^[0-9]+(\.[0-9]+)?$, at most the currency's exponent of decimals, at most
 *     INT64_MAX minor units; on failure the output is untouched;
 *   - parse(format(x)) == x for every parsed x and for the input's first 8 bytes read as
 *     an int64 (x >= 0); format(-x) is "-" + format(x); format never writes past size;
 *   - bank_rate_parse/bank_rate_format: the same grammar with 6 decimals up to
 *     BANK_RATE_MAX, and the shortest exact text round-trips;
 *   - checked add, sub, mul agree with the compiler's overflow builtins and leave *out
 *     untouched on overflow; bank_div_round_half_even and bank_round_half_even agree
 *     with a 128-bit reference.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"

#define CHECK(cond, ...)                                              \
	do {                                                          \
		if (!(cond)) {                                        \
			fprintf(stderr, "fuzz_amount: " __VA_ARGS__); \
			fputc('\n', stderr);                          \
			abort();                                      \
		}                                                     \
	} while (0)

__extension__ typedef __int128 i128;

/* The documented grammar, exactly: 0 on success, -1 otherwise. */
static int ref_parse(int64_t *out, const char *s, int exponent, int64_t max)
{
	const char *p = s;
	i128 v = 0;
	int digits = 0, decimals = 0;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (*p++ - '0');
		if (v > max)
			return -1;
		digits++;
	}
	if (digits == 0)
		return -1;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			if (++decimals > exponent)
				return -1;
			v = v * 10 + (*p++ - '0');
			if (v > max)
				return -1;
		}
		if (decimals == 0)
			return -1;
	}
	if (*p != '\0')
		return -1;
	for (int i = decimals; i < exponent; i++) {
		v *= 10;
		if (v > max)
			return -1;
	}
	*out = (int64_t)v;
	return 0;
}

/* Is @p s the canonical amount text: digits, and exactly @p exponent decimals when > 0? */
static int canonical(const char *s, int exponent)
{
	const char *p = s;
	if (*p == '-')
		p++;
	int digits = 0;
	while (*p >= '0' && *p <= '9') {
		p++;
		digits++;
	}
	if (digits == 0)
		return 0;
	if (exponent == 0)
		return *p == '\0';
	if (*p++ != '.')
		return 0;
	for (int i = 0; i < exponent; i++, p++)
		if (*p < '0' || *p > '9')
			return 0;
	return *p == '\0';
}

static i128 ref_div_half_even(i128 num, i128 den)
{
	i128 q = num / den, r = num % den;
	i128 ar = r < 0 ? -r : r, ad = den < 0 ? -den : den;
	if (2 * ar > ad || (2 * ar == ad && (q % 2 != 0)))
		q += (num < 0) != (den < 0) ? -1 : 1;
	return q;
}

static int64_t rd64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return (int64_t)v;
}

static void arithmetic(const uint8_t *data, size_t size)
{
	if (size < 16)
		return;
	int64_t a = rd64(data), b = rd64(data + 8), r, want;
	const int64_t sentinel = 0x5eed;
	r = sentinel;
	int rc = bank_money_add(&r, a, b);
	int of = __builtin_add_overflow(a, b, &want);
	CHECK(of ? rc == BANK_ELIMIT && r == sentinel : rc == BANK_OK && r == want, "add %lld %lld", (long long)a,
	      (long long)b);
	r = sentinel;
	rc = bank_money_sub(&r, a, b);
	of = __builtin_sub_overflow(a, b, &want);
	CHECK(of ? rc == BANK_ELIMIT && r == sentinel : rc == BANK_OK && r == want, "sub %lld %lld", (long long)a,
	      (long long)b);
	r = sentinel;
	rc = bank_money_mul(&r, a, b);
	of = __builtin_mul_overflow(a, b, &want);
	CHECK(of ? rc == BANK_ELIMIT && r == sentinel : rc == BANK_OK && r == want, "mul %lld %lld", (long long)a,
	      (long long)b);
	r = sentinel;
	rc = bank_div_round_half_even(&r, a, b);
	if (b == 0) {
		CHECK(rc == BANK_EINVAL, "div by zero gave %d", rc);
	} else {
		i128 q = ref_div_half_even(a, b);
		if (q > INT64_MAX || q < INT64_MIN)
			CHECK(rc == BANK_ELIMIT, "div %lld / %lld overflow gave %d", (long long)a, (long long)b, rc);
		else
			CHECK(rc == BANK_OK && r == (int64_t)q, "div %lld / %lld gave %d %lld, want %lld", (long long)a,
			      (long long)b, rc, (long long)r, (long long)q);
	}
	int digits = (int)(data[0] % 21) - 1; /* -1 .. 19: a few out of range */
	r = sentinel;
	rc = bank_round_half_even(&r, a, digits);
	if (digits < 0 || digits > 18) {
		CHECK(rc == BANK_EINVAL, "round digits %d gave %d", digits, rc);
	} else {
		i128 p = 1;
		for (int i = 0; i < digits; i++)
			p *= 10;
		i128 q = ref_div_half_even(a, p) * p;
		if (q > INT64_MAX || q < INT64_MIN)
			CHECK(rc == BANK_ELIMIT, "round %lld to %d digits: overflow gave %d", (long long)a, digits, rc);
		else
			CHECK(rc == BANK_OK && r == (int64_t)q, "round %lld to %d digits gave %d %lld, want %lld",
			      (long long)a, digits, rc, (long long)r, (long long)q);
	}
}

static void rates(const char *text, const uint8_t *data, size_t size)
{
	int64_t v = 77, want = 0;
	int rc = bank_rate_parse(&v, text);
	int ref = ref_parse(&want, text, BANK_RATE_DECIMALS, BANK_RATE_MAX);
	CHECK((rc == BANK_OK) == (ref == 0), "rate \"%s\": parse gave %d, reference %d", text, rc, ref);
	CHECK(rc == BANK_OK ? v == want : v == 77, "rate \"%s\": %lld, want %lld", text, (long long)v, (long long)want);
	if (size >= 8) {
		int64_t x = rd64(data) & INT64_MAX;
		x %= BANK_RATE_MAX + 1;
		char buf[BANK_RATE_SIZE];
		CHECK(bank_rate_format(buf, sizeof buf, x) == BANK_OK, "rate format %lld", (long long)x);
		int64_t back = -1;
		CHECK(bank_rate_parse(&back, buf) == BANK_OK && back == x, "rate %lld -> \"%s\" -> %lld", (long long)x,
		      buf, (long long)back);
		size_t n = strlen(buf);
		const char *dot = strchr(buf, '.');
		CHECK(dot == NULL || (buf[n - 1] != '0' && buf[n - 1] != '.'), "rate %lld: \"%s\" is not the shortest",
		      (long long)x, buf);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t ncur = bank_currency_count();
	CHECK(ncur > 0, "no currencies");
	const bank_currency *cur = data[0] == 255 ? NULL : bank_currency_at(data[0] % ncur);
	const char *code = cur ? cur->code : "XXQ";
	char text[80];
	size_t n = size - 1 < sizeof text - 1 ? size - 1 : sizeof text - 1;
	memcpy(text, data + 1, n);
	text[n] = '\0';

	int64_t v = 4242, want = 0;
	int rc = bank_amount_parse(&v, text, code);
	if (cur == NULL) {
		CHECK(rc == BANK_EINVAL && v == 4242, "unknown currency accepted");
	} else {
		int ref = ref_parse(&want, text, cur->exponent, INT64_MAX);
		CHECK((rc == BANK_OK) == (ref == 0), "%s \"%s\": parse gave %d, reference %d", code, text, rc, ref);
		CHECK(rc == BANK_OK ? v == want : v == 4242, "%s \"%s\": %lld, want %lld", code, text, (long long)v,
		      (long long)want);
		if (rc != BANK_OK)
			CHECK(bank_error_last()->code == rc && bank_error_last()->message[0] != '\0',
			      "parse failed without an error record");
	}
	char buf[BANK_AMOUNT_SIZE], neg[BANK_AMOUNT_SIZE];
	if (cur != NULL && rc == BANK_OK) {
		CHECK(bank_amount_format(buf, sizeof buf, v, code) == BANK_OK, "format %lld %s", (long long)v, code);
		int64_t back = -1;
		CHECK(bank_amount_parse(&back, buf, code) == BANK_OK && back == v, "%lld %s -> \"%s\" -> %lld",
		      (long long)v, code, buf, (long long)back);
		CHECK(canonical(buf, cur->exponent), "\"%s\" is not canonical for %s", buf, code);
	}
	if (cur != NULL && size >= 9) {
		int64_t x = rd64(data + 1);
		CHECK(bank_amount_format(buf, sizeof buf, x, code) == BANK_OK, "format %lld %s", (long long)x, code);
		CHECK(canonical(buf, cur->exponent), "\"%s\" is not canonical for %s", buf, code);
		if (x >= 0) {
			int64_t back = -1;
			CHECK(bank_amount_parse(&back, buf, code) == BANK_OK && back == x, "%lld %s -> \"%s\" -> %lld",
			      (long long)x, code, buf, (long long)back);
			if (x > 0) {
				CHECK(bank_amount_format(neg, sizeof neg, -x, code) == BANK_OK, "format %lld",
				      (long long)-x);
				CHECK(neg[0] == '-' && strcmp(neg + 1, buf) == 0,
				      "format(-x) \"%s\" vs format(x) \"%s\"", neg, buf);
			}
		} else {
			CHECK(buf[0] == '-', "negative %lld formatted as \"%s\"", (long long)x, buf);
			int64_t back = -1;
			int r2 = bank_amount_parse(&back, buf + 1, code);
			if (x == INT64_MIN)
				CHECK(r2 == BANK_EINVAL, "the magnitude of INT64_MIN parsed");
			else
				CHECK(r2 == BANK_OK && back == -x, "-(%lld) -> \"%s\"", (long long)x, buf);
		}
		/* Any buffer size: BANK_ELIMIT or the same text, never an overflow (ASan watches). */
		size_t small = data[size - 1] % (BANK_AMOUNT_SIZE + 1);
		char *tight = malloc(small ? small : 1);
		CHECK(tight != NULL, "malloc");
		int r3 = bank_amount_format(tight, small, x, code);
		CHECK(r3 == BANK_ELIMIT || (r3 == BANK_OK && strcmp(tight, buf) == 0), "format into %zu bytes gave %d",
		      small, r3);
		CHECK(r3 != BANK_ELIMIT || small <= strlen(buf), "format refused %zu bytes for \"%s\"", small, buf);
		free(tight);
	}
	rates(text, data + 1, size - 1);
	arithmetic(data + 1, size - 1);
	return 0;
}
