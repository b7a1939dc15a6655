/*
 * test_account.c: account numbers, opening, lookup, lists, edits with history, freezes
 * and closing (include/bank/account.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "internal.h"

static bank_account *get(bank *b, const char *number)
{
	bank_account *a = NULL;
	FX_OK(bank_account_get(&a, b, number));
	assert_non_null(a);
	return a;
}

static unsigned mod97(const char *digits)
{
	unsigned r = 0;
	for (const char *p = digits; *p; p++)
		r = (r * 10 + (unsigned)(*p - '0')) % 97;
	return r;
}

/* ---- numbers ---- */

static void test_account_number__generated_valid(void **state)
{
	fx *f = *state;
	for (int i = 0; i < 30; i++) {
		char n[BANK_ACCOUNT_NUMBER_SIZE];
		fx_open_account(f->b, f->customer, FX_USD, n);
		assert_int_equal(strlen(n), 12);
		assert_int_equal(strspn(n, "0123456789"), 12);
		assert_int_equal(mod97(n), 1);
		FX_OK(bank_account_number_check(n));
	}
	FX_OK(bank_account_number_check(f->a1));
	FX_OK(bank_account_number_check(f->a2));
}

static void test_account_number__form(void **state)
{
	(void)state;
	char ok[BANK_ACCOUNT_NUMBER_SIZE];
	fx_number_make(1234567890, ok);
	assert_int_equal(mod97(ok), 1);
	FX_OK(bank_account_number_check(ok));
	fx_number_make(0, ok);
	FX_OK(bank_account_number_check(ok));
	fx_number_make(9999999999ull, ok);
	FX_OK(bank_account_number_check(ok));

	static const char *const bad[] = {
		"",
		"1",
		"12345678901",
		"1234567890123",
		"12345678901a",
		"abcdefghijkl",
		" 12345678901",
		"123456789012 ",
		"+23456789012",
		"-23456789012",
		"1234-5678-90",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (bank_account_number_check(bad[i]) != BANK_EINVAL) {
			print_error("bank_account_number_check(\"%s\") accepted\n", bad[i]);
			fail();
		}
	assert_int_equal(bank_error_last()->code, BANK_EINVAL);
}

/* Every single-digit substitution and every adjacent transposition (of different digits)
 * of a valid number is refused, by the check and by a lookup, which must say
 * invalid_argument (mistyped) rather than not_found. */
static void test_account_number__mistypes_refused_before_lookup(void **state)
{
	fx *f = *state;
	const char *valid[] = {f->a1, f->a2};
	for (size_t v = 0; v < 2; v++) {
		for (int pos = 0; pos < 12; pos++) {
			for (char d = '0'; d <= '9'; d++) {
				if (d == valid[v][pos])
					continue;
				char m[BANK_ACCOUNT_NUMBER_SIZE];
				memcpy(m, valid[v], sizeof m);
				m[pos] = d;
				if (bank_account_number_check(m) != BANK_EINVAL) {
					print_error("substitution %s -> %s accepted\n", valid[v], m);
					fail();
				}
				bank_account *a = NULL;
				int rc = bank_account_get(&a, f->b, m);
				if (rc != BANK_EINVAL) {
					print_error("bank_account_get(%s) = %s, expected invalid_argument\n", m,
						    bank_error_name(rc));
					fail();
				}
				bank_balance bal;
				assert_int_equal(bank_balance_get(&bal, f->b, m), BANK_EINVAL);
			}
		}
		for (int pos = 0; pos < 11; pos++) {
			if (valid[v][pos] == valid[v][pos + 1])
				continue;
			char m[BANK_ACCOUNT_NUMBER_SIZE];
			memcpy(m, valid[v], sizeof m);
			m[pos] = valid[v][pos + 1];
			m[pos + 1] = valid[v][pos];
			if (bank_account_number_check(m) != BANK_EINVAL) {
				print_error("transposition %s -> %s accepted\n", valid[v], m);
				fail();
			}
			bank_account *a = NULL;
			assert_int_equal(bank_account_get(&a, f->b, m), BANK_EINVAL);
			FX_REFUSE(f->b, BANK_EINVAL, bank_deposit(NULL, f->b, m, 100, NULL, NULL));
		}
	}
}

static void test_account_number__valid_but_unknown(void **state)
{
	fx *f = *state;
	char n[BANK_ACCOUNT_NUMBER_SIZE];
	fx_number_make(5555555555ull, n);
	bank_account *a = NULL;
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_account_get(&a, f->b, n));
	assert_null(a);
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_deposit(NULL, f->b, n, 100, NULL, NULL));
}

/* ---- opening and reading ---- */

static void test_account_open__fields(void **state)
{
	fx *f = *state;
	int64_t mark = fx_audit_last_seq(f->b);
	bank_account *a = NULL;
	FX_OK(bank_account_open(&a, f->b, f->customer, FX_EUR, FX_BRANCH));
	assert_non_null(a);
	assert_true(a->id > 0);
	FX_OK(bank_account_number_check(a->number));
	assert_int_equal(a->kind, BANK_ACCOUNT_CUSTOMER);
	FX_EQ(a->customer_id, f->customer);
	assert_string_equal(a->product, FX_EUR);
	assert_string_equal(a->branch, FX_BRANCH);
	assert_string_equal(a->name, "");
	assert_string_equal(a->currency, "EUR");
	assert_string_equal(a->status, "active");
	assert_int_equal(a->frozen, 0);
	FX_EQ(a->balance, 0);
	FX_EQ(a->pending, 0);
	FX_EQ(a->available, 0);
	FX_EQ(a->min_balance, 0);
	FX_EQ(a->overdraft, 0);
	FX_EQ(a->opened_at, fx_now);
	FX_EQ(a->closed_at, 0);
	assert_string_equal(a->close_reason, "");
	assert_string_equal(a->closed_by, "");
	char number[BANK_ACCOUNT_NUMBER_SIZE];
	memcpy(number, a->number, sizeof number);
	bank_account_free(a);
	bank_account_free(NULL);

	a = get(f->b, number);
	assert_string_equal(a->number, number);
	assert_string_equal(a->currency, "EUR");
	assert_string_equal(a->status, "active");
	bank_account_free(a);

	char object[64];
	snprintf(object, sizeof object, "account:%s", number);
	assert_true(fx_audit_find(f->b, mark, "account", number, NULL) > 0);
	bank_audit_page *p = NULL;
	FX_OK(bank_audit_get(&p, f->b, 0, object, 100));
	assert_true(p->count >= 1);
	for (size_t i = 0; i < p->count; i++)
		assert_string_equal(p->entries[i].object, object);
	bank_audit_page_free(p);
}

static void test_account_open__funded_fields(void **state)
{
	fx *f = *state;
	bank_account *a = get(f->b, f->a1);
	FX_EQ(a->balance, FX_A1_FUNDS);
	FX_EQ(a->pending, 0);
	FX_EQ(a->available, FX_A1_FUNDS);
	FX_EQ(a->last_activity_at, FX_T0);
	assert_string_equal(a->currency, "USD");
	bank_account_free(a);

	fx_advance(100);
	fx_deposit(f->b, f->a1, 1);
	a = get(f->b, f->a1);
	FX_EQ(a->last_activity_at, fx_now);
	bank_account_free(a);
}

static void test_account_open__refusals(void **state)
{
	fx *f = *state;
	bank_account *a = NULL;
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_account_open(&a, f->b, 999999, FX_USD, FX_BRANCH));
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_account_open(&a, f->b, f->customer, "NOPE", FX_BRANCH));
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_account_open(&a, f->b, f->customer, FX_USD, "NOPE"));
	assert_null(a);
}

static void test_account_open__product_terms(void **state)
{
	fx *f = *state;
	fx_product(f->b, "MIN", "USD", BANK_PRODUCT_SAVINGS, 1000, 0);
	fx_product(f->b, "OD", "USD", BANK_PRODUCT_CURRENT, 0, 5000);
	char m[BANK_ACCOUNT_NUMBER_SIZE], o[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(f->b, f->customer, "MIN", m);
	fx_open_account(f->b, f->customer, "OD", o);
	bank_account *a = get(f->b, m);
	FX_EQ(a->min_balance, 1000);
	FX_EQ(a->available, -1000); /* balance 0 - min 1000 */
	bank_account_free(a);
	a = get(f->b, o);
	FX_EQ(a->overdraft, 5000);
	FX_EQ(a->available, 5000);
	bank_account_free(a);
}

static void test_account_list__scopes(void **state)
{
	fx *f = *state;
	bank_customer_spec cs = BANK_CUSTOMER_SPEC_INIT;
	cs.name = "Bob";
	bank_customer *c = NULL;
	FX_OK(bank_customer_add(&c, f->b, &cs));
	int64_t bob = c->id;
	bank_customer_free(c);
	char b1[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(f->b, bob, FX_EUR, b1);

	bank_account_list *l = NULL;
	FX_OK(bank_account_list_get(&l, f->b, f->customer));
	assert_int_equal(l->count, 2);
	for (size_t i = 0; i < l->count; i++)
		FX_EQ(l->items[i]->customer_id, f->customer);
	assert_true(strcmp(l->items[0]->number, l->items[1]->number) < 0);
	bank_account_list_free(l);

	FX_OK(bank_account_list_get(&l, f->b, bob));
	assert_int_equal(l->count, 1);
	assert_string_equal(l->items[0]->number, b1);
	bank_account_list_free(l);

	FX_OK(bank_account_list_get(&l, f->b, 0));
	assert_int_equal(l->count, 3);
	for (size_t i = 0; i < l->count; i++) {
		assert_int_equal(l->items[i]->kind, BANK_ACCOUNT_CUSTOMER);
		if (i > 0)
			assert_true(strcmp(l->items[i - 1]->number, l->items[i]->number) < 0);
	}
	bank_account_list_free(l);

	/* every account, the cash vault included */
	FX_OK(bank_account_list_get(&l, f->b, -1));
	assert_true(l->count >= 4);
	int found_cash = 0;
	for (size_t i = 0; i < l->count; i++) {
		if (strcmp(l->items[i]->number, f->cash) == 0) {
			found_cash = 1;
			assert_int_equal(l->items[i]->kind, BANK_ACCOUNT_CASH);
		}
		if (i > 0)
			assert_true(strcmp(l->items[i - 1]->number, l->items[i]->number) < 0);
	}
	assert_true(found_cash);
	bank_account_list_free(l);

	/* a customer without accounts */
	cs.name = "Nobody";
	FX_OK(bank_customer_add(&c, f->b, &cs));
	FX_OK(bank_account_list_get(&l, f->b, c->id));
	assert_int_equal(l->count, 0);
	bank_account_list_free(l);
	bank_customer_free(c);
	bank_account_list_free(NULL);
}

static void test_account_internal__vault(void **state)
{
	fx *f = *state;
	bank_account *a = NULL;
	FX_OK(bank_account_internal(&a, f->b, FX_BRANCH, "USD", BANK_ACCOUNT_CASH));
	assert_string_equal(a->number, f->cash);
	assert_int_equal(a->kind, BANK_ACCOUNT_CASH);
	FX_EQ(a->customer_id, 0);
	assert_string_equal(a->product, "");
	assert_string_equal(a->branch, FX_BRANCH);
	assert_string_equal(a->currency, "USD");
	/* debit-normal: the vault holds the cash deposited */
	FX_EQ(a->balance, FX_A1_FUNDS + FX_A2_FUNDS);
	FX_EQ(a->min_balance, 0);
	FX_EQ(a->overdraft, 0);
	bank_account_free(a);

	/* created on first use, then the same one */
	bank_account *x = NULL, *y = NULL;
	FX_OK(bank_account_internal(&x, f->b, FX_BRANCH, "EUR", BANK_ACCOUNT_SUSPENSE));
	FX_OK(bank_account_internal(&y, f->b, FX_BRANCH, "EUR", BANK_ACCOUNT_SUSPENSE));
	assert_string_equal(x->number, y->number);
	assert_int_equal(x->kind, BANK_ACCOUNT_SUSPENSE);
	assert_string_equal(x->currency, "EUR");
	FX_EQ(x->balance, 0);
	bank_account_free(x);
	bank_account_free(y);

	/* each kind its own account */
	bank_account_kind kinds[] = {BANK_ACCOUNT_CASH, BANK_ACCOUNT_INTEREST_EXPENSE, BANK_ACCOUNT_FEE_INCOME,
				     BANK_ACCOUNT_SUSPENSE};
	char numbers[4][BANK_ACCOUNT_NUMBER_SIZE];
	for (int i = 0; i < 4; i++) {
		FX_OK(bank_account_internal(&a, f->b, FX_BRANCH, "USD", kinds[i]));
		assert_int_equal(a->kind, kinds[i]);
		memcpy(numbers[i], a->number, BANK_ACCOUNT_NUMBER_SIZE);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(numbers[i], numbers[j]);
		bank_account_free(a);
	}
}

static void test_account_internal__refusals(void **state)
{
	fx *f = *state;
	bank_account *a = NULL;
	FX_REFUSE(f->b, BANK_EINVAL, bank_account_internal(&a, f->b, FX_BRANCH, "USD", BANK_ACCOUNT_CUSTOMER));
	FX_REFUSE(f->b, BANK_EINVAL, bank_account_internal(&a, f->b, FX_BRANCH, "ZZZ", BANK_ACCOUNT_CASH));
	FX_REFUSE(f->b, BANK_EINVAL, bank_account_internal(&a, f->b, FX_BRANCH, "USD", (bank_account_kind)9));
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_account_internal(&a, f->b, "NOPE", "USD", BANK_ACCOUNT_CASH));
	assert_null(a);
}

static void test_account_kind__names(void **state)
{
	(void)state;
	assert_string_equal(bank_account_kind_name(BANK_ACCOUNT_CUSTOMER), "customer");
	assert_string_equal(bank_account_kind_name(BANK_ACCOUNT_CASH), "cash");
	assert_string_equal(bank_account_kind_name(BANK_ACCOUNT_INTEREST_EXPENSE), "interest_expense");
	assert_string_equal(bank_account_kind_name(BANK_ACCOUNT_FEE_INCOME), "fee_income");
	assert_string_equal(bank_account_kind_name(BANK_ACCOUNT_SUSPENSE), "suspense");
	assert_string_equal(bank_account_kind_name((bank_account_kind)5), "unknown");
	assert_string_equal(bank_account_kind_name((bank_account_kind)-1), "unknown");
}

/* ---- edits ---- */

static void test_account_edit__history(void **state)
{
	fx *f = *state;
	fx_product(f->b, "SAV2", "USD", BANK_PRODUCT_SAVINGS, 0, 0);
	FX_OK(bank_branch_add(NULL, f->b, "WEST", "West", NULL));
	bank_customer_spec cs = BANK_CUSTOMER_SPEC_INIT;
	cs.name = "Bob";
	bank_customer *c = NULL;
	FX_OK(bank_customer_add(&c, f->b, &cs));
	int64_t bob = c->id;
	bank_customer_free(c);
	char bobs[32];
	snprintf(bobs, sizeof bobs, "%lld", (long long)bob);

	bank_time t1 = fx_now + 10 * FX_SEC;
	fx_now = t1;
	FX_OK(bank_account_edit(f->b, f->a1, "name", "Holiday fund"));
	fx_advance(10);
	FX_OK(bank_account_edit(f->b, f->a1, "product", "SAV2"));
	fx_advance(10);
	FX_OK(bank_account_edit(f->b, f->a1, "branch", "WEST"));
	fx_advance(10);
	FX_OK(bank_account_edit(f->b, f->a1, "customer", bobs));

	bank_account *a = get(f->b, f->a1);
	assert_string_equal(a->name, "Holiday fund");
	assert_string_equal(a->product, "SAV2");
	assert_string_equal(a->branch, "WEST");
	FX_EQ(a->customer_id, bob);
	FX_EQ(a->balance, FX_A1_FUNDS); /* money does not move */
	bank_account_free(a);

	bank_account_edits *e = NULL;
	FX_OK(bank_account_edits_get(&e, f->b, f->a1));
	assert_non_null(e);
	assert_int_equal(e->count, 4);
	assert_string_equal(e->entries[0].field, "name");
	assert_string_equal(e->entries[0].old_value, "");
	assert_string_equal(e->entries[0].new_value, "Holiday fund");
	assert_string_equal(e->entries[0].principal, bank_principal(f->b));
	FX_EQ(e->entries[0].at, t1);
	assert_string_equal(e->entries[1].field, "product");
	assert_string_equal(e->entries[1].old_value, FX_USD);
	assert_string_equal(e->entries[1].new_value, "SAV2");
	FX_EQ(e->entries[1].at, t1 + 10 * FX_SEC);
	assert_string_equal(e->entries[2].field, "branch");
	assert_string_equal(e->entries[2].old_value, FX_BRANCH);
	assert_string_equal(e->entries[2].new_value, "WEST");
	assert_string_equal(e->entries[3].field, "customer");
	assert_non_null(strstr(e->entries[3].new_value, bobs));
	for (size_t i = 1; i < e->count; i++)
		assert_true(e->entries[i - 1].seq < e->entries[i].seq);
	bank_account_edits_free(e);
	bank_account_edits_free(NULL);

	/* the other account has no history */
	FX_OK(bank_account_edits_get(&e, f->b, f->a2));
	assert_int_equal(e->count, 0);
	bank_account_edits_free(e);
}

static void test_account_edit__refusals(void **state)
{
	fx *f = *state;
	char eur[BANK_ACCOUNT_NUMBER_SIZE], unknown[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(f->b, f->customer, FX_EUR, eur);
	fx_number_make(4444444444ull, unknown);
	char mistyped[BANK_ACCOUNT_NUMBER_SIZE];
	memcpy(mistyped, f->a1, sizeof mistyped);
	mistyped[3] = mistyped[3] == '9' ? '0' : (char)(mistyped[3] + 1);

	FX_REFUSE(f->b, BANK_ECURRENCY, bank_account_edit(f->b, f->a1, "product", FX_EUR));
	FX_REFUSE(f->b, BANK_ECURRENCY, bank_account_edit(f->b, eur, "product", FX_USD));
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_account_edit(f->b, f->a1, "product", "NOPE"));
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_account_edit(f->b, f->a1, "branch", "NOPE"));
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_account_edit(f->b, f->a1, "customer", "999999"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_account_edit(f->b, f->a1, "customer", "abc"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_account_edit(f->b, f->a1, "currency", "EUR"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_account_edit(f->b, f->a1, "balance", "1000000"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_account_edit(f->b, f->a1, "status", "closed"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_account_edit(f->b, f->a1, "number", "000000000001"));
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_account_edit(f->b, unknown, "name", "x"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_account_edit(f->b, mistyped, "name", "x"));

	bank_account_edits *e = NULL;
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_account_edits_get(&e, f->b, unknown));
	FX_REFUSE(f->b, BANK_EINVAL, bank_account_edits_get(&e, f->b, mistyped));
	assert_null(e);
}

/* ---- freezes ---- */

static void test_account_freeze__debits(void **state)
{
	fx *f = *state;
	FX_OK(bank_account_freeze(f->b, f->a1, BANK_FREEZE_DEBITS));
	bank_account *a = get(f->b, f->a1);
	assert_string_equal(a->status, "frozen");
	assert_int_equal(a->frozen, BANK_FREEZE_DEBITS);
	bank_account_free(a);

	FX_REFUSE(f->b, BANK_EFROZEN, bank_withdraw(NULL, f->b, f->a1, 100, NULL, NULL));
	FX_REFUSE(f->b, BANK_EFROZEN, bank_transfer_post(NULL, f->b, f->a1, f->a2, 100, NULL, NULL));
	FX_REFUSE(f->b, BANK_EFROZEN, bank_hold(NULL, f->b, f->a1, NULL, 100, 0, NULL, NULL));
	/* credits still work */
	FX_OK(bank_deposit(NULL, f->b, f->a1, 100, NULL, NULL));
	FX_OK(bank_transfer_post(NULL, f->b, f->a2, f->a1, 100, NULL, NULL));
	FX_EQ(fx_balance(f->b, f->a1), FX_A1_FUNDS + 200);

	/* the freeze is in the account's history */
	bank_account_edits *e = NULL;
	FX_OK(bank_account_edits_get(&e, f->b, f->a1));
	assert_true(e->count >= 1);
	int seen = 0;
	for (size_t i = 0; i < e->count; i++)
		if (strcmp(e->entries[i].field, "frozen") == 0 || strcmp(e->entries[i].field, "status") == 0)
			seen = 1;
	assert_true(seen);
	bank_account_edits_free(e);
}

static void test_account_freeze__credits(void **state)
{
	fx *f = *state;
	FX_OK(bank_account_freeze(f->b, f->a1, BANK_FREEZE_CREDITS));
	bank_account *a = get(f->b, f->a1);
	assert_string_equal(a->status, "frozen");
	assert_int_equal(a->frozen, BANK_FREEZE_CREDITS);
	bank_account_free(a);

	FX_REFUSE(f->b, BANK_EFROZEN, bank_deposit(NULL, f->b, f->a1, 100, NULL, NULL));
	FX_REFUSE(f->b, BANK_EFROZEN, bank_transfer_post(NULL, f->b, f->a2, f->a1, 100, NULL, NULL));
	FX_OK(bank_withdraw(NULL, f->b, f->a1, 100, NULL, NULL));
	FX_OK(bank_transfer_post(NULL, f->b, f->a1, f->a2, 100, NULL, NULL));
	FX_EQ(fx_balance(f->b, f->a1), FX_A1_FUNDS - 200);
}

static void test_account_freeze__both_and_adding(void **state)
{
	fx *f = *state;
	FX_OK(bank_account_freeze(f->b, f->a1, BANK_FREEZE_DEBITS));
	FX_OK(bank_account_freeze(f->b, f->a1, BANK_FREEZE_CREDITS)); /* adds to the freeze */
	bank_account *a = get(f->b, f->a1);
	assert_int_equal(a->frozen, BANK_FREEZE_BOTH);
	bank_account_free(a);
	FX_REFUSE(f->b, BANK_EFROZEN, bank_deposit(NULL, f->b, f->a1, 100, NULL, NULL));
	FX_REFUSE(f->b, BANK_EFROZEN, bank_withdraw(NULL, f->b, f->a1, 100, NULL, NULL));

	FX_OK(bank_account_freeze(f->b, f->a2, BANK_FREEZE_BOTH));
	FX_REFUSE(f->b, BANK_EFROZEN, bank_transfer_post(NULL, f->b, f->a1, f->a2, 100, NULL, NULL));
	FX_REFUSE(f->b, BANK_EFROZEN, bank_deposit(NULL, f->b, f->a2, 100, NULL, NULL));

	FX_OK(bank_account_unfreeze(f->b, f->a1));
	a = get(f->b, f->a1);
	assert_string_equal(a->status, "active");
	assert_int_equal(a->frozen, 0);
	bank_account_free(a);
	FX_OK(bank_deposit(NULL, f->b, f->a1, 100, NULL, NULL));
	FX_OK(bank_withdraw(NULL, f->b, f->a1, 100, NULL, NULL));
	FX_EQ(fx_balance(f->b, f->a1), FX_A1_FUNDS);
}

static void test_account_freeze__refusals(void **state)
{
	fx *f = *state;
	char unknown[BANK_ACCOUNT_NUMBER_SIZE];
	fx_number_make(3333333333ull, unknown);
	FX_REFUSE(f->b, BANK_EINVAL, bank_account_freeze(f->b, f->a1, 0));
	FX_REFUSE(f->b, BANK_EINVAL, bank_account_freeze(f->b, f->a1, 4));
	FX_REFUSE(f->b, BANK_EINVAL, bank_account_freeze(f->b, f->a1, 0xffffffffu));
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_account_freeze(f->b, unknown, BANK_FREEZE_BOTH));
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_account_unfreeze(f->b, unknown));
}

/* ---- closing ---- */

static void test_account_close__archives(void **state)
{
	fx *f = *state;
	FX_REFUSE(f->b, BANK_EINVAL, bank_account_close(f->b, f->a1, "moving abroad")); /* balance not zero */
	FX_REFUSE(f->b, BANK_EINVAL, bank_account_close(f->b, f->a1, NULL));
	FX_OK(bank_withdraw(NULL, f->b, f->a1, FX_A1_FUNDS, "w-all", NULL));
	FX_REFUSE(f->b, BANK_EINVAL, bank_account_close(f->b, f->a1, NULL));
	FX_REFUSE(f->b, BANK_EINVAL, bank_account_close(f->b, f->a1, ""));

	int64_t mark = fx_audit_last_seq(f->b);
	fx_advance(120);
	FX_OK(bank_account_close(f->b, f->a1, "moving abroad"));
	bank_account *a = get(f->b, f->a1);
	assert_string_equal(a->status, "closed");
	FX_EQ(a->closed_at, fx_now);
	assert_string_equal(a->close_reason, "moving abroad");
	assert_string_equal(a->closed_by, bank_principal(f->b));
	FX_EQ(a->final_balance, 0);
	FX_EQ(a->balance, 0);
	bank_account_free(a);
	assert_true(fx_audit_find(f->b, mark, "account", f->a1, NULL) > 0);

	/* closed is final */
	char twice[] = "again";
	FX_REFUSE(f->b, BANK_ECLOSED, bank_account_close(f->b, f->a1, twice));
	FX_REFUSE(f->b, BANK_ECLOSED, bank_deposit(NULL, f->b, f->a1, 100, NULL, NULL));
	FX_REFUSE(f->b, BANK_ECLOSED, bank_withdraw(NULL, f->b, f->a1, 100, NULL, NULL));
	FX_REFUSE(f->b, BANK_ECLOSED, bank_transfer_post(NULL, f->b, f->a2, f->a1, 100, NULL, NULL));
	FX_REFUSE(f->b, BANK_ECLOSED, bank_account_freeze(f->b, f->a1, BANK_FREEZE_DEBITS));
	FX_REFUSE(f->b, BANK_ECLOSED, bank_account_unfreeze(f->b, f->a1));
	FX_REFUSE(f->b, BANK_ECLOSED, bank_account_edit(f->b, f->a1, "name", "zombie"));

	/* and keeps its statement */
	bank_statement *s = NULL;
	FX_OK(bank_statement_get(&s, f->b, f->a1, 0, 0, 0, NULL));
	assert_int_equal(s->count, 2);
	assert_string_equal(s->entries[0].id, "fx-fund-1");
	FX_EQ(s->entries[0].amount, FX_A1_FUNDS);
	assert_string_equal(s->entries[1].id, "w-all");
	FX_EQ(s->entries[1].amount, -FX_A1_FUNDS);
	FX_EQ(s->entries[1].balance_after, 0);
	FX_EQ(s->closing_balance, 0);
	bank_statement_free(s);

	/* it is still listed and still looked up */
	bank_account_list *l = NULL;
	FX_OK(bank_account_list_get(&l, f->b, f->customer));
	assert_int_equal(l->count, 2);
	bank_account_list_free(l);
	bank_transfer *t = NULL;
	FX_OK(bank_transfer_get(&t, f->b, "w-all"));
	bank_transfer_free(t);
	fx_verify_clean(f->b);
}

static void test_account_close__frozen_account(void **state)
{
	fx *f = *state;
	char n[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(f->b, f->customer, FX_USD, n);
	FX_OK(bank_account_freeze(f->b, n, BANK_FREEZE_BOTH));
	FX_OK(bank_account_close(f->b, n, "fraud"));
	bank_account *a = get(f->b, n);
	assert_string_equal(a->status, "closed");
	bank_account_free(a);
}

static void test_account_close__active_hold(void **state)
{
	fx *f = *state;
	/* An overdraft account can hold money at a zero balance. */
	fx_product(f->b, "OD", "USD", BANK_PRODUCT_CURRENT, 0, 5000);
	char n[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(f->b, f->customer, "OD", n);
	FX_OK(bank_hold(NULL, f->b, n, NULL, 1000, 0, "h-od", NULL));
	FX_EQ(fx_balance(f->b, n), 0);
	FX_EQ(fx_pending(f->b, n), 1000);
	FX_REFUSE(f->b, BANK_EINVAL, bank_account_close(f->b, n, "no longer needed"));
	FX_OK(bank_hold_void(NULL, f->b, "h-od", "v-od"));
	FX_OK(bank_account_close(f->b, n, "no longer needed"));
}

static void test_account_close__refusals(void **state)
{
	fx *f = *state;
	char unknown[BANK_ACCOUNT_NUMBER_SIZE];
	fx_number_make(2222222222ull, unknown);
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_account_close(f->b, unknown, "x"));
	char mistyped[BANK_ACCOUNT_NUMBER_SIZE];
	memcpy(mistyped, unknown, sizeof mistyped);
	mistyped[11] = mistyped[11] == '9' ? '0' : (char)(mistyped[11] + 1);
	FX_REFUSE(f->b, BANK_EINVAL, bank_account_close(f->b, mistyped, "x"));
	/* an overdrawn account is not at zero either */
	fx_product(f->b, "OD", "USD", BANK_PRODUCT_CURRENT, 0, 5000);
	char n[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(f->b, f->customer, "OD", n);
	FX_OK(bank_withdraw(NULL, f->b, n, 10, NULL, NULL));
	FX_REFUSE(f->b, BANK_EINVAL, bank_account_close(f->b, n, "x"));
}

/* A bank reopened with the same seed continues with fresh account numbers and transfer
 * ids instead of replaying the ones it already issued (regression: it ran out of
 * numbers after 20 accounts, and with a fixed clock reused transfer ids). */
static void test_account_open__seeded_reopen(void **state)
{
	(void)state;
	char dir[128], path[192];
	fx_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/seeded.db", dir);
	for (int round = 0; round < 2; round++) {
		bank *b = fx_open_bare(path, 99);
		if (round == 0) {
			assert_int_equal(bank_branch_add(NULL, b, "HQ", "Head office", NULL), BANK_OK);
			bank_product_spec ps = BANK_PRODUCT_SPEC_INIT;
			ps.code = "CUR";
			ps.name = "Current";
			ps.currency = "USD";
			assert_int_equal(bank_product_add(NULL, b, &ps), BANK_OK);
			bank_customer_spec cs = BANK_CUSTOMER_SPEC_INIT;
			cs.name = "Ann";
			assert_int_equal(bank_customer_add(NULL, b, &cs), BANK_OK);
		}
		for (int i = 0; i < 25; i++) {
			bank_account *a = NULL;
			assert_int_equal(bank_account_open(&a, b, 1, "CUR", "HQ"), BANK_OK);
			bank_transfer *t = NULL;
			assert_int_equal(bank_deposit(&t, b, a->number, 100, NULL, NULL), BANK_OK);
			assert_int_equal(t->status, BANK_TRANSFER_CREATED);
			bank_transfer_free(t);
			bank_account_free(a);
		}
		bank_close(b);
	}
	bank *b = fx_open_bare(path, 99);
	bank_account_list *l = NULL;
	assert_int_equal(bank_account_list_get(&l, b, 0), BANK_OK);
	assert_int_equal(l->count, 50);
	bank_account_list_free(l);
	bank_verify_report *r = NULL;
	assert_int_equal(bank_verify(&r, b), BANK_OK);
	assert_int_equal(r->transfers_checked, 50);
	bank_verify_report_free(r);
	bank_close(b);
	fx_rmdir(dir);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

/* The handle's number cache (account.c) against a rollback: an account opened and looked
 * up inside a transaction that rolls back leaves its id free for the next account, which
 * gets another number; neither lookup direction may answer from the stale entry. */
static void test_account_numcache__rollback_reuses_id(void **state)
{
	fx *f = *state;
	char first[BANK_ACCOUNT_NUMBER_SIZE], second[BANK_ACCOUNT_NUMBER_SIZE], got[BANK_ACCOUNT_NUMBER_SIZE];
	int64_t id1, id2, id;
	FX_OK(bank__tx_begin(f->b));
	fx_open_account(f->b, f->customer, FX_USD, first);
	FX_OK(bank__account_id(f->b, first, &id1)); /* cached, uncommitted */
	assert_true(bank__account_number_cached(f->b, id1, got));
	assert_string_equal(got, first);
	bank__tx_rollback(f->b);
	assert_false(bank__account_number_cached(f->b, id1, got));
	assert_int_equal(bank__account_id(f->b, first, &id), BANK_ENOTFOUND);
	/* The next account takes the same id; unseeded, it draws another number. */
	f->b->rng.seeded = false;
	fx_open_account(f->b, f->customer, FX_USD, second);
	assert_string_not_equal(first, second);
	FX_OK(bank__account_id(f->b, second, &id2));
	assert_int_equal(id2, id1);
	assert_true(bank__account_number_cached(f->b, id2, got));
	assert_string_equal(got, second);
	assert_int_equal(bank__account_id(f->b, first, &id), BANK_ENOTFOUND);
	/* Committed entries survive later rollbacks: a failed transfer keeps the lookups. */
	FX_OK(bank__tx_begin(f->b));
	bank__tx_rollback(f->b);
	FX_OK(bank__account_id(f->b, second, &id));
	assert_int_equal(id, id2);
}

/* The cache grows with the bank: many accounts all resolve both ways, after emptying it
 * too (refilled from the database by number lookups). */
static void test_account_numcache__many_accounts(void **state)
{
	fx *f = *state;
	enum { N = 3000 };
	char(*nums)[BANK_ACCOUNT_NUMBER_SIZE] = calloc(N, BANK_ACCOUNT_NUMBER_SIZE);
	int64_t *ids = calloc(N, sizeof *ids);
	assert_non_null(nums);
	assert_non_null(ids);
	for (int i = 0; i < N; i++) {
		fx_open_account(f->b, f->customer, FX_USD, nums[i]);
		FX_OK(bank__account_id(f->b, nums[i], &ids[i]));
	}
	for (int pass = 0; pass < 2; pass++) {
		for (int i = N - 1; i >= 0; i--) {
			int64_t id;
			char got[BANK_ACCOUNT_NUMBER_SIZE];
			FX_OK(bank__account_id(f->b, nums[i], &id));
			assert_int_equal(id, ids[i]);
			assert_true(bank__account_number_cached(f->b, ids[i], got));
			assert_string_equal(got, nums[i]);
		}
		bank__numcache_free(f->b); /* the second pass starts from an empty cache */
	}
	int64_t id;
	assert_false(bank__account_number_cached(f->b, ids[N - 1] + 1000, nums[0]));
	assert_int_equal(bank__account_id(f->b, "000000000001", &id), BANK_ENOTFOUND);
	free(nums);
	free(ids);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_account_number__generated_valid),
		cmocka_unit_test(test_account_number__form),
		cmocka_unit_test(test_account_open__seeded_reopen),
		T(test_account_number__mistypes_refused_before_lookup),
		T(test_account_number__valid_but_unknown),
		T(test_account_open__fields),
		T(test_account_open__funded_fields),
		T(test_account_open__refusals),
		T(test_account_open__product_terms),
		T(test_account_list__scopes),
		T(test_account_internal__vault),
		T(test_account_internal__refusals),
		cmocka_unit_test(test_account_kind__names),
		T(test_account_edit__history),
		T(test_account_edit__refusals),
		T(test_account_freeze__debits),
		T(test_account_freeze__credits),
		T(test_account_numcache__rollback_reuses_id),
		T(test_account_numcache__many_accounts),
		T(test_account_freeze__both_and_adding),
		T(test_account_freeze__refusals),
		T(test_account_close__archives),
		T(test_account_close__frozen_account),
		T(test_account_close__active_hold),
		T(test_account_close__refusals),
	};
	return cmocka_run_group_tests_name("account", tests, NULL, NULL);
}
