/*
 * test_error.c: error codes, their stable names and texts, and the thread-local last
 * error (include/bank/error.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "fixture.h"

/* The names are a contract shared by every interface: they never change. */
static const struct {
	int code;
	const char *name;
} expected_names[] = {
	{BANK_OK, "ok"},
	{BANK_EINVAL, "invalid_argument"},
	{BANK_ENOTFOUND, "not_found"},
	{BANK_EEXISTS, "already_exists"},
	{BANK_EFUNDS, "insufficient_funds"},
	{BANK_ECURRENCY, "currency_mismatch"},
	{BANK_EFROZEN, "account_frozen"},
	{BANK_ECLOSED, "account_closed"},
	{BANK_ELIMIT, "limit_exceeded"},
	{BANK_ECONFLICT, "conflict"},
	{BANK_EBUSY, "busy"},
	{BANK_EPERM, "permission_denied"},
	{BANK_EAUTH, "authentication_failed"},
	{BANK_EIO, "io_error"},
	{BANK_ECORRUPT, "corrupt"},
	{BANK_EMISUSE, "misuse"},
	{BANK_ENOMEM, "out_of_memory"},
};
#define NNAMES (sizeof expected_names / sizeof expected_names[0])

static void test_error_names__table(void **state)
{
	(void)state;
	/* Every code from BANK_ERROR_MIN to BANK_OK is listed, with its documented name. */
	assert_int_equal(NNAMES, (size_t)(1 - BANK_ERROR_MIN));
	for (size_t i = 0; i < NNAMES; i++)
		assert_string_equal(bank_error_name(expected_names[i].code), expected_names[i].name);
}

static void test_error_names__distinct(void **state)
{
	(void)state;
	for (int a = BANK_ERROR_MIN; a <= 0; a++) {
		const char *na = bank_error_name(a);
		assert_non_null(na);
		assert_string_not_equal(na, "unknown");
		for (int c = BANK_ERROR_MIN; c <= 0; c++)
			if (c != a)
				assert_string_not_equal(na, bank_error_name(c));
	}
}

static void test_error_names__round_trip(void **state)
{
	(void)state;
	for (int c = BANK_ERROR_MIN; c <= 0; c++)
		assert_int_equal(bank_error_code(bank_error_name(c)), c);
	assert_int_equal(bank_error_code("ok"), BANK_OK);
	assert_int_equal(bank_error_code("insufficient_funds"), BANK_EFUNDS);
}

static void test_error_names__unknown(void **state)
{
	(void)state;
	assert_string_equal(bank_error_name(1), "unknown");
	assert_string_equal(bank_error_name(BANK_ERROR_MIN - 1), "unknown");
	assert_string_equal(bank_error_name(-1000), "unknown");
	assert_int_equal(bank_error_code("no_such_error"), BANK_EINVAL);
	assert_int_equal(bank_error_code(""), BANK_EINVAL);
	assert_int_equal(bank_error_code("unknown"), BANK_EINVAL);
	assert_int_equal(bank_error_code("insufficient_funds "), BANK_EINVAL);
	assert_int_equal(bank_error_code("insufficient"), BANK_EINVAL);
}

static void test_error_strerror__texts(void **state)
{
	(void)state;
	for (int c = BANK_ERROR_MIN; c <= 0; c++) {
		const char *t = bank_strerror(c);
		assert_non_null(t);
		assert_true(t[0] != '\0');
		assert_string_not_equal(t, "unknown error");
		/* static text: the same pointer every time */
		assert_ptr_equal(t, bank_strerror(c));
	}
	assert_string_equal(bank_strerror(BANK_EFUNDS), "insufficient funds");
	assert_string_equal(bank_strerror(1), "unknown error");
	assert_string_equal(bank_strerror(BANK_ERROR_MIN - 1), "unknown error");
	assert_string_equal(bank_strerror(-12345), "unknown error");
}

static void test_error_last__set_by_failure(void **state)
{
	(void)state;
	bank_error_clear();
	const bank_error *e = bank_error_last();
	assert_non_null(e);
	assert_int_equal(e->code, BANK_OK);
	assert_non_null(e->message);
	assert_string_equal(e->message, "");
	assert_int_equal(e->sqlite_code, 0);

	bank_time t;
	assert_int_equal(bank_time_parse(&t, "not a time"), BANK_EINVAL);
	e = bank_error_last();
	assert_int_equal(e->code, BANK_EINVAL);
	assert_non_null(e->message);
	assert_true(e->message[0] != '\0');
	assert_int_equal(e->sqlite_code, 0);

	/* A successful call does not clear it. */
	assert_int_equal(bank_time_parse(&t, "2026-11-24T11:13:24Z"), BANK_OK);
	assert_int_equal(bank_error_last()->code, BANK_EINVAL);

	/* The next failure replaces it. */
	bank_options o;
	assert_int_equal(bank_options_init(&o, 9999), BANK_EINVAL);
	o = (bank_options)BANK_OPTIONS_INIT;
	o.no_create = 1;
	bank *b = NULL;
	assert_int_equal(bank_open(&b, "/nonexistent-dir-libbank/none.db", &o), BANK_ENOTFOUND);
	assert_null(b);
	assert_int_equal(bank_error_last()->code, BANK_ENOTFOUND);

	bank_error_clear();
	assert_int_equal(bank_error_last()->code, BANK_OK);
	assert_string_equal(bank_error_last()->message, "");
	assert_int_equal(bank_error_last()->sqlite_code, 0);
}

static void test_error_last__keeps_sqlite_code(void **state)
{
	(void)state;
	/* A file of random bytes: SQLite says "not a database"; libbank says corrupt and keeps
	 * SQLite's code in the record. */
	char dir[128], path[192];
	fx_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/junk.db", dir);
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	uint32_t x = 12345;
	for (int i = 0; i < 8192; i++) {
		x = x * 1103515245u + 12345u;
		fputc((int)(x >> 16) & 0xff, fp);
	}
	fclose(fp);
	bank *b = NULL;
	bank_error_clear();
	int rc = bank_open(&b, path, NULL);
	bank_close(b);
	fx_rmdir(dir);
	assert_int_equal(rc, BANK_ECORRUPT);
	assert_int_equal(bank_error_last()->code, BANK_ECORRUPT);
	assert_int_equal(bank_error_last()->sqlite_code & 0xff, SQLITE_NOTADB);
}

static void test_error_misuse__null_handle(void **state)
{
	(void)state;
	/* A NULL handle is the caller's mistake, reported as misuse, never a crash. */
	bank_balance bal;
	bank_transfer *t = NULL;
	bank_account *a = NULL;
	bank_verify_report *r = NULL;
	int64_t v = 0;
	size_t n = 0;
	assert_int_equal(bank_deposit(&t, NULL, "000000000097", 1, NULL, NULL), BANK_EMISUSE);
	assert_int_equal(bank_error_last()->code, BANK_EMISUSE);
	assert_int_equal(bank_withdraw(&t, NULL, "000000000097", 1, NULL, NULL), BANK_EMISUSE);
	assert_int_equal(bank_transfer_post(&t, NULL, "000000000097", "000000000194", 1, NULL, NULL), BANK_EMISUSE);
	assert_int_equal(bank_branch_add(NULL, NULL, "HQ", "Head Office", NULL), BANK_EMISUSE);
	assert_int_equal(bank_account_get(&a, NULL, "000000000097"), BANK_EMISUSE);
	assert_int_equal(bank_balance_get(&bal, NULL, "000000000097"), BANK_EMISUSE);
	assert_int_equal(bank_balance_at(&v, NULL, "000000000097", 0), BANK_EMISUSE);
	assert_int_equal(bank_hold_sweep(&n, NULL), BANK_EMISUSE);
	assert_int_equal(bank_verify(&r, NULL), BANK_EMISUSE);
	assert_null(t);
	assert_null(a);
	assert_null(r);
	assert_int_equal(bank_open(NULL, ":memory:", NULL), BANK_EMISUSE);
}

/* ---- Thread locality ---- */

static pthread_barrier_t barrier;

struct thread_result {
	int code_after_own;   /* this thread's code after its own failure */
	int code_after_other; /* ... after the other thread failed too */
	char message[256];    /* its message after the other thread failed */
	int initial_code;     /* code before any call on this thread */
	int initial_empty;    /* the initial message was "" */
	int rc;               /* what the failing call returned */
};

static void *thread_a(void *arg)
{
	struct thread_result *r = arg;
	r->initial_code = bank_error_last()->code;
	r->initial_empty = bank_error_last()->message != NULL && bank_error_last()->message[0] == '\0';
	bank_time t;
	r->rc = bank_time_parse(&t, "garbage"); /* EINVAL */
	r->code_after_own = bank_error_last()->code;
	pthread_barrier_wait(&barrier); /* A has failed */
	pthread_barrier_wait(&barrier); /* B has failed */
	r->code_after_other = bank_error_last()->code;
	snprintf(r->message, sizeof r->message, "%s", bank_error_last()->message);
	return NULL;
}

static void *thread_b(void *arg)
{
	struct thread_result *r = arg;
	r->initial_code = bank_error_last()->code;
	r->initial_empty = bank_error_last()->message != NULL && bank_error_last()->message[0] == '\0';
	pthread_barrier_wait(&barrier); /* A has failed */
	bank_options o = BANK_OPTIONS_INIT;
	o.no_create = 1;
	bank *b = NULL;
	r->rc = bank_open(&b, "/nonexistent-dir-libbank/none.db", &o); /* ENOTFOUND */
	r->code_after_own = bank_error_last()->code;
	pthread_barrier_wait(&barrier); /* B has failed */
	r->code_after_other = bank_error_last()->code;
	snprintf(r->message, sizeof r->message, "%s", bank_error_last()->message);
	return NULL;
}

static void test_error_last__thread_local(void **state)
{
	(void)state;
	/* The main thread's own error must survive both threads. */
	bank_error_clear();
	bank_options o;
	assert_int_equal(bank_options_init(&o, 77), BANK_EINVAL);
	char main_message[256];
	snprintf(main_message, sizeof main_message, "%s", bank_error_last()->message);

	struct thread_result ra, rb;
	memset(&ra, 0, sizeof ra);
	memset(&rb, 0, sizeof rb);
	assert_int_equal(pthread_barrier_init(&barrier, NULL, 2), 0);
	pthread_t ta, tb;
	assert_int_equal(pthread_create(&ta, NULL, thread_a, &ra), 0);
	assert_int_equal(pthread_create(&tb, NULL, thread_b, &rb), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_barrier_destroy(&barrier);

	/* A new thread starts with BANK_OK and "" even though main has an error. */
	assert_int_equal(ra.initial_code, BANK_OK);
	assert_true(ra.initial_empty);
	assert_int_equal(rb.initial_code, BANK_OK);
	assert_true(rb.initial_empty);

	assert_int_equal(ra.rc, BANK_EINVAL);
	assert_int_equal(rb.rc, BANK_ENOTFOUND);
	assert_int_equal(ra.code_after_own, BANK_EINVAL);
	assert_int_equal(ra.code_after_other, BANK_EINVAL); /* B's failure did not touch A */
	assert_int_equal(rb.code_after_own, BANK_ENOTFOUND);
	assert_int_equal(rb.code_after_other, BANK_ENOTFOUND);
	assert_true(ra.message[0] != '\0');
	assert_true(rb.message[0] != '\0');
	assert_string_not_equal(ra.message, rb.message);

	assert_int_equal(bank_error_last()->code, BANK_EINVAL);
	assert_string_equal(bank_error_last()->message, main_message);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_names__table),
		cmocka_unit_test(test_error_names__distinct),
		cmocka_unit_test(test_error_names__round_trip),
		cmocka_unit_test(test_error_names__unknown),
		cmocka_unit_test(test_error_strerror__texts),
		cmocka_unit_test(test_error_last__set_by_failure),
		cmocka_unit_test(test_error_last__keeps_sqlite_code),
		cmocka_unit_test(test_error_misuse__null_handle),
		cmocka_unit_test(test_error_last__thread_local),
	};
	return cmocka_run_group_tests_name("error", tests, NULL, NULL);
}
