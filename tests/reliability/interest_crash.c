/*
 * interest_crash.c: an interest run killed at any moment resumes to the same result.
 *
 *     interest_crash [CYCLES [CUTS]]   (or BANK_INTEREST_CYCLES, default 20, and
 *                                       BANK_INTEREST_CUTS, default 30; BANK_RT_SEED)
 *
 * Invariant 8 (DESIGN.md): interest accrues at most once per account per day and posts
 * at most once per period; a run can be repeated or resumed after a crash without
 * changing the result. Setup: a bank of 60 savings accounts (2.5%, monthly posting) with
 * deposits spread over March 2026; the bank's clock then stands at 2026-04-16, so a run
 * for 2026-04-15 accrues ~45 days per account and posts March. The run works in
 * transactions of 4 accounts (the BANK_INTERNAL_TESTS hook), so it commits ~15 times.
 *
 * The reference is one uninterrupted run on a copy. Each cycle starts from another copy:
 * a child process runs bank_interest_run() and kills itself (SIGKILL) at a random write or
 * sync of the run (faultvfs's fv_kill_after: any I/O point, mid-commit included), up to
 * 4 times (the parent reopens and checks the bank after each kill: bank_verify,
 * integrity, audit, and that only interest entries were added); then the run is completed
 * (by a child that survives, or by the parent). Checks: the interest table of every account
 * (periods, days, accrued amounts, postings, carried remainders, transfer ids), every
 * interest journal entry and every balance equal the reference; a second run for the same
 * day changes nothing. The bank goes through faultvfs as a plain pass-through without
 * fsync: a SIGKILL leaves the page cache intact, so the fsync would only cost time.
 *
 * Then CUTS power cuts, in this process: faultvfs tracks the writes not yet synced, the
 * power fails at a random write, sync or truncate of the run (FULL durability), and the
 * files are rewritten as a disk could hold them (every unsynced write lost, a random
 * subset kept, some torn, or a random prefix kept: the three modes in turn); the -shm
 * file goes (it is memory). Checks after the cut: the bank reopens; verify, integrity
 * and audit pass; only interest entries were added; every transaction the run had
 * committed before the cut is there (its "interest.run" audit record); the run, called
 * again, completes to the reference result, and a further call changes nothing.
 * Prints "interest_crash: N passed, M failed".
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "faultvfs.h"
#include "internal.h"
#include "rt.h"

#define NACCT 60
#define MAX_KILLS 4
#define DAY_US ((bank_time)86400 * 1000000)

static bank_time fixed_now;
static bank_durability durability = BANK_DURABILITY_FULL; /* of the handles open_at() opens */

static bank_time clock_fn(void *ctx)
{
	(void)ctx;
	return fixed_now;
}

static bank *open_at(const char *path, bank_time now)
{
	fixed_now = now;
	bank_options o;
	rt_options(&o, durability, 0);
	o.clock = clock_fn;
	bank *b = NULL;
	RT_OK(bank_open(&b, path, &o));
	bank__interest_test_batch = 4;
	return b;
}

static void copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (in < 0 || out < 0)
		rt_die("copy %s -> %s: %s", from, to, strerror(errno));
	char buf[1 << 16];
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n)
			rt_die("copy: short write");
	close(in);
	close(out);
}

/* Everything the run decides, as text: interest tables, interest entries, balances. */
static char *digest(bank *b, char numbers[][BANK_ACCOUNT_NUMBER_SIZE])
{
	size_t cap = 1 << 16, len = 0;
	char *s = malloc(cap);
	if (s == NULL)
		rt_die("out of memory");
	s[0] = '\0';
#define PUT(...)                                                     \
	do {                                                         \
		char line_[512];                                     \
		int n_ = snprintf(line_, sizeof line_, __VA_ARGS__); \
		if (len + (size_t)n_ + 1 > cap) {                    \
			cap = 2 * (cap + (size_t)n_);                \
			s = realloc(s, cap);                         \
			if (s == NULL)                               \
				rt_die("out of memory");             \
		}                                                    \
		memcpy(s + len, line_, (size_t)n_ + 1);              \
		len += (size_t)n_;                                   \
	} while (0)
	for (int i = 0; i < NACCT; i++) {
		bank_interest_table *t = NULL;
		RT_OK(bank_interest_table_get(&t, b, numbers[i]));
		bank_balance bal;
		RT_OK(bank_balance_get(&bal, b, numbers[i]));
		PUT("account %s balance %" PRId64 " periods %zu\n", numbers[i], bal.balance, t->count);
		for (size_t k = 0; k < t->count; k++) {
			const bank_interest_period *p = &t->periods[k];
			PUT("  %d..%d through %d days %d rates %s basis %" PRId64 " in %" PRId64 ".%012" PRId64
			    " accrued %" PRId64 ".%012" PRId64 " posted %d %" PRId64 " out %" PRId64 ".%012" PRId64
			    " transfer %s\n",
			    (int)p->start, (int)p->end, (int)p->accrued_through, p->days, p->rates, p->balance_basis,
			    p->carried_in.units, p->carried_in.frac, p->accrued.units, p->accrued.frac, p->posted_flag,
			    p->posted, p->carried_out.units, p->carried_out.frac, p->transfer);
		}
		bank_interest_table_free(t);
	}
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(
		    rt_db(b),
		    "SELECT t.id, d.kind, c.number, t.amount FROM transfer t JOIN account d ON d.id = t.debit_id"
		    " JOIN account c ON c.id = t.credit_id WHERE t.kind = 'interest' ORDER BY t.id",
		    -1, &q, NULL) != SQLITE_OK)
		rt_die("prepare: %s", sqlite3_errmsg(rt_db(b)));
	while (sqlite3_step(q) == SQLITE_ROW)
		PUT("interest %s from an account of kind %d -> %s %" PRId64 "\n",
		    (const char *)sqlite3_column_text(q, 0), sqlite3_column_int(q, 1),
		    (const char *)sqlite3_column_text(q, 2), (int64_t)sqlite3_column_int64(q, 3));
	sqlite3_finalize(q);
#undef PUT
	return s;
}

static void first_difference(const char *a, const char *b, const char *when)
{
	size_t line = 1;
	while (*a && *a == *b) {
		line += *a == '\n';
		a++;
		b++;
	}
	const char *ea = strchr(a, '\n'), *eb = strchr(b, '\n');
	rt_violation("%s: differs from the uninterrupted run at line %zu: \"%.*s\" vs \"%.*s\"", when, line,
		     (int)(ea ? ea - a : (long)strlen(a)), a, (int)(eb ? eb - b : (long)strlen(b)), b);
}

/*
 * The end of a cycle or a cut: completes the run on @p b when @p complete is set, checks
 * that a further run for the same day changes nothing and that the result is the
 * reference @p want, checks the database, and closes @p b.
 */
static void finish(bank *b, bank_date as_of, int complete, char numbers[][BANK_ACCOUNT_NUMBER_SIZE], const char *want,
		   const char *when)
{
	int rc;
	if (complete && (rc = bank_interest_run(NULL, b, as_of)) != BANK_OK)
		rt_violation("%s: completing the run: %s: %s", when, bank_error_name(rc), bank_error_last()->message);
	bank_interest_run_result again;
	rc = bank_interest_run(&again, b, as_of);
	if (rc != BANK_OK || again.days != 0 || again.postings != 0)
		rt_violation("%s: a further run for the same day did something (%s, %zu days, %zu postings)", when,
			     bank_error_name(rc), again.days, again.postings);
	char *got = digest(b, numbers);
	if (strcmp(got, want) != 0)
		first_difference(want, got, when);
	free(got);
	rt_check_db(b, when);
	bank_close(b);
	if (rt_violations > 20)
		rt_die("too many violations, stopping");
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	long cycles = rt_param(argc, argv, 1, "BANK_INTEREST_CYCLES", 20);
	long cuts = rt_param(argc, argv, 2, "BANK_INTEREST_CUTS", 30);
	uint64_t seed = rt_seed("interest_crash");
	rt_rng r = {seed};
	char dir[1024], base[1200], ref[1200], work[1200];
	rt_tmpdir(dir, sizeof dir, "intcrash");
	snprintf(base, sizeof base, "%s/base.db", dir);
	snprintf(ref, sizeof ref, "%s/ref.db", dir);
	snprintf(work, sizeof work, "%s/work.db", dir);
	fv_install();
	fv_reset();
	fv_real_sync(0);

	/* The bank: 60 accounts, deposits spread over March. */
	char numbers[NACCT][BANK_ACCOUNT_NUMBER_SIZE];
	bank *b = open_at(base, RT_T0);
	RT_OK(bank_branch_add(NULL, b, RT_BRANCH, "Head Office", NULL));
	bank_product_spec ps = BANK_PRODUCT_SPEC_INIT;
	ps.code = "SAV";
	ps.name = "Savings";
	ps.currency = "USD";
	ps.rate = 2500000; /* 2.5% */
	RT_OK(bank_product_add(NULL, b, &ps));
	bank_customer_spec cs = BANK_CUSTOMER_SPEC_INIT;
	cs.name = "Saver";
	bank_customer *c = NULL;
	RT_OK(bank_customer_add(&c, b, &cs));
	for (int i = 0; i < NACCT; i++) {
		bank_account *a = NULL;
		RT_OK(bank_account_open(&a, b, c->id, "SAV", RT_BRANCH));
		memcpy(numbers[i], a->number, sizeof numbers[i]);
		bank_account_free(a);
	}
	bank_customer_free(c);
	for (int day = 0; day < 28; day++) {
		fixed_now = RT_T0 + day * DAY_US;
		for (int k = 0; k < 6; k++) {
			int i = (int)rt_below(&r, NACCT);
			RT_OK(bank_deposit(NULL, b, numbers[i], 1 + (int64_t)rt_below(&r, 500000), NULL, NULL));
		}
	}
	bank_close(b);
	const bank_time run_now = RT_T0 + 45 * DAY_US;
	b = open_at(base, run_now);
	const bank_date as_of = bank_date_of(b, run_now) - 1;
	int64_t rows_before = rt_int(b, "SELECT count(*) FROM transfer", NULL);
	bank_close(b);

	/* The reference: one uninterrupted run (counting its I/O, to place kills). */
	copy_file(base, ref);
	fv_reset();
	b = open_at(ref, run_now);
	double t0 = now_ms();
	bank_interest_run_result res;
	RT_OK(bank_interest_run(&res, b, as_of));
	double run_ms = now_ms() - t0;
	char *want = digest(b, numbers);
	bank_close(b);
	long run_io = fv_io_count();
	fprintf(stderr,
		"interest_crash: the reference run: %.0f ms, %ld writes and syncs, %zu accounts, %zu account-days, %zu "
		"postings, %zu transactions\n",
		run_ms, run_io, res.accounts, res.days, res.postings, res.transactions);
	if (res.postings == 0 || res.transactions < 3)
		rt_die("the reference run is too small to interrupt (%zu postings, %zu transactions)", res.postings,
		       res.transactions);

	long kills = 0, completed_by_child = 0;
	for (long cyc = 1; cyc <= cycles; cyc++) {
		char when[64];
		rt_unlink_db(work);
		copy_file(base, work);
		int done = 0;
		for (int k = 0; k < MAX_KILLS && !done; k++) {
			long kill_n = 1 + (long)rt_below(&r, (uint64_t)(run_io + run_io / 8));
			fflush(NULL);
			pid_t pid = fork();
			if (pid < 0)
				rt_die("fork: %s", strerror(errno));
			if (pid == 0) {
				/* Killed at a random write/sync, or (rounds where n runs past the end) not at all. */
				fv_reset();
				fv_kill_after(kill_n);
				bank *cb = open_at(work, run_now);
				int rc = bank_interest_run(NULL, cb, as_of);
				bank_close(cb);
				_exit(rc == BANK_OK ? 0 : 3);
			}
			int status = 0;
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			if (!WIFEXITED(status) && !(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL))
				rt_violation("cycle %ld: the child died of signal %d", cyc, WTERMSIG(status));
			if (WIFEXITED(status)) {
				if (WEXITSTATUS(status) != 0)
					rt_violation("cycle %ld: the interest run failed in the child (status %d)", cyc,
						     WEXITSTATUS(status));
				done = 1;
				completed_by_child++;
			} else {
				kills++;
			}
			snprintf(when, sizeof when, "cycle %ld after kill %d", cyc, k + 1);
			b = open_at(work, run_now);
			rt_check_db(b, when);
			int64_t others = rt_int(b, "SELECT count(*) FROM transfer WHERE kind <> 'interest'", NULL);
			if (others != rows_before)
				rt_violation("%s: %" PRId64 " non-interest journal rows, expected %" PRId64, when,
					     others, rows_before);
			bank_close(b);
		}
		snprintf(when, sizeof when, "cycle %ld", cyc);
		finish(open_at(work, run_now), as_of, !done, numbers, want, when);
	}

	/* Power cuts during the run. */
	long cuts_in_run = 0, committed_before = 0, normal_cuts = 0, normal_committed = 0, normal_lost = 0,
	     normal_lost_cuts = 0;
	fv_cut_stats cut_total = {0};
	char shm[1300];
	snprintf(shm, sizeof shm, "%s-shm", work);
	for (long cut = 1; cut <= cuts; cut++) {
		char when[64];
		snprintf(when, sizeof when, "power cut %ld", cut);
		rt_unlink_db(work);
		copy_file(base, work);
		fv_reset();
		fv_track(1);
		durability = cut % 2 ? BANK_DURABILITY_FULL : BANK_DURABILITY_NORMAL;
		b = open_at(work, run_now);
		durability = BANK_DURABILITY_FULL;
		fv_crash_after(1 + (long)rt_below(&r, (uint64_t)(run_io + run_io / 8)));
		bank_interest_run_result part = {0};
		int rc = bank_interest_run(&part, b, as_of);
		int crashed = fv_crashed();
		if (!crashed && rc != BANK_OK)
			rt_violation("%s: the run failed with the power on: %s: %s", when, bank_error_name(rc),
				     bank_error_last()->message);
		if (crashed && rc == BANK_OK && part.transactions == 0)
			rt_violation("%s: the run reported success with nothing committed", when);
		bank_close(b);
		if (!fv_crashed())
			fv_crash_now(); /* the cut comes after the run: the close synced what it wrote */
		cuts_in_run += crashed;
		committed_before += (long)part.transactions;
		fv_cut_stats st = {0};
		fv_powercut((int)(cut % 3), &r, &st);
		cut_total.unsynced += st.unsynced;
		cut_total.kept += st.kept;
		cut_total.torn += st.torn;
		fv_track(0);
		unlink(shm);
		b = open_at(work, run_now);
		rt_check_db(b, when);
		int64_t others = rt_int(b, "SELECT count(*) FROM transfer WHERE kind <> 'interest'", NULL);
		if (others != rows_before)
			rt_violation("%s: %" PRId64 " non-interest journal rows, expected %" PRId64, when, others,
				     rows_before);
		int64_t records = rt_int(b, "SELECT count(*) FROM audit WHERE action = 'interest.run'", NULL);
		if (cut % 2 == 0) {
			/* NORMAL: the commits since the last checkpoint's sync may go; the rerun redoes them. */
			normal_cuts++;
			normal_committed += (long)part.transactions;
			if (records < (int64_t)part.transactions) {
				normal_lost += (long)part.transactions - (long)records;
				normal_lost_cuts++;
			}
		} else if (records < (int64_t)part.transactions) {
			rt_violation("%s: the run had committed %zu transactions under FULL, %" PRId64
				     " survived the cut",
				     when, part.transactions, records);
		}
		finish(b, as_of, 1, numbers, want, when);
	}
	free(want);
	fv_uninstall();
	fprintf(stderr,
		"interest_crash: %ld cycles, %ld kills during runs, %ld runs completed by a child; %ld power cuts, %ld "
		"of them during the run, %ld transactions committed before a cut (NORMAL: %ld cuts, %ld committed, %ld "
		"lost in %ld cuts, all redone by the rerun); %ld unsynced writes at the cuts, %ld kept, %ld torn; "
		"violations %ld\n",
		cycles, kills, completed_by_child, cuts, cuts_in_run, committed_before, normal_cuts, normal_committed,
		normal_lost, normal_lost_cuts, cut_total.unsynced, cut_total.kept, cut_total.torn, rt_violations);
	if (rt_violations == 0)
		rt_rmdir(dir);
	else
		fprintf(stderr, "interest_crash: databases kept in %s\n", dir);
	printf("interest_crash: %ld passed, %ld failed\n", cycles + cuts, rt_violations);
	return rt_violations == 0 ? 0 : 1;
}
