/*
 * internal.h: what lib/ files share and no one else sees.
 *
 * Layers (arrows point down only):
 *   domain: branch product customer account ledger report verify audit
 *   core:   error money currency timeutil json id db schema handle
 * Only db.c calls SQLite. Domain files reach the database through the bank__q_* and
 * bank__tx_* helpers below, which keep SQLite's extended code in the error record.
 */
#ifndef BANK_INTERNAL_H
#define BANK_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bank.h"

#if defined(__GNUC__) || defined(__clang__)
#define BANK__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define BANK__PRINTF(f, a)
#endif

/** 128-bit integers for intermediate money arithmetic (GCC and Clang). */
__extension__ typedef __int128 bank__i128;

/* ---- Errors (error.c) ---- */

/** Sets this thread's last error and returns @p code (so: return bank__err(...)). */
int bank__err(int code, const char *fmt, ...) BANK__PRINTF(2, 3);
/** Same, recording SQLite's extended result code too. */
int bank__err_sqlite(int code, int sqlite_code, const char *fmt, ...) BANK__PRINTF(3, 4);
/** bank__err(BANK_ENOMEM, ...). */
int bank__oom(void);

/** This thread's last error code as a failure (never BANK_OK), for returning after a helper set it. */
static inline int bank__last_code(void)
{
	int c = bank_error_last()->code;
	return c < 0 ? c : BANK_EMISUSE;
}

/* Tell the static analyzer that the error setters return their code. */
#if defined(__clang_analyzer__) && !defined(BANK__ERROR_C)
#define bank__err(code, ...) ((bank__err)(code, __VA_ARGS__), (code))
#define bank__err_sqlite(code, sc, ...) ((bank__err_sqlite)(code, sc, __VA_ARGS__), (code))
#define bank__oom() ((bank__oom)(), BANK_ENOMEM)
#endif

/* ---- Memory and strings ---- */

/** strdup that returns NULL only when @p s is NULL or memory is out. */
char *bank__strdup(const char *s);
/** Copies src into dst[size] (truncating, always terminated); returns the length copied. */
size_t bank__copy(char *dst, size_t size, const char *src);
/** strdup of s, or of "" when s is NULL. */
char *bank__strdup0(const char *s);

/**
 * Makes room for @p need elements of @p elem_size in *arrp (a pointer to the array
 * pointer), doubling *cap. BANK_OK or BANK_ENOMEM (the array is unchanged).
 */
int bank__grow(void *arrp, size_t elem_size, size_t need, size_t *cap);

/** A growable string (for JSON details, messages). */
typedef struct bank__buf {
	char *data;
	size_t len, cap;
	bool failed; /* an allocation failed: data is unusable */
} bank__buf;

void bank__buf_init(bank__buf *b);
void bank__buf_free(bank__buf *b);
void bank__buf_puts(bank__buf *b, const char *s);
void bank__buf_putc(bank__buf *b, char c);
void bank__buf_printf(bank__buf *b, const char *fmt, ...) BANK__PRINTF(2, 3);
/** Appends @p s as a JSON string literal with quotes (NULL gives null). */
void bank__buf_json_str(bank__buf *b, const char *s);

/**
 * JSON object builder for audit details: bank__json_begin, then key/value calls,
 * then bank__json_end. Keys are trusted literals.
 */
void bank__json_begin(bank__buf *b);
void bank__json_str(bank__buf *b, const char *key, const char *value);
void bank__json_int(bank__buf *b, const char *key, int64_t value);
void bank__json_end(bank__buf *b);

/* ---- Time (timeutil.c) ---- */

/** The system clock in microseconds. */
bank_time bank__clock_system(void);
/** Days since 1970-01-01 of a proleptic Gregorian date (m 1..12, d 1..31), and back. */
int64_t bank__days_from_civil(int64_t y, unsigned m, unsigned d);
void bank__civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

/* ---- Time zones (tz.c) ---- */

/** A loaded time zone: immutable once loaded, so const uses are thread-safe. */
typedef struct bank__tz bank__tz;

/**
 * Loads a zone: NULL, "UTC", "Z", "utc", "+HH:MM"/"-HH:MM" (HH <= 14), or a tz database
 * name read from $TZDIR (default /usr/share/zoneinfo). *out is the caller's (bank__tz_free).
 * BANK_EINVAL (unknown or invalid name, malformed file), BANK_EIO, BANK_ENOMEM; *out NULL.
 */
int bank__tz_load(bank__tz **out, const char *spec);
/** Same, from the bytes of a TZif file; @p name is for messages only. */
int bank__tz_load_tzif(bank__tz **out, const void *data, size_t size, const char *name);
/** Frees a zone; NULL is a no-op. */
void bank__tz_free(bank__tz *z);
/** Seconds east of UTC in effect at UTC second @p t (a NULL zone is UTC). */
int32_t bank__tz_offset(const bank__tz *z, int64_t t);
/** The first UTC second whose local date is >= @p day (days since 1970-01-01, |day| < 2^40). */
int64_t bank__tz_day_start(const bank__tz *z, int64_t day);

/* ---- Ids (id.c) ---- */

/** A random-number source: libsodium, or a deterministic stream from a seed. */
typedef struct bank__rng {
	bool seeded;
	uint64_t seed;
	uint64_t state[4];
} bank__rng;

void bank__rng_init(bank__rng *r, bool seeded, uint64_t seed);
void bank__rng_bytes(bank__rng *r, void *buf, size_t n);
/**
 * Seeded generators only: restarts the stream from (seed, salt). Callers salt with the
 * database's state (the next row id), so a bank reopened with the same seed continues
 * with fresh values instead of replaying the ones it already issued. No-op unseeded.
 */
void bank__rng_reseed(bank__rng *r, uint64_t salt);
uint64_t bank__rng_u64(bank__rng *r);
/** A UUIDv7 for time @p now, strictly greater than @p last (36 chars + NUL). */
void bank__uuid7(bank__rng *r, bank_time now, unsigned char last[16], char out[37]);
/** The canonical text of a UUID: lowercase hex, dashes after bytes 4, 6, 8 and 10. */
void bank__uuid_text(const unsigned char u[16], char out[37]);
/** Computes the 12-digit number for a 10-digit base (check digits appended). */
void bank__account_number_make(uint64_t base10, char out[BANK_ACCOUNT_NUMBER_SIZE]);
/** The integer a 12-digit account number spells (its 12 characters must be digits). */
uint64_t bank__account_number_value(const char *number);
/** The 12-digit text of an account number's integer value (zero-padded). */
void bank__account_number_text(uint64_t value, char out[BANK_ACCOUNT_NUMBER_SIZE]);

/* ---- Database (db.c) ---- */

/** A prepared statement from the handle's cache (an opaque sqlite3_stmt). */
typedef struct bank__q bank__q;

struct sqlite3;

/**
 * Returns the cached statement for @p sql, preparing it on first use. @p sql must be a
 * string literal (its address is the cache key). The statement is reset and its
 * bindings cleared. Returns NULL and sets the error on failure.
 */
bank__q *bank__q_get(bank *b, const char *sql);
/** Bind by 1-based index. Errors surface at bank__q_step. */
void bank__q_int(bank__q *q, int i, int64_t v);
void bank__q_text(bank__q *q, int i, const char *v); /* NULL binds NULL; not copied: v must live until the step */
void bank__q_null(bank__q *q, int i);
/** Binds a blob (not copied: it must live until the step); NULL binds NULL, n 0 an empty blob. */
void bank__q_blob(bank__q *q, int i, const void *v, size_t n);
/** Steps: 1 a row, 0 done, < 0 error (set, with SQLite's code). */
int bank__q_step(bank__q *q);
/** Step expecting completion (an INSERT/UPDATE): BANK_OK or error. Resets. */
int bank__q_exec(bank__q *q);
/** Column readers for the current row. */
int64_t bank__q_col_int(bank__q *q, int col);
const char *bank__q_col_text(bank__q *q, int col); /* "" for NULL; valid until next step/reset */
bool bank__q_col_null(bank__q *q, int col);
/** A blob column and its length; NULL for NULL and for an empty blob. */
const void *bank__q_col_blob(bank__q *q, int col, size_t *n);
/** Resets the statement (releases its read locks). Safe on NULL. */
void bank__q_reset(bank__q *q);
/**
 * Steps @p q to the end, appending one element per row to the array *arrp (elements of
 * @p elem_size, *count of them so far, grown as needed): @p row fills the slot from the
 * current row. Resets @p q. BANK_OK, or the first error (the elements collected so far
 * stay counted, for the caller to free).
 */
int bank__collect(bank__q *q, void *arrp, size_t elem_size, size_t *count, int (*row)(void *slot, bank__q *q));
/**
 * Runs @p sql (a literal selecting one id by one text parameter) for @p code: BANK_OK
 * with *id, BANK_ENOTFOUND "no <what> with code ..." or a database error.
 */
int bank__id_by_code(bank *b, const char *sql, const char *what, const char *code, int64_t *id);
/** Row id of the last INSERT on the handle. */
int64_t bank__last_rowid(bank *b);
/** Rows changed by the last INSERT/UPDATE/DELETE on the handle. */
int64_t bank__changes(bank *b);
/** Executes SQL text with no results (DDL, PRAGMA). */
int bank__exec(bank *b, const char *sql);
/**
 * Maps a failed constraint to a libbank code: UNIQUE -> BANK_EEXISTS and so on; other
 * SQLite failures -> BANK_EBUSY / BANK_EIO / BANK_ECORRUPT / BANK_ENOMEM.
 */
int bank__sqlite_status(int sqlite_code);

/** Begins a write transaction (BEGIN IMMEDIATE, retried on busy within the timeout). */
int bank__tx_begin(bank *b);
/** Begins a read transaction (a consistent snapshot for multi-query reads). */
int bank__tx_begin_read(bank *b);
int bank__tx_commit(bank *b);
/** Rolls back; keeps this thread's last error intact. */
void bank__tx_rollback(bank *b);
int bank__savepoint(bank *b);
int bank__savepoint_release(bank *b);
void bank__savepoint_rollback(bank *b);

/** Opens the connection (b->busy_timeout_ms set); BANK_ENOTFOUND when missing and !create. */
int bank__db_open(bank *b, const char *path, bool create);
/** Finalizes cached statements and closes the connection. */
void bank__db_close(bank *b);
/** sqlite3_wal_checkpoint_v2 in SQLite's @p mode; the WAL's size and the pages copied (0 without a WAL). */
int bank__db_checkpoint(bank *b, int mode, int64_t *wal_pages, int64_t *copied);
/** Finalizes every cached statement. */
void bank__db_cache_clear(bank *b);

/** After a rollback: forgets the cached numbers of accounts the transaction inserted, and
 * the cached time -> position answer. */
void bank__numcache_rollback(bank *b);
/** Frees the account number cache. */
void bank__numcache_free(bank *b);

/** Runs @p fn inside one write transaction: begin, fn, commit; rollback when fn fails. */
int bank__write(bank *b, int (*fn)(bank *b, void *ctx), void *ctx);

/* ---- The handle (handle.c) ---- */

#define BANK__STMT_CACHE 128
/* The account number cache covers ids below this: 8 bytes per id and 8 per account in the
 * hash, 64 MiB at most; accounts above it are looked up in the database. */
#define BANK__NUMCACHE_MAX_ID (INT64_C(1) << 22)

struct bank {
	struct sqlite3 *db;
	char *path;
	bool memory;
	bool statement_records; /* bank_options.statement_records: postings keep posting records */
	bank_durability durability;
	int busy_timeout_ms;
	bank__tz *tz; /* the bank's time zone (tz.c), owned; never NULL once open */
	bank_clock_fn clock;
	void *clock_ctx;
	bank_time last_now;
	bank__rng rng;
	unsigned char last_uuid[16];
	char principal[64];
	int tx_depth;
	struct {
		const char *sql;
		void *stmt;
	} cache[BANK__STMT_CACHE];
	/* Account number <-> row id (account.c). Numbers never change and accounts are
	 * never deleted, so entries stay true across processes, except for the ids of
	 * accounts this handle's open transaction inserted (a rollback may give them to
	 * other numbers): first_new_id is the lowest of those, 0 for none. */
	struct {
		uint64_t *number_of; /* by id: the number's 12 digits as an integer, 0 unknown */
		size_t ids;          /* length of number_of */
		uint32_t *slots;     /* open addressing on the number: ids, 0 empty */
		size_t nslots;       /* 0 or a power of two */
		size_t used;
		int64_t first_new_id;
	} numcache;
	/* Last answer of report.c's time -> journal position search (cleared on rollback). */
	bool seq_at_valid;
	bank_time seq_at_time;
	int64_t seq_at_seq;
};

/* ---- Schema (schema.c) ---- */

/** Creates or migrates the schema inside one transaction; refuses foreign or newer databases. */
int bank__schema_migrate(bank *b);
#define BANK__APPLICATION_ID 0x42414e4b /* "BANK" */

/* ---- Authorization and audit (audit.c) ---- */

/**
 * The one authorization check every public entry point calls, with an action name
 * ("account.open") and the object it touches (or NULL). BANK_OK or BANK_EPERM.
 */
int bank__authorize(bank *b, const char *action, const char *object);
/** Appends an audit record inside the current transaction. details: a JSON object or NULL. */
int bank__audit(bank *b, bank_time at, const char *action, const char *object, const char *details);

/* ---- Shared domain helpers ---- */

/** Checks a branch/product code: 1-16 of [A-Za-z0-9_-]. */
int bank__check_code(const char *what, const char *code);
/** Checks display text: 1..max bytes, valid UTF-8, no control characters. */
int bank__check_text(const char *what, const char *text, size_t max, bool required);

/** Internal account (by branch id, currency, kind), created on first use (in a write tx). */
int bank__internal_account(bank *b, int64_t branch_id, const char *currency, bank_account_kind kind,
			   int64_t *account_id);
/** Resolves a customer account number to its row id (with the check-digit test). */
int bank__account_id(bank *b, const char *number, int64_t *id);
/** The number of account @p id when the handle's cache has it (no database access). */
bool bank__account_number_cached(const bank *b, int64_t id, char out[BANK_ACCOUNT_NUMBER_SIZE]);
/** Tells the cache that account @p id has @p number (read from the database). */
void bank__account_number_remember(bank *b, int64_t id, const char *number);
/** available = balance - pending - min_balance + overdraft for customers (clamped), balance otherwise. */
int64_t bank__available(int kind, int64_t balance, int64_t pending, int64_t min_balance, int64_t overdraft);
/** Releases an account's expired holds (own write transaction when needed). */
int bank__account_touch(bank *b, const char *number);
/** Releases the expired holds of one account (account_id > 0) or of all (0), in the current write tx. */
int bank__holds_expire(bank *b, int64_t account_id, bank_time now, size_t *released);

/**
 * Posts interest inside the caller's write transaction: debits the branch's interest-expense
 * account, credits the customer @p account (paid even when it is frozen for credits, never
 * when closed). Same id semantics as every movement (replay returns exists).
 */
int bank__ledger_interest(bank *b, const char *account, int64_t amount, const char *id, const char *memo, bank_time now,
			  bank_transfer **out);
/** The journal's current time (the clock, never before the last journal entry); in a transaction. */
int bank__ledger_now(bank *b, bank_time *now);

/* ---- Interest (interest.c) and the read it needs (report.c) ---- */

/** The posted balance of an account just before time @p t (postings at or after t excluded). */
int bank__balance_before_time(bank *b, int64_t account_id, bank_time t, int64_t *out);
/*
 * The posting chain (schema v3): every posted journal row links each of its accounts to
 * that account's previous posted row, and every BANK__HISTORY_BLOCK-th posting of an
 * account is indexed in history(account_id, last_seq). ledger.c writes it, report.c
 * reads it, verify.c checks it.
 */
#define BANK__HISTORY_BLOCK 16 /* also written in schema.c's v3 migration */

/*
 * Posting records (postrec.c, schema v4): the statement columns of one posting as its
 * account sees it. account.recent packs those of the account's postings since its last
 * history block (NULL: not known, for accounts carried over from schema v3), and
 * history.entries those of the block's BANK__HISTORY_BLOCK postings (NULL likewise).
 */
#define BANK__PREC_MAX 64 /* bytes one packed record takes at most */
typedef struct bank__prec {
	int64_t seq;            /* journal position */
	int64_t at;             /* created_at */
	int64_t amount;         /* > 0 */
	int64_t balance;        /* the account's balance after the posting */
	uint64_t other;         /* the other account's number, its 12 digits as an integer */
	int kind;               /* bank__prec_kind() */
	bool debit;             /* the account is the debit side */
	bool journal;           /* the id, memo or ref must be read from the journal row */
	unsigned char uuid[16]; /* the id, when !journal */
} bank__prec;
/** The index of a journal kind name, or -1. */
int bank__prec_kind(const char *name);
/** The kind name of index @p kind ("unknown" when out of range). */
const char *bank__prec_kind_name(int kind);
/** Packs @p id into r->uuid when it is a canonical lowercase UUID; false otherwise. */
bool bank__prec_set_id(bank__prec *r, const char *id);
/** The id of a record with !journal, as canonical text. */
void bank__prec_id(const bank__prec *r, char out[37]);
/**
 * The record of posting @p seq as one of its accounts sees it: @p debit when that account
 * is the debit side, @p other the other account's number, @p balance the account's
 * balance after it; @p memo_or_ref when the row has a memo or a ref.
 */
void bank__prec_make(bank__prec *r, int64_t seq, const char *kind, bool debit, const char *id, bool memo_or_ref,
		     bank_time at, int64_t amount, int64_t balance, const char *other);
/** Packs one record; returns its length (at most BANK__PREC_MAX). */
size_t bank__prec_encode(const bank__prec *r, unsigned char out[BANK__PREC_MAX]);
/** Unpacks up to @p max records of ascending seq; BANK_ECORRUPT when malformed. */
int bank__prec_decode(const void *blob, size_t len, bank__prec *out, size_t max, size_t *n);
/* Where an account's posting chain ends, and its recent posting records. */
typedef struct bank__tail {
	int64_t last_seq, postings; /* the chain's end and length */
	bool known;                 /* account.recent is known: not NULL, and not too long to be right */
	size_t len;
	unsigned char recent[(BANK__HISTORY_BLOCK - 1) * BANK__PREC_MAX];
} bank__tail;
/** Fills @p t from a row's columns col (last_seq), col + 1 (postings), col + 2 (recent). */
void bank__tail_fill(bank__q *q, int col, bank__tail *t);
/** Checks a product's interest conventions (enum ranges, posting not daily, min >= 0). */
int bank__interest_check_conventions(bank_day_count dc, bank_balance_method m, bank_period compounding,
				     bank_period posting, int64_t min_interest_balance);
/** Sets a product's rate from day @p from on (replacing that day's entry), in the current write tx. */
int bank__interest_rate_insert(bank *b, int64_t product_id, bank_date from, int64_t rate, bank_time now);
/** The product's rate in effect today by its schedule. */
int bank__interest_rate_today(bank *b, int64_t product_id, int64_t *rate);
/**
 * Accrues a customer account to yesterday and posts its open period, final (the next one
 * is not opened): what closing does first, in the caller's write transaction. *posted
 * is the interest it posted (minor units; 0 for none).
 */
int bank__interest_close(bank *b, int64_t account_id, int64_t *posted);
#ifdef BANK_INTERNAL_TESTS
/** Test hooks: accounts per run transaction (0: the default), and commits before a run stops (0: never). */
extern size_t bank__interest_test_batch;
extern size_t bank__interest_test_stop_after;
#endif

#endif
