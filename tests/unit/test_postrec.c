/*
 * test_postrec.c: the packed posting records of lib/postrec.c (schema v4). Round trips
 * at the edges of every field, the id rule (canonical lowercase UUIDs are packed, any
 * other id sends reads to the journal), and blobs that must be refused as corrupt:
 * every truncation of a valid blob, bad flags, out-of-range fields, records out of
 * order, more records than asked for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static bank__prec rec(int64_t seq, int64_t balance, const char *id)
{
	bank__prec r;
	memset(&r, 0, sizeof r);
	bank__prec_make(&r, seq, "transfer", seq % 2 == 0, id, false, INT64_C(1767225600000000) + seq % 1000,
			seq % 1000 * 7 + 1, balance, "123456789012");
	return r;
}

static void same(const bank__prec *a, const bank__prec *b)
{
	assert_int_equal(a->seq, b->seq);
	assert_int_equal(a->at, b->at);
	assert_int_equal(a->amount, b->amount);
	assert_int_equal(a->balance, b->balance);
	assert_int_equal(a->other, b->other);
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->debit, b->debit);
	assert_int_equal(a->journal, b->journal);
	if (!a->journal)
		assert_memory_equal(a->uuid, b->uuid, 16);
}

static void test_postrec__round_trip(void **state)
{
	(void)state;
	static const int64_t balances[] = {0, 1, -1, 63, -64, 64, INT64_MAX, INT64_MIN, INT64_MIN + 1};
	unsigned char blob[16 * BANK__PREC_MAX];
	bank__prec in[16], out[16];
	size_t len = 0, n = 0;
	for (size_t i = 0; i < sizeof balances / sizeof balances[0]; i++) {
		in[i] = rec((int64_t)i + 1, balances[i], "0190f0e4-1c2b-7d3e-8f40-123456789abc");
		assert_false(in[i].journal);
		size_t k = bank__prec_encode(&in[i], blob + len);
		assert_true(k <= BANK__PREC_MAX);
		len += k;
	}
	/* the largest a record can be */
	bank__prec big = rec(INT64_MAX, INT64_MIN, "ffffffff-ffff-7fff-bfff-ffffffffffff");
	big.at = INT64_MAX;
	big.amount = INT64_MAX;
	big.other = UINT64_C(999999999999);
	big.kind = bank__prec_kind("fee");
	in[9] = big;
	len += bank__prec_encode(&big, blob + len);
	assert_int_equal(bank__prec_decode(blob, len, out, 16, &n), BANK_OK);
	assert_int_equal(n, 10);
	for (size_t i = 0; i < n; i++)
		same(&in[i], &out[i]);
	char id[37];
	bank__prec_id(&out[0], id);
	assert_string_equal(id, "0190f0e4-1c2b-7d3e-8f40-123456789abc");
	assert_string_equal(bank__prec_kind_name(out[9].kind), "fee");
	assert_int_equal(out[0].other, UINT64_C(123456789012));
	/* an empty blob is no records, also as SQLite gives it (NULL; found by fuzz_api
	 * under UBSan: no arithmetic on the NULL pointer) */
	assert_int_equal(bank__prec_decode(blob, 0, out, 16, &n), BANK_OK);
	assert_int_equal(n, 0);
	n = 99;
	assert_int_equal(bank__prec_decode(NULL, 0, out, 16, &n), BANK_OK);
	assert_int_equal(n, 0);
}

static void test_postrec__ids(void **state)
{
	(void)state;
	static const char *const journal[] = {
		"0190F0E4-1C2B-7D3E-8F40-123456789ABC", /* uppercase: kept as written, from the journal */
		"0190f0e4-1c2b-7d3e-8f40-123456789ab",
		"0190f0e4-1c2b-7d3e-8f40-123456789abcd",
		"0190f0e41c2b-7d3e-8f40-123456789abcd",
		"0190f0e4-1c2b-7d3e-8f40-12345678 abc",
		"h-1",
		"",
	};
	for (size_t i = 0; i < sizeof journal / sizeof journal[0]; i++)
		assert_true(rec(1, 0, journal[i]).journal);
	bank__prec r = rec(1, 0, "00000000-0000-0000-0000-000000000000");
	assert_false(r.journal);
	/* a memo or a ref sends reads to the journal whatever the id */
	bank__prec_make(&r, 5, "reversal", true, "0190f0e4-1c2b-7d3e-8f40-123456789abc", true, 1, 1, 0, "000000000001");
	assert_true(r.journal);
	unsigned char blob[BANK__PREC_MAX];
	size_t len = bank__prec_encode(&r, blob), n;
	bank__prec out;
	assert_int_equal(bank__prec_decode(blob, len, &out, 1, &n), BANK_OK);
	same(&r, &out);
	assert_string_equal(bank__prec_kind_name(out.kind), "reversal");
	assert_int_equal(bank__prec_kind("nonsense"), -1);
	assert_string_equal(bank__prec_kind_name(99), "unknown");
}

static void corrupt(const unsigned char *blob, size_t len, size_t max)
{
	bank__prec out[4];
	size_t n = 99;
	assert_int_equal(bank__prec_decode(blob, len, out, max, &n), BANK_ECORRUPT);
	assert_true(n <= max);
}

static void test_postrec__refused(void **state)
{
	(void)state;
	unsigned char blob[4 * BANK__PREC_MAX], bad[4 * BANK__PREC_MAX];
	bank__prec a = rec(10, -5, "0190f0e4-1c2b-7d3e-8f40-123456789abc"), b = rec(11, 6, "x");
	size_t la = bank__prec_encode(&a, blob), len = la + bank__prec_encode(&b, blob + la);
	bank__prec out[4];
	size_t n;
	assert_int_equal(bank__prec_decode(blob, len, out, 4, &n), BANK_OK);
	assert_int_equal(n, 2);
	/* every cut inside a record */
	for (size_t cut = 1; cut < len; cut++)
		if (cut != la)
			corrupt(blob, cut, 4);
	/* more records than the caller's room */
	corrupt(blob, len, 1);
	/* out of order: the second record before the first */
	size_t lb = len - la;
	memcpy(bad, blob + la, lb);
	memcpy(bad + lb, blob, la);
	corrupt(bad, len, 4);
	/* a repeated record */
	memcpy(bad, blob, la);
	memcpy(bad + la, blob, la);
	corrupt(bad, 2 * la, 4);
	/* flags: unknown bits, a kind past the list */
	memcpy(bad, blob, len);
	bad[1] |= 0x40;
	corrupt(bad, len, 4);
	bad[1] = (unsigned char)((blob[1] & 0xf0) | 0x0f);
	corrupt(bad, len, 4);
	/* seq 0, amount 0, a counterparty past 12 digits, an over-long varint */
	bank__prec z = a;
	z.seq = 0;
	corrupt(bad, bank__prec_encode(&z, bad), 4);
	z = a;
	z.amount = 0;
	corrupt(bad, bank__prec_encode(&z, bad), 4);
	z = a;
	z.other = UINT64_C(1000000000000);
	corrupt(bad, bank__prec_encode(&z, bad), 4);
	z = a;
	z.at = -1;
	corrupt(bad, bank__prec_encode(&z, bad), 4);
	memset(bad, 0xff, 11);
	bad[11] = 0;
	corrupt(bad, 12, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_postrec__round_trip),
		cmocka_unit_test(test_postrec__ids),
		cmocka_unit_test(test_postrec__refused),
	};
	return cmocka_run_group_tests_name("postrec", tests, NULL, NULL);
}
