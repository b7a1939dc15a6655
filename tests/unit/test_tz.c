/*
 * test_tz.c: the bank's time zone (lib/tz.c): UTC and fixed offsets, tz database zones
 * read from compiled TZif files, the POSIX TZ footer (slim files, far-future dates),
 * day starts across DST gaps, overlaps and skipped days, and the refusal of bad names
 * and malformed files.
 *
 * Expected instants were checked with `zdump -v` on tzdata 2025b; the tests read the
 * system's /usr/share/zoneinfo (Debian package tzdata, see scripts/deps.sh) and never run
 * zdump. Synthetic zones are TZif files written by tzif_write() into a temporary
 * directory that TZDIR points at.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "internal.h"

/* ---- helpers ---- */

#define SEC INT64_C(1000000)
#define HOUR (3600 * SEC)
#define DAY (86400 * SEC)
#define TZ_BIG (1024 * 1024 + 1)

#define EQ(a, b)                                                                                          \
	do {                                                                                              \
		long long a_ = (long long)(a), b_ = (long long)(b);                                       \
		if (a_ != b_) {                                                                           \
			print_error("%s:%d: %s = %lld, expected %lld\n", __FILE__, __LINE__, #a, a_, b_); \
			fail();                                                                           \
		}                                                                                         \
	} while (0)

static bank_date D(int64_t y, unsigned m, unsigned d)
{
	return (bank_date)bank__days_from_civil(y, m, d);
}

/* A UTC instant. */
static bank_time T(int64_t y, unsigned m, unsigned d, int hh, int mm, int ss)
{
	return (bank__days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss) * SEC;
}

static char tmpdir[64];
static char made[64][256];
static size_t nmade;

/* Writes @p size bytes to $tmpdir/@p name (a plain name, no directory). */
static void put_file(const char *name, const void *data, size_t size)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, size, f), size);
	assert_int_equal(fclose(f), 0);
	for (size_t i = 0; i < nmade; i++)
		if (strcmp(made[i], path) == 0)
			return;
	assert_true(nmade < sizeof made / sizeof made[0]);
	snprintf(made[nmade++], sizeof made[0], "%s", path);
}

static void use_system_zones(void)
{
	unsetenv("TZDIR");
}

static void use_tmp_zones(void)
{
	setenv("TZDIR", tmpdir, 1);
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/test_tz.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	use_system_zones();
	struct stat st;
	if (stat("/usr/share/zoneinfo/Europe/London", &st) != 0)
		fprintf(stderr, "test_tz: /usr/share/zoneinfo is missing: install tzdata (scripts/deps.sh)\n");
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < nmade; i++)
		unlink(made[i]);
	char sub[128];
	snprintf(sub, sizeof sub, "%s/sub", tmpdir);
	rmdir(sub);
	rmdir(tmpdir);
	return 0;
}

static bank *open_zone(const char *tz)
{
	bank_options o = BANK_OPTIONS_INIT;
	o.timezone = tz;
	bank *b = NULL;
	int rc = bank_open(&b, ":memory:", &o);
	if (rc != BANK_OK) {
		print_error("bank_open(timezone \"%s\") = %d: %s\n", tz ? tz : "(null)", rc,
			    bank_error_last()->message);
		fail();
	}
	return b;
}

static bank__tz *load_zone(const char *tz)
{
	bank__tz *z = NULL;
	int rc = bank__tz_load(&z, tz);
	if (rc != BANK_OK) {
		print_error("bank__tz_load(\"%s\") = %d: %s\n", tz, rc, bank_error_last()->message);
		fail();
	}
	return z;
}

static void refused(const char *tz, const char *message_part)
{
	bank__tz *z = (bank__tz *)&z; /* must be reset to NULL */
	bank_error_clear();
	int rc = bank__tz_load(&z, tz);
	if (rc != BANK_EINVAL || z != NULL || bank_error_last()->code != BANK_EINVAL ||
	    strstr(bank_error_last()->message, message_part) == NULL) {
		print_error("bank__tz_load(\"%s\") = %d (%s), expected invalid_argument with \"%s\"\n", tz, rc,
			    bank_error_last()->message, message_part);
		bank__tz_free(rc == BANK_OK ? z : NULL);
		fail();
	}
}

/* ---- a TZif writer (RFC 8536) for synthetic zones ---- */

typedef struct ttype {
	int32_t utoff;
	unsigned char isdst;
} ttype;

typedef struct zspec {
	char version;             /* 0 (v1 only, 32-bit), '2', '3' */
	const int64_t *trans;     /* ntrans transition times */
	const unsigned char *idx; /* their types */
	size_t ntrans;
	const ttype *types;
	size_t ntypes;
	const char *footer; /* v2+: the TZ string; NULL: no footer at all */
	uint32_t leapcnt;   /* leap-second records to write (all zero) */
} zspec;

static unsigned char *put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
	return p + 4;
}

static unsigned char *header(unsigned char *p, char version, uint32_t timecnt, uint32_t typecnt, uint32_t leapcnt)
{
	memcpy(p, "TZif", 4);
	p[4] = (unsigned char)version;
	memset(p + 5, 0, 15);
	p = put32(p + 20, 0); /* isutcnt */
	p = put32(p, 0);      /* isstdcnt */
	p = put32(p, leapcnt);
	p = put32(p, timecnt);
	p = put32(p, typecnt);
	return put32(p, 4); /* charcnt: "ZZZ\0" */
}

static unsigned char *types_block(unsigned char *p, const zspec *z)
{
	for (size_t i = 0; i < z->ntypes; i++) {
		p = put32(p, (uint32_t)z->types[i].utoff);
		*p++ = z->types[i].isdst;
		*p++ = 0;
	}
	memcpy(p, "ZZZ", 4);
	return p + 4;
}

/* Returns the file's size; buf must hold 64 + 20 * ntrans + 12 * ntypes + footer bytes. */
static size_t tzif_write(unsigned char *buf, const zspec *z)
{
	unsigned char *p = buf;
	if (z->version == 0) {
		p = header(p, 0, (uint32_t)z->ntrans, (uint32_t)z->ntypes, z->leapcnt);
		for (size_t i = 0; i < z->ntrans; i++)
			p = put32(p, (uint32_t)(int32_t)z->trans[i]);
		if (z->ntrans > 0)
			memcpy(p, z->idx, z->ntrans);
		p = types_block(p + z->ntrans, z);
		for (uint32_t i = 0; i < z->leapcnt; i++)
			p = put32(put32(p, 0), 0);
		return (size_t)(p - buf);
	}
	/* A minimal v1 block (as zic -b slim writes), then the 64-bit data. */
	zspec v1 = *z;
	v1.ntrans = 0;
	p = header(p, z->version, 0, (uint32_t)z->ntypes, 0);
	p = types_block(p, &v1);
	p = header(p, z->version, (uint32_t)z->ntrans, (uint32_t)z->ntypes, z->leapcnt);
	for (size_t i = 0; i < z->ntrans; i++)
		p = put32(put32(p, (uint32_t)((uint64_t)z->trans[i] >> 32)), (uint32_t)(uint64_t)z->trans[i]);
	if (z->ntrans > 0)
		memcpy(p, z->idx, z->ntrans);
	p = types_block(p + z->ntrans, z);
	for (uint32_t i = 0; i < z->leapcnt; i++)
		p = put32(put32(put32(p, 0), 0), 0);
	if (z->footer != NULL) {
		size_t n = strlen(z->footer);
		*p++ = '\n';
		memcpy(p, z->footer, n);
		p += n;
		*p++ = '\n';
	}
	return (size_t)(p - buf);
}

/* Writes a zone with no transitions, one type and the TZ string @p footer as $tmpdir/@p name. */
static void put_footer_zone(const char *name, const char *footer, int32_t utoff)
{
	unsigned char buf[512];
	ttype ty = {utoff, 0};
	zspec z = {'2', NULL, NULL, 0, &ty, 1, footer, 0};
	put_file(name, buf, tzif_write(buf, &z));
}

/* Reads a system zone file into buf; returns its size. */
static size_t read_system(const char *name, unsigned char *buf, size_t cap)
{
	char path[256];
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", name);
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		print_error("%s missing: install tzdata\n", path);
		fail();
	}
	size_t n = fread(buf, 1, cap, f);
	fclose(f);
	assert_true(n > 0 && n < cap);
	return n;
}

/* Europe/Andorra as `zic -b slim` writes it (tzdata 2025b): 25 transitions up to 1996,
 * then the footer "CET-1CEST,M3.5.0,M10.5.0/3". */
static const unsigned char andorra_slim[389] = {
	0x54, 0x5a, 0x69, 0x66, 0x32, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x54, 0x5a, 0x69,
	0x66, 0x32, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x19, 0x00, 0x00, 0x00,
	0x04, 0x00, 0x00, 0x00, 0x11, 0xff, 0xff, 0xff, 0xff, 0x7e, 0x36, 0xb3, 0x94, 0xff, 0xff, 0xff, 0xff, 0xd4,
	0x41, 0xdb, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1c, 0xac, 0xae, 0x10, 0x00, 0x00, 0x00, 0x00, 0x1d, 0x9c, 0x9f,
	0x10, 0x00, 0x00, 0x00, 0x00, 0x1e, 0x8c, 0x90, 0x10, 0x00, 0x00, 0x00, 0x00, 0x1f, 0x7c, 0x81, 0x10, 0x00,
	0x00, 0x00, 0x00, 0x20, 0x6c, 0x72, 0x10, 0x00, 0x00, 0x00, 0x00, 0x21, 0x5c, 0x63, 0x10, 0x00, 0x00, 0x00,
	0x00, 0x22, 0x4c, 0x54, 0x10, 0x00, 0x00, 0x00, 0x00, 0x23, 0x3c, 0x45, 0x10, 0x00, 0x00, 0x00, 0x00, 0x24,
	0x2c, 0x36, 0x10, 0x00, 0x00, 0x00, 0x00, 0x25, 0x1c, 0x27, 0x10, 0x00, 0x00, 0x00, 0x00, 0x26, 0x0c, 0x18,
	0x10, 0x00, 0x00, 0x00, 0x00, 0x27, 0x05, 0x43, 0x90, 0x00, 0x00, 0x00, 0x00, 0x27, 0xf5, 0x34, 0x90, 0x00,
	0x00, 0x00, 0x00, 0x28, 0xe5, 0x25, 0x90, 0x00, 0x00, 0x00, 0x00, 0x29, 0xd5, 0x16, 0x90, 0x00, 0x00, 0x00,
	0x00, 0x2a, 0xc5, 0x07, 0x90, 0x00, 0x00, 0x00, 0x00, 0x2b, 0xb4, 0xf8, 0x90, 0x00, 0x00, 0x00, 0x00, 0x2c,
	0xa4, 0xe9, 0x90, 0x00, 0x00, 0x00, 0x00, 0x2d, 0x94, 0xda, 0x90, 0x00, 0x00, 0x00, 0x00, 0x2e, 0x84, 0xcb,
	0x90, 0x00, 0x00, 0x00, 0x00, 0x2f, 0x74, 0xbc, 0x90, 0x00, 0x00, 0x00, 0x00, 0x30, 0x64, 0xad, 0x90, 0x00,
	0x00, 0x00, 0x00, 0x31, 0x5d, 0xd9, 0x10, 0x01, 0x02, 0x03, 0x02, 0x03, 0x02, 0x03, 0x02, 0x03, 0x02, 0x03,
	0x02, 0x03, 0x02, 0x03, 0x02, 0x03, 0x02, 0x03, 0x02, 0x03, 0x02, 0x03, 0x02, 0x03, 0x00, 0x00, 0x01, 0x6c,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x08, 0x00, 0x00, 0x1c, 0x20,
	0x01, 0x0c, 0x4c, 0x4d, 0x54, 0x00, 0x57, 0x45, 0x54, 0x00, 0x43, 0x45, 0x54, 0x00, 0x43, 0x45, 0x53, 0x54,
	0x00, 0x0a, 0x43, 0x45, 0x54, 0x2d, 0x31, 0x43, 0x45, 0x53, 0x54, 0x2c, 0x4d, 0x33, 0x2e, 0x35, 0x2e, 0x30,
	0x2c, 0x4d, 0x31, 0x30, 0x2e, 0x35, 0x2e, 0x30, 0x2f, 0x33, 0x0a,
};

/* ---- UTC and fixed offsets: unchanged ---- */

static void test_tz_fixed__utc_and_offsets(void **state)
{
	(void)state;
	static const struct {
		const char *spec;
		int32_t off;
	} zones[] = {{NULL, 0},         {"UTC", 0},         {"Z", 0},         {"utc", 0},
		     {"+05:30", 19800}, {"-08:00", -28800}, {"+00:00", 0},    {"-00:00", 0},
		     {"+14:00", 50400}, {"-14:59", -53940}, {"+05:45", 20700}};
	const bank_time times[] = {0,
				   -1,
				   1,
				   DAY - 1,
				   DAY,
				   -DAY,
				   -DAY - 1,
				   1772442000 * SEC,
				   T(2026, 3, 29, 0, 59, 59),
				   T(2026, 10, 25, 1, 0, 0),
				   T(1969, 12, 31, 23, 59, 59),
				   T(2100, 1, 1, 0, 0, 0) - 1,
				   T(9999, 12, 31, 23, 59, 59)};
	for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
		bank *b = open_zone(zones[i].spec);
		int64_t off = zones[i].off;
		for (size_t k = 0; k < sizeof times / sizeof times[0]; k++) {
			bank_time t = times[k];
			/* The formula of the fixed-offset-only version. */
			int64_t secs = (t >= 0 ? t / SEC : -((-t + SEC - 1) / SEC)) + off;
			int64_t want = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
			EQ(bank_date_of(b, t), want);
		}
		for (bank_date d = D(1900, 1, 1); d < D(2101, 1, 1); d += 13)
			EQ(bank_date_start(b, d), ((int64_t)d * 86400 - off) * SEC);
		EQ(bank_date_start(b, 0), -off * SEC);
		bank_close(b);
	}
}

/* ---- Europe/London around the 2026 changes (01:00 UTC both ways) ---- */

static void test_tz_london__spring_forward(void **state)
{
	(void)state;
	use_system_zones();
	bank *b = open_zone("Europe/London");
	EQ(bank_date_of(b, T(2026, 3, 28, 23, 59, 59)), D(2026, 3, 28));
	EQ(bank_date_of(b, T(2026, 3, 29, 0, 0, 0)), D(2026, 3, 29));
	EQ(bank_date_of(b, T(2026, 3, 29, 1, 0, 0) - 1), D(2026, 3, 29)); /* 00:59:59.999999 GMT */
	EQ(bank_date_of(b, T(2026, 3, 29, 1, 0, 0)), D(2026, 3, 29));     /* 02:00 BST */
	EQ(bank_date_of(b, T(2026, 3, 29, 22, 59, 59)), D(2026, 3, 29));
	EQ(bank_date_of(b, T(2026, 3, 29, 23, 0, 0)), D(2026, 3, 30)); /* midnight BST */
	EQ(bank_date_start(b, D(2026, 3, 29)), T(2026, 3, 29, 0, 0, 0));
	EQ(bank_date_start(b, D(2026, 3, 30)), T(2026, 3, 29, 23, 0, 0)); /* a 23-hour day */
	EQ(bank_date_start(b, D(2026, 3, 28)), T(2026, 3, 28, 0, 0, 0));
	EQ(bank_date_start(b, D(2026, 7, 1)), T(2026, 6, 30, 23, 0, 0));
	EQ(bank_date_start(b, D(2026, 1, 15)), T(2026, 1, 15, 0, 0, 0));
	bank_close(b);
}

static void test_tz_london__fall_back(void **state)
{
	(void)state;
	use_system_zones();
	bank *b = open_zone("Europe/London");
	EQ(bank_date_of(b, T(2026, 10, 24, 22, 59, 59)), D(2026, 10, 24)); /* 23:59:59 BST */
	EQ(bank_date_of(b, T(2026, 10, 24, 23, 0, 0)), D(2026, 10, 25));
	EQ(bank_date_of(b, T(2026, 10, 25, 1, 0, 0) - 1), D(2026, 10, 25)); /* 01:59:59.999999 BST */
	EQ(bank_date_of(b, T(2026, 10, 25, 1, 0, 0)), D(2026, 10, 25));     /* 01:00 GMT again */
	EQ(bank_date_of(b, T(2026, 10, 25, 23, 59, 59)), D(2026, 10, 25));
	EQ(bank_date_of(b, T(2026, 10, 26, 0, 0, 0)), D(2026, 10, 26));
	EQ(bank_date_start(b, D(2026, 10, 25)), T(2026, 10, 24, 23, 0, 0));
	EQ(bank_date_start(b, D(2026, 10, 26)), T(2026, 10, 26, 0, 0, 0)); /* a 25-hour day */
	EQ(bank_date_start(b, D(2026, 10, 24)), T(2026, 10, 23, 23, 0, 0));
	EQ(bank_date_start(b, D(2026, 12, 25)), T(2026, 12, 25, 0, 0, 0));
	bank_close(b);
}

static void test_tz_new_york__dst(void **state)
{
	(void)state;
	use_system_zones();
	bank *b = open_zone("America/New_York");
	/* 2026-03-08 07:00Z: 02:00 EST -> 03:00 EDT; 2026-11-01 06:00Z: 02:00 EDT -> 01:00 EST. */
	EQ(bank_date_start(b, D(2026, 3, 8)), T(2026, 3, 8, 5, 0, 0));
	EQ(bank_date_start(b, D(2026, 3, 9)), T(2026, 3, 9, 4, 0, 0));
	EQ(bank_date_start(b, D(2026, 11, 1)), T(2026, 11, 1, 4, 0, 0));
	EQ(bank_date_start(b, D(2026, 11, 2)), T(2026, 11, 2, 5, 0, 0));
	EQ(bank_date_of(b, T(2026, 3, 8, 4, 59, 59)), D(2026, 3, 7));
	EQ(bank_date_of(b, T(2026, 3, 8, 7, 0, 0)), D(2026, 3, 8));
	EQ(bank_date_of(b, T(2026, 11, 1, 5, 59, 59)), D(2026, 11, 1));
	EQ(bank_date_of(b, T(2026, 11, 2, 4, 59, 59)), D(2026, 11, 1)); /* 23:59:59 EST */
	EQ(bank_date_of(b, T(2026, 11, 2, 5, 0, 0)), D(2026, 11, 2));
	bank_close(b);
}

static void test_tz_kolkata__no_dst(void **state)
{
	(void)state;
	use_system_zones();
	bank *b = open_zone("Asia/Kolkata");
	EQ(bank_date_of(b, T(2026, 1, 1, 18, 29, 59)), D(2026, 1, 1));
	EQ(bank_date_of(b, T(2026, 1, 1, 18, 30, 0)), D(2026, 1, 2));
	for (bank_date d = D(1950, 1, 1); d < D(2100, 1, 1); d += 7)
		EQ(bank_date_start(b, d), ((int64_t)d * 86400 - 19800) * SEC);
	/* 1942-09-01 began at 01:00 +0630 (the clocks went 23:59:59 IST -> 01:00). */
	EQ(bank_date_start(b, D(1942, 9, 1)), T(1942, 8, 31, 18, 30, 0));
	EQ(bank_date_of(b, T(1942, 8, 31, 18, 30, 0) - 1), D(1942, 8, 31));
	bank_close(b);
}

/* ---- Days that start at 01:00: DST begins at midnight ---- */

static void test_tz_gap__midnight(void **state)
{
	(void)state;
	use_system_zones();
	/* zdump -v: the first local instant of the day is 01:00. */
	static const struct {
		const char *zone;
		int y;
		unsigned m, d;
	} gaps[] = {
		{"America/Havana", 2026, 3, 8},   /* 05:00Z: CST 23:59:59 -> CDT 01:00 */
		{"Asia/Beirut", 2026, 3, 29},     /* 2026-03-28 22:00Z: EET 23:59:59 -> EEST 01:00 */
		{"America/Santiago", 2026, 9, 6}, /* 04:00Z: -04 23:59:59 -> -03 01:00 */
		{"America/Havana", 2027, 3, 14},  {"Asia/Beirut", 2027, 3, 28}, {"America/Santiago", 2025, 9, 7},
	};
	/* 01:00 local, in UTC. */
	const bank_time starts[] = {T(2026, 3, 8, 5, 0, 0),  T(2026, 3, 28, 22, 0, 0), T(2026, 9, 6, 4, 0, 0),
				    T(2027, 3, 14, 5, 0, 0), T(2027, 3, 27, 22, 0, 0), T(2025, 9, 7, 4, 0, 0)};
	for (size_t i = 0; i < sizeof gaps / sizeof gaps[0]; i++) {
		bank *b = open_zone(gaps[i].zone);
		bank_date d = D(gaps[i].y, gaps[i].m, gaps[i].d);
		bank_time s = bank_date_start(b, d);
		if (s != starts[i]) {
			char got[BANK_TIME_SIZE], want[BANK_TIME_SIZE];
			assert_int_equal(bank_time_format(got, sizeof got, s), BANK_OK);
			assert_int_equal(bank_time_format(want, sizeof want, starts[i]), BANK_OK);
			print_error("%s %d-%02u-%02u starts at %s, expected %s\n", gaps[i].zone, gaps[i].y, gaps[i].m,
				    gaps[i].d, got, want);
			fail();
		}
		EQ(bank_date_of(b, s), d);
		EQ(bank_date_of(b, s - 1), d - 1); /* 23:59:59.999999 standard time */
		/* A 23-hour day: the next one starts 23 hours later. */
		EQ(bank_date_start(b, d + 1) - s, 23 * HOUR);
		bank_close(b);
	}
}

/* America/Santiago falls back at 24:00 -03 to 23:00 -04: the day before has 25 hours. */
static void test_tz_gap__santiago_fall_back(void **state)
{
	(void)state;
	use_system_zones();
	bank *b = open_zone("America/Santiago");
	EQ(bank_date_start(b, D(2026, 4, 4)), T(2026, 4, 4, 3, 0, 0));
	EQ(bank_date_start(b, D(2026, 4, 5)), T(2026, 4, 5, 4, 0, 0));
	EQ(bank_date_of(b, T(2026, 4, 5, 3, 0, 0) - 1), D(2026, 4, 4)); /* 23:59:59 -03 */
	EQ(bank_date_of(b, T(2026, 4, 5, 3, 0, 0)), D(2026, 4, 4));     /* 23:00 -04 */
	EQ(bank_date_of(b, T(2026, 4, 5, 4, 0, 0)), D(2026, 4, 5));
	bank_close(b);
}

/* Pacific/Apia skipped 2011-12-30 (-10 -> +14 at 2011-12-30 10:00Z). */
static void test_tz_gap__skipped_day(void **state)
{
	(void)state;
	use_system_zones();
	bank *b = open_zone("Pacific/Apia");
	EQ(bank_date_start(b, D(2011, 12, 29)), T(2011, 12, 29, 10, 0, 0));
	EQ(bank_date_start(b, D(2011, 12, 30)), T(2011, 12, 30, 10, 0, 0));
	EQ(bank_date_start(b, D(2011, 12, 31)), T(2011, 12, 30, 10, 0, 0));
	EQ(bank_date_start(b, D(2012, 1, 1)), T(2011, 12, 31, 10, 0, 0));
	EQ(bank_date_of(b, T(2011, 12, 30, 10, 0, 0) - 1), D(2011, 12, 29));
	EQ(bank_date_of(b, T(2011, 12, 30, 10, 0, 0)), D(2011, 12, 31));
	bank_close(b);
}

/* A synthetic fall-back at 00:30 local: 00:29:59 +01 -> 23:30 +00 the day before. */
static void test_tz_overlap__across_midnight(void **state)
{
	(void)state;
	const bank_date d = D(2030, 6, 10);
	const int64_t at = (int64_t)d * 86400 + 1800 - 3600; /* 00:30 +01 */
	const int64_t trans[] = {at};
	const unsigned char idx[] = {1};
	const ttype types[] = {{3600, 1}, {0, 0}};
	zspec z = {'2', trans, idx, 1, types, 2, "", 0};
	unsigned char buf[256];
	put_file("Overlap", buf, tzif_write(buf, &z));
	use_tmp_zones();
	bank *b = open_zone("Overlap");
	use_system_zones();
	bank_time start = bank_date_start(b, d);
	EQ(start, ((int64_t)d * 86400 - 3600) * SEC); /* the first midnight counts */
	EQ(bank_date_of(b, start - 1), d - 1);
	EQ(bank_date_of(b, at * SEC - 1), d);
	EQ(bank_date_of(b, at * SEC), d - 1); /* 23:30 again */
	EQ(bank_date_of(b, at * SEC + 1800 * SEC), d);
	EQ(bank_date_start(b, d + 1), ((int64_t)(d + 1) * 86400) * SEC);
	/* Nothing before the start is on day d. */
	for (bank_time t = start - 30 * HOUR; t < start; t += 60 * SEC)
		assert_true(bank_date_of(b, t) < d);
	bank_close(b);
}

/* ---- The POSIX TZ footer ---- */

static void test_tz_footer__far_future(void **state)
{
	(void)state;
	use_system_zones();
	bank *b = open_zone("Europe/London"); /* fat: transitions end in 2037 */
	EQ(bank_date_start(b, D(2100, 3, 28)), T(2100, 3, 28, 0, 0, 0));
	EQ(bank_date_start(b, D(2100, 3, 29)), T(2100, 3, 28, 23, 0, 0));
	EQ(bank_date_start(b, D(2100, 10, 31)), T(2100, 10, 30, 23, 0, 0));
	EQ(bank_date_start(b, D(2100, 11, 1)), T(2100, 11, 1, 0, 0, 0));
	EQ(bank_date_of(b, T(2100, 3, 28, 23, 0, 0) - 1), D(2100, 3, 28));
	EQ(bank_date_start(b, D(9999, 3, 29)), T(9999, 3, 28, 23, 0, 0));
	EQ(bank_date_start(b, D(9999, 11, 1)), T(9999, 11, 1, 0, 0, 0));
	bank_close(b);
	b = open_zone("America/New_York");
	EQ(bank_date_start(b, D(2100, 3, 14)), T(2100, 3, 14, 5, 0, 0));
	EQ(bank_date_start(b, D(2100, 3, 15)), T(2100, 3, 15, 4, 0, 0));
	EQ(bank_date_start(b, D(2100, 11, 8)), T(2100, 11, 8, 5, 0, 0));
	bank_close(b);
	b = open_zone("America/Santiago");
	EQ(bank_date_start(b, D(2100, 9, 5)), T(2100, 9, 5, 4, 0, 0));
	EQ(bank_date_start(b, D(2100, 4, 4)), T(2100, 4, 4, 4, 0, 0));
	bank_close(b);
	b = open_zone("America/Havana");
	EQ(bank_date_start(b, D(2100, 3, 14)), T(2100, 3, 14, 5, 0, 0));
	bank_close(b);
	b = open_zone("Asia/Beirut");
	EQ(bank_date_start(b, D(2100, 3, 28)), T(2100, 3, 27, 22, 0, 0));
	bank_close(b);
}

/* Compares two zones day by day: day starts, and dates just before, at and after them. */
static void same_days(bank *a, bank *b, bank_date from, bank_date to, const char *what)
{
	for (bank_date d = from; d < to; d++) {
		bank_time s = bank_date_start(a, d);
		if (s != bank_date_start(b, d)) {
			char buf[11];
			assert_int_equal(bank_date_format(buf, sizeof buf, d), BANK_OK);
			print_error("%s: %s starts at %lld and %lld\n", what, buf, (long long)s,
				    (long long)bank_date_start(b, d));
			fail();
		}
		for (bank_time t = s - HOUR; t < s + DAY; t += HOUR + 7 * 60 * SEC)
			EQ(bank_date_of(a, t), bank_date_of(b, t));
	}
}

/* A real slim file (transitions to 1985, then the footer) against the system's fat one. */
static void test_tz_footer__slim_file(void **state)
{
	(void)state;
	put_file("Andorra_slim", andorra_slim, sizeof andorra_slim);
	use_tmp_zones();
	bank *slim = open_zone("Andorra_slim");
	use_system_zones();
	bank *fat = open_zone("Europe/Andorra");
	same_days(slim, fat, D(1980, 1, 1), D(2040, 1, 1), "Andorra slim/fat");
	EQ(bank_date_start(slim, D(2026, 3, 30)), T(2026, 3, 29, 22, 0, 0));
	EQ(bank_date_start(slim, D(2026, 10, 26)), T(2026, 10, 25, 23, 0, 0));
	bank_close(slim);
	bank_close(fat);
}

/* Footer-only zones evaluate each system zone's current rule like zic expanded it in the
 * fat file (2026..2037). */
static void test_tz_footer__rules_match_zic(void **state)
{
	(void)state;
	static const struct {
		const char *zone, *footer;
	} zones[] = {
		{"Europe/London", "GMT0BST,M3.5.0/1,M10.5.0"},
		{"America/New_York", "EST5EDT,M3.2.0,M11.1.0"},
		{"Asia/Kolkata", "IST-5:30"},
		{"America/Havana", "CST5CDT,M3.2.0/0,M11.1.0/1"},
		{"Asia/Beirut", "EET-2EEST,M3.5.0/0,M10.5.0/0"},
		{"America/Santiago", "<-04>4<-03>,M9.1.6/24,M4.1.6/24"},
		{"America/Nuuk", "<-02>2<-01>,M3.5.0/-1,M10.5.0/0"},
		{"Australia/Lord_Howe", "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0"},
		{"Pacific/Chatham", "<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45"},
		{"America/St_Johns", "NST3:30NDT,M3.2.0,M11.1.0"},
		{"Antarctica/Troll", "<+00>0<+02>-2,M3.5.0/1,M10.5.0/3"},
		{"Pacific/Auckland", "NZST-12NZDT,M9.5.0,M4.1.0/3"},
	};
	for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
		put_footer_zone("Footer", zones[i].footer, 0);
		use_tmp_zones();
		bank *f = open_zone("Footer");
		use_system_zones();
		bank *sys = open_zone(zones[i].zone);
		same_days(f, sys, D(2026, 1, 1), D(2038, 1, 1), zones[i].zone);
		bank_close(f);
		bank_close(sys);
	}
}

/* The POSIX forms checked against instants computed by hand. */
static void test_tz_footer__posix_forms(void **state)
{
	(void)state;
	use_tmp_zones();
	bank__tz *z;
	/* Jn never counts Feb 29: J60 is March 1 in every year; /167 is 6 days 23 hours. */
	put_footer_zone("J", "AAA3BBB,J60/0,J300/167", -10800);
	z = load_zone("J");
	EQ(bank__tz_offset(z, T(2028, 3, 1, 3, 0, 0) / SEC - 1), -10800);
	EQ(bank__tz_offset(z, T(2028, 3, 1, 3, 0, 0) / SEC), -7200);
	EQ(bank__tz_offset(z, T(2027, 3, 1, 3, 0, 0) / SEC), -7200);
	EQ(bank__tz_offset(z, T(2028, 11, 3, 1, 0, 0) / SEC - 1), -7200);
	EQ(bank__tz_offset(z, T(2028, 11, 3, 1, 0, 0) / SEC), -10800);
	bank__tz_free(z);
	/* n counts Feb 29 (zero-based); a negative time goes back into earlier days. */
	put_footer_zone("N", "AAA-10BBB-11,59,300/-167", 36000);
	z = load_zone("N");
	EQ(bank__tz_offset(z, T(2028, 2, 28, 16, 0, 0) / SEC - 1), 36000); /* Feb 29 02:00 +10 */
	EQ(bank__tz_offset(z, T(2028, 2, 28, 16, 0, 0) / SEC), 39600);
	EQ(bank__tz_offset(z, T(2027, 2, 28, 16, 0, 0) / SEC), 39600); /* Mar 1 02:00 +10 */
	EQ(bank__tz_offset(z, T(2027, 2, 28, 16, 0, 0) / SEC - 1), 36000);
	EQ(bank__tz_offset(z, T(2028, 10, 19, 14, 0, 0) / SEC - 1), 39600);
	EQ(bank__tz_offset(z, T(2028, 10, 19, 14, 0, 0) / SEC), 36000);
	EQ(bank__tz_offset(z, T(2027, 10, 20, 14, 0, 0) / SEC), 36000);
	bank__tz_free(z);
	/* v3 all-year DST: from Jan 1 00:00 to Dec 31 25:00, i.e. always -04. */
	put_footer_zone("AllYear", "EST5EDT,0/0,J365/25", -18000);
	z = load_zone("AllYear");
	for (bank_time t = T(2019, 12, 25, 0, 0, 0); t < T(2031, 1, 5, 0, 0, 0); t += 1800 * SEC + 7 * SEC)
		EQ(bank__tz_offset(z, t / SEC), -14400);
	bank__tz_free(z);
	/* No offset for dst: one hour ahead; no rule: the US rule M3.2.0,M11.1.0. */
	put_footer_zone("Default", "EST5EDT", -18000);
	z = load_zone("Default");
	EQ(bank__tz_offset(z, T(2026, 3, 8, 7, 0, 0) / SEC - 1), -18000);
	EQ(bank__tz_offset(z, T(2026, 3, 8, 7, 0, 0) / SEC), -14400);
	EQ(bank__tz_offset(z, T(2026, 11, 1, 6, 0, 0) / SEC), -18000);
	bank__tz_free(z);
	/* Seconds in offsets and times, and no DST at all. */
	put_footer_zone("Hms", "<-0330>3:30:15<-0230>2:30:15,M3.2.0/2:30:45,M11.1.0/1:59:59", 0);
	z = load_zone("Hms");
	EQ(bank__tz_offset(z, T(2026, 1, 1, 0, 0, 0) / SEC), -12615);
	EQ(bank__tz_offset(z, T(2026, 3, 8, 6, 1, 0) / SEC - 1), -12615); /* 02:30:45 + 03:30:15 */
	EQ(bank__tz_offset(z, T(2026, 3, 8, 6, 1, 0) / SEC), -9015);
	bank__tz_free(z);
	put_footer_zone("Plain", "<+0530>-5:30", 0);
	z = load_zone("Plain");
	EQ(bank__tz_offset(z, 0), 19800);
	EQ(bank__tz_day_start(z, D(2026, 1, 1)), (int64_t)D(2026, 1, 1) * 86400 - 19800);
	bank__tz_free(z);
	use_system_zones();
}

/* A version 1 file: 32-bit times, no footer; the last type holds forever. */
static void test_tz_footer__version1_file(void **state)
{
	(void)state;
	const int64_t trans[] = {T(2026, 3, 29, 1, 0, 0) / SEC, T(2026, 10, 25, 1, 0, 0) / SEC};
	const unsigned char idx[] = {1, 0};
	const ttype types[] = {{0, 0}, {3600, 1}};
	zspec zs = {0, trans, idx, 2, types, 2, NULL, 0};
	unsigned char buf[256];
	put_file("V1", buf, tzif_write(buf, &zs));
	use_tmp_zones();
	bank *b = open_zone("V1");
	use_system_zones();
	EQ(bank_date_start(b, D(2026, 3, 30)), T(2026, 3, 29, 23, 0, 0));
	EQ(bank_date_start(b, D(2026, 10, 26)), T(2026, 10, 26, 0, 0, 0));
	EQ(bank_date_start(b, D(2027, 7, 1)), T(2027, 7, 1, 0, 0, 0)); /* no rule after 2026 */
	EQ(bank_date_start(b, D(2020, 7, 1)), T(2020, 7, 1, 0, 0, 0)); /* type 0 before */
	bank_close(b);
}

/* ---- Every day over many years, many zones ---- */

static void test_tz_roundtrip__every_day(void **state)
{
	(void)state;
	use_system_zones();
	static const char *const zones[] = {NULL,
					    "+05:30",
					    "-08:00",
					    "Europe/London",
					    "America/New_York",
					    "Asia/Kolkata",
					    "America/Havana",
					    "Asia/Beirut",
					    "America/Santiago",
					    "Australia/Lord_Howe",
					    "America/St_Johns",
					    "Pacific/Chatham",
					    "Asia/Tehran",
					    "Africa/Casablanca",
					    "Antarctica/Troll",
					    "America/Nuuk",
					    "Pacific/Apia",
					    "Pacific/Kiritimati",
					    "Europe/Dublin",
					    "Asia/Kathmandu"};
	char skipped[256] = "";
	for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
		bank *b = open_zone(zones[i]);
		bank_time prev = bank_date_start(b, D(1900, 1, 1) - 1);
		for (bank_date d = D(1900, 1, 1); d <= D(2100, 12, 31); d++) {
			bank_time s = bank_date_start(b, d), next = bank_date_start(b, d + 1);
			assert_true(s >= prev && next >= s && next - s <= 2 * DAY);
			if (s == next) { /* d was skipped: its start is the next day's */
				char buf[11];
				assert_int_equal(bank_date_format(buf, sizeof buf, d), BANK_OK);
				snprintf(skipped + strlen(skipped), sizeof skipped - strlen(skipped), " %s %s",
					 zones[i] ? zones[i] : "UTC", buf);
				assert_true(bank_date_of(b, s) > d);
			} else if (bank_date_of(b, s) != d) {
				char buf[11];
				assert_int_equal(bank_date_format(buf, sizeof buf, d), BANK_OK);
				print_error("%s: bank_date_of(bank_date_start(%s)) = %d\n", zones[i] ? zones[i] : "UTC",
					    buf, (int)bank_date_of(b, s));
				fail();
			}
			/* The microsecond before belongs to the day before (or earlier, after a skip). */
			if (s != prev)
				EQ(bank_date_of(b, s - 1), d - 1);
			else
				assert_true(bank_date_of(b, s - 1) < d);
			prev = s;
		}
		bank_close(b);
	}
	/* zdump -v: the Line Islands went from -10 to +14 after 1994-12-30, Samoa after 2011-12-29. */
	assert_string_equal(skipped, " Pacific/Apia 2011-12-30 Pacific/Kiritimati 1994-12-31");
}

/* ---- Refusals ---- */

static void test_tz_name__validation(void **state)
{
	(void)state;
	use_system_zones();
	static const char *const names[] = {"../etc/passwd",
					    "/etc/localtime",
					    "",
					    "Europe/../Europe/London",
					    "./Europe/London",
					    "Europe//London",
					    "Europe/London/",
					    "Europe/London\n",
					    "Europe/Lon don",
					    "Europe\\London",
					    "Europe/London.",
					    "+25:00",
					    "+05:60",
					    "05:30",
					    "-05:30:00",
					    "Europe/Lon\xc3\xa9"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		refused(names[i], "unknown time zone");
	char longname[300];
	memset(longname, 'A', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	refused(longname, "unknown time zone");
	refused("Mars/Olympus", "unknown time zone \"Mars/Olympus\": not in");
	refused("Europe", "unknown time zone"); /* a directory */
	refused("utc+1", "unknown time zone");
	/* The check comes before any file access: a zone that exists under TZDIR is still
	 * refused when named through "..". */
	put_footer_zone("Reach", "UTC0", 0);
	char sub[128], dotdot[160];
	snprintf(sub, sizeof sub, "%s/sub", tmpdir);
	assert_true(mkdir(sub, 0700) == 0);
	setenv("TZDIR", sub, 1);
	refused("../Reach", "unknown time zone");
	use_tmp_zones();
	bank__tz_free(load_zone("Reach"));
	snprintf(dotdot, sizeof dotdot, "sub/../Reach");
	refused(dotdot, "unknown time zone");
	use_system_zones();
}

/* Refused with BANK_EINVAL, *out NULL, and a message containing @p why (when not NULL). */
static void expect_bad_tzif(const unsigned char *data, size_t size, const char *what, const char *why)
{
	bank__tz *z = (bank__tz *)&z;
	int rc = bank__tz_load_tzif(&z, data, size, what);
	if (rc != BANK_EINVAL || z != NULL || bank_error_last()->code != BANK_EINVAL ||
	    (why != NULL && strstr(bank_error_last()->message, why) == NULL)) {
		print_error("%s: bank__tz_load_tzif = %d (%s), expected invalid_argument (%s)\n", what, rc,
			    bank_error_last()->message, why ? why : "any message");
		fail();
	}
}

static void test_tz_malformed__structure(void **state)
{
	(void)state;
	unsigned char buf[1024];
	const int64_t trans[] = {1000, 2000, 3000};
	const unsigned char idx[] = {1, 0, 1};
	const ttype types[] = {{0, 0}, {3600, 1}};
	zspec good = {'2', trans, idx, 3, types, 2, "GMT0BST,M3.5.0/1,M10.5.0", 0};
	size_t n = tzif_write(buf, &good);
	bank__tz *z = NULL;
	assert_int_equal(bank__tz_load_tzif(&z, buf, n, "good"), BANK_OK);
	bank__tz_free(z);

	expect_bad_tzif(buf, 0, "empty", "no TZif header");
	expect_bad_tzif((const unsigned char *)"hello, world", 12, "text", "no TZif header");
	/* Every proper prefix of a good file. */
	for (size_t k = 0; k < n; k++)
		expect_bad_tzif(buf, k, "prefix", NULL);
	unsigned char bad[1024];
	memcpy(bad, buf, n);
	bad[0] = 'X';
	expect_bad_tzif(bad, n, "magic", "no TZif header");

	zspec s = good;
	const int64_t unsorted[] = {1000, 3000, 2000};
	s.trans = unsorted;
	expect_bad_tzif(buf, tzif_write(buf, &s), "unsorted transitions", "not increasing");
	const int64_t dup[] = {1000, 1000, 2000};
	s.trans = dup;
	expect_bad_tzif(buf, tzif_write(buf, &s), "repeated transition", "not increasing");
	s = good;
	const unsigned char badidx[] = {1, 2, 0};
	s.idx = badidx;
	expect_bad_tzif(buf, tzif_write(buf, &s), "type index", "undefined local time type");
	s = good;
	s.ntypes = 0;
	s.ntrans = 0;
	expect_bad_tzif(buf, tzif_write(buf, &s), "no types", "number of local time types");
	static const ttype far[] = {{0, 0}, {93600, 1}};
	s = good;
	s.types = far;
	expect_bad_tzif(buf, tzif_write(buf, &s), "offset 26h", "UT offset out of range");
	static const ttype neg[] = {{-90000, 0}, {0, 1}};
	s.types = neg;
	expect_bad_tzif(buf, tzif_write(buf, &s), "offset -25h", "UT offset out of range");
	static const ttype flag[] = {{0, 2}, {3600, 1}};
	s.types = flag;
	expect_bad_tzif(buf, tzif_write(buf, &s), "dst flag", "DST flag");
	s = good;
	s.leapcnt = 1;
	expect_bad_tzif(buf, tzif_write(buf, &s), "leap seconds", "leap seconds");
	s = good;
	s.footer = NULL;
	expect_bad_tzif(buf, tzif_write(buf, &s), "no footer", "footer");
	n = tzif_write(buf, &good);
	memcpy(bad, buf, n);
	bad[n - 1] = 'x';
	expect_bad_tzif(bad, n, "unterminated footer", "footer");
	/* Designation index beyond charcnt (type 1's index byte). */
	n = tzif_write(buf, &good);
	memcpy(bad, buf, n);
	size_t v1 = 44 + 2 * 6 + 4;
	bad[v1 + 44 + 3 * 9 + 6 + 5] = 9;
	expect_bad_tzif(bad, n, "designation", "designation index");
	/* A second header that is not one. */
	memcpy(bad, buf, n);
	bad[v1] = 'X';
	expect_bad_tzif(bad, n, "second header", "second header");

	static const char *const footers[] = {
		"GMT",                        /* no offset */
		"GM0",                        /* name too short */
		"<+05",                       /* unterminated <> */
		"<+5>-5",                     /* quoted name too short */
		"GMT0BST,M13.5.0,M10.5.0",    /* month 13 */
		"GMT0BST,M3.6.0,M10.5.0",     /* week 6 */
		"GMT0BST,M3.5.7,M10.5.0",     /* weekday 7 */
		"GMT0BST,M3.5.0",             /* one date */
		"GMT0BST,M3.5.0/168,M10.5.0", /* time past 167h */
		"GMT0BST,J0,J365",            /* J starts at 1 */
		"GMT0BST,366,1",              /* n ends at 365 */
		"GMT0BST,M3.5.0/1:60,M10.5.0",
		"GMT-26", /* offset 26h */
		"GMT0BST-26,M3.5.0,M10.5.0",
		"GMT0BST,M3.5.0,M10.5.0,",
		"GMT0BST,M3.5.0,M10.5.0 ",
		"GMT0 BST",
		"GMT0BST,M3.5.0,M10.5.0/1000",
		"GMT0BST,,M10.5.0",
		"GMT0\x01",
	};
	for (size_t i = 0; i < sizeof footers / sizeof footers[0]; i++) {
		s = good;
		s.footer = footers[i];
		expect_bad_tzif(buf, tzif_write(buf, &s), footers[i], "not a POSIX TZ string");
	}
	/* An empty footer is allowed: the last type then holds forever. */
	s = good;
	s.footer = "";
	n = tzif_write(buf, &s);
	assert_int_equal(bank__tz_load_tzif(&z, buf, n, "empty footer"), BANK_OK);
	EQ(bank__tz_offset(z, 5000), 3600);
	EQ(bank__tz_offset(z, INT64_C(4000000000)), 3600);
	bank__tz_free(z);
}

/* Truncated and corrupted real files: refused or read, never a crash (run under ASan). */
static void test_tz_malformed__real_files(void **state)
{
	(void)state;
	static unsigned char fat[8192];
	size_t n = read_system("Europe/London", fat, sizeof fat);
	bank__tz *z = NULL;
	assert_int_equal(bank__tz_load_tzif(&z, fat, n, "London"), BANK_OK);
	bank__tz_free(z);
	for (size_t k = 0; k < n; k++)
		expect_bad_tzif(fat, k, "London prefix", NULL);
	for (size_t k = 0; k < sizeof andorra_slim; k++)
		expect_bad_tzif(andorra_slim, k, "Andorra prefix", NULL);
	/* Every byte of the slim file set to a few values. */
	static const unsigned char values[] = {0x00, 0x01, 0x0a, 0x32, 0x7f, 0x80, 0xff};
	unsigned char m[sizeof andorra_slim];
	size_t ok = 0, bad = 0;
	for (size_t k = 0; k < sizeof andorra_slim; k++) {
		for (size_t v = 0; v < sizeof values; v++) {
			memcpy(m, andorra_slim, sizeof m);
			m[k] = values[v];
			int rc = bank__tz_load_tzif(&z, m, sizeof m, "mutant");
			if (rc == BANK_OK) {
				ok++;
				/* Whatever it says, the lookups terminate and stay in range. */
				for (bank_date d = D(1900, 1, 1); d < D(2100, 1, 1); d += 97) {
					int64_t s = bank__tz_day_start(z, d);
					int64_t o = bank__tz_offset(z, s);
					assert_true(o >= -89999 && o <= 93599);
					assert_true(s + o >= (int64_t)d * 86400);
				}
				bank__tz_free(z);
			} else {
				EQ(rc, BANK_EINVAL);
				assert_null(z);
				bad++;
			}
		}
	}
	assert_true(ok > 0 && bad > 0);
}

/* Files through TZDIR: empty, garbage, truncated, too big; bank_open refuses cleanly. */
static void test_tz_malformed__through_open(void **state)
{
	(void)state;
	static unsigned char fat[8192];
	size_t n = read_system("Europe/London", fat, sizeof fat);
	put_file("Empty", "", 0);
	put_file("Garbage", "#!/bin/sh\necho not a zone\n", 26);
	put_file("Truncated", fat, n / 2);
	static unsigned char big[TZ_BIG];
	memcpy(big, fat, n);
	put_file("Big", big, sizeof big);
	use_tmp_zones();
	static const char *const names[] = {"Empty", "Garbage", "Truncated", "Big", "Missing"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		bank_options o = BANK_OPTIONS_INIT;
		o.timezone = names[i];
		char path[256];
		snprintf(path, sizeof path, "%s/bank-%s.db", tmpdir, names[i]);
		bank *b = (bank *)&o;
		EQ(bank_open(&b, path, &o), BANK_EINVAL);
		assert_null(b);
		EQ(bank_error_last()->code, BANK_EINVAL);
		struct stat st;
		assert_true(stat(path, &st) != 0); /* nothing created */
	}
	/* Leap-second zones (tzdata's right/ tree, where installed) are refused by name. */
	use_system_zones();
	struct stat st;
	if (stat("/usr/share/zoneinfo/right/Europe/London", &st) == 0)
		refused("right/Europe/London", "leap seconds");
	use_tmp_zones();
	/* A copy of a system file under another name is fine. */
	put_file("Europe_London", fat, n);
	bank *b = open_zone("Europe_London");
	EQ(bank_date_start(b, D(2026, 3, 30)), T(2026, 3, 29, 23, 0, 0));
	bank_close(b);
	use_system_zones();
}

/* TZDIR replaces the system directory; the process's TZ is never consulted. */
static void test_tz_isolation__tzdir_and_tz(void **state)
{
	(void)state;
	put_footer_zone("Plus3", "<+03>-3", 10800);
	use_tmp_zones();
	bank *b = open_zone("Plus3");
	use_system_zones();
	EQ(bank_date_start(b, D(2026, 7, 1)), T(2026, 6, 30, 21, 0, 0));
	setenv("TZ", "America/New_York", 1);
	bank *utc = open_zone(NULL);
	bank *london = open_zone("Europe/London");
	EQ(bank_date_start(utc, D(2026, 7, 1)), T(2026, 7, 1, 0, 0, 0));
	EQ(bank_date_start(london, D(2026, 7, 1)), T(2026, 6, 30, 23, 0, 0));
	EQ(bank_date_start(b, D(2026, 7, 1)), T(2026, 6, 30, 21, 0, 0));
	unsetenv("TZ");
	bank_close(b);
	bank_close(utc);
	bank_close(london);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tz_fixed__utc_and_offsets),   cmocka_unit_test(test_tz_london__spring_forward),
		cmocka_unit_test(test_tz_london__fall_back),        cmocka_unit_test(test_tz_new_york__dst),
		cmocka_unit_test(test_tz_kolkata__no_dst),          cmocka_unit_test(test_tz_gap__midnight),
		cmocka_unit_test(test_tz_gap__santiago_fall_back),  cmocka_unit_test(test_tz_gap__skipped_day),
		cmocka_unit_test(test_tz_overlap__across_midnight), cmocka_unit_test(test_tz_footer__far_future),
		cmocka_unit_test(test_tz_footer__slim_file),        cmocka_unit_test(test_tz_footer__rules_match_zic),
		cmocka_unit_test(test_tz_footer__posix_forms),      cmocka_unit_test(test_tz_footer__version1_file),
		cmocka_unit_test(test_tz_roundtrip__every_day),     cmocka_unit_test(test_tz_name__validation),
		cmocka_unit_test(test_tz_malformed__structure),     cmocka_unit_test(test_tz_malformed__real_files),
		cmocka_unit_test(test_tz_malformed__through_open),  cmocka_unit_test(test_tz_isolation__tzdir_and_tz),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
