/**
 * @file bank/account.h
 * @brief Accounts: customer accounts and the branches' internal ledger accounts.
 *
 * A customer account number has 12 digits; the last two are ISO 7064 MOD 97-10 check
 * digits (the whole number mod 97 is 1), so a mistyped number is refused before any
 * lookup. Lifecycle:
 *
 *     active <--freeze/unfreeze--> frozen (debits, credits or both)
 *        \                           /
 *         +------ close (zero balance, no holds) ------> closed (final; history kept)
 */
#ifndef BANK_ACCOUNT_H
#define BANK_ACCOUNT_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Freeze flags. */
#define BANK_FREEZE_DEBITS 1u  /**< refuse debits */
#define BANK_FREEZE_CREDITS 2u /**< refuse credits */
#define BANK_FREEZE_BOTH 3u    /**< refuse both */

/** What an account is. Customer accounts are liabilities; the others are the bank's own. */
typedef enum bank_account_kind {
	BANK_ACCOUNT_CUSTOMER = 0,         /**< "customer": a customer's deposit account (credit-normal) */
	BANK_ACCOUNT_CASH = 1,             /**< "cash": the branch's cash vault (debit-normal) */
	BANK_ACCOUNT_INTEREST_EXPENSE = 2, /**< "interest_expense" (debit-normal) */
	BANK_ACCOUNT_FEE_INCOME = 3,       /**< "fee_income" (credit-normal) */
	BANK_ACCOUNT_SUSPENSE = 4          /**< "suspense": settlement of holds and unclear items (credit-normal) */
} bank_account_kind;

/** An account. Strings live as long as the record. */
typedef struct bank_account {
	int64_t id;                            /**< internal row id */
	char number[BANK_ACCOUNT_NUMBER_SIZE]; /**< 12-digit number */
	bank_account_kind kind;                /**< customer or internal */
	int64_t customer_id;                   /**< owner; 0 for internal accounts */
	const char *product;                   /**< product code; "" for internal accounts */
	const char *branch;                    /**< branch code */
	const char *name;                      /**< a label ("" when none) */
	char currency[BANK_CURRENCY_SIZE];     /**< ISO 4217 code */
	const char *status;                    /**< "active", "frozen" or "closed" */
	unsigned int frozen;                   /**< BANK_FREEZE_* flags */
	int64_t balance;                       /**< posted balance, minor units (in the account's normal side) */
	int64_t pending;                       /**< sum of active holds */
	int64_t available;                     /**< balance - pending - min_balance + overdraft */
	int64_t min_balance;                   /**< from the product (0 for internal) */
	int64_t overdraft;                     /**< from the product (0 for internal) */
	bank_time opened_at;                   /**< opening time */
	bank_time last_activity_at;            /**< last posting or hold */
	bank_time closed_at;                   /**< closing time, 0 when open */
	const char *close_reason;              /**< "" when open (the seed's DeletedAccount) */
	const char *closed_by;                 /**< principal who closed it, "" when open */
	int64_t final_balance;                 /**< balance at closing */
} bank_account;

/** A list of accounts, ordered by number. */
typedef struct bank_account_list {
	size_t count;         /**< number of items */
	bank_account **items; /**< the accounts */
} bank_account_list;

/** One recorded change of an account (the seed's EditAccount). */
typedef struct bank_account_edit_entry {
	int64_t seq;           /**< order of the change */
	const char *field;     /**< "product", "branch", "customer", "name", "status", "frozen" */
	const char *old_value; /**< before */
	const char *new_value; /**< after */
	const char *principal; /**< who changed it */
	bank_time at;          /**< when */
} bank_account_edit_entry;

/** The change history of one account, oldest first. */
typedef struct bank_account_edits {
	size_t count;                     /**< number of entries */
	bank_account_edit_entry *entries; /**< the entries */
} bank_account_edits;

/** "customer", "cash", "interest_expense", "fee_income", "suspense"; "unknown" otherwise. */
BANK_EXTERN(const char *) bank_account_kind_name(bank_account_kind kind);

/**
 * Checks an account number's form and check digits without touching any database.
 * @return BANK_OK, or BANK_EINVAL (not 12 digits, or check digits wrong)
 */
BANK_EXTERN(int) bank_account_number_check(const char *number) BANK_WARN_UNUSED;

/**
 * Opens an account for a customer. The number is generated (random, from the
 * handle's id generator), the currency is the product's.
 * @param out receives it (free with bank_account_free()); may be NULL
 * @return BANK_OK; BANK_ENOTFOUND (customer, product or branch); BANK_EPERM
 */
BANK_EXTERN(int) bank_account_open(bank_account **out, bank *b, int64_t customer_id, const char *product, const char *branch) BANK_WARN_UNUSED;

/** Looks up an account by number. @return BANK_OK, BANK_EINVAL (mistyped number), BANK_ENOTFOUND */
BANK_EXTERN(int) bank_account_get(bank_account **out, bank *b, const char *number) BANK_WARN_UNUSED;

/**
 * Looks up (creating on first use) a branch's internal account of @p kind in @p currency.
 * @return BANK_OK, BANK_ENOTFOUND (branch), BANK_EINVAL (kind customer, unknown currency)
 */
BANK_EXTERN(int) bank_account_internal(bank_account **out, bank *b, const char *branch, const char *currency, bank_account_kind kind) BANK_WARN_UNUSED;

/**
 * Lists accounts: a customer's (customer_id > 0), or every customer account
 * (customer_id == 0), or every account including internal ones (customer_id < 0).
 */
BANK_EXTERN(int) bank_account_list_get(bank_account_list **out, bank *b, int64_t customer_id) BANK_WARN_UNUSED;

/**
 * Changes one field and records who changed it from what to what. Fields: "product"
 * (a product code of the same currency), "branch" (a branch code), "customer" (a
 * customer id), "name" (a label).
 * @return BANK_OK, BANK_EINVAL, BANK_ENOTFOUND, BANK_ECURRENCY, BANK_ECLOSED, BANK_EPERM
 */
BANK_EXTERN(int) bank_account_edit(bank *b, const char *number, const char *field, const char *value) BANK_WARN_UNUSED;

/**
 * Freezes debits, credits or both (@p what: BANK_FREEZE_* flags, nonzero). Adds to
 * an existing freeze. @return BANK_OK, BANK_EINVAL, BANK_ENOTFOUND, BANK_ECLOSED
 */
BANK_EXTERN(int) bank_account_freeze(bank *b, const char *number, unsigned int what) BANK_WARN_UNUSED;

/** Lifts every freeze. @return BANK_OK, BANK_ENOTFOUND, BANK_ECLOSED */
BANK_EXTERN(int) bank_account_unfreeze(bank *b, const char *number) BANK_WARN_UNUSED;

/**
 * Closes an account: it needs a zero balance and no active hold. Archives the reason,
 * the closer and the final balance; the account and its history stay readable.
 * @return BANK_OK; BANK_EINVAL (no reason, nonzero balance or active hold);
 *         BANK_ENOTFOUND; BANK_ECLOSED (already closed); BANK_EPERM
 */
BANK_EXTERN(int) bank_account_close(bank *b, const char *number, const char *reason) BANK_WARN_UNUSED;

/** The change history of an account (the seed's EditAccount), oldest first. */
BANK_EXTERN(int) bank_account_edits_get(bank_account_edits **out, bank *b, const char *number) BANK_WARN_UNUSED;

/** Frees an account. NULL is a no-op. */
BANK_EXTERN(void) bank_account_free(bank_account *a);
/** Frees a list and its accounts. NULL is a no-op. */
BANK_EXTERN(void) bank_account_list_free(bank_account_list *list);
/** Frees an edit history. NULL is a no-op. */
BANK_EXTERN(void) bank_account_edits_free(bank_account_edits *e);

#ifdef __cplusplus
}
#endif
#endif
