/*
 * bench_interest.c: one day's interest run over N accounts (default 1,000,000) through
 * libbank's public API, against a floor measured in the same run on the same settings.
 *
 *   floor    a bare SQLite program on its own file (WAL, synchronous FULL, the same
 *            cache size as libbank, temp_store MEMORY): account(id, balance) with N rows;
 *            one day = read every balance with a prepared SELECT and insert one accrual
 *            row per account (account, day, picounits computed in 128-bit integers) with a
 *            prepared INSERT, in transactions of the run's batch size (2000 accounts)
 *   libbank  bank_interest_run(day): per account, its open period row read, the day's
 *            end-of-day balance, the accrual, the period row written back; one audit
 *            record per transaction; durability FULL
 *
 * Setup (untimed): a branch, a product (2.5%, act/365, daily compounding, monthly
 * posting), a customer, N accounts (rows written with SQLite directly, as a shortcut:
 * opening a million accounts one transaction at a time would take most of the time)
 * each funded by a deposit through bank_transfer_batch(). One account in a hundred
 * gets a deposit on the morning of each run, so its end-of-day balance comes from the
 * journal rather than from the account row.
 *
 * Timed, interleaved (floor, libbank) for four days: day 1 is the first run ever
 * (libbank creates every period row), days 2 and 3 are steady state (it updates them),
 * day 4 is a month end: every account's February interest is also posted, a
 * ledger transfer each, which the floor does not do (shown for information; the target
 * is the steady state). Machines are shared and noisy: quote the ratios, not the times.
 *
 * The cpu figures (process CPU time of each phase) tell CPU from I/O waits on a noisy box.
 * Preloading bench/sqlprof.c (LD_PRELOAD=build/bench/libsqlprof.so) prints where each
 * phase spends its time, statement by statement.
 *
 * usage: bench_interest [N] [--dir DIR] [--keep]
 *   N      accounts (default 1000000; 100000 takes about 30 s, 1000000 about 4 minutes)
 *   --dir  where to put the two databases (default: a fresh directory in $TMPDIR or /tmp)
 *   --keep leave them there
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bank.h>
#include <sqlite3.h>

#define BATCH 2000 /* accounts per transaction, as lib/interest.c */
#define FUNDS_BATCH 50000
#define DAYS 4

/* bench/sqlprof.c, when preloaded, times each statement of a marked phase. */
extern void sqlprof_mark(const char *phase, long n) __attribute__((weak));

static void mark(const char *phase, long n)
{
	if (sqlprof_mark)
		sqlprof_mark(phase, n);
}

static bank_time clock_now;

static bank_time bench_clock(void *ctx)
{
	(void)ctx;
	return clock_now;
}

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fail(const char *what, int rc)
{
	const bank_error *e = bank_error_last();
	fprintf(stderr, "bench_interest: %s: %s (%d): %s\n", what, bank_error_name(rc), rc, e->message);
	exit(1);
}

static void sql_fail(sqlite3 *db, const char *what)
{
	fprintf(stderr, "bench_interest: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		sql_fail(db, sql);
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		sql_fail(db, sql);
	return st;
}

/* A 12-digit number with ISO 7064 MOD 97-10 check digits (the number mod 97 is 1). */
static void number_make(uint64_t base10, char out[BANK_ACCOUNT_NUMBER_SIZE])
{
	char buf[48];
	uint64_t check = 98 - (base10 * 100) % 97;
	snprintf(buf, sizeof buf, "%010llu%02llu", (unsigned long long)(base10 % 10000000000u),
		 (unsigned long long)check);
	memcpy(out, buf, BANK_ACCOUNT_NUMBER_SIZE - 1);
	out[BANK_ACCOUNT_NUMBER_SIZE - 1] = '\0';
}

static bank *open_bank(const char *path)
{
	bank_options o = BANK_OPTIONS_INIT;
	o.clock = bench_clock;
	o.id_seeded = 1;
	o.id_seed = 5;
	bank *b = NULL;
	int rc = bank_open(&b, path, &o);
	if (rc != BANK_OK)
		fail("bank_open", rc);
	return b;
}

static bank_time at(bank_date day, int hour)
{
	return (bank_time)day * 86400 * 1000000 + (bank_time)hour * 3600 * 1000000;
}

/* ---- libbank ---- */

static void setup_bank(const char *path, long n, bank_date d0, char (*numbers)[BANK_ACCOUNT_NUMBER_SIZE])
{
	clock_now = at(d0, 9);
	bank *b = open_bank(path);
	int rc;
	if ((rc = bank_branch_add(NULL, b, "HQ", "Head Office", NULL)) != BANK_OK)
		fail("branch", rc);
	bank_product_spec ps = BANK_PRODUCT_SPEC_INIT;
	ps.code = "SAV";
	ps.name = "Savings";
	ps.currency = "USD";
	ps.rate = 2500000;
	ps.compounding = BANK_PERIOD_DAILY;
	if ((rc = bank_product_add(NULL, b, &ps)) != BANK_OK)
		fail("product", rc);
	bank_customer_spec cs = BANK_CUSTOMER_SPEC_INIT;
	cs.name = "Bench Customer";
	bank_customer *c = NULL;
	if ((rc = bank_customer_add(&c, b, &cs)) != BANK_OK)
		fail("customer", rc);
	int64_t customer = c->id;
	bank_customer_free(c);
	bank_close(b);

	/* Account rows directly (setup shortcut); the ids follow the numbers' order. */
	sqlite3 *db = NULL;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		sql_fail(db, "open");
	exec(db, "PRAGMA synchronous = NORMAL; BEGIN");
	sqlite3_stmt *ins = prepare(
		db, "INSERT INTO account(number, kind, customer_id, product_id, branch_id, currency,"
		    " opened_at, last_activity_at) VALUES (?, 0, ?, (SELECT id FROM product WHERE code = 'SAV'),"
		    " (SELECT id FROM branch WHERE code = 'HQ'), 'USD', ?, ?3)");
	for (long i = 0; i < n; i++) {
		number_make(1000000000u + (uint64_t)i * 7u, numbers[i]);
		sqlite3_bind_text(ins, 1, numbers[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 2, customer);
		sqlite3_bind_int64(ins, 3, clock_now);
		if (sqlite3_step(ins) != SQLITE_DONE)
			sql_fail(db, "insert account");
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	exec(db, "COMMIT");
	sqlite3_close(db);

	clock_now = at(d0, 10);
	b = open_bank(path);
	bank_transfer_request *req = calloc(FUNDS_BATCH, sizeof *req);
	for (long i = 0; i < n; i += FUNDS_BATCH) {
		size_t k = 0;
		for (long j = i; j < n && j < i + FUNDS_BATCH; j++, k++) {
			bank_transfer_request r = BANK_TRANSFER_REQUEST_INIT;
			r.credit = numbers[j];
			r.amount = 10000 + (j % 1000) * 137;
			req[k] = r;
		}
		bank_batch_results *res = NULL;
		if ((rc = bank_transfer_batch(&res, b, req, k)) != BANK_OK)
			fail("fund", rc);
		if (res->failed)
			fail("fund item", res->items[0].code);
		bank_batch_results_free(res);
	}
	free(req);
	bank_close(b);
}

/* One account in a hundred moves on the morning of the run (before it). */
static void morning_activity(bank *b, long n, char (*numbers)[BANK_ACCOUNT_NUMBER_SIZE])
{
	long k = 0;
	bank_transfer_request *req = calloc((size_t)(n / 100 + 1), sizeof *req);
	for (long i = 0; i < n; i += 100) {
		bank_transfer_request r = BANK_TRANSFER_REQUEST_INIT;
		r.credit = numbers[i];
		r.amount = 500;
		req[k++] = r;
	}
	bank_batch_results *res = NULL;
	int rc = bank_transfer_batch(&res, b, req, (size_t)k);
	if (rc != BANK_OK || res->failed)
		fail("morning deposits", rc);
	bank_batch_results_free(res);
	free(req);
}

/* ---- floor ---- */

typedef struct floor_db {
	sqlite3 *db;
	sqlite3_stmt *begin, *commit, *read, *insert;
} floor_db;

static void floor_setup(floor_db *f, const char *path, long n)
{
	if (sqlite3_open(path, &f->db) != SQLITE_OK)
		sql_fail(f->db, "open floor");
	exec(f->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA cache_size = -32768;"
		    " PRAGMA temp_store = MEMORY");
	exec(f->db, "CREATE TABLE account(id INTEGER PRIMARY KEY, balance INTEGER NOT NULL);"
		    " CREATE TABLE accrual(id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, day INTEGER NOT NULL,"
		    " picounits TEXT NOT NULL); BEGIN");
	sqlite3_stmt *ins = prepare(f->db, "INSERT INTO account(id, balance) VALUES (?, ?)");
	for (long i = 1; i <= n; i++) {
		sqlite3_bind_int64(ins, 1, i);
		sqlite3_bind_int64(ins, 2, 10000 + ((i - 1) % 1000) * 137);
		if (sqlite3_step(ins) != SQLITE_DONE)
			sql_fail(f->db, "floor account");
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	exec(f->db, "COMMIT");
	f->begin = prepare(f->db, "BEGIN IMMEDIATE");
	f->commit = prepare(f->db, "COMMIT");
	f->read = prepare(f->db, "SELECT id, balance FROM account WHERE id > ? ORDER BY id LIMIT ?");
	f->insert = prepare(f->db, "INSERT INTO accrual(account_id, day, picounits) VALUES (?, ?, ?)");
}

static void step_done(floor_db *f, sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		sql_fail(f->db, "floor step");
	sqlite3_reset(st);
}

__extension__ typedef __int128 i128;

static void floor_day(floor_db *f, bank_date day)
{
	int64_t after = 0;
	int64_t ids[BATCH], bals[BATCH];
	for (;;) {
		step_done(f, f->begin);
		sqlite3_bind_int64(f->read, 1, after);
		sqlite3_bind_int(f->read, 2, BATCH);
		int k = 0;
		while (sqlite3_step(f->read) == SQLITE_ROW) {
			ids[k] = sqlite3_column_int64(f->read, 0);
			bals[k] = sqlite3_column_int64(f->read, 1);
			k++;
		}
		sqlite3_reset(f->read);
		for (int i = 0; i < k; i++) {
			/* balance * 10^12 * 2.5% / 365, in picounits, as text (it may pass int64) */
			i128 v = (i128)bals[i] * 1000000000000 * 2500000 / ((i128)100000000 * 365);
			char buf[48];
			snprintf(buf, sizeof buf, "%lld", (long long)v);
			sqlite3_bind_int64(f->insert, 1, ids[i]);
			sqlite3_bind_int64(f->insert, 2, day);
			sqlite3_bind_text(f->insert, 3, buf, -1, SQLITE_TRANSIENT);
			step_done(f, f->insert);
		}
		step_done(f, f->commit);
		if (k < BATCH)
			break;
		after = ids[k - 1];
	}
}

static void floor_close(floor_db *f)
{
	sqlite3_finalize(f->begin);
	sqlite3_finalize(f->commit);
	sqlite3_finalize(f->read);
	sqlite3_finalize(f->insert);
	sqlite3_close(f->db);
}

static void rm_db(const char *path)
{
	char p[600];
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

int main(int argc, char **argv)
{
	long n = 1000000;
	const char *dir = NULL;
	bool keep = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "--keep") == 0)
			keep = true;
		else if (argv[i][0] >= '1' && argv[i][0] <= '9')
			n = strtol(argv[i], NULL, 10);
		else {
			fprintf(stderr, "usage: bench_interest [N] [--dir DIR] [--keep]\n");
			return 2;
		}
	}
	char tmp[512], bank_path[600], floor_path[600];
	if (dir == NULL) {
		const char *base = getenv("TMPDIR");
		snprintf(tmp, sizeof tmp, "%s/libbank-bench-interest.XXXXXX", base && *base ? base : "/tmp");
		if (mkdtemp(tmp) == NULL) {
			perror("mkdtemp");
			return 1;
		}
		dir = tmp;
	}
	snprintf(bank_path, sizeof bank_path, "%s/bank.db", dir);
	snprintf(floor_path, sizeof floor_path, "%s/floor.db", dir);
	rm_db(bank_path);
	rm_db(floor_path);

	bank_date d0 = 20509; /* 2026-02-25: days 25, 26, 27 accrue; 28 (month end) posts too */
	char(*numbers)[BANK_ACCOUNT_NUMBER_SIZE] = calloc((size_t)n, sizeof *numbers);
	double t0 = now_s();
	setup_bank(bank_path, n, d0, numbers);
	floor_db f = {0};
	floor_setup(&f, floor_path, n);
	fprintf(stderr, "bench_interest: %ld accounts set up in %.1f s (%s)\n", n, now_s() - t0, dir);
	printf("libbank interest benchmark: %ld accounts, %d accounts per transaction, durability FULL, SQLite %s\n", n,
	       BATCH, sqlite3_libversion());
	printf("%-8s %-8s %12s %12s %8s\n", "day", "kind", "floor s", "libbank s", "ratio");

	double floor_s[DAYS], lib_s[DAYS];
	/* One handle for the whole run, as a long-running process keeps it (and its cache). */
	bank *b = open_bank(bank_path);
	for (int d = 0; d < DAYS; d++) {
		bank_date day = d0 + d;
		/* the morning after `day`: some activity, then the run for `day` */
		clock_now = at(day + 1, 7);
		morning_activity(b, n, numbers);
		clock_now = at(day + 1, 8);

		double s = now_s(), c = cpu_s();
		mark(d == 0 ? "floor-first" : d == DAYS - 1 ? "floor-posting" : "floor-steady", n);
		floor_day(&f, day);
		mark(NULL, n);
		floor_s[d] = now_s() - s;
		double floor_cpu = cpu_s() - c;

		bank_interest_run_result r;
		s = now_s();
		c = cpu_s();
		mark(d == 0 ? "libbank-first" : d == DAYS - 1 ? "libbank-posting" : "libbank-steady", n);
		int rc = bank_interest_run(&r, b, day);
		mark(NULL, n);
		lib_s[d] = now_s() - s;
		double lib_cpu = cpu_s() - c;
		if (rc != BANK_OK)
			fail("bank_interest_run", rc);
		if ((long)r.accounts != n || (long)r.days != n)
			fprintf(stderr, "bench_interest: day %d accrued %zu accounts, expected %ld\n", d + 1,
				r.accounts, n);
		if (d == DAYS - 1 && (long)r.postings != n)
			fprintf(stderr, "bench_interest: month end posted %zu, expected %ld\n", r.postings, n);
		printf("%-8d %-8s %12.3f %12.3f %8.2f   (cpu %.3f / %.3f)\n", d + 1,
		       d == 0          ? "first"
		       : d == DAYS - 1 ? "posting"
				       : "steady",
		       floor_s[d], lib_s[d], lib_s[d] / floor_s[d], floor_cpu, lib_cpu);
		fflush(stdout);
	}
	bank_close(b);
	double fs = 0, ls = 0;
	for (int d = 1; d < DAYS - 1; d++) {
		fs += floor_s[d];
		ls += lib_s[d];
	}
	printf("steady state: libbank/floor %.2f (target <= 3: %s); first run %.2f; month end with postings %.2f\n",
	       ls / fs, ls / fs <= 3.0 ? "met" : "MISSED", lib_s[0] / floor_s[0], lib_s[DAYS - 1] / floor_s[DAYS - 1]);
	floor_close(&f);
	free(numbers);
	if (!keep) {
		rm_db(bank_path);
		rm_db(floor_path);
		if (dir == tmp)
			rmdir(tmp);
	}
	return 0;
}
