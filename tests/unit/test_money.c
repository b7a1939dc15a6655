/*
 * test_money.c: the money module (include/bank/money.h): currency table, amount and
 * rate text, checked arithmetic and half-even rounding.
 *
 * Every refusal asserts the status, that the output was not written, and that the
 * thread's last error carries the same code and a short, non-empty message.
 *
 * Usage: test_money [VECTORS_DIR]. The directory holding currencies.tsv comes from
 * argv[1], else $BANK_VECTORS_DIR, else the compile-time VECTORS_DIR.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

#ifndef VECTORS_DIR
#define VECTORS_DIR "tests/vectors"
#endif

#define SENTINEL INT64_C(0x5a5a5a5a5a5a5a5a)
#define MESSAGE_MAX 200 /* refusal messages stay well inside the 512-byte record */

static const char *vectors_dir = VECTORS_DIR;

/* ---- Helpers ---- */

static void assert_last_error(int code)
{
	const bank_error *e = bank_error_last();

	assert_non_null(e);
	assert_int_equal(e->code, code);
	assert_non_null(e->message);
	assert_true(e->message[0] != '\0');
	assert_true(strlen(e->message) < MESSAGE_MAX);
}

static void parse_ok(const char *text, const char *currency, int64_t expected)
{
	int64_t out = SENTINEL;
	int rc = bank_amount_parse(&out, text, currency);

	if (rc != BANK_OK)
		fail_msg("parse \"%s\" %s: %d (%s)", text, currency, rc, bank_error_last()->message);
	assert_int_equal(out, expected);
}

static void parse_refused(const char *text, const char *currency)
{
	int64_t out = SENTINEL;

	bank_error_clear();
	if (bank_amount_parse(&out, text, currency) != BANK_EINVAL)
		fail_msg("parse \"%.60s\" %s was not refused", text ? text : "(null)", currency ? currency : "(null)");
	assert_int_equal(out, SENTINEL);
	assert_last_error(BANK_EINVAL);
}

static void format_ok(int64_t amount, const char *currency, const char *expected)
{
	char buf[BANK_AMOUNT_SIZE];

	assert_int_equal(bank_amount_format(buf, sizeof buf, amount, currency), BANK_OK);
	assert_string_equal(buf, expected);
}

static void rate_ok(const char *text, int64_t expected)
{
	int64_t out = SENTINEL;

	if (bank_rate_parse(&out, text) != BANK_OK)
		fail_msg("rate \"%s\": %s", text, bank_error_last()->message);
	assert_int_equal(out, expected);
}

static void rate_refused(const char *text)
{
	int64_t out = SENTINEL;

	bank_error_clear();
	if (bank_rate_parse(&out, text) != BANK_EINVAL)
		fail_msg("rate \"%.60s\" was not refused", text ? text : "(null)");
	assert_int_equal(out, SENTINEL);
	assert_last_error(BANK_EINVAL);
}

static void rate_format_ok(int64_t rate, const char *expected)
{
	char buf[BANK_RATE_SIZE];

	assert_int_equal(bank_rate_format(buf, sizeof buf, rate), BANK_OK);
	assert_string_equal(buf, expected);
}

/* A string of @p n copies of @p c followed by @p tail (caller frees). */
static char *repeat(char c, size_t n, const char *tail)
{
	size_t t = strlen(tail);
	char *s = malloc(n + t + 1);

	assert_non_null(s);
	memset(s, c, n);
	memcpy(s + n, tail, t + 1);
	return s;
}

/* ---- Currencies ---- */

static void test_money_currency__vectors(void **state)
{
	char path[4096], line[256];
	int rows = 0;
	FILE *f;

	(void)state;
	snprintf(path, sizeof path, "%s/currencies.tsv", vectors_dir);
	f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot open %s (pass the vectors directory as argv[1] or BANK_VECTORS_DIR)", path);
	while (fgets(line, sizeof line, f) != NULL) {
		char code[16];
		int exponent;
		if (line[0] == '#' || line[0] == '\n' || line[0] == '\r')
			continue;
		if (sscanf(line, "%15s %d", code, &exponent) != 2) {
			fclose(f);
			fail_msg("%s: bad line \"%s\"", path, line);
		}
		const bank_currency *c = bank_currency_find(code);
		if (c == NULL || c->exponent != exponent) {
			fclose(f);
			fail_msg("%s: %s should have exponent %d, table has %d", path, code, exponent,
				 c ? c->exponent : -1);
		}
		assert_string_equal(c->code, code);
		rows++;
	}
	fclose(f);
	assert_true(rows >= 13);
}

static void test_money_currency__known_exponents(void **state)
{
	static const struct {
		const char *code;
		int numeric, exponent;
	} cases[] = {
		{"USD", 840, 2}, {"EUR", 978, 2}, {"GBP", 826, 2}, {"INR", 356, 2}, {"CHF", 756, 2}, {"CAD", 124, 2},
		{"AUD", 36, 2},  {"CNY", 156, 2}, {"MXN", 484, 2}, {"BRL", 986, 2}, {"JPY", 392, 0}, {"KRW", 410, 0},
		{"ISK", 352, 0}, {"CLP", 152, 0}, {"VND", 704, 0}, {"XAF", 950, 0}, {"XOF", 952, 0}, {"PYG", 600, 0},
		{"UGX", 800, 0}, {"RWF", 646, 0}, {"BHD", 48, 3},  {"KWD", 414, 3}, {"JOD", 400, 3}, {"OMR", 512, 3},
		{"TND", 788, 3}, {"IQD", 368, 3}, {"LYD", 434, 3}, {"CLF", 990, 4}, {"UYW", 927, 4},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const bank_currency *c = bank_currency_find(cases[i].code);
		if (c == NULL)
			fail_msg("%s missing", cases[i].code);
		assert_int_equal(c->numeric, cases[i].numeric);
		assert_int_equal(c->exponent, cases[i].exponent);
		assert_true(c->name[0] != '\0');
	}
}

static void test_money_currency__at_sorted_unique(void **state)
{
	size_t n = bank_currency_count();
	char seen[1000] = {0};

	(void)state;
	assert_true(n >= 150);
	for (size_t i = 0; i < n; i++) {
		const bank_currency *c = bank_currency_at(i);
		assert_non_null(c);
		assert_int_equal(strlen(c->code), 3);
		for (int k = 0; k < 3; k++)
			assert_true(c->code[k] >= 'A' && c->code[k] <= 'Z');
		if (i > 0 && strcmp(bank_currency_at(i - 1)->code, c->code) >= 0)
			fail_msg("table not strictly sorted at %s, %s", bank_currency_at(i - 1)->code, c->code);
		assert_true(c->exponent >= 0 && c->exponent <= 4);
		assert_true(c->numeric >= 1 && c->numeric <= 999);
		if (seen[c->numeric])
			fail_msg("numeric code %d repeated at %s", c->numeric, c->code);
		seen[c->numeric] = 1;
		assert_non_null(c->name);
		assert_true(c->name[0] != '\0');
		assert_ptr_equal(bank_currency_find(c->code), c);
	}
	assert_null(bank_currency_at(n));
	assert_null(bank_currency_at(n + 1));
	assert_null(bank_currency_at(SIZE_MAX));
}

static void test_money_currency__find_exact_only(void **state)
{
	static const char *const misses[] = {
		"usd", "Usd", "uSD", "US", "USDD", "", " USD", "USD ", "XXX", "XAU", "ZZZ", "AAA", "HRK",
	};

	(void)state;
	assert_non_null(bank_currency_find("USD"));
	assert_non_null(bank_currency_find(bank_currency_at(0)->code));
	assert_non_null(bank_currency_find(bank_currency_at(bank_currency_count() - 1)->code));
	assert_null(bank_currency_find(NULL));
	for (size_t i = 0; i < sizeof misses / sizeof misses[0]; i++)
		if (bank_currency_find(misses[i]) != NULL)
			fail_msg("\"%s\" should not be found", misses[i]);
}

/* ---- Parsing: golden values per exponent ---- */

static void test_money_parse__exponent0(void **state)
{
	(void)state;
	parse_ok("0", "JPY", 0);
	parse_ok("1", "JPY", 1);
	parse_ok("12", "JPY", 12);
	parse_ok("007", "JPY", 7);
	parse_ok("1000000", "KRW", 1000000);
	parse_ok("9223372036854775807", "JPY", INT64_MAX);
}

static void test_money_parse__exponent2(void **state)
{
	(void)state;
	parse_ok("0", "USD", 0);
	parse_ok("0.0", "USD", 0);
	parse_ok("0.00", "USD", 0);
	parse_ok("12", "USD", 1200);
	parse_ok("12.5", "USD", 1250);
	parse_ok("12.50", "USD", 1250);
	parse_ok("0.01", "USD", 1);
	parse_ok("0.1", "EUR", 10);
	parse_ok("007.50", "USD", 750);
	parse_ok("1234.56", "GBP", 123456);
}

static void test_money_parse__exponent3(void **state)
{
	(void)state;
	parse_ok("1.234", "BHD", 1234);
	parse_ok("1.2", "KWD", 1200);
	parse_ok("1.23", "JOD", 1230);
	parse_ok("0.001", "OMR", 1);
	parse_ok("5", "TND", 5000);
}

static void test_money_parse__exponent4(void **state)
{
	(void)state;
	parse_ok("1.2345", "CLF", 12345);
	parse_ok("0.0001", "CLF", 1);
	parse_ok("3", "CLF", 30000);
	parse_ok("3.1", "CLF", 31000);
}

static void test_money_parse__leading_zeros(void **state)
{
	char *s;

	(void)state;
	s = repeat('0', 10000, "1.23");
	parse_ok(s, "USD", 123);
	free(s);
	s = repeat('0', 10000, "");
	parse_ok(s, "USD", 0);
	free(s);
	s = repeat('0', 10000, "9223372036854775807");
	parse_ok(s, "JPY", INT64_MAX);
	free(s);
	s = repeat('0', 10000, "92233720368547758.07");
	parse_ok(s, "USD", INT64_MAX);
	free(s);
}

/* ---- Parsing: refusals ---- */

#define REFUSAL(name, text, currency)                              \
	static void test_money_parse__refuses_##name(void **state) \
	{                                                          \
		(void)state;                                       \
		parse_refused(text, currency);                     \
	}

REFUSAL(empty, "", "USD")
REFUSAL(minus_zero, "-0", "USD")
REFUSAL(negative, "-1", "USD")
REFUSAL(plus, "+1", "USD")
REFUSAL(exponent_notation, "1e3", "USD")
REFUSAL(thousands_separator, "1,234.50", "USD")
REFUSAL(leading_point, ".5", "USD")
REFUSAL(trailing_point, "5.", "USD")
REFUSAL(leading_space, " 1", "USD")
REFUSAL(trailing_space, "1 ", "USD")
REFUSAL(only_point, ".", "USD")
REFUSAL(two_points, "1.2.3", "USD")
REFUSAL(hex, "0x10", "USD")
REFUSAL(tab_newline, "\t1\n", "USD")
REFUSAL(comma_decimal, "1,5", "EUR")
REFUSAL(fullwidth_digit, "\xef\xbc\x91", "USD")
REFUSAL(too_many_decimals_exp2, "12.345", "USD")
REFUSAL(trailing_zero_decimals, "12.500", "USD")
REFUSAL(point_exp0, "1.0", "JPY")
REFUSAL(decimals_exp0, "1.5", "JPY")
REFUSAL(too_many_decimals_exp3, "1.2345", "BHD")
REFUSAL(too_many_decimals_exp4, "1.23456", "CLF")
REFUSAL(null_text, NULL, "USD")
REFUSAL(null_currency, "1", NULL)
REFUSAL(unknown_currency, "1", "XYZ")
REFUSAL(lower_case_currency, "1", "usd")
REFUSAL(empty_currency, "1", "")

static void test_money_parse__refuses_null_out(void **state)
{
	(void)state;
	bank_error_clear();
	assert_int_equal(bank_amount_parse(NULL, "1", "USD"), BANK_EINVAL);
	assert_last_error(BANK_EINVAL);
}

static void test_money_parse__message_names_problem(void **state)
{
	int64_t out = SENTINEL;
	const char *m;

	(void)state;
	assert_int_equal(bank_amount_parse(&out, "12.345", "USD"), BANK_EINVAL);
	m = bank_error_last()->message;
	assert_non_null(strstr(m, "12.345"));
	assert_non_null(strstr(m, "2 decimals"));
	assert_non_null(strstr(m, "USD"));

	assert_int_equal(bank_amount_parse(&out, "1", "QQQ"), BANK_EINVAL);
	assert_non_null(strstr(bank_error_last()->message, "QQQ"));

	assert_int_equal(bank_amount_parse(&out, "92233720368547758.08", "USD"), BANK_EINVAL);
	assert_non_null(strstr(bank_error_last()->message, "range"));

	assert_int_equal(bank_amount_parse(&out, "1e3", "USD"), BANK_EINVAL);
	assert_non_null(strstr(bank_error_last()->message, "malformed"));
	assert_int_equal(out, SENTINEL);
}

static void test_money_parse__message_truncates_input(void **state)
{
	char *s = repeat('7', 5000, "x");
	char *code = repeat('Q', 5000, "");

	(void)state;
	parse_refused(s, "USD");
	assert_non_null(strstr(bank_error_last()->message, "..."));
	parse_refused("1", code);
	assert_non_null(strstr(bank_error_last()->message, "..."));
	parse_refused("1\n\"2", "USD");
	assert_null(strchr(bank_error_last()->message, '\n'));
	free(s);
	free(code);
}

static void test_money_parse__success_keeps_last_error(void **state)
{
	int64_t out = SENTINEL;

	(void)state;
	parse_refused("-1", "USD");
	assert_int_equal(bank_amount_parse(&out, "1", "USD"), BANK_OK);
	assert_int_equal(bank_error_last()->code, BANK_EINVAL);
}

/* ---- Parsing: the int64 boundary ---- */

static void test_money_parse__boundary_exponent0(void **state)
{
	(void)state;
	parse_ok("9223372036854775807", "JPY", INT64_MAX);
	parse_refused("9223372036854775808", "JPY");
	parse_refused("9223372036854775810", "JPY");
	parse_refused("10000000000000000000", "JPY");
	parse_refused("18446744073709551615", "JPY");
	parse_refused("18446744073709551616", "JPY");
	parse_refused("18446744073709551617", "JPY");
	parse_refused("99999999999999999999", "JPY");
}

static void test_money_parse__boundary_exponent2(void **state)
{
	(void)state;
	parse_ok("92233720368547758.07", "USD", INT64_MAX);
	parse_ok("92233720368547758", "USD", INT64_C(9223372036854775800));
	parse_ok("92233720368547758.0", "USD", INT64_C(9223372036854775800));
	parse_refused("92233720368547758.08", "USD");
	parse_refused("92233720368547758.1", "USD");
	parse_refused("92233720368547759", "USD");
	parse_refused("9223372036854775807", "USD");
	parse_refused("184467440737095516.16", "USD");
}

static void test_money_parse__boundary_exponent3(void **state)
{
	(void)state;
	parse_ok("9223372036854775.807", "BHD", INT64_MAX);
	parse_refused("9223372036854775.808", "BHD");
	parse_refused("9223372036854776", "BHD");
}

static void test_money_parse__boundary_exponent4(void **state)
{
	(void)state;
	parse_ok("922337203685477.5807", "CLF", INT64_MAX);
	parse_refused("922337203685477.5808", "CLF");
	parse_refused("922337203685478", "CLF");
	parse_refused("1844674407370955.1616", "CLF");
}

static void test_money_parse__huge_inputs(void **state)
{
	char *s;

	(void)state;
	s = repeat('9', 100000, "");
	parse_refused(s, "JPY");
	free(s);
	s = repeat('9', 100000, ".99");
	parse_refused(s, "USD");
	free(s);
	s = repeat('1', 100000, "x");
	parse_refused(s, "USD");
	assert_non_null(strstr(bank_error_last()->message, "malformed"));
	free(s);
}

/* ---- Formatting ---- */

static void test_money_format__exponent0(void **state)
{
	(void)state;
	format_ok(0, "JPY", "0");
	format_ok(1, "JPY", "1");
	format_ok(-1, "JPY", "-1");
	format_ok(1000, "KRW", "1000");
	format_ok(INT64_MAX, "JPY", "9223372036854775807");
	format_ok(INT64_MIN, "JPY", "-9223372036854775808");
}

static void test_money_format__exponent2(void **state)
{
	(void)state;
	format_ok(0, "USD", "0.00");
	format_ok(1, "USD", "0.01");
	format_ok(-1, "USD", "-0.01");
	format_ok(10, "USD", "0.10");
	format_ok(-99, "USD", "-0.99");
	format_ok(100, "USD", "1.00");
	format_ok(1250, "USD", "12.50");
	format_ok(-1250, "EUR", "-12.50");
	format_ok(100000, "GBP", "1000.00");
	format_ok(INT64_MAX, "USD", "92233720368547758.07");
	format_ok(INT64_MIN, "USD", "-92233720368547758.08");
}

static void test_money_format__exponent3(void **state)
{
	(void)state;
	format_ok(0, "BHD", "0.000");
	format_ok(125, "BHD", "0.125");
	format_ok(-5, "KWD", "-0.005");
	format_ok(1000, "JOD", "1.000");
	format_ok(INT64_MAX, "BHD", "9223372036854775.807");
	format_ok(INT64_MIN, "BHD", "-9223372036854775.808");
}

static void test_money_format__exponent4(void **state)
{
	(void)state;
	format_ok(0, "CLF", "0.0000");
	format_ok(1, "CLF", "0.0001");
	format_ok(12345, "CLF", "1.2345");
	format_ok(-120000, "CLF", "-12.0000");
	format_ok(INT64_MAX, "CLF", "922337203685477.5807");
	format_ok(INT64_MIN, "CLF", "-922337203685477.5808");
}

static void test_money_format__buffer_size(void **state)
{
	char buf[BANK_AMOUNT_SIZE];

	(void)state;
	/* "-92233720368547758.08" is 21 characters: 22 bytes with the NUL. */
	memset(buf, 'X', sizeof buf);
	bank_error_clear();
	assert_int_equal(bank_amount_format(buf, 21, INT64_MIN, "USD"), BANK_ELIMIT);
	assert_last_error(BANK_ELIMIT);
	for (size_t i = 0; i < sizeof buf; i++)
		assert_int_equal(buf[i], 'X');
	assert_int_equal(bank_amount_format(buf, 0, 0, "USD"), BANK_ELIMIT);
	assert_int_equal(buf[0], 'X');
	assert_int_equal(bank_amount_format(buf, 22, INT64_MIN, "USD"), BANK_OK);
	assert_string_equal(buf, "-92233720368547758.08");
	assert_int_equal(bank_amount_format(buf, 2, 7, "JPY"), BANK_OK);
	assert_string_equal(buf, "7");

	/* BANK_AMOUNT_SIZE is enough for every amount of every currency. */
	for (size_t i = 0; i < bank_currency_count(); i++) {
		const char *code = bank_currency_at(i)->code;
		assert_int_equal(bank_amount_format(buf, sizeof buf, INT64_MIN, code), BANK_OK);
		assert_int_equal(bank_amount_format(buf, sizeof buf, INT64_MAX, code), BANK_OK);
	}
}

static void test_money_format__refusals(void **state)
{
	char buf[BANK_AMOUNT_SIZE];

	(void)state;
	memset(buf, 'X', sizeof buf);
	bank_error_clear();
	assert_int_equal(bank_amount_format(buf, sizeof buf, 1, "XYZ"), BANK_EINVAL);
	assert_last_error(BANK_EINVAL);
	bank_error_clear();
	assert_int_equal(bank_amount_format(buf, sizeof buf, 1, "usd"), BANK_EINVAL);
	assert_last_error(BANK_EINVAL);
	bank_error_clear();
	assert_int_equal(bank_amount_format(buf, sizeof buf, 1, NULL), BANK_EINVAL);
	assert_last_error(BANK_EINVAL);
	bank_error_clear();
	assert_int_equal(bank_amount_format(NULL, sizeof buf, 1, "USD"), BANK_EINVAL);
	assert_last_error(BANK_EINVAL);
	for (size_t i = 0; i < sizeof buf; i++)
		assert_int_equal(buf[i], 'X');
}

/* ---- Round trips ---- */

static void test_money_roundtrip__values(void **state)
{
	static const int64_t fixed[] = {
		0,
		1,
		9,
		10,
		11,
		99,
		100,
		101,
		999,
		1000,
		12345,
		1000000,
		INT64_C(4611686018427387904),
		INT64_MAX - 1,
		INT64_MAX,
	};
	uint64_t x = UINT64_C(0x9e3779b97f4a7c15);

	(void)state;
	for (size_t c = 0; c < bank_currency_count(); c++) {
		const char *code = bank_currency_at(c)->code;
		for (size_t i = 0; i < sizeof fixed / sizeof fixed[0] + 200; i++) {
			char pos[BANK_AMOUNT_SIZE], neg[BANK_AMOUNT_SIZE];
			int64_t v, back = SENTINEL;
			if (i < sizeof fixed / sizeof fixed[0]) {
				v = fixed[i];
			} else {
				x ^= x << 13; /* xorshift64: deterministic spread over all magnitudes */
				x ^= x >> 7;
				x ^= x << 17;
				v = (int64_t)(x >> (x % 63 + 1));
			}
			assert_int_equal(bank_amount_format(pos, sizeof pos, v, code), BANK_OK);
			if (bank_amount_parse(&back, pos, code) != BANK_OK || back != v)
				fail_msg("%s: %" PRId64 " -> \"%s\" -> %" PRId64, code, v, pos, back);
			assert_int_equal(bank_amount_format(neg, sizeof neg, -v, code), BANK_OK);
			if (v != 0) {
				assert_int_equal(neg[0], '-');
				assert_string_equal(neg + 1, pos);
			} else {
				assert_string_equal(neg, pos);
			}
		}
		/* INT64_MIN prints, but its magnitude is not a valid amount. */
		char min[BANK_AMOUNT_SIZE];
		assert_int_equal(bank_amount_format(min, sizeof min, INT64_MIN, code), BANK_OK);
		assert_int_equal(min[0], '-');
		parse_refused(min, code);
		parse_refused(min + 1, code);
	}
}

static void test_money_roundtrip__texts(void **state)
{
	static const struct {
		const char *text, *code;
	} cases[] = {
		{"0", "JPY"},
		{"42", "JPY"},
		{"0.00", "USD"},
		{"12.50", "USD"},
		{"0.01", "EUR"},
		{"0.125", "BHD"},
		{"1.000", "KWD"},
		{"1.2345", "CLF"},
		{"0.0000", "CLF"},
		{"92233720368547758.07", "USD"},
		{"9223372036854775807", "KRW"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t v = SENTINEL;
		char buf[BANK_AMOUNT_SIZE];
		assert_int_equal(bank_amount_parse(&v, cases[i].text, cases[i].code), BANK_OK);
		assert_int_equal(bank_amount_format(buf, sizeof buf, v, cases[i].code), BANK_OK);
		assert_string_equal(buf, cases[i].text);
	}
}

/* ---- Checked arithmetic ---- */

typedef int (*binop)(int64_t *, int64_t, int64_t);

static void op_ok(binop f, int64_t a, int64_t b, int64_t expected)
{
	int64_t out = SENTINEL;

	if (f(&out, a, b) != BANK_OK)
		fail_msg("%" PRId64 " op %" PRId64 ": %s", a, b, bank_error_last()->message);
	assert_int_equal(out, expected);
}

static void op_limit(binop f, int64_t a, int64_t b)
{
	int64_t out = SENTINEL;

	bank_error_clear();
	if (f(&out, a, b) != BANK_ELIMIT)
		fail_msg("%" PRId64 " op %" PRId64 " should overflow", a, b);
	assert_int_equal(out, SENTINEL);
	assert_last_error(BANK_ELIMIT);
}

static void test_money_arith__add(void **state)
{
	(void)state;
	op_ok(bank_money_add, 1, 2, 3);
	op_ok(bank_money_add, -5, 3, -2);
	op_ok(bank_money_add, INT64_MAX, 0, INT64_MAX);
	op_ok(bank_money_add, INT64_MAX - 1, 1, INT64_MAX);
	op_ok(bank_money_add, INT64_MIN, INT64_MAX, -1);
	op_ok(bank_money_add, INT64_MIN + 1, -1, INT64_MIN);
	op_limit(bank_money_add, INT64_MAX, 1);
	op_limit(bank_money_add, 1, INT64_MAX);
	op_limit(bank_money_add, INT64_MAX, INT64_MAX);
	op_limit(bank_money_add, INT64_MIN, -1);
	op_limit(bank_money_add, INT64_MIN, INT64_MIN);
}

static void test_money_arith__sub(void **state)
{
	(void)state;
	op_ok(bank_money_sub, 3, 5, -2);
	op_ok(bank_money_sub, 0, INT64_MAX, -INT64_MAX);
	op_ok(bank_money_sub, -1, INT64_MAX, INT64_MIN);
	op_ok(bank_money_sub, INT64_MIN, INT64_MIN, 0);
	op_ok(bank_money_sub, INT64_MAX, INT64_MAX, 0);
	op_ok(bank_money_sub, -1, INT64_MIN, INT64_MAX);
	op_limit(bank_money_sub, INT64_MIN, 1);
	op_limit(bank_money_sub, 0, INT64_MIN);
	op_limit(bank_money_sub, INT64_MAX, -1);
	op_limit(bank_money_sub, -2, INT64_MAX);
}

static void test_money_arith__mul(void **state)
{
	(void)state;
	op_ok(bank_money_mul, 6, 7, 42);
	op_ok(bank_money_mul, -6, 7, -42);
	op_ok(bank_money_mul, 0, INT64_MIN, 0);
	op_ok(bank_money_mul, INT64_MIN, 1, INT64_MIN);
	op_ok(bank_money_mul, INT64_MAX, -1, -INT64_MAX);
	op_ok(bank_money_mul, INT64_C(3037000499), INT64_C(3037000499), INT64_C(9223372030926249001));
	op_ok(bank_money_mul, INT64_C(4611686018427387904), -2, INT64_MIN);
	op_limit(bank_money_mul, INT64_MIN, -1);
	op_limit(bank_money_mul, -1, INT64_MIN);
	op_limit(bank_money_mul, INT64_MAX, 2);
	op_limit(bank_money_mul, INT64_C(3037000500), INT64_C(3037000500));
	op_limit(bank_money_mul, INT64_C(4611686018427387904), 2);
}

static void test_money_arith__null_out(void **state)
{
	(void)state;
	assert_int_equal(bank_money_add(NULL, 1, 1), BANK_EINVAL);
	assert_int_equal(bank_money_sub(NULL, 1, 1), BANK_EINVAL);
	assert_int_equal(bank_money_mul(NULL, 1, 1), BANK_EINVAL);
	assert_int_equal(bank_div_round_half_even(NULL, 1, 1), BANK_EINVAL);
	assert_int_equal(bank_round_half_even(NULL, 1, 1), BANK_EINVAL);
}

/* ---- Half-even rounding ---- */

static void test_money_round__div_table(void **state)
{
	static const struct {
		int64_t num, den, q;
	} cases[] = {
		{5, 2, 2},
		{7, 2, 4},
		{-5, 2, -2},
		{-7, 2, -4},
		{5, -2, -2},
		{7, -2, -4},
		{-5, -2, 2},
		{-7, -2, 4},
		{1, 2, 0},
		{3, 2, 2},
		{-1, 2, 0},
		{-3, 2, -2},
		{25, 10, 2},
		{35, 10, 4},
		{-25, 10, -2},
		{-35, 10, -4},
		{10, 4, 2},
		{14, 4, 4},
		{13, 4, 3},
		{15, 4, 4},
		{-13, 4, -3},
		{-15, 4, -4},
		{1, 3, 0},
		{2, 3, 1},
		{-2, 3, -1},
		{-1, 3, 0},
		{2, -3, -1},
		{0, 5, 0},
		{0, -5, 0},
		{6, 3, 2},
		{-6, 3, -2},
		{100, 1, 100},
		{100, -1, -100},
		{INT64_MAX, 1, INT64_MAX},
		{INT64_MIN, 1, INT64_MIN},
		{INT64_MAX, -1, -INT64_MAX},
		{INT64_MAX, INT64_MAX, 1},
		{INT64_MIN, INT64_MIN, 1},
		{INT64_MAX, INT64_MIN, -1},
		{INT64_MIN, INT64_MAX, -1},
		{INT64_C(4611686018427387904), INT64_MIN, 0},  /* -0.5 -> 0 */
		{INT64_C(-4611686018427387904), INT64_MIN, 0}, /* 0.5 -> 0 */
		{INT64_MIN, 2, INT64_C(-4611686018427387904)},
		{INT64_MAX, 2, INT64_C(4611686018427387904)}, /* ...903.5 -> ...904 */
		{INT64_MIN + 1, 2, INT64_C(-4611686018427387904)},
		{INT64_MIN, 3, INT64_C(-3074457345618258603)},
		{INT64_MAX, 3, INT64_C(3074457345618258602)},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t out = SENTINEL;
		assert_int_equal(bank_div_round_half_even(&out, cases[i].num, cases[i].den), BANK_OK);
		if (out != cases[i].q)
			fail_msg("%" PRId64 " / %" PRId64 " gave %" PRId64 ", expected %" PRId64, cases[i].num,
				 cases[i].den, out, cases[i].q);
	}
}

static void test_money_round__div_refusals(void **state)
{
	int64_t out = SENTINEL;

	(void)state;
	bank_error_clear();
	assert_int_equal(bank_div_round_half_even(&out, 1, 0), BANK_EINVAL);
	assert_last_error(BANK_EINVAL);
	assert_int_equal(bank_div_round_half_even(&out, 0, 0), BANK_EINVAL);
	bank_error_clear();
	assert_int_equal(bank_div_round_half_even(&out, INT64_MIN, -1), BANK_ELIMIT);
	assert_last_error(BANK_ELIMIT);
	assert_int_equal(out, SENTINEL);
}

static void test_money_round__digits_table(void **state)
{
	static const struct {
		int64_t value;
		int digits;
		int64_t r;
	} cases[] = {
		{1250, 2, 1200},
		{1350, 2, 1400},
		{1251, 2, 1300},
		{1249, 2, 1200},
		{-1250, 2, -1200},
		{-1350, 2, -1400},
		{-1251, 2, -1300},
		{5, 1, 0},
		{15, 1, 20},
		{25, 1, 20},
		{-5, 1, 0},
		{-15, 1, -20},
		{-25, 1, -20},
		{123, 0, 123},
		{-123, 0, -123},
		{0, 18, 0},
		{INT64_MAX, 0, INT64_MAX},
		{INT64_MIN, 0, INT64_MIN},
		{INT64_MAX, 2, INT64_C(9223372036854775800)},
		{INT64_MIN, 2, INT64_C(-9223372036854775800)},
		{INT64_MAX, 18, INT64_C(9000000000000000000)},
		{INT64_MIN, 18, INT64_C(-9000000000000000000)},
		{INT64_C(500000000000000000), 18, 0},
		{INT64_C(1500000000000000000), 18, INT64_C(2000000000000000000)},
		{INT64_C(2500000000000000000), 18, INT64_C(2000000000000000000)},
		{INT64_C(-2500000000000000000), 18, INT64_C(-2000000000000000000)},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t out = SENTINEL;
		assert_int_equal(bank_round_half_even(&out, cases[i].value, cases[i].digits), BANK_OK);
		if (out != cases[i].r)
			fail_msg("round(%" PRId64 ", %d) gave %" PRId64 ", expected %" PRId64, cases[i].value,
				 cases[i].digits, out, cases[i].r);
	}
}

static void test_money_round__digits_refusals(void **state)
{
	static const struct {
		int64_t value;
		int digits, rc;
	} cases[] = {
		{1, -1, BANK_EINVAL},        {1, 19, BANK_EINVAL},        {1, INT32_MIN, BANK_EINVAL},
		{INT64_MAX, 1, BANK_ELIMIT}, {INT64_MIN, 1, BANK_ELIMIT}, {INT64_MAX, 3, BANK_ELIMIT},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t out = SENTINEL;
		bank_error_clear();
		assert_int_equal(bank_round_half_even(&out, cases[i].value, cases[i].digits), cases[i].rc);
		assert_int_equal(out, SENTINEL);
		assert_last_error(cases[i].rc);
	}
}

/* ---- Rates ---- */

static void test_money_rate__parse(void **state)
{
	(void)state;
	rate_ok("2.5", 2500000);
	rate_ok("0.125", 125000);
	rate_ok("0", 0);
	rate_ok("0.000001", 1);
	rate_ok("100", 100000000);
	rate_ok("05.250000", 5250000);
	rate_ok("1000", BANK_RATE_MAX);
	rate_ok("1000.000000", BANK_RATE_MAX);
}

static void test_money_rate__parse_refusals(void **state)
{
	char *s;

	(void)state;
	rate_refused(NULL);
	rate_refused("");
	rate_refused("-1");
	rate_refused("-0");
	rate_refused("+1");
	rate_refused(".5");
	rate_refused("5.");
	rate_refused("1e2");
	rate_refused("2.5%");
	rate_refused(" 2.5");
	rate_refused("1.0000001");
	rate_refused("1000.000001");
	rate_refused("1001");
	rate_refused("9223372036854.775807");
	rate_refused("99999999999999999999");
	s = repeat('9', 10000, "");
	rate_refused(s);
	free(s);
	assert_int_equal(bank_rate_parse(NULL, "1"), BANK_EINVAL);
}

static void test_money_rate__format(void **state)
{
	char buf[BANK_RATE_SIZE];

	(void)state;
	rate_format_ok(2500000, "2.5");
	rate_format_ok(125000, "0.125");
	rate_format_ok(0, "0");
	rate_format_ok(1, "0.000001");
	rate_format_ok(10, "0.00001");
	rate_format_ok(1000000, "1");
	rate_format_ok(1234567, "1.234567");
	rate_format_ok(100000000, "100");
	rate_format_ok(BANK_RATE_MAX, "1000");
	rate_format_ok(INT64_MAX, "9223372036854.775807");

	memset(buf, 'X', sizeof buf);
	bank_error_clear();
	assert_int_equal(bank_rate_format(buf, sizeof buf, -1), BANK_EINVAL);
	assert_last_error(BANK_EINVAL);
	assert_int_equal(bank_rate_format(buf, sizeof buf, INT64_MIN), BANK_EINVAL);
	bank_error_clear();
	assert_int_equal(bank_rate_format(buf, 3, 2500000), BANK_ELIMIT);
	assert_last_error(BANK_ELIMIT);
	for (size_t i = 0; i < sizeof buf; i++)
		assert_int_equal(buf[i], 'X');
	assert_int_equal(bank_rate_format(NULL, 8, 1), BANK_EINVAL);
	assert_int_equal(bank_rate_format(buf, 4, 2500000), BANK_OK);
	assert_string_equal(buf, "2.5");
}

static void test_money_rate__roundtrip(void **state)
{
	(void)state;
	for (int64_t r = 0; r <= BANK_RATE_MAX; r += (r < 20000 ? 1 : 999983)) {
		char buf[BANK_RATE_SIZE];
		int64_t back = SENTINEL;
		assert_int_equal(bank_rate_format(buf, sizeof buf, r), BANK_OK);
		if (bank_rate_parse(&back, buf) != BANK_OK || back != r)
			fail_msg("rate %" PRId64 " -> \"%s\" -> %" PRId64, r, buf, back);
		size_t n = strlen(buf);
		if (strchr(buf, '.') != NULL)
			assert_true(buf[n - 1] != '0' && buf[n - 1] != '.'); /* shortest */
	}
}

int main(int argc, char **argv)
{
	const char *env = getenv("BANK_VECTORS_DIR");

	if (argc > 1)
		vectors_dir = argv[1];
	else if (env != NULL && env[0] != '\0')
		vectors_dir = env;

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_money_currency__vectors),
		cmocka_unit_test(test_money_currency__known_exponents),
		cmocka_unit_test(test_money_currency__at_sorted_unique),
		cmocka_unit_test(test_money_currency__find_exact_only),
		cmocka_unit_test(test_money_parse__exponent0),
		cmocka_unit_test(test_money_parse__exponent2),
		cmocka_unit_test(test_money_parse__exponent3),
		cmocka_unit_test(test_money_parse__exponent4),
		cmocka_unit_test(test_money_parse__leading_zeros),
		cmocka_unit_test(test_money_parse__refuses_empty),
		cmocka_unit_test(test_money_parse__refuses_minus_zero),
		cmocka_unit_test(test_money_parse__refuses_negative),
		cmocka_unit_test(test_money_parse__refuses_plus),
		cmocka_unit_test(test_money_parse__refuses_exponent_notation),
		cmocka_unit_test(test_money_parse__refuses_thousands_separator),
		cmocka_unit_test(test_money_parse__refuses_leading_point),
		cmocka_unit_test(test_money_parse__refuses_trailing_point),
		cmocka_unit_test(test_money_parse__refuses_leading_space),
		cmocka_unit_test(test_money_parse__refuses_trailing_space),
		cmocka_unit_test(test_money_parse__refuses_only_point),
		cmocka_unit_test(test_money_parse__refuses_two_points),
		cmocka_unit_test(test_money_parse__refuses_hex),
		cmocka_unit_test(test_money_parse__refuses_tab_newline),
		cmocka_unit_test(test_money_parse__refuses_comma_decimal),
		cmocka_unit_test(test_money_parse__refuses_fullwidth_digit),
		cmocka_unit_test(test_money_parse__refuses_too_many_decimals_exp2),
		cmocka_unit_test(test_money_parse__refuses_trailing_zero_decimals),
		cmocka_unit_test(test_money_parse__refuses_point_exp0),
		cmocka_unit_test(test_money_parse__refuses_decimals_exp0),
		cmocka_unit_test(test_money_parse__refuses_too_many_decimals_exp3),
		cmocka_unit_test(test_money_parse__refuses_too_many_decimals_exp4),
		cmocka_unit_test(test_money_parse__refuses_null_text),
		cmocka_unit_test(test_money_parse__refuses_null_currency),
		cmocka_unit_test(test_money_parse__refuses_unknown_currency),
		cmocka_unit_test(test_money_parse__refuses_lower_case_currency),
		cmocka_unit_test(test_money_parse__refuses_empty_currency),
		cmocka_unit_test(test_money_parse__refuses_null_out),
		cmocka_unit_test(test_money_parse__message_names_problem),
		cmocka_unit_test(test_money_parse__message_truncates_input),
		cmocka_unit_test(test_money_parse__success_keeps_last_error),
		cmocka_unit_test(test_money_parse__boundary_exponent0),
		cmocka_unit_test(test_money_parse__boundary_exponent2),
		cmocka_unit_test(test_money_parse__boundary_exponent3),
		cmocka_unit_test(test_money_parse__boundary_exponent4),
		cmocka_unit_test(test_money_parse__huge_inputs),
		cmocka_unit_test(test_money_format__exponent0),
		cmocka_unit_test(test_money_format__exponent2),
		cmocka_unit_test(test_money_format__exponent3),
		cmocka_unit_test(test_money_format__exponent4),
		cmocka_unit_test(test_money_format__buffer_size),
		cmocka_unit_test(test_money_format__refusals),
		cmocka_unit_test(test_money_roundtrip__values),
		cmocka_unit_test(test_money_roundtrip__texts),
		cmocka_unit_test(test_money_arith__add),
		cmocka_unit_test(test_money_arith__sub),
		cmocka_unit_test(test_money_arith__mul),
		cmocka_unit_test(test_money_arith__null_out),
		cmocka_unit_test(test_money_round__div_table),
		cmocka_unit_test(test_money_round__div_refusals),
		cmocka_unit_test(test_money_round__digits_table),
		cmocka_unit_test(test_money_round__digits_refusals),
		cmocka_unit_test(test_money_rate__parse),
		cmocka_unit_test(test_money_rate__parse_refusals),
		cmocka_unit_test(test_money_rate__format),
		cmocka_unit_test(test_money_rate__roundtrip),
	};

	return cmocka_run_group_tests_name("money", tests, NULL, NULL);
}
