/*
 * test_report.c: balances, balance as of a time, statements and their pagination, the
 * trial balance, the audit trail and the seed-shaped SQL views
 * (include/bank/report.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "fixture.h"

static int64_t balance_at(bank *b, const char *account, bank_time at)
{
	int64_t v = -777;
	FX_OK(bank_balance_at(&v, b, account, at));
	return v;
}

/* ---- balances ---- */

static void test_report_balance__formula(void **state)
{
	fx *f = *state;
	bank_balance bal;
	memset(&bal, 0, sizeof bal);
	FX_OK(bank_balance_get(&bal, f->b, f->a1));
	assert_string_equal(bal.account, f->a1);
	assert_string_equal(bal.currency, "USD");
	FX_EQ(bal.balance, FX_A1_FUNDS);
	FX_EQ(bal.pending, 0);
	FX_EQ(bal.available, FX_A1_FUNDS);

	FX_OK(bank_hold(NULL, f->b, f->a1, NULL, 1234, 0, "h", NULL));
	FX_OK(bank_balance_get(&bal, f->b, f->a1));
	FX_EQ(bal.pending, 1234);
	FX_EQ(bal.available, FX_A1_FUNDS - 1234);

	/* minimum balance */
	fx_product(f->b, "MIN", "USD", BANK_PRODUCT_SAVINGS, 1000, 0);
	char m[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(f->b, f->customer, "MIN", m);
	fx_deposit(f->b, m, 5000);
	FX_OK(bank_hold(NULL, f->b, m, NULL, 500, 0, NULL, NULL));
	FX_OK(bank_balance_get(&bal, f->b, m));
	FX_EQ(bal.balance, 5000);
	FX_EQ(bal.pending, 500);
	FX_EQ(bal.available, 5000 - 500 - 1000);

	/* overdraft */
	fx_product(f->b, "OD", "USD", BANK_PRODUCT_CURRENT, 0, 5000);
	char o[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(f->b, f->customer, "OD", o);
	FX_OK(bank_withdraw(NULL, f->b, o, 2000, NULL, NULL));
	FX_OK(bank_hold(NULL, f->b, o, NULL, 1000, 0, NULL, NULL));
	FX_OK(bank_balance_get(&bal, f->b, o));
	FX_EQ(bal.balance, -2000);
	FX_EQ(bal.pending, 1000);
	FX_EQ(bal.available, -2000 - 1000 + 5000);

	/* the account record agrees */
	bank_account *a = NULL;
	FX_OK(bank_account_get(&a, f->b, o));
	FX_EQ(a->balance, -2000);
	FX_EQ(a->pending, 1000);
	FX_EQ(a->available, 2000);
	bank_account_free(a);

	/* internal accounts: available is the balance */
	FX_OK(bank_balance_get(&bal, f->b, f->cash));
	FX_EQ(bal.balance, FX_A1_FUNDS + FX_A2_FUNDS + 5000 - 2000);
	FX_EQ(bal.available, bal.balance);
}

static void test_report_balance__refusals(void **state)
{
	fx *f = *state;
	char unknown[BANK_ACCOUNT_NUMBER_SIZE], mistyped[BANK_ACCOUNT_NUMBER_SIZE];
	fx_number_make(8888888888ull, unknown);
	memcpy(mistyped, f->a1, sizeof mistyped);
	mistyped[0] = mistyped[0] == '9' ? '0' : (char)(mistyped[0] + 1);
	bank_balance bal;
	int64_t v = 0;
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_balance_get(&bal, f->b, unknown));
	FX_REFUSE(f->b, BANK_EINVAL, bank_balance_get(&bal, f->b, mistyped));
	FX_REFUSE(f->b, BANK_EINVAL, bank_balance_get(&bal, f->b, ""));
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_balance_at(&v, f->b, unknown, fx_now));
	FX_REFUSE(f->b, BANK_EINVAL, bank_balance_at(&v, f->b, mistyped, fx_now));
}

static void test_report_balance_at__clock(void **state)
{
	fx *f = *state;
	/* fixture: a1 funded at FX_T0; now FX_T0 + 60 s */
	const bank_time t1 = fx_now;
	FX_OK(bank_deposit(NULL, f->b, f->a1, 200, "at-1", NULL));
	fx_advance(60);
	const bank_time t2 = fx_now;
	FX_OK(bank_withdraw(NULL, f->b, f->a1, 50, "at-2", NULL));
	fx_advance(3600);
	FX_OK(bank_transfer_post(NULL, f->b, f->a2, f->a1, 7, "at-3", NULL));
	const bank_time t3 = fx_now;

	FX_EQ(balance_at(f->b, f->a1, 0), 0);
	FX_EQ(balance_at(f->b, f->a1, FX_T0 - 1), 0);
	FX_EQ(balance_at(f->b, f->a1, FX_T0), 0); /* postings at the instant are excluded */
	FX_EQ(balance_at(f->b, f->a1, FX_T0 + 1), FX_A1_FUNDS);
	FX_EQ(balance_at(f->b, f->a1, t1), FX_A1_FUNDS);
	FX_EQ(balance_at(f->b, f->a1, t1 + 1), FX_A1_FUNDS + 200);
	FX_EQ(balance_at(f->b, f->a1, t2), FX_A1_FUNDS + 200);
	FX_EQ(balance_at(f->b, f->a1, t2 + 1), FX_A1_FUNDS + 150);
	FX_EQ(balance_at(f->b, f->a1, t3), FX_A1_FUNDS + 150);
	FX_EQ(balance_at(f->b, f->a1, t3 + 1), FX_A1_FUNDS + 157);
	FX_EQ(balance_at(f->b, f->a1, t3 + 365 * FX_DAY), FX_A1_FUNDS + 157);
	FX_EQ(balance_at(f->b, f->a2, t3), FX_A2_FUNDS);
	FX_EQ(balance_at(f->b, f->a2, t3 + 1), FX_A2_FUNDS - 7);
	/* the vault too (debit-normal) */
	FX_EQ(balance_at(f->b, f->cash, FX_T0 + 1), FX_A1_FUNDS + FX_A2_FUNDS);
	FX_EQ(balance_at(f->b, f->cash, t2 + 1), FX_A1_FUNDS + FX_A2_FUNDS + 150);
}

static void test_report_balance_at__holds_excluded(void **state)
{
	fx *f = *state;
	const bank_time t1 = fx_now;
	FX_OK(bank_hold(NULL, f->b, f->a1, NULL, 999, 0, "h", NULL));
	fx_advance(10);
	FX_EQ(balance_at(f->b, f->a1, fx_now), FX_A1_FUNDS);
	FX_OK(bank_hold_post(NULL, f->b, "h", 0, "hp"));
	const bank_time t2 = fx_now;
	fx_advance(10);
	FX_EQ(balance_at(f->b, f->a1, t1 + 1), FX_A1_FUNDS);
	FX_EQ(balance_at(f->b, f->a1, t2), FX_A1_FUNDS);
	FX_EQ(balance_at(f->b, f->a1, t2 + 1), FX_A1_FUNDS - 999);
}

/* ---- statements ---- */

static void test_report_statement__whole(void **state)
{
	fx *f = *state;
	FX_OK(bank_deposit(NULL, f->b, f->a1, 200, "s-dep", "salary"));
	fx_advance(60);
	FX_OK(bank_transfer_post(NULL, f->b, f->a1, f->a2, 300, "s-tr", "rent"));
	fx_advance(60);
	FX_OK(bank_reverse(NULL, f->b, "s-tr", "s-rev"));
	const bank_time last = fx_now;

	bank_statement *s = NULL;
	FX_OK(bank_statement_get(&s, f->b, f->a1, 0, 0, 0, NULL));
	assert_string_equal(s->account, f->a1);
	assert_string_equal(s->currency, "USD");
	FX_EQ(s->opening_balance, 0);
	FX_EQ(s->closing_balance, FX_A1_FUNDS + 200);
	assert_int_equal(s->count, 4);
	assert_null(s->next);

	const bank_statement_entry *e = s->entries;
	assert_string_equal(e[0].id, "fx-fund-1");
	assert_string_equal(e[0].kind, "deposit");
	FX_EQ(e[0].amount, FX_A1_FUNDS);
	FX_EQ(e[0].balance_after, FX_A1_FUNDS);
	assert_string_equal(e[0].counterparty, f->cash);
	assert_string_equal(e[0].memo, "opening deposit");
	assert_string_equal(e[0].ref, "");
	FX_EQ(e[0].at, FX_T0);

	assert_string_equal(e[1].id, "s-dep");
	FX_EQ(e[1].amount, 200);
	assert_string_equal(e[1].memo, "salary");

	assert_string_equal(e[2].id, "s-tr");
	assert_string_equal(e[2].kind, "transfer");
	FX_EQ(e[2].amount, -300); /* lowers a1 */
	FX_EQ(e[2].balance_after, FX_A1_FUNDS - 100);
	assert_string_equal(e[2].counterparty, f->a2);

	assert_string_equal(e[3].id, "s-rev");
	assert_string_equal(e[3].kind, "reversal");
	FX_EQ(e[3].amount, 300);
	FX_EQ(e[3].balance_after, FX_A1_FUNDS + 200);
	assert_string_equal(e[3].ref, "s-tr");
	assert_string_equal(e[3].counterparty, f->a2);
	FX_EQ(e[3].at, last);
	for (size_t i = 1; i < s->count; i++) {
		assert_true(e[i - 1].seq < e[i].seq);
		assert_true(e[i - 1].at <= e[i].at);
	}
	bank_statement_free(s);
	bank_statement_free(NULL);

	/* the other side sees the mirror image */
	FX_OK(bank_statement_get(&s, f->b, f->a2, 0, 0, 0, NULL));
	assert_int_equal(s->count, 3);
	FX_EQ(s->entries[1].amount, 300);
	FX_EQ(s->entries[2].amount, -300);
	assert_string_equal(s->entries[2].counterparty, f->a1);
	bank_statement_free(s);
}

static void test_report_statement__holds_not_listed(void **state)
{
	fx *f = *state;
	FX_OK(bank_hold(NULL, f->b, f->a1, f->a2, 500, 0, "h1", NULL));
	FX_OK(bank_hold(NULL, f->b, f->a1, f->a2, 600, 0, "h2", NULL));
	FX_OK(bank_hold_void(NULL, f->b, "h2", "v2"));
	FX_OK(bank_hold_post(NULL, f->b, "h1", 400, "p1"));
	bank_statement *s = NULL;
	FX_OK(bank_statement_get(&s, f->b, f->a1, 0, 0, 0, NULL));
	/* postings only: the funding and the post; holds and voids move no balance */
	assert_int_equal(s->count, 2);
	assert_string_equal(s->entries[1].id, "p1");
	FX_EQ(s->entries[1].amount, -400);
	assert_string_equal(s->entries[1].ref, "h1");
	FX_EQ(s->closing_balance, FX_A1_FUNDS - 400);
	bank_statement_free(s);
	fx_check_balance_after(f->b, f->a1);
	fx_check_balance_after(f->b, f->a2);
}

static void test_report_statement__ranges(void **state)
{
	fx *f = *state;
	const bank_time t1 = fx_now;
	FX_OK(bank_deposit(NULL, f->b, f->a1, 200, "r-1", NULL));
	fx_advance(60);
	const bank_time t2 = fx_now;
	FX_OK(bank_withdraw(NULL, f->b, f->a1, 50, "r-2", NULL));
	fx_advance(60);
	const bank_time t3 = fx_now;
	FX_OK(bank_deposit(NULL, f->b, f->a1, 1, "r-3", NULL));

	bank_statement *s = NULL;
	/* [t1, t2): only r-1 */
	FX_OK(bank_statement_get(&s, f->b, f->a1, t1, t2, 0, NULL));
	assert_int_equal(s->count, 1);
	assert_string_equal(s->entries[0].id, "r-1");
	FX_EQ(s->since, t1);
	FX_EQ(s->until, t2);
	FX_EQ(s->opening_balance, FX_A1_FUNDS);
	FX_EQ(s->closing_balance, FX_A1_FUNDS + 200);
	assert_null(s->next);
	bank_statement_free(s);

	/* [t1, t3): r-1 and r-2 */
	FX_OK(bank_statement_get(&s, f->b, f->a1, t1, t3, 0, NULL));
	assert_int_equal(s->count, 2);
	assert_string_equal(s->entries[1].id, "r-2");
	FX_EQ(s->entries[1].balance_after, FX_A1_FUNDS + 150);
	FX_EQ(s->opening_balance, FX_A1_FUNDS);
	FX_EQ(s->closing_balance, FX_A1_FUNDS + 150);
	bank_statement_free(s);

	/* [t2, no end): r-2 and r-3 */
	FX_OK(bank_statement_get(&s, f->b, f->a1, t2, 0, 0, NULL));
	assert_int_equal(s->count, 2);
	FX_EQ(s->opening_balance, FX_A1_FUNDS + 200);
	FX_EQ(s->closing_balance, FX_A1_FUNDS + 151);
	bank_statement_free(s);

	/* (beginning, t2): the funding and r-1 */
	FX_OK(bank_statement_get(&s, f->b, f->a1, 0, t2, 0, NULL));
	assert_int_equal(s->count, 2);
	FX_EQ(s->opening_balance, 0);
	FX_EQ(s->closing_balance, FX_A1_FUNDS + 200);
	bank_statement_free(s);

	/* a quiet period */
	FX_OK(bank_statement_get(&s, f->b, f->a1, t3 + FX_SEC, t3 + FX_DAY, 0, NULL));
	assert_int_equal(s->count, 0);
	FX_EQ(s->opening_balance, FX_A1_FUNDS + 151);
	FX_EQ(s->closing_balance, FX_A1_FUNDS + 151);
	assert_null(s->next);
	bank_statement_free(s);

	/* before the account existed */
	FX_OK(bank_statement_get(&s, f->b, f->a1, FX_T0 - FX_DAY, FX_T0, 0, NULL));
	assert_int_equal(s->count, 0);
	FX_EQ(s->opening_balance, 0);
	FX_EQ(s->closing_balance, 0);
	bank_statement_free(s);
}

static void test_report_statement__refusals(void **state)
{
	fx *f = *state;
	bank_statement *s = NULL;
	char unknown[BANK_ACCOUNT_NUMBER_SIZE], mistyped[BANK_ACCOUNT_NUMBER_SIZE];
	fx_number_make(7777777777ull, unknown);
	memcpy(mistyped, f->a1, sizeof mistyped);
	mistyped[11] = mistyped[11] == '9' ? '0' : (char)(mistyped[11] + 1);
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_statement_get(&s, f->b, unknown, 0, 0, 0, NULL));
	FX_REFUSE(f->b, BANK_EINVAL, bank_statement_get(&s, f->b, mistyped, 0, 0, 0, NULL));
	FX_REFUSE(f->b, BANK_EINVAL, bank_statement_get(&s, f->b, f->a1, 0, 0, BANK_STATEMENT_LIMIT_MAX + 1, NULL));
	FX_REFUSE(f->b, BANK_EINVAL, bank_statement_get(&s, f->b, f->a1, fx_now, fx_now - FX_SEC, 0, NULL));
	static const char *const cursors[] = {
		"",
		"garbage",
		"!!!!",
		"-1",
		"0:0:0:0",
		"%00",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"};
	for (size_t i = 0; i < sizeof cursors / sizeof cursors[0]; i++)
		FX_REFUSE(f->b, BANK_EINVAL, bank_statement_get(&s, f->b, f->a1, 0, 0, 10, cursors[i]));
	assert_null(s);
	/* the largest page is fine */
	FX_OK(bank_statement_get(&s, f->b, f->a1, 0, 0, BANK_STATEMENT_LIMIT_MAX, NULL));
	bank_statement_free(s);
}

/* 250 deposits of 1..250 to a fresh account, three per clock second. */
static void make_250(fx *f, char acct[BANK_ACCOUNT_NUMBER_SIZE], bank_time *first)
{
	fx_open_account(f->b, f->customer, FX_USD, acct);
	fx_advance(1);
	*first = fx_now;
	char ids[250][16];
	for (int i = 0; i < 250; i++) {
		snprintf(ids[i], sizeof ids[i], "pg-%03d", i + 1);
		if (i > 0 && i % 3 == 0)
			fx_advance(1);
		FX_OK(bank_deposit(NULL, f->b, acct, i + 1, ids[i], NULL));
	}
}

/* Walks pages; checks order, uniqueness and balance-after; returns the count. */
static size_t walk(fx *f, const char *acct, bank_time since, bank_time until, size_t limit, int first_id, size_t *pages,
		   size_t *page_sizes)
{
	char cursor[512] = "";
	size_t total = 0;
	int64_t last_seq = 0;
	*pages = 0;
	for (;;) {
		bank_statement *s = NULL;
		FX_OK(bank_statement_get(&s, f->b, acct, since, until, limit, cursor[0] ? cursor : NULL));
		assert_true(*pages < 300);
		page_sizes[(*pages)++] = s->count;
		for (size_t i = 0; i < s->count; i++) {
			char want[16];
			snprintf(want, sizeof want, "pg-%03d", first_id + (int)(total + i));
			assert_string_equal(s->entries[i].id, want);
			assert_true(s->entries[i].seq > last_seq);
			last_seq = s->entries[i].seq;
			int64_t k = first_id + (int64_t)(total + i);
			FX_EQ(s->entries[i].amount, k);
			FX_EQ(s->entries[i].balance_after, k * (k + 1) / 2);
		}
		total += s->count;
		int last = s->next == NULL;
		if (!last) {
			assert_true(strlen(s->next) < sizeof cursor);
			snprintf(cursor, sizeof cursor, "%s", s->next);
		}
		bank_statement_free(s);
		if (last)
			break;
	}
	return total;
}

static void test_report_statement__pagination(void **state)
{
	fx *f = *state;
	char acct[BANK_ACCOUNT_NUMBER_SIZE];
	bank_time first;
	make_250(f, acct, &first);

	size_t pages, sizes[300];
	assert_int_equal(walk(f, acct, 0, 0, 100, 1, &pages, sizes), 250);
	assert_int_equal(pages, 3);
	assert_int_equal(sizes[0], 100);
	assert_int_equal(sizes[1], 100);
	assert_int_equal(sizes[2], 50);

	/* limit 0 means 100 */
	bank_statement *s = NULL;
	FX_OK(bank_statement_get(&s, f->b, acct, 0, 0, 0, NULL));
	assert_int_equal(s->count, 100);
	assert_non_null(s->next);
	FX_EQ(s->closing_balance, 250 * 251 / 2);
	bank_statement_free(s);

	/* one page holds all */
	FX_OK(bank_statement_get(&s, f->b, acct, 0, 0, 1000, NULL));
	assert_int_equal(s->count, 250);
	assert_null(s->next);
	bank_statement_free(s);

	/* odd page sizes */
	assert_int_equal(walk(f, acct, 0, 0, 7, 1, &pages, sizes), 250);
	assert_int_equal(pages, 36);
	assert_int_equal(sizes[35], 5);

	/* a range, paged: deposits 31..150 are at first + 10 s .. first + 49 s */
	assert_int_equal(walk(f, acct, first + 10 * FX_SEC, first + 50 * FX_SEC, 50, 31, &pages, sizes), 120);
	assert_int_equal(pages, 3);
	assert_int_equal(sizes[0], 50);
	assert_int_equal(sizes[1], 50);
	assert_int_equal(sizes[2], 20);
}

static void test_report_statement__pagination_exact_multiple(void **state)
{
	fx *f = *state;
	char acct[BANK_ACCOUNT_NUMBER_SIZE];
	bank_time first;
	make_250(f, acct, &first);
	size_t pages, sizes[300];
	/* 250 = 5 pages of 50: the last may be followed by an empty page, never lose or repeat */
	assert_int_equal(walk(f, acct, 0, 0, 50, 1, &pages, sizes), 250);
	assert_true(pages == 5 || pages == 6);
	if (pages == 6)
		assert_int_equal(sizes[5], 0);
}

/* ---- trial balance ---- */

static const bank_trial_line *line(const bank_trial_balance *t, const char *branch, const char *currency,
				   const char *kind)
{
	for (size_t i = 0; i < t->count; i++)
		if (strcmp(t->lines[i].branch, branch) == 0 && strcmp(t->lines[i].currency, currency) == 0 &&
		    strcmp(t->lines[i].kind, kind) == 0)
			return &t->lines[i];
	return NULL;
}

static void check_balanced(const bank_trial_balance *t)
{
	for (size_t i = 0; i < t->total_count; i++) {
		if (t->totals[i].debit != t->totals[i].credit) {
			print_error("%s: debits %lld != credits %lld\n", t->totals[i].currency,
				    (long long)t->totals[i].debit, (long long)t->totals[i].credit);
			fail();
		}
		if (i > 0)
			assert_true(strcmp(t->totals[i - 1].currency, t->totals[i].currency) < 0);
	}
	for (size_t i = 1; i < t->count; i++) {
		int c = strcmp(t->lines[i - 1].branch, t->lines[i].branch);
		if (c == 0)
			c = strcmp(t->lines[i - 1].currency, t->lines[i].currency);
		assert_true(c <= 0);
	}
}

static void test_report_trial_balance__fixture(void **state)
{
	fx *f = *state;
	bank_trial_balance *t = NULL;
	FX_OK(bank_trial_balance_get(&t, f->b));
	assert_non_null(t);
	check_balanced(t);
	assert_int_equal(t->total_count, 1);
	assert_string_equal(t->totals[0].currency, "USD");
	FX_EQ(t->totals[0].debit, FX_A1_FUNDS + FX_A2_FUNDS);
	const bank_trial_line *c = line(t, FX_BRANCH, "USD", "customer");
	assert_non_null(c);
	assert_int_equal(c->accounts, 2);
	FX_EQ(c->credit, FX_A1_FUNDS + FX_A2_FUNDS);
	FX_EQ(c->debit, 0);
	const bank_trial_line *v = line(t, FX_BRANCH, "USD", "cash");
	assert_non_null(v);
	assert_int_equal(v->accounts, 1);
	FX_EQ(v->debit, FX_A1_FUNDS + FX_A2_FUNDS);
	FX_EQ(v->credit, 0);
	bank_trial_balance_free(t);
	bank_trial_balance_free(NULL);
}

static void test_report_trial_balance__currencies_and_branches(void **state)
{
	fx *f = *state;
	char eur[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(f->b, f->customer, FX_EUR, eur);
	fx_deposit(f->b, eur, 7000);
	FX_OK(bank_branch_add(NULL, f->b, "AAA", "Another", NULL));
	bank_account *a = NULL;
	FX_OK(bank_account_open(&a, f->b, f->customer, FX_USD, "AAA"));
	fx_deposit(f->b, a->number, 300);
	FX_OK(bank_transfer_post(NULL, f->b, a->number, f->a1, 100, NULL, NULL));
	bank_account_free(a);
	/* an overdrawn account: a debit balance among customer accounts */
	fx_product(f->b, "OD", "USD", BANK_PRODUCT_CURRENT, 0, 5000);
	char od[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(f->b, f->customer, "OD", od);
	FX_OK(bank_withdraw(NULL, f->b, od, 3000, NULL, NULL));
	/* a posted hold in suspense */
	FX_OK(bank_hold(NULL, f->b, f->a2, NULL, 400, 0, "h", NULL));
	FX_OK(bank_hold_post(NULL, f->b, "h", 0, NULL));

	bank_trial_balance *t = NULL;
	FX_OK(bank_trial_balance_get(&t, f->b));
	check_balanced(t);
	assert_int_equal(t->total_count, 2);
	assert_string_equal(t->totals[0].currency, "EUR");
	assert_string_equal(t->totals[1].currency, "USD");
	FX_EQ(t->totals[0].debit, 7000);

	const bank_trial_line *l = line(t, FX_BRANCH, "EUR", "customer");
	assert_non_null(l);
	FX_EQ(l->credit, 7000);
	l = line(t, "AAA", "USD", "customer");
	assert_non_null(l);
	FX_EQ(l->credit, 200);
	l = line(t, "AAA", "USD", "cash");
	assert_non_null(l);
	FX_EQ(l->debit, 300);
	l = line(t, FX_BRANCH, "USD", "customer");
	assert_non_null(l);
	FX_EQ(l->debit, 3000); /* the overdrawn account */
	FX_EQ(l->credit, FX_A1_FUNDS + 100 + FX_A2_FUNDS - 400);
	l = line(t, FX_BRANCH, "USD", "suspense");
	assert_non_null(l);
	FX_EQ(l->credit, 400);
	/* lines by branch: AAA first */
	assert_string_equal(t->lines[0].branch, "AAA");
	bank_trial_balance_free(t);
	fx_verify_clean(f->b);
}

/* ---- audit trail ---- */

static void test_report_audit__pages(void **state)
{
	fx *f = *state;
	FX_OK(bank_account_edit(f->b, f->a1, "name", "one"));
	FX_OK(bank_account_edit(f->b, f->a1, "name", "two"));
	int64_t total = fx_audit_count(f->b);
	assert_true(total >= 8);

	/* pages of 2 reach every record once, oldest first */
	int64_t after = 0, seen = 0, last_seq = 0;
	for (int guard = 0; guard < 1000; guard++) {
		bank_audit_page *p = NULL;
		FX_OK(bank_audit_get(&p, f->b, after, NULL, 2));
		assert_true(p->count <= 2);
		for (size_t i = 0; i < p->count; i++) {
			assert_true(p->entries[i].seq > last_seq);
			last_seq = p->entries[i].seq;
			assert_true(p->entries[i].at >= FX_T0);
			assert_true(p->entries[i].at <= fx_now);
			assert_true(p->entries[i].action[0] != '\0');
			assert_non_null(p->entries[i].object);
			assert_true(p->entries[i].details[0] == '{');
			assert_string_equal(p->entries[i].principal, "system");
		}
		seen += (int64_t)p->count;
		int64_t next = p->next;
		bank_audit_page_free(p);
		if (next == 0)
			break;
		assert_true(next > after);
		after = next;
	}
	FX_EQ(seen, total);

	/* by object */
	char object[64];
	snprintf(object, sizeof object, "account:%s", f->a1);
	bank_audit_page *p = NULL;
	FX_OK(bank_audit_get(&p, f->b, 0, object, 0));
	assert_true(p->count >= 3); /* opened, named twice (and funded) */
	for (size_t i = 0; i < p->count; i++)
		assert_string_equal(p->entries[i].object, object);
	assert_non_null(strstr(p->entries[p->count - 1].details, "two"));
	bank_audit_page_free(p);
	FX_OK(bank_audit_get(&p, f->b, 0, "account:000000000000", 0));
	assert_int_equal(p->count, 0);
	FX_EQ(p->next, 0);
	bank_audit_page_free(p);
	bank_audit_page_free(NULL);

	/* past the end */
	FX_OK(bank_audit_get(&p, f->b, last_seq, NULL, 10));
	assert_int_equal(p->count, 0);
	FX_EQ(p->next, 0);
	bank_audit_page_free(p);

	FX_REFUSE(f->b, BANK_EINVAL, bank_audit_get(&p, f->b, 0, NULL, 10001));
}

static void test_report_audit__refusal_writes_nothing(void **state)
{
	fx *f = *state;
	int64_t before = fx_audit_count(f->b);
	FX_REFUSE(f->b, BANK_EFUNDS, bank_withdraw(NULL, f->b, f->a1, FX_A1_FUNDS + 1, NULL, NULL));
	FX_EQ(fx_audit_count(f->b), before);
	fx_deposit(f->b, f->a1, 1);
	assert_true(fx_audit_count(f->b) >= before); /* movements may be audited */
}

static void test_report_statement__pagination_with_new_postings(void **state)
{
	fx *f = *state;
	char acct[BANK_ACCOUNT_NUMBER_SIZE];
	bank_time first;
	make_250(f, acct, &first);
	bank_statement *s = NULL;
	FX_OK(bank_statement_get(&s, f->b, acct, 0, 0, 100, NULL));
	assert_int_equal(s->count, 100);
	char cursor[512];
	snprintf(cursor, sizeof cursor, "%s", s->next);
	bank_statement_free(s);
	/* five more arrive between page reads: they show up at the end, nothing repeats */
	for (int i = 251; i <= 255; i++) {
		char id[16];
		snprintf(id, sizeof id, "pg-%03d", i);
		FX_OK(bank_deposit(NULL, f->b, acct, i, id, NULL));
	}
	size_t total = 100;
	int64_t expect_next = 101;
	for (;;) {
		FX_OK(bank_statement_get(&s, f->b, acct, 0, 0, 100, cursor));
		for (size_t i = 0; i < s->count; i++) {
			char want[16];
			snprintf(want, sizeof want, "pg-%03d", (int)expect_next++);
			assert_string_equal(s->entries[i].id, want);
		}
		total += s->count;
		int last = s->next == NULL;
		if (!last)
			snprintf(cursor, sizeof cursor, "%s", s->next);
		bank_statement_free(s);
		if (last)
			break;
	}
	assert_int_equal(total, 255);
}

/* ---- statement iterator ---- */

/* Iterates acct's statement with pages of `page`; checks ids pg-<first_id>.. in order and
 * balance-after the running sum of deposits of i minor units; returns the count. */
static size_t iterate(fx *f, const char *acct, bank_time since, bank_time until, size_t page, int first_id)
{
	bank_statement_iter *it = NULL;
	FX_OK(bank_statement_iter_open(&it, f->b, acct, since, until, page));
	const bank_statement *head = bank_statement_iter_page(it);
	assert_non_null(head);
	assert_string_equal(head->account, acct);
	assert_string_equal(head->currency, "USD");
	int64_t balance = head->opening_balance;
	FX_EQ(balance, (int64_t)(first_id - 1) * first_id / 2);
	size_t n = 0;
	const bank_statement_entry *e = NULL;
	int rc;
	while ((rc = bank_statement_iter_next(it, &e)) == 1) {
		char want[16];
		snprintf(want, sizeof want, "pg-%03d", first_id + (int)n);
		assert_string_equal(e->id, want);
		balance += first_id + (int64_t)n;
		FX_EQ(e->amount, first_id + (int64_t)n);
		FX_EQ(e->balance_after, balance);
		n++;
	}
	FX_OK(rc);
	assert_null(e);
	/* the end stays the end */
	assert_int_equal(bank_statement_iter_next(it, &e), 0);
	assert_null(e);
	bank_statement_iter_free(it);
	return n;
}

static void test_report_statement_iter__pages(void **state)
{
	fx *f = *state;
	char acct[BANK_ACCOUNT_NUMBER_SIZE];
	bank_time first;
	make_250(f, acct, &first);
	/* page sizes that divide 250 or not, one entry, all in one page, the default */
	static const size_t pages[] = {1, 3, 7, 50, 125, 249, 250, 251, 10000, 0};
	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++)
		assert_int_equal(iterate(f, acct, 0, 0, pages[i], 1), 250);
	/* a period: deposits 31..150 are at first + 10 s .. first + 49 s */
	assert_int_equal(iterate(f, acct, first + 10 * FX_SEC, first + 50 * FX_SEC, 7, 31), 120);
	assert_int_equal(iterate(f, acct, first + 10 * FX_SEC, first + 50 * FX_SEC, 120, 31), 120);

	/* an account without postings: the end at once, opening balance 0 */
	char empty[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(f->b, f->customer, FX_USD, empty);
	bank_statement_iter *it = NULL;
	FX_OK(bank_statement_iter_open(&it, f->b, empty, 0, 0, 0));
	const bank_statement_entry *e = NULL;
	assert_int_equal(bank_statement_iter_next(it, &e), 0);
	assert_null(e);
	FX_EQ(bank_statement_iter_page(it)->opening_balance, 0);
	bank_statement_iter_free(it);
}

static void test_report_statement_iter__new_postings_and_refusals(void **state)
{
	fx *f = *state;
	char acct[BANK_ACCOUNT_NUMBER_SIZE];
	bank_time first;
	make_250(f, acct, &first);
	/* postings that arrive while the export runs come at its end, once */
	bank_statement_iter *it = NULL;
	FX_OK(bank_statement_iter_open(&it, f->b, acct, 0, 0, 100));
	const bank_statement_entry *e = NULL;
	size_t n = 0;
	while (n < 150 && bank_statement_iter_next(it, &e) == 1)
		n++;
	for (int i = 251; i <= 255; i++) {
		char id[16];
		snprintf(id, sizeof id, "pg-%03d", i);
		FX_OK(bank_deposit(NULL, f->b, acct, i, id, NULL));
	}
	int rc;
	while ((rc = bank_statement_iter_next(it, &e)) == 1) {
		char want[16];
		snprintf(want, sizeof want, "pg-%03d", (int)++n);
		assert_string_equal(e->id, want);
	}
	FX_OK(rc);
	assert_int_equal(n, 255);
	bank_statement_iter_free(it);

	/* refusals: nothing opened, *out NULL, the error recorded */
	char unknown[BANK_ACCOUNT_NUMBER_SIZE];
	fx_number_make(7777777777ull, unknown);
	it = (bank_statement_iter *)&n; /* must be reset */
	assert_int_equal(bank_statement_iter_open(&it, f->b, unknown, 0, 0, 0), BANK_ENOTFOUND);
	assert_null(it);
	assert_int_equal(bank_statement_iter_open(&it, f->b, "12345", 0, 0, 0), BANK_EINVAL);
	assert_int_equal(bank_statement_iter_open(&it, f->b, acct, 0, 0, BANK_STATEMENT_LIMIT_MAX + 1), BANK_EINVAL);
	assert_int_equal(bank_error_last()->code, BANK_EINVAL);
	assert_int_equal(bank_statement_iter_open(&it, f->b, acct, 20, 10, 0), BANK_EINVAL);
	assert_int_equal(bank_statement_iter_open(&it, NULL, acct, 0, 0, 0), BANK_EMISUSE);
	assert_int_equal(bank_statement_iter_open(NULL, f->b, acct, 0, 0, 0), BANK_EMISUSE);
	assert_int_equal(bank_statement_iter_next(NULL, &e), BANK_EMISUSE);
	assert_null(e);
	assert_null(bank_statement_iter_page(NULL));
	bank_statement_iter_free(NULL);
}

static void test_report_audit__details_valid_json(void **state)
{
	fx *f = *state;
	bank_customer_spec cs = BANK_CUSTOMER_SPEC_INIT;
	cs.name = "Quote \" Backslash \\ Slash / Tab-free \xe2\x9c\x93 'single'";
	cs.occupation = "{\"not\": \"json\"}";
	bank_customer *c = NULL;
	FX_OK(bank_customer_add(&c, f->b, &cs));
	FX_OK(bank_customer_edit(f->b, c->id, "name", "\\\"}, \"injected\": true, {\""));
	bank_customer_free(c);
	FX_OK(bank_account_edit(f->b, f->a1, "name", "}]\"\\u0000"));
	FX_OK(bank_branch_edit(f->b, FX_BRANCH, "address", "\"\\\"\\\\"));
	FX_OK(bank_deposit(NULL, f->b, f->a1, 1, "json\"id\\", "memo \" with \\ quotes"));
	FX_EQ(fx_count(f->b, "SELECT count(*) FROM audit WHERE NOT json_valid(details)"), 0);
	FX_EQ(fx_count(f->b, "SELECT count(*) FROM audit WHERE json_type(details) <> 'object'"), 0);
	/* the audit keeps the values verbatim */
	FX_EQ(fx_count(f->b, "SELECT count(*) FROM audit, json_each(audit.details)"
			     " WHERE json_each.value = '\\\"}, \"injected\": true, {\"'"),
	      1);
}

static void test_report_audit__every_change_audited(void **state)
{
	fx *f = *state;
	int64_t n = fx_audit_count(f->b);
#define AUDITED(call)                                                     \
	do {                                                              \
		FX_OK(call);                                              \
		int64_t m_ = fx_audit_count(f->b);                        \
		if (m_ <= n) {                                            \
			print_error("%s wrote no audit record\n", #call); \
			fail();                                           \
		}                                                         \
		n = m_;                                                   \
	} while (0)
	AUDITED(bank_deposit(NULL, f->b, f->a1, 10, "a-d", NULL));
	AUDITED(bank_withdraw(NULL, f->b, f->a1, 5, "a-w", NULL));
	AUDITED(bank_transfer_post(NULL, f->b, f->a1, f->a2, 5, "a-t", NULL));
	AUDITED(bank_hold(NULL, f->b, f->a1, NULL, 5, 0, "a-h", NULL));
	AUDITED(bank_hold_post(NULL, f->b, "a-h", 0, "a-hp"));
	AUDITED(bank_hold(NULL, f->b, f->a1, NULL, 5, 0, "a-h2", NULL));
	AUDITED(bank_hold_void(NULL, f->b, "a-h2", "a-hv"));
	AUDITED(bank_reverse(NULL, f->b, "a-t", "a-r"));
	AUDITED(bank_account_freeze(f->b, f->a2, BANK_FREEZE_DEBITS));
	AUDITED(bank_account_unfreeze(f->b, f->a2));
	AUDITED(bank_account_edit(f->b, f->a2, "name", "n"));
	AUDITED(bank_product_edit(f->b, FX_USD, "name", "n"));
	AUDITED(bank_branch_edit(f->b, FX_BRANCH, "name", "n"));
	AUDITED(bank_customer_edit(f->b, f->customer, "occupation", "n"));
	bank_address a = {"l1", NULL, NULL, NULL, NULL, "GB"};
	AUDITED(bank_customer_set_address(f->b, f->customer, &a));
	char n3[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(f->b, f->customer, FX_USD, n3);
	n = fx_audit_count(f->b);
	AUDITED(bank_account_close(f->b, n3, "r"));
	bank_transfer_request r = BANK_TRANSFER_REQUEST_INIT;
	r.credit = f->a1;
	r.amount = 1;
	bank_batch_results *res = NULL;
	AUDITED(bank_transfer_batch(&res, f->b, &r, 1));
	bank_batch_results_free(res);
	AUDITED(bank_hold(NULL, f->b, f->a1, NULL, 5, 1, "a-h3", NULL));
	fx_advance(2);
	size_t released = 0;
	AUDITED(bank_hold_sweep(&released, f->b));
	assert_int_equal(released, 1);
#undef AUDITED
}

/* ---- seed-shaped views ---- */

typedef struct row {
	char id[80];
	char account[16];
	char other[16];
	int64_t amount;
} row;

static size_t view_rows(const char *path, const char *sql, row *rows, size_t max)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		print_error("%s: %s\n", sql, sqlite3_errmsg(db));
		fail();
	}
	size_t n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		assert_true(n < max);
		snprintf(rows[n].id, sizeof rows[n].id, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(rows[n].account, sizeof rows[n].account, "%s", (const char *)sqlite3_column_text(st, 1));
		rows[n].other[0] = '\0';
		if (sqlite3_column_count(st) > 3)
			snprintf(rows[n].other, sizeof rows[n].other, "%s", (const char *)sqlite3_column_text(st, 3));
		rows[n].amount = sqlite3_column_int64(st, 2);
		n++;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void test_report_views__seed_tables(void **state)
{
	fx *f = *state;
	FX_OK(bank_deposit(NULL, f->b, f->a1, 333, "v-d", NULL));
	FX_OK(bank_withdraw(NULL, f->b, f->a1, 444, "v-w1", NULL));
	FX_OK(bank_withdraw(NULL, f->b, f->a2, 555, "v-w2", NULL));
	FX_OK(bank_transfer_post(NULL, f->b, f->a1, f->a2, 666, "v-t1", NULL));
	FX_OK(bank_transfer_post(NULL, f->b, f->a2, f->a1, 777, "v-t2", NULL));
	FX_OK(bank_hold(NULL, f->b, f->a1, NULL, 888, 0, "v-h", NULL));
	FX_OK(bank_hold_post(NULL, f->b, "v-h", 0, "v-hp"));

	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	static const char *const views[] = {"deposit", "withdraw", "transfer_in", "transfer_out"};
	for (size_t i = 0; i < 4; i++) {
		sqlite3_stmt *st = NULL;
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT type FROM sqlite_schema WHERE name = ?", -1, &st, NULL),
				 SQLITE_OK);
		sqlite3_bind_text(st, 1, views[i], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW) {
			print_error("no %s view\n", views[i]);
			fail();
		}
		assert_string_equal((const char *)sqlite3_column_text(st, 0), "view");
		sqlite3_finalize(st);
	}
	sqlite3_close(db);

	row r[16];
	size_t n = view_rows(f->path, "SELECT transaction_id, account, amount FROM deposit ORDER BY seq", r, 16);
	assert_int_equal(n, 3);
	assert_string_equal(r[0].id, "fx-fund-1");
	assert_string_equal(r[0].account, f->a1);
	FX_EQ(r[0].amount, FX_A1_FUNDS);
	assert_string_equal(r[1].id, "fx-fund-2");
	assert_string_equal(r[1].account, f->a2);
	assert_string_equal(r[2].id, "v-d");
	FX_EQ(r[2].amount, 333);

	n = view_rows(f->path, "SELECT transaction_id, account, amount FROM withdraw ORDER BY seq", r, 16);
	assert_int_equal(n, 2);
	assert_string_equal(r[0].id, "v-w1");
	assert_string_equal(r[0].account, f->a1);
	FX_EQ(r[0].amount, 444);
	assert_string_equal(r[1].id, "v-w2");
	assert_string_equal(r[1].account, f->a2);
	FX_EQ(r[1].amount, 555);

	n = view_rows(f->path, "SELECT transaction_id, account, amount, sender FROM transfer_in ORDER BY seq", r, 16);
	assert_int_equal(n, 2);
	assert_string_equal(r[0].id, "v-t1");
	assert_string_equal(r[0].account, f->a2);
	assert_string_equal(r[0].other, f->a1);
	FX_EQ(r[0].amount, 666);
	assert_string_equal(r[1].id, "v-t2");
	assert_string_equal(r[1].account, f->a1);
	assert_string_equal(r[1].other, f->a2);
	FX_EQ(r[1].amount, 777);

	n = view_rows(f->path, "SELECT transaction_id, account, amount, recipient FROM transfer_out ORDER BY seq", r,
		      16);
	assert_int_equal(n, 2);
	assert_string_equal(r[0].id, "v-t1");
	assert_string_equal(r[0].account, f->a1);
	assert_string_equal(r[0].other, f->a2);
	assert_string_equal(r[1].id, "v-t2");
	assert_string_equal(r[1].account, f->a2);
	assert_string_equal(r[1].other, f->a1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_report_balance__formula),
		T(test_report_balance__refusals),
		T(test_report_balance_at__clock),
		T(test_report_balance_at__holds_excluded),
		T(test_report_statement__whole),
		T(test_report_statement__holds_not_listed),
		T(test_report_statement__ranges),
		T(test_report_statement__refusals),
		T(test_report_statement__pagination),
		T(test_report_statement__pagination_exact_multiple),
		T(test_report_trial_balance__fixture),
		T(test_report_trial_balance__currencies_and_branches),
		T(test_report_audit__pages),
		T(test_report_audit__refusal_writes_nothing),
		T(test_report_statement__pagination_with_new_postings),
		T(test_report_statement_iter__pages),
		T(test_report_statement_iter__new_postings_and_refusals),
		T(test_report_audit__details_valid_json),
		T(test_report_audit__every_change_audited),
		cmocka_unit_test_setup_teardown(test_report_views__seed_tables, fx_setup_file, fx_teardown),
	};
	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
