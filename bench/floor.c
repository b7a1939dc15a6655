/*
 * floor.c: the floors libbank is measured against, in the same run and on the same
 * settings. Only SQLite, nothing of libbank.
 *
 *   bare       account(id, balance) and journal(id, debit, credit, amount, created_at);
 *              a transfer is a funds-checked debit UPDATE, a credit UPDATE and one
 *              journal INSERT, through prepared statements
 *   statement  the same, with the journal indexed by (debit, id) and (credit, id), as
 *              per-account statements need
 *
 * The workload (accounts, funding, pairs, phases) is workload.h's, the one
 * bench_ledger.c runs through the public API. Settings follow libbank's: WAL,
 * synchronous FULL or NORMAL, the same cache size (--cache-size; libbank's default is
 * -32768, 32 MiB), temp_store MEMORY, default page size, the same autocheckpoint
 * (--wal-autocheckpoint; default 1,000 pages), BEGIN IMMEDIATE per commit.
 *
 * usage: floor --mode bare|statement --db PATH [--accounts N] [--journal N]
 *              [--window N] [--batch N] [--single N] [--durability full|normal|both]
 *              [--cache-size N] [--wal-autocheckpoint N] [--mmap-size MIB] [--serve]
 *              [--extra LIST] [--checkpointer MS] [--batch-sweep LIST]
 *
 * --batch-sweep LIST (comma-separated batch sizes): after the window, one more batched
 * window per size (workload.h, bench_sweep), as bench_ledger --batch-sweep does. Not
 * with --serve.
 *
 * --checkpointer MS: commits never checkpoint (wal_autocheckpoint=0); a thread with its
 * own connection runs a PASSIVE checkpoint every MS milliseconds (workload.h), as
 * bench_ledger --checkpointer does; --wal-autocheckpoint is then ignored.
 *
 * Without --serve it runs workload.h's phases in order and prints one result line each;
 * with --serve it prefills, then takes commands from the runner (bench_serve).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "workload.h"

typedef struct floor_opts {
	const char *mode;
	const char *db;
	long accounts;
	long journal;
	long window;
	long batch;
	long single;
	const char *durability;
	long cache_size;         /* 0: SQLite's default */
	long wal_autocheckpoint; /* 0: SQLite's default (1,000 pages) */
	long mmap_mib;           /* 0: no memory map (SQLite's default) */
	long checkpointer_ms;    /* --checkpointer: 0 for none */
	unsigned extra;          /* X_* flags */
} floor_opts;

/* --checkpointer: one PASSIVE checkpoint through the thread's own connection. */
static int ckpt_run(void *ctx)
{
	int rc = sqlite3_wal_checkpoint_v2(ctx, "main", SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	return rc == SQLITE_OK || rc == SQLITE_BUSY ? 0 : -1;
}

/*
 * libbank's extra work, to add one piece at a time to a floor (--extra), so that what
 * each costs can be measured apart. Not part of either floor.
 *   id        a 36-character time-ordered text id per journal row, UNIQUE (the
 *             idempotency key)
 *   time      an index on the journal's created_at
 *   balances  the journal records both balances after the posting: the accounts are
 *             read first, then updated with plain UPDATEs
 *   row       libbank's other journal columns (kind, posted, currency, memo, ref_seq,
 *             expires_at, principal)
 *   audit     one audit row per transfer (JSON details) and its (object, seq) index
 *   account   libbank's account row (12-digit number UNIQUE, status, frozen, pending,
 *             ...), looked up by number, updated by id (implies balances' read path)
 *   wide      the account row as libbank has it now (account's columns and the
 *             posting chain's last_seq, postings and recent), read and updated by id,
 *             as libbank does with its number cache: the row's width alone, for
 *             comparing the bare floor's narrow rows at a large bank
 *   all       every one of them but wide
 */
enum { X_ID = 1, X_TIME = 2, X_BALANCES = 4, X_ROW = 8, X_AUDIT = 16, X_ACCOUNT = 32, X_ALL = 63, X_WIDE = 64 };
#define X_ROWS (X_ACCOUNT | X_WIDE) /* libbank's account table */

typedef struct floor_db {
	sqlite3 *db;
	sqlite3_stmt *begin, *commit, *debit, *credit, *insert;
	sqlite3_stmt *read, *update, *audit; /* --extra balances / account / audit */
	unsigned extra;
	uint64_t uid_counter;
	bench_rng rng;
	long rows; /* journal rows written */
	long refused;
} floor_db;

static void die(sqlite3 *db, const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, db ? sqlite3_errmsg(db) : "error");
	exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "floor: %s: %s\n", sql, msg ? msg : "error");
		exit(1);
	}
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		die(db, sql);
	return st;
}

static void step_done(floor_db *f, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		die(f->db, sqlite3_sql(st));
	sqlite3_reset(st);
}

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* A 12-digit account number for row i, distinct for every i < 10^10 (--extra account). */
static void account_number(int64_t i, char out[13])
{
	snprintf(out, 13, "%012llu", (unsigned long long)((uint64_t)i * UINT64_C(2654435761) % UINT64_C(10000000000)));
}

/* Reads an account for --extra balances/account: false when missing. */
static bool read_account(floor_db *f, int64_t id, int64_t *row, int64_t *balance, int64_t *pending)
{
	char number[13];
	if (f->extra & X_ACCOUNT) {
		account_number(id, number);
		sqlite3_bind_text(f->read, 1, number, -1, SQLITE_TRANSIENT);
	} else {
		sqlite3_bind_int64(f->read, 1, id);
	}
	bool found = sqlite3_step(f->read) == SQLITE_ROW;
	if (found) {
		*row = sqlite3_column_int64(f->read, 0);
		*balance = sqlite3_column_int64(f->read, 1);
		*pending = (f->extra & X_ROWS) ? sqlite3_column_int64(f->read, 2) : 0;
	}
	sqlite3_reset(f->read);
	return found;
}

static void write_balance(floor_db *f, int64_t row, int64_t balance, int64_t pending, int64_t now)
{
	sqlite3_bind_int64(f->update, 1, balance);
	sqlite3_bind_int64(f->update, 2, row);
	if (f->extra & X_ROWS) {
		sqlite3_bind_int64(f->update, 3, pending);
		sqlite3_bind_int64(f->update, 4, now);
	}
	if (f->extra & X_WIDE)
		sqlite3_bind_int64(f->update, 5, f->rows + 1); /* the posting's seq, as last_seq */
	step_done(f, f->update);
}

/* One transfer inside the open transaction: false when the funds check refused it. */
static bool transfer(floor_db *f, int64_t debit, int64_t credit, int64_t amount)
{
	int64_t now = now_us(), dbal = 0, cbal = 0;
	if (f->extra & (X_BALANCES | X_ROWS)) {
		/* libbank's shape: read both accounts, check in C, write plain updates. */
		int64_t drow, crow, dpend, cpend;
		if (!read_account(f, debit, &drow, &dbal, &dpend) || !read_account(f, credit, &crow, &cbal, &cpend) ||
		    dbal - dpend < amount) {
			f->refused++;
			return false;
		}
		dbal -= amount;
		cbal += amount;
		write_balance(f, drow, dbal, dpend, now);
		write_balance(f, crow, cbal, cpend, now);
	} else {
		sqlite3_bind_int64(f->debit, 1, amount);
		sqlite3_bind_int64(f->debit, 2, debit);
		step_done(f, f->debit);
		if (sqlite3_changes(f->db) != 1) {
			f->refused++;
			return false;
		}
		sqlite3_bind_int64(f->credit, 1, amount);
		sqlite3_bind_int64(f->credit, 2, credit);
		step_done(f, f->credit);
	}
	char uid[40];
	snprintf(uid, sizeof uid, "%08llx-%04llx-7000-8000-%012llx", (unsigned long long)(now / 1000 >> 16),
		 (unsigned long long)(now / 1000 & 0xffff), (unsigned long long)++f->uid_counter);
	sqlite3_bind_int64(f->insert, 1, debit);
	sqlite3_bind_int64(f->insert, 2, credit);
	sqlite3_bind_int64(f->insert, 3, amount);
	sqlite3_bind_int64(f->insert, 4, now);
	if (f->extra & X_ID)
		sqlite3_bind_text(f->insert, 5, uid, -1, SQLITE_TRANSIENT);
	if (f->extra & X_BALANCES) {
		sqlite3_bind_int64(f->insert, 6, dbal);
		sqlite3_bind_int64(f->insert, 7, cbal);
	}
	if (f->extra & X_ROW) {
		sqlite3_bind_text(f->insert, 8, "transfer", -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(f->insert, 9, "USD", -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(f->insert, 10, "", -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(f->insert, 11, "system", -1, SQLITE_TRANSIENT);
	}
	step_done(f, f->insert);
	if (f->extra & X_AUDIT) {
		char object[64], details[160], dnum[13], cnum[13];
		account_number(debit, dnum);
		account_number(credit, cnum);
		snprintf(object, sizeof object, "transfer:%s", uid);
		snprintf(details, sizeof details,
			 "{\"debit\":\"%s\",\"credit\":\"%s\",\"amount\":%lld,\"currency\":\"USD\"}", dnum, cnum,
			 (long long)amount);
		sqlite3_bind_int64(f->audit, 1, now);
		sqlite3_bind_text(f->audit, 2, "system", -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(f->audit, 3, "ledger.transfer", -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(f->audit, 4, object, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(f->audit, 5, details, -1, SQLITE_TRANSIENT);
		step_done(f, f->audit);
	}
	f->rows++;
	return true;
}

/* Account index i of the workload is row i + 1; row 0 is the cash vault. */
static void random_transfer(floor_db *f, long accounts)
{
	long d, c;
	int64_t amount;
	bench_pair(&f->rng, accounts, &d, &c, &amount);
	transfer(f, d + 1, c + 1, amount);
}

/* Random transfers in commits of `batch` until `n` have been attempted. */
static void run_batched(floor_db *f, const floor_opts *o, long n)
{
	long done = 0;
	while (done < n) {
		long k = n - done < o->batch ? n - done : o->batch;
		step_done(f, f->begin);
		for (long i = 0; i < k; i++)
			random_transfer(f, o->accounts);
		step_done(f, f->commit);
		done += k;
	}
}

static void set_sync(floor_db *f, const char *durability)
{
	exec(f->db, strcmp(durability, "normal") == 0 ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL");
}

struct floor_ctx {
	floor_db *f;
	const floor_opts *o;
};

static void ops_batched(void *ctx, long n)
{
	struct floor_ctx *c = ctx;
	run_batched(c->f, c->o, n);
}

static void ops_durability(void *ctx, const char *durability)
{
	struct floor_ctx *c = ctx;
	set_sync(c->f, durability);
}

static void ops_single(void *ctx, long n)
{
	struct floor_ctx *c = ctx;
	for (long i = 0; i < n; i++) {
		step_done(c->f, c->f->begin);
		random_transfer(c->f, c->o->accounts);
		step_done(c->f, c->f->commit);
	}
}

static long arg_long(const char *name, const char *v)
{
	char *end;
	errno = 0;
	long x = strtol(v, &end, 10);
	if (errno || *end || x < 0) {
		fprintf(stderr, "floor: bad %s: %s\n", name, v);
		exit(2);
	}
	return x;
}

static unsigned parse_extra(const char *v)
{
	static const char *const names[] = {"id", "time", "balances", "row", "audit", "account", "wide"};
	unsigned x = 0;
	char buf[256];
	snprintf(buf, sizeof buf, "%s", v);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		size_t i = 0;
		if (!strcmp(t, "all")) {
			x |= X_ALL;
			continue;
		}
		while (i < sizeof names / sizeof *names && strcmp(t, names[i]) != 0)
			i++;
		if (i == sizeof names / sizeof *names) {
			fprintf(stderr, "floor: unknown --extra %s\n", t);
			exit(2);
		}
		x |= 1u << i;
	}
	return x;
}

static void usage(void)
{
	fprintf(stderr, "usage: floor --mode bare|statement --db PATH [--accounts N] [--journal N]\n"
			"             [--window N] [--batch N] [--single N]\n"
			"             [--durability full|normal|both] [--cache-size N] [--serve]\n"
			"             [--wal-autocheckpoint N] [--mmap-size MIB]\n"
			"             [--extra id,time,balances,row,audit,account,wide|all] [--checkpointer MS]\n"
			"             [--batch-sweep LIST]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	floor_opts o = {NULL, NULL, 10000, 100000, 100000, 1000, 2000, "both", 0, 0, 0, 0, 0};
	bool serve = false;
	long sweep[BENCH_SWEEP_MAX];
	int nsweep = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--serve")) {
			serve = true;
			continue;
		}
		if (i + 1 >= argc)
			usage();
		const char *v = argv[++i];
		if (!strcmp(a, "--mode"))
			o.mode = v;
		else if (!strcmp(a, "--db"))
			o.db = v;
		else if (!strcmp(a, "--accounts"))
			o.accounts = arg_long(a, v);
		else if (!strcmp(a, "--journal"))
			o.journal = arg_long(a, v);
		else if (!strcmp(a, "--window"))
			o.window = arg_long(a, v);
		else if (!strcmp(a, "--batch"))
			o.batch = arg_long(a, v);
		else if (!strcmp(a, "--single"))
			o.single = arg_long(a, v);
		else if (!strcmp(a, "--durability"))
			o.durability = v;
		else if (!strcmp(a, "--cache-size"))
			o.cache_size = strtol(v, NULL, 10);
		else if (!strcmp(a, "--wal-autocheckpoint"))
			o.wal_autocheckpoint = arg_long(a, v);
		else if (!strcmp(a, "--mmap-size"))
			o.mmap_mib = arg_long(a, v);
		else if (!strcmp(a, "--extra"))
			o.extra = parse_extra(v);
		else if (!strcmp(a, "--checkpointer"))
			o.checkpointer_ms = arg_long(a, v);
		else if (!strcmp(a, "--batch-sweep"))
			nsweep = bench_sweep_arg("floor", v, sweep);
		else
			usage();
	}
	if (serve && nsweep > 0) {
		fprintf(stderr, "floor: --batch-sweep runs after the script, not with --serve\n");
		return 2;
	}
	if (!o.mode || !o.db || (strcmp(o.mode, "bare") && strcmp(o.mode, "statement")))
		usage();
	if (strcmp(o.durability, "full") && strcmp(o.durability, "normal") && strcmp(o.durability, "both"))
		usage();
	if (o.accounts < 2 || o.batch < 1 || o.journal < o.accounts) {
		fprintf(stderr, "floor: need accounts >= 2, batch >= 1, journal >= accounts\n");
		return 2;
	}
	if (o.window > o.journal / 2)
		o.window = o.journal / 2;
	if (o.window > o.journal - o.accounts)
		o.window = o.journal - o.accounts;

	floor_db f = {0};
	f.rng.state = BENCH_SEED;
	unlink(o.db);
	if (sqlite3_open(o.db, &f.db) != SQLITE_OK)
		die(f.db, "open");
	exec(f.db, "PRAGMA journal_mode=WAL");
	exec(f.db, "PRAGMA temp_store=MEMORY");
	set_sync(&f, "full");
	if (o.cache_size) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA cache_size=%ld", o.cache_size);
		exec(f.db, sql);
	}
	if (o.wal_autocheckpoint || o.checkpointer_ms > 0) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA wal_autocheckpoint=%ld",
			 o.checkpointer_ms > 0 ? 0 : o.wal_autocheckpoint);
		exec(f.db, sql);
	}
	bench_ckpt ckpt = {ckpt_run, NULL, o.checkpointer_ms, 0, 0, 0};
	if (o.checkpointer_ms > 0) {
		sqlite3 *cdb = NULL;
		if (sqlite3_open(o.db, &cdb) != SQLITE_OK)
			die(cdb, "open (checkpointer)");
		ckpt.ctx = cdb;
		if (bench_ckpt_start(&ckpt) != 0) {
			fprintf(stderr, "floor: cannot start the checkpointer\n");
			return 1;
		}
	}
	if (o.mmap_mib) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA mmap_size=%lld", (long long)o.mmap_mib * 1048576);
		exec(f.db, sql);
	}
	f.extra = o.extra;
	char sql[1024], cols[256] = "debit, credit, amount, created_at", vals[128] = "?1, ?2, ?3, ?4";
	if (o.extra & X_ROWS) {
		snprintf(sql, sizeof sql,
			 "CREATE TABLE account(id INTEGER PRIMARY KEY, number TEXT NOT NULL UNIQUE, kind INTEGER "
			 "NOT NULL, customer_id INTEGER, product_id INTEGER, branch_id INTEGER NOT NULL, currency "
			 "TEXT NOT NULL, name TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT 'active', "
			 "frozen INTEGER NOT NULL DEFAULT 0, balance INTEGER NOT NULL, pending INTEGER NOT NULL "
			 "DEFAULT 0, opened_at INTEGER NOT NULL, last_activity_at INTEGER NOT NULL, closed_at "
			 "INTEGER%s)",
			 (o.extra & X_WIDE) ? ", last_seq INTEGER NOT NULL DEFAULT 0, postings INTEGER NOT NULL "
					      "DEFAULT 0, recent BLOB DEFAULT X''"
					    : "");
		exec(f.db, sql);
	} else
		exec(f.db, "CREATE TABLE account(id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)");
	snprintf(sql, sizeof sql,
		 "CREATE TABLE journal(id INTEGER PRIMARY KEY, debit INTEGER, credit INTEGER, "
		 "amount INTEGER, created_at INTEGER%s%s%s)",
		 (o.extra & X_ID) ? ", uid TEXT NOT NULL UNIQUE" : "",
		 (o.extra & X_BALANCES) ? ", debit_balance INTEGER, credit_balance INTEGER" : "",
		 (o.extra & X_ROW) ? ", kind TEXT NOT NULL, posted INTEGER NOT NULL, currency TEXT NOT NULL, memo "
				     "TEXT NOT NULL, ref_seq INTEGER, expires_at INTEGER, principal TEXT NOT NULL"
				   : "");
	exec(f.db, sql);
	if (o.extra & X_ID) {
		strcat(cols, ", uid");
		strcat(vals, ", ?5");
	}
	if (o.extra & X_BALANCES) {
		strcat(cols, ", debit_balance, credit_balance");
		strcat(vals, ", ?6, ?7");
	}
	if (o.extra & X_ROW) {
		strcat(cols, ", kind, posted, currency, memo, principal");
		strcat(vals, ", ?8, 1, ?9, ?10, ?11");
	}
	if (!strcmp(o.mode, "statement")) {
		exec(f.db, "CREATE INDEX journal_debit ON journal(debit, id)");
		exec(f.db, "CREATE INDEX journal_credit ON journal(credit, id)");
	}
	if (o.extra & X_TIME)
		exec(f.db, "CREATE INDEX journal_time ON journal(created_at)");
	if (o.extra & X_AUDIT) {
		exec(f.db,
		     "CREATE TABLE audit(seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, principal TEXT NOT NULL, "
		     "action TEXT NOT NULL, object TEXT NOT NULL DEFAULT '', details TEXT NOT NULL DEFAULT '{}')");
		exec(f.db, "CREATE INDEX audit_object ON audit(object, seq)");
		f.audit = prepare(f.db,
				  "INSERT INTO audit(at, principal, action, object, details) VALUES (?, ?, ?, ?, ?)");
	}
	if (o.extra & X_ACCOUNT) {
		f.read = prepare(f.db,
				 "SELECT id, balance, pending, status, frozen, currency FROM account WHERE number = ?");
		f.update = prepare(
			f.db, "UPDATE account SET balance = ?1, pending = ?3, last_activity_at = ?4 WHERE id = ?2");
	} else if (o.extra & X_WIDE) {
		f.read = prepare(f.db,
				 "SELECT id, balance, pending, status, frozen, currency FROM account WHERE id = ?");
		f.update = prepare(f.db, "UPDATE account SET balance = ?1, pending = ?3, last_activity_at = ?4,"
					 " last_seq = ?5, postings = postings + 1 WHERE id = ?2");
	} else if (o.extra & X_BALANCES) {
		f.read = prepare(f.db, "SELECT id, balance FROM account WHERE id = ?");
		f.update = prepare(f.db, "UPDATE account SET balance = ?1 WHERE id = ?2");
	}
	f.begin = prepare(f.db, "BEGIN IMMEDIATE");
	f.commit = prepare(f.db, "COMMIT");
	f.debit = prepare(f.db, "UPDATE account SET balance = balance - ?1 WHERE id = ?2 AND balance >= ?1");
	f.credit = prepare(f.db, "UPDATE account SET balance = balance + ?1 WHERE id = ?2");
	snprintf(sql, sizeof sql, "INSERT INTO journal(%s) VALUES (%s)", cols, vals);
	f.insert = prepare(f.db, sql);

	/* Setup: the vault holds everything, then funds each account with one deposit. */
	{
		sqlite3_stmt *ins = prepare(
			f.db, (o.extra & X_ROWS) ? "INSERT INTO account(id, balance, number, kind, customer_id, "
						   "product_id, branch_id, currency, opened_at, last_activity_at) "
						   "VALUES (?1, ?2, ?3, 0, 1, 1, 1, 'USD', 0, 0)"
						 : "INSERT INTO account(id, balance) VALUES (?1, ?2)");
		step_done(&f, f.begin);
		for (long i = 0; i <= o.accounts; i++) {
			char number[13];
			account_number(i, number);
			sqlite3_bind_int64(ins, 1, i);
			sqlite3_bind_int64(ins, 2, i == 0 ? BENCH_FUNDING * o.accounts : 0);
			if (o.extra & X_ROWS)
				sqlite3_bind_text(ins, 3, number, -1, SQLITE_TRANSIENT);
			step_done(&f, ins);
		}
		step_done(&f, f.commit);
		sqlite3_finalize(ins);
		for (long i = 0; i < o.accounts;) {
			step_done(&f, f.begin);
			for (long k = 0; k < o.batch && i < o.accounts; k++, i++)
				transfer(&f, 0, i + 1, BENCH_FUNDING);
			step_done(&f, f.commit);
		}
	}

	const char *impl = !strcmp(o.mode, "bare") ? "bare" : "statement";
	if (o.extra)
		impl = !strcmp(o.mode, "bare") ? "bare+extra" : "statement+extra";
	long prefill = o.journal - o.window - f.rows;
	struct floor_ctx ops_ctx = {&f, &o};
	double t0 = bench_now();
	run_batched(&f, &o, prefill);
	fprintf(stderr, "floor %s: prefilled %ld rows in %.1f s\n", impl, f.rows, bench_now() - t0);

	bench_ops ops = {impl, &ops_ctx, ops_batched, ops_durability, ops_single, &f.rows, &f.refused, &o.batch};
	int status = 0;
	if (serve)
		status = bench_serve(&ops);
	else {
		bench_script(&ops, o.window, o.single, o.durability);
		bench_sweep(&ops, o.window, sweep, nsweep);
	}

	/* The journal size actually reached, from the file. */
	sqlite3_stmt *count = prepare(f.db, "SELECT count(*) FROM journal");
	if (sqlite3_step(count) != SQLITE_ROW)
		die(f.db, "count");
	fprintf(stderr, "floor %s: journal holds %lld rows (counted %ld)\n", impl,
		(long long)sqlite3_column_int64(count, 0), f.rows);
	sqlite3_finalize(count);
	if (o.checkpointer_ms > 0) {
		bench_ckpt_stop(&ckpt);
		sqlite3_close(ckpt.ctx);
	}
	sqlite3_stmt *sts[] = {f.begin, f.commit, f.debit, f.credit, f.insert, f.read, f.update, f.audit};
	for (size_t i = 0; i < sizeof sts / sizeof *sts; i++)
		sqlite3_finalize(sts[i]);
	sqlite3_close(f.db);
	return status;
}
