/**
 * @file bank/money.h
 * @brief Exact money: ISO 4217 currencies, amount text, checked arithmetic, rounding.
 *
 * An amount is an int64_t count of the currency's minor units (cents for USD, yen for
 * JPY, fils for BHD). Nothing here uses floating point. Text is the shared contract:
 * input is `^[0-9]+(\.[0-9]+)?$` with at most as many decimals as the currency's
 * exponent (no sign, exponent, thousands separator or leading '+'); output has exactly
 * the exponent's decimals, with a leading '-' for negatives.
 */
#ifndef BANK_MONEY_H
#define BANK_MONEY_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One ISO 4217 currency from the built-in table. */
typedef struct bank_currency {
	const char *code; /**< alphabetic code, "USD" */
	int numeric;      /**< numeric code, 840 */
	int exponent;     /**< minor-unit exponent: digits after the point (0 to 4) */
	const char *name; /**< English name */
} bank_currency;

/** Size of a buffer that holds any amount bank_amount_format() prints (sign, 19 digits, point, NUL). */
#define BANK_AMOUNT_SIZE 32

/** Size of a buffer that holds any rate bank_rate_format() prints. */
#define BANK_RATE_SIZE 32

/** Rates are fixed-point percentages with this many decimals: 2.5% is 2500000. */
#define BANK_RATE_SCALE 1000000
/** Decimals of a rate in text. */
#define BANK_RATE_DECIMALS 6
/** Highest annual rate accepted, in rate units (1000%). */
#define BANK_RATE_MAX ((int64_t)1000 * BANK_RATE_SCALE)

/**
 * Looks up a currency by its alphabetic code (exact, upper case).
 * @return the table entry (static, never freed), or NULL when @p code is unknown.
 */
BANK_EXTERN(const bank_currency *) bank_currency_find(const char *code);

/** The number of currencies in the built-in table. */
BANK_EXTERN(size_t) bank_currency_count(void);

/** The @p i-th currency of the built-in table (sorted by code), or NULL past the end. */
BANK_EXTERN(const bank_currency *) bank_currency_at(size_t i);

/**
 * Parses decimal text into minor units of @p currency.
 *
 * Accepts "0", "12", "12.5", "12.50" for USD; refuses "", "-1", "+1", "1e3", "1,234.50",
 * ".5", "5.", "12.345" (too many decimals for USD), anything past INT64_MAX minor units.
 * Zero is accepted here; movements refuse it themselves.
 * @param out receives the amount; untouched on failure
 * @return BANK_OK, or BANK_EINVAL (malformed, too many decimals, out of range, unknown
 *         currency; the message says which)
 */
BANK_EXTERN(int) bank_amount_parse(int64_t *out, const char *text, const char *currency) BANK_WARN_UNUSED;

/**
 * Formats minor units of @p currency as decimal text with exactly the currency's
 * exponent of decimals ("-12.50", "1000", "0.125").
 * @param buf receives the text; at least BANK_AMOUNT_SIZE bytes is always enough
 * @return BANK_OK, BANK_EINVAL for an unknown currency, BANK_ELIMIT when @p size is too small
 */
BANK_EXTERN(int) bank_amount_format(char *buf, size_t size, int64_t amount, const char *currency) BANK_WARN_UNUSED;

/** *out = a + b, or BANK_ELIMIT (and *out untouched) when the sum leaves int64_t. */
BANK_EXTERN(int) bank_money_add(int64_t *out, int64_t a, int64_t b) BANK_WARN_UNUSED;
/** *out = a - b, or BANK_ELIMIT (and *out untouched) when the difference leaves int64_t. */
BANK_EXTERN(int) bank_money_sub(int64_t *out, int64_t a, int64_t b) BANK_WARN_UNUSED;
/** *out = a * b, or BANK_ELIMIT (and *out untouched) when the product leaves int64_t. */
BANK_EXTERN(int) bank_money_mul(int64_t *out, int64_t a, int64_t b) BANK_WARN_UNUSED;

/**
 * *out = num / den rounded half to even (banker's rounding): 2.5 -> 2, 3.5 -> 4,
 * -2.5 -> -2.
 * @return BANK_OK, BANK_EINVAL when den is 0, BANK_ELIMIT when the quotient leaves int64_t
 */
BANK_EXTERN(int) bank_div_round_half_even(int64_t *out, int64_t num, int64_t den) BANK_WARN_UNUSED;

/**
 * Rounds @p value to a multiple of 10^@p digits, half to even: rounding 1250 to 2 digits
 * gives 1200, 1350 gives 1400.
 * @return BANK_OK, BANK_EINVAL when digits is outside 0..18, BANK_ELIMIT on overflow
 */
BANK_EXTERN(int) bank_round_half_even(int64_t *out, int64_t value, int digits) BANK_WARN_UNUSED;

/**
 * Parses an annual percentage rate ("2.5", "0.125", "0") into rate units
 * (BANK_RATE_SCALE per percent). Same grammar as amounts, at most 6 decimals,
 * at most BANK_RATE_MAX.
 * @return BANK_OK or BANK_EINVAL
 */
BANK_EXTERN(int) bank_rate_parse(int64_t *out, const char *text) BANK_WARN_UNUSED;

/**
 * Formats rate units as the shortest exact percentage text ("2.5", "0.125", "0").
 * @return BANK_OK, BANK_EINVAL for a negative rate, BANK_ELIMIT when @p size is too small
 */
BANK_EXTERN(int) bank_rate_format(char *buf, size_t size, int64_t rate) BANK_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif
