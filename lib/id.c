/*
 * id.c: random numbers, UUIDv7 transfer ids and account numbers.
 *
 * Unseeded, randomness comes from libsodium. Seeded (tests, harnesses), it comes from
 * xoshiro256** over splitmix64-expanded state, so two banks with the same seed and
 * clock produce the same ids and numbers.
 *
 * UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version 7, 74 random bits. Generated ids
 * are time-ordered so the id index grows at its right edge; within a handle each id is
 * strictly greater than the last (when time stands still, the last id plus one).
 *
 * Account numbers: 10 digits then two ISO 7064 MOD 97-10 check digits, chosen so the
 * whole 12-digit number is 1 modulo 97 (as IBANs do).
 */
#include <string.h>

#include <sodium.h>

#include "internal.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void bank__rng_init(bank__rng *r, bool seeded, uint64_t seed)
{
	r->seeded = seeded;
	r->seed = seed;
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		r->state[i] = splitmix64(&x);
}

void bank__rng_reseed(bank__rng *r, uint64_t salt)
{
	if (!r->seeded)
		return;
	uint64_t x = r->seed ^ (salt * UINT64_C(0xD1B54A32D192ED03));
	for (int i = 0; i < 4; i++)
		r->state[i] = splitmix64(&x);
}

uint64_t bank__rng_u64(bank__rng *r)
{
	if (!r->seeded) {
		uint64_t v;
		randombytes_buf(&v, sizeof v);
		return v;
	}
	uint64_t *s = r->state;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

void bank__rng_bytes(bank__rng *r, void *buf, size_t n)
{
	if (!r->seeded) {
		randombytes_buf(buf, n);
		return;
	}
	unsigned char *p = buf;
	while (n > 0) {
		uint64_t v = bank__rng_u64(r);
		size_t k = n < sizeof v ? n : sizeof v;
		memcpy(p, &v, k);
		p += k;
		n -= k;
	}
}

static void uuid_increment(unsigned char u[16])
{
	/* Increment the 74 random bits (bytes 6..15 minus version/variant), carrying. */
	for (int i = 15; i >= 6; i--) {
		if (i == 8) {
			unsigned v = (u[8] & 0x3f) + 1;
			u[8] = (unsigned char)(0x80 | (v & 0x3f));
			if (v <= 0x3f)
				return;
			continue;
		}
		if (i == 6) {
			unsigned v = (u[6] & 0x0f) + 1;
			u[6] = (unsigned char)(0x70 | (v & 0x0f));
			return;
		}
		if (++u[i] != 0)
			return;
	}
}

void bank__uuid7(bank__rng *r, bank_time now, unsigned char last[16], char out[37])
{
	unsigned char u[16];
	uint64_t ms = (uint64_t)(now / 1000);
	for (int i = 0; i < 6; i++)
		u[i] = (unsigned char)(ms >> (40 - 8 * i));
	bank__rng_bytes(r, u + 6, 10);
	u[6] = (unsigned char)(0x70 | (u[6] & 0x0f));
	u[8] = (unsigned char)(0x80 | (u[8] & 0x3f));
	if (memcmp(u, last, 16) <= 0) {
		memcpy(u, last, 16);
		uuid_increment(u);
	}
	memcpy(last, u, 16);
	bank__uuid_text(u, out);
}

void bank__uuid_text(const unsigned char u[16], char out[37])
{
	static const char hex[] = "0123456789abcdef";
	char *o = out;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*o++ = '-';
		*o++ = hex[u[i] >> 4];
		*o++ = hex[u[i] & 15];
	}
	*o = '\0';
}

uint64_t bank__account_number_value(const char *number)
{
	uint64_t v = 0;
	for (int i = 0; i < BANK_ACCOUNT_NUMBER_LEN; i++)
		v = v * 10 + (uint64_t)(number[i] - '0');
	return v;
}

void bank__account_number_text(uint64_t value, char out[BANK_ACCOUNT_NUMBER_SIZE])
{
	for (int i = BANK_ACCOUNT_NUMBER_LEN - 1; i >= 0; i--, value /= 10)
		out[i] = (char)('0' + value % 10);
	out[BANK_ACCOUNT_NUMBER_LEN] = '\0';
}

void bank__account_number_make(uint64_t base10, char out[BANK_ACCOUNT_NUMBER_SIZE])
{
	/* check = 98 - (base * 100 mod 97), so that base*100 + check == 1 (mod 97). */
	unsigned check = 98 - (unsigned)((base10 % 97) * 100 % 97);
	for (int i = 9; i >= 0; i--) {
		out[i] = (char)('0' + base10 % 10);
		base10 /= 10;
	}
	out[10] = (char)('0' + check / 10);
	out[11] = (char)('0' + check % 10);
	out[12] = '\0';
}

int bank_account_number_check(const char *number)
{
	if (number == NULL)
		return bank__err(BANK_EINVAL, "account number missing");
	unsigned rem = 0;
	size_t n = 0;
	for (const char *p = number; *p; p++, n++) {
		if (*p < '0' || *p > '9' || n >= BANK_ACCOUNT_NUMBER_LEN)
			return bank__err(BANK_EINVAL, "invalid account number \"%.40s\": expected 12 digits", number);
		rem = (rem * 10 + (unsigned)(*p - '0')) % 97;
	}
	if (n != BANK_ACCOUNT_NUMBER_LEN)
		return bank__err(BANK_EINVAL, "invalid account number \"%.40s\": expected 12 digits", number);
	if (rem != 1)
		return bank__err(BANK_EINVAL, "invalid account number %s: check digits do not match (mistyped?)",
				 number);
	return BANK_OK;
}
