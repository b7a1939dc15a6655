/*
 * fixture.c: the shared unit-test fixture (see fixture.h).
 *
 * The snapshot behind FX_REFUSE reads every table of the database through the handle's
 * own connection (tests may use SQLite directly) and hashes every row, so "nothing
 * changed" covers the journal, the audit trail, the account edit history and anything
 * the library adds later, without the tests knowing the schema.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "fixture.h"
#include "internal.h"

bank_time fx_now = FX_T0;

bank_time fx_clock(void *ctx)
{
	(void)ctx;
	return fx_now;
}

void fx_advance(int64_t seconds)
{
	fx_now += seconds * FX_SEC;
}

void fx_eq_i64(int64_t a, int64_t b, const char *sa, const char *sb, const char *file, int line)
{
	if (a == b)
		return;
	print_error("%s == %s: %" PRId64 " != %" PRId64 "\n", sa, sb, a, b);
	_fail(file, line);
}

void fx_expect_code(int rc, int code, const char *what, const char *file, int line)
{
	const bank_error *e = bank_error_last();
	if (rc != code) {
		print_error("%s\n  expected %s (%d), got %s (%d); last error: %s \"%s\"\n", what, bank_error_name(code),
			    code, bank_error_name(rc), rc, bank_error_name(e->code),
			    e->message ? e->message : "(null)");
		_fail(file, line);
	}
	if (code == BANK_OK)
		return;
	if (e == NULL || e->message == NULL) {
		print_error("%s: bank_error_last() or its message is NULL\n", what);
		_fail(file, line);
	}
	if (e->code != code) {
		print_error("%s: returned %s but bank_error_last() says %s \"%s\"\n", what, bank_error_name(code),
			    bank_error_name(e->code), e->message);
		_fail(file, line);
	}
	if (e->message[0] == '\0') {
		print_error("%s: refused with %s but without a message\n", what, bank_error_name(code));
		_fail(file, line);
	}
}

/* ---- Temp files ---- */

void fx_tmpdir(char *dir, size_t size)
{
	const char *base = getenv("TMPDIR");
	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	int n = snprintf(dir, size, "%s/libbank-ut-XXXXXX", base);
	assert_true(n > 0 && (size_t)n < size);
	assert_non_null(mkdtemp(dir));
}

void fx_rmdir(const char *dir)
{
	if (dir == NULL || dir[0] == '\0')
		return;
	DIR *d = opendir(dir);
	if (d != NULL) {
		struct dirent *e;
		char p[512];
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
			unlink(p);
		}
		closedir(d);
	}
	rmdir(dir);
}

struct sqlite3 *fx_sqlite(bank *b)
{
	return b->db;
}

/* ---- Opening ---- */

int fx_statement_records = 1;

void fx_options(bank_options *o)
{
	assert_int_equal(bank_options_init(o, BANK_OPTIONS_VERSION), BANK_OK);
	o->clock = fx_clock;
	o->clock_ctx = NULL;
	o->id_seeded = 1;
	o->id_seed = FX_SEED;
	o->statement_records = fx_statement_records;
}

bank *fx_open_bare(const char *path, uint64_t seed)
{
	bank_options o;
	fx_options(&o);
	o.id_seed = seed;
	bank *b = NULL;
	FX_OK(bank_open(&b, path, &o));
	assert_non_null(b);
	return b;
}

static void populate(fx *f)
{
	bank *b = f->b;
	FX_OK(bank_branch_add(NULL, b, FX_BRANCH, "Head Office", "1 Main Street"));
	fx_product(b, FX_USD, "USD", BANK_PRODUCT_SAVINGS, 0, 0);
	fx_product(b, FX_EUR, "EUR", BANK_PRODUCT_SAVINGS, 0, 0);

	bank_customer_spec cs = BANK_CUSTOMER_SPEC_INIT;
	cs.name = "Alice Example";
	cs.email = "alice@example.com";
	bank_customer *c = NULL;
	FX_OK(bank_customer_add(&c, b, &cs));
	assert_non_null(c);
	f->customer = c->id;
	bank_customer_free(c);

	fx_open_account(b, f->customer, FX_USD, f->a1);
	fx_open_account(b, f->customer, FX_USD, f->a2);
	FX_OK(bank_deposit(NULL, b, f->a1, FX_A1_FUNDS, "fx-fund-1", "opening deposit"));
	FX_OK(bank_deposit(NULL, b, f->a2, FX_A2_FUNDS, "fx-fund-2", "opening deposit"));

	bank_account *cash = NULL;
	FX_OK(bank_account_internal(&cash, b, FX_BRANCH, "USD", BANK_ACCOUNT_CASH));
	assert_non_null(cash);
	memcpy(f->cash, cash->number, sizeof f->cash);
	bank_account_free(cash);
}

static int setup(void **state, int file)
{
	fx *f = calloc(1, sizeof *f);
	assert_non_null(f);
	fx_now = FX_T0;
	if (file) {
		fx_tmpdir(f->dir, sizeof f->dir);
		snprintf(f->path, sizeof f->path, "%s/bank.db", f->dir);
	} else {
		snprintf(f->path, sizeof f->path, ":memory:");
	}
	f->b = fx_open_bare(f->path, FX_SEED);
	populate(f);
	fx_advance(60);
	bank_error_clear();
	*state = f;
	return 0;
}

int fx_setup(void **state)
{
	return setup(state, 0);
}

int fx_setup_file(void **state)
{
	return setup(state, 1);
}

int fx_teardown(void **state)
{
	fx *f = *state;
	if (f == NULL)
		return 0;
	bank_close(f->b);
	fx_rmdir(f->dir);
	free(f);
	*state = NULL;
	return 0;
}

void fx_reopen(fx *f)
{
	assert_true(f->dir[0] != '\0');
	bank_close(f->b);
	f->b = fx_open_bare(f->path, FX_SEED + 1);
}

/* ---- Shortcuts ---- */

void fx_product(bank *b, const char *code, const char *currency, bank_product_kind kind, int64_t min_balance,
		int64_t overdraft)
{
	bank_product_spec ps = BANK_PRODUCT_SPEC_INIT;
	ps.code = code;
	ps.name = code;
	ps.kind = kind;
	ps.currency = currency;
	ps.min_balance = min_balance;
	ps.overdraft = overdraft;
	ps.rate = strcmp(currency, "USD") == 0 ? 2500000 : 1000000;
	FX_OK(bank_product_add(NULL, b, &ps));
}

void fx_open_account(bank *b, int64_t customer, const char *product, char out[BANK_ACCOUNT_NUMBER_SIZE])
{
	bank_account *a = NULL;
	FX_OK(bank_account_open(&a, b, customer, product, FX_BRANCH));
	assert_non_null(a);
	assert_int_equal(strlen(a->number), BANK_ACCOUNT_NUMBER_LEN);
	memcpy(out, a->number, BANK_ACCOUNT_NUMBER_SIZE);
	bank_account_free(a);
}

void fx_deposit(bank *b, const char *account, int64_t amount)
{
	FX_OK(bank_deposit(NULL, b, account, amount, NULL, NULL));
}

static bank_balance balance_of(bank *b, const char *account)
{
	bank_balance bal;
	memset(&bal, 0, sizeof bal);
	FX_OK(bank_balance_get(&bal, b, account));
	return bal;
}

int64_t fx_balance(bank *b, const char *account)
{
	return balance_of(b, account).balance;
}

int64_t fx_pending(bank *b, const char *account)
{
	return balance_of(b, account).pending;
}

int64_t fx_available(bank *b, const char *account)
{
	return balance_of(b, account).available;
}

int64_t fx_audit_count(bank *b)
{
	int64_t n = 0, after = 0;
	for (;;) {
		bank_audit_page *p = NULL;
		FX_OK(bank_audit_get(&p, b, after, NULL, 10000));
		assert_non_null(p);
		n += (int64_t)p->count;
		after = p->next;
		if (p->count > 0 && after == 0)
			after = p->entries[p->count - 1].seq;
		int last = p->next == 0;
		bank_audit_page_free(p);
		if (last)
			break;
	}
	return n;
}

int64_t fx_audit_last_seq(bank *b)
{
	int64_t after = 0;
	for (;;) {
		bank_audit_page *p = NULL;
		FX_OK(bank_audit_get(&p, b, after, NULL, 10000));
		assert_non_null(p);
		if (p->count > 0)
			after = p->entries[p->count - 1].seq;
		int last = p->next == 0;
		bank_audit_page_free(p);
		if (last)
			break;
	}
	return after;
}

int64_t fx_audit_find(bank *b, int64_t after, const char *action, ...)
{
	int64_t found = 0;
	for (;;) {
		bank_audit_page *p = NULL;
		FX_OK(bank_audit_get(&p, b, after, NULL, 10000));
		assert_non_null(p);
		for (size_t i = 0; i < p->count && found == 0; i++) {
			const bank_audit_entry *e = &p->entries[i];
			assert_non_null(e->action);
			assert_non_null(e->details);
			if (strstr(e->action, action) == NULL)
				continue;
			va_list ap;
			va_start(ap, action);
			int all = 1;
			for (const char *s = va_arg(ap, const char *); s != NULL; s = va_arg(ap, const char *))
				if (strstr(e->details, s) == NULL &&
				    (e->object == NULL || strstr(e->object, s) == NULL))
					all = 0;
			va_end(ap);
			if (all) {
				found = e->seq;
				assert_non_null(e->principal);
				assert_string_equal(e->principal, bank_principal(b));
			}
		}
		if (p->count > 0)
			after = p->entries[p->count - 1].seq;
		int last = p->next == 0 || found != 0;
		bank_audit_page_free(p);
		if (last)
			break;
	}
	return found;
}

int64_t fx_count(bank *b, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(fx_sqlite(b), sql, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		print_error("%s: %s\n", sql, sqlite3_errmsg(fx_sqlite(b)));
		fail();
	}
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

size_t fx_check_balance_after(bank *b, const char *account)
{
	int64_t running = 0;
	size_t total = 0;
	char cursor[256] = "";
	for (;;) {
		bank_statement *s = NULL;
		FX_OK(bank_statement_get(&s, b, account, 0, 0, 1000, cursor[0] ? cursor : NULL));
		assert_non_null(s);
		for (size_t i = 0; i < s->count; i++) {
			running += s->entries[i].amount;
			if (s->entries[i].balance_after != running) {
				print_error("account %s, entry %zu (seq %" PRId64 ", id %s): balance_after %" PRId64
					    ", running sum %" PRId64 "\n",
					    account, total + i, s->entries[i].seq, s->entries[i].id,
					    s->entries[i].balance_after, running);
				fail();
			}
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
	bank_account *a = NULL;
	FX_OK(bank_account_get(&a, b, account));
	FX_EQ(running, a->balance);
	bank_account_free(a);
	return total;
}

void fx_verify_clean(bank *b)
{
	bank_verify_report *r = NULL;
	int rc = bank_verify(&r, b);
	if (rc != BANK_OK && r != NULL)
		for (size_t i = 0; i < r->count; i++)
			print_error("violation %s %s: %s\n", r->items[i].check, r->items[i].object,
				    r->items[i].message);
	FX_OK(rc);
	assert_non_null(r);
	assert_int_equal(r->count, 0);
	bank_verify_report_free(r);
}

void fx_number_make(uint64_t base, char out[BANK_ACCOUNT_NUMBER_SIZE])
{
	base %= 10000000000ull;
	unsigned check = 98 - (unsigned)((base * 100) % 97);
	snprintf(out, BANK_ACCOUNT_NUMBER_SIZE, "%010" PRIu64 "%02u", base, check);
}

/* ---- Snapshots ---- */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++) {
		h ^= c[i];
		h *= 1099511628211ull;
	}
	return h;
}

static void table_state(sqlite3 *db, fx_table *t)
{
	char sql[160];
	sqlite3_stmt *st = NULL;
	snprintf(sql, sizeof sql, "SELECT * FROM \"%s\" ORDER BY rowid", t->name);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", t->name);
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	}
	uint64_t h = 14695981039346656037ull;
	int64_t rows = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rows++;
		int n = sqlite3_column_count(st);
		for (int i = 0; i < n; i++) {
			int type = sqlite3_column_type(st, i);
			h = fnv(h, &type, sizeof type);
			const void *v = sqlite3_column_blob(st, i);
			int len = sqlite3_column_bytes(st, i);
			if (v != NULL)
				h = fnv(h, v, (size_t)len);
		}
	}
	assert_int_equal(rc, SQLITE_DONE);
	sqlite3_finalize(st);
	t->rows = rows;
	t->hash = h;
}

void fx_snap_take(fx_snap *s, bank *b)
{
	memset(s, 0, sizeof *s);
	sqlite3 *db = fx_sqlite(b);
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name", -1,
					    &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		assert_true(s->ntables < sizeof s->tables / sizeof s->tables[0]);
		snprintf(s->tables[s->ntables++].name, sizeof s->tables[0].name, "%s",
			 (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	for (size_t i = 0; i < s->ntables; i++)
		table_state(db, &s->tables[i]);

	bank_account_list *l = NULL;
	FX_OK(bank_account_list_get(&l, b, -1));
	assert_non_null(l);
	assert_true(l->count <= sizeof s->accounts / sizeof s->accounts[0]);
	s->naccounts = l->count;
	for (size_t i = 0; i < l->count; i++) {
		const bank_account *a = l->items[i];
		memcpy(s->accounts[i].number, a->number, sizeof a->number);
		s->accounts[i].balance = a->balance;
		s->accounts[i].pending = a->pending;
		snprintf(s->accounts[i].status, sizeof s->accounts[i].status, "%s", a->status);
		s->accounts[i].frozen = a->frozen;
	}
	bank_account_list_free(l);
	s->audit_count = fx_audit_count(b);
}

fx_snap *fx_snap_new(bank *b)
{
	fx_snap *s = malloc(sizeof *s);
	assert_non_null(s);
	fx_snap_take(s, b);
	return s;
}

void fx_snap_free(fx_snap *s)
{
	free(s);
}

void fx_snap_check(const fx_snap *s, bank *b, const char *what, const char *file, int line)
{
	fx_snap *now = fx_snap_new(b);
	int bad = 0;
	if (now->naccounts != s->naccounts) {
		print_error("%s changed the number of accounts: %zu -> %zu\n", what, s->naccounts, now->naccounts);
		bad = 1;
	} else {
		for (size_t i = 0; i < s->naccounts; i++) {
			if (strcmp(now->accounts[i].number, s->accounts[i].number) != 0 ||
			    now->accounts[i].balance != s->accounts[i].balance ||
			    now->accounts[i].pending != s->accounts[i].pending ||
			    strcmp(now->accounts[i].status, s->accounts[i].status) != 0 ||
			    now->accounts[i].frozen != s->accounts[i].frozen) {
				print_error("%s changed account %s: balance %" PRId64 " -> %" PRId64
					    ", pending %" PRId64 " -> %" PRId64 ", status %s -> %s\n",
					    what, s->accounts[i].number, s->accounts[i].balance,
					    now->accounts[i].balance, s->accounts[i].pending, now->accounts[i].pending,
					    s->accounts[i].status, now->accounts[i].status);
				bad = 1;
			}
		}
	}
	if (now->audit_count != s->audit_count) {
		print_error("%s changed the audit trail: %" PRId64 " -> %" PRId64 " records\n", what, s->audit_count,
			    now->audit_count);
		bad = 1;
	}
	if (now->ntables != s->ntables) {
		print_error("%s changed the number of tables: %zu -> %zu\n", what, s->ntables, now->ntables);
		bad = 1;
	} else {
		for (size_t i = 0; i < s->ntables; i++)
			if (now->tables[i].rows != s->tables[i].rows || now->tables[i].hash != s->tables[i].hash) {
				print_error("%s changed table %s: %" PRId64 " -> %" PRId64 " rows%s\n", what,
					    s->tables[i].name, s->tables[i].rows, now->tables[i].rows,
					    now->tables[i].rows == s->tables[i].rows ? " (contents differ)" : "");
				bad = 1;
			}
	}
	fx_snap_free(now);
	if (bad)
		_fail(file, line);
}
