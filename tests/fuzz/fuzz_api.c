/*
 * fuzz_api.c: libFuzzer harness that drives the public API with a sequence of operations
 * decoded from the input, on a fresh in-memory bank, and checks the ledger's invariants.
 *
 * Each input starts from the same ":memory:" bank (injected clock, seeded ids): branch HQ;
 * products SAV (USD savings, minimum balance 1.00, 2.5%), CUR (USD current, overdraft
 * 50.00) and EUR (EUR savings); one customer; accounts A0 (SAV), A1 (SAV), A2 (CUR),
 * A3 (EUR), funded. Then every byte group is an operation: deposit, withdraw, transfer,
 * hold (with or without expiry), post (whole or partial), void, reverse, batch (1-4
 * items, linked chains, deposits/withdrawals/transfers), freeze, unfreeze, close, edit a
 * product's minimum balance or overdraft, advance the clock, sweep holds, an interest run
 * (two accounts per transaction, sometimes interrupted by the test hook and resumed by a
 * later run) or settlement, reads (balance, statement, transfer), and a replay of the last
 * successful movement. Accounts come from a pool (the four, the cash vault, a number
 * with bad check digits, an unknown number), transfer ids from a pool of 12 (so replays
 * and conflicts happen) or NULL, amounts are small with a few edge values (0, -1, huge).
 *
 * Checked after every call (abort() when broken): the return code is BANK_OK or a
 * defined failure repeated by bank_error_last() with a message; a failure hands back no
 * record; a refusal adds no journal row; a success adds exactly the rows it reports as
 * created (a replay adds none); a replay of a succeeded request answers "exists".
 * Checked after every input: bank_verify() finds nothing, every journal row has its
 * audit record (its own, or its batch's), and the trial balance's debits equal its credits per currency.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "bank.h"
#include "internal.h"

#define CHECK(cond, ...)                                           \
	do {                                                       \
		if (!(cond)) {                                     \
			fprintf(stderr, "fuzz_api: " __VA_ARGS__); \
			fputc('\n', stderr);                       \
			abort();                                   \
		}                                                  \
	} while (0)

#define T0 ((bank_time)1772442000 * 1000000) /* 2026-03-02T09:00:00Z */
#define DAY ((bank_time)86400 * 1000000)
#define NACCT 4

static bank_time now_us;

static bank_time clock_fn(void *ctx)
{
	(void)ctx;
	return now_us;
}

/* The input, read byte by byte; zeros once it runs out. */
struct in {
	const uint8_t *p;
	size_t n;
};

static unsigned next(struct in *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

struct world {
	bank *b;
	char acct[NACCT][BANK_ACCOUNT_NUMBER_SIZE];
	char cash[BANK_ACCOUNT_NUMBER_SIZE];
	int op;
	/* The last movement that succeeded with a client id, to replay. */
	int have_last;
	int last_kind;
	char last_a[BANK_ACCOUNT_NUMBER_SIZE], last_c[BANK_ACCOUNT_NUMBER_SIZE];
	int last_a_null, last_c_null;
	int64_t last_amount, last_expires;
	char last_id[16], last_ref[16];
};

enum { OP_DEPOSIT, OP_WITHDRAW, OP_TRANSFER, OP_HOLD, OP_POST, OP_VOID, OP_REVERSE, OP_BATCH, OP_NKINDS };

static int64_t rows(bank *b)
{
	sqlite3_stmt *st = NULL;
	CHECK(sqlite3_prepare_v2(b->db, "SELECT count(*) FROM transfer", -1, &st, NULL) == SQLITE_OK, "prepare");
	CHECK(sqlite3_step(st) == SQLITE_ROW, "count");
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void check_rc(struct world *w, int rc, const char *what)
{
	if (rc == BANK_OK)
		return;
	const bank_error *e = bank_error_last();
	CHECK(rc < 0 && rc >= BANK_ERROR_MIN, "op %d %s: returned %d", w->op, what, rc);
	CHECK(e->code == rc, "op %d %s: returned %s, bank_error_last() says %s", w->op, what, bank_error_name(rc),
	      bank_error_name(e->code));
	CHECK(e->message != NULL && e->message[0] != '\0', "op %d %s: %s without a message", w->op, what,
	      bank_error_name(rc));
	CHECK(rc != BANK_EIO && rc != BANK_ECORRUPT && rc != BANK_EMISUSE && rc != BANK_ENOMEM && rc != BANK_EBUSY,
	      "op %d %s: %s: %s", w->op, what, bank_error_name(rc), e->message);
}

static const char *pick_account(struct world *w, struct in *in)
{
	unsigned v = next(in) % 16;
	if (v < 12)
		return w->acct[v % NACCT];
	if (v == 12)
		return w->cash;
	if (v == 13)
		return "123456789012"; /* wrong check digits */
	if (v == 14)
		return "000000000001"; /* valid form, no such account */
	return NULL;
}

static const char *pick_id(struct in *in, char *buf, size_t size)
{
	unsigned v = next(in) % 16;
	if (v >= 12)
		return NULL;
	snprintf(buf, size, "t%u", v);
	return buf;
}

static int64_t pick_amount(struct in *in)
{
	unsigned v = next(in);
	switch (v % 32) {
	case 0: return 0;
	case 1: return -1;
	case 2: return INT64_MAX;
	case 3: return INT64_C(1) << 62;
	default: return (int64_t)(v / 4 + 1) * (int64_t)(1 + next(in) % 100);
	}
}

static void remember(struct world *w, int kind, const char *a, const char *c, int64_t amount, int64_t expires,
		     const char *id, const char *ref)
{
	if (id == NULL)
		return;
	w->have_last = 1;
	w->last_kind = kind;
	w->last_a_null = a == NULL;
	w->last_c_null = c == NULL;
	snprintf(w->last_a, sizeof w->last_a, "%s", a ? a : "");
	snprintf(w->last_c, sizeof w->last_c, "%s", c ? c : "");
	w->last_amount = amount;
	w->last_expires = expires;
	snprintf(w->last_id, sizeof w->last_id, "%s", id);
	snprintf(w->last_ref, sizeof w->last_ref, "%s", ref ? ref : "");
}

/* One movement; checks the journal moved as the result says. */
static void movement(struct world *w, int kind, const char *a, const char *c, int64_t amount, int64_t expires,
		     const char *id, const char *ref, int replay)
{
	bank *b = w->b;
	int64_t before = rows(b);
	bank_transfer *t = NULL;
	int rc;
	bank_error_clear();
	switch (kind) {
	case OP_DEPOSIT: rc = bank_deposit(&t, b, a, amount, id, NULL); break;
	case OP_WITHDRAW: rc = bank_withdraw(&t, b, a, amount, id, NULL); break;
	case OP_TRANSFER: rc = bank_transfer_post(&t, b, a, c, amount, id, NULL); break;
	case OP_HOLD: rc = bank_hold(&t, b, a, c, amount, expires, id, NULL); break;
	case OP_POST: rc = bank_hold_post(&t, b, ref, amount, id); break;
	case OP_VOID: rc = bank_hold_void(&t, b, ref, id); break;
	default: rc = bank_reverse(&t, b, ref, id); break;
	}
	check_rc(w, rc, replay ? "replay" : "movement");
	int64_t after = rows(b);
	if (rc != BANK_OK) {
		CHECK(t == NULL, "op %d: failed with a transfer record", w->op);
		CHECK(after == before, "op %d: refused (%s) but the journal grew by %lld", w->op, bank_error_name(rc),
		      (long long)(after - before));
		CHECK(!replay, "op %d: replaying a request that succeeded gave %s: %s", w->op, bank_error_name(rc),
		      bank_error_last()->message);
		return;
	}
	CHECK(t != NULL && t->id != NULL && t->id[0] != '\0' && t->amount > 0, "op %d: a success with a bad record",
	      w->op);
	CHECK(id == NULL || strcmp(t->id, id) == 0, "op %d: asked for id %s, got %s", w->op, id, t->id);
	if (t->status == BANK_TRANSFER_CREATED)
		CHECK(after == before + 1, "op %d: created but the journal grew by %lld", w->op,
		      (long long)(after - before));
	else
		CHECK(after == before, "op %d: exists but the journal grew by %lld", w->op,
		      (long long)(after - before));
	CHECK(!replay || t->status == BANK_TRANSFER_EXISTS, "op %d: a replay created %s", w->op, t->id);
	if (!replay)
		remember(w, kind, a, c, amount, expires, id, ref);
	bank_transfer_free(t);
}

static void batch(struct world *w, struct in *in)
{
	size_t n = 1 + next(in) % 4;
	bank_transfer_request req[4];
	char ids[4][16];
	bank_transfer_request r0 = BANK_TRANSFER_REQUEST_INIT;
	for (size_t i = 0; i < n; i++) {
		req[i] = r0;
		unsigned shape = next(in) % 4;
		req[i].debit = shape == 0 ? NULL : pick_account(w, in);
		req[i].credit = shape == 1 ? NULL : pick_account(w, in);
		req[i].amount = pick_amount(in);
		req[i].id = pick_id(in, ids[i], sizeof ids[i]);
		req[i].linked = next(in) % 3 == 0;
	}
	int64_t before = rows(w->b);
	bank_batch_results *res = NULL;
	bank_error_clear();
	int rc = bank_transfer_batch(&res, w->b, req, n);
	check_rc(w, rc, "batch");
	int64_t after = rows(w->b);
	if (rc != BANK_OK) {
		CHECK(res == NULL && after == before, "op %d: a refused batch left results or rows", w->op);
		return;
	}
	CHECK(res != NULL && res->count == n, "op %d: batch results", w->op);
	int64_t created = 0;
	size_t failed = 0;
	for (size_t i = 0; i < n; i++) {
		const bank_batch_result *x = &res->items[i];
		CHECK(x->code <= 0 && x->code >= BANK_ERROR_MIN, "op %d: batch item %zu code %d", w->op, i, x->code);
		CHECK(x->message != NULL, "op %d: batch item %zu without a message", w->op, i);
		if (x->code == BANK_OK) {
			CHECK(x->transfer != NULL && x->transfer->amount > 0,
			      "op %d: batch item %zu ok without a transfer", w->op, i);
			created += x->transfer->status == BANK_TRANSFER_CREATED;
		} else {
			CHECK(x->transfer == NULL && x->message[0] != '\0', "op %d: failed batch item %zu", w->op, i);
			failed++;
		}
	}
	/* A linked chain succeeds or fails whole. */
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		while (j + 1 < n && req[j].linked)
			j++;
		if (j > i || req[i].linked)
			for (size_t k = i; k <= j; k++)
				CHECK((res->items[k].code == BANK_OK) == (res->items[i].code == BANK_OK),
				      "op %d: chain %zu..%zu split at item %zu", w->op, i, j, k);
		i = j + 1;
	}
	CHECK(res->failed == failed, "op %d: batch failed = %zu, counted %zu", w->op, res->failed, failed);
	CHECK(after == before + created, "op %d: batch created %lld, journal grew by %lld", w->op, (long long)created,
	      (long long)(after - before));
	bank_batch_results_free(res);
}

/* Opens and fills the template bank (once per process). */
static void populate(struct world *w)
{
	bank *b = w->b;
	CHECK(bank_branch_add(NULL, b, "HQ", "Head Office", NULL) == BANK_OK, "branch");
	static const struct {
		const char *code, *cur;
		bank_product_kind kind;
		int64_t min, od, rate;
	} prods[] = {{"SAV", "USD", BANK_PRODUCT_SAVINGS, 100, 0, 2500000},
		     {"CUR", "USD", BANK_PRODUCT_CURRENT, 0, 5000, 0},
		     {"EUR", "EUR", BANK_PRODUCT_SAVINGS, 0, 0, 1000000}};
	for (size_t i = 0; i < 3; i++) {
		bank_product_spec ps = BANK_PRODUCT_SPEC_INIT;
		ps.code = prods[i].code;
		ps.name = prods[i].code;
		ps.kind = prods[i].kind;
		ps.currency = prods[i].cur;
		ps.min_balance = prods[i].min;
		ps.overdraft = prods[i].od;
		ps.rate = prods[i].rate;
		CHECK(bank_product_add(NULL, b, &ps) == BANK_OK, "product: %s", bank_error_last()->message);
	}
	bank_customer_spec cs = BANK_CUSTOMER_SPEC_INIT;
	cs.name = "Fuzz";
	bank_customer *c = NULL;
	CHECK(bank_customer_add(&c, b, &cs) == BANK_OK, "customer");
	static const char *const prod_of[NACCT] = {"SAV", "SAV", "CUR", "EUR"};
	static const int64_t funds[NACCT] = {10000, 5000, 0, 7000};
	for (int i = 0; i < NACCT; i++) {
		bank_account *a = NULL;
		CHECK(bank_account_open(&a, b, c->id, prod_of[i], "HQ") == BANK_OK, "account");
		memcpy(w->acct[i], a->number, sizeof w->acct[i]);
		bank_account_free(a);
		if (funds[i])
			CHECK(bank_deposit(NULL, b, w->acct[i], funds[i], NULL, NULL) == BANK_OK, "deposit");
	}
	bank_customer_free(c);
	bank_account *cash = NULL;
	CHECK(bank_account_internal(&cash, b, "HQ", "USD", BANK_ACCOUNT_CASH) == BANK_OK, "cash");
	memcpy(w->cash, cash->number, sizeof w->cash);
	bank_account_free(cash);
}

static bank *open_memory(void)
{
	bank_options o;
	CHECK(bank_options_init(&o, BANK_OPTIONS_VERSION) == BANK_OK, "options");
	o.clock = clock_fn;
	o.id_seeded = 1;
	o.id_seed = 42;
	bank *b = NULL;
	CHECK(bank_open(&b, ":memory:", &o) == BANK_OK, "open: %s", bank_error_last()->message);
	return b;
}

/*
 * Every input starts from the same bank. Opening and filling a bank per input costs
 * ~50 ms under ASan (a fresh connection's memory each time), so the filled bank is made
 * once, kept as a template, and copied into the working handle with SQLite's backup API
 * before each input; the handle's own state (clock high-water mark, id generator) is
 * reset to what a freshly opened handle has.
 */
static void setup(struct world *w)
{
	static struct world tmpl;
	static bank *work;
	if (tmpl.b == NULL) {
		now_us = T0;
		tmpl.b = open_memory();
		populate(&tmpl);
		work = open_memory();
	}
	memset(w, 0, sizeof *w);
	memcpy(w->acct, tmpl.acct, sizeof w->acct);
	memcpy(w->cash, tmpl.cash, sizeof w->cash);
	w->b = work;
	sqlite3_backup *bk = sqlite3_backup_init(work->db, "main", tmpl.b->db, "main");
	CHECK(bk != NULL, "backup_init: %s", sqlite3_errmsg(work->db));
	CHECK(sqlite3_backup_step(bk, -1) == SQLITE_DONE, "backup_step: %s", sqlite3_errmsg(work->db));
	CHECK(sqlite3_backup_finish(bk) == SQLITE_OK, "backup_finish");
	CHECK(work->tx_depth == 0, "a transaction left open");
	work->last_now = 0;
	bank__rng_init(&work->rng, true, 42);
	memset(work->last_uuid, 0, sizeof work->last_uuid);
	bank__numcache_free(work); /* a fresh handle's empty cache */
	work->seq_at_valid = false;
	CHECK(bank_principal_set_system(work) == BANK_OK, "principal");
	bank__interest_test_batch = 2; /* runs over the 4 accounts take several transactions */
	bank__interest_test_stop_after = 0;
	now_us = T0 + 60 * (bank_time)1000000;
}

static void final_checks(struct world *w)
{
	bank *b = w->b;
	bank_verify_report *r = NULL;
	int rc = bank_verify(&r, b);
	if (rc != BANK_OK || r == NULL || r->count != 0) {
		for (size_t i = 0; r != NULL && i < r->count && i < 20; i++)
			fprintf(stderr, "fuzz_api: verify: %s %s: %s\n", r->items[i].check, r->items[i].object,
				r->items[i].message);
		CHECK(0, "bank_verify returned %s after %d ops", bank_error_name(rc), w->op);
	}
	bank_verify_report_free(r);
	sqlite3_stmt *st = NULL;
	/* Every journal row has its audit record: its own ("transfer:ID"), or its batch's,
	 * whose details give the journal positions it covers (first_seq..last_seq). The
	 * journal is small here: a plain join will do. */
	CHECK(sqlite3_prepare_v2(b->db,
				 "SELECT count(*) FROM transfer t WHERE NOT EXISTS"
				 " (SELECT 1 FROM audit a WHERE a.object = 'transfer:' || t.id) AND NOT EXISTS"
				 " (SELECT 1 FROM audit a WHERE a.action = 'ledger.batch'"
				 " AND t.seq BETWEEN json_extract(a.details, '$.first_seq')"
				 " AND json_extract(a.details, '$.last_seq'))",
				 -1, &st, NULL) == SQLITE_OK,
	      "prepare");
	CHECK(sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) == 0, "journal rows without audit record");
	sqlite3_finalize(st);
	bank_trial_balance *tb = NULL;
	CHECK(bank_trial_balance_get(&tb, b) == BANK_OK, "trial balance: %s", bank_error_last()->message);
	for (size_t i = 0; i < tb->total_count; i++)
		CHECK(tb->totals[i].debit == tb->totals[i].credit, "trial balance %s: debit %lld credit %lld",
		      tb->totals[i].currency, (long long)tb->totals[i].debit, (long long)tb->totals[i].credit);
	bank_trial_balance_free(tb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	struct world w;
	setup(&w);
	/* Half the inputs post with posting records kept (bank_options.statement_records):
	 * the last byte's high bit, so that both ways meet verify after every call. */
	w.b->statement_records = size > 0 && (data[size - 1] & 0x80) != 0;
	struct in in = {data, size};
	char idbuf[16], refbuf[16];
	while (in.n > 0 && w.op < 200) {
		w.op++;
		unsigned op = next(&in) % 24;
		const char *a, *c, *id, *ref;
		int64_t amount;
		int rc;
		switch (op) {
		case 0:
		case 1:
			a = pick_account(&w, &in);
			movement(&w, OP_DEPOSIT, a, NULL, pick_amount(&in), 0, pick_id(&in, idbuf, sizeof idbuf), NULL,
				 0);
			break;
		case 2:
			a = pick_account(&w, &in);
			movement(&w, OP_WITHDRAW, a, NULL, pick_amount(&in), 0, pick_id(&in, idbuf, sizeof idbuf), NULL,
				 0);
			break;
		case 3:
		case 4:
		case 5:
			a = pick_account(&w, &in);
			c = pick_account(&w, &in);
			movement(&w, OP_TRANSFER, a, c, pick_amount(&in), 0, pick_id(&in, idbuf, sizeof idbuf), NULL,
				 0);
			break;
		case 6:
		case 7: {
			a = pick_account(&w, &in);
			c = next(&in) % 2 ? NULL : pick_account(&w, &in);
			amount = pick_amount(&in);
			int64_t expires = next(&in) % 3 == 0 ? 1 + next(&in) % 120 : 0;
			movement(&w, OP_HOLD, a, c, amount, expires, pick_id(&in, idbuf, sizeof idbuf), NULL, 0);
			break;
		}
		case 8:
			ref = pick_id(&in, refbuf, sizeof refbuf);
			amount = next(&in) % 2 ? 0 : pick_amount(&in);
			id = pick_id(&in, idbuf, sizeof idbuf);
			if (ref != NULL)
				movement(&w, OP_POST, NULL, NULL, amount, 0, id, ref, 0);
			break;
		case 9:
			ref = pick_id(&in, refbuf, sizeof refbuf);
			id = pick_id(&in, idbuf, sizeof idbuf);
			if (ref != NULL)
				movement(&w, OP_VOID, NULL, NULL, 0, 0, id, ref, 0);
			break;
		case 10:
			ref = pick_id(&in, refbuf, sizeof refbuf);
			id = pick_id(&in, idbuf, sizeof idbuf);
			if (ref != NULL)
				movement(&w, OP_REVERSE, NULL, NULL, 0, 0, id, ref, 0);
			break;
		case 11:
		case 12: batch(&w, &in); break;
		case 13:
			a = pick_account(&w, &in);
			rc = bank_account_freeze(w.b, a, 1 + next(&in) % 3);
			check_rc(&w, rc, "freeze");
			break;
		case 14:
			rc = bank_account_unfreeze(w.b, pick_account(&w, &in));
			check_rc(&w, rc, "unfreeze");
			break;
		case 15:
			rc = bank_account_close(w.b, pick_account(&w, &in), next(&in) % 4 ? "fuzz" : NULL);
			check_rc(&w, rc, "close");
			break;
		case 16: {
			char v[32];
			snprintf(v, sizeof v, "%u.%02u", next(&in) % 100, next(&in) % 100);
			rc = bank_product_edit(w.b, next(&in) % 2 ? "SAV" : "CUR",
					       next(&in) % 2 ? "min_balance" : "overdraft", v);
			check_rc(&w, rc, "product edit");
			break;
		}
		case 17: now_us += (bank_time)(next(&in) % 4) * DAY + (bank_time)next(&in) * 60 * 1000000; break;
		case 18: {
			size_t released = 0;
			rc = bank_hold_sweep(&released, w.b);
			check_rc(&w, rc, "sweep");
			break;
		}
		case 19: {
			/* Sometimes interrupted after 1-2 of its transactions (the test hook), to be
			 * resumed by a later run: each transaction must be consistent on its own. */
			bank_date today = bank_date_of(w.b, bank_now(w.b));
			bank_interest_run_result res;
			unsigned v = next(&in);
			bank__interest_test_stop_after = v % 4 == 0 ? 1 + v / 4 % 2 : 0;
			rc = bank_interest_run(&res, w.b, today - 1 - (bank_date)(next(&in) % 3));
			int interrupted = bank__interest_test_stop_after > 0 && rc == BANK_EIO;
			bank__interest_test_stop_after = 0;
			if (!interrupted)
				check_rc(&w, rc, "interest run");
			break;
		}
		case 20: {
			bank_transfer *t = NULL;
			rc = bank_interest_settle(&t, w.b, pick_account(&w, &in));
			check_rc(&w, rc, "interest settle");
			bank_transfer_free(t);
			break;
		}
		case 21: {
			bank_balance bal;
			a = pick_account(&w, &in);
			if (a != NULL) {
				rc = bank_balance_get(&bal, w.b, a);
				check_rc(&w, rc, "balance");
			}
			bank_statement *s = NULL;
			rc = bank_statement_get(&s, w.b, pick_account(&w, &in), 0, 0, 1 + next(&in) % 5, NULL);
			check_rc(&w, rc, "statement");
			if (rc == BANK_OK && s->next != NULL) {
				bank_statement *s2 = NULL;
				rc = bank_statement_get(&s2, w.b, s->account, 0, 0, 3, s->next);
				check_rc(&w, rc, "statement page 2");
				bank_statement_free(s2);
			}
			bank_statement_free(s);
			bank_transfer *t = NULL;
			rc = bank_transfer_get(&t, w.b, pick_id(&in, idbuf, sizeof idbuf) ? idbuf : "t0");
			check_rc(&w, rc, "transfer get");
			bank_transfer_free(t);
			break;
		}
		default: /* 22, 23: replay the last movement that succeeded with a client id */
			if (w.have_last)
				movement(&w, w.last_kind, w.last_a_null ? NULL : w.last_a,
					 w.last_c_null ? NULL : w.last_c, w.last_amount, w.last_expires, w.last_id,
					 w.last_ref[0] ? w.last_ref : NULL, 1);
			break;
		}
	}
	final_checks(&w);
	return 0;
}
