/*
 * error.c: the thread-local last error and the stable error names.
 *
 * The names table is a contract shared with bankctl's JSON, the REST server and the
 * Python exception classes: entries are only ever appended.
 */
#include <stdio.h>
#include <string.h>

#define BANK__ERROR_C
#include "internal.h"

#define MESSAGE_SIZE 512

static _Thread_local char tls_message[MESSAGE_SIZE];
static _Thread_local bank_error tls_error = {BANK_OK, 0, ""};

static const struct {
	int code;
	const char *name;
	const char *text;
} names[] = {
	{BANK_OK, "ok", "success"},
	{BANK_EINVAL, "invalid_argument", "invalid argument"},
	{BANK_ENOTFOUND, "not_found", "not found"},
	{BANK_EEXISTS, "already_exists", "already exists"},
	{BANK_EFUNDS, "insufficient_funds", "insufficient funds"},
	{BANK_ECURRENCY, "currency_mismatch", "currency mismatch"},
	{BANK_EFROZEN, "account_frozen", "account frozen"},
	{BANK_ECLOSED, "account_closed", "account closed"},
	{BANK_ELIMIT, "limit_exceeded", "limit exceeded"},
	{BANK_ECONFLICT, "conflict", "id reused with other fields"},
	{BANK_EBUSY, "busy", "database busy"},
	{BANK_EPERM, "permission_denied", "permission denied"},
	{BANK_EAUTH, "authentication_failed", "authentication failed"},
	{BANK_EIO, "io_error", "I/O error"},
	{BANK_ECORRUPT, "corrupt", "database corrupt or not a libbank database"},
	{BANK_EMISUSE, "misuse", "library misuse"},
	{BANK_ENOMEM, "out_of_memory", "out of memory"},
};

const bank_error *bank_error_last(void)
{
	if (tls_error.message == NULL)
		tls_error.message = "";
	return &tls_error;
}

void bank_error_clear(void)
{
	tls_message[0] = '\0';
	tls_error.code = BANK_OK;
	tls_error.sqlite_code = 0;
	tls_error.message = tls_message;
}

const char *bank_strerror(int code)
{
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].code == code)
			return names[i].text;
	return "unknown error";
}

const char *bank_error_name(int code)
{
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].code == code)
			return names[i].name;
	return "unknown";
}

int bank_error_code(const char *name)
{
	if (name == NULL)
		return BANK_EINVAL;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(names[i].name, name) == 0)
			return names[i].code;
	return BANK_EINVAL;
}

static int set_error(int code, int sqlite_code, const char *fmt, va_list ap)
{
	vsnprintf(tls_message, sizeof tls_message, fmt, ap);
	tls_error.code = code;
	tls_error.sqlite_code = sqlite_code;
	tls_error.message = tls_message;
	return code;
}

int bank__err(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_error(code, 0, fmt, ap);
	va_end(ap);
	return code;
}

int bank__err_sqlite(int code, int sqlite_code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_error(code, sqlite_code, fmt, ap);
	va_end(ap);
	return code;
}

int bank__oom(void)
{
	return bank__err(BANK_ENOMEM, "out of memory");
}
