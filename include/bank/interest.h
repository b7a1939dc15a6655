/**
 * @file bank/interest.h
 * @brief Interest on deposit accounts: conventions, effective-dated rates, exact daily
 * accrual, posting, resumable runs, the interest table, projections and APY.
 *
 * Modelled on Apache Fineract's savings products. A product says how its accounts earn
 * (bank_product_spec): an annual nominal rate, effective-dated (bank_interest_rate_set());
 * a day count (actual/365, actual/360, actual/actual); a balance method (daily end-of-day
 * balance, or the average daily balance of the posting period); a compounding period; a
 * posting period; and a minimum balance to earn.
 *
 * A day is a calendar day in the bank's time zone. Each day an account earns on its
 * end-of-day balance (the balance after the day's last posting) plus the interest
 * compounded so far and not yet posted:
 *
 *     interest(day) = basis * rate / 100 / days_in_year      (days_in_year: 365, 360, 365 or 366)
 *
 * in integer arithmetic, kept to 10^-12 of a minor unit (bank_accrual), never floating
 * point. A day whose end-of-day balance is below the minimum balance to earn, or negative,
 * earns nothing; at or above it, the whole balance earns. At the end of each posting
 * period (calendar months, quarters, half-years or years) the period's interest is
 * rounded half to even to the minor unit once and posted as an ordinary ledger transfer
 * of kind "interest" from the branch's interest-expense account to the account, with
 * the deterministic id "int-<account number>-<period end YYYY-MM-DD>"; the rounding
 * remainder is carried into the next period. Posted interest earns from the day after
 * its period's end, whenever the run that posted it took place.
 *
 * Lifecycle of one account's interest periods (the interest table):
 *
 *     (first accrued day) --> open --accrue day by day--> open --period end--> posted (final)
 *                              ^                                                 |
 *                              +------------ next period, remainder carried -----+
 *
 * Closing an account (bank_account_close()) first accrues to the day before closing and
 * posts what it has accrued, so the balance to be emptied includes it; use
 * bank_interest_settle() to post it ahead of a closing.
 */
#ifndef BANK_INTEREST_H
#define BANK_INTEREST_H

#include "common.h"
#include "ledger.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Conventions ---- */

/** How many days a year of interest has. */
typedef enum bank_day_count {
	BANK_DAY_COUNT_ACT_365 = 0, /**< "act/365": every year 365 days (the default) */
	BANK_DAY_COUNT_ACT_360 = 1, /**< "act/360": every year 360 days */
	BANK_DAY_COUNT_ACT_ACT = 2  /**< "act/act": 366 days in leap years, else 365 */
} bank_day_count;

/** Which balance earns. */
typedef enum bank_balance_method {
	BANK_BALANCE_DAILY = 0,  /**< "daily": each day's end-of-day balance (the default) */
	BANK_BALANCE_AVERAGE = 1 /**< "average": the average daily balance of the posting period to date */
} bank_balance_method;

/**
 * A calendar period: compounding and posting periods. Periods are aligned on the
 * calendar (months, quarters ending March/June/September/December, half-years ending
 * June/December, years ending December), in the bank's time zone.
 */
typedef enum bank_period {
	BANK_PERIOD_MONTHLY = 0,    /**< "monthly" (the default of both) */
	BANK_PERIOD_QUARTERLY = 1,  /**< "quarterly" */
	BANK_PERIOD_SEMIANNUAL = 2, /**< "semiannual" */
	BANK_PERIOD_ANNUAL = 3,     /**< "annual" */
	BANK_PERIOD_DAILY = 4       /**< "daily": compounding only, never a posting period */
} bank_period;

/** "act/365", "act/360" or "act/act"; "unknown" otherwise. */
BANK_EXTERN(const char *) bank_day_count_name(bank_day_count dc);
/** Parses "act/365", "act/360" or "act/act". @return BANK_OK or BANK_EINVAL */
BANK_EXTERN(int) bank_day_count_parse(bank_day_count *out, const char *text) BANK_WARN_UNUSED;
/** "daily" or "average"; "unknown" otherwise. */
BANK_EXTERN(const char *) bank_balance_method_name(bank_balance_method m);
/** Parses "daily" or "average". @return BANK_OK or BANK_EINVAL */
BANK_EXTERN(int) bank_balance_method_parse(bank_balance_method *out, const char *text) BANK_WARN_UNUSED;
/** "daily", "monthly", "quarterly", "semiannual" or "annual"; "unknown" otherwise. */
BANK_EXTERN(const char *) bank_period_name(bank_period p);
/** Parses a period name (see bank_period_name()). @return BANK_OK or BANK_EINVAL */
BANK_EXTERN(int) bank_period_parse(bank_period *out, const char *text) BANK_WARN_UNUSED;

/* ---- Exact accrued amounts ---- */

/** Decimals of a minor unit interest accrual keeps. */
#define BANK_ACCRUAL_DIGITS 12
/** Fractions of a minor unit per minor unit in a bank_accrual: 10^12. */
#define BANK_ACCRUAL_SCALE INT64_C(1000000000000)
/** Size of a buffer that holds any accrual bank_accrual_format() prints. */
#define BANK_ACCRUAL_SIZE 64

/**
 * An exact interest amount: units + frac / BANK_ACCRUAL_SCALE minor units, with
 * 0 <= frac < BANK_ACCRUAL_SCALE (so -0.25 cents is {-1, 750000000000}).
 */
typedef struct bank_accrual {
	int64_t units; /**< whole minor units (rounded down) */
	int64_t frac;  /**< the fraction, in 10^-12 of a minor unit, 0 <= frac < BANK_ACCRUAL_SCALE */
} bank_accrual;

/**
 * Formats an accrual in the currency's major units with @p decimals decimals, rounded
 * half to even: 4.255312748064 USD with 9 decimals is "4.255312748".
 * @param decimals 0 .. exponent + BANK_ACCRUAL_DIGITS, or -1 for all of them
 * @return BANK_OK; BANK_EINVAL (unknown currency, bad decimals); BANK_ELIMIT (buffer too
 *         small; BANK_ACCRUAL_SIZE is always enough)
 */
BANK_EXTERN(int) bank_accrual_format(char *buf, size_t size, bank_accrual a, const char *currency, int decimals) BANK_WARN_UNUSED;

/* ---- Effective-dated rates ---- */

/** One entry of a product's rate schedule: @ref rate applies from @ref from on. */
typedef struct bank_rate_entry {
	bank_date from;       /**< first day the rate applies */
	int64_t rate;         /**< annual nominal rate, BANK_RATE_SCALE per percent */
	bank_time created_at; /**< when the entry was set */
} bank_rate_entry;

/** A product's rate schedule, oldest first. */
typedef struct bank_rate_schedule {
	size_t count;             /**< entries */
	bank_rate_entry *entries; /**< ordered by @ref bank_rate_entry.from */
} bank_rate_schedule;

/**
 * Sets a product's annual rate from day @p from on; earlier days keep their rate. An
 * entry for the same day is replaced. The product's rate (bank_product.rate) is the
 * rate in effect today. bank_product_add() and the "rate" field of bank_product_edit()
 * set entries too (from the day they are made).
 * @param rate 0 .. BANK_RATE_MAX
 * @return BANK_OK; BANK_EINVAL (rate out of range; @p from on or before a day some
 *         account of the product has accrued, or the last run's date: accrued days are
 *         final); BANK_ENOTFOUND (product); BANK_EPERM
 */
BANK_EXTERN(int) bank_interest_rate_set(bank *b, const char *product, int64_t rate, bank_date from) BANK_WARN_UNUSED;

/** Reads a product's rate schedule. @return BANK_OK, BANK_EINVAL, BANK_ENOTFOUND */
BANK_EXTERN(int) bank_interest_rates_get(bank_rate_schedule **out, bank *b, const char *product) BANK_WARN_UNUSED;

/** Frees a rate schedule. NULL is a no-op. */
BANK_EXTERN(void) bank_rate_schedule_free(bank_rate_schedule *s);

/* ---- Runs ---- */

/** What one call of bank_interest_run() did. */
typedef struct bank_interest_run_result {
	bank_date as_of;     /**< the last day accrued */
	size_t accounts;     /**< accounts this call accrued at least one day for */
	size_t days;         /**< account-days accrued by this call */
	size_t postings;     /**< interest transfers posted by this call */
	size_t transactions; /**< write transactions this call committed */
} bank_interest_run_result;

/**
 * Accrues every day up to and including @p as_of not yet accrued, for every open customer
 * account, and posts every posting period that has ended by then. Idempotent: a second
 * call for the same date finds nothing to do and changes nothing. Works in bounded
 * write transactions (a few thousand accounts each), each consistent on its own, so a
 * run that is interrupted (crash, kill, BANK_EBUSY) and called again with the same date
 * ends exactly as one uninterrupted run would. Each transaction writes one "interest.run"
 * audit record.
 * @param out what this call did; may be NULL
 * @param as_of a day that is over: before today in the bank's time zone
 * @return BANK_OK; BANK_EINVAL (@p as_of is today or later, or before the date of an
 *         earlier run: nothing changed); BANK_ELIMIT (an amount would overflow);
 *         BANK_EPERM; BANK_EBUSY; BANK_EIO (the work committed so far stays; call again)
 */
BANK_EXTERN(int) bank_interest_run(bank_interest_run_result *out, bank *b, bank_date as_of) BANK_WARN_UNUSED;

/**
 * The date of the latest run (its @p as_of), or 0 with BANK_ENOTFOUND when no run happened.
 * @return BANK_OK, BANK_ENOTFOUND
 */
BANK_EXTERN(int) bank_interest_last_run(bank_date *out, bank *b) BANK_WARN_UNUSED BANK_NONNULL(1);

/**
 * Accrues one account up to yesterday and posts its open period now (rounded half to
 * even, remainder carried), ending that period yesterday; the next period starts today.
 * What a teller does before emptying and closing an account.
 * @param out receives the interest transfer (free with bank_transfer_free()), or NULL
 *        when the period's interest rounds to zero; may be NULL
 * @return BANK_OK; BANK_EINVAL (mistyped number, internal account); BANK_ENOTFOUND;
 *         BANK_ECLOSED; BANK_ELIMIT; BANK_EPERM; BANK_EBUSY; BANK_EIO
 */
BANK_EXTERN(int) bank_interest_settle(bank_transfer **out, bank *b, const char *account) BANK_WARN_UNUSED;

/* ---- The interest table ---- */

/** One posting period of one account (the seed's InterestTable row). */
typedef struct bank_interest_period {
	bank_date start;            /**< first day */
	bank_date end;              /**< last day: the posting date (the day before closing for a final period) */
	bank_date accrued_through;  /**< last day accrued; start - 1 before the first */
	int days;                   /**< days accrued */
	const char *rates;          /**< the rates applied, "5" or "5 from 2026-03-01; 4.5 from 2026-03-16" */
	const char *balance_method; /**< "daily" or "average" */
	int64_t balance_basis;      /**< average end-of-day balance of the accrued days, minor units (half even) */
	bank_accrual carried_in;    /**< remainder carried in from the previous period */
	bank_accrual accrued;       /**< the period's interest at full precision, carried_in included */
	int posted_flag;            /**< nonzero once the period is posted (final) */
	int64_t posted;             /**< minor units posted: accrued rounded half to even (0 while open) */
	bank_accrual carried_out;   /**< accrued - posted, carried into the next period (0 while open) */
	const char *transfer;       /**< the posting's transfer id; "" while open or when nothing was posted */
	bank_time posted_at;        /**< when it was posted; 0 while open */
} bank_interest_period;

/** An account's interest table, oldest period first. */
typedef struct bank_interest_table {
	char account[BANK_ACCOUNT_NUMBER_SIZE]; /**< account number */
	char currency[BANK_CURRENCY_SIZE];      /**< ISO 4217 code */
	size_t count;                           /**< periods */
	bank_interest_period *periods;          /**< the periods */
} bank_interest_table;

/**
 * Reads an account's interest table (empty before its first accrued day).
 * @return BANK_OK, BANK_EINVAL (mistyped number), BANK_ENOTFOUND, BANK_EPERM
 */
BANK_EXTERN(int) bank_interest_table_get(bank_interest_table **out, bank *b, const char *account) BANK_WARN_UNUSED;

/** Frees an interest table. NULL is a no-op. */
BANK_EXTERN(void) bank_interest_table_free(bank_interest_table *t);

/* ---- Projection and APY ---- */

/** Longest projection, in days (ten years). */
#define BANK_PROJECTION_DAYS_MAX 3660

/**
 * What an account would earn over the @p days days starting today if its balance stayed
 * at its current posted balance: the product's rate schedule, day count, balance
 * method, minimum balance and compounding apply, interest posted at a period end joins
 * the balance. Interest accrued before today is not included. Writes nothing.
 * @param out the interest at full precision (round with bank_accrual_format())
 * @return BANK_OK; BANK_EINVAL (days outside 1..BANK_PROJECTION_DAYS_MAX, mistyped
 *         number, internal account); BANK_ENOTFOUND; BANK_ELIMIT
 */
BANK_EXTERN(int) bank_interest_project(bank_accrual *out, bank *b, const char *account, int days) BANK_WARN_UNUSED;

/** Size of a buffer that holds any APY text. */
#define BANK_APY_SIZE 24

/** An annual percentage yield, a disclosed percentage (not money), to two decimals. */
typedef struct bank_apy {
	int64_t hundredths;       /**< the APY in hundredths of a percent: 617 for 6.17% */
	char text[BANK_APY_SIZE]; /**< the same as text with two decimals: "6.17" */
} bank_apy;

/**
 * A product's APY for disclosure, per US Regulation DD (12 CFR 1030) Appendix A, part I:
 * APY = 100 * ((1 + interest / principal)^(365 / 365) - 1) for the interest a principal
 * at the rate in effect today earns in a 365-day year, compounded at the product's
 * compounding period or, when that is longer, its posting period (periods taken as
 * equal fractions of the year: 30.4 days a month), with its day count. Rounded half
 * up to two decimals. Double precision is used: an APY is not money.
 * @return BANK_OK, BANK_EINVAL, BANK_ENOTFOUND
 */
BANK_EXTERN(int) bank_interest_apy(bank_apy *out, bank *b, const char *product) BANK_WARN_UNUSED BANK_NONNULL(1);

/**
 * The APY earned by an account over the interest period that contains @p day, per
 * Regulation DD Appendix A, part II:
 * APY earned = 100 * ((1 + interest / balance)^(365 / days) - 1), with interest the
 * period's posted amount (the accrued amount, rounded, while it is open), balance its
 * average daily balance and days its accrued days. "0.00" when the average balance is
 * zero or negative.
 * @return BANK_OK; BANK_EINVAL (mistyped number); BANK_ENOTFOUND (account, or no period
 *         contains @p day)
 */
BANK_EXTERN(int) bank_interest_apy_earned(bank_apy *out, bank *b, const char *account, bank_date day) BANK_WARN_UNUSED BANK_NONNULL(1);

#ifdef __cplusplus
}
#endif
#endif
