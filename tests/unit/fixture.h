/*
 * fixture.h: the shared unit-test fixture and helpers.
 *
 * The fixture is "an open in-memory bank with a branch, a USD product, a EUR product, a
 * customer and two funded USD accounts", driven by a controllable clock (fx_now, which
 * the test advances) and seeded ids, so every run is reproducible.
 *
 * The style guide's rule "every bad-input test asserts both the error code and that
 * nothing changed" is FX_REFUSE(): it snapshots the whole database (every table's rows,
 * plus every account's balance and pending through the API), runs the call, checks the
 * returned code and bank_error_last(), and compares the snapshot.
 */
#ifndef LIBBANK_TEST_FIXTURE_H
#define LIBBANK_TEST_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bank.h"

struct sqlite3;

/* ---- Time ---- */

/** One second and one day in bank_time units. */
#define FX_SEC ((bank_time)1000000)
#define FX_DAY ((bank_time)86400 * FX_SEC)
/** 2026-03-02T09:00:00Z: the fixture's clock starts here. */
#define FX_T0 ((bank_time)1772442000 * FX_SEC)
/** The day number (days since 1970-01-01) of 2026-03-02. */
#define FX_D0 20514

/** The fixture clock: every handle the fixture opens reads this variable. */
extern bank_time fx_now;
/** The clock function (ctx unused) handed to bank_open. */
bank_time fx_clock(void *ctx);
/** Moves the fixture clock forward by @p seconds (may be negative). */
void fx_advance(int64_t seconds);

/* ---- Fixture ---- */

/* SQL that undoes schema v4 on a closed database file (tests of the v3 -> v4 migration). */
#define FX_DOWNGRADE_V4                                                                    \
	"ALTER TABLE account DROP COLUMN recent; ALTER TABLE history DROP COLUMN entries;" \
	" PRAGMA user_version = 3;"

/* SQL that undoes schemas v4 and v3 on a closed database file (tests of the v2 -> v3
 * migration). */
#define FX_DOWNGRADE_V3                                                                                \
	"ALTER TABLE account DROP COLUMN recent;"                                                      \
	" DROP TRIGGER history_append_only_u; DROP TRIGGER history_append_only_d; DROP TABLE history;" \
	" ALTER TABLE transfer DROP COLUMN debit_prev; ALTER TABLE transfer DROP COLUMN credit_prev;"  \
	" ALTER TABLE account DROP COLUMN last_seq; ALTER TABLE account DROP COLUMN postings;"         \
	" CREATE INDEX transfer_debit ON transfer(debit_id, seq);"                                     \
	" CREATE INDEX transfer_credit ON transfer(credit_id, seq);"                                   \
	" PRAGMA user_version = 2;"

#define FX_SEED 42
#define FX_BRANCH "HQ"
#define FX_USD "SAV-USD"   /* savings, USD, no minimum, no overdraft, 2.5% */
#define FX_EUR "SAV-EUR"   /* savings, EUR, no minimum, no overdraft, 1% */
#define FX_A1_FUNDS 100000 /* 1000.00 USD, deposit id "fx-fund-1" */
#define FX_A2_FUNDS 50000  /* 500.00 USD, deposit id "fx-fund-2" */

typedef struct fx {
	bank *b;
	char dir[128];                       /* temp directory of a file-backed bank, "" in memory */
	char path[192];                      /* its database file, ":memory:" in memory */
	int64_t customer;                    /* the customer's id */
	char a1[BANK_ACCOUNT_NUMBER_SIZE];   /* funded with FX_A1_FUNDS */
	char a2[BANK_ACCOUNT_NUMBER_SIZE];   /* funded with FX_A2_FUNDS */
	char cash[BANK_ACCOUNT_NUMBER_SIZE]; /* HQ's USD cash vault */
} fx;

/** cmocka setup: the fixture in memory (state receives an fx *). Clock at FX_T0 + 60 s. */
int fx_setup(void **state);
/** cmocka setup: the same fixture in a file in a fresh temp directory. */
int fx_setup_file(void **state);
/** cmocka teardown of either: closes the bank, removes the temp directory. */
int fx_teardown(void **state);

/** Options with the fixture clock and seed FX_SEED. */
void fx_options(bank_options *o);
/* bank_options.statement_records of the handles the fixture opens: 1 (kept) unless a
 * test sets it before opening. */
extern int fx_statement_records;
/** Opens a bare bank (no data) with fx_options() and @p seed; asserts success. */
bank *fx_open_bare(const char *path, uint64_t seed);
/** Closes and reopens the fixture's file-backed bank. */
void fx_reopen(fx *f);

/** A fresh temp directory (mkdtemp) in @p dir; asserts success. */
void fx_tmpdir(char *dir, size_t size);
/** Removes every file in @p dir and the directory. */
void fx_rmdir(const char *dir);

/** The SQLite connection of a handle (tests may use SQLite directly). */
struct sqlite3 *fx_sqlite(bank *b);

/* ---- Shortcuts that assert success ---- */

/** Adds a product; asserts BANK_OK. */
void fx_product(bank *b, const char *code, const char *currency, bank_product_kind kind, int64_t min_balance,
		int64_t overdraft);
/** Opens an account for @p customer on @p product at FX_BRANCH; asserts BANK_OK. */
void fx_open_account(bank *b, int64_t customer, const char *product, char out[BANK_ACCOUNT_NUMBER_SIZE]);
/** Deposits @p amount with a generated id; asserts BANK_OK. */
void fx_deposit(bank *b, const char *account, int64_t amount);
/** The account's posted balance (bank_balance_get). */
int64_t fx_balance(bank *b, const char *account);
/** The account's pending (held) amount (bank_balance_get). */
int64_t fx_pending(bank *b, const char *account);
/** The account's available amount (bank_balance_get). */
int64_t fx_available(bank *b, const char *account);
/** The number of audit records. */
int64_t fx_audit_count(bank *b);
/** The seq of the newest audit record, 0 when none. */
int64_t fx_audit_last_seq(bank *b);
/**
 * Finds an audit record with seq > @p after whose action contains @p action and whose
 * details or object contain each of the NULL-terminated strings that follow. Returns its seq,
 * or 0 when none does. Checks its principal is bank_principal(b).
 */
int64_t fx_audit_find(bank *b, int64_t after, const char *action, ...);
/** Number of rows of an SQL count query on the handle's connection. */
int64_t fx_count(bank *b, const char *sql);
/**
 * Walks the account's whole statement and asserts every entry's balance_after is the
 * running sum of the amounts (from 0) and the last equals the current balance.
 * Returns the number of entries.
 */
size_t fx_check_balance_after(bank *b, const char *account);
/** Asserts bank_verify() finds nothing. */
void fx_verify_clean(bank *b);

/** Makes a 12-digit number with valid MOD 97-10 check digits from a 10-digit base. */
void fx_number_make(uint64_t base, char out[BANK_ACCOUNT_NUMBER_SIZE]);

/* ---- Nothing changed ---- */

typedef struct fx_table {
	char name[64];
	int64_t rows;
	uint64_t hash;
} fx_table;

typedef struct fx_snap {
	size_t ntables;
	fx_table tables[64];
	size_t naccounts;
	struct {
		char number[BANK_ACCOUNT_NUMBER_SIZE];
		int64_t balance, pending;
		char status[16];
		unsigned int frozen;
	} accounts[256];
	int64_t audit_count;
} fx_snap;

/** Records the bank's whole state. */
void fx_snap_take(fx_snap *s, bank *b);
/** Fails the test (naming @p what) when the bank's state differs from @p s. */
void fx_snap_check(const fx_snap *s, bank *b, const char *what, const char *file, int line);

/** Checks a refusal: @p rc must be @p code, and so must bank_error_last(). */
void fx_expect_code(int rc, int code, const char *what, const char *file, int line);

/**
 * Runs @p call, which must fail with @p code and change nothing (FX_REFUSE needs a
 * statement-scoped snapshot, so it is a macro).
 */
#define FX_REFUSE(b, code, call)                                           \
	do {                                                               \
		fx_snap *fx_s_ = fx_snap_new(b);                           \
		bank_error_clear();                                        \
		int fx_rc_ = (call);                                       \
		fx_expect_code(fx_rc_, (code), #call, __FILE__, __LINE__); \
		fx_snap_check(fx_s_, (b), #call, __FILE__, __LINE__);      \
		fx_snap_free(fx_s_);                                       \
	} while (0)

fx_snap *fx_snap_new(bank *b);
void fx_snap_free(fx_snap *s);

/** Asserts a bank call succeeded, printing the error message when it did not. */
#define FX_OK(call) fx_expect_code((call), BANK_OK, #call, __FILE__, __LINE__)

/** Signed 64-bit equality with readable output. */
#define FX_EQ(a, b) fx_eq_i64((int64_t)(a), (int64_t)(b), #a, #b, __FILE__, __LINE__)
void fx_eq_i64(int64_t a, int64_t b, const char *sa, const char *sb, const char *file, int line);

#endif
