/**
 * @file bank/error.h
 * @brief Error codes, their stable names, and the thread-local last error.
 *
 * Every fallible libbank call returns an int: BANK_OK (0) on success or one of the
 * negative codes below. The code's name (bank_error_name()) is the contract shared by
 * every interface: the JSON "code" of bankctl and the REST server, and the Python
 * exception class (in CamelCase). Names are only ever appended, never changed.
 */
#ifndef BANK_ERROR_H
#define BANK_ERROR_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Status codes. 0 is success; every failure is negative. */
typedef enum bank_status {
	BANK_OK = 0,         /**< success */
	BANK_EINVAL = -1,    /**< invalid_argument: malformed or out-of-range input */
	BANK_ENOTFOUND = -2, /**< not_found: no such object */
	BANK_EEXISTS = -3,   /**< already_exists: the object exists already */
	BANK_EFUNDS = -4,    /**< insufficient_funds: a debit above what is available */
	BANK_ECURRENCY = -5, /**< currency_mismatch: accounts or amount of other currencies */
	BANK_EFROZEN = -6,   /**< account_frozen: the account refuses this direction */
	BANK_ECLOSED = -7,   /**< account_closed: the account is closed */
	BANK_ELIMIT = -8,    /**< limit_exceeded: a limit or an integer range would be passed */
	BANK_ECONFLICT = -9, /**< conflict: an id reused with other fields */
	BANK_EBUSY = -10,    /**< busy: the database stayed locked past the busy timeout */
	BANK_EPERM = -11,    /**< permission_denied: the principal may not do this */
	BANK_EAUTH = -12,    /**< authentication_failed: bad credentials or session */
	BANK_EIO = -13,      /**< io_error: the storage failed */
	BANK_ECORRUPT = -14, /**< corrupt: not a libbank database, or an invariant broken */
	BANK_EMISUSE = -15,  /**< misuse: the API was called wrongly (NULL handle...) */
	BANK_ENOMEM = -16    /**< out_of_memory: an allocation failed */
} bank_status;

/** Lowest (most negative) error code this version defines. */
#define BANK_ERROR_MIN BANK_ENOMEM

/** The details of the last failure on the calling thread. */
typedef struct bank_error {
	int code;            /**< a bank_status code (negative), or BANK_OK */
	int sqlite_code;     /**< SQLite's extended result code when SQLite caused it, else 0 */
	const char *message; /**< a human sentence; never NULL, never contains a secret */
} bank_error;

/**
 * The last error set on this thread by a libbank call.
 *
 * Never NULL: when no call has failed yet, the record has code BANK_OK and an empty
 * message. The record is thread-local and valid until the next failing libbank call
 * on the same thread. Successful calls do not clear it.
 */
BANK_EXTERN(const bank_error *) bank_error_last(void);

/** Resets this thread's last error to BANK_OK with an empty message. */
BANK_EXTERN(void) bank_error_clear(void);

/**
 * A static English description of @p code ("insufficient funds").
 * Unknown codes give "unknown error". Never NULL.
 */
BANK_EXTERN(const char *) bank_strerror(int code);

/**
 * The stable name of @p code ("insufficient_funds"), used as the JSON code and, in
 * CamelCase, as the Python exception class. BANK_OK gives "ok"; unknown codes give
 * "unknown". Never NULL.
 */
BANK_EXTERN(const char *) bank_error_name(int code);

/**
 * The code whose stable name is @p name, or BANK_EINVAL when no code has that name.
 * bank_error_code("ok") is BANK_OK.
 */
BANK_EXTERN(int) bank_error_code(const char *name);

#ifdef __cplusplus
}
#endif
#endif
