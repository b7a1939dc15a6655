/*
 * tz.c: the bank's time zone: UTC, a fixed offset, or a zone of the tz database.
 *
 * A zone is an immutable table loaded once by bank_open (bank__tz_load) and freed by
 * bank_close; nothing here reads or changes the process's TZ, localtime or any global,
 * so handles in different threads each have their own zone. The table is RFC 8536/9636
 * in memory:
 *
 *   trans[0..ntrans)   UTC seconds, strictly increasing; tidx[i] is the local time type
 *                      in effect from trans[i] on
 *   types[0..ntypes)   utoff (seconds east, within -24:59:59..+25:59:59) and isdst;
 *                      types[0] is in effect before trans[0]
 *   rule               the POSIX TZ string of the TZif v2+ footer, in effect from the last
 *                      transition on (for all time when there is no transition)
 *
 * "UTC" and "+05:30" are a zone with one type and no transition. A name is looked up as
 * $TZDIR/<name> (TZDIR ignored in set-uid programs), default /usr/share/zoneinfo. It is
 * checked before anything is opened: 1..255 of [A-Za-z0-9/_+-], no leading '/', no empty
 * component, so ".." and absolute paths cannot occur. Files over 1 MiB, truncated or
 * inconsistent files, unknown footers and leap-second zones ("right/...") are BANK_EINVAL.
 *
 * Fat files list transitions up to 2037, slim ones (zic -b slim) stop at the last rule
 * change and rely on the footer. The footer ("GMT0BST,M3.5.0/1,M10.5.0",
 * "<+0530>-5:30", "<-02>2<-01>,M3.5.0/-1,M10.5.0/0") is evaluated per year: for an
 * instant in UTC year Y the DST start and end instants of years Y-2..Y+2 are computed
 * (rule times may be -167..167 hours, so a year's instants stay within about 8 days of
 * it), and the latest one not after the instant gives the offset, the next one the end
 * of that offset. Where two coincide (end of year y == start of year y+1, the v3 form of
 * all-year DST "EST5EDT,0/0,J365/25") the later year's wins; a year whose start and end
 * coincide has no DST. Version 1 files (32-bit times, no footer) are read too; in v2+
 * files the 32-bit block is skipped.
 *
 * Dates: the local date of UTC second s is floor((s + offset(s)) / 86400). The start of
 * local date d is the earliest s whose local date is >= d: walking the runs of constant
 * offset from midnight - 26h (no offset reaches 26h, so nothing earlier is on or after
 * midnight locally), the answer is max(run start, midnight - offset) in the first run
 * where that lies inside the run. This handles gaps at midnight (Havana, Beirut,
 * Santiago: the day starts at 01:00), overlaps that cross midnight (the first instant
 * counts) and skipped days (Apia 2011-12-30: its start is the next day's start, so
 * [start(d), start(d + 1)) always partitions time).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define SEC_PER_DAY INT64_C(86400)
#define TZ_FILE_MAX 1048576 /* 1 MiB */
#define TZ_NAME_MAX 255
#define TZ_DIR_DEFAULT "/usr/share/zoneinfo"
#define TZ_FOOTER_MAX 255
/* Offsets every reader must accept (RFC 8536 3.2); day starts rely on |offset| < 26h. */
#define UTOFF_MIN (-89999)
#define UTOFF_MAX 93599
/* Rule times and offsets: hours 0..167 (RFC 8536 3.3.1, the v3 extension). */
#define RULE_HOURS_MAX 167

typedef struct tz_type {
	int32_t utoff;
	bool isdst;
} tz_type;

/* A date of a POSIX TZ rule and the local time of the change on it. */
typedef struct tz_when {
	char kind;    /* 'J': Jn (1..365, no Feb 29); 'D': n (0..365, with Feb 29); 'M': Mm.w.d */
	int n;        /* J and D */
	int m, w, wd; /* M: month 1..12, week 1..5 (5: last), weekday 0..6 (Sunday 0) */
	int32_t time; /* seconds after local midnight, -167h..167h; default 02:00 */
} tz_when;

typedef struct tz_rule {
	int32_t std_off, dst_off; /* seconds east */
	bool has_dst;
	tz_when start, end; /* start in standard time, end in daylight time */
} tz_rule;

struct bank__tz {
	size_t ntrans;
	int64_t *trans;
	unsigned char *tidx;
	size_t ntypes;
	tz_type *types;
	bool has_rule;
	tz_rule rule;
};

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* ---- Allocation ---- */

void bank__tz_free(bank__tz *z)
{
	if (z == NULL)
		return;
	free(z->trans);
	free(z->tidx);
	free(z->types);
	free(z);
}

static bank__tz *tz_new(size_t ntrans, size_t ntypes)
{
	bank__tz *z = calloc(1, sizeof *z);
	if (z == NULL)
		return NULL;
	z->types = calloc(ntypes, sizeof *z->types);
	if (ntrans > 0) {
		z->trans = malloc(ntrans * sizeof *z->trans);
		z->tidx = malloc(ntrans);
	}
	if (z->types == NULL || (ntrans > 0 && (z->trans == NULL || z->tidx == NULL))) {
		bank__tz_free(z);
		return NULL;
	}
	z->ntrans = ntrans;
	z->ntypes = ntypes;
	return z;
}

static int tz_fixed(bank__tz **out, int32_t utoff)
{
	bank__tz *z = tz_new(0, 1);
	if (z == NULL)
		return bank__oom();
	z->types[0].utoff = utoff;
	*out = z;
	return BANK_OK;
}

/* ---- POSIX TZ strings (the TZif footer) ---- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* 1..maxdigits decimal digits, value <= max. */
static bool ps_num(const char **pp, int maxdigits, int max, int *out)
{
	const char *p = *pp;
	int v = 0, n = 0;
	while (n < maxdigits && is_digit(*p)) {
		v = v * 10 + (*p - '0');
		p++;
		n++;
	}
	if (n == 0 || v > max || is_digit(*p))
		return false;
	*pp = p;
	*out = v;
	return true;
}

/* A zone abbreviation: 3+ letters, or <3+ of [A-Za-z0-9+-]>. Only checked, not kept. */
static bool ps_name(const char **pp)
{
	const char *p = *pp;
	size_t n = 0;
	if (*p == '<') {
		p++;
		while (is_alpha(*p) || is_digit(*p) || *p == '+' || *p == '-') {
			p++;
			n++;
		}
		if (*p != '>')
			return false;
		p++;
	} else {
		while (is_alpha(*p)) {
			p++;
			n++;
		}
	}
	if (n < 3)
		return false;
	*pp = p;
	return true;
}

/* [+-]hh[:mm[:ss]], hh <= 167: seconds. */
static bool ps_hms(const char **pp, int32_t *out)
{
	const char *p = *pp;
	int sign = 1, h, m = 0, s = 0;
	if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		p++;
	}
	if (!ps_num(&p, 3, RULE_HOURS_MAX, &h))
		return false;
	if (*p == ':') {
		p++;
		if (!ps_num(&p, 2, 59, &m))
			return false;
		if (*p == ':') {
			p++;
			if (!ps_num(&p, 2, 59, &s))
				return false;
		}
	}
	*out = sign * (h * 3600 + m * 60 + s);
	*pp = p;
	return true;
}

/* Jn | n | Mm.w.d, then an optional /time. */
static bool ps_when(const char **pp, tz_when *w)
{
	const char *p = *pp;
	memset(w, 0, sizeof *w);
	if (*p == 'J') {
		p++;
		w->kind = 'J';
		if (!ps_num(&p, 3, 365, &w->n) || w->n < 1)
			return false;
	} else if (*p == 'M') {
		p++;
		w->kind = 'M';
		if (!ps_num(&p, 2, 12, &w->m) || w->m < 1 || *p != '.')
			return false;
		p++;
		if (!ps_num(&p, 1, 5, &w->w) || w->w < 1 || *p != '.')
			return false;
		p++;
		if (!ps_num(&p, 1, 6, &w->wd))
			return false;
	} else {
		w->kind = 'D';
		if (!ps_num(&p, 3, 365, &w->n))
			return false;
	}
	w->time = 2 * 3600;
	if (*p == '/') {
		p++;
		if (!ps_hms(&p, &w->time))
			return false;
	}
	*pp = p;
	return true;
}

static bool utoff_ok(int32_t v)
{
	return v >= UTOFF_MIN && v <= UTOFF_MAX;
}

/*
 * std offset [dst [offset] [,start[/time],end[/time]]]. POSIX offsets count west, so
 * they are negated. A dst zone without a rule gets tzcode's default, the US rule
 * ",M3.2.0,M11.1.0" (zic never writes one).
 */
static bool rule_parse(tz_rule *r, const char *s)
{
	const char *p = s;
	int32_t off;
	memset(r, 0, sizeof *r);
	if (!ps_name(&p) || !ps_hms(&p, &off))
		return false;
	r->std_off = -off;
	if (!utoff_ok(r->std_off))
		return false;
	if (*p == '\0')
		return true;
	if (!ps_name(&p))
		return false;
	r->has_dst = true;
	r->dst_off = r->std_off + 3600;
	if (*p != ',' && *p != '\0') {
		if (!ps_hms(&p, &off))
			return false;
		r->dst_off = -off;
	}
	if (!utoff_ok(r->dst_off))
		return false;
	if (*p == '\0') {
		const char *def = "M3.2.0,M11.1.0";
		return ps_when(&def, &r->start) && *def++ == ',' && ps_when(&def, &r->end);
	}
	if (*p != ',')
		return false;
	p++;
	if (!ps_when(&p, &r->start) || *p != ',')
		return false;
	p++;
	return ps_when(&p, &r->end) && *p == '\0';
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The day (since 1970-01-01) that @p w names in year @p y. */
static int64_t when_day(const tz_when *w, int64_t y)
{
	int64_t jan1 = bank__days_from_civil(y, 1, 1);
	if (w->kind == 'J')
		return jan1 + w->n - 1 + (is_leap(y) && w->n >= 60 ? 1 : 0);
	if (w->kind == 'D')
		return jan1 + w->n;
	unsigned m = (unsigned)w->m;
	int64_t first = bank__days_from_civil(y, m, 1);
	int64_t next = m == 12 ? bank__days_from_civil(y + 1, 1, 1) : bank__days_from_civil(y, m + 1, 1);
	int64_t wd_first = ((first + 4) % 7 + 7) % 7; /* 1970-01-01 was a Thursday (4) */
	int64_t day = first + (w->wd - wd_first + 7) % 7 + 7 * (int64_t)(w->w - 1);
	while (day >= next)
		day -= 7;
	return day;
}

/* The rule's offset at UTC second s, and the next instant after s where it may change. */
static int32_t rule_at(const tz_rule *r, int64_t s, int64_t *until)
{
	*until = INT64_MAX;
	if (!r->has_dst)
		return r->std_off;
	int64_t y;
	unsigned mo, d;
	bank__civil_from_days(floor_div(s, SEC_PER_DAY), &y, &mo, &d);
	bool have = false, dst = false;
	int64_t last = 0;
	for (int64_t k = y - 2; k <= y + 2; k++) {
		int64_t a = when_day(&r->start, k) * SEC_PER_DAY + r->start.time - r->std_off;
		int64_t b = when_day(&r->end, k) * SEC_PER_DAY + r->end.time - r->dst_off;
		if (a == b)
			continue; /* no daylight time that year */
		/* This year's two changes in time order; later ones win ties. */
		int64_t at[2] = {a < b ? a : b, a < b ? b : a};
		bool to_dst[2] = {a < b, !(a < b)};
		for (int i = 0; i < 2; i++) {
			if (at[i] <= s) {
				if (!have || at[i] >= last) {
					have = true;
					last = at[i];
					dst = to_dst[i];
				}
			} else if (at[i] < *until) {
				*until = at[i];
			}
		}
	}
	return dst ? r->dst_off : r->std_off;
}

/* ---- Lookups ---- */

/* The offset at UTC second s and the next instant after s where it may change. */
static int32_t zone_at(const bank__tz *z, int64_t s, int64_t *until)
{
	*until = INT64_MAX;
	if (z == NULL)
		return 0;
	size_t n = z->ntrans;
	if (n == 0)
		return z->has_rule ? rule_at(&z->rule, s, until) : z->types[0].utoff;
	if (s < z->trans[0]) {
		*until = z->trans[0];
		return z->types[0].utoff;
	}
	size_t lo = 0, hi = n; /* trans[lo] <= s < trans[hi] (trans[n] = +inf) */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->trans[mid] <= s)
			lo = mid;
		else
			hi = mid;
	}
	if (lo + 1 < n) {
		*until = z->trans[lo + 1];
		return z->types[z->tidx[lo]].utoff;
	}
	return z->has_rule ? rule_at(&z->rule, s, until) : z->types[z->tidx[lo]].utoff;
}

int32_t bank__tz_offset(const bank__tz *z, int64_t t)
{
	int64_t until;
	return zone_at(z, t, &until);
}

int64_t bank__tz_day_start(const bank__tz *z, int64_t day)
{
	const int64_t midnight = day * SEC_PER_DAY;
	int64_t s = midnight - (UTOFF_MAX + 1);
	for (;;) {
		int64_t until;
		int64_t c = midnight - zone_at(z, s, &until);
		if (c < s)
			c = s;
		if (c < until)
			return c;
		s = until;
	}
}

/* ---- TZif ---- */

typedef struct tzif_header {
	unsigned char version; /* 0, '2', '3', '4' */
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
} tzif_header;

#define TZIF_HEADER_SIZE 44

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int64_t to_i64(uint64_t u)
{
	return u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
}

static int64_t be_time(const unsigned char *p, size_t size)
{
	if (size == 4) {
		uint32_t u = be32(p);
		return u <= (uint32_t)INT32_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
	}
	return to_i64((uint64_t)be32(p) << 32 | be32(p + 4));
}

static bool header_read(tzif_header *h, const unsigned char *p, size_t left)
{
	if (left < TZIF_HEADER_SIZE || memcmp(p, "TZif", 4) != 0)
		return false;
	h->version = p[4];
	h->isutcnt = be32(p + 20);
	h->isstdcnt = be32(p + 24);
	h->leapcnt = be32(p + 28);
	h->timecnt = be32(p + 32);
	h->typecnt = be32(p + 36);
	h->charcnt = be32(p + 40);
	return true;
}

/* Size of the data block after a header, with @p tsize-byte times (4: v1, 8: v2+). */
static uint64_t block_size(const tzif_header *h, unsigned tsize)
{
	return (uint64_t)h->timecnt * tsize + h->timecnt + (uint64_t)h->typecnt * 6 + h->charcnt +
	       (uint64_t)h->leapcnt * (tsize + 4) + h->isstdcnt + h->isutcnt;
}

static int tzif_bad(const char *name, const char *why)
{
	return bank__err(BANK_EINVAL, "invalid time zone file for \"%.40s\": %s", name, why);
}

int bank__tz_load_tzif(bank__tz **out, const void *data, size_t size, const char *name)
{
	*out = NULL;
	const unsigned char *p = data;
	size_t left = size;
	tzif_header h;
	if (size > TZ_FILE_MAX)
		return tzif_bad(name, "larger than 1 MiB");
	if (!header_read(&h, p, left))
		return tzif_bad(name, "no TZif header");
	uint64_t v1 = block_size(&h, 4);
	if (v1 > left - TZIF_HEADER_SIZE)
		return tzif_bad(name, "truncated");
	p += TZIF_HEADER_SIZE;
	left -= TZIF_HEADER_SIZE;
	size_t tsize = 4;
	if (h.version != 0) {
		/* Version 2+: skip the 32-bit block, read the 64-bit one and the footer. */
		p += v1;
		left -= (size_t)v1;
		if (!header_read(&h, p, left))
			return tzif_bad(name, "truncated or missing second header");
		if (h.version == 0)
			return tzif_bad(name, "second header is version 1");
		p += TZIF_HEADER_SIZE;
		left -= TZIF_HEADER_SIZE;
		tsize = 8;
		if (block_size(&h, 8) > left)
			return tzif_bad(name, "truncated");
	}
	if (h.typecnt == 0 || h.typecnt > 256)
		return tzif_bad(name, "bad number of local time types");
	if ((h.isstdcnt != 0 && h.isstdcnt != h.typecnt) || (h.isutcnt != 0 && h.isutcnt != h.typecnt))
		return tzif_bad(name, "bad standard/UT indicator count");
	if (h.charcnt == 0)
		return tzif_bad(name, "no designations");
	if (h.leapcnt != 0)
		return bank__err(BANK_EINVAL, "time zone \"%.40s\" counts leap seconds (a right/ zone): not supported",
				 name);

	bank__tz *z = tz_new(h.timecnt, h.typecnt);
	if (z == NULL)
		return bank__oom();
	const char *why = NULL;
	for (size_t i = 0; i < z->ntrans && why == NULL; i++) {
		z->trans[i] = be_time(p + i * tsize, tsize);
		if (i > 0 && z->trans[i] <= z->trans[i - 1])
			why = "transition times not increasing";
	}
	p += z->ntrans * tsize;
	for (size_t i = 0; i < z->ntrans && why == NULL; i++) {
		z->tidx[i] = p[i];
		if (p[i] >= h.typecnt)
			why = "transition to an undefined local time type";
	}
	p += z->ntrans;
	for (size_t i = 0; i < z->ntypes && why == NULL; i++) {
		const unsigned char *t = p + i * 6;
		uint32_t u = be32(t);
		int64_t utoff = u <= (uint32_t)INT32_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
		if (utoff < UTOFF_MIN || utoff > UTOFF_MAX)
			why = "UT offset out of range";
		else if (t[4] > 1)
			why = "bad DST flag";
		else if (t[5] >= h.charcnt)
			why = "designation index out of range";
		z->types[i].utoff = (int32_t)utoff;
		z->types[i].isdst = t[4] == 1;
	}
	p += z->ntypes * 6;
	p += h.charcnt + h.isstdcnt + h.isutcnt; /* designations and indicators: unused */
	left -= (size_t)block_size(&h, (unsigned)tsize);

	if (why == NULL && h.version != 0) {
		/* Footer: '\n' TZ-string '\n'. Anything after it is ignored. */
		const unsigned char *nl = left > 1 && p[0] == '\n' ? memchr(p + 1, '\n', left - 1) : NULL;
		char tzs[TZ_FOOTER_MAX + 1];
		size_t len = nl != NULL ? (size_t)(nl - (p + 1)) : 0;
		if (nl == NULL)
			why = "missing or unterminated footer";
		else if (len > TZ_FOOTER_MAX || memchr(p + 1, '\0', len) != NULL)
			why = "bad footer";
		else if (len > 0) {
			memcpy(tzs, p + 1, len);
			tzs[len] = '\0';
			if (!rule_parse(&z->rule, tzs))
				why = "footer is not a POSIX TZ string this library understands";
			z->has_rule = true;
		}
	}
	if (why != NULL) {
		bank__tz_free(z);
		return tzif_bad(name, why);
	}
	*out = z;
	return BANK_OK;
}

/* ---- Names and files ---- */

/* "+HH:MM" / "-HH:MM", HH <= 14. */
static bool fixed_parse(const char *s, int32_t *utoff)
{
	if ((s[0] != '+' && s[0] != '-') || !is_digit(s[1]) || !is_digit(s[2]) || s[3] != ':' || !is_digit(s[4]) ||
	    !is_digit(s[5]) || s[6] != '\0')
		return false;
	int h = (s[1] - '0') * 10 + (s[2] - '0'), m = (s[4] - '0') * 10 + (s[5] - '0');
	if (h > 14 || m > 59)
		return false;
	*utoff = (s[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
	return true;
}

static bool name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > TZ_NAME_MAX || s[0] == '/' || s[n - 1] == '/' || strstr(s, "//") != NULL)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!is_alpha(c) && !is_digit(c) && c != '/' && c != '_' && c != '+' && c != '-')
			return false;
	}
	return true;
}

static const char *tz_dir(void)
{
	const char *d = getenv("TZDIR");
	if (d == NULL || d[0] == '\0' || getuid() != geteuid() || getgid() != getegid())
		return TZ_DIR_DEFAULT;
	return d;
}

static int unknown(const char *spec, const char *dir)
{
	return bank__err(BANK_EINVAL,
			 "unknown time zone \"%.40s\": not in %.200s (use \"UTC\", a fixed offset like "
			 "\"+05:30\" or a tz database name like \"Europe/London\")",
			 spec, dir);
}

/* Reads $TZDIR/<spec> into a new buffer. */
static int tz_read(const char *spec, unsigned char **data, size_t *size)
{
	const char *dir = tz_dir();
	char path[4096];
	int n = snprintf(path, sizeof path, "%s/%s", dir, spec);
	if (n < 0 || (size_t)n >= sizeof path)
		return unknown(spec, dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;
		if (e == ENOENT || e == ENOTDIR || e == ENAMETOOLONG || e == ELOOP)
			return unknown(spec, dir);
		return bank__err(BANK_EIO, "cannot open time zone file %.200s (errno %d)", path, e);
	}
	struct stat st;
	int rc = BANK_OK;
	unsigned char *buf = NULL;
	size_t got = 0;
	if (fstat(fd, &st) != 0) {
		rc = bank__err(BANK_EIO, "cannot stat time zone file %.200s (errno %d)", path, errno);
	} else if (!S_ISREG(st.st_mode)) {
		rc = unknown(spec, dir);
	} else if (st.st_size > TZ_FILE_MAX) {
		rc = tzif_bad(spec, "larger than 1 MiB");
	} else if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		rc = bank__oom();
	} else {
		while (got < (size_t)st.st_size) {
			ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0) {
				rc = bank__err(BANK_EIO, "cannot read time zone file %.200s (errno %d)", path, errno);
				break;
			}
			if (r == 0)
				break; /* shrank: the parser sees a short file */
			got += (size_t)r;
		}
	}
	close(fd);
	if (rc != BANK_OK) {
		free(buf);
		return rc;
	}
	*data = buf;
	*size = got;
	return BANK_OK;
}

int bank__tz_load(bank__tz **out, const char *spec)
{
	*out = NULL;
	int32_t utoff;
	if (spec == NULL || strcmp(spec, "UTC") == 0 || strcmp(spec, "Z") == 0 || strcmp(spec, "utc") == 0)
		return tz_fixed(out, 0);
	if (fixed_parse(spec, &utoff))
		return tz_fixed(out, utoff);
	if (!name_ok(spec))
		return bank__err(BANK_EINVAL,
				 "unknown time zone \"%.40s\": use \"UTC\", a fixed offset like \"+05:30\" or a "
				 "tz database name like \"Europe/London\"",
				 spec);
	unsigned char *data = NULL;
	size_t size = 0;
	int rc = tz_read(spec, &data, &size);
	if (rc != BANK_OK)
		return rc;
	rc = bank__tz_load_tzif(out, data, size, spec);
	free(data);
	return rc;
}
