/**
 * @file bank/common.h
 * @brief Export macros, attributes and the basic types every libbank header uses.
 *
 * Stability: everything here is part of the stable API.
 */
#ifndef BANK_COMMON_H
#define BANK_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
/** Declares a public function returning @p type, exported from libbank.so. */
#define BANK_EXTERN(type) extern __attribute__((visibility("default"))) type
/** Marks a call whose result must be checked (the compiler warns when it is ignored). */
#define BANK_WARN_UNUSED __attribute__((warn_unused_result))
/** Marks the listed pointer parameters (1-based) as never NULL. */
#define BANK_NONNULL(...) __attribute__((nonnull(__VA_ARGS__)))
#else
#define BANK_EXTERN(type) extern type
#define BANK_WARN_UNUSED
#define BANK_NONNULL(...)
#endif

/**
 * A point in time: microseconds since 1970-01-01T00:00:00Z (UTC).
 * Printed as RFC 3339 in UTC by bank_time_format().
 */
typedef int64_t bank_time;

/**
 * A calendar date: days since 1970-01-01, in the bank's time zone.
 * Printed as YYYY-MM-DD by bank_date_format().
 */
typedef int32_t bank_date;

/** An open bank: one SQLite connection and its caches. One handle per thread. */
typedef struct bank bank;

/** Length of an account number (12 digits) without the terminating NUL. */
#define BANK_ACCOUNT_NUMBER_LEN 12
/** Size of a buffer that holds an account number and its NUL. */
#define BANK_ACCOUNT_NUMBER_SIZE 13
/** Size of a buffer that holds an ISO 4217 alphabetic code and its NUL. */
#define BANK_CURRENCY_SIZE 4
/** Longest client-chosen transfer id, in bytes. */
#define BANK_ID_MAX 64
/** Size of a buffer that holds any transfer id and its NUL. */
#define BANK_ID_SIZE 65
/** Size of a buffer that holds any RFC 3339 time bank_time_format() prints. */
#define BANK_TIME_SIZE 32

#ifdef __cplusplus
}
#endif
#endif
