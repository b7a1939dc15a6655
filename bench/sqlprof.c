/*
 * sqlprof.c: where a benchmark phase spends its time, statement by statement.
 *
 * An LD_PRELOAD library that wraps sqlite3_step() and sqlite3_exec() (libbank and the
 * floors call SQLite through its shared library, so the wrappers see every call) and
 * times each call by its SQL text. workload.h brackets each timed phase with
 * sqlprof_mark(name, n) ... sqlprof_mark(NULL, n); phases of the same name (the
 * runner's rounds) add up. At exit it prints, to stderr or to the file named by
 * SQLPROF_OUT (appended), per phase, one line per statement: calls per transfer,
 * microseconds per transfer, share of the phase's wall time, sorted by time. Nothing
 * is recorded outside a phase. Not thread-safe (the benchmarks are single-threaded).
 * `bench/run.sh --profile` preloads it into all three programs.
 *
 *   LD_PRELOAD=build/bench/libsqlprof.so build/bench/bench_ledger --db /tmp/x.db \
 *       --journal 100000
 *
 * Steps that run inside sqlite3_exec() count towards the exec'd text only. COMMIT
 * includes the WAL write, the fsync and any automatic checkpoint.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#define SQLPROF_SLOTS 256
#define SQLPROF_PHASES 8

typedef int (*step_fn)(sqlite3_stmt *);
typedef int (*exec_fn)(sqlite3 *, const char *, int (*)(void *, int, char **, char **), void *, char **);

struct slot {
	char *sql;
	unsigned long long hash;
	long calls;
	double seconds;
};

/* A phase accumulates over every bracket with its name (the runner's rounds). */
struct phase {
	char name[64];
	long n;
	double wall;
	struct slot slots[SQLPROF_SLOTS];
};

static struct phase phases[SQLPROF_PHASES];
static struct phase *cur; /* the phase being timed, or NULL */
static int depth;
static double phase_start;
static step_fn real_step;
static exec_fn real_exec;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned long long fnv1a(const char *s)
{
	unsigned long long h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void record(const char *sql, double seconds)
{
	if (sql == NULL)
		sql = "(null)";
	unsigned long long h = fnv1a(sql);
	for (size_t n = 0; n < SQLPROF_SLOTS; n++) {
		struct slot *s = &cur->slots[(h + n) % SQLPROF_SLOTS];
		if (s->sql == NULL) {
			s->sql = strdup(sql);
			s->hash = h;
		} else if (s->hash != h || strcmp(s->sql, sql) != 0) {
			continue;
		}
		s->calls++;
		s->seconds += seconds;
		return;
	}
}

int sqlite3_step(sqlite3_stmt *st)
{
	if (real_step == NULL)
		*(void **)&real_step = dlsym(RTLD_NEXT, "sqlite3_step"); /* POSIX: dlsym to a function */
	if (cur == NULL || depth > 0)
		return real_step(st);
	double t0 = now();
	int rc = real_step(st);
	record(sqlite3_sql(st), now() - t0);
	return rc;
}

int sqlite3_exec(sqlite3 *db, const char *sql, int (*cb)(void *, int, char **, char **), void *arg, char **err)
{
	if (real_exec == NULL)
		*(void **)&real_exec = dlsym(RTLD_NEXT, "sqlite3_exec");
	if (cur == NULL || depth > 0)
		return real_exec(db, sql, cb, arg, err);
	double t0 = now();
	depth++;
	int rc = real_exec(db, sql, cb, arg, err);
	depth--;
	record(sql, now() - t0);
	return rc;
}

static int by_time(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	return (x->seconds < y->seconds) - (x->seconds > y->seconds);
}

static void report(FILE *out, struct phase *p)
{
	struct slot sorted[SQLPROF_SLOTS] = {{0}};
	size_t k = 0;
	double in_sql = 0, n = p->n > 0 ? (double)p->n : 1;
	for (size_t i = 0; i < SQLPROF_SLOTS; i++)
		if (p->slots[i].sql != NULL)
			sorted[k++] = p->slots[i];
	qsort(sorted, k, sizeof *sorted, by_time);
	fprintf(out, "sqlprof: %s: %ld transfers, %.3f s, %.1f us per transfer\n", p->name, p->n, p->wall,
		p->wall * 1e6 / n);
	fprintf(out, "  %8s %9s %6s  %s\n", "calls/tx", "us/tx", "share", "statement");
	for (size_t i = 0; i < k; i++) {
		char text[161];
		size_t j = 0;
		for (const char *c = sorted[i].sql; *c && j < sizeof text - 1; c++)
			text[j++] = (*c == '\n' || *c == '\t') ? ' ' : *c;
		text[j] = '\0';
		fprintf(out, "  %8.3f %9.2f %5.1f%%  %s\n", (double)sorted[i].calls / n, sorted[i].seconds * 1e6 / n,
			100.0 * sorted[i].seconds / p->wall, text);
		in_sql += sorted[i].seconds;
	}
	fprintf(out, "  %8s %9.2f %5.1f%%  (outside sqlite3_step/exec: the caller's code, binds, resets)\n", "",
		(p->wall - in_sql) * 1e6 / n, 100.0 * (p->wall - in_sql) / p->wall);
}

/* At exit: every phase, to SQLPROF_OUT (appended) or stderr. */
static void report_all(void) __attribute__((destructor));
static void report_all(void)
{
	const char *path = getenv("SQLPROF_OUT");
	FILE *out = path ? fopen(path, "a") : NULL;
	for (size_t i = 0; i < SQLPROF_PHASES && phases[i].name[0]; i++)
		report(out ? out : stderr, &phases[i]);
	if (out)
		fclose(out);
}

/* Called by workload.h's bench_phase: a name starts a phase, NULL ends it. */
void sqlprof_mark(const char *name, long n);
void sqlprof_mark(const char *name, long n)
{
	if (name == NULL) {
		if (cur != NULL) {
			cur->n += n;
			cur->wall += now() - phase_start;
		}
		cur = NULL;
		return;
	}
	for (size_t i = 0; i < SQLPROF_PHASES; i++) {
		if (phases[i].name[0] == '\0')
			snprintf(phases[i].name, sizeof phases[i].name, "%s", name);
		if (strcmp(phases[i].name, name) == 0) {
			cur = &phases[i];
			phase_start = now();
			return;
		}
	}
}
