/*
 * concurrency.c: many writers on one file, hot accounts, nothing lost, nothing stuck.
 *
 *     concurrency [OPS [PROCS [THREADS]]]
 *         (or BANK_CONC_OPS, default 150 per worker; BANK_CONC_PROCS, default 4;
 *          BANK_CONC_THREADS, default 4; BANK_RT_SEED)
 *
 * PROCS processes and THREADS threads (of the parent process) each open their own handle
 * (durability FULL, busy timeout 10 s) on one file and, released together, run OPS
 * operations on 4 hot accounts: transfers (most), deposits, withdrawals, small batches
 * with a linked pair, and balance reads. Each worker tallies the effect of what succeeded
 * on each account; insufficient funds refusals are expected and counted; any other
 * failure (an unhandled busy above all) is a violation. The parent then checks that
 * every account's balance is its opening balance plus the sum of the tallies, that the
 * journal holds exactly the transfers reported (by id), that bank_verify and the audit
 * check pass, and that the whole run ended before a watchdog (a deadlock) fired.
 * Meanwhile a checkpointer thread with its own handle runs bank_checkpoint() in every
 * mode in turn: each must succeed or report busy, never fail otherwise or make a worker
 * fail; the odd-numbered workers open their handles with BANK_WAL_AUTOCHECKPOINT_OFF.
 * And an interest thread with its own handle runs bank_interest_run() for each of the
 * last INTEREST_DAYS days, one day a call: the bank was set up INTEREST_BACK days ago (a
 * clock of its own) with the product paying 5%, so the first call accrues all four
 * accounts from their opening day, each later call one more day, and one of them posts
 * last month's interest, while the workers move the same balances. Each call must
 * succeed; afterwards a run for yesterday changes nothing, and each balance is its
 * opening balance plus the tallies plus the interest entries it received.
 * Prints "concurrency: N passed, M failed" (N operations, M violations).
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rt.h"

#define NACCT 4
#define FUNDS 20000
#define MAX_WORKERS 64
#define WATCHDOG_S 300
#define DAY_US ((bank_time)86400 * 1000000)
#define INTEREST_BACK 40 /* days between the setup and the run */
#define INTEREST_DAYS 10 /* the interest thread's calls, one day each */

struct tally {
	int64_t delta[NACCT];
	long ok, created, refused, errors, busy, reads;
	char first_error[240];
};

struct worker {
	int id;
	long ops;
	uint64_t seed;
	struct tally t;
};

static char dbpath[1200];
static char numbers[NACCT][BANK_ACCOUNT_NUMBER_SIZE];
static int go_fd = -1;
static pid_t pids[MAX_WORKERS];
static int npids;

static void wait_for_go(void)
{
	char c;
	while (read(go_fd, &c, 1) < 0 && errno == EINTR)
		;
}

static void note_error(struct tally *t, int rc, const char *what)
{
	t->errors++;
	if (rc == BANK_EBUSY)
		t->busy++;
	if (t->first_error[0] == '\0')
		snprintf(t->first_error, sizeof t->first_error, "%s: %s: %s", what, bank_error_name(rc),
			 bank_error_last()->message);
}

static void run_worker(struct worker *w)
{
	struct tally *t = &w->t;
	memset(t, 0, sizeof *t);
	rt_rng r = {w->seed};
	wait_for_go();
	bank_options o;
	rt_options(&o, BANK_DURABILITY_FULL, 0);
	if (w->id % 2 == 1)
		o.wal_autocheckpoint = BANK_WAL_AUTOCHECKPOINT_OFF;
	bank *b = NULL;
	int rc = bank_open(&b, dbpath, &o);
	if (rc != BANK_OK) {
		note_error(t, rc, "bank_open");
		return;
	}
	for (long i = 0; i < w->ops; i++) {
		char id[48];
		snprintf(id, sizeof id, "w%d-%ld", w->id, i);
		int a = (int)rt_below(&r, NACCT), c = (a + 1 + (int)rt_below(&r, NACCT - 1)) % NACCT;
		int64_t amount = 1 + (int64_t)rt_below(&r, 5000);
		unsigned roll = (unsigned)rt_below(&r, 100);
		if (roll < 5) {
			bank_balance bal;
			rc = bank_balance_get(&bal, b, numbers[a]);
			if (rc != BANK_OK)
				note_error(t, rc, "bank_balance_get");
			t->reads++;
			continue;
		}
		if (roll < 12) {
			bank_transfer_request req[3];
			bank_transfer_request r0 = BANK_TRANSFER_REQUEST_INIT;
			char ids[3][56];
			int d[3], k[3];
			for (int j = 0; j < 3; j++) {
				req[j] = r0;
				snprintf(ids[j], sizeof ids[j], "%s.%d", id, j);
				d[j] = (int)rt_below(&r, NACCT);
				k[j] = (d[j] + 1 + (int)rt_below(&r, NACCT - 1)) % NACCT;
				req[j].debit = numbers[d[j]];
				req[j].credit = numbers[k[j]];
				req[j].amount = 1 + (int64_t)rt_below(&r, 3000);
				req[j].id = ids[j];
			}
			req[0].linked = 1; /* items 0 and 1 succeed or fail together */
			bank_batch_results *res = NULL;
			rc = bank_transfer_batch(&res, b, req, 3);
			if (rc != BANK_OK) {
				note_error(t, rc, "bank_transfer_batch");
				continue;
			}
			t->ok++;
			for (int j = 0; j < 3; j++) {
				if (res->items[j].code == BANK_OK) {
					t->delta[d[j]] -= req[j].amount;
					t->delta[k[j]] += req[j].amount;
					t->created++;
				} else if (res->items[j].code == BANK_EFUNDS ||
					   (j < 2 && res->items[j].code == BANK_EINVAL &&
					    strcmp(res->items[j].message, "linked event failed") == 0)) {
					t->refused++;
				} else {
					note_error(t, res->items[j].code, "batch item");
				}
			}
			bank_batch_results_free(res);
			continue;
		}
		bank_transfer *tr = NULL;
		int debit = -1, credit = -1;
		if (roll < 20) {
			rc = bank_deposit(&tr, b, numbers[a], amount, id, NULL);
			credit = a;
		} else if (roll < 28) {
			rc = bank_withdraw(&tr, b, numbers[a], amount, id, NULL);
			debit = a;
		} else {
			rc = bank_transfer_post(&tr, b, numbers[a], numbers[c], amount, id, NULL);
			debit = a;
			credit = c;
		}
		if (rc == BANK_OK) {
			if (tr == NULL || tr->status != BANK_TRANSFER_CREATED || tr->amount != amount) {
				note_error(t, BANK_EINVAL, "a success without the created transfer");
			} else {
				if (debit >= 0)
					t->delta[debit] -= amount;
				if (credit >= 0)
					t->delta[credit] += amount;
				t->ok++;
				t->created++;
			}
		} else if (rc == BANK_EFUNDS) {
			t->refused++;
		} else {
			note_error(t, rc, "a movement");
		}
		bank_transfer_free(tr);
	}
	bank_close(b);
}

static void *thread_main(void *arg)
{
	run_worker(arg);
	return NULL;
}

/* The checkpointer: every mode in turn until the workers are done. */
struct checkpointer {
	int stop;
	long runs, busy;
	struct tally t; /* its unexpected failures */
};

static void *checkpointer_main(void *arg)
{
	struct checkpointer *c = arg;
	bank_options o;
	rt_options(&o, BANK_DURABILITY_FULL, 0);
	o.wal_autocheckpoint = BANK_WAL_AUTOCHECKPOINT_OFF;
	o.busy_timeout_ms = 200;
	bank *b = NULL;
	wait_for_go();
	int rc = bank_open(&b, dbpath, &o);
	if (rc != BANK_OK) {
		note_error(&c->t, rc, "bank_open (checkpointer)");
		return NULL;
	}
	do { /* at least once, however slow the thread starts */
		bank_checkpoint_info info;
		bank_checkpoint_mode mode = (bank_checkpoint_mode)(c->runs % 4);
		rc = bank_checkpoint(b, mode, &info);
		c->runs++;
		if (rc == BANK_EBUSY)
			c->busy++;
		else if (rc != BANK_OK)
			note_error(&c->t, rc, "bank_checkpoint");
		else if (info.copied != info.wal_pages && mode != BANK_CHECKPOINT_PASSIVE)
			note_error(&c->t, BANK_EINVAL, "bank_checkpoint: finished without copying every page");
		nanosleep(&(struct timespec){0, 2000000}, NULL);
	} while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE));
	bank_close(b);
	return NULL;
}

/* The interest thread: one run per day for the last INTEREST_DAYS days. */
struct interest {
	long runs, days, postings;
	bank_date yesterday; /* the last day the thread ran for */
	struct tally t;      /* its unexpected failures */
};

static void *interest_main(void *arg)
{
	struct interest *in = arg;
	bank_options o;
	rt_options(&o, BANK_DURABILITY_FULL, 0);
	bank *b = NULL;
	wait_for_go();
	int rc = bank_open(&b, dbpath, &o);
	if (rc != BANK_OK) {
		note_error(&in->t, rc, "bank_open (interest)");
		return NULL;
	}
	bank_date yesterday = bank_date_of(b, bank_now(b)) - 1;
	in->yesterday = yesterday;
	for (bank_date d = yesterday - INTEREST_DAYS + 1; d <= yesterday; d++) {
		bank_interest_run_result r;
		rc = bank_interest_run(&r, b, d);
		in->runs++;
		if (rc != BANK_OK) {
			note_error(&in->t, rc, "bank_interest_run");
			continue;
		}
		in->days += (long)r.days;
		in->postings += (long)r.postings;
		nanosleep(&(struct timespec){0, 20000000}, NULL); /* spread the runs over the workers' */
	}
	bank_close(b);
	return NULL;
}

static bank_time setup_clock(void *ctx)
{
	(void)ctx;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (bank_time)ts.tv_sec * 1000000 + ts.tv_nsec / 1000 - INTEREST_BACK * DAY_US;
}

static void on_watchdog(int sig)
{
	(void)sig;
	static const char msg[] = "VIOLATION: concurrency: the run did not finish in time (deadlock?)\n";
	(void)!write(2, msg, sizeof msg - 1);
	for (int i = 0; i < npids; i++)
		kill(pids[i], SIGKILL);
	_exit(1);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long ops = rt_param(argc, argv, 1, "BANK_CONC_OPS", 150);
	long procs = rt_param(argc, argv, 2, "BANK_CONC_PROCS", 4);
	long threads = rt_param(argc, argv, 3, "BANK_CONC_THREADS", 4);
	if (procs + threads < 1 || procs + threads > MAX_WORKERS)
		rt_die("between 1 and %d workers, please", MAX_WORKERS);
	uint64_t seed = rt_seed("concurrency");
	char dir[1024];
	rt_tmpdir(dir, sizeof dir, "conc");
	snprintf(dbpath, sizeof dbpath, "%s/bank.db", dir);

	bank_options o;
	rt_options(&o, BANK_DURABILITY_FULL, seed | 1);
	o.clock = setup_clock; /* INTEREST_BACK days ago */
	bank *b = NULL;
	RT_OK(bank_open(&b, dbpath, &o));
	rt_populate(b, NACCT, FUNDS, numbers);
	RT_OK(bank_product_edit(b, RT_PRODUCT, "rate", "5"));
	bank_date opened = bank_date_of(b, bank_now(b)); /* the accounts' first day of interest */
	int64_t opening[NACCT];
	for (int i = 0; i < NACCT; i++) {
		bank_balance bal;
		RT_OK(bank_balance_get(&bal, b, numbers[i]));
		opening[i] = bal.balance;
	}
	int64_t rows_before = rt_int(b, "SELECT count(*) FROM transfer", NULL);
	bank_close(b);

	signal(SIGALRM, on_watchdog);
	alarm(WATCHDOG_S);
	int go[2];
	if (pipe(go) != 0)
		rt_die("pipe: %s", strerror(errno));
	go_fd = go[0];
	struct worker *w = calloc((size_t)(procs + threads), sizeof *w);
	int(*res_pipes)[2] = calloc((size_t)procs + 1, sizeof *res_pipes);
	pthread_t *tids = calloc((size_t)threads + 1, sizeof *tids);
	if (w == NULL || res_pipes == NULL || tids == NULL)
		rt_die("out of memory");
	for (long i = 0; i < procs + threads; i++) {
		w[i].id = (int)i;
		w[i].ops = ops;
		w[i].seed = seed ^ ((uint64_t)(i + 1) * UINT64_C(0x9e3779b97f4a7c15));
	}
	fflush(NULL);
	for (long i = 0; i < procs; i++) {
		if (pipe(res_pipes[i]) != 0)
			rt_die("pipe: %s", strerror(errno));
		pid_t pid = fork();
		if (pid < 0)
			rt_die("fork: %s", strerror(errno));
		if (pid == 0) {
			close(go[1]);
			close(res_pipes[i][0]);
			run_worker(&w[i]);
			const char *p = (const char *)&w[i].t;
			size_t n = sizeof w[i].t;
			while (n > 0) {
				ssize_t k = write(res_pipes[i][1], p, n);
				if (k <= 0)
					_exit(3);
				p += k;
				n -= (size_t)k;
			}
			_exit(0);
		}
		pids[npids++] = pid;
		close(res_pipes[i][1]);
	}
	for (long i = 0; i < threads; i++)
		if (pthread_create(&tids[i], NULL, thread_main, &w[procs + i]) != 0)
			rt_die("pthread_create failed");
	struct checkpointer ck;
	memset(&ck, 0, sizeof ck);
	pthread_t ck_tid;
	if (pthread_create(&ck_tid, NULL, checkpointer_main, &ck) != 0)
		rt_die("pthread_create failed");
	struct interest in;
	memset(&in, 0, sizeof in);
	pthread_t in_tid;
	if (pthread_create(&in_tid, NULL, interest_main, &in) != 0)
		rt_die("pthread_create failed");
	double t0 = now_s();
	close(go[1]); /* everyone starts now */
	for (long i = 0; i < threads; i++)
		pthread_join(tids[i], NULL);
	pthread_join(in_tid, NULL);
	for (long i = 0; i < procs; i++) {
		char *p = (char *)&w[i].t;
		size_t n = sizeof w[i].t, got = 0;
		while (got < n) {
			ssize_t k = read(res_pipes[i][0], p + got, n - got);
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				break;
			got += (size_t)k;
		}
		close(res_pipes[i][0]);
		int status = 0;
		while (waitpid(pids[i], &status, 0) < 0 && errno == EINTR)
			;
		if (got != n || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			rt_violation("worker process %ld ended badly (status 0x%x, %zu of %zu tally bytes)", i,
				     (unsigned)status, got, n);
	}
	__atomic_store_n(&ck.stop, 1, __ATOMIC_RELEASE);
	pthread_join(ck_tid, NULL);
	double secs = now_s() - t0;
	alarm(0);
	if (ck.t.errors)
		rt_violation("checkpointer: %ld failed calls; first: %s", ck.t.errors, ck.t.first_error);
	if (ck.runs == 0)
		rt_violation("checkpointer: never ran");
	if (in.t.errors)
		rt_violation("interest: %ld failed runs (%ld busy); first: %s", in.t.errors, in.t.busy,
			     in.t.first_error);
	/* INTEREST_BACK days each, or one more when the run crossed midnight (UTC) after the setup. */
	long want_days = (long)NACCT * (in.yesterday - opened + 1);
	if (in.days != want_days || in.postings < NACCT)
		rt_violation("interest: %ld runs accrued %ld account-days and posted %ld times; expected %ld days, at "
			     "least %d postings",
			     in.runs, in.days, in.postings, want_days, NACCT);

	struct tally sum;
	memset(&sum, 0, sizeof sum);
	for (long i = 0; i < procs + threads; i++) {
		struct tally *t = &w[i].t;
		for (int a = 0; a < NACCT; a++)
			sum.delta[a] += t->delta[a];
		sum.ok += t->ok;
		sum.created += t->created;
		sum.refused += t->refused;
		sum.errors += t->errors;
		sum.busy += t->busy;
		sum.reads += t->reads;
		if (t->errors)
			rt_violation("worker %ld (%s): %ld failed calls (%ld busy); first: %s", i,
				     i < procs ? "process" : "thread", t->errors, t->busy, t->first_error);
	}

	rt_options(&o, BANK_DURABILITY_FULL, 0);
	b = NULL;
	RT_OK(bank_open(&b, dbpath, &o));
	rt_check_db(b, "after the run");
	bank_interest_run_result again;
	int rc = bank_interest_run(&again, b, bank_date_of(b, bank_now(b)) - 1);
	if (rc != BANK_OK || again.days != 0 || again.postings != 0)
		rt_violation("interest: a run for yesterday after the thread's did something (%s, %zu days, %zu "
			     "postings)",
			     bank_error_name(rc), again.days, again.postings);
	for (int a = 0; a < NACCT; a++) {
		bank_balance bal;
		RT_OK(bank_balance_get(&bal, b, numbers[a]));
		int64_t interest = rt_int(b,
					  "SELECT coalesce(sum(t.amount), 0) FROM transfer t JOIN account a ON a.id ="
					  " t.credit_id WHERE t.kind = 'interest' AND a.number = ?1",
					  numbers[a]);
		if (interest <= 0)
			rt_violation("account %s: no interest received", numbers[a]);
		if (bal.balance != opening[a] + sum.delta[a] + interest)
			rt_violation("account %s: balance %" PRId64 ", expected %" PRId64 " (opening %" PRId64
				     " + reported %" PRId64 " + interest %" PRId64 ")",
				     numbers[a], bal.balance, opening[a] + sum.delta[a] + interest, opening[a],
				     sum.delta[a], interest);
		if (bal.pending != 0)
			rt_violation("account %s: pending %" PRId64 ", expected 0", numbers[a], bal.pending);
	}
	int64_t rows = rt_int(b, "SELECT count(*) FROM transfer", NULL) - rows_before;
	if (rows != sum.created + in.postings)
		rt_violation("the journal gained %" PRId64 " rows; the workers reported %ld transfers and the interest "
			     "thread %ld postings",
			     rows, sum.created, in.postings);
	bank_close(b);

	long total_ops = ops * (procs + threads);
	fprintf(stderr,
		"concurrency: %ld processes + %ld threads x %ld ops in %.1f s: %ld calls succeeded (%ld transfers), "
		"%ld refusals (insufficient funds or linked), %ld reads, %ld failed (%ld busy); %ld checkpoints (%ld "
		"busy); %ld interest runs (%ld account-days, %ld postings); violations %ld\n",
		procs, threads, ops, secs, sum.ok, sum.created, sum.refused, sum.reads, sum.errors, sum.busy, ck.runs,
		ck.busy, in.runs, in.days, in.postings, rt_violations);
	free(w);
	free(res_pipes);
	free(tids);
	if (rt_violations == 0)
		rt_rmdir(dir);
	else
		fprintf(stderr, "concurrency: database kept in %s\n", dir);
	printf("concurrency: %ld passed, %ld failed\n", total_ops, rt_violations);
	return rt_violations == 0 ? 0 : 1;
}
