/**
 * @file bank/product.h
 * @brief Products (the seed's AccountType): savings or current accounts in one currency,
 * with a minimum balance, an annual interest rate and an overdraft limit.
 */
#ifndef BANK_PRODUCT_H
#define BANK_PRODUCT_H

#include "common.h"
#include "interest.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What kind of account a product opens. */
typedef enum bank_product_kind {
	BANK_PRODUCT_SAVINGS = 0, /**< "savings" */
	BANK_PRODUCT_CURRENT = 1  /**< "current" */
} bank_product_kind;

/** A product. Strings live as long as the record. */
typedef struct bank_product {
	int64_t id;                        /**< internal row id */
	const char *code;                  /**< unique code, 1-16 of [A-Za-z0-9_-] */
	const char *name;                  /**< display name */
	bank_product_kind kind;            /**< savings or current */
	char currency[BANK_CURRENCY_SIZE]; /**< ISO 4217 code */
	int64_t min_balance;               /**< minor units an account must keep (>= 0) */
	int64_t rate;                      /**< annual rate in effect today (see bank_interest_rates_get()), BANK_RATE_SCALE per percent */
	int64_t overdraft;                 /**< minor units an account may go below zero (>= 0) */
	bank_time created_at;              /**< creation time */
	bank_time updated_at;              /**< last edit */
	/* Interest conventions (bank/interest.h). */
	bank_day_count day_count;           /**< act/365, act/360 or act/act */
	bank_balance_method balance_method; /**< daily or average daily balance */
	bank_period compounding;            /**< compounding period */
	bank_period posting;                /**< posting period (never daily) */
	int64_t min_interest_balance;       /**< minor units: a day (or period average) below it earns nothing */
} bank_product;

/** A list of products, ordered by code. */
typedef struct bank_product_list {
	size_t count;         /**< number of items */
	bank_product **items; /**< the products */
} bank_product_list;

/** Current version of bank_product_spec. */
#define BANK_PRODUCT_SPEC_VERSION 1

/** What bank_product_add() needs. Start from BANK_PRODUCT_SPEC_INIT. */
typedef struct bank_product_spec {
	unsigned int version;   /**< BANK_PRODUCT_SPEC_VERSION */
	const char *code;       /**< required */
	const char *name;       /**< required */
	bank_product_kind kind; /**< default savings */
	const char *currency;   /**< required, a known ISO 4217 code */
	int64_t min_balance;    /**< >= 0 */
	int64_t rate;           /**< 0 .. BANK_RATE_MAX */
	int64_t overdraft;      /**< >= 0 */
	/* Interest conventions (bank/interest.h); the rate above applies from the day of creation. */
	bank_day_count day_count;           /**< default BANK_DAY_COUNT_ACT_365 */
	bank_balance_method balance_method; /**< default BANK_BALANCE_DAILY */
	bank_period compounding;            /**< default BANK_PERIOD_MONTHLY; any period */
	bank_period posting;                /**< default BANK_PERIOD_MONTHLY; monthly, quarterly, semiannual or annual */
	int64_t min_interest_balance;       /**< minimum balance to earn, minor units, >= 0; default 0 */
} bank_product_spec;

/** Static initializer of bank_product_spec. */
#define BANK_PRODUCT_SPEC_INIT                                                                                      \
	{                                                                                                           \
		BANK_PRODUCT_SPEC_VERSION, NULL, NULL, BANK_PRODUCT_SAVINGS, NULL, 0, 0, 0, BANK_DAY_COUNT_ACT_365, \
			BANK_BALANCE_DAILY, BANK_PERIOD_MONTHLY, BANK_PERIOD_MONTHLY, 0                             \
	}

/** "savings" or "current" for @p kind; "unknown" otherwise. */
BANK_EXTERN(const char *) bank_product_kind_name(bank_product_kind kind);

/** Parses "savings" or "current". @return BANK_OK or BANK_EINVAL */
BANK_EXTERN(int) bank_product_kind_parse(bank_product_kind *out, const char *text) BANK_WARN_UNUSED;

/**
 * Adds a product.
 * @param out receives it (free with bank_product_free()); may be NULL
 * @return BANK_OK; BANK_EINVAL; BANK_EEXISTS (code taken); BANK_EPERM
 */
BANK_EXTERN(int) bank_product_add(bank_product **out, bank *b, const bank_product_spec *spec) BANK_WARN_UNUSED;

/** Looks up a product by code. @return BANK_OK, BANK_ENOTFOUND, BANK_EINVAL */
BANK_EXTERN(int) bank_product_get(bank_product **out, bank *b, const char *code) BANK_WARN_UNUSED;

/**
 * Changes one field of a product and audits old and new value. Fields: "name",
 * "min_balance" and "overdraft" (amount text in the product's currency), "rate"
 * (percent text; applies from today on, see bank_interest_rate_set()), and the interest
 * conventions "day_count", "balance_method", "compounding", "posting" (their names, see
 * bank/interest.h) and "min_interest_balance" (amount text). Day count, compounding and
 * minimum apply from the next day accrued; balance method and posting period from the
 * next posting period. Kind and currency never change.
 * @return BANK_OK, BANK_ENOTFOUND, BANK_EINVAL, BANK_EPERM
 */
BANK_EXTERN(int) bank_product_edit(bank *b, const char *code, const char *field, const char *value) BANK_WARN_UNUSED;

/** Lists every product. */
BANK_EXTERN(int) bank_product_list_get(bank_product_list **out, bank *b) BANK_WARN_UNUSED;

/** Frees a product. NULL is a no-op. */
BANK_EXTERN(void) bank_product_free(bank_product *p);
/** Frees a list and its products. NULL is a no-op. */
BANK_EXTERN(void) bank_product_list_free(bank_product_list *list);

#ifdef __cplusplus
}
#endif
#endif
