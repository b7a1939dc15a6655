/*
 * test_ledger.c: deposits, withdrawals, transfers, idempotency, batches, holds and
 * reversals (include/bank/ledger.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

/* ---- helpers ---- */

static bank_transfer *tget(bank *b, const char *id)
{
	bank_transfer *t = NULL;
	FX_OK(bank_transfer_get(&t, b, id));
	assert_non_null(t);
	return t;
}

static void internal(bank *b, const char *currency, bank_account_kind kind, char out[BANK_ACCOUNT_NUMBER_SIZE])
{
	bank_account *a = NULL;
	FX_OK(bank_account_internal(&a, b, FX_BRANCH, currency, kind));
	memcpy(out, a->number, BANK_ACCOUNT_NUMBER_SIZE);
	bank_account_free(a);
}

static const char *hold_status(bank *b, const char *id)
{
	static char buf[32];
	bank_transfer *t = tget(b, id);
	snprintf(buf, sizeof buf, "%s", t->hold_status);
	bank_transfer_free(t);
	return buf;
}

/* Every posted account of the fixture: balance-after of every line is the running sum. */
static void check_all_balance_after(fx *f)
{
	fx_check_balance_after(f->b, f->a1);
	fx_check_balance_after(f->b, f->a2);
	fx_check_balance_after(f->b, f->cash);
	fx_verify_clean(f->b);
}

/* ---- happy paths ---- */

static void test_ledger_deposit__posts(void **state)
{
	fx *f = *state;
	bank_transfer *t = NULL;
	FX_OK(bank_deposit(&t, f->b, f->a1, 2550, "dep-1", "cash in"));
	assert_non_null(t);
	assert_string_equal(t->id, "dep-1");
	assert_string_equal(t->kind, "deposit");
	assert_string_equal(t->debit, f->cash);
	assert_string_equal(t->credit, f->a1);
	FX_EQ(t->amount, 2550);
	assert_string_equal(t->currency, "USD");
	assert_string_equal(t->memo, "cash in");
	assert_string_equal(t->ref, "");
	assert_int_equal(t->pending, 0);
	assert_string_equal(t->hold_status, "");
	FX_EQ(t->expires_at, 0);
	FX_EQ(t->credit_balance, FX_A1_FUNDS + 2550);
	FX_EQ(t->debit_balance, FX_A1_FUNDS + FX_A2_FUNDS + 2550); /* the vault is debit-normal */
	assert_string_equal(t->principal, bank_principal(f->b));
	FX_EQ(t->created_at, fx_now);
	assert_int_equal(t->status, BANK_TRANSFER_CREATED);
	int64_t seq = t->seq;
	bank_transfer_free(t);
	bank_transfer_free(NULL);

	FX_EQ(fx_balance(f->b, f->a1), FX_A1_FUNDS + 2550);
	FX_EQ(fx_balance(f->b, f->cash), FX_A1_FUNDS + FX_A2_FUNDS + 2550);

	t = tget(f->b, "dep-1");
	FX_EQ(t->seq, seq);
	assert_string_equal(t->kind, "deposit");
	assert_string_equal(t->memo, "cash in");
	FX_EQ(t->amount, 2550);
	FX_EQ(t->credit_balance, FX_A1_FUNDS + 2550);
	bank_transfer_free(t);

	/* The fixture's deposits came before. */
	t = tget(f->b, "fx-fund-2");
	assert_true(t->seq < seq);
	bank_transfer_free(t);
	check_all_balance_after(f);
}

static void test_ledger_withdraw__posts(void **state)
{
	fx *f = *state;
	bank_transfer *t = NULL;
	FX_OK(bank_withdraw(&t, f->b, f->a1, 40000, "wd-1", NULL));
	assert_string_equal(t->kind, "withdrawal");
	assert_string_equal(t->debit, f->a1);
	assert_string_equal(t->credit, f->cash);
	FX_EQ(t->amount, 40000);
	assert_string_equal(t->memo, "");
	FX_EQ(t->debit_balance, FX_A1_FUNDS - 40000);
	FX_EQ(t->credit_balance, FX_A1_FUNDS + FX_A2_FUNDS - 40000);
	assert_int_equal(t->status, BANK_TRANSFER_CREATED);
	bank_transfer_free(t);
	FX_EQ(fx_balance(f->b, f->a1), FX_A1_FUNDS - 40000);
	/* all of it */
	FX_OK(bank_withdraw(NULL, f->b, f->a1, FX_A1_FUNDS - 40000, "wd-2", NULL));
	FX_EQ(fx_balance(f->b, f->a1), 0);
	FX_REFUSE(f->b, BANK_EFUNDS, bank_withdraw(NULL, f->b, f->a1, 1, "wd-3", NULL));
	check_all_balance_after(f);
}

static void test_ledger_transfer__posts(void **state)
{
	fx *f = *state;
	bank_transfer *t = NULL;
	FX_OK(bank_transfer_post(&t, f->b, f->a1, f->a2, 12345, "tr-1", "rent"));
	assert_string_equal(t->kind, "transfer");
	assert_string_equal(t->debit, f->a1);
	assert_string_equal(t->credit, f->a2);
	FX_EQ(t->amount, 12345);
	assert_string_equal(t->memo, "rent");
	FX_EQ(t->debit_balance, FX_A1_FUNDS - 12345);
	FX_EQ(t->credit_balance, FX_A2_FUNDS + 12345);
	bank_transfer_free(t);
	FX_EQ(fx_balance(f->b, f->a1), FX_A1_FUNDS - 12345);
	FX_EQ(fx_balance(f->b, f->a2), FX_A2_FUNDS + 12345);
	/* the vault did not move */
	FX_EQ(fx_balance(f->b, f->cash), FX_A1_FUNDS + FX_A2_FUNDS);
	FX_OK(bank_transfer_post(&t, f->b, f->a2, f->a1, FX_A2_FUNDS + 12345, "tr-2", NULL));
	FX_EQ(t->debit_balance, 0);
	FX_EQ(t->credit_balance, FX_A1_FUNDS + FX_A2_FUNDS);
	bank_transfer_free(t);
	check_all_balance_after(f);
}

static void test_ledger_transfer__get_refusals(void **state)
{
	fx *f = *state;
	bank_transfer *t = NULL;
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_transfer_get(&t, f->b, "no-such-id"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_transfer_get(&t, f->b, ""));
	FX_REFUSE(f->b, BANK_EINVAL, bank_transfer_get(&t, f->b, "has\ttab"));
	assert_null(t);
	assert_string_equal(bank_transfer_status_name(BANK_TRANSFER_CREATED), "created");
	assert_string_equal(bank_transfer_status_name(BANK_TRANSFER_EXISTS), "exists");
}

/* ---- idempotency ---- */

static void test_ledger_idempotency__replay(void **state)
{
	fx *f = *state;
	bank_transfer *t = NULL, *r = NULL;
	FX_OK(bank_deposit(&t, f->b, f->a1, 500, "idem-d", "m"));
	FX_OK(bank_withdraw(NULL, f->b, f->a1, 300, "idem-w", NULL));
	FX_OK(bank_transfer_post(NULL, f->b, f->a1, f->a2, 200, "idem-t", "x"));
	fx_advance(3600);

	fx_snap *s = fx_snap_new(f->b);
	FX_OK(bank_deposit(&r, f->b, f->a1, 500, "idem-d", "m"));
	assert_int_equal(r->status, BANK_TRANSFER_EXISTS);
	FX_EQ(r->seq, t->seq);
	FX_EQ(r->created_at, t->created_at); /* the original, not a new one */
	FX_EQ(r->credit_balance, t->credit_balance);
	assert_string_equal(r->id, "idem-d");
	bank_transfer_free(r);
	FX_OK(bank_withdraw(&r, f->b, f->a1, 300, "idem-w", NULL));
	assert_int_equal(r->status, BANK_TRANSFER_EXISTS);
	bank_transfer_free(r);
	FX_OK(bank_transfer_post(&r, f->b, f->a1, f->a2, 200, "idem-t", "x"));
	assert_int_equal(r->status, BANK_TRANSFER_EXISTS);
	bank_transfer_free(r);
	FX_OK(bank_deposit(NULL, f->b, f->a1, 500, "idem-d", "m"));
	fx_snap_check(s, f->b, "replays", __FILE__, __LINE__);
	fx_snap_free(s);
	bank_transfer_free(t);
	FX_EQ(fx_balance(f->b, f->a1), FX_A1_FUNDS);
}

static void test_ledger_idempotency__replay_of_failure_target_state(void **state)
{
	fx *f = *state;
	/* A replay returns the original even when the request would now fail. */
	FX_OK(bank_withdraw(NULL, f->b, f->a1, FX_A1_FUNDS, "drain", NULL));
	bank_transfer *r = NULL;
	FX_OK(bank_withdraw(&r, f->b, f->a1, FX_A1_FUNDS, "drain", NULL));
	assert_int_equal(r->status, BANK_TRANSFER_EXISTS);
	bank_transfer_free(r);
	FX_EQ(fx_balance(f->b, f->a1), 0);
}

static void test_ledger_idempotency__conflict(void **state)
{
	fx *f = *state;
	char eur[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(f->b, f->customer, FX_EUR, eur);
	FX_OK(bank_deposit(NULL, f->b, f->a1, 500, "k-dep", "memo"));
	FX_OK(bank_transfer_post(NULL, f->b, f->a1, f->a2, 200, "k-tr", NULL));

	FX_REFUSE(f->b, BANK_ECONFLICT, bank_deposit(NULL, f->b, f->a1, 501, "k-dep", "memo"));
	FX_REFUSE(f->b, BANK_ECONFLICT, bank_deposit(NULL, f->b, f->a2, 500, "k-dep", "memo"));
	FX_REFUSE(f->b, BANK_ECONFLICT, bank_deposit(NULL, f->b, f->a1, 500, "k-dep", "other memo"));
	FX_REFUSE(f->b, BANK_ECONFLICT, bank_deposit(NULL, f->b, f->a1, 500, "k-dep", NULL));
	FX_REFUSE(f->b, BANK_ECONFLICT, bank_withdraw(NULL, f->b, f->a1, 500, "k-dep", "memo"));
	FX_REFUSE(f->b, BANK_ECONFLICT, bank_transfer_post(NULL, f->b, f->a1, f->a2, 201, "k-tr", NULL));
	FX_REFUSE(f->b, BANK_ECONFLICT, bank_transfer_post(NULL, f->b, f->a2, f->a1, 200, "k-tr", NULL));
	FX_REFUSE(f->b, BANK_ECONFLICT, bank_deposit(NULL, f->b, f->a2, 200, "k-tr", NULL));
	FX_REFUSE(f->b, BANK_ECONFLICT, bank_deposit(NULL, f->b, eur, 500, "k-dep", "memo"));
	FX_REFUSE(f->b, BANK_ECONFLICT, bank_hold(NULL, f->b, f->a1, NULL, 500, 0, "k-dep", "memo"));
	FX_EQ(fx_balance(f->b, f->a1), FX_A1_FUNDS + 500 - 200);
}

static void test_ledger_idempotency__failure_leaves_id_free(void **state)
{
	fx *f = *state;
	FX_REFUSE(f->b, BANK_EFUNDS, bank_withdraw(NULL, f->b, f->a1, FX_A1_FUNDS + 1, "retry-me", NULL));
	bank_transfer *t = NULL;
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_transfer_get(&t, f->b, "retry-me"));
	/* still failing: still free */
	FX_REFUSE(f->b, BANK_EFUNDS, bank_withdraw(NULL, f->b, f->a1, FX_A1_FUNDS + 1, "retry-me", NULL));
	/* fix the cause, retry with the same id */
	fx_deposit(f->b, f->a1, 1);
	FX_OK(bank_withdraw(&t, f->b, f->a1, FX_A1_FUNDS + 1, "retry-me", NULL));
	assert_int_equal(t->status, BANK_TRANSFER_CREATED);
	bank_transfer_free(t);
	FX_EQ(fx_balance(f->b, f->a1), 0);

	/* a failure for another reason (frozen) leaves the id free too */
	FX_OK(bank_account_freeze(f->b, f->a2, BANK_FREEZE_CREDITS));
	FX_REFUSE(f->b, BANK_EFROZEN, bank_deposit(NULL, f->b, f->a2, 10, "after-thaw", NULL));
	FX_OK(bank_account_unfreeze(f->b, f->a2));
	FX_OK(bank_deposit(&t, f->b, f->a2, 10, "after-thaw", NULL));
	assert_int_equal(t->status, BANK_TRANSFER_CREATED);
	bank_transfer_free(t);
	check_all_balance_after(f);
}

/* ---- bad amounts ---- */

static void test_ledger_amount__zero_negative(void **state)
{
	fx *f = *state;
	const int64_t bad[] = {0, -1, -100000, INT64_MIN};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		FX_REFUSE(f->b, BANK_EINVAL, bank_deposit(NULL, f->b, f->a1, bad[i], NULL, NULL));
		FX_REFUSE(f->b, BANK_EINVAL, bank_withdraw(NULL, f->b, f->a1, bad[i], NULL, NULL));
		FX_REFUSE(f->b, BANK_EINVAL, bank_transfer_post(NULL, f->b, f->a1, f->a2, bad[i], NULL, NULL));
		FX_REFUSE(f->b, BANK_EINVAL, bank_hold(NULL, f->b, f->a1, NULL, bad[i], 0, NULL, NULL));
	}
}

static void test_ledger_amount__overflow(void **state)
{
	fx *f = *state;
	fx_product(f->b, "OD", "USD", BANK_PRODUCT_CURRENT, 0, 5000);
	char od[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(f->b, f->customer, "OD", od);

	/* A single deposit that would pass INT64_MAX. */
	FX_REFUSE(f->b, BANK_ELIMIT, bank_deposit(NULL, f->b, f->a1, INT64_MAX, NULL, NULL));
	FX_REFUSE(f->b, BANK_ELIMIT, bank_deposit(NULL, f->b, f->a1, INT64_MAX - FX_A1_FUNDS + 1, NULL, NULL));

	/* Up to the edge: the vault (debit-normal) reaches INT64_MAX exactly. */
	const int64_t big = INT64_MAX - FX_A1_FUNDS - FX_A2_FUNDS;
	bank_transfer *t = NULL;
	FX_OK(bank_deposit(&t, f->b, f->a1, big, "big", NULL));
	FX_EQ(t->credit_balance, INT64_MAX - FX_A2_FUNDS);
	FX_EQ(t->debit_balance, INT64_MAX);
	bank_transfer_free(t);
	/* one more cent would overflow the vault */
	FX_REFUSE(f->b, BANK_ELIMIT, bank_deposit(NULL, f->b, f->a2, 1, NULL, NULL));
	/* a1 reaches INT64_MAX exactly */
	FX_OK(bank_transfer_post(&t, f->b, f->a2, f->a1, FX_A2_FUNDS, NULL, NULL));
	FX_EQ(t->credit_balance, INT64_MAX);
	bank_transfer_free(t);
	/* money from an overdraft would take it past */
	FX_REFUSE(f->b, BANK_ELIMIT, bank_transfer_post(NULL, f->b, od, f->a1, 1, NULL, NULL));
	FX_EQ(fx_balance(f->b, f->a1), INT64_MAX);
	/* and back out again: nothing is stuck */
	FX_OK(bank_withdraw(NULL, f->b, f->a1, big, NULL, NULL));
	FX_EQ(fx_balance(f->b, f->a1), FX_A1_FUNDS + FX_A2_FUNDS);
	fx_check_balance_after(f->b, f->a1);
	fx_check_balance_after(f->b, f->cash);
}

static void test_ledger_amount__huge_turnover_verifies(void **state)
{
	fx *f = *state;
	/* Postings whose total passes INT64_MAX (each one valid) must not break verify. */
	const int64_t big = INT64_MAX - FX_A1_FUNDS - FX_A2_FUNDS;
	FX_OK(bank_deposit(NULL, f->b, f->a1, big, NULL, NULL));
	FX_OK(bank_withdraw(NULL, f->b, f->a1, big, NULL, NULL));
	FX_OK(bank_deposit(NULL, f->b, f->a1, big, NULL, NULL));
	fx_verify_clean(f->b);
	bank_trial_balance *tb = NULL;
	FX_OK(bank_trial_balance_get(&tb, f->b));
	bank_trial_balance_free(tb);
}

/* ---- bad accounts ---- */

static void test_ledger_account__unknown_and_mistyped(void **state)
{
	fx *f = *state;
	char unknown[BANK_ACCOUNT_NUMBER_SIZE], mistyped[BANK_ACCOUNT_NUMBER_SIZE];
	fx_number_make(1111111111ull, unknown);
	memcpy(mistyped, f->a2, sizeof mistyped);
	char c = mistyped[5];
	mistyped[5] = mistyped[6];
	mistyped[6] = c;
	if (strcmp(mistyped, f->a2) == 0)
		mistyped[6] = mistyped[6] == '9' ? '0' : (char)(mistyped[6] + 1);

	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_deposit(NULL, f->b, unknown, 100, NULL, NULL));
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_withdraw(NULL, f->b, unknown, 100, NULL, NULL));
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_transfer_post(NULL, f->b, f->a1, unknown, 100, NULL, NULL));
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_transfer_post(NULL, f->b, unknown, f->a1, 100, NULL, NULL));
	FX_REFUSE(f->b, BANK_EINVAL, bank_deposit(NULL, f->b, mistyped, 100, NULL, NULL));
	FX_REFUSE(f->b, BANK_EINVAL, bank_withdraw(NULL, f->b, mistyped, 100, NULL, NULL));
	FX_REFUSE(f->b, BANK_EINVAL, bank_transfer_post(NULL, f->b, f->a1, mistyped, 100, NULL, NULL));
	FX_REFUSE(f->b, BANK_EINVAL, bank_transfer_post(NULL, f->b, mistyped, f->a1, 100, NULL, NULL));
	FX_REFUSE(f->b, BANK_EINVAL, bank_deposit(NULL, f->b, "", 100, NULL, NULL));
	FX_REFUSE(f->b, BANK_EINVAL, bank_deposit(NULL, f->b, "12345", 100, NULL, NULL));
	FX_REFUSE(f->b, BANK_EINVAL, bank_hold(NULL, f->b, mistyped, NULL, 100, 0, NULL, NULL));
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_hold(NULL, f->b, unknown, NULL, 100, 0, NULL, NULL));
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_hold(NULL, f->b, f->a1, unknown, 100, 0, NULL, NULL));
}

static void test_ledger_transfer__same_account(void **state)
{
	fx *f = *state;
	FX_REFUSE(f->b, BANK_EINVAL, bank_transfer_post(NULL, f->b, f->a1, f->a1, 100, "self", NULL));
	FX_REFUSE(f->b, BANK_EINVAL, bank_hold(NULL, f->b, f->a1, f->a1, 100, 0, "self-hold", NULL));
}

static void test_ledger_transfer__currency_mismatch(void **state)
{
	fx *f = *state;
	char eur[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(f->b, f->customer, FX_EUR, eur);
	bank_transfer *t = NULL;
	FX_OK(bank_deposit(&t, f->b, eur, 7000, "eur-dep", NULL));
	assert_string_equal(t->currency, "EUR");
	char eur_cash[BANK_ACCOUNT_NUMBER_SIZE];
	internal(f->b, "EUR", BANK_ACCOUNT_CASH, eur_cash);
	assert_string_equal(t->debit, eur_cash); /* the EUR vault, not the USD one */
	assert_string_not_equal(eur_cash, f->cash);
	bank_transfer_free(t);

	FX_REFUSE(f->b, BANK_ECURRENCY, bank_transfer_post(NULL, f->b, f->a1, eur, 100, NULL, NULL));
	FX_REFUSE(f->b, BANK_ECURRENCY, bank_transfer_post(NULL, f->b, eur, f->a1, 100, NULL, NULL));
	FX_REFUSE(f->b, BANK_ECURRENCY, bank_hold(NULL, f->b, eur, f->a1, 100, 0, NULL, NULL));
	FX_EQ(fx_balance(f->b, eur), 7000);
	FX_EQ(fx_balance(f->b, eur_cash), 7000);
	FX_EQ(fx_balance(f->b, f->cash), FX_A1_FUNDS + FX_A2_FUNDS);
	fx_verify_clean(f->b);
}

/* ---- account states ---- */

static void test_ledger_frozen__debits_only(void **state)
{
	fx *f = *state;
	FX_OK(bank_account_freeze(f->b, f->a1, BANK_FREEZE_DEBITS));
	FX_REFUSE(f->b, BANK_EFROZEN, bank_withdraw(NULL, f->b, f->a1, 1, NULL, NULL));
	FX_REFUSE(f->b, BANK_EFROZEN, bank_transfer_post(NULL, f->b, f->a1, f->a2, 1, NULL, NULL));
	FX_REFUSE(f->b, BANK_EFROZEN, bank_hold(NULL, f->b, f->a1, NULL, 1, 0, NULL, NULL));
	bank_transfer *t = NULL;
	FX_OK(bank_deposit(&t, f->b, f->a1, 100, NULL, NULL));
	FX_EQ(t->credit_balance, FX_A1_FUNDS + 100);
	bank_transfer_free(t);
	FX_OK(bank_transfer_post(NULL, f->b, f->a2, f->a1, 100, NULL, NULL));
	FX_EQ(fx_balance(f->b, f->a1), FX_A1_FUNDS + 200);
	check_all_balance_after(f);
}

static void test_ledger_frozen__credits(void **state)
{
	fx *f = *state;
	FX_OK(bank_account_freeze(f->b, f->a2, BANK_FREEZE_CREDITS));
	FX_REFUSE(f->b, BANK_EFROZEN, bank_deposit(NULL, f->b, f->a2, 1, NULL, NULL));
	FX_REFUSE(f->b, BANK_EFROZEN, bank_transfer_post(NULL, f->b, f->a1, f->a2, 1, NULL, NULL));
	FX_OK(bank_withdraw(NULL, f->b, f->a2, 1, NULL, NULL));
}

static void test_ledger_closed__refused(void **state)
{
	fx *f = *state;
	char n[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(f->b, f->customer, FX_USD, n);
	FX_OK(bank_account_close(f->b, n, "test"));
	FX_REFUSE(f->b, BANK_ECLOSED, bank_deposit(NULL, f->b, n, 1, NULL, NULL));
	FX_REFUSE(f->b, BANK_ECLOSED, bank_withdraw(NULL, f->b, n, 1, NULL, NULL));
	FX_REFUSE(f->b, BANK_ECLOSED, bank_transfer_post(NULL, f->b, f->a1, n, 1, NULL, NULL));
	FX_REFUSE(f->b, BANK_ECLOSED, bank_transfer_post(NULL, f->b, n, f->a1, 1, NULL, NULL));
	FX_REFUSE(f->b, BANK_ECLOSED, bank_hold(NULL, f->b, f->a1, n, 1, 0, NULL, NULL));
}

/* ---- funds ---- */

static void test_ledger_funds__minimum_balance(void **state)
{
	fx *f = *state;
	fx_product(f->b, "MIN", "USD", BANK_PRODUCT_SAVINGS, 1000, 0);
	char n[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(f->b, f->customer, "MIN", n);
	fx_deposit(f->b, n, 5000);
	FX_EQ(fx_available(f->b, n), 4000);
	FX_REFUSE(f->b, BANK_EFUNDS, bank_withdraw(NULL, f->b, n, 4001, NULL, NULL));
	FX_REFUSE(f->b, BANK_EFUNDS, bank_transfer_post(NULL, f->b, n, f->a1, 4001, NULL, NULL));
	FX_REFUSE(f->b, BANK_EFUNDS, bank_hold(NULL, f->b, n, NULL, 4001, 0, NULL, NULL));
	FX_OK(bank_withdraw(NULL, f->b, n, 4000, NULL, NULL));
	FX_EQ(fx_balance(f->b, n), 1000);
	FX_EQ(fx_available(f->b, n), 0);
	FX_REFUSE(f->b, BANK_EFUNDS, bank_withdraw(NULL, f->b, n, 1, NULL, NULL));
	fx_check_balance_after(f->b, n);
}

static void test_ledger_funds__overdraft(void **state)
{
	fx *f = *state;
	fx_product(f->b, "OD", "USD", BANK_PRODUCT_CURRENT, 0, 5000);
	char n[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(f->b, f->customer, "OD", n);
	FX_EQ(fx_available(f->b, n), 5000);
	bank_transfer *t = NULL;
	FX_OK(bank_withdraw(&t, f->b, n, 3000, NULL, NULL));
	FX_EQ(t->debit_balance, -3000);
	bank_transfer_free(t);
	FX_OK(bank_transfer_post(&t, f->b, n, f->a1, 2000, NULL, NULL));
	FX_EQ(t->debit_balance, -5000);
	bank_transfer_free(t);
	FX_EQ(fx_balance(f->b, n), -5000);
	FX_EQ(fx_available(f->b, n), 0);
	FX_REFUSE(f->b, BANK_EFUNDS, bank_withdraw(NULL, f->b, n, 1, NULL, NULL));
	fx_deposit(f->b, n, 6000);
	FX_EQ(fx_balance(f->b, n), 1000);
	FX_EQ(fx_available(f->b, n), 6000);
	fx_check_balance_after(f->b, n);
	fx_verify_clean(f->b);
}

/* ---- ids ---- */

static void test_ledger_id__limits(void **state)
{
	fx *f = *state;
	char id64[65], id65[66];
	memset(id64, 'a', 64);
	id64[64] = '\0';
	memset(id65, 'b', 65);
	id65[65] = '\0';
	FX_OK(bank_transfer_id_check(id64));
	FX_OK(bank_deposit(NULL, f->b, f->a1, 1, id64, NULL));
	bank_transfer *t = tget(f->b, id64);
	assert_string_equal(t->id, id64);
	bank_transfer_free(t);

	assert_int_equal(bank_transfer_id_check(id65), BANK_EINVAL);
	FX_REFUSE(f->b, BANK_EINVAL, bank_deposit(NULL, f->b, f->a1, 1, id65, NULL));
	FX_OK(bank_transfer_id_check("!"));
	FX_OK(bank_transfer_id_check("~"));
	FX_OK(bank_transfer_id_check("0190d6f1-7c3a-7b2e-9c4d-123456789abc"));
	FX_OK(bank_deposit(NULL, f->b, f->a1, 1, "!~\"'\\;--", NULL));
	/* A space is printable ASCII: part of the id, compared exactly on replay. */
	static const char *const spaced[] = {"has space", " lead", "trail ", " "};
	for (size_t i = 0; i < sizeof spaced / sizeof spaced[0]; i++) {
		FX_OK(bank_transfer_id_check(spaced[i]));
		FX_OK(bank_deposit(NULL, f->b, f->a1, 2, spaced[i], NULL));
		bank_transfer *r = NULL;
		FX_OK(bank_deposit(&r, f->b, f->a1, 2, spaced[i], NULL));
		assert_int_equal(r->status, BANK_TRANSFER_EXISTS);
		assert_string_equal(r->id, spaced[i]);
		bank_transfer_free(r);
	}
	FX_REFUSE(f->b, BANK_ECONFLICT, bank_deposit(NULL, f->b, f->a1, 3, "has space", NULL));

	static const char *const bad[] = {"", "tab\tid", "nl\n", "del\x7f", "caf\xc3\xa9", "\x01", "\x1f"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(bank_transfer_id_check(bad[i]), BANK_EINVAL);
		FX_REFUSE(f->b, BANK_EINVAL, bank_deposit(NULL, f->b, f->a1, 1, bad[i], NULL));
		FX_REFUSE(f->b, BANK_EINVAL, bank_transfer_post(NULL, f->b, f->a1, f->a2, 1, bad[i], NULL));
		FX_REFUSE(f->b, BANK_EINVAL, bank_hold(NULL, f->b, f->a1, NULL, 1, 0, bad[i], NULL));
	}
}

static void test_ledger_memo__limit(void **state)
{
	fx *f = *state;
	char memo[502];
	memset(memo, 'm', 500);
	memo[500] = '\0';
	FX_OK(bank_deposit(NULL, f->b, f->a1, 1, "memo-500", memo));
	bank_transfer *t = tget(f->b, "memo-500");
	assert_string_equal(t->memo, memo);
	bank_transfer_free(t);
	memo[500] = 'm';
	memo[501] = '\0';
	FX_REFUSE(f->b, BANK_EINVAL, bank_deposit(NULL, f->b, f->a1, 1, "memo-501", memo));
	/* metacharacters verbatim */
	FX_OK(bank_deposit(NULL, f->b, f->a1, 1, "memo-sql", "'); DELETE FROM transfer;--"));
	t = tget(f->b, "memo-sql");
	assert_string_equal(t->memo, "'); DELETE FROM transfer;--");
	bank_transfer_free(t);
}

/* ---- batches ---- */

static bank_transfer_request req(const char *debit, const char *credit, int64_t amount, const char *id, int linked)
{
	bank_transfer_request r = BANK_TRANSFER_REQUEST_INIT;
	r.debit = debit;
	r.credit = credit;
	r.amount = amount;
	r.id = id;
	r.linked = linked;
	return r;
}

static void test_ledger_batch__independent_items(void **state)
{
	fx *f = *state;
	bank_transfer_request items[4];
	items[0] = req(NULL, f->a1, 100, "b-dep", 0);            /* deposit */
	items[1] = req(f->a2, NULL, FX_A2_FUNDS + 1, "b-wd", 0); /* withdrawal: no funds */
	items[2] = req(f->a1, f->a2, 200, "b-tr", 0);            /* transfer */
	items[3] = req(f->a2, NULL, 300, "b-wd2", 0);            /* withdrawal */
	bank_batch_results *r = NULL;
	FX_OK(bank_transfer_batch(&r, f->b, items, 4));
	assert_non_null(r);
	assert_int_equal(r->count, 4);
	assert_int_equal(r->failed, 1);

	assert_int_equal(r->items[0].code, BANK_OK);
	assert_string_equal(r->items[0].message, "");
	assert_non_null(r->items[0].transfer);
	assert_string_equal(r->items[0].transfer->kind, "deposit");
	assert_string_equal(r->items[0].transfer->credit, f->a1);
	FX_EQ(r->items[0].transfer->credit_balance, FX_A1_FUNDS + 100);
	assert_int_equal(r->items[0].transfer->status, BANK_TRANSFER_CREATED);

	assert_int_equal(r->items[1].code, BANK_EFUNDS);
	assert_true(r->items[1].message[0] != '\0');
	assert_null(r->items[1].transfer);

	assert_int_equal(r->items[2].code, BANK_OK);
	assert_string_equal(r->items[2].transfer->kind, "transfer");
	FX_EQ(r->items[2].transfer->debit_balance, FX_A1_FUNDS + 100 - 200);
	FX_EQ(r->items[2].transfer->credit_balance, FX_A2_FUNDS + 200);

	assert_int_equal(r->items[3].code, BANK_OK);
	assert_string_equal(r->items[3].transfer->kind, "withdrawal");
	FX_EQ(r->items[3].transfer->debit_balance, FX_A2_FUNDS + 200 - 300);
	/* items in one batch are ordered in the journal as requested */
	assert_true(r->items[0].transfer->seq < r->items[2].transfer->seq);
	assert_true(r->items[2].transfer->seq < r->items[3].transfer->seq);
	bank_batch_results_free(r);
	bank_batch_results_free(NULL);

	FX_EQ(fx_balance(f->b, f->a1), FX_A1_FUNDS + 100 - 200);
	FX_EQ(fx_balance(f->b, f->a2), FX_A2_FUNDS + 200 - 300);
	bank_transfer *t = NULL;
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_transfer_get(&t, f->b, "b-wd"));
	check_all_balance_after(f);
}

/* A batch appends one audit record for all it created (the journal rows carry the rest);
 * a batch that created nothing appends none. */
static void test_ledger_batch__one_audit_record(void **state)
{
	fx *f = *state;
	bank_audit_page *before = NULL, *after = NULL;
	FX_OK(bank_audit_get(&before, f->b, 0, NULL, 10000));
	bank_transfer_request items[3];
	items[0] = req(NULL, f->a1, 100, "ba-dep", 0);
	items[1] = req(f->a2, NULL, FX_A2_FUNDS + 1, "ba-wd", 0); /* fails: no funds */
	items[2] = req(f->a1, f->a2, 200, "ba-tr", 0);
	bank_batch_results *r = NULL;
	FX_OK(bank_transfer_batch(&r, f->b, items, 3));
	FX_OK(bank_audit_get(&after, f->b, 0, NULL, 10000));
	assert_int_equal(after->count, before->count + 1);
	const bank_audit_entry *e = &after->entries[after->count - 1];
	assert_string_equal(e->action, "ledger.batch");
	assert_string_equal(e->object, "transfer:ba-dep");
	assert_string_equal(e->principal, "system");
	assert_non_null(strstr(e->details, "\"created\":2"));
	assert_non_null(strstr(e->details, "\"failed\":1"));
	char seq[64];
	snprintf(seq, sizeof seq, "\"first_seq\":%lld", (long long)r->items[0].transfer->seq);
	assert_non_null(strstr(e->details, seq));
	snprintf(seq, sizeof seq, "\"last_seq\":%lld", (long long)r->items[2].transfer->seq);
	assert_non_null(strstr(e->details, seq));
	bank_batch_results_free(r);
	bank_audit_page_free(before);
	bank_audit_page_free(after);

	/* Nothing created (a replay and a failure): no audit record. */
	FX_OK(bank_audit_get(&before, f->b, 0, NULL, 10000));
	items[0] = req(NULL, f->a1, 100, "ba-dep", 0);
	items[1] = req(f->a2, NULL, FX_A2_FUNDS * 10, "ba-wd", 0); /* fails: no funds */
	FX_OK(bank_transfer_batch(&r, f->b, items, 2));
	assert_int_equal(r->items[0].transfer->status, BANK_TRANSFER_EXISTS);
	assert_int_equal(r->items[1].code, BANK_EFUNDS);
	FX_OK(bank_audit_get(&after, f->b, 0, NULL, 10000));
	assert_int_equal(after->count, before->count);
	bank_batch_results_free(r);
	bank_audit_page_free(before);
	bank_audit_page_free(after);
}

static void test_ledger_batch__linked_chain_fails_whole(void **state)
{
	fx *f = *state;
	char a3[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(f->b, f->customer, FX_USD, a3);
	bank_transfer_request items[6];
	items[0] = req(NULL, f->a2, 7, "solo-1", 0);                 /* independent, ok */
	items[1] = req(NULL, a3, 1000, "chain-1", 1);                /* chain: ok alone */
	items[2] = req(f->a1, a3, 500, "chain-2", 1);                /* chain: ok alone */
	items[3] = req(f->a2, NULL, FX_A2_FUNDS * 10, "chain-3", 1); /* chain: no funds */
	items[4] = req(a3, f->a1, 100, "chain-4", 0);                /* chain end: ok alone */
	items[5] = req(a3, NULL, 1, "solo-2", 0);                    /* independent: a3 is empty again */
	bank_batch_results *r = NULL;
	FX_OK(bank_transfer_batch(&r, f->b, items, 6));
	assert_int_equal(r->count, 6);
	assert_int_equal(r->failed, 5);
	assert_int_equal(r->items[0].code, BANK_OK);
	for (int i = 1; i <= 4; i++) {
		assert_null(r->items[i].transfer);
		if (i == 3) {
			assert_int_equal(r->items[i].code, BANK_EFUNDS);
			assert_null(strstr(r->items[i].message, "linked event failed"));
		} else {
			assert_int_equal(r->items[i].code, BANK_EINVAL);
			assert_non_null(strstr(r->items[i].message, "linked event failed"));
		}
	}
	/* the chain's deposit to a3 was rolled back, so a3 has nothing to withdraw */
	assert_int_equal(r->items[5].code, BANK_EFUNDS);
	bank_batch_results_free(r);

	FX_EQ(fx_balance(f->b, f->a1), FX_A1_FUNDS);
	FX_EQ(fx_balance(f->b, f->a2), FX_A2_FUNDS + 7);
	FX_EQ(fx_balance(f->b, a3), 0);
	static const char *const gone[] = {"chain-1", "chain-2", "chain-3", "chain-4", "solo-2"};
	for (size_t i = 0; i < 5; i++) {
		bank_transfer *t = NULL;
		FX_REFUSE(f->b, BANK_ENOTFOUND, bank_transfer_get(&t, f->b, gone[i]));
	}
	/* the chain's ids are free: the same chain, fixed, succeeds */
	items[3] = req(f->a2, NULL, 10, "chain-3", 1);
	FX_OK(bank_transfer_batch(&r, f->b, items + 1, 4));
	assert_int_equal(r->failed, 0);
	bank_batch_results_free(r);
	FX_EQ(fx_balance(f->b, a3), 1000 + 500 - 100);
	fx_check_balance_after(f->b, a3);
	check_all_balance_after(f);
}

static void test_ledger_batch__first_item_of_chain_fails(void **state)
{
	fx *f = *state;
	bank_transfer_request items[3];
	items[0] = req(f->a1, NULL, FX_A1_FUNDS + 1, "c1", 1);
	items[1] = req(NULL, f->a1, 5, "c2", 1);
	items[2] = req(NULL, f->a2, 5, "c3", 0);
	bank_batch_results *r = NULL;
	fx_snap *s = fx_snap_new(f->b);
	FX_OK(bank_transfer_batch(&r, f->b, items, 3));
	fx_snap_check(s, f->b, "failed chain", __FILE__, __LINE__);
	fx_snap_free(s);
	assert_int_equal(r->failed, 3);
	assert_int_equal(r->items[0].code, BANK_EFUNDS);
	assert_int_equal(r->items[1].code, BANK_EINVAL);
	assert_non_null(strstr(r->items[1].message, "linked event failed"));
	assert_int_equal(r->items[2].code, BANK_EINVAL);
	assert_non_null(strstr(r->items[2].message, "linked event failed"));
	bank_batch_results_free(r);
}

static void test_ledger_batch__open_chain_at_end(void **state)
{
	fx *f = *state;
	bank_transfer_request items[3];
	items[0] = req(NULL, f->a1, 10, "open-0", 0);
	items[1] = req(NULL, f->a1, 20, "open-1", 1);
	items[2] = req(NULL, f->a1, 30, "open-2", 1); /* linked, but nothing follows */
	bank_batch_results *r = NULL;
	FX_OK(bank_transfer_batch(&r, f->b, items, 3));
	assert_int_equal(r->count, 3);
	assert_int_equal(r->failed, 2);
	assert_int_equal(r->items[0].code, BANK_OK);
	assert_int_not_equal(r->items[1].code, BANK_OK);
	assert_int_not_equal(r->items[2].code, BANK_OK);
	assert_null(r->items[1].transfer);
	assert_null(r->items[2].transfer);
	assert_true(r->items[1].message[0] != '\0');
	assert_true(r->items[2].message[0] != '\0');
	bank_batch_results_free(r);
	FX_EQ(fx_balance(f->b, f->a1), FX_A1_FUNDS + 10);

	/* a batch of a single open chain posts nothing */
	items[0] = req(NULL, f->a1, 10, "open-3", 1);
	fx_snap *s = fx_snap_new(f->b);
	FX_OK(bank_transfer_batch(&r, f->b, items, 1));
	fx_snap_check(s, f->b, "open chain", __FILE__, __LINE__);
	fx_snap_free(s);
	assert_int_equal(r->failed, 1);
	assert_int_not_equal(r->items[0].code, BANK_OK);
	bank_batch_results_free(r);
}

static void test_ledger_batch__chain_succeeds_whole(void **state)
{
	fx *f = *state;
	bank_transfer_request items[3];
	items[0] = req(f->a1, f->a2, 1000, "ok-1", 1);
	items[1] = req(f->a2, NULL, FX_A2_FUNDS + 1000, "ok-2", 1); /* needs item 0 */
	items[2] = req(NULL, f->a2, 1, "ok-3", 0);
	bank_batch_results *r = NULL;
	FX_OK(bank_transfer_batch(&r, f->b, items, 3));
	assert_int_equal(r->failed, 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(r->items[i].code, BANK_OK);
		assert_non_null(r->items[i].transfer);
	}
	FX_EQ(r->items[1].transfer->debit_balance, 0);
	bank_batch_results_free(r);
	FX_EQ(fx_balance(f->b, f->a2), 1);
	check_all_balance_after(f);
}

static void test_ledger_batch__idempotency(void **state)
{
	fx *f = *state;
	FX_OK(bank_deposit(NULL, f->b, f->a1, 100, "pre", NULL));
	bank_transfer_request items[4];
	items[0] = req(NULL, f->a1, 100, "pre", 0); /* replay of an earlier call */
	items[1] = req(NULL, f->a1, 999, "pre", 0); /* conflict with it */
	items[2] = req(NULL, f->a2, 5, "dup", 0);
	items[3] = req(NULL, f->a2, 6, "dup", 0); /* conflict within the batch */
	bank_batch_results *r = NULL;
	FX_OK(bank_transfer_batch(&r, f->b, items, 4));
	assert_int_equal(r->count, 4);
	assert_int_equal(r->items[0].code, BANK_OK);
	assert_int_equal(r->items[0].transfer->status, BANK_TRANSFER_EXISTS);
	assert_int_equal(r->items[1].code, BANK_ECONFLICT);
	assert_int_equal(r->items[2].code, BANK_OK);
	assert_int_equal(r->items[2].transfer->status, BANK_TRANSFER_CREATED);
	assert_int_equal(r->items[3].code, BANK_ECONFLICT);
	assert_int_equal(r->failed, 2);
	bank_batch_results_free(r);
	FX_EQ(fx_balance(f->b, f->a1), FX_A1_FUNDS + 100);
	FX_EQ(fx_balance(f->b, f->a2), FX_A2_FUNDS + 5);

	/* the whole batch replayed: everything exists, nothing posts */
	items[1] = req(NULL, f->a1, 7, "new", 0);
	items[3] = req(NULL, f->a2, 8, "new2", 0);
	FX_OK(bank_transfer_batch(&r, f->b, items, 4));
	bank_batch_results_free(r);
	fx_snap *s = fx_snap_new(f->b);
	FX_OK(bank_transfer_batch(&r, f->b, items, 4));
	fx_snap_check(s, f->b, "batch replay", __FILE__, __LINE__);
	fx_snap_free(s);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(r->items[i].code, BANK_OK);
		assert_int_equal(r->items[i].transfer->status, BANK_TRANSFER_EXISTS);
	}
	bank_batch_results_free(r);
}

static void test_ledger_batch__bad_items(void **state)
{
	fx *f = *state;
	char eur[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(f->b, f->customer, FX_EUR, eur);
	bank_transfer_request items[7];
	items[0] = req(NULL, NULL, 100, "bad-0", 0); /* neither side */
	items[1] = req(NULL, f->a1, 0, "bad-1", 0);
	items[2] = req(NULL, f->a1, 1, "bad\tid", 0);
	items[3] = req(f->a1, f->a1, 1, "bad-3", 0);
	items[4] = req(f->a1, eur, 1, "bad-4", 0);
	items[5] = req(NULL, "000000000000", 1, "bad-5", 0);
	items[6] = req(NULL, f->a1, 1, "good", 0);
	items[6].version = BANK_TRANSFER_REQUEST_VERSION;
	bank_batch_results *r = NULL;
	FX_OK(bank_transfer_batch(&r, f->b, items, 7));
	assert_int_equal(r->count, 7);
	assert_int_equal(r->failed, 6);
	assert_int_equal(r->items[0].code, BANK_EINVAL);
	assert_int_equal(r->items[1].code, BANK_EINVAL);
	assert_int_equal(r->items[2].code, BANK_EINVAL);
	assert_int_equal(r->items[3].code, BANK_EINVAL);
	assert_int_equal(r->items[4].code, BANK_ECURRENCY);
	assert_int_equal(r->items[5].code, BANK_EINVAL);
	assert_int_equal(r->items[6].code, BANK_OK);
	bank_batch_results_free(r);
	FX_EQ(fx_balance(f->b, f->a1), FX_A1_FUNDS + 1);
}

static void test_ledger_batch__refusals(void **state)
{
	fx *f = *state;
	bank_transfer_request one = req(NULL, f->a1, 1, NULL, 0);
	bank_batch_results *r = NULL;
	FX_REFUSE(f->b, BANK_EINVAL, bank_transfer_batch(&r, f->b, &one, 0));
	FX_REFUSE(f->b, BANK_EINVAL, bank_transfer_batch(&r, f->b, NULL, 0));
	const size_t n = 100001;
	bank_transfer_request *many = malloc(n * sizeof *many);
	assert_non_null(many);
	for (size_t i = 0; i < n; i++)
		many[i] = one;
	FX_REFUSE(f->b, BANK_EINVAL, bank_transfer_batch(&r, f->b, many, n));
	free(many);
	assert_null(r);
}

static void test_ledger_batch__generated_ids(void **state)
{
	fx *f = *state;
	bank_transfer_request items[3];
	for (int i = 0; i < 3; i++)
		items[i] = req(NULL, f->a1, 1 + i, NULL, 0);
	bank_batch_results *r = NULL;
	FX_OK(bank_transfer_batch(&r, f->b, items, 3));
	assert_int_equal(r->failed, 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(strlen(r->items[i].transfer->id), 36);
		if (i > 0)
			assert_true(strcmp(r->items[i - 1].transfer->id, r->items[i].transfer->id) < 0);
	}
	bank_batch_results_free(r);
	FX_EQ(fx_balance(f->b, f->a1), FX_A1_FUNDS + 6);
}

/* ---- holds ---- */

static void test_ledger_hold__reserves(void **state)
{
	fx *f = *state;
	char suspense[BANK_ACCOUNT_NUMBER_SIZE];
	internal(f->b, "USD", BANK_ACCOUNT_SUSPENSE, suspense);
	bank_transfer *t = NULL;
	FX_OK(bank_hold(&t, f->b, f->a1, NULL, 30000, 0, "h1", "card auth"));
	assert_string_equal(t->kind, "hold");
	assert_int_equal(t->pending, 1);
	assert_string_equal(t->hold_status, "active");
	assert_string_equal(t->debit, f->a1);
	assert_string_equal(t->credit, suspense);
	FX_EQ(t->amount, 30000);
	FX_EQ(t->expires_at, 0);
	FX_EQ(t->debit_balance, 0);
	FX_EQ(t->credit_balance, 0);
	assert_string_equal(t->memo, "card auth");
	bank_transfer_free(t);

	FX_EQ(fx_balance(f->b, f->a1), FX_A1_FUNDS);
	FX_EQ(fx_pending(f->b, f->a1), 30000);
	FX_EQ(fx_available(f->b, f->a1), FX_A1_FUNDS - 30000);
	FX_EQ(fx_balance(f->b, suspense), 0);

	/* held money is not available */
	FX_REFUSE(f->b, BANK_EFUNDS, bank_withdraw(NULL, f->b, f->a1, FX_A1_FUNDS - 30000 + 1, NULL, NULL));
	FX_REFUSE(f->b, BANK_EFUNDS, bank_hold(NULL, f->b, f->a1, NULL, FX_A1_FUNDS - 30000 + 1, 0, NULL, NULL));
	FX_OK(bank_hold(NULL, f->b, f->a1, f->a2, FX_A1_FUNDS - 30000, 0, "h2", NULL));
	FX_EQ(fx_available(f->b, f->a1), 0);
	FX_REFUSE(f->b, BANK_EFUNDS, bank_withdraw(NULL, f->b, f->a1, 1, NULL, NULL));
	/* credits still land */
	fx_deposit(f->b, f->a1, 5);
	FX_EQ(fx_available(f->b, f->a1), 5);

	/* replay */
	FX_OK(bank_hold(&t, f->b, f->a1, NULL, 30000, 0, "h1", "card auth"));
	assert_int_equal(t->status, BANK_TRANSFER_EXISTS);
	bank_transfer_free(t);
	FX_EQ(fx_pending(f->b, f->a1), FX_A1_FUNDS);
	fx_verify_clean(f->b);
}

static void test_ledger_hold__post_full(void **state)
{
	fx *f = *state;
	char suspense[BANK_ACCOUNT_NUMBER_SIZE];
	internal(f->b, "USD", BANK_ACCOUNT_SUSPENSE, suspense);
	FX_OK(bank_hold(NULL, f->b, f->a1, NULL, 3000, 0, "h1", NULL));
	bank_transfer *t = NULL;
	FX_OK(bank_hold_post(&t, f->b, "h1", 0, "p1"));
	assert_string_equal(t->kind, "post");
	assert_string_equal(t->ref, "h1");
	assert_string_equal(t->id, "p1");
	FX_EQ(t->amount, 3000);
	assert_string_equal(t->debit, f->a1);
	assert_string_equal(t->credit, suspense);
	FX_EQ(t->debit_balance, FX_A1_FUNDS - 3000);
	FX_EQ(t->credit_balance, 3000);
	assert_int_equal(t->pending, 0);
	bank_transfer_free(t);
	FX_EQ(fx_balance(f->b, f->a1), FX_A1_FUNDS - 3000);
	FX_EQ(fx_pending(f->b, f->a1), 0);
	FX_EQ(fx_available(f->b, f->a1), FX_A1_FUNDS - 3000);
	FX_EQ(fx_balance(f->b, suspense), 3000);
	assert_string_equal(hold_status(f->b, "h1"), "posted");

	/* replay of the post */
	FX_OK(bank_hold_post(&t, f->b, "h1", 0, "p1"));
	assert_int_equal(t->status, BANK_TRANSFER_EXISTS);
	bank_transfer_free(t);
	/* not active any more */
	FX_REFUSE(f->b, BANK_EINVAL, bank_hold_post(NULL, f->b, "h1", 0, "p2"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_hold_void(NULL, f->b, "h1", "v1"));
	fx_check_balance_after(f->b, f->a1);
	fx_check_balance_after(f->b, suspense);
	fx_verify_clean(f->b);
}

static void test_ledger_hold__post_partial(void **state)
{
	fx *f = *state;
	FX_OK(bank_hold(NULL, f->b, f->a1, f->a2, 3000, 0, "h1", NULL));
	FX_REFUSE(f->b, BANK_EINVAL, bank_hold_post(NULL, f->b, "h1", 3001, "p-too-much"));
	bank_transfer *t = NULL;
	FX_OK(bank_hold_post(&t, f->b, "h1", 1000, "p1"));
	FX_EQ(t->amount, 1000);
	assert_string_equal(t->credit, f->a2);
	FX_EQ(t->debit_balance, FX_A1_FUNDS - 1000);
	FX_EQ(t->credit_balance, FX_A2_FUNDS + 1000);
	bank_transfer_free(t);
	FX_EQ(fx_balance(f->b, f->a1), FX_A1_FUNDS - 1000);
	FX_EQ(fx_pending(f->b, f->a1), 0); /* the rest is released */
	FX_EQ(fx_available(f->b, f->a1), FX_A1_FUNDS - 1000);
	FX_EQ(fx_balance(f->b, f->a2), FX_A2_FUNDS + 1000);
	assert_string_equal(hold_status(f->b, "h1"), "posted");
	FX_REFUSE(f->b, BANK_EINVAL, bank_hold_post(NULL, f->b, "h1", 1000, "p2"));
	check_all_balance_after(f);
}

static void test_ledger_hold__void(void **state)
{
	fx *f = *state;
	FX_OK(bank_hold(NULL, f->b, f->a1, NULL, 3000, 0, "h1", NULL));
	bank_transfer *t = NULL;
	FX_OK(bank_hold_void(&t, f->b, "h1", "v1"));
	assert_string_equal(t->kind, "void");
	assert_string_equal(t->ref, "h1");
	assert_string_equal(t->id, "v1");
	FX_EQ(t->debit_balance, 0);
	FX_EQ(t->credit_balance, 0);
	bank_transfer_free(t);
	FX_EQ(fx_balance(f->b, f->a1), FX_A1_FUNDS);
	FX_EQ(fx_pending(f->b, f->a1), 0);
	FX_EQ(fx_available(f->b, f->a1), FX_A1_FUNDS);
	assert_string_equal(hold_status(f->b, "h1"), "voided");

	FX_OK(bank_hold_void(&t, f->b, "h1", "v1")); /* replay */
	assert_int_equal(t->status, BANK_TRANSFER_EXISTS);
	bank_transfer_free(t);
	FX_REFUSE(f->b, BANK_EINVAL, bank_hold_void(NULL, f->b, "h1", "v2"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_hold_post(NULL, f->b, "h1", 0, "p1"));
	fx_verify_clean(f->b);
}

static void test_ledger_hold__refusals(void **state)
{
	fx *f = *state;
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_hold_post(NULL, f->b, "no-such-hold", 0, NULL));
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_hold_void(NULL, f->b, "no-such-hold", NULL));
	/* not a hold */
	FX_REFUSE(f->b, BANK_EINVAL, bank_hold_post(NULL, f->b, "fx-fund-1", 0, NULL));
	FX_REFUSE(f->b, BANK_EINVAL, bank_hold_void(NULL, f->b, "fx-fund-1", NULL));
	FX_REFUSE(f->b, BANK_EINVAL, bank_hold(NULL, f->b, f->a1, NULL, 100, -1, NULL, NULL));
	FX_OK(bank_hold(NULL, f->b, f->a1, NULL, 100, 0, "h1", NULL));
	FX_REFUSE(f->b, BANK_EINVAL, bank_hold_post(NULL, f->b, "h1", -5, NULL));
	/* the posting's id is an idempotency key like any other */
	FX_REFUSE(f->b, BANK_ECONFLICT, bank_hold_post(NULL, f->b, "h1", 0, "fx-fund-1"));
	FX_REFUSE(f->b, BANK_ECONFLICT, bank_hold_void(NULL, f->b, "h1", "fx-fund-2"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_hold_post(NULL, f->b, "h1", 0, "bad\tid"));
	FX_EQ(fx_pending(f->b, f->a1), 100);
}

static void test_ledger_hold__expiry_on_touch(void **state)
{
	fx *f = *state;
	bank_transfer *t = NULL;
	FX_OK(bank_hold(&t, f->b, f->a1, NULL, 2000, 60, "hx", NULL));
	FX_EQ(t->expires_at, fx_now + 60 * FX_SEC);
	bank_transfer_free(t);

	fx_advance(59);
	FX_EQ(fx_pending(f->b, f->a1), 2000);
	assert_string_equal(hold_status(f->b, "hx"), "active");

	fx_advance(2);
	/* the next touch releases it */
	bank_balance bal;
	FX_OK(bank_balance_get(&bal, f->b, f->a1));
	FX_EQ(bal.pending, 0);
	FX_EQ(bal.available, FX_A1_FUNDS);
	FX_EQ(bal.balance, FX_A1_FUNDS);
	assert_string_equal(hold_status(f->b, "hx"), "expired");
	FX_REFUSE(f->b, BANK_EINVAL, bank_hold_post(NULL, f->b, "hx", 0, "late-post"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_hold_void(NULL, f->b, "hx", "late-void"));
	fx_verify_clean(f->b);
}

static void test_ledger_hold__expiry_frees_funds_for_debit(void **state)
{
	fx *f = *state;
	FX_OK(bank_hold(NULL, f->b, f->a1, NULL, FX_A1_FUNDS, 10, "hall", NULL));
	FX_REFUSE(f->b, BANK_EFUNDS, bank_withdraw(NULL, f->b, f->a1, 1, NULL, NULL));
	fx_advance(11);
	/* no read in between: the withdrawal itself sees the hold lapsed */
	FX_OK(bank_withdraw(NULL, f->b, f->a1, FX_A1_FUNDS, "after-expiry", NULL));
	FX_EQ(fx_balance(f->b, f->a1), 0);
	FX_EQ(fx_pending(f->b, f->a1), 0);
	FX_REFUSE(f->b, BANK_EINVAL, bank_hold_post(NULL, f->b, "hall", 0, NULL));
	fx_verify_clean(f->b);
}

static void test_ledger_hold__expired_post_refused_without_touch(void **state)
{
	fx *f = *state;
	FX_OK(bank_hold(NULL, f->b, f->a1, NULL, 500, 30, "h30", NULL));
	fx_advance(31);
	/* nothing read the account since: the post must still see it expired */
	FX_REFUSE(f->b, BANK_EINVAL, bank_hold_post(NULL, f->b, "h30", 0, "p30"));
	FX_EQ(fx_balance(f->b, f->a1), FX_A1_FUNDS);
	FX_EQ(fx_pending(f->b, f->a1), 0);
}

static void test_ledger_hold__sweep(void **state)
{
	fx *f = *state;
	FX_OK(bank_hold(NULL, f->b, f->a1, NULL, 100, 10, "s1", NULL));
	FX_OK(bank_hold(NULL, f->b, f->a2, NULL, 200, 100, "s2", NULL));
	FX_OK(bank_hold(NULL, f->b, f->a2, NULL, 300, 0, "s3", NULL)); /* never expires */
	size_t released = 99;
	FX_OK(bank_hold_sweep(&released, f->b));
	assert_int_equal(released, 0);

	fx_advance(50);
	FX_OK(bank_hold_sweep(&released, f->b));
	assert_int_equal(released, 1);
	assert_string_equal(hold_status(f->b, "s1"), "expired");
	assert_string_equal(hold_status(f->b, "s2"), "active");

	fx_advance(100);
	FX_OK(bank_hold_sweep(&released, f->b));
	assert_int_equal(released, 1);
	FX_OK(bank_hold_sweep(&released, f->b));
	assert_int_equal(released, 0);
	FX_OK(bank_hold_sweep(NULL, f->b));
	assert_string_equal(hold_status(f->b, "s2"), "expired");
	assert_string_equal(hold_status(f->b, "s3"), "active");
	FX_EQ(fx_pending(f->b, f->a1), 0);
	FX_EQ(fx_pending(f->b, f->a2), 300);

	fx_advance(10 * 365 * 86400);
	FX_OK(bank_hold_sweep(&released, f->b));
	assert_int_equal(released, 0);
	fx_verify_clean(f->b);
}

/* ---- reversals ---- */

static void test_ledger_reverse__transfer(void **state)
{
	fx *f = *state;
	FX_OK(bank_transfer_post(NULL, f->b, f->a1, f->a2, 1500, "t1", "oops"));
	bank_transfer *orig = tget(f->b, "t1");
	fx_advance(5);
	bank_transfer *t = NULL;
	FX_OK(bank_reverse(&t, f->b, "t1", "r1"));
	assert_string_equal(t->kind, "reversal");
	assert_string_equal(t->ref, "t1");
	assert_string_equal(t->debit, f->a2);
	assert_string_equal(t->credit, f->a1);
	FX_EQ(t->amount, 1500);
	FX_EQ(t->debit_balance, FX_A2_FUNDS);
	FX_EQ(t->credit_balance, FX_A1_FUNDS);
	assert_true(t->seq > orig->seq);
	bank_transfer_free(t);
	FX_EQ(fx_balance(f->b, f->a1), FX_A1_FUNDS);
	FX_EQ(fx_balance(f->b, f->a2), FX_A2_FUNDS);

	/* the original never changes */
	bank_transfer *again = tget(f->b, "t1");
	FX_EQ(again->seq, orig->seq);
	FX_EQ(again->amount, orig->amount);
	FX_EQ(again->debit_balance, orig->debit_balance);
	FX_EQ(again->credit_balance, orig->credit_balance);
	FX_EQ(again->created_at, orig->created_at);
	assert_string_equal(again->kind, "transfer");
	bank_transfer_free(again);
	bank_transfer_free(orig);

	/* a second reversal */
	FX_REFUSE(f->b, BANK_EINVAL, bank_reverse(NULL, f->b, "t1", "r2"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_reverse(NULL, f->b, "t1", NULL));
	/* a reversal is not reversible */
	FX_REFUSE(f->b, BANK_EINVAL, bank_reverse(NULL, f->b, "r1", "r3"));
	check_all_balance_after(f);
}

static void test_ledger_reverse__replay(void **state)
{
	fx *f = *state;
	FX_OK(bank_transfer_post(NULL, f->b, f->a1, f->a2, 1500, "t1", NULL));
	bank_transfer *first = NULL, *t = NULL;
	FX_OK(bank_reverse(&first, f->b, "t1", "r1"));
	fx_advance(60);
	/* the same request again: the original reversal, status exists, nothing posted */
	fx_snap *s = fx_snap_new(f->b);
	FX_OK(bank_reverse(&t, f->b, "t1", "r1"));
	fx_snap_check(s, f->b, "reversal replay", __FILE__, __LINE__);
	fx_snap_free(s);
	assert_int_equal(t->status, BANK_TRANSFER_EXISTS);
	FX_EQ(t->seq, first->seq);
	FX_EQ(t->amount, 1500);
	assert_string_equal(t->ref, "t1");
	bank_transfer_free(t);
	bank_transfer_free(first);
	/* the same id reversing something else conflicts */
	FX_OK(bank_transfer_post(NULL, f->b, f->a1, f->a2, 1500, "t2", NULL));
	FX_REFUSE(f->b, BANK_ECONFLICT, bank_reverse(NULL, f->b, "t2", "r1"));
}

static void test_ledger_reverse__deposit_and_withdrawal(void **state)
{
	fx *f = *state;
	FX_OK(bank_deposit(NULL, f->b, f->a1, 700, "d1", NULL));
	FX_OK(bank_withdraw(NULL, f->b, f->a2, 300, "w1", NULL));
	bank_transfer *t = NULL;
	FX_OK(bank_reverse(&t, f->b, "d1", "rd1"));
	assert_string_equal(t->debit, f->a1);
	assert_string_equal(t->credit, f->cash);
	bank_transfer_free(t);
	FX_OK(bank_reverse(&t, f->b, "w1", "rw1"));
	assert_string_equal(t->debit, f->cash);
	assert_string_equal(t->credit, f->a2);
	bank_transfer_free(t);
	FX_EQ(fx_balance(f->b, f->a1), FX_A1_FUNDS);
	FX_EQ(fx_balance(f->b, f->a2), FX_A2_FUNDS);
	FX_EQ(fx_balance(f->b, f->cash), FX_A1_FUNDS + FX_A2_FUNDS);
	check_all_balance_after(f);
}

static void test_ledger_reverse__refusals(void **state)
{
	fx *f = *state;
	FX_OK(bank_hold(NULL, f->b, f->a1, NULL, 100, 0, "h1", NULL));
	FX_OK(bank_hold(NULL, f->b, f->a1, NULL, 100, 0, "h2", NULL));
	FX_OK(bank_hold_void(NULL, f->b, "h2", "v2"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_reverse(NULL, f->b, "h1", "rh1"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_reverse(NULL, f->b, "h2", "rh2"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_reverse(NULL, f->b, "v2", "rv2"));
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_reverse(NULL, f->b, "no-such", "rx"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_reverse(NULL, f->b, "", "rx"));
	FX_REFUSE(f->b, BANK_ECONFLICT, bank_reverse(NULL, f->b, "fx-fund-1", "fx-fund-2"));

	/* the money has gone: reversing the deposit would overdraw */
	char n[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(f->b, f->customer, FX_USD, n);
	FX_OK(bank_deposit(NULL, f->b, n, 1000, "d-n", NULL));
	FX_OK(bank_withdraw(NULL, f->b, n, 600, "w-n", NULL));
	FX_REFUSE(f->b, BANK_EFUNDS, bank_reverse(NULL, f->b, "d-n", "rd-n"));

	/* closed account */
	FX_OK(bank_withdraw(NULL, f->b, n, 400, NULL, NULL));
	FX_OK(bank_account_close(f->b, n, "done"));
	FX_REFUSE(f->b, BANK_ECLOSED, bank_reverse(NULL, f->b, "w-n", "rw-n"));
}

static void test_ledger_reverse__ignores_minimum_balance(void **state)
{
	fx *f = *state;
	fx_product(f->b, "MIN", "USD", BANK_PRODUCT_SAVINGS, 1000, 0);
	char n[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(f->b, f->customer, "MIN", n);
	FX_OK(bank_deposit(NULL, f->b, n, 5000, "d-min", NULL));
	/* a withdrawal of it all is refused, the reversal is not */
	FX_REFUSE(f->b, BANK_EFUNDS, bank_withdraw(NULL, f->b, n, 5000, NULL, NULL));
	FX_OK(bank_reverse(NULL, f->b, "d-min", "r-min"));
	FX_EQ(fx_balance(f->b, n), 0);
	fx_check_balance_after(f->b, n);
}

static void test_ledger_reverse__hold_post(void **state)
{
	fx *f = *state;
	char suspense[BANK_ACCOUNT_NUMBER_SIZE];
	internal(f->b, "USD", BANK_ACCOUNT_SUSPENSE, suspense);
	FX_OK(bank_hold(NULL, f->b, f->a1, NULL, 3000, 0, "h1", NULL));
	FX_OK(bank_hold_post(NULL, f->b, "h1", 2000, "p1"));
	bank_transfer *t = NULL;
	FX_OK(bank_reverse(&t, f->b, "p1", "rp1"));
	assert_string_equal(t->debit, suspense);
	assert_string_equal(t->credit, f->a1);
	FX_EQ(t->amount, 2000);
	bank_transfer_free(t);
	FX_EQ(fx_balance(f->b, f->a1), FX_A1_FUNDS);
	FX_EQ(fx_balance(f->b, suspense), 0);
	/* the hold itself stays posted */
	assert_string_equal(hold_status(f->b, "h1"), "posted");
	fx_check_balance_after(f->b, suspense);
	check_all_balance_after(f);
}

static void test_ledger_internal__not_a_customer_target(void **state)
{
	fx *f = *state;
	/* a deposit "into the vault" would debit and credit the same account */
	FX_REFUSE(f->b, BANK_EINVAL, bank_deposit(NULL, f->b, f->cash, 100, NULL, NULL));
	FX_REFUSE(f->b, BANK_EINVAL, bank_withdraw(NULL, f->b, f->cash, 100, NULL, NULL));
}

static void test_ledger_hold__expiry_overflow(void **state)
{
	fx *f = *state;
	/* an expiry past the end of time must not wrap into the past */
	fx_snap *s = fx_snap_new(f->b);
	bank_transfer *t = NULL;
	int rc = bank_hold(&t, f->b, f->a1, NULL, 100, INT64_MAX, "h-max", NULL);
	if (rc == BANK_OK) {
		assert_true(t->expires_at > fx_now);
		bank_transfer_free(t);
		fx_advance(86400);
		FX_EQ(fx_pending(f->b, f->a1), 100);
		assert_string_equal(hold_status(f->b, "h-max"), "active");
	} else {
		assert_true(rc == BANK_EINVAL || rc == BANK_ELIMIT);
		fx_snap_check(s, f->b, "bank_hold(expires_in = INT64_MAX)", __FILE__, __LINE__);
	}
	fx_snap_free(s);
}

static void test_ledger_hold__post_to_frozen_credit(void **state)
{
	fx *f = *state;
	FX_OK(bank_hold(NULL, f->b, f->a1, f->a2, 1000, 0, "h1", NULL));
	FX_OK(bank_account_freeze(f->b, f->a2, BANK_FREEZE_CREDITS));
	FX_REFUSE(f->b, BANK_EFROZEN, bank_hold_post(NULL, f->b, "h1", 0, "p1"));
	assert_string_equal(hold_status(f->b, "h1"), "active");
	/* a void releases it regardless */
	FX_OK(bank_hold_void(NULL, f->b, "h1", "v1"));
	FX_EQ(fx_pending(f->b, f->a1), 0);
}

static void test_ledger_time__clock_backwards(void **state)
{
	fx *f = *state;
	bank_transfer *t1 = NULL, *t2 = NULL;
	FX_OK(bank_deposit(&t1, f->b, f->a1, 1, "tb-1", NULL));
	fx_advance(-3600);
	FX_OK(bank_deposit(&t2, f->b, f->a1, 1, "tb-2", NULL));
	assert_true(t2->seq > t1->seq);
	assert_true(t2->created_at >= t1->created_at);
	bank_transfer_free(t1);
	bank_transfer_free(t2);
	check_all_balance_after(f);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_ledger_deposit__posts),
		T(test_ledger_batch__one_audit_record),
		T(test_ledger_withdraw__posts),
		T(test_ledger_transfer__posts),
		T(test_ledger_transfer__get_refusals),
		T(test_ledger_idempotency__replay),
		T(test_ledger_idempotency__replay_of_failure_target_state),
		T(test_ledger_idempotency__conflict),
		T(test_ledger_idempotency__failure_leaves_id_free),
		T(test_ledger_amount__zero_negative),
		T(test_ledger_amount__overflow),
		T(test_ledger_amount__huge_turnover_verifies),
		T(test_ledger_account__unknown_and_mistyped),
		T(test_ledger_transfer__same_account),
		T(test_ledger_transfer__currency_mismatch),
		T(test_ledger_frozen__debits_only),
		T(test_ledger_frozen__credits),
		T(test_ledger_closed__refused),
		T(test_ledger_funds__minimum_balance),
		T(test_ledger_funds__overdraft),
		T(test_ledger_id__limits),
		T(test_ledger_memo__limit),
		T(test_ledger_batch__independent_items),
		T(test_ledger_batch__linked_chain_fails_whole),
		T(test_ledger_batch__first_item_of_chain_fails),
		T(test_ledger_batch__open_chain_at_end),
		T(test_ledger_batch__chain_succeeds_whole),
		T(test_ledger_batch__idempotency),
		T(test_ledger_batch__bad_items),
		T(test_ledger_batch__refusals),
		T(test_ledger_batch__generated_ids),
		T(test_ledger_hold__reserves),
		T(test_ledger_hold__post_full),
		T(test_ledger_hold__post_partial),
		T(test_ledger_hold__void),
		T(test_ledger_hold__refusals),
		T(test_ledger_hold__expiry_on_touch),
		T(test_ledger_hold__expiry_frees_funds_for_debit),
		T(test_ledger_hold__expired_post_refused_without_touch),
		T(test_ledger_hold__sweep),
		T(test_ledger_reverse__transfer),
		T(test_ledger_reverse__replay),
		T(test_ledger_reverse__deposit_and_withdrawal),
		T(test_ledger_reverse__refusals),
		T(test_ledger_reverse__ignores_minimum_balance),
		T(test_ledger_reverse__hold_post),
		T(test_ledger_internal__not_a_customer_target),
		T(test_ledger_hold__expiry_overflow),
		T(test_ledger_hold__post_to_frozen_credit),
		T(test_ledger_time__clock_backwards),
	};
	return cmocka_run_group_tests_name("ledger", tests, NULL, NULL);
}
