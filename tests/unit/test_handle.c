/*
 * test_handle.c: opening and closing banks, options, schema creation and migration,
 * the injected clock, seeded ids, and the time and date helpers
 * (include/bank/handle.h).
 */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "fixture.h"

/* ---- helpers ---- */

typedef struct tmp {
	char dir[128];
	char path[192];
} tmp;

static int tmp_setup(void **state)
{
	tmp *t = calloc(1, sizeof *t);
	assert_non_null(t);
	fx_tmpdir(t->dir, sizeof t->dir);
	snprintf(t->path, sizeof t->path, "%s/bank.db", t->dir);
	fx_now = FX_T0;
	*state = t;
	return 0;
}

static int tmp_teardown(void **state)
{
	tmp *t = *state;
	fx_rmdir(t->dir);
	free(t);
	return 0;
}

static int file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static sqlite3 *raw_open(const char *path)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	return db;
}

static void raw_exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK) {
		print_error("%s: %s\n", sql, err ? err : "?");
		sqlite3_free(err);
		fail();
	}
}

static int64_t raw_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The whole schema as text, for comparing before and after a reopen. */
static char *raw_schema(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT group_concat(type || ' ' || name || ' ' || ifnull(sql, ''), '\n')"
					    " FROM (SELECT * FROM sqlite_schema ORDER BY type, name)",
					    -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	const char *s = (const char *)sqlite3_column_text(st, 0);
	char *copy = strdup(s ? s : "");
	sqlite3_finalize(st);
	assert_non_null(copy);
	return copy;
}

/* A branch, a product and one customer account on @p b; its number in @p acct. */
static void one_account(bank *b, char acct[BANK_ACCOUNT_NUMBER_SIZE])
{
	FX_OK(bank_branch_add(NULL, b, "HQ", "Head Office", NULL));
	fx_product(b, "SAV", "USD", BANK_PRODUCT_SAVINGS, 0, 0);
	bank_customer_spec cs = BANK_CUSTOMER_SPEC_INIT;
	cs.name = "Kim";
	bank_customer *c = NULL;
	FX_OK(bank_customer_add(&c, b, &cs));
	fx_open_account(b, c->id, "SAV", acct);
	bank_customer_free(c);
}

/* Opens t's bank with options o and gives it one account (its number in acct). */
static bank *open_one_account(const tmp *t, const bank_options *o, char acct[BANK_ACCOUNT_NUMBER_SIZE])
{
	bank *b = NULL;
	FX_OK(bank_open(&b, t->path, o));
	one_account(b, acct);
	return b;
}

static int64_t customer_count(bank *b)
{
	bank_customer_list *l = NULL;
	FX_OK(bank_customer_list_get(&l, b));
	int64_t n = (int64_t)l->count;
	bank_customer_list_free(l);
	return n;
}

/* ---- options ---- */

static void test_handle_options__init_defaults(void **state)
{
	(void)state;
	bank_options o;
	memset(&o, 0xa5, sizeof o);
	assert_int_equal(bank_options_init(&o, BANK_OPTIONS_VERSION), BANK_OK);
	bank_options s = BANK_OPTIONS_INIT;
	assert_int_equal(o.version, BANK_OPTIONS_VERSION);
	assert_int_equal(o.version, s.version);
	assert_int_equal(o.durability, BANK_DURABILITY_FULL);
	assert_int_equal(o.busy_timeout_ms, 5000);
	assert_null(o.timezone);
	assert_null(o.clock);
	assert_null(o.clock_ctx);
	assert_int_equal(o.id_seeded, 0);
	assert_int_equal(o.id_seed, 0);
	assert_int_equal(o.no_create, 0);
	assert_int_equal(o.cache_size_kib, 0);
	assert_int_equal(o.wal_autocheckpoint, 0);
	assert_int_equal(o.mmap_size_mib, 0);
	assert_int_equal(o.statement_records, 0);
	assert_int_equal(s.statement_records, 0);
	assert_int_equal(s.durability, BANK_DURABILITY_FULL);
	assert_int_equal(s.busy_timeout_ms, 5000);
}

/* Version 2 sets the page cache and the checkpoint interval; 0 keeps the defaults. */
static void test_handle_options__cache_and_checkpoint(void **state)
{
	tmp *t = *state;
	bank_options o;
	FX_OK(bank_options_init(&o, BANK_OPTIONS_VERSION));
	bank *b = NULL;
	FX_OK(bank_open(&b, t->path, &o));
	FX_EQ(fx_count(b, "PRAGMA cache_size"), -32768);
	FX_EQ(fx_count(b, "PRAGMA wal_autocheckpoint"), 1000);
	FX_EQ(fx_count(b, "PRAGMA mmap_size"), 0);
	bank_close(b);
	o.cache_size_kib = 262144;
	o.wal_autocheckpoint = 50000;
	o.mmap_size_mib = 64;
	FX_OK(bank_open(&b, t->path, &o));
	FX_EQ(fx_count(b, "PRAGMA cache_size"), -262144);
	FX_EQ(fx_count(b, "PRAGMA wal_autocheckpoint"), 50000);
	FX_EQ(fx_count(b, "PRAGMA mmap_size"), 64 * 1048576);
	/* and the bank works through the map */
	FX_OK(bank_branch_add(NULL, b, "HQ", "Head office", NULL));
	fx_verify_clean(b);
	bank_close(b);
	b = NULL;
	o.cache_size_kib = -1;
	assert_int_equal(bank_open(&b, t->path, &o), BANK_EINVAL);
	assert_null(b);
	o.cache_size_kib = 16 * 1024 * 1024 + 1;
	assert_int_equal(bank_open(&b, t->path, &o), BANK_EINVAL);
	o.cache_size_kib = 0;
	o.wal_autocheckpoint = -5;
	assert_int_equal(bank_open(&b, t->path, &o), BANK_EINVAL);
	assert_null(b);
	o.wal_autocheckpoint = 0;
	o.mmap_size_mib = -1;
	assert_int_equal(bank_open(&b, t->path, &o), BANK_EINVAL);
	o.mmap_size_mib = 1024 * 1024 + 1;
	assert_int_equal(bank_open(&b, t->path, &o), BANK_EINVAL);
	assert_null(b);
	o.mmap_size_mib = 0;
	o.statement_records = 2;
	assert_int_equal(bank_open(&b, t->path, &o), BANK_EINVAL);
	o.statement_records = -1;
	assert_int_equal(bank_open(&b, t->path, &o), BANK_EINVAL);
	assert_null(b);
	o.statement_records = 1;
	FX_OK(bank_open(&b, t->path, &o));
	bank_close(b);
}

/*
 * An older caller's struct, of version @p version and @p size bytes, followed by bytes
 * it does not have: bank_options_init() writes none of them and bank_open() reads none
 * (their 0xa5 filler would be a negative cache size or an unknown statement_records).
 * Returns the handle opened with it.
 */
static bank *open_older(const tmp *t, unsigned int version, size_t size, bank_options *o)
{
	struct {
		bank_options o;
		unsigned char guard[64];
	} older;
	memset(&older, 0xa5, sizeof older);
	FX_OK(bank_options_init(&older.o, version));
	assert_int_equal(older.o.version, version);
	const unsigned char *p = (const unsigned char *)&older.o;
	for (size_t i = size; i < sizeof older.o; i++)
		assert_int_equal(p[i], 0xa5);
	bank *b = NULL;
	FX_OK(bank_open(&b, t->path, &older.o));
	*o = older.o;
	return b;
}

/* A version-2 caller's struct ends at mmap_size_mib: statement_records is not read. */
static void test_handle_options__version_2(void **state)
{
	bank_options o;
	bank *b = open_older(*state, 2, offsetof(bank_options, mmap_size_mib) + sizeof(int), &o);
	assert_int_equal(o.mmap_size_mib, 0);
	bank_close(b);
}

/* A version-1 caller's struct ends at no_create: nothing past it is read or written. */
static void test_handle_options__version_1(void **state)
{
	bank_options o;
	bank *b = open_older(*state, 1, offsetof(bank_options, no_create) + sizeof(int), &o);
	assert_int_equal(o.busy_timeout_ms, 5000);
	FX_EQ(fx_count(b, "PRAGMA cache_size"), -32768);
	bank_close(b);
}

static void test_handle_options__init_unknown_version(void **state)
{
	(void)state;
	bank_options o;
	assert_int_equal(bank_options_init(&o, 0), BANK_EINVAL);
	assert_int_equal(bank_error_last()->code, BANK_EINVAL);
	assert_int_equal(bank_options_init(&o, BANK_OPTIONS_VERSION + 1), BANK_EINVAL);
}

static void test_handle_open__bad_options(void **state)
{
	tmp *t = *state;
	static const char *const zones[] = {"Mars/Olympus", "+25:00",  "+05:60", "05:30",
					    "+5:30",        "+05:30x", "",       "utc+1"};
	for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
		bank_options o = BANK_OPTIONS_INIT;
		o.timezone = zones[i];
		bank *b = (bank *)&o; /* must be reset to NULL */
		assert_int_equal(bank_open(&b, ":memory:", &o), BANK_EINVAL);
		assert_null(b);
		assert_int_equal(bank_error_last()->code, BANK_EINVAL);
	}
	bank_options o = BANK_OPTIONS_INIT;
	o.version = 0;
	bank *b = NULL;
	assert_int_equal(bank_open(&b, t->path, &o), BANK_EINVAL);
	assert_null(b);
	o = (bank_options)BANK_OPTIONS_INIT;
	o.version = BANK_OPTIONS_VERSION + 1;
	assert_int_equal(bank_open(&b, t->path, &o), BANK_EINVAL);
	o = (bank_options)BANK_OPTIONS_INIT;
	o.durability = (bank_durability)7;
	assert_int_equal(bank_open(&b, t->path, &o), BANK_EINVAL);
	assert_null(b);
	/* Nothing was created by the refused opens. */
	assert_false(file_exists(t->path));
}

/* ---- open ---- */

static void test_handle_open__memory(void **state)
{
	(void)state;
	bank *b = NULL;
	FX_OK(bank_open(&b, ":memory:", NULL));
	assert_non_null(b);
	FX_OK(bank_principal_set_system(b));
	assert_string_equal(bank_principal(b), "system");
	/* Empty but usable. */
	FX_EQ(customer_count(b), 0);
	FX_OK(bank_branch_add(NULL, b, "HQ", "Head Office", NULL));
	fx_verify_clean(b);
	bank_close(b);
	bank_close(NULL); /* a no-op */
}

static void test_handle_open__memory_is_private(void **state)
{
	(void)state;
	bank *a = fx_open_bare(":memory:", 1);
	bank *b = fx_open_bare(":memory:", 1);
	FX_OK(bank_branch_add(NULL, a, "HQ", "Head Office", NULL));
	bank_branch *br = NULL;
	assert_int_equal(bank_branch_get(&br, b, "HQ"), BANK_ENOTFOUND);
	bank_close(a);
	bank_close(b);
}

static void test_handle_open__file_create(void **state)
{
	tmp *t = *state;
	assert_false(file_exists(t->path));
	bank *b = fx_open_bare(t->path, 1);
	assert_true(file_exists(t->path));
	bank_close(b);

	/* It is a libbank database now: user_version is the library's schema version. */
	sqlite3 *db = raw_open(t->path);
	FX_EQ(raw_int(db, "PRAGMA user_version"), bank_schema_version());
	assert_true(raw_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'") > 0);
	sqlite3_close(db);

	/* An existing bank opens with no_create. */
	bank_options o;
	fx_options(&o);
	o.no_create = 1;
	FX_OK(bank_open(&b, t->path, &o));
	assert_non_null(b);
	bank_close(b);
}

static void test_handle_open__no_create_missing(void **state)
{
	tmp *t = *state;
	bank_options o;
	fx_options(&o);
	o.no_create = 1;
	bank *b = NULL;
	assert_int_equal(bank_open(&b, t->path, &o), BANK_ENOTFOUND);
	assert_null(b);
	assert_int_equal(bank_error_last()->code, BANK_ENOTFOUND);
	assert_false(file_exists(t->path));
}

static void test_handle_open__empty_file(void **state)
{
	tmp *t = *state;
	FILE *fp = fopen(t->path, "wb");
	assert_non_null(fp);
	fclose(fp);
	bank *b = fx_open_bare(t->path, 1);
	FX_OK(bank_branch_add(NULL, b, "HQ", "Head Office", NULL));
	bank_close(b);
}

static void test_handle_open__reopen_keeps_data(void **state)
{
	tmp *t = *state;
	bank *b = fx_open_bare(t->path, 1);
	FX_OK(bank_branch_add(NULL, b, "HQ", "Head Office", NULL));
	fx_product(b, "SAV", "USD", BANK_PRODUCT_SAVINGS, 0, 0);
	bank_customer_spec cs = BANK_CUSTOMER_SPEC_INIT;
	cs.name = "Bob";
	bank_customer *c = NULL;
	FX_OK(bank_customer_add(&c, b, &cs));
	int64_t cid = c->id;
	bank_customer_free(c);
	char acct[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(b, cid, "SAV", acct);
	FX_OK(bank_deposit(NULL, b, acct, 12345, "dep-1", NULL));
	bank_close(b);

	b = fx_open_bare(t->path, 2);
	FX_EQ(fx_balance(b, acct), 12345);
	bank_transfer *tr = NULL;
	FX_OK(bank_transfer_get(&tr, b, "dep-1"));
	FX_EQ(tr->amount, 12345);
	bank_transfer_free(tr);
	/* The idempotency key survives the reopen. */
	FX_OK(bank_deposit(&tr, b, acct, 12345, "dep-1", NULL));
	assert_int_equal(tr->status, BANK_TRANSFER_EXISTS);
	bank_transfer_free(tr);
	FX_EQ(fx_balance(b, acct), 12345);
	fx_verify_clean(b);
	bank_close(b);
}

static void test_handle_open__foreign_sqlite_db(void **state)
{
	tmp *t = *state;
	sqlite3 *db = raw_open(t->path);
	raw_exec(db, "CREATE TABLE customer(id INTEGER PRIMARY KEY, nick TEXT);"
		     "INSERT INTO customer(nick) VALUES ('mallory');");
	char *before = raw_schema(db);
	sqlite3_close(db);

	bank *b = NULL;
	assert_int_equal(bank_open(&b, t->path, NULL), BANK_ECORRUPT);
	assert_null(b);
	assert_int_equal(bank_error_last()->code, BANK_ECORRUPT);
	assert_true(bank_error_last()->message[0] != '\0');

	/* The foreign file was left alone. */
	db = raw_open(t->path);
	char *after = raw_schema(db);
	assert_string_equal(before, after);
	FX_EQ(raw_int(db, "PRAGMA user_version"), 0);
	FX_EQ(raw_int(db, "SELECT count(*) FROM customer"), 1);
	sqlite3_close(db);
	free(before);
	free(after);
}

static void test_handle_open__foreign_with_user_version(void **state)
{
	tmp *t = *state;
	/* Another application's database that uses user_version too. */
	sqlite3 *db = raw_open(t->path);
	raw_exec(db, "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT); PRAGMA user_version = 1;");
	sqlite3_close(db);
	bank *b = NULL;
	assert_int_equal(bank_open(&b, t->path, NULL), BANK_ECORRUPT);
	assert_null(b);
}

static void test_handle_open__random_bytes(void **state)
{
	tmp *t = *state;
	unsigned char bytes[4096];
	uint64_t x = 0x9e3779b97f4a7c15ull;
	for (size_t i = 0; i < sizeof bytes; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		bytes[i] = (unsigned char)x;
	}
	FILE *fp = fopen(t->path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(bytes, 1, sizeof bytes, fp), sizeof bytes);
	fclose(fp);

	bank *b = NULL;
	assert_int_equal(bank_open(&b, t->path, NULL), BANK_ECORRUPT);
	assert_null(b);
	assert_int_equal(bank_error_last()->code, BANK_ECORRUPT);

	/* The bytes are untouched. */
	unsigned char back[sizeof bytes + 1];
	fp = fopen(t->path, "rb");
	assert_non_null(fp);
	assert_int_equal(fread(back, 1, sizeof back, fp), sizeof bytes);
	fclose(fp);
	assert_memory_equal(bytes, back, sizeof bytes);
}

static void test_handle_open__newer_schema(void **state)
{
	tmp *t = *state;
	bank *b = fx_open_bare(t->path, 1);
	bank_close(b);
	sqlite3 *db = raw_open(t->path);
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", bank_schema_version() + 1);
	raw_exec(db, sql);
	sqlite3_close(db);

	assert_int_equal(bank_open(&b, t->path, NULL), BANK_ECORRUPT);
	assert_null(b);
	assert_int_equal(bank_error_last()->code, BANK_ECORRUPT);

	db = raw_open(t->path);
	FX_EQ(raw_int(db, "PRAGMA user_version"), bank_schema_version() + 1);
	sqlite3_close(db);
}

/* ---- sharing a file ---- */

static void test_handle_open__durability_pragmas(void **state)
{
	tmp *t = *state;
	bank_options o;
	fx_options(&o);
	bank *b = NULL;
	FX_OK(bank_open(&b, t->path, &o));
	FX_EQ(fx_count(b, "PRAGMA synchronous"), 2); /* FULL */
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(fx_sqlite(b), "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	bank_close(b);
	o.durability = BANK_DURABILITY_NORMAL;
	FX_OK(bank_open(&b, t->path, &o));
	FX_EQ(fx_count(b, "PRAGMA synchronous"), 1); /* NORMAL */
	bank_close(b);
}

static void test_handle_open__two_handles_share_file(void **state)
{
	tmp *t = *state;
	bank *a = fx_open_bare(t->path, 1);
	bank *b = fx_open_bare(t->path, 2);
	FX_OK(bank_branch_add(NULL, a, "HQ", "Head Office", NULL));
	fx_product(a, "SAV", "USD", BANK_PRODUCT_SAVINGS, 0, 0);
	bank_customer_spec cs = BANK_CUSTOMER_SPEC_INIT;
	cs.name = "Gail";
	bank_customer *c = NULL;
	FX_OK(bank_customer_add(&c, b, &cs));
	char acct[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(b, c->id, "SAV", acct);
	bank_customer_free(c);
	FX_OK(bank_deposit(NULL, a, acct, 500, "shared-1", NULL));
	/* the other handle sees it, and the id is taken there too */
	FX_EQ(fx_balance(b, acct), 500);
	bank_transfer *tr = NULL;
	FX_OK(bank_deposit(&tr, b, acct, 500, "shared-1", NULL));
	assert_int_equal(tr->status, BANK_TRANSFER_EXISTS);
	bank_transfer_free(tr);
	FX_REFUSE(b, BANK_ECONFLICT, bank_deposit(NULL, b, acct, 501, "shared-1", NULL));
	FX_EQ(fx_balance(a, acct), 500);
	bank_close(a);
	bank_close(b);
}

struct worker {
	const char *path;
	const char *acct;
	uint64_t seed;
	int failures;
};

#define WORKER_DEPOSITS 100

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	bank_options o = BANK_OPTIONS_INIT;
	o.clock = fx_clock;
	o.id_seeded = 1;
	o.id_seed = w->seed;
	o.durability = BANK_DURABILITY_NORMAL;
	bank *b = NULL;
	if (bank_open(&b, w->path, &o) != BANK_OK) {
		w->failures = WORKER_DEPOSITS;
		return NULL;
	}
	for (int i = 0; i < WORKER_DEPOSITS; i++) {
		char id[64];
		snprintf(id, sizeof id, "w%llu-%d", (unsigned long long)w->seed, i);
		if (bank_deposit(NULL, b, w->acct, 1, id, NULL) != BANK_OK)
			w->failures++;
	}
	bank_close(b);
	return NULL;
}

static void test_handle_open__threads_share_file(void **state)
{
	tmp *t = *state;
	bank *b = fx_open_bare(t->path, 1);
	char acct[BANK_ACCOUNT_NUMBER_SIZE];
	one_account(b, acct);

	enum { N = 4 };
	struct worker w[N];
	pthread_t th[N];
	for (int i = 0; i < N; i++) {
		w[i] = (struct worker){t->path, acct, (uint64_t)(100 + i), 0};
		assert_int_equal(pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
	}
	for (int i = 0; i < N; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].failures, 0);
	}
	FX_EQ(fx_balance(b, acct), N * WORKER_DEPOSITS);
	fx_check_balance_after(b, acct);
	fx_verify_clean(b);
	bank_close(b);
}

static void test_handle_busy__timeout(void **state)
{
	tmp *t = *state;
	bank_options o;
	fx_options(&o);
	o.busy_timeout_ms = 50;
	char acct[BANK_ACCOUNT_NUMBER_SIZE];
	bank *b = open_one_account(t, &o, acct);

	/* another connection holds the write lock */
	sqlite3 *db = raw_open(t->path);
	raw_exec(db, "BEGIN IMMEDIATE");
	FX_REFUSE(b, BANK_EBUSY, bank_deposit(NULL, b, acct, 100, "busy-1", NULL));
	assert_true(bank_error_last()->sqlite_code != 0);
	/* reads still work under WAL */
	FX_EQ(fx_balance(b, acct), 0);
	raw_exec(db, "COMMIT");
	sqlite3_close(db);
	/* the failed call left its id free */
	bank_transfer *tr = NULL;
	FX_OK(bank_deposit(&tr, b, acct, 100, "busy-1", NULL));
	assert_int_equal(tr->status, BANK_TRANSFER_CREATED);
	bank_transfer_free(tr);
	bank_close(b);
}

static double mono_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * busy_timeout_ms bounds the whole wait of a call, not each of its attempts: with the
 * lock held throughout, a call gives up after about the timeout (it used to try six
 * times, each waiting the whole timeout). The bounds are loose (a slow sanitizer build,
 * a loaded machine): at least the timeout, under four times it.
 */
static void test_handle_busy__timeout_bounds_the_whole_wait(void **state)
{
	tmp *t = *state;
	bank_options o;
	fx_options(&o);
	o.busy_timeout_ms = 500;
	char acct[BANK_ACCOUNT_NUMBER_SIZE];
	bank *b = open_one_account(t, &o, acct);
	sqlite3 *db = raw_open(t->path);
	raw_exec(db, "BEGIN IMMEDIATE");
	double t0 = mono_seconds();
	FX_REFUSE(b, BANK_EBUSY, bank_deposit(NULL, b, acct, 100, "busy-2", NULL));
	double waited = mono_seconds() - t0;
	assert_true(waited >= 0.45);
	assert_true(waited < 2.0);
	raw_exec(db, "COMMIT");
	sqlite3_close(db);
	bank_close(b);
}

/*
 * A statement iterator whose next page cannot be read returns the error, keeps its place,
 * and goes on once the page can be read: no entry lost or repeated. The failure is made
 * by another connection renaming the `history` table away, and back.
 */
static void test_handle_statement_iter__retries_a_failed_page(void **state)
{
	tmp *t = *state;
	bank_options o;
	fx_options(&o);
	o.busy_timeout_ms = 50;
	char acct[BANK_ACCOUNT_NUMBER_SIZE];
	bank *b = open_one_account(t, &o, acct);
	for (int i = 1; i <= 5; i++) {
		char id[16];
		snprintf(id, sizeof id, "it-%d", i);
		FX_OK(bank_deposit(NULL, b, acct, i, id, NULL));
	}
	bank_statement_iter *it = NULL;
	FX_OK(bank_statement_iter_open(&it, b, acct, 0, 0, 2));
	const bank_statement_entry *e = NULL;
	assert_int_equal(bank_statement_iter_next(it, &e), 1);
	assert_string_equal(e->id, "it-1");
	assert_int_equal(bank_statement_iter_next(it, &e), 1);
	assert_string_equal(e->id, "it-2");

	sqlite3 *db = raw_open(t->path);
	raw_exec(db, "ALTER TABLE history RENAME TO history_away");
	e = (const bank_statement_entry *)&t; /* must be reset */
	int rc = bank_statement_iter_next(it, &e);
	assert_true(rc < 0);
	assert_int_equal(bank_error_last()->code, rc);
	assert_null(e);
	assert_true(bank_statement_iter_next(it, &e) < 0);
	raw_exec(db, "ALTER TABLE history_away RENAME TO history");
	sqlite3_close(db);

	for (int i = 3; i <= 5; i++) {
		char id[16];
		snprintf(id, sizeof id, "it-%d", i);
		assert_int_equal(bank_statement_iter_next(it, &e), 1);
		assert_string_equal(e->id, id);
		FX_EQ(e->amount, i);
	}
	assert_int_equal(bank_statement_iter_next(it, &e), 0);
	bank_statement_iter_free(it);
	bank_close(b);
}

/* ---- checkpoints ---- */

static int64_t wal_bytes(const tmp *t)
{
	char wal[256];
	snprintf(wal, sizeof wal, "%s-wal", t->path);
	struct stat st;
	return stat(wal, &st) == 0 ? (int64_t)st.st_size : -1;
}

static void deposits(bank *b, const char *acct, const char *prefix, int n)
{
	for (int i = 0; i < n; i++) {
		char id[64];
		snprintf(id, sizeof id, "%s-%d", prefix, i);
		FX_OK(bank_deposit(NULL, b, acct, 1, id, NULL));
	}
}

/*
 * With BANK_WAL_AUTOCHECKPOINT_OFF no commit checkpoints: the WAL grows past SQLite's
 * default of 1,000 pages (with automatic checkpoints it would have started over), then
 * bank_checkpoint() copies it all and TRUNCATE empties the file. Nothing is lost.
 */
static void test_handle_checkpoint__off_then_manual(void **state)
{
	tmp *t = *state;
	bank_options o;
	fx_options(&o);
	o.durability = BANK_DURABILITY_NORMAL;
	o.wal_autocheckpoint = BANK_WAL_AUTOCHECKPOINT_OFF;
	char acct[BANK_ACCOUNT_NUMBER_SIZE];
	bank *b = open_one_account(t, &o, acct);
	FX_EQ(fx_count(b, "PRAGMA wal_autocheckpoint"), 0);
	bank_checkpoint_info info = {-1, -1};
	int n = 0;
	while (n < 2000) { /* each deposit commits a few pages */
		char prefix[16];
		snprintf(prefix, sizeof prefix, "d%d", n);
		deposits(b, acct, prefix, 50);
		n += 50;
		if (wal_bytes(t) > 1200 * (4096 + 24))
			break;
	}
	/* (a checkpoint that copies everything lets the next commit start the WAL over) */
	FX_OK(bank_checkpoint(b, BANK_CHECKPOINT_PASSIVE, &info));
	assert_true(info.wal_pages > 1200);
	/* PASSIVE with no other reader copies everything, but leaves the file as it is */
	assert_int_equal(info.copied, info.wal_pages);
	assert_true(wal_bytes(t) >= info.wal_pages * 4096);
	FX_OK(bank_checkpoint(b, BANK_CHECKPOINT_TRUNCATE, &info));
	assert_int_equal(info.wal_pages, 0);
	assert_int_equal(info.copied, 0);
	assert_int_equal(wal_bytes(t), 0);
	/* the next commit writes the WAL from its start */
	FX_OK(bank_deposit(NULL, b, acct, 1, "after", NULL));
	FX_OK(bank_checkpoint(b, BANK_CHECKPOINT_FULL, &info));
	assert_true(info.wal_pages > 0 && info.wal_pages < 100);
	assert_int_equal(info.copied, info.wal_pages);
	FX_OK(bank_checkpoint(b, BANK_CHECKPOINT_RESTART, NULL));
	bank_close(b);
	/* everything is in the database file: read it without the WAL */
	sqlite3 *db = raw_open(t->path);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM transfer WHERE kind = 'deposit'"), n + 1);
	sqlite3_close(db);
	b = fx_open_bare(t->path, 2);
	FX_EQ(fx_balance(b, acct), n + 1);
	fx_check_balance_after(b, acct);
	fx_verify_clean(b);
	bank_close(b);
}

/* Unknown modes and a NULL handle are refused, info zeroed; NULL info is fine. */
static void test_handle_checkpoint__refusals(void **state)
{
	tmp *t = *state;
	bank *b = fx_open_bare(t->path, 1);
	bank_checkpoint_info info = {7, 7};
	FX_REFUSE(b, BANK_EINVAL, bank_checkpoint(b, (bank_checkpoint_mode)4, &info));
	assert_int_equal(info.wal_pages, 0);
	assert_int_equal(info.copied, 0);
	info.wal_pages = 7;
	FX_REFUSE(b, BANK_EINVAL, bank_checkpoint(b, (bank_checkpoint_mode)-1, &info));
	assert_int_equal(info.wal_pages, 0);
	info.wal_pages = 7;
	assert_int_equal(bank_checkpoint(NULL, BANK_CHECKPOINT_PASSIVE, &info), BANK_EMISUSE);
	assert_int_equal(info.wal_pages, 0);
	FX_OK(bank_checkpoint(b, BANK_CHECKPOINT_PASSIVE, NULL));
	bank_close(b);
	/* -1 is the only negative wal_autocheckpoint */
	bank_options o;
	fx_options(&o);
	o.wal_autocheckpoint = -2;
	b = NULL;
	assert_int_equal(bank_open(&b, t->path, &o), BANK_EINVAL);
	assert_null(b);
}

/* An in-memory bank has no WAL: a checkpoint is a no-op. */
static void test_handle_checkpoint__memory(void **state)
{
	(void)state;
	bank *b = fx_open_bare(":memory:", 1);
	char acct[BANK_ACCOUNT_NUMBER_SIZE];
	one_account(b, acct);
	for (int m = BANK_CHECKPOINT_PASSIVE; m <= BANK_CHECKPOINT_TRUNCATE; m++) {
		bank_checkpoint_info info = {7, 7};
		FX_OK(bank_checkpoint(b, (bank_checkpoint_mode)m, &info));
		assert_int_equal(info.wal_pages, 0);
		assert_int_equal(info.copied, 0);
	}
	FX_OK(bank_deposit(NULL, b, acct, 5, "m", NULL));
	FX_EQ(fx_balance(b, acct), 5);
	bank_close(b);
}

/*
 * Another connection reading an older snapshot pins the WAL: PASSIVE copies what it may
 * and succeeds, TRUNCATE gives up with busy after the timeout and says how far it got;
 * once the reader is gone TRUNCATE finishes. A writer holding the lock makes FULL busy.
 */
static void test_handle_checkpoint__busy(void **state)
{
	tmp *t = *state;
	bank_options o;
	fx_options(&o);
	o.busy_timeout_ms = 50;
	o.wal_autocheckpoint = BANK_WAL_AUTOCHECKPOINT_OFF;
	char acct[BANK_ACCOUNT_NUMBER_SIZE];
	bank *b = open_one_account(t, &o, acct);
	deposits(b, acct, "x", 5);
	sqlite3 *db = raw_open(t->path);
	raw_exec(db, "BEGIN");
	assert_int_equal(raw_int(db, "SELECT count(*) FROM transfer"), 5);
	deposits(b, acct, "y", 5); /* frames the reader's snapshot does not see */
	bank_checkpoint_info info = {0, 0};
	FX_OK(bank_checkpoint(b, BANK_CHECKPOINT_PASSIVE, &info));
	assert_true(info.wal_pages > 0);
	assert_true(info.copied < info.wal_pages);
	FX_REFUSE(b, BANK_EBUSY, bank_checkpoint(b, BANK_CHECKPOINT_TRUNCATE, &info));
	assert_true(info.wal_pages > 0);
	assert_true(info.copied < info.wal_pages);
	assert_true(wal_bytes(t) > 0);
	raw_exec(db, "COMMIT");
	FX_OK(bank_checkpoint(b, BANK_CHECKPOINT_TRUNCATE, &info));
	assert_int_equal(wal_bytes(t), 0);
	/* a writer holding the lock */
	raw_exec(db, "BEGIN IMMEDIATE");
	FX_REFUSE(b, BANK_EBUSY, bank_checkpoint(b, BANK_CHECKPOINT_FULL, &info));
	FX_OK(bank_checkpoint(b, BANK_CHECKPOINT_PASSIVE, &info));
	raw_exec(db, "COMMIT");
	sqlite3_close(db);
	FX_EQ(fx_balance(b, acct), 10);
	fx_verify_clean(b);
	bank_close(b);
}

/*
 * A call leaves no statement open behind it: after statement pages that stop inside a
 * history block (both with posting records and without), the handle itself can run a
 * TRUNCATE checkpoint, which SQLite refuses to a connection still reading.
 */
static void test_handle_checkpoint__after_reads(void **state)
{
	tmp *t = *state;
	char acct[BANK_ACCOUNT_NUMBER_SIZE];
	for (int records = 0; records <= 1; records++) {
		bank_options o;
		fx_options(&o);
		o.durability = BANK_DURABILITY_NORMAL;
		o.statement_records = records;
		o.busy_timeout_ms = 50;
		bank *b = NULL;
		FX_OK(bank_open(&b, t->path, &o));
		if (records == 0)
			one_account(b, acct);
		deposits(b, acct, records ? "r" : "p", 40); /* two full history blocks and a tail */
		static const size_t limits[] = {1, 5, 16, 17, 39, 100};
		for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
			bank_statement *st = NULL;
			FX_OK(bank_statement_get(&st, b, acct, 0, 0, limits[i], NULL));
			size_t have = 40 * (size_t)(records + 1);
			assert_int_equal(st->count, limits[i] < have ? limits[i] : have);
			bank_statement_free(st);
			bank_checkpoint_info info;
			FX_OK(bank_checkpoint(b, BANK_CHECKPOINT_TRUNCATE, &info));
			assert_int_equal(wal_bytes(t), 0);
		}
		bank_close(b);
	}
}

struct checkpointer {
	const char *path;
	int started;            /* 1 once its handle is open, -1 when it could not open one */
	int stop;               /* set by the main thread when its writes are done */
	int runs, ok, failures; /* failures: anything but OK or busy */
};

static void *checkpointer_main(void *arg)
{
	struct checkpointer *c = arg;
	bank *b = NULL;
	bank_options o = BANK_OPTIONS_INIT;
	o.wal_autocheckpoint = BANK_WAL_AUTOCHECKPOINT_OFF;
	if (bank_open(&b, c->path, &o) != BANK_OK) {
		c->failures++;
		__atomic_store_n(&c->started, -1, __ATOMIC_RELEASE);
		return NULL;
	}
	__atomic_store_n(&c->started, 1, __ATOMIC_RELEASE);
	do { /* at least once, however slow the thread starts (sanitizer builds) */
		/* busy: a commit was changing the WAL's header at that moment (try again) */
		int rc = bank_checkpoint(b, BANK_CHECKPOINT_PASSIVE, NULL);
		if (rc == BANK_OK)
			c->ok++;
		else if (rc != BANK_EBUSY)
			c->failures++;
		c->runs++;
		nanosleep(&(struct timespec){0, 200000}, NULL);
	} while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE) || (c->ok == 0 && c->failures == 0));
	bank_close(b);
	return NULL;
}

/* A thread with its own handle checkpoints while another posts: nothing fails or is lost. */
static void test_handle_checkpoint__concurrent(void **state)
{
	tmp *t = *state;
	bank_options o;
	fx_options(&o);
	o.durability = BANK_DURABILITY_NORMAL;
	o.wal_autocheckpoint = BANK_WAL_AUTOCHECKPOINT_OFF;
	char acct[BANK_ACCOUNT_NUMBER_SIZE];
	bank *b = open_one_account(t, &o, acct);
	struct checkpointer c = {t->path, 0, 0, 0, 0, 0};
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, checkpointer_main, &c), 0);
	while (__atomic_load_n(&c.started, __ATOMIC_ACQUIRE) == 0)
		nanosleep(&(struct timespec){0, 1000000}, NULL);
	deposits(b, acct, "c", 300);
	__atomic_store_n(&c.stop, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	assert_int_equal(c.failures, 0);
	assert_true(c.ok > 0);
	FX_EQ(fx_balance(b, acct), 300);
	fx_check_balance_after(b, acct);
	fx_verify_clean(b);
	bank_checkpoint_info info;
	FX_OK(bank_checkpoint(b, BANK_CHECKPOINT_TRUNCATE, &info));
	bank_close(b);
	sqlite3 *db = raw_open(t->path);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM transfer WHERE kind = 'deposit'"), 300);
	sqlite3_close(db);
}

/* ---- schema ---- */

static void test_handle_schema__version(void **state)
{
	(void)state;
	assert_true(bank_schema_version() >= 1);
	assert_int_equal(bank_schema_version(), bank_schema_version());
	assert_string_equal(bank_libversion(), BANK_VERSION);
	assert_int_equal(bank_libversion_number(), BANK_VERSION_NUMBER);
}

static void test_handle_schema__migrate_idempotent(void **state)
{
	tmp *t = *state;
	bank *b = fx_open_bare(t->path, 1);
	FX_OK(bank_branch_add(NULL, b, "HQ", "Head Office", NULL));
	bank_close(b);
	sqlite3 *db = raw_open(t->path);
	char *first = raw_schema(db);
	sqlite3_close(db);

	for (int i = 0; i < 3; i++) {
		b = fx_open_bare(t->path, 1);
		bank_branch *br = NULL;
		FX_OK(bank_branch_get(&br, b, "HQ"));
		bank_branch_free(br);
		bank_branch_list *l = NULL;
		FX_OK(bank_branch_list_get(&l, b));
		assert_int_equal(l->count, 1);
		bank_branch_list_free(l);
		bank_close(b);

		db = raw_open(t->path);
		char *again = raw_schema(db);
		assert_string_equal(first, again);
		FX_EQ(raw_int(db, "PRAGMA user_version"), bank_schema_version());
		free(again);
		sqlite3_close(db);
	}
	free(first);
}

/* ---- clock ---- */

static void test_handle_clock__injected(void **state)
{
	(void)state;
	fx_now = FX_T0;
	bank *b = fx_open_bare(":memory:", 1);
	FX_EQ(bank_now(b), FX_T0);
	fx_advance(10);
	FX_EQ(bank_now(b), FX_T0 + 10 * FX_SEC);

	bank_branch *br = NULL;
	FX_OK(bank_branch_add(&br, b, "HQ", "Head Office", NULL));
	FX_EQ(br->created_at, FX_T0 + 10 * FX_SEC);
	bank_branch_free(br);

	/* A clock that runs backwards does not take bank_now() back. */
	fx_advance(-5);
	FX_EQ(bank_now(b), FX_T0 + 10 * FX_SEC);
	fx_advance(20);
	FX_EQ(bank_now(b), FX_T0 + 25 * FX_SEC);
	bank_close(b);
}

static void test_handle_clock__system(void **state)
{
	(void)state;
	bank *b = NULL;
	FX_OK(bank_open(&b, ":memory:", NULL));
	/* 2020-01-01 < now < 2200-01-01 */
	bank_time n = bank_now(b);
	assert_true(n > (bank_time)1577836800 * FX_SEC);
	assert_true(n < (bank_time)7258118400 * FX_SEC);
	assert_true(bank_now(b) >= n);
	bank_close(b);
}

/* ---- ids ---- */

/* Runs the same script on a fresh in-memory bank; returns the account numbers and the
 * generated transfer ids. */
static void script(uint64_t seed, char numbers[3][BANK_ACCOUNT_NUMBER_SIZE], char ids[3][BANK_ID_SIZE])
{
	fx_now = FX_T0;
	bank *b = fx_open_bare(":memory:", seed);
	FX_OK(bank_branch_add(NULL, b, "HQ", "Head Office", NULL));
	fx_product(b, "SAV", "USD", BANK_PRODUCT_SAVINGS, 0, 0);
	bank_customer_spec cs = BANK_CUSTOMER_SPEC_INIT;
	cs.name = "Carol";
	bank_customer *c = NULL;
	FX_OK(bank_customer_add(&c, b, &cs));
	for (int i = 0; i < 3; i++)
		fx_open_account(b, c->id, "SAV", numbers[i]);
	for (int i = 0; i < 3; i++) {
		bank_transfer *t = NULL;
		fx_advance(1);
		FX_OK(bank_deposit(&t, b, numbers[i], 100 + i, NULL, NULL));
		assert_true(strlen(t->id) < BANK_ID_SIZE);
		snprintf(ids[i], BANK_ID_SIZE, "%s", t->id);
		bank_transfer_free(t);
	}
	bank_customer_free(c);
	bank_close(b);
}

static void test_handle_ids__seeded_reproducible(void **state)
{
	(void)state;
	char n1[3][BANK_ACCOUNT_NUMBER_SIZE], n2[3][BANK_ACCOUNT_NUMBER_SIZE], n3[3][BANK_ACCOUNT_NUMBER_SIZE];
	char i1[3][BANK_ID_SIZE], i2[3][BANK_ID_SIZE], i3[3][BANK_ID_SIZE];
	script(7, n1, i1);
	script(7, n2, i2);
	script(8, n3, i3);
	for (int i = 0; i < 3; i++) {
		assert_string_equal(n1[i], n2[i]);
		assert_string_equal(i1[i], i2[i]);
		assert_int_equal(bank_account_number_check(n1[i]), BANK_OK);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(n1[i], n1[j]);
	}
	/* Another seed, other numbers. */
	assert_true(strcmp(n1[0], n3[0]) != 0 || strcmp(n1[1], n3[1]) != 0 || strcmp(n1[2], n3[2]) != 0);
	assert_true(strcmp(i1[0], i3[0]) != 0 || strcmp(i1[1], i3[1]) != 0 || strcmp(i1[2], i3[2]) != 0);
}

static void test_handle_ids__generated_uuid7(void **state)
{
	(void)state;
	char n[3][BANK_ACCOUNT_NUMBER_SIZE], ids[3][BANK_ID_SIZE];
	script(9, n, ids);
	for (int i = 0; i < 3; i++) {
		const char *id = ids[i];
		assert_int_equal(strlen(id), 36);
		assert_int_equal(id[8], '-');
		assert_int_equal(id[13], '-');
		assert_int_equal(id[18], '-');
		assert_int_equal(id[23], '-');
		assert_int_equal(id[14], '7');           /* version 7 */
		assert_non_null(strchr("89ab", id[19])); /* RFC 4122 variant */
		assert_int_equal(bank_transfer_id_check(id), BANK_OK);
		if (i > 0)
			assert_true(strcmp(ids[i - 1], id) < 0); /* time-ordered */
	}
}

static void test_handle_ids__generated_ordered_same_instant(void **state)
{
	(void)state;
	/* Many ids in the same microsecond still come out strictly increasing. */
	fx_now = FX_T0;
	bank *b = fx_open_bare(":memory:", 3);
	FX_OK(bank_branch_add(NULL, b, "HQ", "Head Office", NULL));
	fx_product(b, "SAV", "USD", BANK_PRODUCT_SAVINGS, 0, 0);
	bank_customer_spec cs = BANK_CUSTOMER_SPEC_INIT;
	cs.name = "Dan";
	bank_customer *c = NULL;
	FX_OK(bank_customer_add(&c, b, &cs));
	char acct[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(b, c->id, "SAV", acct);
	bank_customer_free(c);
	char prev[BANK_ID_SIZE] = "";
	for (int i = 0; i < 50; i++) {
		bank_transfer *t = NULL;
		FX_OK(bank_deposit(&t, b, acct, 1, NULL, NULL));
		assert_true(strcmp(prev, t->id) < 0);
		snprintf(prev, sizeof prev, "%s", t->id);
		bank_transfer_free(t);
	}
	bank_close(b);
}

static void test_handle_ids__seeded_reopen_no_collision(void **state)
{
	tmp *t = *state;
	/* A harness that reopens a file with the same seed must still get fresh numbers. */
	bank *b = fx_open_bare(t->path, 5);
	FX_OK(bank_branch_add(NULL, b, "HQ", "Head Office", NULL));
	fx_product(b, "SAV", "USD", BANK_PRODUCT_SAVINGS, 0, 0);
	bank_customer_spec cs = BANK_CUSTOMER_SPEC_INIT;
	cs.name = "Erin";
	bank_customer *c = NULL;
	FX_OK(bank_customer_add(&c, b, &cs));
	int64_t cid = c->id;
	bank_customer_free(c);
	char first[BANK_ACCOUNT_NUMBER_SIZE], second[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(b, cid, "SAV", first);
	bank_close(b);

	b = fx_open_bare(t->path, 5);
	fx_open_account(b, cid, "SAV", second);
	assert_string_not_equal(first, second);
	bank_close(b);
}

/* ---- time and date text ---- */

static void test_handle_time__format(void **state)
{
	(void)state;
	char buf[BANK_TIME_SIZE];
	FX_OK(bank_time_format(buf, sizeof buf, 0));
	assert_string_equal(buf, "1970-01-01T00:00:00.000000Z");
	FX_OK(bank_time_format(buf, sizeof buf, (bank_time)1795518804 * FX_SEC));
	assert_string_equal(buf, "2026-11-24T11:13:24.000000Z");
	FX_OK(bank_time_format(buf, sizeof buf, (bank_time)1795518804 * FX_SEC + 123456));
	assert_string_equal(buf, "2026-11-24T11:13:24.123456Z");
	FX_OK(bank_time_format(buf, sizeof buf, -1));
	assert_string_equal(buf, "1969-12-31T23:59:59.999999Z");
	FX_OK(bank_time_format(buf, sizeof buf, (bank_time)1709164800 * FX_SEC));
	assert_string_equal(buf, "2024-02-29T00:00:00.000000Z");
	/* The ends of the range. */
	FX_OK(bank_time_format(buf, sizeof buf, (bank_time)-62135596800 * FX_SEC));
	assert_string_equal(buf, "0001-01-01T00:00:00.000000Z");
	FX_OK(bank_time_format(buf, sizeof buf, (bank_time)253402300799 * FX_SEC + 999999));
	assert_string_equal(buf, "9999-12-31T23:59:59.999999Z");
}

static void test_handle_time__format_refusals(void **state)
{
	(void)state;
	char buf[BANK_TIME_SIZE];
	assert_int_equal(bank_time_format(buf, BANK_TIME_SIZE - 1, 0), BANK_ELIMIT);
	assert_int_equal(bank_time_format(buf, 0, 0), BANK_ELIMIT);
	assert_int_equal(bank_time_format(buf, sizeof buf, (bank_time)-62135596800 * FX_SEC - 1), BANK_ELIMIT);
	assert_int_equal(bank_time_format(buf, sizeof buf, (bank_time)253402300800 * FX_SEC), BANK_ELIMIT);
	assert_int_equal(bank_time_format(buf, sizeof buf, INT64_MAX), BANK_ELIMIT);
	assert_int_equal(bank_time_format(buf, sizeof buf, INT64_MIN), BANK_ELIMIT);
	assert_int_equal(bank_error_last()->code, BANK_ELIMIT);
}

static void test_handle_time__parse(void **state)
{
	(void)state;
	bank_time t = 0;
	const bank_time base = (bank_time)1795518804 * FX_SEC; /* 2026-11-24T11:13:24Z */
	FX_OK(bank_time_parse(&t, "2026-11-24T11:13:24Z"));
	FX_EQ(t, base);
	FX_OK(bank_time_parse(&t, "2026-11-24T12:13:24.5+01:00"));
	FX_EQ(t, base + 500000);
	FX_OK(bank_time_parse(&t, "2026-11-24T03:13:24-08:00"));
	FX_EQ(t, base);
	FX_OK(bank_time_parse(&t, "2026-11-24T16:43:24.000001+05:30"));
	FX_EQ(t, base + 1);
	FX_OK(bank_time_parse(&t, "2026-11-24T11:13:24.123456Z"));
	FX_EQ(t, base + 123456);
	FX_OK(bank_time_parse(&t, "1970-01-01T00:00:00Z"));
	FX_EQ(t, 0);
	FX_OK(bank_time_parse(&t, "1969-12-31T23:59:59.999999Z"));
	FX_EQ(t, -1);
	FX_OK(bank_time_parse(&t, "2024-02-29T00:00:00Z"));
	FX_EQ(t, (bank_time)1709164800 * FX_SEC);
	/* a leap second is the next minute's second 00 (POSIX time) */
	FX_OK(bank_time_parse(&t, "2016-12-31T23:59:60Z"));
	FX_EQ(t, (bank_time)1483228800 * FX_SEC);
	FX_OK(bank_time_parse(&t, "2017-01-01T05:29:60.5+05:30"));
	FX_EQ(t, (bank_time)1483228800 * FX_SEC + 500000);
}

static void test_handle_time__parse_refusals(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"garbage",
		"2026-11-24",
		"2026-11-24T11:13:24", /* no offset */
		"2026-11-24 11:13",
		"2026-13-01T00:00:00Z", /* month 13 */
		"2026-00-01T00:00:00Z",
		"2026-02-29T00:00:00Z", /* not a leap year */
		"2026-04-31T00:00:00Z",
		"2026-11-24T24:00:01Z",
		"2026-11-24T11:60:00Z",
		"2026-11-24T11:13:61Z", /* 60 is a leap second, 61 nothing */
		"2026-11-24T11:13:24+0100",
		"2026-11-24T11:13:24+01",
		"2026-11-24T11:13:24+25:00",
		"2026-11-24T11:13:24Zjunk",
		"2026-11-24T11:13:24.Z",
		" 2026-11-24T11:13:24Z",
		"2026-11-24T11:13:24Z ",
		"26-11-24T11:13:24Z",
		"2026-1-24T11:13:24Z",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		bank_time t = 12345;
		int rc = bank_time_parse(&t, bad[i]);
		if (rc != BANK_EINVAL) {
			print_error("bank_time_parse(\"%s\") = %d, expected invalid_argument\n", bad[i], rc);
			fail();
		}
		assert_int_equal(bank_error_last()->code, BANK_EINVAL);
	}
}

static void test_handle_time__round_trip(void **state)
{
	(void)state;
	const bank_time samples[] = {
		0,
		1,
		-1,
		FX_T0,
		FX_T0 + 999999,
		(bank_time)1709164800 * FX_SEC + 42,
		(bank_time)951782400 * FX_SEC,             /* 2000-02-29 */
		(bank_time)-2208988800 * FX_SEC + 7,       /* 1900-01-01 */
		(bank_time)253402300799 * FX_SEC + 999999, /* 9999-12-31T23:59:59.999999 */
		(bank_time)-62135596800 * FX_SEC,          /* 0001-01-01 */
	};
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		char buf[BANK_TIME_SIZE];
		bank_time back = 0;
		FX_OK(bank_time_format(buf, sizeof buf, samples[i]));
		FX_OK(bank_time_parse(&back, buf));
		FX_EQ(back, samples[i]);
	}
	/* and every 37 hours and 17 microseconds over a few years */
	for (bank_time t = FX_T0 - 800 * FX_DAY; t < FX_T0 + 800 * FX_DAY; t += 37 * 3600 * FX_SEC + 17) {
		char buf[BANK_TIME_SIZE];
		bank_time back = 0;
		FX_OK(bank_time_format(buf, sizeof buf, t));
		FX_OK(bank_time_parse(&back, buf));
		FX_EQ(back, t);
	}
}

static void test_handle_date__parse_format(void **state)
{
	(void)state;
	bank_date d = -7;
	FX_OK(bank_date_parse(&d, "1970-01-01"));
	FX_EQ(d, 0);
	FX_OK(bank_date_parse(&d, "1970-01-02"));
	FX_EQ(d, 1);
	FX_OK(bank_date_parse(&d, "1969-12-31"));
	FX_EQ(d, -1);
	FX_OK(bank_date_parse(&d, "2026-03-02"));
	FX_EQ(d, FX_D0);
	FX_OK(bank_date_parse(&d, "2024-02-29"));
	FX_EQ(d, 19782);
	FX_OK(bank_date_parse(&d, "2000-02-29"));

	char buf[16];
	FX_OK(bank_date_format(buf, sizeof buf, FX_D0));
	assert_string_equal(buf, "2026-03-02");
	FX_OK(bank_date_format(buf, 11, -1));
	assert_string_equal(buf, "1969-12-31");
	assert_int_equal(bank_date_format(buf, 10, FX_D0), BANK_ELIMIT);
	assert_int_equal(bank_error_last()->code, BANK_ELIMIT);

	/* Round trips over several years, leap days included. */
	for (bank_date x = 19000; x < 21000; x++) {
		bank_date back = 0;
		FX_OK(bank_date_format(buf, sizeof buf, x));
		assert_int_equal(strlen(buf), 10);
		FX_OK(bank_date_parse(&back, buf));
		FX_EQ(back, x);
	}
}

static void test_handle_date__parse_refusals(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"2023-02-29",
		"1900-02-29",
		"2026-00-10",
		"2026-13-01",
		"2026-04-31",
		"2026-01-00",
		"2026-1-10",
		"2026-01-1",
		"26-01-10",
		"2026/01/10",
		"2026-01-10x",
		"2026-01-10T00:00:00Z",
		" 2026-01-10",
		"abcd-ef-gh",
		"2026-01-32",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		bank_date d = 0;
		int rc = bank_date_parse(&d, bad[i]);
		if (rc != BANK_EINVAL) {
			print_error("bank_date_parse(\"%s\") = %d, expected invalid_argument\n", bad[i], rc);
			fail();
		}
	}
}

/* ---- time zones ---- */

static bank *open_tz(const char *tz)
{
	bank_options o;
	fx_options(&o);
	o.timezone = tz;
	bank *b = NULL;
	FX_OK(bank_open(&b, ":memory:", &o));
	return b;
}

static void test_handle_tz__utc_default(void **state)
{
	(void)state;
	bank *b = open_tz(NULL);
	FX_EQ(bank_date_of(b, 0), 0);
	FX_EQ(bank_date_of(b, -1), -1);
	FX_EQ(bank_date_of(b, FX_DAY - 1), 0);
	FX_EQ(bank_date_of(b, FX_DAY), 1);
	FX_EQ(bank_date_start(b, 0), 0);
	FX_EQ(bank_date_start(b, -1), -FX_DAY);
	FX_EQ(bank_date_of(b, FX_T0), FX_D0);
	FX_EQ(bank_date_start(b, FX_D0), (bank_time)1772409600 * FX_SEC);
	bank_close(b);
	b = open_tz("UTC");
	FX_EQ(bank_date_of(b, FX_T0), FX_D0);
	FX_EQ(bank_date_start(b, FX_D0), (bank_time)1772409600 * FX_SEC);
	bank_close(b);
}

static void test_handle_tz__fixed_offset_east(void **state)
{
	(void)state;
	bank *b = open_tz("+05:30");
	/* 2026-03-02 starts at 2026-03-01T18:30:00Z in +05:30. */
	const bank_time start = (bank_time)1772389800 * FX_SEC;
	FX_EQ(bank_date_start(b, FX_D0), start);
	FX_EQ(bank_date_of(b, start), FX_D0);
	FX_EQ(bank_date_of(b, start - 1), FX_D0 - 1);
	FX_EQ(bank_date_of(b, start + FX_DAY - 1), FX_D0);
	FX_EQ(bank_date_of(b, start + FX_DAY), FX_D0 + 1);
	/* 09:00Z is 14:30 local, same day; 20:00Z is already tomorrow. */
	FX_EQ(bank_date_of(b, FX_T0), FX_D0);
	FX_EQ(bank_date_of(b, FX_T0 + 11 * 3600 * FX_SEC), FX_D0 + 1);
	/* Round trip over many days. */
	for (bank_date d = FX_D0 - 400; d < FX_D0 + 400; d++) {
		FX_EQ(bank_date_of(b, bank_date_start(b, d)), d);
		FX_EQ(bank_date_of(b, bank_date_start(b, d) - 1), d - 1);
	}
	/* Before the epoch too: 1970-01-01 starts at 1969-12-31T18:30Z. */
	FX_EQ(bank_date_start(b, 0), -(bank_time)19800 * FX_SEC);
	FX_EQ(bank_date_of(b, -1), 0);
	bank_close(b);
}

static void test_handle_tz__fixed_offset_west(void **state)
{
	(void)state;
	bank *b = open_tz("-08:00");
	const bank_time start = (bank_time)1772409600 * FX_SEC + 8 * 3600 * FX_SEC;
	FX_EQ(bank_date_start(b, FX_D0), start);
	FX_EQ(bank_date_of(b, start - 1), FX_D0 - 1);
	FX_EQ(bank_date_of(b, start), FX_D0);
	FX_EQ(bank_date_of(b, FX_T0), FX_D0); /* 01:00 local */
	FX_EQ(bank_date_of(b, FX_T0 - 2 * 3600 * FX_SEC), FX_D0 - 1);
	bank_close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handle_options__init_defaults),
		cmocka_unit_test(test_handle_options__init_unknown_version),
		cmocka_unit_test_setup_teardown(test_handle_options__cache_and_checkpoint, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_handle_options__version_1, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_handle_options__version_2, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_handle_open__bad_options, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_handle_checkpoint__off_then_manual, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_handle_checkpoint__refusals, tmp_setup, tmp_teardown),
		cmocka_unit_test(test_handle_checkpoint__memory),
		cmocka_unit_test_setup_teardown(test_handle_checkpoint__busy, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_handle_checkpoint__after_reads, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_handle_checkpoint__concurrent, tmp_setup, tmp_teardown),
		cmocka_unit_test(test_handle_open__memory),
		cmocka_unit_test(test_handle_open__memory_is_private),
		cmocka_unit_test_setup_teardown(test_handle_open__file_create, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_handle_open__no_create_missing, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_handle_open__empty_file, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_handle_open__reopen_keeps_data, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_handle_open__foreign_sqlite_db, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_handle_open__foreign_with_user_version, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_handle_open__random_bytes, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_handle_open__newer_schema, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_handle_open__durability_pragmas, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_handle_open__two_handles_share_file, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_handle_open__threads_share_file, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_handle_busy__timeout, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_handle_busy__timeout_bounds_the_whole_wait, tmp_setup,
						tmp_teardown),
		cmocka_unit_test_setup_teardown(test_handle_statement_iter__retries_a_failed_page, tmp_setup,
						tmp_teardown),
		cmocka_unit_test(test_handle_schema__version),
		cmocka_unit_test_setup_teardown(test_handle_schema__migrate_idempotent, tmp_setup, tmp_teardown),
		cmocka_unit_test(test_handle_clock__injected),
		cmocka_unit_test(test_handle_clock__system),
		cmocka_unit_test(test_handle_ids__seeded_reproducible),
		cmocka_unit_test(test_handle_ids__generated_uuid7),
		cmocka_unit_test(test_handle_ids__generated_ordered_same_instant),
		cmocka_unit_test_setup_teardown(test_handle_ids__seeded_reopen_no_collision, tmp_setup, tmp_teardown),
		cmocka_unit_test(test_handle_time__format),
		cmocka_unit_test(test_handle_time__format_refusals),
		cmocka_unit_test(test_handle_time__parse),
		cmocka_unit_test(test_handle_time__parse_refusals),
		cmocka_unit_test(test_handle_time__round_trip),
		cmocka_unit_test(test_handle_date__parse_format),
		cmocka_unit_test(test_handle_date__parse_refusals),
		cmocka_unit_test(test_handle_tz__utc_default),
		cmocka_unit_test(test_handle_tz__fixed_offset_east),
		cmocka_unit_test(test_handle_tz__fixed_offset_west),
	};
	return cmocka_run_group_tests_name("handle", tests, NULL, NULL);
}
