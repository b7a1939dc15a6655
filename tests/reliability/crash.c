/*
 * crash.c: libbank survives SIGKILL at any moment.
 *
 *     crash [KILLS [MAX_MS]]        (or BANK_CRASH_KILLS, BANK_CRASH_MAX_MS; BANK_RT_SEED)
 *
 * A child process opens a file bank (durability FULL) and runs the random workload of
 * wl.c: deposits, withdrawals, transfers, holds, posts, voids, reversals, batches with
 * linked chains, deliberate refusals and replays, and now and then (one op in 32) an
 * interest run for yesterday. The bank's clock runs SIM_DAYS days per real second from
 * SIM_ORIGIN in every process (sim_clock), and the product pays 4%, so runs accrue days
 * and post at month ends (the test fails if its clock passed a month end and no interest
 * was posted). Before each call the child writes the request to a pipe ("F ..." for a
 * ledger op, "I <day>" for an interest run), after the call "D" when the outcome was the
 * predicted one (or "E reason" when not, and exits). Half the rounds the parent kills
 * it with SIGKILL after a random delay (0..MAX_MS ms, default 300); the other half the
 * child kills itself at a random write or sync (1..400) through faultvfs's
 * fv_kill_after, which lands kills between the WAL writes of a commit and its sync with
 * precision. Half the rounds also shrink the WAL autocheckpoint so kills land inside
 * checkpoints. Then the parent reopens the bank and checks:
 *   - bank_open recovers, bank_verify finds nothing, PRAGMA integrity_check is ok and
 *     every journal row has its audit record;
 *   - every transfer the child reported done is present exactly once; every refused id is
 *     absent; nothing else appeared but the ids of the one op in flight, and those
 *     all-or-none (a batch is one transaction);
 *   - repeating the in-flight request completes it exactly once (created or exists); an
 *     interest run in flight is called again and must succeed;
 *   - interest entries appear only in rounds with an interest run, and a further run for
 *     the round's last day changes nothing;
 *   - balances, pending amounts, active holds and reversible transfers equal the model
 *     fed with every reported outcome, plus the interest entries the round added (the
 *     model does not predict interest; interest only adds to balances, so the model's
 *     predictions of success stay right).
 * Prints "crash: N passed, M failed" (N kills survived, M violations); exits 1 on any.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "faultvfs.h"
#include "rt.h"
#include "wl.h"

#define CHILD_FAILED 3
#define SIM_DAYS 15 /* days of the bank's clock per real second */
#define DAY_US ((bank_time)86400 * 1000000)
/* The bank's clock starts at 2026-03-27, so the first month ends within a second. */
#define SIM_ORIGIN (RT_T0 + 25 * DAY_US)
#define INTEREST_ONE_IN 32

static char dbpath[1200];
static struct timespec sim_start; /* set before the first fork; children inherit it */

static bank_time sim_clock(void *ctx)
{
	(void)ctx;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	int64_t us = (int64_t)(now.tv_sec - sim_start.tv_sec) * 1000000 + (now.tv_nsec - sim_start.tv_nsec) / 1000;
	return SIM_ORIGIN + us * SIM_DAYS * 86400;
}

static void write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			_exit(4);
		}
		s += w;
		n -= (size_t)w;
	}
}

static void child(int fd, wl_model *m, uint64_t seed, long round, int autockpt, long io_kill)
{
	if (io_kill > 0) {
		/* Through faultvfs (a pass-through with real fsyncs), dying at the io_kill-th write or sync. */
		fv_install();
		fv_reset();
		fv_kill_after(io_kill);
	}
	bank_options o;
	rt_options(&o, BANK_DURABILITY_FULL, 0);
	o.clock = sim_clock;
	bank *b = NULL;
	char msg[600], line[WL_LINE + 2];
	int rc = bank_open(&b, dbpath, &o);
	if (rc != BANK_OK) {
		snprintf(msg, sizeof msg, "E bank_open: %s: %s\n", bank_error_name(rc), bank_error_last()->message);
		write_all(fd, msg, strlen(msg));
		_exit(CHILD_FAILED);
	}
	if (autockpt > 0)
		sqlite3_wal_autocheckpoint(rt_db(b), autockpt);
	rt_rng r = {seed ^ ((uint64_t)round * UINT64_C(0x2545f4914f6cdd1d))};
	char prefix[32];
	snprintf(prefix, sizeof prefix, "k%ld-", round);
	unsigned long counter = 0;
	for (;;) {
		/* One op: now and then an interest run for yesterday, else a ledger op of the model's. */
		wl_op op;
		bank_date as_of = 0;
		int interest = rt_below(&r, INTEREST_ONE_IN) == 0;
		if (interest) {
			as_of = bank_date_of(b, bank_now(b)) - 1;
			snprintf(line, sizeof line, "I %d\n", (int)as_of);
		} else {
			wl_gen(m, &r, prefix, &counter, &op);
			line[0] = 'F';
			line[1] = ' ';
			wl_format(&op, line + 2, sizeof line - 2);
		}
		write_all(fd, line, strlen(line));
		int ok;
		if (interest) {
			rc = bank_interest_run(NULL, b, as_of);
			ok = rc == BANK_OK;
			if (!ok)
				snprintf(msg + 2, sizeof msg - 3, "interest run for day %d: %s: %s", (int)as_of,
					 bank_error_name(rc), bank_error_last()->message);
		} else {
			ok = wl_exec(b, m, &op, 0, msg + 2, sizeof msg - 3);
		}
		if (!ok) {
			msg[0] = 'E';
			msg[1] = ' ';
			for (char *p = msg; *p; p++)
				if (*p == '\n')
					*p = ' ';
			strcat(msg, "\n");
			write_all(fd, msg, strlen(msg));
			_exit(CHILD_FAILED);
		}
		if (!interest)
			wl_apply(m, &op);
		write_all(fd, "D\n", 2);
	}
}

/* What the child said about one op. */
struct rec {
	wl_op op;     /* a ledger op, unless interest */
	int interest; /* an interest run for day as_of */
	bank_date as_of;
	int state; /* 0 in flight, 1 done as predicted, 2 unexpected outcome */
};

struct stats {
	long kills, done, refused, replays, inflight, retry_created, retry_exists, retry_other, open_kills, ckpt_rounds,
		io_rounds, interest_runs, interest_inflight, interest_entries;
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Reads everything the child writes until @p deadline (ms), kills it, then drains to EOF. */
static char *run_round(pid_t pid, int fd, double deadline, size_t *len, int *status)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	int killed = 0, eof = 0;
	if (buf == NULL)
		rt_die("out of memory");
	while (!eof) {
		double left = deadline - now_ms();
		if (!killed && left <= 0) {
			kill(pid, SIGKILL);
			killed = 1;
		}
		struct pollfd p = {fd, POLLIN, 0};
		int t = killed ? 1000 : (int)left + 1;
		int pr = poll(&p, 1, t);
		if (pr < 0 && errno != EINTR)
			rt_die("poll: %s", strerror(errno));
		if (pr <= 0)
			continue;
		if (n + 4096 > cap) {
			cap *= 2;
			char *nb = realloc(buf, cap);
			if (nb == NULL)
				rt_die("out of memory");
			buf = nb;
		}
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno != EINTR)
			rt_die("read: %s", strerror(errno));
		if (r == 0)
			eof = 1;
		if (r > 0)
			n += (size_t)r;
	}
	if (!killed)
		kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	buf[n] = '\0';
	*len = n;
	return buf;
}

static size_t parse_recs(char *buf, struct rec **out, char *err, size_t errsize)
{
	size_t n = 0, cap = 64;
	struct rec *v = malloc(cap * sizeof *v);
	if (v == NULL)
		rt_die("out of memory");
	err[0] = '\0';
	char *save = NULL;
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == 'F' || line[0] == 'I') {
			/* A new op, in flight until its "D". */
			if (n == cap) {
				cap *= 2;
				v = realloc(v, cap * sizeof *v);
				if (v == NULL)
					rt_die("out of memory");
			}
			memset(&v[n], 0, sizeof v[n]);
			if (line[0] == 'I') {
				v[n].interest = 1;
				v[n].as_of = (bank_date)strtol(line + 2, NULL, 10);
			} else if (!wl_parse(line + 2, &v[n].op)) {
				rt_die("unparsable line from the child: %s", line);
			}
			v[n++].state = 0;
		} else if (line[0] == 'D' && n > 0) {
			v[n - 1].state = 1;
		} else if (line[0] == 'E') {
			if (n > 0)
				v[n - 1].state = 2;
			snprintf(err, errsize, "%s", line + 2);
		}
	}
	*out = v;
	return n;
}

static int contains(const char *const *set, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(set[i], id) == 0)
			return 1;
	return 0;
}

static void check_round(long round, wl_model *m, struct rec *recs, size_t nrec, int64_t *last_seq, struct stats *st)
{
	char when[64];
	snprintf(when, sizeof when, "after kill %ld", round);
	bank_options o;
	rt_options(&o, BANK_DURABILITY_FULL, 0);
	o.clock = sim_clock;
	bank *b = NULL;
	int rc = bank_open(&b, dbpath, &o);
	if (rc != BANK_OK)
		rt_die("%s: bank_open failed: %s: %s (the database does not recover)", when, bank_error_name(rc),
		       bank_error_last()->message);
	rt_check_db(b, when);

	/* Ids that may be in the journal now: done ops' creations, and the unsettled op's. */
	size_t cap = 16, nallowed = 0;
	const char **allowed = malloc(cap * sizeof *allowed);
	if (allowed == NULL)
		rt_die("out of memory");
	struct rec *unsettled = NULL;
	struct rec *last_run = NULL; /* the round's last interest run, done or in flight */
	for (size_t i = 0; i < nrec; i++) {
		struct rec *x = &recs[i];
		if (x->interest) {
			last_run = x;
			if (x->state != 1)
				unsettled = x;
			else
				st->interest_runs++;
			continue;
		}
		const char *ids[WL_BATCH_MAX + 1];
		size_t k = wl_ids(&x->op, 1, ids);
		if (nallowed + k >= cap) {
			cap = 2 * (cap + k);
			allowed = realloc(allowed, cap * sizeof *allowed);
			if (allowed == NULL)
				rt_die("out of memory");
		}
		for (size_t j = 0; j < k; j++)
			allowed[nallowed++] = ids[j];
		if (x->state != 1) {
			unsettled = x;
			continue;
		}
		st->done++;
		st->refused += x->op.expect != BANK_OK;
		st->replays += x->op.replay;
		for (size_t j = 0; j < k; j++) {
			int64_t c = rt_id_count(b, ids[j]);
			if (c != 1)
				rt_violation("%s: %s %s reported done, found %lld times", when,
					     wl_kind_name(x->op.kind), ids[j], (long long)c);
		}
		k = wl_ids(&x->op, 0, ids);
		for (size_t j = 0; j < k; j++)
			if (rt_id_count(b, ids[j]) != 0)
				rt_violation("%s: %s refused but present", when, ids[j]);
		if (x->op.replay && rt_id_count(b, x->op.id) != 1)
			rt_violation("%s: replayed %s not present exactly once", when, x->op.id);
	}
	/* Nothing else appeared. */
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(rt_db(b), "SELECT seq, id, kind FROM transfer WHERE seq > ?1 ORDER BY seq", -1, &q,
			       NULL) != SQLITE_OK)
		rt_die("prepare: %s", sqlite3_errmsg(rt_db(b)));
	sqlite3_bind_int64(q, 1, *last_seq);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(q, 1);
		const char *kind = (const char *)sqlite3_column_text(q, 2);
		if (strcmp(kind, "interest") == 0 && last_run != NULL)
			continue; /* an interest run's posting: its id is the run's to choose */
		if (!contains(allowed, nallowed, id))
			rt_violation("%s: %s transfer %s appeared but no op created it", when, kind, id);
	}
	sqlite3_finalize(q);
	free(allowed);

	/* Every reported outcome, in order, into the model. */
	for (size_t i = 0; i < nrec; i++)
		if (recs[i].state == 1 && !recs[i].interest)
			wl_apply(m, &recs[i].op);

	/* An interest run in flight: called again, it completes (its transactions are each whole). */
	if (unsettled != NULL && unsettled->interest) {
		st->interest_inflight++;
		rc = bank_interest_run(NULL, b, unsettled->as_of);
		if (rc != BANK_OK)
			rt_violation("%s: the interest run for day %d in flight, called again: %s: %s", when,
				     (int)unsettled->as_of, bank_error_name(rc), bank_error_last()->message);
		unsettled = NULL;
	}
	/* A run for the round's last day finds nothing left to do. */
	if (last_run != NULL) {
		bank_interest_run_result again;
		rc = bank_interest_run(&again, b, last_run->as_of);
		if (rc != BANK_OK || again.days != 0 || again.postings != 0)
			rt_violation("%s: a further interest run for day %d did something (%s, %zu days, %zu postings)",
				     when, (int)last_run->as_of, bank_error_name(rc), again.days, again.postings);
	}

	/* The op in flight: all or nothing, and a retry settles it exactly once. */
	if (unsettled != NULL) {
		st->inflight++;
		const char *ids[WL_BATCH_MAX + 1];
		size_t k = wl_ids(&unsettled->op, 1, ids), present = 0;
		for (size_t j = 0; j < k; j++)
			present += rt_id_count(b, ids[j]) == 1;
		if (present != 0 && present != k)
			rt_violation("%s: %s %s in flight is half applied: %zu of %zu ids present", when,
				     wl_kind_name(unsettled->op.kind), unsettled->op.id, present, k);
		char msg[600];
		if (!wl_exec(b, m, &unsettled->op, 1, msg, sizeof msg)) {
			rt_violation("%s: retrying the op in flight: %s", when, msg);
		} else {
			wl_apply(m, &unsettled->op);
			if (k == 0)
				st->retry_other++;
			else if (present == k)
				st->retry_exists++;
			else
				st->retry_created++;
		}
		for (size_t j = 0; j < k; j++)
			if (rt_id_count(b, ids[j]) != 1)
				rt_violation("%s: %s not present exactly once after the retry", when, ids[j]);
	}

	rt_log("%s: %zu ops reported, %s in flight", when, nrec,
	       unsettled ? wl_kind_name(unsettled->op.kind) : "nothing");
	/* The interest the round posted, which the model does not predict. */
	if (sqlite3_prepare_v2(rt_db(b),
			       "SELECT c.number, sum(t.amount), count(*) FROM transfer t JOIN account c ON c.id ="
			       " t.credit_id WHERE t.kind = 'interest' AND t.seq > ?1 GROUP BY c.number",
			       -1, &q, NULL) != SQLITE_OK)
		rt_die("prepare: %s", sqlite3_errmsg(rt_db(b)));
	sqlite3_bind_int64(q, 1, *last_seq);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *number = (const char *)sqlite3_column_text(q, 0);
		int i = 0;
		while (i < WL_NACCT && strcmp(m->num[i], number) != 0)
			i++;
		if (i == WL_NACCT)
			rt_violation("%s: interest credited to %s, not a customer account of the bank", when, number);
		else
			m->bal[i] += sqlite3_column_int64(q, 1);
		st->interest_entries += sqlite3_column_int64(q, 2);
	}
	sqlite3_finalize(q);
	wl_model found;
	wl_model_init(&found, m->num);
	wl_model_load(&found, b);
	if (wl_model_compare(m, &found, when) != 0)
		fprintf(stderr, "%s: the model is reloaded from the database\n", when);
	wl_model_free(m);
	*m = found;
	*last_seq = rt_int(b, "SELECT coalesce(max(seq), 0) FROM transfer", NULL);
	bank_close(b);
}

int main(int argc, char **argv)
{
	long kills = rt_param(argc, argv, 1, "BANK_CRASH_KILLS", 50);
	long max_ms = rt_param(argc, argv, 2, "BANK_CRASH_MAX_MS", 300);
	uint64_t seed = rt_seed("crash");
	rt_rng r = {seed};
	char dir[1024];
	rt_tmpdir(dir, sizeof dir, "crash");
	snprintf(dbpath, sizeof dbpath, "%s/bank.db", dir);
	signal(SIGPIPE, SIG_IGN);

	char numbers[WL_NACCT][BANK_ACCOUNT_NUMBER_SIZE];
	bank_options o;
	clock_gettime(CLOCK_MONOTONIC, &sim_start);
	rt_options(&o, BANK_DURABILITY_FULL, seed | 1);
	o.clock = sim_clock;
	bank *b = NULL;
	RT_OK(bank_open(&b, dbpath, &o));
	rt_populate(b, WL_NACCT, 100000, numbers);
	RT_OK(bank_product_edit(b, RT_PRODUCT, "rate", "4"));
	wl_model m;
	wl_model_init(&m, numbers);
	wl_model_load(&m, b);
	int64_t last_seq = rt_int(b, "SELECT coalesce(max(seq), 0) FROM transfer", NULL);
	bank_close(b);

	struct stats st = {0};
	double t0 = now_ms();
	for (long k = 1; k <= kills; k++) {
		int fds[2];
		if (pipe(fds) != 0)
			rt_die("pipe: %s", strerror(errno));
		int autockpt = rt_below(&r, 2) ? 1 + (int)rt_below(&r, 40) : 0;
		st.ckpt_rounds += autockpt > 0;
		/* Half the rounds die at an exact write or sync (mid-commit included), the others on a timer. */
		long io_kill = rt_below(&r, 2) ? 1 + (long)rt_below(&r, 400) : 0;
		st.io_rounds += io_kill > 0;
		uint64_t cseed = rt_next(&r);
		fflush(NULL);
		pid_t pid = fork();
		if (pid < 0)
			rt_die("fork: %s", strerror(errno));
		if (pid == 0) {
			close(fds[0]);
			child(fds[1], &m, cseed, k, autockpt, io_kill);
		}
		close(fds[1]);
		/* Mostly anywhere in the run; one round in eight right at the start (open, recovery). */
		double delay =
			rt_below(&r, 8) == 0 ? (double)rt_below(&r, 5) : (double)rt_below(&r, (uint64_t)max_ms + 1);
		if (io_kill > 0)
			delay = 10000; /* a backstop: the child should be dead long before */
		size_t len = 0;
		int status = 0;
		char *buf = run_round(pid, fds[0], now_ms() + delay, &len, &status);
		close(fds[0]);
		st.kills++;
		char err[700];
		struct rec *recs = NULL;
		size_t nrec = parse_recs(buf, &recs, err, sizeof err);
		if (nrec == 0)
			st.open_kills++;
		if (err[0] != '\0')
			rt_violation("kill %ld: the child saw an unexpected outcome: %s", k, err);
		else if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL))
			rt_violation("kill %ld: the child ended by itself (status 0x%x)", k, (unsigned)status);
		check_round(k, &m, recs, nrec, &last_seq, &st);
		free(recs);
		free(buf);
		if (rt_violations > 50)
			rt_die("too many violations, stopping");
	}
	double secs = (now_ms() - t0) / 1e3;
	/* A run after 2026-04-01 posts March: a clock that got there must have seen interest. */
	if (sim_clock(NULL) > SIM_ORIGIN + 10 * DAY_US && st.interest_runs > 0 && st.interest_entries == 0)
		rt_violation("the bank's clock passed a month end and %ld interest runs posted nothing",
			     st.interest_runs);
	fprintf(stderr,
		"crash: %ld kills in %.1f s (%ld at an exact write or sync, %ld before the first op, %ld rounds with a "
		"small "
		"autocheckpoint); %ld ops done "
		"before a kill (%ld refusals, %ld replays); %ld in flight retried: %ld created, %ld already there (%ld "
		"refusals or replays); "
		"%ld interest runs done before a kill, %ld in flight called again, %ld interest entries; "
		"journal %" PRId64 " rows; violations %ld\n",
		st.kills, secs, st.io_rounds, st.open_kills, st.ckpt_rounds, st.done, st.refused, st.replays,
		st.inflight, st.retry_created, st.retry_exists, st.retry_other, st.interest_runs, st.interest_inflight,
		st.interest_entries, last_seq, rt_violations);
	wl_model_free(&m);
	if (rt_violations == 0)
		rt_rmdir(dir);
	else
		fprintf(stderr, "crash: database kept in %s\n", dir);
	printf("crash: %ld passed, %ld failed\n", st.kills, rt_violations);
	return rt_violations == 0 ? 0 : 1;
}
