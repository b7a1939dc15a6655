/**
 * @file bank/report.h
 * @brief Reads: balances, balance as of a time, statements, trial balance, audit trail,
 * and bank_verify(), which checks the ledger's invariants over a whole database.
 */
#ifndef BANK_REPORT_H
#define BANK_REPORT_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An account's balances now. */
typedef struct bank_balance {
	char account[BANK_ACCOUNT_NUMBER_SIZE]; /**< account number */
	char currency[BANK_CURRENCY_SIZE];      /**< ISO 4217 code */
	int64_t balance;                        /**< posted balance */
	int64_t pending;                        /**< active holds */
	int64_t available;                      /**< balance - pending - min balance + overdraft (internal accounts: balance) */
} bank_balance;

/**
 * Reads an account's balance and available balance. Releases the account's expired
 * holds first.
 * @param out caller-owned record to fill
 * @return BANK_OK, BANK_EINVAL, BANK_ENOTFOUND
 */
BANK_EXTERN(int) bank_balance_get(bank_balance *out, bank *b, const char *account) BANK_WARN_UNUSED BANK_NONNULL(1);

/**
 * The posted balance of @p account just before instant @p at (postings at or after
 * @p at excluded). Reads the account's posting records where they are known, else its
 * posting chain (docs/ledger.md).
 * @return BANK_OK, BANK_EINVAL, BANK_ENOTFOUND, BANK_ECORRUPT (the account's chain or
 * records fail their checks; bank_verify() names what is wrong)
 */
BANK_EXTERN(int) bank_balance_at(int64_t *out, bank *b, const char *account, bank_time at) BANK_WARN_UNUSED;

/* ---- Statements ---- */

/** One line of a statement. */
typedef struct bank_statement_entry {
	int64_t seq;              /**< journal position */
	const char *id;           /**< transfer id */
	const char *kind;         /**< transfer kind */
	bank_time at;             /**< posting time */
	int64_t amount;           /**< signed: positive raises the account's balance, negative lowers it */
	int64_t balance_after;    /**< the account's balance after this line */
	const char *counterparty; /**< the other account's number */
	const char *memo;         /**< "" when none */
	const char *ref;          /**< referenced transfer, "" when none */
} bank_statement_entry;

/** One page of a statement. */
typedef struct bank_statement {
	char account[BANK_ACCOUNT_NUMBER_SIZE]; /**< account number */
	char currency[BANK_CURRENCY_SIZE];      /**< ISO 4217 code */
	bank_time since;                        /**< period start (inclusive) */
	bank_time until;                        /**< period end (exclusive) */
	int64_t opening_balance;                /**< balance at @ref since */
	int64_t closing_balance;                /**< balance at @ref until (or now) */
	size_t count;                           /**< entries on this page */
	bank_statement_entry *entries;          /**< the page, oldest first */
	const char *next;                       /**< cursor of the next page, or NULL on the last */
} bank_statement;

/** Largest page bank_statement_get() returns. */
#define BANK_STATEMENT_LIMIT_MAX 10000

/**
 * Reads one page of an account's postings with since <= time < until, oldest first,
 * using keyset pagination: pass the previous page's next as @p after.
 * @param since period start, or 0 for the beginning
 * @param until period end (exclusive), or 0 for no end
 * @param limit entries per page, 1..BANK_STATEMENT_LIMIT_MAX (0 means 100)
 * @param after a cursor from a previous page, or NULL
 * A page reads the account's posting records where they are known (about one row per
 * 16 entries; see bank_options.statement_records), else one journal row per entry.
 * @return BANK_OK, BANK_EINVAL (bad cursor, limit or range), BANK_ENOTFOUND,
 * BANK_ECORRUPT (the account's chain or records fail their checks; bank_verify() names
 * what is wrong)
 */
BANK_EXTERN(int) bank_statement_get(bank_statement **out, bank *b, const char *account, bank_time since, bank_time until, size_t limit, const char *after) BANK_WARN_UNUSED;

/** Frees a statement page. NULL is a no-op. */
BANK_EXTERN(void) bank_statement_free(bank_statement *s);

/**
 * A streaming read of a whole statement (bank_statement_iter_open()): one page in memory
 * at a time, whatever the account's length. Opaque.
 */
typedef struct bank_statement_iter bank_statement_iter;

/** Entries per page of a statement iterator when bank_statement_iter_open() gets 0. */
#define BANK_STATEMENT_ITER_PAGE 1000

/**
 * Opens a streaming read of @p account's postings with since <= time < until, oldest
 * first, for an export of any length: the iterator reads @p page entries at a time
 * through bank_statement_get() and its keyset cursor, and holds only the current page,
 * so its memory stays flat however many entries it hands out. The first page is read
 * now, so a bad account or period fails here, not at the first entry.
 *
 * Each page is its own read transaction. An entry is handed out once, in journal
 * order, and a posting committed while the export runs appears if its time is inside
 * the period and its position after the page being read (with @p until 0, a live tail).
 * The iterator uses @p b for every page: one thread at a time, and @p b must stay open
 * until bank_statement_iter_free().
 *
 * @param out the iterator, or NULL on failure; free it with bank_statement_iter_free()
 * @param since period start, or 0 for the beginning
 * @param until period end (exclusive), or 0 for no end
 * @param page entries per page read, 1..BANK_STATEMENT_LIMIT_MAX (0 means
 *        BANK_STATEMENT_ITER_PAGE)
 * @return as bank_statement_get(): BANK_OK, BANK_EINVAL, BANK_ENOTFOUND,
 *         BANK_EPERM, BANK_ECORRUPT; BANK_EMISUSE for a NULL argument; BANK_ENOMEM
 */
BANK_EXTERN(int) bank_statement_iter_open(bank_statement_iter **out, bank *b, const char *account, bank_time since, bank_time until, size_t page) BANK_WARN_UNUSED;

/**
 * The next entry of the statement.
 * @param entry set to the entry, valid until the next call on @p it or its free; NULL
 *        at the end or on an error
 * @return 1 with an entry; 0 at the end (and on every later call); a negative code when
 *         reading the next page failed (BANK_EBUSY, BANK_EIO, ...), in which case the
 *         iterator is unchanged and a later call tries that page again
 */
BANK_EXTERN(int) bank_statement_iter_next(bank_statement_iter *it, const bank_statement_entry **entry) BANK_WARN_UNUSED;

/**
 * The page the iterator holds: the statement's account, currency, period and opening
 * balance, and the closing balance as of that page's read (the period's, or the
 * account's balance then when the period is open); its entries are the ones
 * bank_statement_iter_next() is handing out. Valid until the next call on @p it.
 */
BANK_EXTERN(const bank_statement *) bank_statement_iter_page(const bank_statement_iter *it);

/** Frees a statement iterator (not its handle). NULL is a no-op. */
BANK_EXTERN(void) bank_statement_iter_free(bank_statement_iter *it);

/* ---- Trial balance ---- */

/** Totals of one kind of account in one branch and currency. */
typedef struct bank_trial_line {
	const char *branch;                /**< branch code */
	char currency[BANK_CURRENCY_SIZE]; /**< ISO 4217 code */
	const char *kind;                  /**< account kind name */
	size_t accounts;                   /**< how many accounts */
	int64_t debit;                     /**< sum of debit balances */
	int64_t credit;                    /**< sum of credit balances */
} bank_trial_line;

/** Totals per currency: debits equal credits in a sound ledger. */
typedef struct bank_trial_total {
	char currency[BANK_CURRENCY_SIZE]; /**< ISO 4217 code */
	int64_t debit;                     /**< sum of debit balances */
	int64_t credit;                    /**< sum of credit balances */
} bank_trial_total;

/** A trial balance: lines per branch, currency and kind, and totals per currency. */
typedef struct bank_trial_balance {
	size_t count;             /**< lines */
	bank_trial_line *lines;   /**< ordered by branch, currency, kind */
	size_t total_count;       /**< totals */
	bank_trial_total *totals; /**< ordered by currency */
} bank_trial_balance;

/** Computes the trial balance. */
BANK_EXTERN(int) bank_trial_balance_get(bank_trial_balance **out, bank *b) BANK_WARN_UNUSED;

/** Frees a trial balance. NULL is a no-op. */
BANK_EXTERN(void) bank_trial_balance_free(bank_trial_balance *t);

/* ---- Verify ---- */

/** One broken invariant. */
typedef struct bank_violation {
	const char *check;   /**< "conservation", "balance", "balance_after", "pending", "currency", "amount", "audit" */
	const char *object;  /**< the record it concerns: "account:123456789012", "transfer:ID", "currency:USD" */
	const char *message; /**< what is wrong, with expected and found values */
} bank_violation;

/** What bank_verify() found. */
typedef struct bank_verify_report {
	size_t count;              /**< violations in @ref items (at most 10,000) */
	bank_violation *items;     /**< the violations found, in the order found */
	int64_t accounts_checked;  /**< accounts examined */
	int64_t transfers_checked; /**< journal entries examined */
	size_t total;              /**< violations found; @ref items keeps the first 10,000 */
} bank_verify_report;

/**
 * Checks the ledger's invariants on the whole database: per currency total debits equal
 * total credits; every posting has amount > 0 and both accounts in its currency; every
 * stored balance equals the sum of the account's postings; every stored balance-after
 * equals the running sum; every pending amount equals its active holds.
 * @param out receives the report (free with bank_verify_report_free()), also on BANK_ECORRUPT
 * @return BANK_OK (no violation), BANK_ECORRUPT (violations: see the report), or an error
 */
BANK_EXTERN(int) bank_verify(bank_verify_report **out, bank *b) BANK_WARN_UNUSED;

/** Frees a verify report. NULL is a no-op. */
BANK_EXTERN(void) bank_verify_report_free(bank_verify_report *r);

/* ---- Audit trail ---- */

/** One audit record. */
typedef struct bank_audit_entry {
	int64_t seq;           /**< position */
	bank_time at;          /**< when */
	const char *principal; /**< who */
	const char *action;    /**< what, "account.open" */
	const char *object;    /**< on what, "account:123456789012" */
	const char *details;   /**< JSON object */
} bank_audit_entry;

/** A page of audit records. */
typedef struct bank_audit_page {
	size_t count;              /**< entries */
	bank_audit_entry *entries; /**< oldest first */
	int64_t next;              /**< pass as after_seq for the next page; 0 on the last */
} bank_audit_page;

/**
 * Reads audit records with seq > @p after_seq, oldest first.
 * @param object only records about this object ("account:123456789012"), or NULL for all
 * @param limit 1..10000 (0 means 100)
 */
BANK_EXTERN(int) bank_audit_get(bank_audit_page **out, bank *b, int64_t after_seq, const char *object, size_t limit) BANK_WARN_UNUSED;

/** Frees an audit page. NULL is a no-op. */
BANK_EXTERN(void) bank_audit_page_free(bank_audit_page *p);

#ifdef __cplusplus
}
#endif
#endif
