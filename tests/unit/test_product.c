/*
 * test_product.c: products (include/bank/product.h).
 */
#include <stdio.h>
#include <string.h>

#include "fixture.h"

static bank_product_spec spec(const char *code, const char *currency)
{
	bank_product_spec s = BANK_PRODUCT_SPEC_INIT;
	s.code = code;
	s.name = "A product";
	s.currency = currency;
	return s;
}

static void test_product_kind__names(void **state)
{
	(void)state;
	assert_string_equal(bank_product_kind_name(BANK_PRODUCT_SAVINGS), "savings");
	assert_string_equal(bank_product_kind_name(BANK_PRODUCT_CURRENT), "current");
	assert_string_equal(bank_product_kind_name((bank_product_kind)7), "unknown");
	assert_string_equal(bank_product_kind_name((bank_product_kind)-1), "unknown");
	bank_product_kind k = BANK_PRODUCT_SAVINGS;
	FX_OK(bank_product_kind_parse(&k, "current"));
	assert_int_equal(k, BANK_PRODUCT_CURRENT);
	FX_OK(bank_product_kind_parse(&k, "savings"));
	assert_int_equal(k, BANK_PRODUCT_SAVINGS);
	static const char *const bad[] = {"", "Savings", "current ", "checking", "unknown"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(bank_product_kind_parse(&k, bad[i]), BANK_EINVAL);
}

static void test_product_add__fields(void **state)
{
	fx *f = *state;
	int64_t before = fx_audit_last_seq(f->b);
	bank_product_spec s = spec("CUR-GBP", "GBP");
	s.name = "Current account (GBP)";
	s.kind = BANK_PRODUCT_CURRENT;
	s.overdraft = 50000;
	s.rate = 125000; /* 0.125% */
	bank_product *p = NULL;
	FX_OK(bank_product_add(&p, f->b, &s));
	assert_non_null(p);
	assert_true(p->id > 0);
	assert_string_equal(p->code, "CUR-GBP");
	assert_string_equal(p->name, "Current account (GBP)");
	assert_int_equal(p->kind, BANK_PRODUCT_CURRENT);
	assert_string_equal(p->currency, "GBP");
	FX_EQ(p->min_balance, 0);
	FX_EQ(p->overdraft, 50000);
	FX_EQ(p->rate, 125000);
	FX_EQ(p->created_at, fx_now);
	FX_EQ(p->updated_at, fx_now);
	bank_product_free(p);

	p = NULL;
	FX_OK(bank_product_get(&p, f->b, "CUR-GBP"));
	assert_string_equal(p->name, "Current account (GBP)");
	assert_int_equal(p->kind, BANK_PRODUCT_CURRENT);
	assert_string_equal(p->currency, "GBP");
	FX_EQ(p->overdraft, 50000);
	FX_EQ(p->rate, 125000);
	bank_product_free(p);
	bank_product_free(NULL);

	assert_true(fx_audit_find(f->b, before, "product", "CUR-GBP", NULL) > 0);

	/* Fixture products */
	FX_OK(bank_product_get(&p, f->b, FX_USD));
	assert_string_equal(p->currency, "USD");
	assert_int_equal(p->kind, BANK_PRODUCT_SAVINGS);
	FX_EQ(p->rate, 2500000);
	bank_product_free(p);
}

static void test_product_add__limits_accepted(void **state)
{
	fx *f = *state;
	bank_product_spec s = spec("MAXRATE", "USD");
	s.rate = BANK_RATE_MAX;
	s.min_balance = 100000;
	FX_OK(bank_product_add(NULL, f->b, &s));
	s = spec("JPY", "JPY");
	FX_OK(bank_product_add(NULL, f->b, &s));
	s = spec("BHD", "BHD");
	s.min_balance = 1000; /* 1.000 BHD */
	FX_OK(bank_product_add(NULL, f->b, &s));
}

static void test_product_add__refusals(void **state)
{
	fx *f = *state;
	bank_product_spec s;

	s = spec("", "USD");
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_add(NULL, f->b, &s));
	s = spec("abcdefghij_-01234", "USD");
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_add(NULL, f->b, &s));
	s = spec("BAD CODE", "USD");
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_add(NULL, f->b, &s));
	s = spec(NULL, "USD");
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_add(NULL, f->b, &s));
	s = spec("P1", "USD");
	s.name = NULL;
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_add(NULL, f->b, &s));
	s.name = "";
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_add(NULL, f->b, &s));

	/* currency: required, a known upper-case ISO 4217 code */
	s = spec("P1", NULL);
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_add(NULL, f->b, &s));
	s = spec("P1", "usd");
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_add(NULL, f->b, &s));
	s = spec("P1", "ABC");
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_add(NULL, f->b, &s));
	s = spec("P1", "USDX");
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_add(NULL, f->b, &s));
	s = spec("P1", "");
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_add(NULL, f->b, &s));

	/* amounts and rate */
	s = spec("P1", "USD");
	s.min_balance = -1;
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_add(NULL, f->b, &s));
	s = spec("P1", "USD");
	s.overdraft = -1;
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_add(NULL, f->b, &s));
	s = spec("P1", "USD");
	s.rate = -1;
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_add(NULL, f->b, &s));
	s = spec("P1", "USD");
	s.rate = BANK_RATE_MAX + 1;
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_add(NULL, f->b, &s));
	s = spec("P1", "USD");
	s.kind = (bank_product_kind)7;
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_add(NULL, f->b, &s));

	/* the code is taken */
	s = spec(FX_USD, "USD");
	FX_REFUSE(f->b, BANK_EEXISTS, bank_product_add(NULL, f->b, &s));
	s = spec(FX_USD, "EUR");
	FX_REFUSE(f->b, BANK_EEXISTS, bank_product_add(NULL, f->b, &s));

	bank_product *p = NULL;
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_product_get(&p, f->b, "P1"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_get(&p, f->b, ""));
	assert_null(p);
}

static void test_product_add__minimum_and_overdraft(void **state)
{
	fx *f = *state;
	/* both terms at once: available = balance - pending - minimum + overdraft */
	bank_product_spec s = spec("BOTH", "USD");
	s.kind = BANK_PRODUCT_CURRENT;
	s.min_balance = 100;
	s.overdraft = 300;
	FX_OK(bank_product_add(NULL, f->b, &s));
	char n[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(f->b, f->customer, "BOTH", n);
	FX_EQ(fx_available(f->b, n), 200);
	FX_REFUSE(f->b, BANK_EFUNDS, bank_withdraw(NULL, f->b, n, 201, NULL, NULL));
	FX_OK(bank_withdraw(NULL, f->b, n, 200, NULL, NULL));
	FX_EQ(fx_balance(f->b, n), -200);
	FX_EQ(fx_available(f->b, n), 0);
}

static void test_product_edit__fields(void **state)
{
	fx *f = *state;
	bank_product_spec s = spec("EDIT", "USD");
	s.name = "Before";
	FX_OK(bank_product_add(NULL, f->b, &s));
	bank_time created = fx_now;
	int64_t mark = fx_audit_last_seq(f->b);

	fx_advance(30);
	FX_OK(bank_product_edit(f->b, "EDIT", "name", "After"));
	int64_t s1 = fx_audit_find(f->b, mark, "product", "Before", "After", NULL);
	assert_true(s1 > 0);
	/* amounts and rates: the record names the field (the value's text form is free) */
	FX_OK(bank_product_edit(f->b, "EDIT", "min_balance", "10.50"));
	int64_t s2 = fx_audit_find(f->b, s1, "product", "min_balance", NULL);
	assert_true(s2 > s1);
	FX_OK(bank_product_edit(f->b, "EDIT", "rate", "2.5"));
	assert_true(fx_audit_find(f->b, s2, "product", "rate", NULL) > s2);

	bank_product *p = NULL;
	FX_OK(bank_product_get(&p, f->b, "EDIT"));
	assert_string_equal(p->name, "After");
	FX_EQ(p->min_balance, 1050);
	FX_EQ(p->rate, 2500000);
	FX_EQ(p->overdraft, 0);
	FX_EQ(p->created_at, created);
	FX_EQ(p->updated_at, fx_now);
	bank_product_free(p);

	FX_OK(bank_product_edit(f->b, "EDIT", "min_balance", "0"));
	FX_OK(bank_product_edit(f->b, "EDIT", "overdraft", "5"));
	FX_OK(bank_product_edit(f->b, "EDIT", "rate", "0"));
	FX_OK(bank_product_get(&p, f->b, "EDIT"));
	FX_EQ(p->min_balance, 0);
	FX_EQ(p->overdraft, 500);
	FX_EQ(p->rate, 0);
	bank_product_free(p);
}

static void test_product_edit__amount_in_product_currency(void **state)
{
	fx *f = *state;
	bank_product_spec s = spec("JPYP", "JPY");
	FX_OK(bank_product_add(NULL, f->b, &s));
	FX_OK(bank_product_edit(f->b, "JPYP", "min_balance", "1000"));
	FX_REFUSE(f->b, BANK_EINVAL,
		  bank_product_edit(f->b, "JPYP", "min_balance", "1000.5")); /* JPY has no decimals */
	bank_product *p = NULL;
	FX_OK(bank_product_get(&p, f->b, "JPYP"));
	FX_EQ(p->min_balance, 1000);
	bank_product_free(p);
}

static void test_product_edit__refusals(void **state)
{
	fx *f = *state;
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_edit(f->b, FX_USD, "currency", "EUR"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_edit(f->b, FX_USD, "kind", "current"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_edit(f->b, FX_USD, "code", "X"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_edit(f->b, FX_USD, "colour", "red"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_edit(f->b, FX_USD, "name", ""));
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_edit(f->b, FX_USD, "min_balance", "-1"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_edit(f->b, FX_USD, "min_balance", "abc"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_edit(f->b, FX_USD, "min_balance", "10.001"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_edit(f->b, FX_USD, "min_balance", ""));
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_edit(f->b, FX_USD, "overdraft", "1e3"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_edit(f->b, FX_USD, "rate", "-2"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_edit(f->b, FX_USD, "rate", "1000.000001"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_product_edit(f->b, FX_USD, "rate", "2.1234567"));
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_product_edit(f->b, "NOPE", "name", "x"));
}

static void test_product_edit__min_balance_reaches_accounts(void **state)
{
	fx *f = *state;
	/* An account's minimum comes from its product: raising it lowers available. */
	FX_OK(bank_product_edit(f->b, FX_USD, "min_balance", "100.00"));
	bank_account *a = NULL;
	FX_OK(bank_account_get(&a, f->b, f->a1));
	FX_EQ(a->min_balance, 10000);
	FX_EQ(a->available, FX_A1_FUNDS - 10000);
	bank_account_free(a);
	FX_EQ(fx_available(f->b, f->a1), FX_A1_FUNDS - 10000);
	FX_REFUSE(f->b, BANK_EFUNDS, bank_withdraw(NULL, f->b, f->a1, FX_A1_FUNDS - 10000 + 1, NULL, NULL));
	FX_OK(bank_withdraw(NULL, f->b, f->a1, FX_A1_FUNDS - 10000, NULL, NULL));
}

static void test_product_list__ordered(void **state)
{
	fx *f = *state;
	bank_product_spec s = spec("AAA", "USD");
	FX_OK(bank_product_add(NULL, f->b, &s));
	s = spec("ZZZ", "EUR");
	FX_OK(bank_product_add(NULL, f->b, &s));
	bank_product_list *l = NULL;
	FX_OK(bank_product_list_get(&l, f->b));
	assert_non_null(l);
	assert_int_equal(l->count, 4);
	assert_string_equal(l->items[0]->code, "AAA");
	assert_string_equal(l->items[1]->code, FX_EUR);
	assert_string_equal(l->items[2]->code, FX_USD);
	assert_string_equal(l->items[3]->code, "ZZZ");
	assert_string_equal(l->items[3]->currency, "EUR");
	bank_product_list_free(l);
	bank_product_list_free(NULL);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_product_kind__names),
		T(test_product_add__fields),
		T(test_product_add__limits_accepted),
		T(test_product_add__refusals),
		T(test_product_add__minimum_and_overdraft),
		T(test_product_edit__fields),
		T(test_product_edit__amount_in_product_currency),
		T(test_product_edit__refusals),
		T(test_product_edit__min_balance_reaches_accounts),
		T(test_product_list__ordered),
	};
	return cmocka_run_group_tests_name("product", tests, NULL, NULL);
}
