/*
 * workload.h: the transfer workload shared by bench_ledger.c and floor.c.
 *
 * Both programs draw the same sequence from the same seed, so libbank and the floors
 * post the same transfers between the same account indexes in the same order:
 *
 *   setup      N accounts, each funded by one deposit of BENCH_FUNDING (N journal rows),
 *              in batches
 *   prefill    random-pair transfers in batches, untimed, until the journal holds
 *              journal - window rows
 *   batched    `window` transfers in batches, timed; the journal now holds `journal`
 *   single     `single` transfers, one commit each, timed, per durability asked
 *   sweep      with --batch-sweep LIST, one more batched window per batch size listed
 *              (bench_sweep)
 *
 * With --serve, the timed phases are not run in that order by the program itself but
 * on command from the runner (bench_serve), which interleaves short rounds of the
 * three implementations so that a noisy neighbour hurts them alike. Each timed phase
 * prints one line the runner parses:
 *   result impl=bare phase=batched durability=full round=0 n=... refused=...
 *          seconds=... tps=... cpu=... wbytes=... journal_before=... journal_after=...
 *          batch=...
 * batch is the transfers per commit (1 for a single phase); cpu is the process's user +
 * system CPU seconds in the phase, wbytes the bytes it wrote (WAL frames and
 * checkpoints, from /proc/self/io; -1 where unavailable).
 */
#ifndef BENCH_WORKLOAD_H
#define BENCH_WORKLOAD_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/resource.h>

/** What each account is funded with at setup: large enough that no debit is refused. */
#define BENCH_FUNDING INT64_C(100000000)
/** Transfer amounts are 1..BENCH_AMOUNT_MAX minor units. */
#define BENCH_AMOUNT_MAX 10000
#define BENCH_SEED UINT64_C(0x6c6962626e6b3031)

typedef struct bench_rng {
	uint64_t state;
} bench_rng;

/* splitmix64: small, fast, and identical on every platform. */
static inline uint64_t bench_rng_next(bench_rng *r)
{
	uint64_t z = (r->state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/** Draws a transfer: two different account indexes in [0, n) and an amount. */
static inline void bench_pair(bench_rng *r, long n, long *debit, long *credit, int64_t *amount)
{
	long d = (long)(bench_rng_next(r) % (uint64_t)n);
	long c = (long)(bench_rng_next(r) % (uint64_t)(n - 1));
	if (c >= d)
		c++;
	*debit = d;
	*credit = c;
	*amount = 1 + (int64_t)(bench_rng_next(r) % BENCH_AMOUNT_MAX);
}

/** Monotonic seconds. */
static inline double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/** What a benchmarked implementation offers the command loop. */
typedef struct bench_ops {
	const char *impl; /* "libbank", "bare", "statement" */
	void *ctx;
	/* Random-pair transfers in commits of the batch size until n have been attempted. */
	void (*batched)(void *ctx, long n);
	/* Untimed, before a single phase: switch to durability "full" or "normal". */
	void (*durability)(void *ctx, const char *durability);
	/* n random-pair transfers, one commit each, at the current durability. */
	void (*single)(void *ctx, long n);
	long *rows;    /* journal rows written so far */
	long *refused; /* transfers refused by the funds check so far */
	long *batch;   /* transfers per commit in batched(); bench_sweep() changes it */
} bench_ops;

/* Bytes this process has passed to write(2)/pwrite(2) so far (Linux); -1 elsewhere. */
static inline long long bench_wbytes(void)
{
	FILE *f = fopen("/proc/self/io", "r");
	char line[128];
	long long v = -1;
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "wchar: %lld", &v) == 1)
			break;
	fclose(f);
	return v;
}

/* CPU seconds (user + system) this process has used so far. */
static inline double bench_cpu(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/*
 * Hook for bench/sqlprof.c: when that library is preloaded (LD_PRELOAD), each timed
 * phase is bracketed by sqlprof_mark(name, n) and sqlprof_mark(NULL, n), and it prints
 * the time spent in each SQL statement during the phase. Absent, the weak reference is
 * NULL and nothing happens.
 */
extern void sqlprof_mark(const char *phase, long n) __attribute__((weak));

/** Runs one timed phase (batched phases run at durability full) and prints it. */
static inline void bench_phase(const bench_ops *ops, const char *phase, const char *durability, long n, long round)
{
	bool batched = strcmp(phase, "batched") == 0 || strcmp(phase, "sweep") == 0;
	char name[64];
	ops->durability(ops->ctx, batched ? "full" : durability); /* untimed */
	long before = *ops->rows, refused = *ops->refused;
	long long w0 = bench_wbytes();
	double c0 = bench_cpu();
	/* sqlprof adds up phases of the same name: a sweep's windows are named by batch size. */
	if (strcmp(phase, "sweep") == 0)
		snprintf(name, sizeof name, "%s sweep batch=%ld", ops->impl, *ops->batch);
	else
		snprintf(name, sizeof name, "%s %s %s", ops->impl, phase, durability);
	if (sqlprof_mark)
		sqlprof_mark(name, n);
	double t0 = bench_now();
	if (batched)
		ops->batched(ops->ctx, n);
	else
		ops->single(ops->ctx, n);
	double seconds = bench_now() - t0;
	if (sqlprof_mark)
		sqlprof_mark(NULL, n);
	double cpu = bench_cpu() - c0;
	long long w1 = bench_wbytes();
	printf("result impl=%s phase=%s durability=%s round=%ld n=%ld refused=%ld seconds=%.6f tps=%.0f "
	       "cpu=%.6f wbytes=%lld journal_before=%ld journal_after=%ld batch=%ld\n",
	       ops->impl, phase, durability, round, n, *ops->refused - refused, seconds,
	       seconds > 0 ? (double)n / seconds : 0.0, cpu, w0 >= 0 && w1 >= 0 ? w1 - w0 : -1, before, *ops->rows,
	       batched ? *ops->batch : 1L);
	fflush(stdout);
}

/**
 * The command loop (--serve): prints "ready", then reads one command a line and
 * answers each with one result line, until "quit" or end of input:
 *   batched N [ROUND]              N transfers in batches
 *   single full|normal N [ROUND]   N transfers, one commit each
 * Returns 0, or 2 on a malformed command.
 */
static inline int bench_serve(const bench_ops *ops)
{
	char line[256];
	printf("ready impl=%s journal=%ld\n", ops->impl, *ops->rows);
	fflush(stdout);
	while (fgets(line, sizeof line, stdin)) {
		char phase[16], dur[16];
		long n = 0, round = 0;
		if (sscanf(line, "%15s", phase) != 1)
			continue;
		if (!strcmp(phase, "quit"))
			break;
		if (!strcmp(phase, "batched") && sscanf(line, "%*s %ld %ld", &n, &round) >= 1 && n >= 0)
			bench_phase(ops, "batched", "full", n, round);
		else if (!strcmp(phase, "single") && sscanf(line, "%*s %15s %ld %ld", dur, &n, &round) >= 2 && n >= 0 &&
			 (!strcmp(dur, "full") || !strcmp(dur, "normal")))
			bench_phase(ops, "single", dur, n, round);
		else {
			fprintf(stderr, "%s: bad command: %s", ops->impl, line);
			return 2;
		}
	}
	return 0;
}

/*
 * --batch-sweep LIST: the batch sizes (comma-separated, each 1 to BENCH_BATCH_MAX) of
 * the sweep windows. Returns how many were stored in sizes[max], or -1 for a malformed
 * or over-long list.
 */
#define BENCH_BATCH_MAX 100000
#define BENCH_SWEEP_MAX 8
static inline int bench_parse_sweep(const char *s, long *sizes, int max)
{
	int n = 0;
	while (*s) {
		char *end;
		errno = 0;
		long v = strtol(s, &end, 10);
		if (errno || end == s || v < 1 || v > BENCH_BATCH_MAX || n == max || (*end && *end != ','))
			return -1;
		sizes[n++] = v;
		if (*end == ',' && end[1] == '\0')
			return -1; /* a trailing comma */
		s = *end ? end + 1 : end;
	}
	return n > 0 ? n : -1;
}

/* The value of --batch-sweep for program prog: the sizes' count, or a message and exit 2. */
static inline int bench_sweep_arg(const char *prog, const char *v, long sizes[BENCH_SWEEP_MAX])
{
	int n = bench_parse_sweep(v, sizes, BENCH_SWEEP_MAX);
	if (n < 0) {
		fprintf(stderr, "%s: bad --batch-sweep: %s (up to %d sizes, 1 to %d)\n", prog, v, BENCH_SWEEP_MAX,
			BENCH_BATCH_MAX);
		exit(2);
	}
	return n;
}

/*
 * The batch-size sweep, after the script: one more batched window per size in sizes,
 * printed as phase=sweep with its batch=. A window is at least 20 commits (n = the
 * larger of window and 20 x size), so that checkpoints, which come every few commits of
 * a large batch, are averaged over. Each window continues the journal where the last
 * left it (journal_before says where). The batch size is restored afterwards.
 */
static inline void bench_sweep(const bench_ops *ops, long window, const long *sizes, int count)
{
	long saved = *ops->batch;
	for (int i = 0; i < count; i++) {
		*ops->batch = sizes[i];
		bench_phase(ops, "sweep", "full", window > 20 * sizes[i] ? window : 20 * sizes[i], 0);
	}
	*ops->batch = saved;
}

/** Without --serve: the batched window, then the single windows asked for. */
static inline void bench_script(const bench_ops *ops, long window, long single, const char *durability)
{
	bench_phase(ops, "batched", "full", window, 0);
	if (!strcmp(durability, "full") || !strcmp(durability, "both"))
		bench_phase(ops, "single", "full", single, 0);
	if (!strcmp(durability, "normal") || !strcmp(durability, "both"))
		bench_phase(ops, "single", "normal", single, 0);
}

/*
 * --checkpointer MS: a thread that runs a PASSIVE checkpoint every MS milliseconds
 * through its own connection, while the program's commits never checkpoint (libbank:
 * BANK_WAL_AUTOCHECKPOINT_OFF; the floors: wal_autocheckpoint=0). Copying the WAL into
 * the database then costs the committing thread nothing; the process's CPU and bytes
 * written still count it (they are per process).
 */
typedef struct bench_ckpt {
	int (*run)(void *ctx); /* one PASSIVE checkpoint: 0 done or busy, -1 failed */
	void *ctx;             /* the thread's own connection */
	long ms;
	int stop;
	long runs;
	pthread_t th;
} bench_ckpt;

static inline void *bench_ckpt_main(void *arg)
{
	bench_ckpt *c = arg;
	struct timespec pause = {c->ms / 1000, (c->ms % 1000) * 1000000L};
	while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
		if (c->run(c->ctx) != 0) {
			fprintf(stderr, "checkpointer: a checkpoint failed\n");
			break;
		}
		c->runs++;
		nanosleep(&pause, NULL);
	}
	return NULL;
}

static inline int bench_ckpt_start(bench_ckpt *c)
{
	return pthread_create(&c->th, NULL, bench_ckpt_main, c);
}

static inline void bench_ckpt_stop(bench_ckpt *c)
{
	__atomic_store_n(&c->stop, 1, __ATOMIC_RELEASE);
	pthread_join(c->th, NULL);
	fprintf(stderr, "checkpointer: %ld checkpoints\n", c->runs);
}

#endif
