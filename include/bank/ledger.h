/**
 * @file bank/ledger.h
 * @brief The double-entry ledger: deposits, withdrawals, transfers, batches, holds,
 * reversals.
 *
 * Every posting debits one account and credits another of the same currency with an
 * amount > 0. A transfer id is an idempotency key: 1-64 printable ASCII characters
 * chosen by the client, or a generated UUIDv7 when NULL. Replaying a succeeded id with
 * the same fields returns the original with status BANK_TRANSFER_EXISTS and posts
 * nothing; the same id with other fields fails with BANK_ECONFLICT. A failed transfer
 * is not recorded: its id stays free.
 *
 * A customer debit needs amount <= available, where
 * available = balance - active holds - minimum balance + overdraft limit.
 *
 * Holds (two-phase):
 *
 *     hold --post (amount <= held; the rest is released)--> posted
 *       |---void-------------------------------------------> voided
 *       +---expires_at passed (next touch or sweep)-------> expired
 */
#ifndef BANK_LEDGER_H
#define BANK_LEDGER_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Whether a call created a transfer or found it already there. */
typedef enum bank_transfer_status {
	BANK_TRANSFER_CREATED = 0, /**< "created": posted by this call */
	BANK_TRANSFER_EXISTS = 1   /**< "exists": a replay; the original is returned, nothing posted */
} bank_transfer_status;

/** A journal entry. Strings live as long as the record. */
typedef struct bank_transfer {
	int64_t seq;                           /**< journal position (commit order) */
	const char *id;                        /**< the idempotency key */
	const char *kind;                      /**< "deposit", "withdrawal", "transfer", "hold", "post", "void", "reversal", "interest", "fee" */
	char debit[BANK_ACCOUNT_NUMBER_SIZE];  /**< debited account number */
	char credit[BANK_ACCOUNT_NUMBER_SIZE]; /**< credited account number */
	int64_t amount;                        /**< minor units, > 0 */
	char currency[BANK_CURRENCY_SIZE];     /**< ISO 4217 code */
	const char *memo;                      /**< "" when none */
	const char *ref;                       /**< the hold posted or voided, or the transfer reversed; "" when none */
	int pending;                           /**< nonzero for a hold: reserves funds, moves no balance */
	const char *hold_status;               /**< for holds: "active", "posted", "voided", "expired"; else "" */
	bank_time expires_at;                  /**< for holds: expiry, 0 = never */
	int64_t debit_balance;                 /**< debit account's balance after this posting (0 for holds and voids) */
	int64_t credit_balance;                /**< credit account's balance after this posting (0 for holds and voids) */
	const char *principal;                 /**< who made it */
	bank_time created_at;                  /**< when it was committed */
	bank_transfer_status status;           /**< created by this call, or a replay */
} bank_transfer;

/** "created" or "exists". */
BANK_EXTERN(const char *) bank_transfer_status_name(bank_transfer_status status);

/**
 * Checks a client-chosen id: 1-64 printable ASCII characters (0x20-0x7e; a space is
 * printable, and is part of the id like any other character).
 * @return BANK_OK or BANK_EINVAL
 */
BANK_EXTERN(int) bank_transfer_id_check(const char *id) BANK_WARN_UNUSED;

/**
 * Deposits cash: debits the account's branch cash vault, credits @p account.
 * @param out receives the transfer (free with bank_transfer_free()); may be NULL
 * @param amount minor units, > 0
 * @param id idempotency key, or NULL to generate one
 * @param memo free text up to 500 bytes, or NULL
 * @return BANK_OK (also for a replay; see out->status); BANK_EINVAL; BANK_ENOTFOUND;
 *         BANK_EFROZEN; BANK_ECLOSED; BANK_ECONFLICT; BANK_ELIMIT (balance overflow);
 *         BANK_EPERM; BANK_EBUSY; BANK_EIO
 */
BANK_EXTERN(int) bank_deposit(bank_transfer **out, bank *b, const char *account, int64_t amount, const char *id, const char *memo) BANK_WARN_UNUSED;

/**
 * Withdraws cash: debits @p account (funds-checked), credits its branch cash vault.
 * @return as bank_deposit(), plus BANK_EFUNDS
 */
BANK_EXTERN(int) bank_withdraw(bank_transfer **out, bank *b, const char *account, int64_t amount, const char *id, const char *memo) BANK_WARN_UNUSED;

/**
 * Moves money from @p debit (funds-checked) to @p credit, same currency, different accounts.
 * @return as bank_withdraw(), plus BANK_ECURRENCY
 */
BANK_EXTERN(int) bank_transfer_post(bank_transfer **out, bank *b, const char *debit, const char *credit, int64_t amount, const char *id, const char *memo) BANK_WARN_UNUSED;

/** Looks up a transfer by id. @return BANK_OK, BANK_EINVAL, BANK_ENOTFOUND */
BANK_EXTERN(int) bank_transfer_get(bank_transfer **out, bank *b, const char *id) BANK_WARN_UNUSED;

/** Frees a transfer. NULL is a no-op. */
BANK_EXTERN(void) bank_transfer_free(bank_transfer *t);

/* ---- Batches ---- */

/** Current version of bank_transfer_request. */
#define BANK_TRANSFER_REQUEST_VERSION 1

/**
 * One item of a batch. debit NULL makes it a deposit to @p credit; credit NULL makes
 * it a withdrawal from @p debit; both set make it a transfer.
 */
typedef struct bank_transfer_request {
	unsigned int version; /**< BANK_TRANSFER_REQUEST_VERSION */
	const char *debit;    /**< account number, or NULL for a deposit */
	const char *credit;   /**< account number, or NULL for a withdrawal */
	int64_t amount;       /**< minor units, > 0 */
	const char *id;       /**< idempotency key, or NULL */
	const char *memo;     /**< or NULL */
	int linked;           /**< nonzero: this item and the next succeed or fail together */
} bank_transfer_request;

/** Static initializer of bank_transfer_request. */
#define BANK_TRANSFER_REQUEST_INIT                                          \
	{                                                                   \
		BANK_TRANSFER_REQUEST_VERSION, NULL, NULL, 0, NULL, NULL, 0 \
	}

/** The outcome of one batch item. */
typedef struct bank_batch_result {
	int code;                /**< BANK_OK or the item's error */
	const char *message;     /**< the error message, "" on success */
	bank_transfer *transfer; /**< the transfer on success (status created or exists), else NULL */
} bank_batch_result;

/** The outcomes of a batch, in request order. */
typedef struct bank_batch_results {
	size_t count;             /**< equals the number of requests */
	bank_batch_result *items; /**< one per request */
	size_t failed;            /**< how many items failed */
} bank_batch_results;

/**
 * Posts a batch in one SQL transaction (one commit, one fsync). Each item succeeds or
 * fails on its own, except a linked chain (items with linked set, plus the first
 * item after them without it), which succeeds or fails as a whole: the first failure in
 * a chain reports its own reason, the other members report BANK_EINVAL "linked event
 * failed". A chain left open at the end of the batch fails whole.
 * @return BANK_OK when the batch was processed (look at each result), or an error that
 *         applied nothing (BANK_EINVAL for n == 0 or more than 100000 items, BANK_EBUSY,
 *         BANK_EIO, BANK_EPERM, BANK_ENOMEM)
 */
BANK_EXTERN(int) bank_transfer_batch(bank_batch_results **out, bank *b, const bank_transfer_request *items, size_t n) BANK_WARN_UNUSED;

/** Frees batch results. NULL is a no-op. */
BANK_EXTERN(void) bank_batch_results_free(bank_batch_results *r);

/* ---- Holds ---- */

/**
 * Places a hold: reserves @p amount of @p account's available funds. Funds-checked like
 * a withdrawal; moves no balance.
 * @param credit the account a post will credit, or NULL for the branch's suspense account
 * @param expires_in seconds until it lapses, 0 = never
 * @return as bank_withdraw()
 */
BANK_EXTERN(int) bank_hold(bank_transfer **out, bank *b, const char *account, const char *credit, int64_t amount, int64_t expires_in, const char *id, const char *memo) BANK_WARN_UNUSED;

/**
 * Posts an active hold: moves @p amount (0 = the whole hold; at most the hold) from the
 * held account to the hold's credit account and releases the rest.
 * @param id the posting's own idempotency key, or NULL
 * @return BANK_OK; BANK_ENOTFOUND (no such hold); BANK_EINVAL (not a hold, or no longer
 *         active: posted, voided or expired; amount above the hold); BANK_ECONFLICT; ...
 */
BANK_EXTERN(int) bank_hold_post(bank_transfer **out, bank *b, const char *hold_id, int64_t amount, const char *id) BANK_WARN_UNUSED;

/** Voids an active hold, releasing all of it. Records a "void" entry with @p id. */
BANK_EXTERN(int) bank_hold_void(bank_transfer **out, bank *b, const char *hold_id, const char *id) BANK_WARN_UNUSED;

/**
 * Releases every hold whose expiry has passed.
 * @param released receives how many were released; may be NULL
 */
BANK_EXTERN(int) bank_hold_sweep(size_t *released, bank *b) BANK_WARN_UNUSED;

/* ---- Reversals ---- */

/**
 * Reverses a posted transfer: a new transfer of the same amount in the other direction
 * that names the original in its ref. The original never changes. Each transfer can
 * be reversed once; holds, voids and reversals cannot be reversed. The reversal's debit
 * is funds-checked against the balance (not the minimum balance).
 * @return BANK_OK; BANK_ENOTFOUND; BANK_EINVAL (not reversible, already reversed);
 *         BANK_EFUNDS; BANK_ECLOSED; BANK_ECONFLICT
 */
BANK_EXTERN(int) bank_reverse(bank_transfer **out, bank *b, const char *transfer_id, const char *id) BANK_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
