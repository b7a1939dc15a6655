/*
 * rt.h: helpers shared by the reliability tests (crash, power loss, fault injection,
 * concurrency).
 *
 * A failed setup step is fatal (rt_die: the test cannot say anything); a broken promise
 * of the library is a violation (rt_violation: counted, printed, and the test goes on
 * so one run reports every violation it can see). Each test ends with one summary line
 * "<name>: N passed, M failed" and exits nonzero when anything was violated.
 */
#ifndef LIBBANK_RT_H
#define LIBBANK_RT_H

#include <stddef.h>
#include <stdint.h>

#include "bank.h"

struct sqlite3;

/* ---- Reporting ---- */

/** Violations found so far in this process. */
extern long rt_violations;

/** Prints "VIOLATION: ..." on stderr and counts it. */
void rt_violation(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Prints "FATAL: ..." and "<program>: stopped early (fatal); violations N" on stderr and
 * exits with status 2. */
void rt_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/** Dies unless @p rc is BANK_OK, naming the call and bank_error_last(). */
#define RT_OK(call) rt_ok_((call), #call, __FILE__, __LINE__)
void rt_ok_(int rc, const char *what, const char *file, int line);
/** Prints "LOG: ..." on stderr when BANK_RT_VERBOSE is set. */
void rt_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- Parameters and randomness ---- */

/**
 * An integer parameter: argv[@p idx] when given, else the environment variable @p env,
 * else @p def.
 */
long rt_param(int argc, char **argv, int idx, const char *env, long def);

/** splitmix64: small, fast, good enough to pick test actions. */
typedef struct rt_rng {
	uint64_t s;
} rt_rng;
uint64_t rt_next(rt_rng *r);
/** Uniform in [0, n) (n > 0). */
uint64_t rt_below(rt_rng *r, uint64_t n);
/** A seed: $BANK_RT_SEED when set, else time and pid. Printed so a run can be repeated. */
uint64_t rt_seed(const char *test);

/* ---- Files ---- */

/** A fresh directory under $TMPDIR (or /tmp). */
void rt_tmpdir(char *out, size_t size, const char *tag);
/** Removes the files of @p dir and the directory. */
void rt_rmdir(const char *dir);
/** Removes path, path-wal and path-shm. */
void rt_unlink_db(const char *path);

/* ---- Banks ---- */

/** Fixed clock origin of the tests' seeded banks. */
#define RT_T0 ((bank_time)1772442000 * 1000000)

#define RT_BRANCH "HQ"
#define RT_PRODUCT "CUR-USD"
/** The product's minimum balance and overdraft, in cents (the workload model needs them). */
#define RT_MIN_BALANCE 100
#define RT_OVERDRAFT 0

/** Options: durability @p d, busy timeout 10 s, system clock, seeded ids when seed != 0. */
void rt_options(bank_options *o, bank_durability d, uint64_t seed);

/**
 * Fills an empty bank: branch RT_BRANCH, product RT_PRODUCT, one customer, @p n accounts
 * (numbers into @p numbers), each funded with @p funds by a deposit with id "init-<i>".
 */
void rt_populate(bank *b, int n, int64_t funds, char numbers[][BANK_ACCOUNT_NUMBER_SIZE]);

/** The SQLite connection under a handle (tests may use SQLite directly). */
struct sqlite3 *rt_db(bank *b);

/** One integer from @p sql with an optional text parameter ?1; dies on an SQL error. */
int64_t rt_int(bank *b, const char *sql, const char *arg);

/** How many journal rows carry transfer id @p id. */
int64_t rt_id_count(bank *b, const char *id);

/**
 * Journal rows without an audit record (invariant 4): a movement's record names it
 * ("transfer:ID"); a batch writes one record for all it created, naming the first and
 * giving first_seq and last_seq in its details.
 */
int64_t rt_unaudited(bank *b);

/**
 * Whole-database checks: bank_verify() finds nothing, PRAGMA integrity_check is ok, and
 * every journal row has its audit record (rt_unaudited()). Each problem is a violation;
 * returns how many.
 */
long rt_check_db(bank *b, const char *when);

#endif
