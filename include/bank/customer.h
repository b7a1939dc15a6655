/**
 * @file bank/customer.h
 * @brief Customers and their one postal address (the seed's Customer and Address).
 */
#ifndef BANK_CUSTOMER_H
#define BANK_CUSTOMER_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A postal address. Every string may be NULL on input; on output "" means not given. */
typedef struct bank_address {
	const char *line1;       /**< first line */
	const char *line2;       /**< second line */
	const char *city;        /**< city */
	const char *region;      /**< state, province or region */
	const char *postal_code; /**< postal code */
	const char *country;     /**< ISO 3166-1 alpha-2 code, "GB" */
} bank_address;

/** A customer. Strings live as long as the record; "" means not given. */
typedef struct bank_customer {
	int64_t id;                               /**< customer id */
	const char *name;                         /**< full name, 1-200 bytes, stored verbatim */
	const char *dob;                          /**< date of birth "YYYY-MM-DD" or "" */
	const char *occupation;                   /**< occupation */
	int64_t income;                           /**< annual income in minor units of income_currency, -1 when not given */
	char income_currency[BANK_CURRENCY_SIZE]; /**< currency of income */
	const char *email;                        /**< e-mail address */
	const char *phone;                        /**< phone number */
	int has_address;                          /**< nonzero when an address is on file */
	bank_address address;                     /**< the address (strings "" when none) */
	bank_time created_at;                     /**< creation time */
	bank_time updated_at;                     /**< last edit */
} bank_customer;

/** A list of customers, ordered by id. */
typedef struct bank_customer_list {
	size_t count;          /**< number of items */
	bank_customer **items; /**< the customers */
} bank_customer_list;

/** Current version of bank_customer_spec. */
#define BANK_CUSTOMER_SPEC_VERSION 1

/** What bank_customer_add() needs. Start from BANK_CUSTOMER_SPEC_INIT. */
typedef struct bank_customer_spec {
	unsigned int version;        /**< BANK_CUSTOMER_SPEC_VERSION */
	const char *name;            /**< required */
	const char *dob;             /**< "YYYY-MM-DD", not in the future, or NULL */
	const char *occupation;      /**< or NULL */
	int64_t income;              /**< minor units >= 0, or -1 when not given */
	const char *income_currency; /**< NULL means "USD" */
	const char *email;           /**< must contain one '@' with text on both sides, or NULL */
	const char *phone;           /**< digits, spaces, '+', '-', '(', ')', or NULL */
	const bank_address *address; /**< or NULL: no address yet */
} bank_customer_spec;

/** Static initializer of bank_customer_spec. */
#define BANK_CUSTOMER_SPEC_INIT                                                          \
	{                                                                                \
		BANK_CUSTOMER_SPEC_VERSION, NULL, NULL, NULL, -1, NULL, NULL, NULL, NULL \
	}

/**
 * Adds a customer (and the address, when given).
 * @param out receives it (free with bank_customer_free()); may be NULL
 * @return BANK_OK; BANK_EINVAL (the message names the field); BANK_EPERM
 */
BANK_EXTERN(int) bank_customer_add(bank_customer **out, bank *b, const bank_customer_spec *spec) BANK_WARN_UNUSED;

/** Looks up a customer. @return BANK_OK or BANK_ENOTFOUND */
BANK_EXTERN(int) bank_customer_get(bank_customer **out, bank *b, int64_t id) BANK_WARN_UNUSED;

/**
 * Changes one field and audits old and new value. Fields: "name", "dob", "occupation",
 * "income" (amount text in the income currency), "income_currency", "email", "phone",
 * and the address fields "address_line1", "address_line2", "city", "region",
 * "postal_code", "country" (which create the address when there is none). An empty
 * value clears an optional field.
 * @return BANK_OK, BANK_ENOTFOUND, BANK_EINVAL, BANK_EPERM
 */
BANK_EXTERN(int) bank_customer_edit(bank *b, int64_t id, const char *field, const char *value) BANK_WARN_UNUSED;

/** Sets (creates or replaces) the customer's address, audited. */
BANK_EXTERN(int) bank_customer_set_address(bank *b, int64_t id, const bank_address *address) BANK_WARN_UNUSED;

/** Lists every customer. */
BANK_EXTERN(int) bank_customer_list_get(bank_customer_list **out, bank *b) BANK_WARN_UNUSED;

/** Frees a customer. NULL is a no-op. */
BANK_EXTERN(void) bank_customer_free(bank_customer *c);
/** Frees a list and its customers. NULL is a no-op. */
BANK_EXTERN(void) bank_customer_list_free(bank_customer_list *list);

#ifdef __cplusplus
}
#endif
#endif
