/**
 * @file bank.h
 * @brief libbank: an embeddable banking core on SQLite. Include this one header.
 *
 * Conventions: fallible calls return int (BANK_OK or a negative bank_status) and leave
 * details in bank_error_last(); outputs come first; a `T **out` belongs to the caller
 * and is freed with the NULL-safe bank_T_free(); money is int64_t minor units with an
 * ISO 4217 currency; times are bank_time (microseconds, UTC).
 */
#ifndef BANK_H
#define BANK_H

#include "bank/common.h"
#include "bank/version.h"
#include "bank/error.h"
#include "bank/money.h"
#include "bank/handle.h"
#include "bank/branch.h"
#include "bank/product.h"
#include "bank/customer.h"
#include "bank/account.h"
#include "bank/ledger.h"
#include "bank/report.h"
#include "bank/interest.h"

#endif
