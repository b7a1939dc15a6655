/*
 * test_history.c: the posting chain and its history index (schema v3) and the posting
 * records (v4), which answer statements and balance-as-of. Every answer is checked
 * against the journal itself, read with plain SQL, over random movements that cross
 * many history blocks: with the records, without them (the chain walk), and after
 * migrating version-2 and version-3 databases.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "fixture.h"
#include "internal.h"

#define NACCTS 6
#define NOPS 700

struct world {
	char accts[NACCTS + 1][BANK_ACCOUNT_NUMBER_SIZE]; /* the last is the cash vault */
	bank_time t0, t1;
};

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Random movements of every kind among a few accounts, with times that often repeat. */
static void populate(fx *f, struct world *w)
{
	memcpy(w->accts[0], f->a1, sizeof w->accts[0]);
	memcpy(w->accts[1], f->a2, sizeof w->accts[1]);
	for (int i = 2; i < NACCTS; i++) {
		fx_open_account(f->b, f->customer, FX_USD, w->accts[i]);
		fx_deposit(f->b, w->accts[i], 100000);
	}
	memcpy(w->accts[NACCTS], f->cash, sizeof w->accts[NACCTS]);
	w->t0 = fx_now;
	char holds[NOPS][BANK_ID_SIZE], posted[NOPS][BANK_ID_SIZE];
	size_t nholds = 0, nposted = 0;
	for (int op = 0; op < NOPS; op++) {
		fx_advance((int64_t)(next() % 3));
		const char *a = w->accts[next() % NACCTS], *c = w->accts[next() % NACCTS];
		int64_t amount = 1 + (int64_t)(next() % 3000);
		char id[BANK_ID_SIZE];
		snprintf(id, sizeof id, "h-%d", op);
		int rc = BANK_OK;
		switch (next() % 8) {
		case 0: rc = bank_deposit(NULL, f->b, a, amount, next() % 2 ? id : NULL, NULL); break;
		case 1: rc = bank_withdraw(NULL, f->b, a, amount, id, NULL); break;
		case 2:
			rc = bank_hold(NULL, f->b, a, NULL, amount, 0, id, NULL);
			if (rc == BANK_OK)
				memcpy(holds[nholds++], id, sizeof id);
			break;
		case 3:
			if (nholds > 0) {
				const char *h = holds[--nholds];
				rc = next() % 2 ? bank_hold_post(NULL, f->b, h, 0, id)
						: bank_hold_void(NULL, f->b, h, id);
			}
			break;
		case 4:
			if (nposted > 0)
				rc = bank_reverse(NULL, f->b, posted[next() % nposted], id);
			break;
		case 5:
			/* generated ids (UUIDv7, packed in the records), given UUIDs (packed when
			 * canonical) and no memo: statements need no journal row for these */
			if (strcmp(a, c) != 0) {
				bank_transfer *t = NULL;
				unsigned pick = (unsigned)(next() % 3);
				char uuid[BANK_ID_SIZE];
				snprintf(uuid, sizeof uuid,
					 pick == 1 ? "%08x-0000-7000-8000-%012d" : "%08X-0000-7000-8000-%012d",
					 (unsigned)next(), op);
				rc = bank_transfer_post(&t, f->b, a, c, amount, pick == 0 ? NULL : uuid, NULL);
				if (rc == BANK_OK)
					bank__copy(posted[nposted++], sizeof posted[0], t->id);
				bank_transfer_free(t);
			}
			break;
		default:
			if (strcmp(a, c) != 0) {
				rc = bank_transfer_post(NULL, f->b, a, c, amount, id, "memo");
				if (rc == BANK_OK)
					memcpy(posted[nposted++], id, sizeof id);
			}
		}
		assert_true(rc == BANK_OK || rc == BANK_EFUNDS || rc == BANK_EINVAL);
	}
	w->t1 = fx_now + FX_SEC;
	fx_verify_clean(f->b);
}

/* An account's postings with at in [since, until), straight from the journal. */
struct posting {
	int64_t seq, balance, at;
	char counterparty[BANK_ACCOUNT_NUMBER_SIZE];
	char id[BANK_ID_SIZE], kind[16], memo[16], ref[BANK_ID_SIZE];
};

static size_t journal(bank *b, const char *account, bank_time since, bank_time until, struct posting *out, size_t cap,
		      int64_t *opening)
{
	sqlite3 *db = fx_sqlite(b);
	sqlite3_stmt *st = NULL;
	const char *sql = "SELECT t.seq, CASE WHEN t.debit_id = a.id THEN t.debit_balance ELSE t.credit_balance END,"
			  " t.created_at, (SELECT number FROM account WHERE id = CASE WHEN t.debit_id = a.id"
			  " THEN t.credit_id ELSE t.debit_id END), t.id, t.kind, t.memo,"
			  " coalesce((SELECT id FROM transfer r WHERE r.seq = t.ref_seq), '')"
			  " FROM transfer t JOIN account a ON a.id IN (t.debit_id, t.credit_id)"
			  " WHERE a.number = ? AND t.posted = 1 ORDER BY t.seq";
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	size_t n = 0;
	*opening = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		bank_time at = sqlite3_column_int64(st, 2);
		if (at < since) {
			*opening = sqlite3_column_int64(st, 1);
			continue;
		}
		if (until != 0 && at >= until)
			break;
		assert_true(n < cap);
		out[n].seq = sqlite3_column_int64(st, 0);
		out[n].balance = sqlite3_column_int64(st, 1);
		out[n].at = at;
		snprintf(out[n].counterparty, sizeof out[n].counterparty, "%s", sqlite3_column_text(st, 3));
		snprintf(out[n].id, sizeof out[n].id, "%s", sqlite3_column_text(st, 4));
		snprintf(out[n].kind, sizeof out[n].kind, "%s", sqlite3_column_text(st, 5));
		snprintf(out[n].memo, sizeof out[n].memo, "%s", sqlite3_column_text(st, 6));
		snprintf(out[n].ref, sizeof out[n].ref, "%s", sqlite3_column_text(st, 7));
		n++;
	}
	sqlite3_finalize(st);
	return n;
}

/* Pages through a statement with @p limit and checks it against the journal. */
static void check_statement(bank *b, const char *account, bank_time since, bank_time until, size_t limit)
{
	static struct posting want[2 * NOPS + 64];
	int64_t opening;
	size_t n = journal(b, account, since, until, want, sizeof want / sizeof want[0], &opening);
	size_t got = 0;
	char *after = NULL;
	do {
		bank_statement *s = NULL;
		FX_OK(bank_statement_get(&s, b, account, since, until, limit, after));
		FX_EQ(s->opening_balance, opening);
		FX_EQ(s->closing_balance, n > 0 ? want[n - 1].balance : opening);
		assert_true(s->count <= limit);
		for (size_t i = 0; i < s->count; i++, got++) {
			assert_true(got < n);
			const bank_statement_entry *e = &s->entries[i];
			FX_EQ(e->seq, want[got].seq);
			FX_EQ(e->balance_after, want[got].balance);
			/* the amount is the balance's change */
			FX_EQ(e->amount, want[got].balance - (got > 0 ? want[got - 1].balance : opening));
			FX_EQ(e->at, want[got].at);
			assert_string_equal(e->counterparty, want[got].counterparty);
			assert_string_equal(e->id, want[got].id);
			assert_string_equal(e->kind, want[got].kind);
			assert_string_equal(e->memo, want[got].memo);
			assert_string_equal(e->ref, want[got].ref);
		}
		free(after);
		after = s->next ? strdup(s->next) : NULL;
		assert_true(s->next == NULL || s->count == limit);
		bank_statement_free(s);
	} while (after != NULL);
	FX_EQ(got, n);
}

static void check_all(bank *b, const struct world *w)
{
	static const size_t limits[] = {1, 5, 16, 17, 100, 1000};
	for (int i = 0; i <= NACCTS; i++) {
		for (size_t l = 0; l < sizeof limits / sizeof limits[0]; l++)
			check_statement(b, w->accts[i], 0, 0, limits[l]);
		for (int k = 0; k < 12; k++) {
			bank_time span = w->t1 - w->t0 + 4 * FX_SEC;
			bank_time since = w->t0 - 2 * FX_SEC + (bank_time)(next() % (uint64_t)span);
			bank_time until = since + (bank_time)(next() % (uint64_t)span);
			check_statement(b, w->accts[i], since, k % 3 == 0 ? 0 : until, 1 + next() % 40);
			int64_t want, got = -1;
			struct posting scratch[1];
			journal(b, w->accts[i], since, since, scratch, 0, &want);
			FX_OK(bank_balance_at(&got, b, w->accts[i], since));
			FX_EQ(got, want);
		}
	}
}

/* Forgets every posting record (NULL: not known), as a v3 file or a plain handle has it. */
static void strip_records(bank *b)
{
	char *err = NULL;
	if (sqlite3_exec(fx_sqlite(b),
			 "DROP TRIGGER IF EXISTS history_append_only_u; UPDATE history SET entries = NULL;"
			 " UPDATE account SET recent = NULL;",
			 NULL, NULL, &err) != SQLITE_OK)
		fail_msg("strip: %s", err);
}

/* Closes the fixture's handle, runs @p sql on the file and opens it again (migrating). */
static void downgrade_and_reopen(fx *f, const char *sql)
{
	bank_close(f->b);
	f->b = NULL;
	sqlite3 *db = NULL;
	char *err = NULL;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("downgrade: %s", err);
	sqlite3_close(db);
	f->b = fx_open_bare(f->path, FX_SEED + 1);
}

static void test_history__matches_journal(void **state)
{
	fx *f = *state;
	struct world w;
	populate(f, &w);
	/* the cash vault and busy accounts span many blocks */
	assert_true(fx_count(f->b, "SELECT max(postings) FROM account") > 8 * BANK__HISTORY_BLOCK);
	FX_EQ(fx_count(f->b, "SELECT count(*) FROM history"), fx_count(f->b, "SELECT sum(postings / 16) FROM account"));
	check_all(f->b, &w);
	/* again from an empty number cache: counterparties come from the account rows */
	bank__numcache_free(f->b);
	check_all(f->b, &w);
}

/* A version-2 file (per-account journal indexes) is chained on open and answers the same. */
static void test_history__migrates_v2(void **state)
{
	fx *f = *state;
	struct world w;
	populate(f, &w);
	int64_t history = fx_count(f->b, "SELECT count(*) FROM history");
	int64_t postings = fx_count(f->b, "SELECT sum(postings) FROM account");
	int64_t chained = fx_count(f->b, "SELECT count(*) FROM transfer WHERE debit_prev IS NOT NULL");
	downgrade_and_reopen(f, FX_DOWNGRADE_V3);
	FX_EQ(fx_count(f->b, "PRAGMA user_version"), bank_schema_version());
	FX_EQ(fx_count(f->b, "SELECT count(*) FROM history"), history);
	FX_EQ(fx_count(f->b, "SELECT sum(postings) FROM account"), postings);
	FX_EQ(fx_count(f->b, "SELECT count(*) FROM transfer WHERE debit_prev IS NOT NULL"), chained);
	FX_EQ(fx_count(f->b, "SELECT count(*) FROM sqlite_schema WHERE name IN ('transfer_debit', 'transfer_credit')"),
	      0);
	FX_EQ(fx_count(f->b, "SELECT count(*) FROM sqlite_temp_schema"), 0);
	fx_verify_clean(f->b);
	check_all(f->b, &w);
	/* the journal is append-only again */
	assert_int_not_equal(sqlite3_exec(fx_sqlite(f->b), "UPDATE transfer SET debit_prev = 0", NULL, NULL, NULL),
			     SQLITE_OK);
	/* and new postings extend the migrated chains */
	for (int i = 0; i < 40; i++)
		FX_OK(bank_transfer_post(NULL, f->b, w.accts[i % NACCTS], w.accts[(i + 1) % NACCTS], 1, NULL, NULL));
	w.t1 = fx_now + FX_SEC;
	fx_verify_clean(f->b);
	check_all(f->b, &w);
}

/* The same with a handle that keeps no posting records (the default). */
static int setup_plain(void **state)
{
	fx_statement_records = 0;
	int rc = fx_setup(state);
	fx_statement_records = 1;
	return rc;
}

static void test_history__matches_journal_plain(void **state)
{
	fx *f = *state;
	struct world w;
	populate(f, &w);
	FX_EQ(fx_count(f->b, "SELECT count(*) FROM history WHERE entries IS NOT NULL"), 0);
	FX_EQ(fx_count(f->b, "SELECT count(*) FROM account WHERE postings > 0 AND recent IS NOT NULL"), 0);
	check_all(f->b, &w);
}

/* Two handles on one file, one keeping records and one not, posting in turn: every
 * answer stays right, and records come back once one handle alone fills a block. */
static void test_history__mixed_handles(void **state)
{
	fx *f = *state;
	struct world w;
	populate(f, &w);
	fx_statement_records = 0;
	bank *plain = fx_open_bare(f->path, FX_SEED + 7);
	fx_statement_records = 1;
	for (int i = 0; i < 6 * BANK__HISTORY_BLOCK; i++)
		FX_OK(bank_transfer_post(NULL, i % 3 ? f->b : plain, w.accts[i % NACCTS], w.accts[(i + 1) % NACCTS], 1,
					 NULL, NULL));
	w.t1 = fx_now + FX_SEC;
	fx_verify_clean(plain);
	check_all(plain, &w);
	check_all(f->b, &w);
	bank_close(plain);
	for (int i = 0; i < 6 * BANK__HISTORY_BLOCK; i++)
		FX_OK(bank_transfer_post(NULL, f->b, w.accts[i % NACCTS], w.accts[(i + 1) % NACCTS], 1, NULL, NULL));
	w.t1 = fx_now + FX_SEC;
	for (int i = 0; i < NACCTS; i++) { /* each crossed a block with records kept */
		char sql[128];
		snprintf(sql, sizeof sql, "SELECT recent IS NOT NULL FROM account WHERE number = '%s'", w.accts[i]);
		FX_EQ(fx_count(f->b, sql), 1);
	}
	fx_verify_clean(f->b);
	check_all(f->b, &w);
}

/* Statements read the posting records; without them (NULL: not known) they walk the
 * chain and give the same answers, and the next full block brings the records back. */
static void test_history__without_records(void **state)
{
	fx *f = *state;
	struct world w;
	populate(f, &w);
	FX_EQ(fx_count(f->b, "SELECT count(*) FROM account WHERE recent IS NULL"), 0);
	FX_EQ(fx_count(f->b, "SELECT count(*) FROM history WHERE entries IS NULL"), 0);
	strip_records(f->b);
	fx_verify_clean(f->b);
	check_all(f->b, &w);
	/* an account's first full block after that is still without records (its first
	 * postings were not known); the one after has them */
	for (int i = 0; i < 6 * BANK__HISTORY_BLOCK; i++)
		FX_OK(bank_transfer_post(NULL, f->b, w.accts[i % NACCTS], w.accts[(i + 1) % NACCTS], 1, NULL, NULL));
	w.t1 = fx_now + FX_SEC;
	assert_true(fx_count(f->b, "SELECT count(*) FROM history WHERE entries IS NOT NULL") > 0);
	assert_true(fx_count(f->b, "SELECT count(*) FROM account WHERE recent IS NOT NULL") > 0);
	fx_verify_clean(f->b);
	check_all(f->b, &w);
}

/* A version-3 file (the chain without records) is migrated on open: an account whose
 * postings end a block has no recent postings to know; the others are not known. */
static void test_history__migrates_v3(void **state)
{
	fx *f = *state;
	struct world w;
	populate(f, &w);
	/* one account whose postings end a block, and one whose do not */
	while (fx_count(f->b, "SELECT postings % 16 FROM account WHERE id = (SELECT min(id) FROM account"
			      " WHERE kind = 0)") != 0)
		FX_OK(bank_deposit(NULL, f->b, w.accts[0], 1, NULL, NULL));
	if (fx_count(f->b,
		     "SELECT postings % 16 FROM account WHERE id = (SELECT max(id) FROM account WHERE kind = 0)") == 0)
		FX_OK(bank_deposit(NULL, f->b, w.accts[NACCTS - 1], 1, NULL, NULL));
	w.t1 = fx_now + FX_SEC;
	int64_t accounts = fx_count(f->b, "SELECT count(*) FROM account");
	int64_t unknown = fx_count(f->b, "SELECT count(*) FROM account WHERE postings % 16 <> 0");
	assert_true(unknown > 0 && unknown < accounts);
	downgrade_and_reopen(f, FX_DOWNGRADE_V4);
	FX_EQ(fx_count(f->b, "PRAGMA user_version"), bank_schema_version());
	FX_EQ(fx_count(f->b, "SELECT count(*) FROM account WHERE recent IS NULL"), unknown);
	FX_EQ(fx_count(f->b, "SELECT count(*) FROM account WHERE recent = X''"), accounts - unknown);
	FX_EQ(fx_count(f->b, "SELECT count(*) FROM history WHERE entries IS NOT NULL"), 0);
	fx_verify_clean(f->b);
	check_all(f->b, &w);
	char a[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(f->b, f->customer, FX_USD, a); /* a new account knows its records */
	FX_EQ(fx_count(f->b, "SELECT count(*) FROM account WHERE recent IS NULL"), unknown);
	for (int i = 0; i < 2 * BANK__HISTORY_BLOCK; i++)
		FX_OK(bank_transfer_post(NULL, f->b, w.accts[i % NACCTS], w.accts[(i + 1) % NACCTS], 1, NULL, NULL));
	w.t1 = fx_now + FX_SEC;
	fx_verify_clean(f->b);
	check_all(f->b, &w);
}

/* Balance as of a time, at every posting of an account that spans whole blocks: before
 * its first posting (no block before), at each block's first posting (the block before
 * gives it) and inside blocks and the recent postings; with and without records. */
static void test_history__balance_at_each_posting(void **state)
{
	fx *f = *state;
	for (int records = 1; records >= 0; records--) {
		if (!records) /* the same answers from the chain */
			strip_records(f->b);
		static char a[BANK_ACCOUNT_NUMBER_SIZE];
		static bank_time at[3 * BANK__HISTORY_BLOCK + 5];
		if (records) {
			fx_open_account(f->b, f->customer, FX_USD, a);
			fx_advance(1);
			for (int i = 0; i < 3 * BANK__HISTORY_BLOCK + 5; i++) {
				at[i] = fx_now;
				FX_OK(bank_deposit(NULL, f->b, a, i + 1, NULL, NULL));
				FX_OK(bank_deposit(NULL, f->b, f->a1, 1, NULL, NULL)); /* other rows between */
				fx_advance(1);
			}
		}
		int64_t want = 0;
		for (int i = 0; i < 3 * BANK__HISTORY_BLOCK + 5; i++) {
			int64_t got = -1;
			FX_OK(bank_balance_at(&got, f->b, a, at[i]));
			FX_EQ(got, want);
			want += i + 1;
		}
		int64_t got = -1;
		FX_OK(bank_balance_at(&got, f->b, a, fx_now));
		FX_EQ(got, want);
		fx_verify_clean(f->b);
	}
}

/* Each posting adds one history row per BANK__HISTORY_BLOCK postings of an account, no more. */
static void test_history__one_row_per_block(void **state)
{
	fx *f = *state;
	int64_t before = fx_count(f->b, "SELECT count(*) FROM history");
	char a[BANK_ACCOUNT_NUMBER_SIZE];
	fx_open_account(f->b, f->customer, FX_USD, a);
	for (int i = 1; i <= 3 * BANK__HISTORY_BLOCK; i++) {
		FX_OK(bank_deposit(NULL, f->b, a, 1, NULL, NULL));
		char sql[160];
		snprintf(sql, sizeof sql,
			 "SELECT count(*) FROM history h JOIN account a ON a.id = h.account_id WHERE a.number = '%s'",
			 a);
		FX_EQ(fx_count(f->b, sql), i / BANK__HISTORY_BLOCK);
	}
	/* holds are not postings: they neither chain nor count */
	int64_t n = fx_count(f->b, "SELECT sum(postings) FROM account");
	FX_OK(bank_hold(NULL, f->b, a, NULL, 5, 0, "hh", NULL));
	FX_EQ(fx_count(f->b, "SELECT sum(postings) FROM account"), n);
	FX_EQ(fx_count(f->b, "SELECT count(*) FROM transfer WHERE posted = 0 AND debit_prev IS NOT NULL"), 0);
	assert_true(fx_count(f->b, "SELECT count(*) FROM history") > before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_history__matches_journal, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_history__migrates_v2, fx_setup_file, fx_teardown),
		cmocka_unit_test_setup_teardown(test_history__matches_journal_plain, setup_plain, fx_teardown),
		cmocka_unit_test_setup_teardown(test_history__mixed_handles, fx_setup_file, fx_teardown),
		cmocka_unit_test_setup_teardown(test_history__without_records, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_history__migrates_v3, fx_setup_file, fx_teardown),
		cmocka_unit_test_setup_teardown(test_history__balance_at_each_posting, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_history__one_row_per_block, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests_name("history", tests, NULL, NULL);
}
