/*
 * fuzz_account_number.c: libFuzzer harness for account numbers and transfer ids.
 *
 * Properties, each an abort() when broken:
 *   - bank_account_number_check(text) accepts exactly what a reference accepts: 12 ASCII
 *     digits whose value mod 97 is 1 (ISO 7064 MOD 97-10), and refuses with BANK_EINVAL
 *     and an error message otherwise;
 *   - a number built from the input's first bytes as a 10-digit base plus its check
 *     digits is accepted, and every single-digit change and every swap of two adjacent
 *     different digits of it is refused (what MOD 97-10 promises to catch);
 *   - bank_transfer_id_check(text) accepts exactly 1-64 characters in 0x20..0x7e.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"

#define CHECK(cond, ...)                                                      \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "fuzz_account_number: " __VA_ARGS__); \
			fputc('\n', stderr);                                  \
			abort();                                              \
		}                                                             \
	} while (0)

static int ref_number(const char *s)
{
	size_t n = strlen(s);
	if (n != BANK_ACCOUNT_NUMBER_LEN)
		return 0;
	unsigned mod = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		mod = (mod * 10 + (unsigned)(s[i] - '0')) % 97;
	}
	return mod == 1;
}

static int ref_id(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > BANK_ID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
}

static void check_number(const char *s)
{
	int rc = bank_account_number_check(s);
	int want = ref_number(s);
	CHECK((rc == BANK_OK) == want, "\"%s\": check gave %d, reference %d", s, rc, want);
	if (rc != BANK_OK)
		CHECK(rc == BANK_EINVAL && bank_error_last()->code == BANK_EINVAL &&
			      bank_error_last()->message[0] != '\0',
		      "\"%s\": refused with %d and no error record", s, rc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[96];
	size_t n = size < sizeof text - 1 ? size : sizeof text - 1;
	memcpy(text, data, n);
	text[n] = '\0';
	check_number(text);

	int rc = bank_transfer_id_check(text);
	CHECK((rc == BANK_OK) == ref_id(text), "id \"%s\": check gave %d", text, rc);

	if (size >= 5) {
		uint64_t base = 0;
		for (int i = 0; i < 5; i++)
			base = base << 8 | data[i];
		base %= UINT64_C(10000000000);
		unsigned cd = 98 - (unsigned)((base * 100) % 97);
		char num[32];
		snprintf(num, sizeof num, "%010llu%02u", (unsigned long long)base, cd);
		CHECK(ref_number(num), "reference rejects its own %s", num);
		CHECK(bank_account_number_check(num) == BANK_OK, "valid %s refused", num);
		for (int i = 0; i < BANK_ACCOUNT_NUMBER_LEN; i++) {
			char m[32];
			memcpy(m, num, sizeof m);
			m[i] = (char)('0' + (m[i] - '0' + 1 + data[i % size] % 9) % 10);
			CHECK(bank_account_number_check(m) == BANK_EINVAL, "%s (one digit off %s) accepted", m, num);
			if (i + 1 < BANK_ACCOUNT_NUMBER_LEN && num[i] != num[i + 1]) {
				memcpy(m, num, sizeof m);
				m[i] = num[i + 1];
				m[i + 1] = num[i];
				CHECK(bank_account_number_check(m) == BANK_EINVAL, "%s (a swap in %s) accepted", m,
				      num);
			}
		}
	}
	return 0;
}
