/**
 * @file bank/branch.h
 * @brief Branches: where accounts are kept. Each branch has internal ledger accounts per
 * currency (cash vault, interest expense, fee income, suspense), created on first use.
 */
#ifndef BANK_BRANCH_H
#define BANK_BRANCH_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A branch. Strings live as long as the record. */
typedef struct bank_branch {
	int64_t id;           /**< internal row id */
	const char *code;     /**< unique code, 1-16 of [A-Za-z0-9_-] */
	const char *name;     /**< display name, 1-200 bytes */
	const char *address;  /**< free-form address, "" when not given */
	bank_time created_at; /**< creation time */
} bank_branch;

/** A list of branches, ordered by code. */
typedef struct bank_branch_list {
	size_t count;        /**< number of items */
	bank_branch **items; /**< the branches */
} bank_branch_list;

/**
 * Adds a branch.
 * @param out receives the new branch (free with bank_branch_free()); may be NULL
 * @param address may be NULL
 * @return BANK_OK; BANK_EINVAL (bad code or name); BANK_EEXISTS (code taken); BANK_EPERM
 */
BANK_EXTERN(int) bank_branch_add(bank_branch **out, bank *b, const char *code, const char *name, const char *address) BANK_WARN_UNUSED;

/** Looks up a branch by code. @return BANK_OK, BANK_ENOTFOUND, BANK_EINVAL */
BANK_EXTERN(int) bank_branch_get(bank_branch **out, bank *b, const char *code) BANK_WARN_UNUSED;

/**
 * Changes one field of a branch ("name" or "address") and audits old and new value.
 * @return BANK_OK, BANK_ENOTFOUND, BANK_EINVAL (unknown field, bad value), BANK_EPERM
 */
BANK_EXTERN(int) bank_branch_edit(bank *b, const char *code, const char *field, const char *value) BANK_WARN_UNUSED;

/** Lists every branch. @return BANK_OK or an error */
BANK_EXTERN(int) bank_branch_list_get(bank_branch_list **out, bank *b) BANK_WARN_UNUSED;

/** Frees a branch. NULL is a no-op. */
BANK_EXTERN(void) bank_branch_free(bank_branch *br);
/** Frees a list and its branches. NULL is a no-op. */
BANK_EXTERN(void) bank_branch_list_free(bank_branch_list *list);

#ifdef __cplusplus
}
#endif
#endif
