/*
 * test_interest.c: interest accrual, posting, runs, the interest table, projections and
 * APY (include/bank/interest.h), with the goldens of issue 5.
 *
 * Each test opens its own in-memory bank on the fixture clock (fx_now), placed on the
 * dates the scenario needs: a posting's day is the day of the clock when it is made,
 * and a run for day D happens on a later day. Amounts are compared exactly: accruals as
 * text with 9 decimals of the currency unit (the goldens' precision) and sometimes all
 * 14, postings in minor units.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "fixture.h"

#define BANK_INTERNAL_TESTS 1
#include "internal.h"

/* ---- helpers ---- */

typedef struct env {
	bank *b;
	int64_t customer;
} env;

static bank_time t_of(const char *rfc3339)
{
	bank_time t = 0;
	FX_OK(bank_time_parse(&t, rfc3339));
	return t;
}

static bank_date d_of(const char *ymd)
{
	bank_date d = 0;
	FX_OK(bank_date_parse(&d, ymd));
	return d;
}

/* Moves the clock to YYYY-MM-DD at HH:MM (UTC): the bank's time zone is UTC here. */
static void at(const char *ymd, const char *hhmm)
{
	char buf[40];
	snprintf(buf, sizeof buf, "%sT%s:00Z", ymd, hhmm);
	fx_now = t_of(buf);
}

static void env_open(env *e, const char *ymd, uint64_t seed)
{
	bank__interest_test_batch = 0;
	bank__interest_test_stop_after = 0;
	at(ymd, "08:00");
	e->b = fx_open_bare(":memory:", seed);
	FX_OK(bank_branch_add(NULL, e->b, "HQ", "Head Office", NULL));
	bank_customer_spec cs = BANK_CUSTOMER_SPEC_INIT;
	cs.name = "Ada Saver";
	bank_customer *c = NULL;
	FX_OK(bank_customer_add(&c, e->b, &cs));
	e->customer = c->id;
	bank_customer_free(c);
}

static void env_close(env *e)
{
	bank_close(e->b);
	e->b = NULL;
	bank__interest_test_batch = 0;
	bank__interest_test_stop_after = 0;
}

static void product(env *e, const char *code, const char *rate, bank_day_count dc, bank_balance_method m,
		    bank_period comp, bank_period post, int64_t min_interest, int64_t overdraft)
{
	bank_product_spec s = BANK_PRODUCT_SPEC_INIT;
	s.code = code;
	s.name = code;
	s.currency = "USD";
	FX_OK(bank_rate_parse(&s.rate, rate));
	s.day_count = dc;
	s.balance_method = m;
	s.compounding = comp;
	s.posting = post;
	s.min_interest_balance = min_interest;
	s.overdraft = overdraft;
	FX_OK(bank_product_add(NULL, e->b, &s));
}

static void open_account(env *e, const char *prod, char out[BANK_ACCOUNT_NUMBER_SIZE])
{
	bank_account *a = NULL;
	FX_OK(bank_account_open(&a, e->b, e->customer, prod, "HQ"));
	memcpy(out, a->number, BANK_ACCOUNT_NUMBER_SIZE);
	bank_account_free(a);
}

static void deposit(env *e, const char *acct, int64_t amount)
{
	FX_OK(bank_deposit(NULL, e->b, acct, amount, NULL, NULL));
}

static void withdraw(env *e, const char *acct, int64_t amount)
{
	FX_OK(bank_withdraw(NULL, e->b, acct, amount, NULL, NULL));
}

static void run(env *e, const char *as_of)
{
	bank_interest_run_result r;
	FX_OK(bank_interest_run(&r, e->b, d_of(as_of)));
}

static bank_interest_table *table(env *e, const char *acct)
{
	bank_interest_table *t = NULL;
	FX_OK(bank_interest_table_get(&t, e->b, acct));
	assert_non_null(t);
	return t;
}

static void expect_accrual(bank_accrual a, int decimals, const char *want)
{
	char buf[BANK_ACCRUAL_SIZE];
	FX_OK(bank_accrual_format(buf, sizeof buf, a, "USD", decimals));
	if (strcmp(buf, want) != 0)
		fail_msg("accrual %s, expected %s", buf, want);
}

/* The accrued amount of period i with 9 decimals equals want. */
static void expect_period(env *e, const char *acct, size_t i, int days, const char *accrued9, int64_t posted)
{
	bank_interest_table *t = table(e, acct);
	assert_true(i < t->count);
	FX_EQ(t->periods[i].days, days);
	expect_accrual(t->periods[i].accrued, 9, accrued9);
	FX_EQ(t->periods[i].posted, posted);
	bank_interest_table_free(t);
}

/* Hashes every row of a query (FNV-1a over each column's text): "same data" checks. */
static uint64_t query_hash(bank *b, const char *sql, int64_t *rows)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(fx_sqlite(b), sql, -1, &st, NULL), SQLITE_OK);
	uint64_t h = UINT64_C(1469598103934665603);
	*rows = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		(*rows)++;
		for (int c = 0; c < sqlite3_column_count(st); c++) {
			const unsigned char *v = sqlite3_column_text(st, c);
			for (const unsigned char *p = v ? v : (const unsigned char *)"<null>"; *p; p++)
				h = (h ^ *p) * UINT64_C(1099511628211);
			h = (h ^ 0x1f) * UINT64_C(1099511628211);
		}
		h = (h ^ 0x1e) * UINT64_C(1099511628211);
	}
	sqlite3_finalize(st);
	return h;
}

static int64_t balance(env *e, const char *acct)
{
	return fx_balance(e->b, acct);
}

/* ---- conventions and amounts ---- */

static void test_interest_names__roundtrip(void **state)
{
	(void)state;
	for (int i = 0; i <= 2; i++) {
		bank_day_count dc;
		FX_OK(bank_day_count_parse(&dc, bank_day_count_name((bank_day_count)i)));
		FX_EQ(dc, i);
	}
	for (int i = 0; i <= 1; i++) {
		bank_balance_method m;
		FX_OK(bank_balance_method_parse(&m, bank_balance_method_name((bank_balance_method)i)));
		FX_EQ(m, i);
	}
	for (int i = 0; i <= 4; i++) {
		bank_period p;
		FX_OK(bank_period_parse(&p, bank_period_name((bank_period)i)));
		FX_EQ(p, i);
	}
	assert_string_equal(bank_day_count_name(BANK_DAY_COUNT_ACT_ACT), "act/act");
	assert_string_equal(bank_period_name(BANK_PERIOD_SEMIANNUAL), "semiannual");
	assert_string_equal(bank_day_count_name((bank_day_count)9), "unknown");
	assert_string_equal(bank_period_name((bank_period)-1), "unknown");
	bank_day_count dc;
	bank_period p;
	bank_balance_method m;
	fx_expect_code(bank_day_count_parse(&dc, "act/364"), BANK_EINVAL, "day count", __FILE__, __LINE__);
	fx_expect_code(bank_day_count_parse(&dc, NULL), BANK_EINVAL, "day count NULL", __FILE__, __LINE__);
	fx_expect_code(bank_period_parse(&p, "weekly"), BANK_EINVAL, "period", __FILE__, __LINE__);
	fx_expect_code(bank_balance_method_parse(&m, "minimum"), BANK_EINVAL, "method", __FILE__, __LINE__);
}

static void test_interest_accrual__format(void **state)
{
	(void)state;
	bank_accrual a = {4, 255312748064};
	char buf[BANK_ACCRUAL_SIZE];
	/* cents: 4.255312748064 cents is 0.04255312748064 USD */
	FX_OK(bank_accrual_format(buf, sizeof buf, a, "USD", -1));
	assert_string_equal(buf, "0.04255312748064");
	FX_OK(bank_accrual_format(buf, sizeof buf, a, "USD", 9));
	assert_string_equal(buf, "0.042553127");
	FX_OK(bank_accrual_format(buf, sizeof buf, a, "USD", 2));
	assert_string_equal(buf, "0.04");
	FX_OK(bank_accrual_format(buf, sizeof buf, a, "USD", 0));
	assert_string_equal(buf, "0");
	/* -0.25 cent = {-1, 0.75e12} */
	bank_accrual n = {-1, 750000000000};
	FX_OK(bank_accrual_format(buf, sizeof buf, n, "USD", 3));
	assert_string_equal(buf, "-0.002"); /* -0.0025 half even */
	FX_OK(bank_accrual_format(buf, sizeof buf, n, "USD", 4));
	assert_string_equal(buf, "-0.0025");
	/* half even at the cent: 0.5 cent -> 0.00, 1.5 cents -> 0.02 */
	bank_accrual h1 = {0, 500000000000}, h2 = {1, 500000000000};
	FX_OK(bank_accrual_format(buf, sizeof buf, h1, "USD", 2));
	assert_string_equal(buf, "0.00");
	FX_OK(bank_accrual_format(buf, sizeof buf, h2, "USD", 2));
	assert_string_equal(buf, "0.02");
	/* JPY has no minor digits */
	bank_accrual y = {1234, 500000000000};
	FX_OK(bank_accrual_format(buf, sizeof buf, y, "JPY", 1));
	assert_string_equal(buf, "1234.5");
	/* refusals */
	fx_expect_code(bank_accrual_format(buf, sizeof buf, a, "XXX1", 2), BANK_EINVAL, "currency", __FILE__, __LINE__);
	fx_expect_code(bank_accrual_format(buf, sizeof buf, a, "USD", 15), BANK_EINVAL, "decimals", __FILE__, __LINE__);
	fx_expect_code(bank_accrual_format(buf, sizeof buf, a, "USD", -2), BANK_EINVAL, "decimals", __FILE__, __LINE__);
	fx_expect_code(bank_accrual_format(buf, 4, a, "USD", 9), BANK_ELIMIT, "small", __FILE__, __LINE__);
	bank_accrual bad = {0, BANK_ACCRUAL_SCALE};
	fx_expect_code(bank_accrual_format(buf, sizeof buf, bad, "USD", 2), BANK_EINVAL, "frac", __FILE__, __LINE__);
}

/* ---- products ---- */

static void test_interest_product__defaults_and_edit(void **state)
{
	(void)state;
	env e;
	env_open(&e, "2026-03-01", 1);
	bank_product_spec s = BANK_PRODUCT_SPEC_INIT;
	s.code = "P";
	s.name = "Plain";
	s.currency = "USD";
	s.rate = 2500000;
	bank_product *p = NULL;
	FX_OK(bank_product_add(&p, e.b, &s));
	FX_EQ(p->day_count, BANK_DAY_COUNT_ACT_365);
	FX_EQ(p->balance_method, BANK_BALANCE_DAILY);
	FX_EQ(p->compounding, BANK_PERIOD_MONTHLY);
	FX_EQ(p->posting, BANK_PERIOD_MONTHLY);
	FX_EQ(p->min_interest_balance, 0);
	FX_EQ(p->rate, 2500000);
	bank_product_free(p);
	/* the rate schedule starts on the day of creation */
	bank_rate_schedule *rs = NULL;
	FX_OK(bank_interest_rates_get(&rs, e.b, "P"));
	FX_EQ(rs->count, 1);
	FX_EQ(rs->entries[0].from, d_of("2026-03-01"));
	FX_EQ(rs->entries[0].rate, 2500000);
	bank_rate_schedule_free(rs);

	FX_OK(bank_product_edit(e.b, "P", "day_count", "act/360"));
	FX_OK(bank_product_edit(e.b, "P", "balance_method", "average"));
	FX_OK(bank_product_edit(e.b, "P", "compounding", "daily"));
	FX_OK(bank_product_edit(e.b, "P", "posting", "quarterly"));
	FX_OK(bank_product_edit(e.b, "P", "min_interest_balance", "250.00"));
	FX_OK(bank_product_get(&p, e.b, "P"));
	FX_EQ(p->day_count, BANK_DAY_COUNT_ACT_360);
	FX_EQ(p->balance_method, BANK_BALANCE_AVERAGE);
	FX_EQ(p->compounding, BANK_PERIOD_DAILY);
	FX_EQ(p->posting, BANK_PERIOD_QUARTERLY);
	FX_EQ(p->min_interest_balance, 25000);
	bank_product_free(p);
	assert_true(fx_audit_find(e.b, 0, "product.edit", "min_interest_balance", "250.00", NULL) > 0);

	/* the "rate" edit adds a schedule entry from today */
	at("2026-03-05", "10:00");
	FX_OK(bank_product_edit(e.b, "P", "rate", "3"));
	FX_OK(bank_interest_rates_get(&rs, e.b, "P"));
	FX_EQ(rs->count, 2);
	FX_EQ(rs->entries[1].from, d_of("2026-03-05"));
	FX_EQ(rs->entries[1].rate, 3000000);
	bank_rate_schedule_free(rs);

	/* bad edits change nothing */
	FX_REFUSE(e.b, BANK_EINVAL, bank_product_edit(e.b, "P", "day_count", "30/360"));
	FX_REFUSE(e.b, BANK_EINVAL, bank_product_edit(e.b, "P", "posting", "daily"));
	FX_REFUSE(e.b, BANK_EINVAL, bank_product_edit(e.b, "P", "compounding", "hourly"));
	FX_REFUSE(e.b, BANK_EINVAL, bank_product_edit(e.b, "P", "balance_method", "minimum"));
	FX_REFUSE(e.b, BANK_EINVAL, bank_product_edit(e.b, "P", "min_interest_balance", "-1"));
	FX_REFUSE(e.b, BANK_EINVAL, bank_product_edit(e.b, "P", "rate", "-5"));
	FX_REFUSE(e.b, BANK_EINVAL, bank_product_edit(e.b, "P", "rate", "1000.000001"));
	env_close(&e);
}

static void test_interest_product__bad_conventions(void **state)
{
	(void)state;
	env e;
	env_open(&e, "2026-03-01", 2);
	bank_product_spec s = BANK_PRODUCT_SPEC_INIT;
	s.code = "P";
	s.name = "Plain";
	s.currency = "USD";
	s.rate = 2500000;
	bank_product_spec t;
	t = s;
	t.day_count = (bank_day_count)3;
	FX_REFUSE(e.b, BANK_EINVAL, bank_product_add(NULL, e.b, &t));
	t = s;
	t.balance_method = (bank_balance_method)-1;
	FX_REFUSE(e.b, BANK_EINVAL, bank_product_add(NULL, e.b, &t));
	t = s;
	t.compounding = (bank_period)5;
	FX_REFUSE(e.b, BANK_EINVAL, bank_product_add(NULL, e.b, &t));
	t = s;
	t.posting = BANK_PERIOD_DAILY;
	FX_REFUSE(e.b, BANK_EINVAL, bank_product_add(NULL, e.b, &t));
	t = s;
	t.min_interest_balance = -1;
	FX_REFUSE(e.b, BANK_EINVAL, bank_product_add(NULL, e.b, &t));
	t = s;
	t.rate = -1;
	FX_REFUSE(e.b, BANK_EINVAL, bank_product_add(NULL, e.b, &t));
	t = s;
	t.rate = BANK_RATE_MAX + 1;
	FX_REFUSE(e.b, BANK_EINVAL, bank_product_add(NULL, e.b, &t));
	env_close(&e);
}

/* ---- goldens ---- */

/* 1,000.00 at 5%, act/365, a 31-day period (March 2026), money in on March 1. */
static void golden_setup(env *e, bank_period compounding, char acct[BANK_ACCOUNT_NUMBER_SIZE])
{
	env_open(e, "2026-03-01", 3);
	product(e, "G", "5", BANK_DAY_COUNT_ACT_365, BANK_BALANCE_DAILY, compounding, BANK_PERIOD_MONTHLY, 0, 0);
	open_account(e, "G", acct);
	at("2026-03-01", "10:00");
	deposit(e, acct, 100000);
}

static void test_interest_golden__first_day(void **state)
{
	(void)state;
	env e;
	char a[BANK_ACCOUNT_NUMBER_SIZE];
	golden_setup(&e, BANK_PERIOD_DAILY, a);
	at("2026-03-02", "08:00");
	run(&e, "2026-03-01");
	bank_interest_table *t = table(&e, a);
	FX_EQ(t->count, 1);
	FX_EQ(t->periods[0].start, d_of("2026-03-01"));
	FX_EQ(t->periods[0].end, d_of("2026-03-31"));
	FX_EQ(t->periods[0].accrued_through, d_of("2026-03-01"));
	FX_EQ(t->periods[0].days, 1);
	assert_string_equal(t->periods[0].rates, "5");
	assert_string_equal(t->periods[0].balance_method, "daily");
	FX_EQ(t->periods[0].balance_basis, 100000);
	FX_EQ(t->periods[0].posted_flag, 0);
	assert_string_equal(t->currency, "USD");
	expect_accrual(t->periods[0].accrued, 9, "0.136986301");
	expect_accrual(t->periods[0].accrued, -1, "0.13698630136986"); /* 1000 * 0.05 / 365, to the picounit */
	bank_interest_table_free(t);
	FX_EQ(balance(&e, a), 100000); /* nothing posted mid-period */
	env_close(&e);
}

static void test_interest_golden__daily_compounding(void **state)
{
	(void)state;
	env e;
	char a[BANK_ACCOUNT_NUMBER_SIZE];
	golden_setup(&e, BANK_PERIOD_DAILY, a);
	at("2026-04-01", "08:00");
	run(&e, "2026-03-31");
	bank_interest_table *t = table(&e, a);
	FX_EQ(t->count, 2); /* March posted, April open and empty */
	const bank_interest_period *p = &t->periods[0];
	FX_EQ(p->days, 31);
	expect_accrual(p->accrued, 9, "4.255312748");
	FX_EQ(p->posted_flag, 1);
	FX_EQ(p->posted, 426);
	expect_accrual(p->carried_out, 9, "-0.004687252");
	char id[64];
	snprintf(id, sizeof id, "int-%s-2026-03-31", a);
	assert_string_equal(p->transfer, id);
	FX_EQ(p->posted_at, t_of("2026-04-01T08:00:00Z"));
	/* the next period starts with the remainder */
	FX_EQ(t->periods[1].start, d_of("2026-04-01"));
	FX_EQ(t->periods[1].end, d_of("2026-04-30"));
	FX_EQ(t->periods[1].days, 0);
	expect_accrual(t->periods[1].carried_in, 9, "-0.004687252");
	bank_interest_table_free(t);
	FX_EQ(balance(&e, a), 100426);

	/* an ordinary ledger transfer of kind interest, from the branch's interest expense */
	bank_transfer *tr = NULL;
	FX_OK(bank_transfer_get(&tr, e.b, id));
	assert_string_equal(tr->kind, "interest");
	FX_EQ(tr->amount, 426);
	assert_string_equal(tr->credit, a);
	bank_account *exp = NULL;
	FX_OK(bank_account_internal(&exp, e.b, "HQ", "USD", BANK_ACCOUNT_INTEREST_EXPENSE));
	assert_string_equal(tr->debit, exp->number);
	FX_EQ(exp->balance, 426);
	bank_account_free(exp);
	bank_transfer_free(tr);
	bank_statement *st = NULL;
	FX_OK(bank_statement_get(&st, e.b, a, 0, 0, 100, NULL));
	FX_EQ(st->count, 2);
	assert_string_equal(st->entries[1].kind, "interest");
	FX_EQ(st->entries[1].amount, 426);
	bank_statement_free(st);
	assert_true(fx_audit_find(e.b, 0, "interest.run", "2026-03-31", NULL) > 0);
	fx_verify_clean(e.b);
	env_close(&e);
}

static void test_interest_golden__compounding_at_posting(void **state)
{
	(void)state;
	env e;
	char a[BANK_ACCOUNT_NUMBER_SIZE];
	golden_setup(&e, BANK_PERIOD_MONTHLY, a);
	at("2026-04-01", "08:00");
	run(&e, "2026-03-31");
	expect_period(&e, a, 0, 31, "4.246575342", 425);
	FX_EQ(balance(&e, a), 100425);
	env_close(&e);
}

/*
 * The Mifos X documentation's worked example ("Interest Calculations for Deposit
 * Products", daily compounding, monthly posting): 5%, actual/365, March 2013.
 */
static void test_interest_golden__mifos_march_2013(void **state)
{
	(void)state;
	env e;
	char a[BANK_ACCOUNT_NUMBER_SIZE];
	env_open(&e, "2013-03-01", 4);
	product(&e, "M", "5", BANK_DAY_COUNT_ACT_365, BANK_BALANCE_DAILY, BANK_PERIOD_DAILY, BANK_PERIOD_MONTHLY, 0, 0);
	open_account(&e, "M", a);
	static const struct {
		const char *day;
		int64_t amount; /* > 0 deposit, < 0 withdrawal */
	} tx[] = {{"2013-03-01", 120000}, {"2013-03-02", -10000}, {"2013-03-10", -40000}, {"2013-03-15", 20000},
		  {"2013-03-16", -90000}, {"2013-03-18", 20000},  {"2013-03-21", 70000},  {"2013-03-31", -10000}};
	for (size_t i = 0; i < sizeof tx / sizeof tx[0]; i++) {
		at(tx[i].day, "11:00");
		if (tx[i].amount > 0)
			deposit(&e, a, tx[i].amount);
		else
			withdraw(&e, a, -tx[i].amount);
	}
	at("2013-04-01", "06:00");
	run(&e, "2013-03-31");
	expect_period(&e, a, 0, 31, "3.404739630", 340);
	FX_EQ(balance(&e, a), 80340);
	env_close(&e);
}

/* ---- day counts, rates, minimums ---- */

static void test_interest_day_count__leap_year(void **state)
{
	(void)state;
	static const struct {
		bank_day_count dc;
		const char *want;
	} cases[] = {{BANK_DAY_COUNT_ACT_ACT, "3.961748634"},
		     {BANK_DAY_COUNT_ACT_365, "3.972602740"},
		     {BANK_DAY_COUNT_ACT_360, "4.027777778"}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		env e;
		char a[BANK_ACCOUNT_NUMBER_SIZE];
		env_open(&e, "2024-02-01", 5);
		product(&e, "L", "5", cases[i].dc, BANK_BALANCE_DAILY, BANK_PERIOD_MONTHLY, BANK_PERIOD_MONTHLY, 0, 0);
		open_account(&e, "L", a);
		at("2024-02-01", "09:00");
		deposit(&e, a, 100000);
		at("2024-03-01", "08:00");
		run(&e, "2024-02-29");
		expect_period(&e, a, 0, 29, cases[i].want, (int64_t)(i == 0 ? 396 : i == 1 ? 397 : 403));
		env_close(&e);
	}
	/* act/act across a year end: 2023 days count 1/365, 2024 days 1/366 */
	env e;
	char a[BANK_ACCOUNT_NUMBER_SIZE];
	env_open(&e, "2023-12-31", 6);
	product(&e, "Y", "10", BANK_DAY_COUNT_ACT_ACT, BANK_BALANCE_DAILY, BANK_PERIOD_ANNUAL, BANK_PERIOD_ANNUAL, 0,
		0);
	open_account(&e, "Y", a);
	at("2023-12-31", "09:00");
	deposit(&e, a, 36600000); /* 366,000.00 */
	at("2024-01-02", "08:00");
	run(&e, "2024-01-01");
	bank_interest_table *t = table(&e, a);
	FX_EQ(t->count, 2);
	/* 366000 * 0.10 / 365 = 100.273972602..., posted 100.27 on Dec 31 */
	expect_accrual(t->periods[0].accrued, 9, "100.273972603");
	FX_EQ(t->periods[0].posted, 10027);
	/* Jan 1 2024 earns on 366,100.27 + the carried 0.003972603 at 10% / 366 */
	expect_accrual(t->periods[1].accrued, 9, "100.031369863");
	bank_interest_table_free(t);
	env_close(&e);
}

static void test_interest_rate__change_mid_period(void **state)
{
	(void)state;
	env e;
	char a[BANK_ACCOUNT_NUMBER_SIZE];
	env_open(&e, "2026-03-01", 7);
	product(&e, "R", "5", BANK_DAY_COUNT_ACT_365, BANK_BALANCE_DAILY, BANK_PERIOD_MONTHLY, BANK_PERIOD_MONTHLY, 0,
		0);
	open_account(&e, "R", a);
	at("2026-03-01", "10:00");
	deposit(&e, a, 100000);
	FX_OK(bank_interest_rate_set(e.b, "R", 4000000, d_of("2026-03-16")));
	assert_true(fx_audit_find(e.b, 0, "product.rate", "2026-03-16", NULL) > 0);
	bank_product *p = NULL;
	FX_OK(bank_product_get(&p, e.b, "R"));
	FX_EQ(p->rate, 5000000); /* in effect today */
	bank_product_free(p);
	at("2026-03-16", "08:00");
	run(&e, "2026-03-15");
	/* a change on an accrued day is refused, nothing changed */
	FX_REFUSE(e.b, BANK_EINVAL, bank_interest_rate_set(e.b, "R", 3000000, d_of("2026-03-15")));
	FX_REFUSE(e.b, BANK_EINVAL, bank_interest_rate_set(e.b, "R", 3000000, d_of("2026-03-01")));
	at("2026-04-01", "08:00");
	run(&e, "2026-03-31");
	FX_OK(bank_product_get(&p, e.b, "R"));
	FX_EQ(p->rate, 4000000);
	bank_product_free(p);
	bank_interest_table *t = table(&e, a);
	expect_accrual(t->periods[0].accrued, 9, "3.808219178");
	assert_string_equal(t->periods[0].rates, "5 from 2026-03-01; 4 from 2026-03-16");
	FX_EQ(t->periods[0].posted, 381);
	bank_interest_table_free(t);
	/* bad rates */
	FX_REFUSE(e.b, BANK_EINVAL, bank_interest_rate_set(e.b, "R", -1, d_of("2026-05-01")));
	FX_REFUSE(e.b, BANK_EINVAL, bank_interest_rate_set(e.b, "R", BANK_RATE_MAX + 1, d_of("2026-05-01")));
	FX_REFUSE(e.b, BANK_ENOTFOUND, bank_interest_rate_set(e.b, "NOPE", 1, d_of("2026-05-01")));
	FX_REFUSE(e.b, BANK_EINVAL, bank_interest_rate_set(e.b, "bad code!", 1, d_of("2026-05-01")));
	env_close(&e);
}

static void test_interest_min_balance__crossing(void **state)
{
	(void)state;
	env e;
	char a[BANK_ACCOUNT_NUMBER_SIZE], o[BANK_ACCOUNT_NUMBER_SIZE];
	env_open(&e, "2026-03-01", 8);
	product(&e, "MIN", "5", BANK_DAY_COUNT_ACT_365, BANK_BALANCE_DAILY, BANK_PERIOD_MONTHLY, BANK_PERIOD_MONTHLY,
		50000, 0);
	product(&e, "OD", "5", BANK_DAY_COUNT_ACT_365, BANK_BALANCE_DAILY, BANK_PERIOD_DAILY, BANK_PERIOD_MONTHLY, 0,
		100000);
	open_account(&e, "MIN", a);
	open_account(&e, "OD", o);
	at("2026-03-01", "10:00");
	deposit(&e, a, 40000); /* 400: below */
	deposit(&e, o, 100000);
	at("2026-03-11", "10:00");
	deposit(&e, a, 20000);   /* 600: earns */
	withdraw(&e, o, 150000); /* -500: earns nothing */
	at("2026-03-21", "10:00");
	withdraw(&e, a, 15000); /* 450: below again */
	deposit(&e, o, 50000);  /* 0: earns nothing of its own */
	at("2026-04-01", "08:00");
	run(&e, "2026-03-31");
	expect_period(&e, a, 0, 31, "0.821917808", 82); /* 600 * 5% * 10 / 365 */
	/* overdraft account: 10 days of 1000 with daily compounding, then nothing while negative;
	 * at zero it earns on the interest compounded before (as in the Mifos example) */
	expect_period(&e, o, 0, 31, "1.372774624", 137);
	env_close(&e);
}

static void test_interest_average__balance_method(void **state)
{
	(void)state;
	env e;
	char d[BANK_ACCOUNT_NUMBER_SIZE], avg[BANK_ACCOUNT_NUMBER_SIZE], dmin[BANK_ACCOUNT_NUMBER_SIZE],
		amin[BANK_ACCOUNT_NUMBER_SIZE], aneg[BANK_ACCOUNT_NUMBER_SIZE];
	env_open(&e, "2026-03-01", 9);
	product(&e, "D", "5", BANK_DAY_COUNT_ACT_365, BANK_BALANCE_DAILY, BANK_PERIOD_MONTHLY, BANK_PERIOD_MONTHLY, 0,
		0);
	product(&e, "A", "5", BANK_DAY_COUNT_ACT_365, BANK_BALANCE_AVERAGE, BANK_PERIOD_MONTHLY, BANK_PERIOD_MONTHLY, 0,
		0);
	product(&e, "DM", "5", BANK_DAY_COUNT_ACT_365, BANK_BALANCE_DAILY, BANK_PERIOD_MONTHLY, BANK_PERIOD_MONTHLY,
		60000, 0);
	product(&e, "AM", "5", BANK_DAY_COUNT_ACT_365, BANK_BALANCE_AVERAGE, BANK_PERIOD_MONTHLY, BANK_PERIOD_MONTHLY,
		60000, 0);
	product(&e, "AN", "5", BANK_DAY_COUNT_ACT_365, BANK_BALANCE_AVERAGE, BANK_PERIOD_MONTHLY, BANK_PERIOD_MONTHLY,
		0, 100000);
	open_account(&e, "D", d);
	open_account(&e, "A", avg);
	open_account(&e, "DM", dmin);
	open_account(&e, "AM", amin);
	open_account(&e, "AN", aneg);
	const char *all[] = {d, avg, dmin, amin};
	at("2026-03-01", "10:00");
	for (int i = 0; i < 4; i++)
		deposit(&e, all[i], 100000);
	deposit(&e, aneg, 100000);
	at("2026-03-11", "10:00");
	for (int i = 0; i < 4; i++)
		withdraw(&e, all[i], 100000);
	withdraw(&e, aneg, 150000); /* -500 for 21 days: average (10000 - 10500) / 31 < 0 */
	at("2026-03-21", "10:00");
	for (int i = 0; i < 4; i++)
		deposit(&e, all[i], 50000);
	at("2026-04-01", "08:00");
	run(&e, "2026-03-31");
	/* balances 1000 x 10, 0 x 10, 500 x 11: average 500 */
	expect_period(&e, d, 0, 31, "2.123287671", 212);
	expect_period(&e, avg, 0, 31, "2.123287671", 212);
	expect_period(&e, dmin, 0, 31, "1.369863014", 137); /* only the days at 1000 reach 600 */
	expect_period(&e, amin, 0, 31, "0.000000000", 0);   /* the average, 500, does not */
	expect_period(&e, aneg, 0, 31, "0.000000000", 0);
	bank_interest_table *t = table(&e, avg);
	FX_EQ(t->periods[0].balance_basis, 50000);
	assert_string_equal(t->periods[0].balance_method, "average");
	assert_true(strncmp(t->periods[0].transfer, "int-", 4) == 0);
	bank_interest_table_free(t);
	env_close(&e);
}

/* ---- accounts' lifecycle ---- */

static void test_interest_account__opened_mid_period(void **state)
{
	(void)state;
	env e;
	char a[BANK_ACCOUNT_NUMBER_SIZE];
	env_open(&e, "2026-03-01", 10);
	product(&e, "G", "5", BANK_DAY_COUNT_ACT_365, BANK_BALANCE_DAILY, BANK_PERIOD_MONTHLY, BANK_PERIOD_MONTHLY, 0,
		0);
	at("2026-03-15", "09:00");
	open_account(&e, "G", a);
	deposit(&e, a, 100000);
	at("2026-03-20", "08:00");
	run(&e, "2026-03-19");
	at("2026-04-01", "08:00");
	run(&e, "2026-03-31");
	bank_interest_table *t = table(&e, a);
	FX_EQ(t->periods[0].start, d_of("2026-03-15"));
	FX_EQ(t->periods[0].end, d_of("2026-03-31"));
	bank_interest_table_free(t);
	expect_period(&e, a, 0, 17, "2.328767123", 233);
	/* an account opened after the run's day is not touched */
	char late[BANK_ACCOUNT_NUMBER_SIZE];
	open_account(&e, "G", late);
	at("2026-04-02", "08:00");
	run(&e, "2026-04-01");
	t = table(&e, late);
	FX_EQ(t->count, 1);
	FX_EQ(t->periods[0].start, d_of("2026-04-01"));
	FX_EQ(t->periods[0].days, 1);
	bank_interest_table_free(t);
	env_close(&e);
}

static void test_interest_account__close(void **state)
{
	(void)state;
	env e;
	char a[BANK_ACCOUNT_NUMBER_SIZE], z[BANK_ACCOUNT_NUMBER_SIZE];
	env_open(&e, "2026-03-01", 11);
	product(&e, "G", "5", BANK_DAY_COUNT_ACT_365, BANK_BALANCE_DAILY, BANK_PERIOD_DAILY, BANK_PERIOD_MONTHLY, 0, 0);
	open_account(&e, "G", a);
	open_account(&e, "G", z);
	at("2026-03-01", "10:00");
	deposit(&e, a, 100000);
	deposit(&e, z, 100000);
	/* z is emptied on day 11: its 10 days of interest are owed but not posted */
	at("2026-03-11", "10:00");
	withdraw(&e, z, 100000);
	at("2026-03-16", "10:00");

	/* closing a funded account fails; the message shows the balance with interest (15 days) */
	FX_REFUSE(e.b, BANK_EINVAL, bank_account_close(e.b, a, "moving away"));
	assert_non_null(strstr(bank_error_last()->message, "1002.06 USD"));
	/* z holds 0.00 but 10 days of interest (1.37) are posted first: refused too */
	FX_REFUSE(e.b, BANK_EINVAL, bank_account_close(e.b, z, "moving away"));
	assert_non_null(strstr(bank_error_last()->message, "1.37 USD"));
	/* the message names the interest and the way out */
	assert_non_null(strstr(bank_error_last()->message, "interest to date of 1.37 included"));
	assert_non_null(strstr(bank_error_last()->message, "bank_interest_settle"));

	/* settle posts it (ending the period yesterday), then emptied, the close works */
	bank_transfer *tr = NULL;
	FX_OK(bank_interest_settle(&tr, e.b, z));
	assert_non_null(tr);
	FX_EQ(tr->amount, 137);
	char id[64];
	snprintf(id, sizeof id, "int-%s-2026-03-15", z);
	assert_string_equal(tr->id, id);
	bank_transfer_free(tr);
	assert_true(fx_audit_find(e.b, 0, "interest.settle", z, NULL) > 0);
	bank_interest_table *t = table(&e, z);
	FX_EQ(t->count, 2);
	FX_EQ(t->periods[0].end, d_of("2026-03-15"));
	FX_EQ(t->periods[0].days, 15);
	FX_EQ(t->periods[1].start, d_of("2026-03-16"));
	bank_interest_table_free(t);
	/* a second settle the same day has nothing to post */
	FX_OK(bank_interest_settle(&tr, e.b, z));
	assert_null(tr);
	withdraw(&e, z, 137);
	FX_OK(bank_account_close(e.b, z, "moving away"));
	t = table(&e, z);
	FX_EQ(t->count, 2);
	FX_EQ(t->periods[1].posted_flag, 1); /* the last period is final */
	FX_EQ(t->periods[1].posted, 0);
	bank_interest_table_free(t);
	/* the open state is gone; posted periods are append-only */
	char sql[160];
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM interest_state WHERE account_id = (SELECT id FROM account WHERE number = '%s')",
		 z);
	FX_EQ(fx_count(e.b, sql), 0);
	assert_int_not_equal(
		sqlite3_exec(fx_sqlite(e.b), "UPDATE interest_period SET posted = posted + 1", NULL, NULL, NULL),
		SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(fx_sqlite(e.b), "DELETE FROM interest_period", NULL, NULL, NULL), SQLITE_OK);

	/* runs skip the closed account; settling it is refused */
	at("2026-04-01", "08:00");
	run(&e, "2026-03-31");
	t = table(&e, z);
	FX_EQ(t->count, 2);
	bank_interest_table_free(t);
	FX_REFUSE(e.b, BANK_ECLOSED, bank_interest_settle(NULL, e.b, z));
	FX_EQ(balance(&e, z), 0);
	fx_verify_clean(e.b);
	env_close(&e);
}

static void test_interest_account__frozen_still_paid(void **state)
{
	(void)state;
	env e;
	char a[BANK_ACCOUNT_NUMBER_SIZE];
	golden_setup(&e, BANK_PERIOD_DAILY, a);
	FX_OK(bank_account_freeze(e.b, a, BANK_FREEZE_BOTH));
	at("2026-04-01", "08:00");
	run(&e, "2026-03-31");
	FX_EQ(balance(&e, a), 100426);
	env_close(&e);
}

/* ---- runs ---- */

/* One setup, two ways of running a year: daily runs, or one run at the end. */
static void year_setup(env *e, char a[BANK_ACCOUNT_NUMBER_SIZE], char v[BANK_ACCOUNT_NUMBER_SIZE],
		       char q[BANK_ACCOUNT_NUMBER_SIZE])
{
	env_open(e, "2025-01-01", 12);
	product(e, "DQ", "4.75", BANK_DAY_COUNT_ACT_ACT, BANK_BALANCE_DAILY, BANK_PERIOD_DAILY, BANK_PERIOD_QUARTERLY,
		20000, 0);
	product(e, "AM", "3.125", BANK_DAY_COUNT_ACT_360, BANK_BALANCE_AVERAGE, BANK_PERIOD_MONTHLY,
		BANK_PERIOD_MONTHLY, 0, 0);
	product(e, "MM", "6", BANK_DAY_COUNT_ACT_365, BANK_BALANCE_DAILY, BANK_PERIOD_MONTHLY, BANK_PERIOD_MONTHLY, 0,
		0);
	open_account(e, "DQ", a);
	open_account(e, "AM", v);
	open_account(e, "MM", q);
}

static void year_activity(env *e, int day, const char *a, const char *v, const char *q)
{
	if (day == 0) {
		deposit(e, a, 100000);
		deposit(e, v, 250000);
		deposit(e, q, 1000000);
		return;
	}
	if (day % 7 == 0)
		deposit(e, a, 1000 + (day * 37) % 5000);
	if (day % 11 == 0)
		withdraw(e, a, 2500);
	if (day % 13 == 0)
		withdraw(e, v, 10000);
	if (day % 17 == 0)
		deposit(e, v, 7000 + day);
	if (day == 40)
		withdraw(e, a, 90000); /* below the 200.00 minimum for a while */
	if (day == 70)
		deposit(e, a, 120000);
	if (day == 200)
		FX_OK(bank_interest_rate_set(e->b, "DQ", 5250000, d_of("2025-09-01")));
}

static void day_text(int day, char out[16])
{
	FX_OK(bank_date_format(out, 16, d_of("2025-01-01") + day));
}

static void test_interest_run__year_once_equals_daily(void **state)
{
	(void)state;
	env daily, once;
	char a1[BANK_ACCOUNT_NUMBER_SIZE], v1[BANK_ACCOUNT_NUMBER_SIZE], q1[BANK_ACCOUNT_NUMBER_SIZE];
	char a2[BANK_ACCOUNT_NUMBER_SIZE], v2[BANK_ACCOUNT_NUMBER_SIZE], q2[BANK_ACCOUNT_NUMBER_SIZE];
	year_setup(&daily, a1, v1, q1);
	bank_close(daily.b);
	year_setup(&once, a2, v2, q2);
	bank_close(once.b);
	/* the same seed gives the same numbers; reopen both and play the year */
	year_setup(&daily, a1, v1, q1);
	char d[16], prev[16];
	for (int day = 0; day < 365; day++) {
		day_text(day, d);
		if (day > 0) {
			at(d, "08:00");
			run(&daily, prev);
		}
		at(d, "12:00");
		year_activity(&daily, day, a1, v1, q1);
		memcpy(prev, d, sizeof prev);
	}
	at("2026-01-01", "08:00");
	run(&daily, "2025-12-31");

	year_setup(&once, a2, v2, q2);
	assert_string_equal(a1, a2);
	for (int day = 0; day < 365; day++) {
		day_text(day, d);
		at(d, "12:00");
		year_activity(&once, day, a2, v2, q2);
	}
	at("2026-01-01", "08:00");
	bank_interest_run_result r;
	FX_OK(bank_interest_run(&r, once.b, d_of("2025-12-31")));
	FX_EQ(r.accounts, 3);
	FX_EQ(r.days, 3 * 365);
	FX_EQ(r.postings, 4 + 12 + 12);

	const char *accts[] = {a1, v1, q1};
	for (int i = 0; i < 3; i++) {
		FX_EQ(balance(&daily, accts[i]), balance(&once, accts[i]));
		int64_t n1, n2;
		const char *sql =
			"SELECT p.period_start, p.period_end, p.days, p.rates, p.balance_sum, p.basis_sum,"
			" p.rate_factor, p.carry_in, p.accrued, p.compounded, p.posted, p.carry_out, p.transfer_id"
			" FROM interest_period p ORDER BY p.account_id, p.period_start";
		uint64_t h1 = query_hash(daily.b, sql, &n1), h2 = query_hash(once.b, sql, &n2);
		FX_EQ(n1, n2);
		assert_true(h1 == h2);
		const char *open_sql = "SELECT account_id, period_start, period_end, accrued_through, days, rates,"
				       " last_rate, balance_sum, basis_sum, rate_factor, carry_in, accrued, compounded"
				       " FROM interest_state ORDER BY account_id";
		h1 = query_hash(daily.b, open_sql, &n1);
		h2 = query_hash(once.b, open_sql, &n2);
		FX_EQ(n1, 3);
		FX_EQ(n2, 3);
		assert_true(h1 == h2);
	}
	bank_interest_table *t = table(&once, a1);
	FX_EQ(t->count, 5); /* four quarters and the open one */
	assert_string_equal(t->periods[2].rates, "4.75 from 2025-07-01; 5.25 from 2025-09-01");
	bank_interest_table_free(t);
	fx_verify_clean(daily.b);
	fx_verify_clean(once.b);
	env_close(&daily);
	env_close(&once);
}

static void killed_setup(env *e)
{
	env_open(e, "2026-01-01", 13);
	product(e, "K", "5", BANK_DAY_COUNT_ACT_365, BANK_BALANCE_DAILY, BANK_PERIOD_DAILY, BANK_PERIOD_MONTHLY, 0, 0);
	at("2026-01-05", "10:00");
	for (int i = 0; i < 7; i++) {
		char a[BANK_ACCOUNT_NUMBER_SIZE];
		open_account(e, "K", a);
		deposit(e, a, 10000 * (i + 1));
	}
	at("2026-03-01", "07:00");
}

static uint64_t state_hash(bank *b)
{
	int64_t n;
	uint64_t h =
		query_hash(b,
			   "SELECT id, kind, debit_id, credit_id, amount, debit_balance, credit_balance, created_at"
			   " FROM transfer ORDER BY seq",
			   &n);
	h ^= query_hash(b, "SELECT * FROM interest_period ORDER BY id", &n) * 3;
	h ^= query_hash(b, "SELECT * FROM interest_state ORDER BY account_id", &n) * 11;
	h ^= query_hash(b, "SELECT id, number, balance, last_activity_at FROM account ORDER BY id", &n) * 5;
	h ^= query_hash(b, "SELECT as_of, accounts, days, postings, finished_at IS NOT NULL FROM interest_run", &n) * 7;
	return h;
}

static void test_interest_run__killed_and_resumed(void **state)
{
	(void)state;
	env whole, killed;
	killed_setup(&whole);
	bank__interest_test_batch = 2;
	bank_interest_run_result r;
	FX_OK(bank_interest_run(&r, whole.b, d_of("2026-02-28")));
	FX_EQ(r.transactions, 4);
	FX_EQ(r.accounts, 7);
	FX_EQ(r.postings, 14);
	uint64_t want = state_hash(whole.b);

	/* running it again changes nothing at all */
	FX_OK(bank_interest_run(&r, whole.b, d_of("2026-02-28")));
	FX_EQ(r.accounts, 0);
	fx_snap *s = fx_snap_new(whole.b);
	FX_OK(bank_interest_run(&r, whole.b, d_of("2026-02-28")));
	fx_snap_check(s, whole.b, "second run", __FILE__, __LINE__);
	fx_snap_free(s);
	env_close(&whole);

	killed_setup(&killed);
	bank__interest_test_batch = 2;
	bank__interest_test_stop_after = 2;
	fx_expect_code(bank_interest_run(&r, killed.b, d_of("2026-02-28")), BANK_EIO, "killed run", __FILE__, __LINE__);
	FX_EQ(r.transactions, 2);
	FX_EQ(r.accounts, 4);
	assert_true(state_hash(killed.b) != want);
	FX_EQ(fx_count(killed.b, "SELECT count(*) FROM interest_run WHERE finished_at IS NULL"), 1);
	/* a run date before the unfinished one is refused too */
	FX_REFUSE(killed.b, BANK_EINVAL, bank_interest_run(NULL, killed.b, d_of("2026-02-27")));
	bank__interest_test_stop_after = 0;
	FX_OK(bank_interest_run(&r, killed.b, d_of("2026-02-28")));
	FX_EQ(r.accounts, 3);
	assert_true(state_hash(killed.b) == want);
	fx_verify_clean(killed.b);
	env_close(&killed);
}

static void test_interest_run__bad_dates(void **state)
{
	(void)state;
	env e;
	char a[BANK_ACCOUNT_NUMBER_SIZE];
	golden_setup(&e, BANK_PERIOD_DAILY, a);
	at("2026-03-10", "08:00");
	bank_date last;
	FX_REFUSE(e.b, BANK_ENOTFOUND, bank_interest_last_run(&last, e.b));
	/* today and the future are not over */
	FX_REFUSE(e.b, BANK_EINVAL, bank_interest_run(NULL, e.b, d_of("2026-03-10")));
	FX_REFUSE(e.b, BANK_EINVAL, bank_interest_run(NULL, e.b, d_of("2026-04-10")));
	run(&e, "2026-03-05");
	FX_OK(bank_interest_last_run(&last, e.b));
	FX_EQ(last, d_of("2026-03-05"));
	/* a date before the last run: refused, nothing changed */
	FX_REFUSE(e.b, BANK_EINVAL, bank_interest_run(NULL, e.b, d_of("2026-03-04")));
	assert_non_null(strstr(bank_error_last()->message, "2026-03-05"));
	/* the same date again: nothing to do */
	fx_snap *s = fx_snap_new(e.b);
	run(&e, "2026-03-05");
	fx_snap_check(s, e.b, "rerun", __FILE__, __LINE__);
	fx_snap_free(s);
	run(&e, "2026-03-09");
	expect_period(&e, a, 0, 9, "1.233552477", 0);
	/* other refusals */
	bank_interest_table *t = NULL;
	FX_REFUSE(e.b, BANK_EINVAL, bank_interest_table_get(&t, e.b, "123456789012"));
	assert_null(t);
	bank_accrual acc;
	FX_REFUSE(e.b, BANK_EINVAL, bank_interest_project(&acc, e.b, a, 0));
	FX_REFUSE(e.b, BANK_EINVAL, bank_interest_project(&acc, e.b, a, BANK_PROJECTION_DAYS_MAX + 1));
	bank_account *cash = NULL;
	FX_OK(bank_account_internal(&cash, e.b, "HQ", "USD", BANK_ACCOUNT_CASH));
	FX_REFUSE(e.b, BANK_EINVAL, bank_interest_settle(NULL, e.b, cash->number));
	FX_REFUSE(e.b, BANK_EINVAL, bank_interest_project(&acc, e.b, cash->number, 10));
	bank_account_free(cash);
	char missing[BANK_ACCOUNT_NUMBER_SIZE];
	fx_number_make(1111111111, missing);
	FX_REFUSE(e.b, BANK_ENOTFOUND, bank_interest_settle(NULL, e.b, missing));
	FX_REFUSE(e.b, BANK_ENOTFOUND, bank_interest_table_get(&t, e.b, missing));
	bank_apy apy;
	FX_REFUSE(e.b, BANK_ENOTFOUND, bank_interest_apy(&apy, e.b, "NOPE"));
	FX_REFUSE(e.b, BANK_ENOTFOUND, bank_interest_apy_earned(&apy, e.b, a, d_of("2026-05-01")));
	FX_REFUSE(e.b, BANK_ENOTFOUND, bank_interest_apy_earned(&apy, e.b, a, d_of("2026-02-01")));
	env_close(&e);
}

/* A bank without accounts: the run still records (and audits) its date. */
static void test_interest_run__empty_bank(void **state)
{
	(void)state;
	env e;
	env_open(&e, "2026-03-01", 15);
	at("2026-03-10", "08:00");
	int64_t before = fx_audit_last_seq(e.b);
	bank_interest_run_result r;
	FX_OK(bank_interest_run(&r, e.b, d_of("2026-03-05")));
	FX_EQ(r.accounts, 0);
	FX_EQ(r.transactions, 1);
	assert_true(fx_audit_find(e.b, before, "interest.run", "2026-03-05", NULL) > 0);
	FX_REFUSE(e.b, BANK_EINVAL, bank_interest_run(NULL, e.b, d_of("2026-03-04")));
	fx_snap *s = fx_snap_new(e.b);
	FX_OK(bank_interest_run(&r, e.b, d_of("2026-03-05")));
	fx_snap_check(s, e.b, "rerun", __FILE__, __LINE__);
	fx_snap_free(s);
	env_close(&e);
}

/* A run for March 31 made late (April 5) and one for April: as if made on time. */
static void test_interest_run__late_run_value_dated(void **state)
{
	(void)state;
	env ontime, late;
	char a1[BANK_ACCOUNT_NUMBER_SIZE], a2[BANK_ACCOUNT_NUMBER_SIZE];
	golden_setup(&ontime, BANK_PERIOD_DAILY, a1);
	at("2026-04-01", "08:00");
	run(&ontime, "2026-03-31");
	at("2026-05-01", "08:00");
	run(&ontime, "2026-04-30");
	golden_setup(&late, BANK_PERIOD_DAILY, a2);
	at("2026-04-05", "08:00");
	run(&late, "2026-03-31");
	at("2026-05-01", "08:00");
	run(&late, "2026-04-30");
	bank_interest_table *t1 = table(&ontime, a1), *t2 = table(&late, a2);
	FX_EQ(t1->count, 3);
	FX_EQ(t2->count, 3);
	FX_EQ(t1->periods[1].posted, t2->periods[1].posted);
	FX_EQ(t1->periods[1].accrued.units, t2->periods[1].accrued.units);
	FX_EQ(t1->periods[1].accrued.frac, t2->periods[1].accrued.frac);
	/* April earns on 1004.26 from April 1 */
	FX_EQ(t1->periods[1].balance_basis, 100426);
	FX_EQ(t2->periods[1].balance_basis, 100426);
	bank_interest_table_free(t1);
	bank_interest_table_free(t2);
	env_close(&ontime);
	env_close(&late);
}

/* ---- limits ---- */

/* A balance near the 64-bit range at 1000%: exact past 64 bits, then limit_exceeded. */
static void test_interest_limits__absurd_amounts(void **state)
{
	(void)state;
	env e;
	char a[BANK_ACCOUNT_NUMBER_SIZE];
	env_open(&e, "2026-03-01", 16);
	product(&e, "MAX", "1000", BANK_DAY_COUNT_ACT_365, BANK_BALANCE_DAILY, BANK_PERIOD_DAILY, BANK_PERIOD_MONTHLY,
		0, 0);
	open_account(&e, "MAX", a);
	at("2026-03-01", "10:00");
	const int64_t big = INT64_C(8000000000000000000);
	deposit(&e, a, big);
	at("2026-03-02", "08:00");
	run(&e, "2026-03-01");
	/* one day: big * 10 / 365 minor units, in picounits past 2^63: stored as text */
	bank__i128 want = (bank__i128)big * BANK_ACCRUAL_SCALE * 10;
	bank__i128 q = want / 365, r = want % 365;
	if (r * 2 > 365)
		q++;
	bank_interest_table *t = table(&e, a);
	FX_EQ(t->periods[0].accrued.units, (int64_t)(q / BANK_ACCRUAL_SCALE));
	FX_EQ(t->periods[0].accrued.frac, (int64_t)(q % BANK_ACCRUAL_SCALE));
	bank_interest_table_free(t);
	FX_EQ(fx_count(e.b, "SELECT count(*) FROM interest_state WHERE typeof(accrued) = 'text'"), 1);
	/* a month of it cannot be posted: refused, nothing changed (the batch rolled back) */
	at("2026-04-01", "08:00");
	FX_REFUSE(e.b, BANK_ELIMIT, bank_interest_run(NULL, e.b, d_of("2026-03-31")));
	assert_non_null(strstr(bank_error_last()->message, a));
	bank_accrual p;
	FX_REFUSE(e.b, BANK_ELIMIT, bank_interest_project(&p, e.b, a, 60));
	env_close(&e);
}

/* ---- projection and APY ---- */

static void test_interest_projection__golden(void **state)
{
	(void)state;
	env e;
	char a[BANK_ACCOUNT_NUMBER_SIZE];
	golden_setup(&e, BANK_PERIOD_DAILY, a);
	bank_accrual p;
	FX_OK(bank_interest_project(&p, e.b, a, 1));
	expect_accrual(p, 9, "0.136986301");
	FX_OK(bank_interest_project(&p, e.b, a, 31));
	expect_accrual(p, 9, "4.255312748");
	/* a projection writes nothing */
	fx_snap *s = fx_snap_new(e.b);
	FX_OK(bank_interest_project(&p, e.b, a, 365));
	fx_snap_check(s, e.b, "projection", __FILE__, __LINE__);
	fx_snap_free(s);
	/* a year with daily compounding and monthly posting: just under (1+r/365)^365 - 1 */
	char buf[BANK_ACCRUAL_SIZE];
	FX_OK(bank_accrual_format(buf, sizeof buf, p, "USD", 2));
	assert_string_equal(buf, "51.27");
	env_close(&e);
}

static void test_interest_apy__reg_dd(void **state)
{
	(void)state;
	env e;
	char a[BANK_ACCOUNT_NUMBER_SIZE];
	golden_setup(&e, BANK_PERIOD_DAILY, a);
	product(&e, "SIX", "6", BANK_DAY_COUNT_ACT_365, BANK_BALANCE_DAILY, BANK_PERIOD_MONTHLY, BANK_PERIOD_MONTHLY, 0,
		0);
	product(&e, "SIXQ", "6", BANK_DAY_COUNT_ACT_365, BANK_BALANCE_DAILY, BANK_PERIOD_ANNUAL, BANK_PERIOD_QUARTERLY,
		0, 0);
	product(&e, "ZERO", "0", BANK_DAY_COUNT_ACT_365, BANK_BALANCE_DAILY, BANK_PERIOD_MONTHLY, BANK_PERIOD_MONTHLY,
		0, 0);
	bank_apy apy;
	FX_OK(bank_interest_apy(&apy, e.b, "SIX"));
	assert_string_equal(apy.text, "6.17");
	FX_EQ(apy.hundredths, 617);
	FX_OK(bank_interest_apy(&apy, e.b, "SIXQ")); /* posting quarterly compounds quarterly */
	assert_string_equal(apy.text, "6.14");
	FX_OK(bank_interest_apy(&apy, e.b, "G")); /* 5% daily */
	assert_string_equal(apy.text, "5.13");
	FX_OK(bank_interest_apy(&apy, e.b, "ZERO"));
	assert_string_equal(apy.text, "0.00");
	/* APY earned over March: 4.26 on an average 1000.00 over 31 days */
	at("2026-04-01", "08:00");
	run(&e, "2026-03-31");
	FX_OK(bank_interest_apy_earned(&apy, e.b, a, d_of("2026-03-15")));
	assert_string_equal(apy.text, "5.13");
	FX_EQ(apy.hundredths, 513);
	env_close(&e);
}

/* A client that took the interest posting's id first does not stop the run: ".2" is used. */
static void test_interest_run__id_taken_by_client(void **state)
{
	(void)state;
	env e;
	char a[BANK_ACCOUNT_NUMBER_SIZE];
	golden_setup(&e, BANK_PERIOD_DAILY, a);
	char id[64], id2[72];
	snprintf(id, sizeof id, "int-%s-2026-03-31", a);
	snprintf(id2, sizeof id2, "%s.2", id);
	FX_OK(bank_deposit(NULL, e.b, a, 1, id, "a client's own id"));
	at("2026-04-01", "08:00");
	run(&e, "2026-03-31");
	bank_interest_table *t = table(&e, a);
	assert_string_equal(t->periods[0].transfer, id2);
	FX_EQ(t->periods[0].posted, 426);
	bank_interest_table_free(t);
	bank_transfer *tr = NULL;
	FX_OK(bank_transfer_get(&tr, e.b, id2));
	assert_string_equal(tr->kind, "interest");
	FX_EQ(tr->amount, 426);
	bank_transfer_free(tr);
	FX_OK(bank_transfer_get(&tr, e.b, id));
	assert_string_equal(tr->kind, "deposit");
	bank_transfer_free(tr);
	fx_verify_clean(e.b);
	env_close(&e);
}

/* ---- migration ---- */

/* A version-1 database with a product migrates: conventions default, the rate is scheduled. */
static void test_interest_schema__migrates_v1(void **state)
{
	(void)state;
	char dir[128], path[192];
	fx_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/v1.db", dir);
	at("2026-03-01", "08:00");
	bank *b = fx_open_bare(path, 14);
	bank_close(b);
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	const char *down = FX_DOWNGRADE_V3
		" DROP TABLE interest_run; DROP TRIGGER interest_period_append_only_u;"
		" DROP TRIGGER interest_period_append_only_d; DROP TABLE interest_period;"
		" DROP TABLE interest_state; DROP TABLE product_rate;"
		" ALTER TABLE product DROP COLUMN day_count; ALTER TABLE product DROP COLUMN balance_method;"
		" ALTER TABLE product DROP COLUMN compounding; ALTER TABLE product DROP COLUMN posting;"
		" ALTER TABLE product DROP COLUMN min_interest_balance;"
		" INSERT INTO product(code, name, kind, currency, min_balance, rate, overdraft, created_at,"
		" updated_at) VALUES ('OLD', 'Old', 'savings', 'USD', 0, 1500000, 0, 1767225600000000,"
		" 1767225600000000); PRAGMA user_version = 1;";
	char *err = NULL;
	if (sqlite3_exec(db, down, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("downgrade: %s", err);
	sqlite3_close(db);
	b = fx_open_bare(path, 14);
	bank_product *p = NULL;
	FX_OK(bank_product_get(&p, b, "OLD"));
	FX_EQ(p->rate, 1500000);
	FX_EQ(p->day_count, BANK_DAY_COUNT_ACT_365);
	FX_EQ(p->posting, BANK_PERIOD_MONTHLY);
	bank_product_free(p);
	bank_rate_schedule *rs = NULL;
	FX_OK(bank_interest_rates_get(&rs, b, "OLD"));
	FX_EQ(rs->count, 1);
	FX_EQ(rs->entries[0].from, d_of("2026-01-01"));
	bank_rate_schedule_free(rs);
	FX_EQ(fx_count(b, "PRAGMA user_version"), bank_schema_version());
	bank_close(b);
	fx_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interest_names__roundtrip),
		cmocka_unit_test(test_interest_accrual__format),
		cmocka_unit_test(test_interest_product__defaults_and_edit),
		cmocka_unit_test(test_interest_product__bad_conventions),
		cmocka_unit_test(test_interest_golden__first_day),
		cmocka_unit_test(test_interest_golden__daily_compounding),
		cmocka_unit_test(test_interest_golden__compounding_at_posting),
		cmocka_unit_test(test_interest_golden__mifos_march_2013),
		cmocka_unit_test(test_interest_day_count__leap_year),
		cmocka_unit_test(test_interest_rate__change_mid_period),
		cmocka_unit_test(test_interest_min_balance__crossing),
		cmocka_unit_test(test_interest_average__balance_method),
		cmocka_unit_test(test_interest_account__opened_mid_period),
		cmocka_unit_test(test_interest_account__close),
		cmocka_unit_test(test_interest_account__frozen_still_paid),
		cmocka_unit_test(test_interest_run__year_once_equals_daily),
		cmocka_unit_test(test_interest_run__killed_and_resumed),
		cmocka_unit_test(test_interest_run__bad_dates),
		cmocka_unit_test(test_interest_run__id_taken_by_client),
		cmocka_unit_test(test_interest_run__empty_bank),
		cmocka_unit_test(test_interest_run__late_run_value_dated),
		cmocka_unit_test(test_interest_limits__absurd_amounts),
		cmocka_unit_test(test_interest_projection__golden),
		cmocka_unit_test(test_interest_apy__reg_dd),
		cmocka_unit_test(test_interest_schema__migrates_v1),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
