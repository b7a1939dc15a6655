/*
 * bench_ledger.c: workload.h's transfers through libbank's public API, to compare with
 * floor.c's bare and statement floors run on the same settings.
 *
 * Setup opens one branch, one product (USD, current, zero minimum balance), one
 * customer and N accounts, funds each with one batched deposit, then posts random-pair
 * transfers: bank_transfer_batch() with generated ids for the prefill and the batched
 * window, bank_transfer_post() for the single-commit windows. Ids are seeded
 * (id_seeded) so two runs write the same database.
 *
 * usage: bench_ledger --db PATH [--accounts N] [--journal N] [--window N] [--batch N]
 *                     [--single N] [--durability full|normal|both] [--serve]
 *                     [--cache-size N] [--wal-autocheckpoint N] [--mmap-size MIB]
 *                     [--statement-records 0|1] [--measure-reads N] [--checkpointer MS]
 *                     [--batch-sweep LIST]
 *
 * --batch-sweep LIST (comma-separated batch sizes, e.g. 100,1000,10000): after the
 * window and the final reads of --measure-reads, one more batched window per size
 * (workload.h, bench_sweep). Not with --serve.
 *
 * --checkpointer MS opens the handles with BANK_WAL_AUTOCHECKPOINT_OFF and runs a
 * thread with its own handle that calls bank_checkpoint(PASSIVE) every MS milliseconds
 * (workload.h); --wal-autocheckpoint is then ignored.
 *
 * --statement-records 1 opens the handles with bank_options.statement_records (posting
 * records kept: faster statement pages, slower postings; docs/performance.md).
 *
 * Without --serve it runs workload.h's phases in order and prints one result line each;
 * with --serve it prefills, then takes commands from the runner (bench_serve).
 *
 * --measure-reads N (for bench/scale.sh): times reading one statement page (limit 100,
 * the account's first page, then the page after it by its cursor) and one balance, over
 * N random accounts, once when the journal first holds at least 100,000 rows (the
 * prefill is split there; the transfers drawn are the same) and once at the end. Prints
 *   reads journal=... accounts=... samples=... statement_us=... page2_us=... balance_us=...
 *         short_us=... short_entries=... statement_p50_us=... balance_p50_us=... short_p50_us=...
 * with the mean microseconds per call, and the medians (_p50) of the first page, the
 * balance and the short page. short_us is the account's first page of at most
 * 16 entries (SHORT_PAGE): a page of the same length at every journal size, so that a
 * bank can be compared with itself as its journal grows.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bank.h>
#include <sqlite3.h>

#include "workload.h"

typedef struct bench {
	bank *b;
	const char *path;
	long accounts;
	long batch;
	char (*numbers)[BANK_ACCOUNT_NUMBER_SIZE];
	bank_transfer_request *req;
	bench_rng rng;
	bank_durability durability; /* of the open handle */
	long rows;                  /* journal rows written (deposits and transfers) */
	long refused;
	long measure_reads;     /* --measure-reads: samples per measurement, 0 for none */
	int cache_size_kib;     /* --cache-size, as bank_options takes it (0: libbank's default) */
	int wal_autocheckpoint; /* --wal-autocheckpoint (0: SQLite's default) */
	int mmap_size_mib;      /* --mmap-size (0: none) */
	int statement_records;  /* --statement-records */
	long checkpointer_ms;   /* --checkpointer: 0 for none */
} bench;

static void fail(const char *what, int rc)
{
	const bank_error *e = bank_error_last();
	fprintf(stderr, "bench_ledger: %s: %s (%d): %s\n", what, bank_error_name(rc), rc, e->message);
	exit(1);
}

/* --checkpointer: one PASSIVE checkpoint through the thread's own handle. */
static int ckpt_run(void *ctx)
{
	int rc = bank_checkpoint(ctx, BANK_CHECKPOINT_PASSIVE, NULL);
	return rc == BANK_OK || rc == BANK_EBUSY ? 0 : -1;
}

static void open_bank(bench *s, bank_durability durability)
{
	bank_options opts = BANK_OPTIONS_INIT;
	opts.durability = durability;
	opts.id_seeded = 1;
	opts.id_seed = BENCH_SEED;
	opts.cache_size_kib = s->cache_size_kib;
	opts.wal_autocheckpoint = s->checkpointer_ms > 0 ? BANK_WAL_AUTOCHECKPOINT_OFF : s->wal_autocheckpoint;
	opts.mmap_size_mib = s->mmap_size_mib;
	opts.statement_records = s->statement_records;
	s->durability = durability;
	int rc = bank_open(&s->b, s->path, &opts);
	if (rc != BANK_OK)
		fail("bank_open", rc);
	rc = bank_principal_set_system(s->b);
	if (rc != BANK_OK)
		fail("bank_principal_set_system", rc);
}

/* Posts s->req[0..n) as one batch; counts the rows written and the refused items. */
static void post_batch(bench *s, size_t n)
{
	bank_batch_results *res = NULL;
	int rc = bank_transfer_batch(&res, s->b, s->req, n);
	if (rc != BANK_OK)
		fail("bank_transfer_batch", rc);
	for (size_t i = 0; i < res->count; i++) {
		int code = res->items[i].code;
		if (code == BANK_OK)
			s->rows++;
		else if (code == BANK_EFUNDS)
			s->refused++;
		else {
			fprintf(stderr, "bench_ledger: batch item %zu: %s: %s\n", i, bank_error_name(code),
				res->items[i].message);
			exit(1);
		}
	}
	bank_batch_results_free(res);
}

/* Random-pair transfers in batches until n have been attempted. */
static void run_batched(bench *s, long n)
{
	long done = 0;
	while (done < n) {
		long k = n - done < s->batch ? n - done : s->batch;
		for (long i = 0; i < k; i++) {
			long d, c;
			int64_t amount;
			bench_pair(&s->rng, s->accounts, &d, &c, &amount);
			bank_transfer_request r = BANK_TRANSFER_REQUEST_INIT;
			r.debit = s->numbers[d];
			r.credit = s->numbers[c];
			r.amount = amount;
			s->req[i] = r;
		}
		post_batch(s, (size_t)k);
		done += k;
	}
}

static void run_single(bench *s, long n)
{
	for (long i = 0; i < n; i++) {
		long d, c;
		int64_t amount;
		bench_pair(&s->rng, s->accounts, &d, &c, &amount);
		int rc = bank_transfer_post(NULL, s->b, s->numbers[d], s->numbers[c], amount, NULL, NULL);
		if (rc == BANK_OK)
			s->rows++;
		else if (rc == BANK_EFUNDS)
			s->refused++;
		else
			fail("bank_transfer_post", rc);
	}
}

/* --measure-reads: mean microseconds of one statement page (limit 100), the page after
 * it, and one balance, over s->measure_reads random accounts (own generator, so the
 * workload's sequence is unchanged); and the medians of the page, the balance and the
 * short page, which one slow call (a page fault, a neighbour's burst) cannot move. */
#define SHORT_PAGE 16

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The median of v[0..n), in microseconds (v in seconds; sorts v). */
static double median_us(double *v, long n)
{
	if (n <= 0)
		return 0.0;
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2) * 1e6;
}

static void measure_reads(bench *s)
{
	bench_rng r = {BENCH_SEED ^ (uint64_t)s->rows};
	double t_page = 0, t_page2 = 0, t_bal = 0, t_short = 0;
	long pages2 = 0, entries = 0, entries2 = 0, entries_short = 0;
	double *d_page = calloc((size_t)s->measure_reads, sizeof(double));
	double *d_bal = calloc((size_t)s->measure_reads, sizeof(double));
	double *d_short = calloc((size_t)s->measure_reads, sizeof(double));
	if (d_page == NULL || d_bal == NULL || d_short == NULL) {
		fprintf(stderr, "bench_ledger: out of memory\n");
		exit(1);
	}
	for (long i = 0; i < s->measure_reads; i++) {
		const char *acct = s->numbers[bench_rng_next(&r) % (uint64_t)s->accounts];
		bank_statement *st = NULL;
		double t0 = bench_now();
		int rc = bank_statement_get(&st, s->b, acct, 0, 0, 100, NULL);
		d_page[i] = bench_now() - t0;
		t_page += d_page[i];
		if (rc != BANK_OK)
			fail("bank_statement_get", rc);
		entries += (long)st->count;
		if (st->next != NULL) {
			bank_statement *st2 = NULL;
			t0 = bench_now();
			rc = bank_statement_get(&st2, s->b, acct, 0, 0, 100, st->next);
			t_page2 += bench_now() - t0;
			if (rc != BANK_OK)
				fail("bank_statement_get (next)", rc);
			entries2 += (long)st2->count;
			bank_statement_free(st2);
			pages2++;
		}
		bank_statement_free(st);
		bank_balance bal;
		t0 = bench_now();
		rc = bank_balance_get(&bal, s->b, acct);
		d_bal[i] = bench_now() - t0;
		t_bal += d_bal[i];
		if (rc != BANK_OK)
			fail("bank_balance_get", rc);
	}
	/* A page of the same length at every journal size, the first SHORT_PAGE entries, over
	 * other accounts (its own generator) so that the pages above have not warmed them. */
	bench_rng r2 = {BENCH_SEED ^ (uint64_t)s->rows ^ UINT64_C(0x5bd1e995)};
	for (long i = 0; i < s->measure_reads; i++) {
		const char *acct = s->numbers[bench_rng_next(&r2) % (uint64_t)s->accounts];
		bank_statement *st = NULL;
		double t0 = bench_now();
		int rc = bank_statement_get(&st, s->b, acct, 0, 0, SHORT_PAGE, NULL);
		d_short[i] = bench_now() - t0;
		t_short += d_short[i];
		if (rc != BANK_OK)
			fail("bank_statement_get (short)", rc);
		entries_short += (long)st->count;
		bank_statement_free(st);
	}
	long n = s->measure_reads;
	printf("reads journal=%ld accounts=%ld samples=%ld statement_us=%.1f page_entries=%.1f page2_us=%.1f "
	       "page2_samples=%ld page2_entries=%.1f balance_us=%.1f short_us=%.1f short_entries=%.1f "
	       "statement_p50_us=%.1f balance_p50_us=%.1f short_p50_us=%.1f\n",
	       s->rows, s->accounts, n, t_page * 1e6 / (double)n, (double)entries / (double)n,
	       pages2 ? t_page2 * 1e6 / (double)pages2 : 0.0, pages2, pages2 ? (double)entries2 / (double)pages2 : 0.0,
	       t_bal * 1e6 / (double)n, t_short * 1e6 / (double)n, (double)entries_short / (double)n,
	       median_us(d_page, n), median_us(d_bal, n), median_us(d_short, n));
	free(d_page);
	free(d_bal);
	free(d_short);
	fflush(stdout);
}

static void ops_batched(void *ctx, long n)
{
	run_batched(ctx, n);
}

/* Durability is a property of the handle: reopen when it changes. */
static void ops_durability(void *ctx, const char *durability)
{
	bench *s = ctx;
	bank_durability d = !strcmp(durability, "normal") ? BANK_DURABILITY_NORMAL : BANK_DURABILITY_FULL;
	if (d != s->durability) {
		bank_close(s->b);
		open_bank(s, d);
	}
}

static void ops_single(void *ctx, long n)
{
	run_single(ctx, n);
}

static void setup(bench *s)
{
	int rc = bank_branch_add(NULL, s->b, "HQ", "Head office", NULL);
	if (rc != BANK_OK)
		fail("bank_branch_add", rc);

	bank_product_spec ps = BANK_PRODUCT_SPEC_INIT;
	ps.code = "CUR";
	ps.name = "Current account";
	ps.kind = BANK_PRODUCT_CURRENT;
	ps.currency = "USD";
	rc = bank_product_add(NULL, s->b, &ps);
	if (rc != BANK_OK)
		fail("bank_product_add", rc);

	bank_customer_spec cs = BANK_CUSTOMER_SPEC_INIT;
	cs.name = "Bench Customer";
	bank_customer *cust = NULL;
	rc = bank_customer_add(&cust, s->b, &cs);
	if (rc != BANK_OK)
		fail("bank_customer_add", rc);

	for (long i = 0; i < s->accounts; i++) {
		bank_account *a = NULL;
		rc = bank_account_open(&a, s->b, cust->id, "CUR", "HQ");
		if (rc != BANK_OK)
			fail("bank_account_open", rc);
		memcpy(s->numbers[i], a->number, BANK_ACCOUNT_NUMBER_SIZE);
		bank_account_free(a);
	}
	bank_customer_free(cust);

	/* One deposit per account, in batches. */
	for (long i = 0; i < s->accounts;) {
		size_t k = 0;
		for (; k < (size_t)s->batch && i < s->accounts; k++, i++) {
			bank_transfer_request r = BANK_TRANSFER_REQUEST_INIT;
			r.credit = s->numbers[i];
			r.amount = BENCH_FUNDING;
			s->req[k] = r;
		}
		post_batch(s, k);
	}
}

/* Counts the journal rows in the file, with SQLite directly; -1 when it cannot tell. */
static long count_rows(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long n = -1;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "SELECT count(*) FROM transfer", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static long arg_long(const char *name, const char *v)
{
	char *end;
	errno = 0;
	long x = strtol(v, &end, 10);
	if (errno || *end || x < 0) {
		fprintf(stderr, "bench_ledger: bad %s: %s\n", name, v);
		exit(2);
	}
	return x;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_ledger --db PATH [--accounts N] [--journal N] [--window N]\n"
			"                    [--batch N] [--single N] [--durability full|normal|both] [--serve]\n"
			"                    [--cache-size N] [--wal-autocheckpoint N] [--mmap-size MIB]\n"
			"                    [--statement-records 0|1] [--measure-reads N] [--checkpointer MS]\n"
			"                    [--batch-sweep LIST]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	bench s = {0};
	long journal = 100000, window = 100000, single = 2000;
	const char *durability = "both";
	long sweep[BENCH_SWEEP_MAX];
	int nsweep = 0;
	s.accounts = 10000;
	s.batch = 1000;
	bool serve = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--serve")) {
			serve = true;
			continue;
		}
		if (i + 1 >= argc)
			usage();
		const char *v = argv[++i];
		if (!strcmp(a, "--db"))
			s.path = v;
		else if (!strcmp(a, "--accounts"))
			s.accounts = arg_long(a, v);
		else if (!strcmp(a, "--journal"))
			journal = arg_long(a, v);
		else if (!strcmp(a, "--window"))
			window = arg_long(a, v);
		else if (!strcmp(a, "--batch"))
			s.batch = arg_long(a, v);
		else if (!strcmp(a, "--single"))
			single = arg_long(a, v);
		else if (!strcmp(a, "--durability"))
			durability = v;
		else if (!strcmp(a, "--measure-reads"))
			s.measure_reads = arg_long(a, v);
		else if (!strcmp(a, "--cache-size")) {
			/* SQLite's units, as the floors take it: negative KiB, or positive pages of 4 KiB */
			long n = strtol(v, NULL, 10);
			s.cache_size_kib = (int)(n < 0 ? -n : n * 4);
		} else if (!strcmp(a, "--wal-autocheckpoint"))
			s.wal_autocheckpoint = (int)arg_long(a, v);
		else if (!strcmp(a, "--mmap-size"))
			s.mmap_size_mib = (int)arg_long(a, v);
		else if (!strcmp(a, "--statement-records"))
			s.statement_records = (int)arg_long(a, v);
		else if (!strcmp(a, "--checkpointer"))
			s.checkpointer_ms = arg_long(a, v);
		else if (!strcmp(a, "--batch-sweep"))
			nsweep = bench_sweep_arg("bench_ledger", v, sweep);
		else
			usage();
	}
	if (serve && nsweep > 0) {
		fprintf(stderr, "bench_ledger: --batch-sweep runs after the script, not with --serve\n");
		return 2;
	}
	if (!s.path || (strcmp(durability, "full") && strcmp(durability, "normal") && strcmp(durability, "both")))
		usage();
	if (s.accounts < 2 || s.batch < 1 || s.batch > BENCH_BATCH_MAX || journal < s.accounts) {
		fprintf(stderr, "bench_ledger: need accounts >= 2, 1 <= batch <= 100000, journal >= accounts\n");
		return 2;
	}
	if (window > journal / 2)
		window = journal / 2;
	if (window > journal - s.accounts)
		window = journal - s.accounts;

	s.numbers = calloc((size_t)s.accounts, sizeof *s.numbers);
	long most = s.batch; /* the largest batch, for the request array */
	for (int i = 0; i < nsweep; i++)
		most = sweep[i] > most ? sweep[i] : most;
	s.req = calloc((size_t)most, sizeof *s.req);
	if (!s.numbers || !s.req) {
		fprintf(stderr, "bench_ledger: out of memory\n");
		free(s.numbers);
		free(s.req);
		return 1;
	}
	s.rng.state = BENCH_SEED;
	unlink(s.path);
	char side[4096];
	snprintf(side, sizeof side, "%s-wal", s.path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", s.path);
	unlink(side);

	/* Setup and prefill are untimed; the prefill, the batched window and the first
	 * single window run at FULL, like the floors. */
	open_bank(&s, BANK_DURABILITY_NORMAL); /* 10,000 account openings: a commit each */
	bench_ckpt ckpt = {ckpt_run, NULL, s.checkpointer_ms, 0, 0, 0};
	if (s.checkpointer_ms > 0) {
		bank_options copts = BANK_OPTIONS_INIT;
		copts.wal_autocheckpoint = BANK_WAL_AUTOCHECKPOINT_OFF;
		bank *cb = NULL;
		int rc = bank_open(&cb, s.path, &copts);
		if (rc != BANK_OK)
			fail("bank_open (checkpointer)", rc);
		ckpt.ctx = cb;
		if (bench_ckpt_start(&ckpt) != 0) {
			fprintf(stderr, "bench_ledger: cannot start the checkpointer\n");
			return 1;
		}
	}
	double t0 = bench_now();
	setup(&s);
	fprintf(stderr, "bench_ledger: %ld accounts opened and funded in %.1f s\n", s.accounts, bench_now() - t0);
	bank_close(s.b);
	open_bank(&s, BANK_DURABILITY_FULL);
	t0 = bench_now();
	if (s.measure_reads > 0) {
		/* Split the prefill where the journal reaches 100,000 rows (same transfers). */
		long first = 100000 - s.rows;
		if (first > journal - window - s.rows)
			first = journal - window - s.rows;
		if (first > 0)
			run_batched(&s, first);
		if (s.rows >= 100000)
			measure_reads(&s);
	}
	run_batched(&s, journal - window - s.rows);
	fprintf(stderr, "bench_ledger: prefilled %ld rows in %.1f s\n", s.rows, bench_now() - t0);

	bench_ops ops = {"libbank", &s, ops_batched, ops_durability, ops_single, &s.rows, &s.refused, &s.batch};
	int status = 0;
	if (serve)
		status = bench_serve(&ops);
	else
		bench_script(&ops, window, single, durability);
	if (s.measure_reads > 0)
		measure_reads(&s);
	bench_sweep(&ops, window, sweep, nsweep); /* after the reads: they are at the journal's size */
	if (s.checkpointer_ms > 0) {
		bench_ckpt_stop(&ckpt);
		bank_close(ckpt.ctx);
	}
	bank_close(s.b);
	fprintf(stderr, "bench_ledger: journal holds %ld rows (counted %ld)\n", count_rows(s.path), s.rows);
	free(s.numbers);
	free(s.req);
	return status;
}
