/*
 * rt.c: helpers shared by the reliability tests (see rt.h).
 */
#define _GNU_SOURCE /* program_invocation_short_name */
#include "rt.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "internal.h"

long rt_violations;

void rt_violation(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("VIOLATION: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	rt_violations++;
}

void rt_die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("FATAL: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	/* A run stopped early still says how many violations it had found (on stderr: a
	 * child's stdout may be its report pipe). */
	fprintf(stderr, "%s: stopped early (fatal); violations %ld\n", program_invocation_short_name, rt_violations);
	exit(2);
}

void rt_ok_(int rc, const char *what, const char *file, int line)
{
	if (rc == BANK_OK)
		return;
	const bank_error *e = bank_error_last();
	rt_die("%s:%d: %s returned %s (%d): %s (sqlite %d)", file, line, what, bank_error_name(rc), rc, e->message,
	       e->sqlite_code);
}

void rt_log(const char *fmt, ...)
{
	static int verbose = -1;
	if (verbose < 0)
		verbose = getenv("BANK_RT_VERBOSE") != NULL;
	if (!verbose)
		return;
	va_list ap;
	va_start(ap, fmt);
	fputs("LOG: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

long rt_param(int argc, char **argv, int idx, const char *env, long def)
{
	const char *s = NULL;
	if (idx < argc && argv[idx] != NULL && argv[idx][0] != '\0')
		s = argv[idx];
	else if (env != NULL)
		s = getenv(env);
	if (s == NULL || s[0] == '\0')
		return def;
	char *end = NULL;
	long v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || v < 0)
		rt_die("bad numeric parameter \"%s\"", s);
	return v;
}

uint64_t rt_next(rt_rng *r)
{
	uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

uint64_t rt_below(rt_rng *r, uint64_t n)
{
	return n == 0 ? 0 : rt_next(r) % n;
}

uint64_t rt_seed(const char *test)
{
	const char *s = getenv("BANK_RT_SEED");
	uint64_t seed;
	if (s != NULL && s[0] != '\0') {
		seed = strtoull(s, NULL, 10);
	} else {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (uint64_t)ts.tv_sec * 1000003u ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 20);
	}
	fprintf(stderr, "%s: seed %llu (repeat with BANK_RT_SEED=%llu)\n", test, (unsigned long long)seed,
		(unsigned long long)seed);
	return seed;
}

void rt_tmpdir(char *out, size_t size, const char *tag)
{
	const char *base = getenv("TMPDIR");
	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	int n = snprintf(out, size, "%s/libbank-%s-XXXXXX", base, tag);
	if (n < 0 || (size_t)n >= size || mkdtemp(out) == NULL)
		rt_die("cannot create a temporary directory under %s", base);
}

void rt_rmdir(const char *dir)
{
	DIR *d = opendir(dir);
	if (d != NULL) {
		struct dirent *e;
		char p[1024];
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
			unlink(p);
		}
		closedir(d);
	}
	rmdir(dir);
}

void rt_unlink_db(const char *path)
{
	char p[1024];
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

void rt_options(bank_options *o, bank_durability d, uint64_t seed)
{
	RT_OK(bank_options_init(o, BANK_OPTIONS_VERSION));
	o->durability = d;
	o->busy_timeout_ms = 10000;
	/* Every other handle keeps posting records (bank_options.statement_records), so
	 * the suites cover both ways, and handles that differ sharing one file. */
	static unsigned calls;
	o->statement_records = (int)(calls++ & 1);
	if (seed != 0) {
		o->id_seeded = 1;
		o->id_seed = seed;
	}
}

void rt_populate(bank *b, int n, int64_t funds, char numbers[][BANK_ACCOUNT_NUMBER_SIZE])
{
	RT_OK(bank_branch_add(NULL, b, RT_BRANCH, "Head Office", "1 Main Street"));
	bank_product_spec ps = BANK_PRODUCT_SPEC_INIT;
	ps.code = RT_PRODUCT;
	ps.name = "Current account";
	ps.kind = BANK_PRODUCT_CURRENT;
	ps.currency = "USD";
	ps.min_balance = RT_MIN_BALANCE;
	ps.overdraft = RT_OVERDRAFT;
	RT_OK(bank_product_add(NULL, b, &ps));
	bank_customer_spec cs = BANK_CUSTOMER_SPEC_INIT;
	cs.name = "Rel Iability";
	bank_customer *c = NULL;
	RT_OK(bank_customer_add(&c, b, &cs));
	for (int i = 0; i < n; i++) {
		bank_account *a = NULL;
		RT_OK(bank_account_open(&a, b, c->id, RT_PRODUCT, RT_BRANCH));
		memcpy(numbers[i], a->number, BANK_ACCOUNT_NUMBER_SIZE);
		bank_account_free(a);
		char id[32];
		snprintf(id, sizeof id, "init-%d", i);
		RT_OK(bank_deposit(NULL, b, numbers[i], funds, id, "opening deposit"));
	}
	bank_customer_free(c);
}

struct sqlite3 *rt_db(bank *b)
{
	return b->db;
}

int64_t rt_int(bank *b, const char *sql, const char *arg)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(b->db, sql, -1, &st, NULL) != SQLITE_OK)
		rt_die("prepare %s: %s", sql, sqlite3_errmsg(b->db));
	if (arg != NULL)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		rt_die("step %s: %s", sql, sqlite3_errmsg(b->db));
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

int64_t rt_id_count(bank *b, const char *id)
{
	return rt_int(b, "SELECT count(*) FROM transfer WHERE id = ?1", id);
}

struct range {
	int64_t first, last;
};

static int cmp_range(const void *x, const void *y)
{
	int64_t a = ((const struct range *)x)->first, b = ((const struct range *)y)->first;
	return a < b ? -1 : a > b;
}

int64_t rt_unaudited(bank *b)
{
	/* The journal positions each batch's one audit record covers. */
	size_t n = 0, cap = 64;
	struct range *r = malloc(cap * sizeof *r);
	sqlite3_stmt *st = NULL;
	if (r == NULL)
		rt_die("out of memory");
	if (sqlite3_prepare_v2(b->db,
			       "SELECT json_extract(details, '$.first_seq'), json_extract(details, '$.last_seq')"
			       " FROM audit WHERE action = 'ledger.batch'",
			       -1, &st, NULL) != SQLITE_OK)
		rt_die("prepare: %s", sqlite3_errmsg(b->db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			cap *= 2;
			r = realloc(r, cap * sizeof *r);
			if (r == NULL)
				rt_die("out of memory");
		}
		r[n].first = sqlite3_column_int64(st, 0);
		r[n].last = sqlite3_column_int64(st, 1);
		n++;
	}
	sqlite3_finalize(st);
	qsort(r, n, sizeof *r, cmp_range);
	/* Rows without a record of their own must fall in such a range. */
	int64_t missing = 0;
	if (sqlite3_prepare_v2(b->db,
			       "SELECT t.seq FROM transfer t WHERE NOT EXISTS"
			       " (SELECT 1 FROM audit a WHERE a.object = 'transfer:' || t.id)",
			       -1, &st, NULL) != SQLITE_OK)
		rt_die("prepare: %s", sqlite3_errmsg(b->db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(st, 0);
		size_t lo = 0, hi = n; /* the last range with first <= seq */
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (r[mid].first <= seq)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == 0 || seq > r[lo - 1].last)
			missing++;
	}
	sqlite3_finalize(st);
	free(r);
	return missing;
}

long rt_check_db(bank *b, const char *when)
{
	long before = rt_violations;
	bank_verify_report *r = NULL;
	int rc = bank_verify(&r, b);
	if (rc != BANK_OK) {
		rt_violation("%s: bank_verify returned %s: %s", when, bank_error_name(rc), bank_error_last()->message);
		for (size_t i = 0; r != NULL && i < r->count && i < 20; i++)
			rt_violation("%s:   %s %s: %s", when, r->items[i].check, r->items[i].object,
				     r->items[i].message);
	} else if (r == NULL || r->count != 0) {
		rt_violation("%s: bank_verify returned ok with a report of %zu violations", when, r ? r->count : 0);
	}
	bank_verify_report_free(r);
	int64_t unaudited = rt_unaudited(b);
	if (unaudited != 0)
		rt_violation("%s: %lld journal rows have no audit record", when, (long long)unaudited);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(b->db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		if (t == NULL || strcmp(t, "ok") != 0)
			rt_violation("%s: PRAGMA integrity_check: %s", when, t ? t : "(null)");
	} else {
		rt_violation("%s: PRAGMA integrity_check failed: %s", when, sqlite3_errmsg(b->db));
	}
	sqlite3_finalize(st);
	return rt_violations - before;
}
