/*
 * test_verify.c: bank_verify() on sound and tampered databases, and the schema's
 * refusal to UPDATE or DELETE the journal and the audit trail (include/bank/report.h,
 * DESIGN.md invariants 1-3).
 *
 * Tampering goes through a second SQLite connection on the bank's file, as an attacker
 * or a buggy tool with file access would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "fixture.h"

static sqlite3 *raw_open(const char *path)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	return db;
}

static void raw_exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK) {
		print_error("%s: %s\n", sql, err ? err : "?");
		sqlite3_free(err);
		fail();
	}
}

/* Runs tampering SQL on the closed bank's file, then reopens the bank. */
static void tamper(fx *f, const char *sql)
{
	bank_close(f->b);
	f->b = NULL;
	sqlite3 *db = raw_open(f->path);
	raw_exec(db, sql);
	sqlite3_close(db);
	f->b = fx_open_bare(f->path, FX_SEED + 1);
}

static char *sqlf(const char *fmt, const char *a, const char *b)
{
	size_t n = strlen(fmt) + strlen(a) + (b ? strlen(b) : 0) + 1;
	char *s = malloc(n);
	assert_non_null(s);
	snprintf(s, n, fmt, a, b ? b : "");
	return s;
}

static bank_verify_report *verify_corrupt(bank *b)
{
	bank_verify_report *r = NULL;
	bank_error_clear();
	int rc = bank_verify(&r, b);
	assert_int_equal(rc, BANK_ECORRUPT);
	assert_int_equal(bank_error_last()->code, BANK_ECORRUPT);
	assert_non_null(r);
	assert_true(r->count > 0);
	assert_int_equal(r->total, r->count); /* fewer than 10,000: all kept */
	for (size_t i = 0; i < r->count; i++) {
		assert_non_null(r->items[i].check);
		assert_non_null(r->items[i].object);
		assert_non_null(r->items[i].message);
		assert_true(r->items[i].message[0] != '\0');
	}
	return r;
}

/* Whether the report has a violation of @p check about @p object (NULL: any object). */
static int has(const bank_verify_report *r, const char *check, const char *object)
{
	for (size_t i = 0; i < r->count; i++)
		if (strcmp(r->items[i].check, check) == 0 &&
		    (object == NULL || strcmp(r->items[i].object, object) == 0))
			return 1;
	return 0;
}

static void expect(const bank_verify_report *r, const char *check, const char *object)
{
	if (has(r, check, object))
		return;
	print_error("no \"%s\" violation about %s; the report has:\n", check, object ? object : "anything");
	for (size_t i = 0; i < r->count; i++)
		print_error("  %s %s: %s\n", r->items[i].check, r->items[i].object, r->items[i].message);
	fail();
}

static void busy_day(fx *f)
{
	char eur[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(f->b, f->customer, FX_EUR, eur);
	fx_deposit(f->b, eur, 9900);
	FX_OK(bank_transfer_post(NULL, f->b, f->a1, f->a2, 1000, "tt", NULL));
	FX_OK(bank_withdraw(NULL, f->b, f->a2, 250, "ww", NULL));
	FX_OK(bank_hold(NULL, f->b, f->a1, NULL, 700, 0, "hold-active", NULL));
	FX_OK(bank_hold(NULL, f->b, f->a2, f->a1, 300, 0, "hold-posted", NULL));
	FX_OK(bank_hold_post(NULL, f->b, "hold-posted", 100, NULL));
	FX_OK(bank_hold(NULL, f->b, f->a2, NULL, 50, 5, "hold-expiring", NULL));
	FX_OK(bank_transfer_post(NULL, f->b, f->a2, f->a1, 10, "to-reverse", NULL));
	FX_OK(bank_reverse(NULL, f->b, "to-reverse", NULL));
	fx_product(f->b, "OD", "USD", BANK_PRODUCT_CURRENT, 0, 5000);
	char od[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(f->b, f->customer, "OD", od);
	FX_OK(bank_withdraw(NULL, f->b, od, 4000, NULL, NULL));
	bank_transfer_request items[2] = {BANK_TRANSFER_REQUEST_INIT, BANK_TRANSFER_REQUEST_INIT};
	items[0].credit = f->a1;
	items[0].amount = 5;
	items[0].linked = 1;
	items[1].debit = f->a2;
	items[1].amount = FX_A2_FUNDS * 100; /* fails the chain */
	bank_batch_results *r = NULL;
	FX_OK(bank_transfer_batch(&r, f->b, items, 2));
	assert_int_equal(r->failed, 2);
	bank_batch_results_free(r);
	fx_advance(10);
	size_t released = 0;
	FX_OK(bank_hold_sweep(&released, f->b));
	assert_int_equal(released, 1);
}

/* ---- sound banks ---- */

static void test_verify_clean__fixture(void **state)
{
	fx *f = *state;
	bank_verify_report *r = NULL;
	FX_OK(bank_verify(&r, f->b));
	assert_non_null(r);
	assert_int_equal(r->count, 0);
	assert_int_equal(r->total, 0);
	bank_account_list *l = NULL;
	FX_OK(bank_account_list_get(&l, f->b, -1));
	FX_EQ(r->accounts_checked, (int64_t)l->count);
	bank_account_list_free(l);
	FX_EQ(r->transfers_checked, fx_count(f->b, "SELECT count(*) FROM transfer"));
	bank_verify_report_free(r);
	bank_verify_report_free(NULL);
}

static void test_verify_clean__empty_bank(void **state)
{
	(void)state;
	bank *b = fx_open_bare(":memory:", 1);
	bank_verify_report *r = NULL;
	FX_OK(bank_verify(&r, b));
	assert_int_equal(r->count, 0);
	FX_EQ(r->accounts_checked, 0);
	FX_EQ(r->transfers_checked, 0);
	bank_verify_report_free(r);
	bank_close(b);
}

static void test_verify_clean__busy_day(void **state)
{
	fx *f = *state;
	busy_day(f);
	fx_verify_clean(f->b);
	fx_reopen(f);
	fx_verify_clean(f->b);
}

static void test_verify_clean__totals_past_int64(void **state)
{
	fx *f = *state;
	/* Two vaults whose balances are each in range but whose total is not: a sound
	 * ledger, which verify must neither call corrupt nor overflow on. */
	FX_OK(bank_branch_add(NULL, f->b, "B2", "Second", NULL));
	bank_account *a = NULL;
	FX_OK(bank_account_open(&a, f->b, f->customer, FX_USD, "B2"));
	const int64_t half = INT64_MAX / 2 + 1;
	FX_OK(bank_deposit(NULL, f->b, f->a1, half, NULL, NULL));
	FX_OK(bank_deposit(NULL, f->b, a->number, half, NULL, NULL));
	bank_account_free(a);
	fx_verify_clean(f->b);
	/* the trial balance cannot total that in int64_t: it may refuse, not wrap */
	bank_trial_balance *t = NULL;
	int rc = bank_trial_balance_get(&t, f->b);
	if (rc == BANK_OK) {
		for (size_t i = 0; i < t->total_count; i++)
			assert_true(t->totals[i].debit > 0 && t->totals[i].credit > 0);
		bank_trial_balance_free(t);
	} else {
		assert_int_equal(rc, BANK_ELIMIT);
	}
}

/* ---- append-only ---- */

static void expect_refused(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
	if (rc == SQLITE_OK) {
		print_error("the schema accepted: %s\n", sql);
		fail();
	}
	assert_int_equal(rc & 0xff, SQLITE_CONSTRAINT);
	sqlite3_free(err);
}

static void test_verify_append_only__journal(void **state)
{
	fx *f = *state;
	busy_day(f);
	fx_snap *s = fx_snap_new(f->b);
	sqlite3 *db = raw_open(f->path);
	expect_refused(db, "UPDATE transfer SET amount = amount + 1");
	expect_refused(db, "UPDATE transfer SET memo = 'x' WHERE id = 'tt'");
	expect_refused(db, "UPDATE transfer SET debit_balance = 0");
	expect_refused(db, "DELETE FROM transfer WHERE id = 'tt'");
	expect_refused(db, "DELETE FROM transfer");
	/* also inside an explicit transaction */
	raw_exec(db, "BEGIN");
	expect_refused(db, "DELETE FROM transfer WHERE id = 'ww'");
	raw_exec(db, "COMMIT");
	sqlite3_close(db);
	fx_snap_check(s, f->b, "tampering with the journal", __FILE__, __LINE__);
	fx_snap_free(s);
	fx_verify_clean(f->b);
}

static void test_verify_append_only__audit(void **state)
{
	fx *f = *state;
	busy_day(f);
	fx_snap *s = fx_snap_new(f->b);
	sqlite3 *db = raw_open(f->path);
	expect_refused(db, "UPDATE audit SET principal = 'nobody'");
	expect_refused(db, "UPDATE audit SET details = '{}' WHERE seq = 1");
	expect_refused(db, "DELETE FROM audit WHERE seq = 1");
	expect_refused(db, "DELETE FROM audit");
	sqlite3_close(db);
	fx_snap_check(s, f->b, "tampering with the audit trail", __FILE__, __LINE__);
	fx_snap_free(s);
}

/* ---- tampering found ---- */

static void test_verify_tamper__account_balance(void **state)
{
	fx *f = *state;
	busy_day(f);
	char *sql = sqlf("UPDATE account SET balance = balance + 1 WHERE number = '%s'", f->a1, NULL);
	tamper(f, sql);
	free(sql);
	bank_verify_report *r = verify_corrupt(f->b);
	char object[64];
	snprintf(object, sizeof object, "account:%s", f->a1);
	expect(r, "balance", object);
	/* the other account is fine */
	char other[64];
	snprintf(other, sizeof other, "account:%s", f->a2);
	assert_false(has(r, "balance", other));
	bank_verify_report_free(r);
}

static void test_verify_tamper__every_violation(void **state)
{
	fx *f = *state;
	busy_day(f);
	char *sql = sqlf("UPDATE account SET balance = balance - 100 WHERE number = '%s';"
			 "UPDATE account SET balance = balance + 100, pending = pending + 7 WHERE number = '%s';",
			 f->a1, f->a2);
	tamper(f, sql);
	free(sql);
	bank_verify_report *r = verify_corrupt(f->b);
	char o1[64], o2[64];
	snprintf(o1, sizeof o1, "account:%s", f->a1);
	snprintf(o2, sizeof o2, "account:%s", f->a2);
	expect(r, "balance", o1);
	expect(r, "balance", o2);
	expect(r, "pending", o2);
	assert_true(r->count >= 3);
	bank_verify_report_free(r);
}

static void test_verify_tamper__transfer_amount(void **state)
{
	fx *f = *state;
	busy_day(f);
	tamper(f, "DROP TRIGGER transfer_append_only_u;"
		  "UPDATE transfer SET amount = amount + 100 WHERE id = 'tt';");
	bank_verify_report *r = verify_corrupt(f->b);
	char o1[64], o2[64];
	snprintf(o1, sizeof o1, "account:%s", f->a1);
	snprintf(o2, sizeof o2, "account:%s", f->a2);
	/* the stored balances no longer match the postings */
	expect(r, "balance", o1);
	expect(r, "balance", o2);
	/* and the stored balance-after of 'tt' no longer follows from its amount */
	expect(r, "balance_after", NULL);
	assert_true(r->count >= 3);
	bank_verify_report_free(r);
}

static void test_verify_tamper__balance_after(void **state)
{
	fx *f = *state;
	busy_day(f);
	tamper(f, "DROP TRIGGER transfer_append_only_u;"
		  "UPDATE transfer SET credit_balance = credit_balance + 1 WHERE id = 'tt';");
	bank_verify_report *r = verify_corrupt(f->b);
	expect(r, "balance_after", NULL);
	/* balances themselves are right */
	char o1[64];
	snprintf(o1, sizeof o1, "account:%s", f->a2);
	assert_false(has(r, "balance", o1));
	bank_verify_report_free(r);
}

/* The posting chain: a broken link, a wrong chain end, a missing or extra history row. */
static void test_verify_tamper__history(void **state)
{
	fx *f = *state;
	busy_day(f);
	for (int i = 0; i < 40; i++)
		FX_OK(bank_transfer_post(NULL, f->b, f->a1, f->a2, 1, NULL, NULL));
	tamper(f,
	       "DROP TRIGGER transfer_append_only_u;"
	       "UPDATE transfer SET debit_prev = debit_prev - 1 WHERE id = 'tt';"
	       "DROP TRIGGER history_append_only_d;"
	       "DELETE FROM history WHERE (account_id, last_seq) = (SELECT account_id, last_seq FROM history LIMIT 1);"
	       "INSERT INTO history(account_id, last_seq) VALUES (999, 1);");
	bank_verify_report *r = verify_corrupt(f->b);
	expect(r, "history", "transfer:tt");
	expect(r, "history", "history");
	assert_false(has(r, "balance", NULL));
	bank_verify_report_free(r);

	/* a chain end that names a row of another account: reads fail with corrupt, not a crash */
	char x[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(f->b, f->customer, FX_USD, x);
	fx_deposit(f->b, x, 500);
	fx_deposit(f->b, x, 700);
	char *sql = sqlf("UPDATE account SET last_seq = 1 WHERE number = '%s';%s", x, NULL);
	tamper(f, sql);
	free(sql);
	r = verify_corrupt(f->b);
	char ox[64];
	snprintf(ox, sizeof ox, "account:%s", x);
	expect(r, "history", ox);
	bank_verify_report_free(r);
	bank_statement *st = NULL;
	FX_REFUSE(f->b, BANK_ECORRUPT, bank_statement_get(&st, f->b, x, 0, 0, 10, NULL));
	assert_null(st);
	int64_t v = 0;
	FX_REFUSE(f->b, BANK_ECORRUPT, bank_balance_at(&v, f->b, x, fx_now));
}

/* Posting records (schema v4) that are not the journal's: verify names them, reads
 * refuse the ones that cannot be right, and no read crashes. */
static void test_verify_tamper__posting_records(void **state)
{
	fx *f = *state;
	busy_day(f);
	for (int i = 0; i < 40; i++) /* a1 and a2 cross two history blocks */
		FX_OK(bank_transfer_post(NULL, f->b, f->a1, f->a2, 1, NULL, NULL));
	FX_EQ(fx_count(f->b, "SELECT count(*) FROM history WHERE entries IS NULL"), 0);
	char *sql = sqlf("UPDATE account SET recent = substr(recent, 1, length(recent) - 1) || X'00'"
			 " WHERE number = '%s';"
			 "DROP TRIGGER history_append_only_u;"
			 "UPDATE history SET entries = X'00' || substr(entries, 2)"
			 " WHERE account_id = (SELECT id FROM account WHERE number = '%s');",
			 f->a1, f->a2);
	tamper(f, sql);
	free(sql);
	bank_verify_report *r = verify_corrupt(f->b);
	char o1[64];
	snprintf(o1, sizeof o1, "account:%s", f->a1);
	expect(r, "history", o1);
	size_t blocks = 0;
	for (size_t i = 0; i < r->count; i++)
		blocks += strstr(r->items[i].message, "posting records of the block") != NULL;
	assert_true(blocks >= 2); /* each of a2's blocks */
	assert_false(has(r, "balance", NULL));
	bank_verify_report_free(r);
	/* a record list that does not decode, or names another last posting: corrupt */
	bank_statement *st = NULL;
	FX_REFUSE(f->b, BANK_ECORRUPT, bank_statement_get(&st, f->b, f->a2, 0, 0, 100, NULL));
	assert_null(st);
	sql = sqlf("UPDATE account SET recent = X'01' WHERE number = '%s';%s", f->a1, NULL);
	tamper(f, sql);
	free(sql);
	FX_REFUSE(f->b, BANK_ECORRUPT, bank_statement_get(&st, f->b, f->a1, 0, 0, 100, NULL));
	sql = sqlf("UPDATE account SET recent = X'' WHERE number = '%s';%s", f->a1, NULL);
	tamper(f, sql);
	free(sql);
	FX_REFUSE(f->b, BANK_ECORRUPT, bank_statement_get(&st, f->b, f->a1, 0, 0, 100, NULL));
	assert_null(st);
	/* a list longer than 15 records can be is taken as not known: reads walk the chain
	 * (and answer), verify names it */
	sql = sqlf("UPDATE account SET recent = zeroblob(2000) WHERE number = '%s';%s", f->a1, NULL);
	tamper(f, sql);
	free(sql);
	r = verify_corrupt(f->b);
	expect(r, "history", o1);
	bank_verify_report_free(r);
	FX_OK(bank_statement_get(&st, f->b, f->a1, 0, 0, 100, NULL));
	assert_true(st->count > 40);
	bank_statement_free(st);
	st = NULL;
	/* NULL records are never wrong: reads walk the chain, and verify is content */
	tamper(f, "UPDATE account SET recent = NULL; UPDATE history SET entries = NULL;");
	fx_verify_clean(f->b);
	FX_OK(bank_statement_get(&st, f->b, f->a1, 0, 0, 100, NULL));
	assert_true(st->count > 40);
	bank_statement_free(st);
}

static void test_verify_tamper__amount_and_currency(void **state)
{
	fx *f = *state;
	busy_day(f);
	tamper(f, "DROP TRIGGER transfer_append_only_u;"
		  "PRAGMA ignore_check_constraints = ON;"
		  "UPDATE transfer SET amount = -5 WHERE id = 'ww';"
		  "UPDATE transfer SET currency = 'EUR' WHERE id = 'tt';");
	bank_verify_report *r = verify_corrupt(f->b);
	expect(r, "amount", "transfer:ww");
	expect(r, "currency", "transfer:tt");
	bank_verify_report_free(r);
}

static void test_verify_tamper__conservation(void **state)
{
	fx *f = *state;
	busy_day(f);
	/* Money from nowhere: one posting whose credit account is in another currency, so
	 * USD is debited and not credited. */
	char eur[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(f->b, f->customer, FX_EUR, eur);
	char *sql = sqlf("INSERT INTO transfer(id, kind, posted, debit_id, credit_id, amount, currency, principal,"
			 " created_at, debit_balance, credit_balance)"
			 " SELECT 'forged', 'transfer', 1, d.id, c.id, 100, 'USD', 'mallory', 0, d.balance - 100, 100"
			 " FROM account d, account c WHERE d.number = '%s' AND c.number = '%s';",
			 f->a1, eur);
	tamper(f, sql);
	free(sql);
	bank_verify_report *r = verify_corrupt(f->b);
	int found = has(r, "conservation", NULL) || has(r, "currency", "transfer:forged");
	if (!found)
		expect(r, "conservation", NULL);
	bank_verify_report_free(r);
}

static void test_verify_tamper__hold_state(void **state)
{
	fx *f = *state;
	busy_day(f);
	/* an active hold marked voided behind the ledger's back: pending no longer matches */
	tamper(f, "UPDATE hold SET status = 'voided' WHERE seq = (SELECT seq FROM transfer WHERE id = 'hold-active');");
	bank_verify_report *r = verify_corrupt(f->b);
	char o1[64];
	snprintf(o1, sizeof o1, "account:%s", f->a1);
	expect(r, "pending", o1);
	bank_verify_report_free(r);
}

static void test_verify_tamper__reported_on_reopen_only_by_verify(void **state)
{
	fx *f = *state;
	/* Tampering does not stop the bank from opening; verify is the one that tells. */
	char *sql = sqlf("UPDATE account SET balance = 0 WHERE number = '%s'", f->a2, NULL);
	tamper(f, sql);
	free(sql);
	bank_verify_report *r = verify_corrupt(f->b);
	bank_verify_report_free(r);
	/* verify reads only: running it again finds the same */
	r = verify_corrupt(f->b);
	char o2[64];
	snprintf(o2, sizeof o2, "account:%s", f->a2);
	expect(r, "balance", o2);
	bank_verify_report_free(r);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup_file, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_verify_clean__fixture),
		cmocka_unit_test(test_verify_clean__empty_bank),
		T(test_verify_clean__busy_day),
		T(test_verify_clean__totals_past_int64),
		T(test_verify_append_only__journal),
		T(test_verify_append_only__audit),
		T(test_verify_tamper__account_balance),
		T(test_verify_tamper__every_violation),
		T(test_verify_tamper__transfer_amount),
		T(test_verify_tamper__balance_after),
		T(test_verify_tamper__amount_and_currency),
		T(test_verify_tamper__history),
		T(test_verify_tamper__posting_records),
		T(test_verify_tamper__conservation),
		T(test_verify_tamper__hold_state),
		T(test_verify_tamper__reported_on_reopen_only_by_verify),
	};
	return cmocka_run_group_tests_name("verify", tests, NULL, NULL);
}
