/*
 * verify.c: bank_verify(), the whole-database check of the ledger's invariants.
 *
 * One pass over the journal in order, in C with 128-bit sums (so a ledger whose
 * turnover exceeds 64 bits is still checked exactly), against every account loaded
 * into memory (sorted by id, found by binary search; about 64 bytes per account).
 * Checks, each reporting every violation (the first MAX_REPORTED kept; the count stays
 * exact):
 *   amount        every journal row has amount > 0
 *   currency      both accounts of a row exist and are in the row's currency
 *   balance_after every stored balance-after equals the running sum at that row
 *   balance       every stored balance equals the sum of the account's postings
 *   pending       every stored pending amount equals the account's active holds
 *   conservation  per currency, the debit-normal balances equal the credit-normal ones
 *   history       the posting chain (schema.c, v3): each posting links to its account's
 *                 previous one, each account names its last posting and counts them,
 *                 and history indexes exactly every BANK__HISTORY_BLOCK-th posting;
 *                 the posting records (postrec.c, v4) of each history block and of each
 *                 account's recent postings, where known, are those the journal gives
 *                 (compared by a 64-bit FNV-1a hash of their packed form, kept per
 *                 account, so memory stays about 100 bytes per account)
 * It runs in one read transaction, so it sees one consistent snapshot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_REPORTED 10000

void bank_verify_report_free(bank_verify_report *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->count; i++) {
		free((char *)r->items[i].object);
		free((char *)r->items[i].message);
	}
	free(r->items);
	free(r);
}

struct acct {
	int64_t id;
	int kind;
	char number[BANK_ACCOUNT_NUMBER_SIZE];
	char currency[BANK_CURRENCY_SIZE];
	int64_t balance, pending;
	bank__i128 running, holds;
	int64_t last_seq, postings;         /* as stored */
	int64_t run_last_seq, run_postings; /* as the journal says */
	bool recent_known;                  /* account.recent is not NULL */
	uint64_t recent_hash;               /* fnv1a of account.recent */
	uint64_t run_hash;                  /* fnv1a of the records the journal gives since the last block */
};

#define FNV_BASIS UINT64_C(0xcbf29ce484222325)

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * UINT64_C(0x100000001b3);
	return h;
}

struct ctx {
	bank_verify_report *r;
	size_t cap;
	size_t total;
	struct acct *accts;
	size_t naccts;
	int64_t blocks; /* history rows the journal calls for and that exist */
};

static int violation(struct ctx *c, const char *check, const char *object, const char *fmt, ...) BANK__PRINTF(4, 5);

static int violation(struct ctx *c, const char *check, const char *object, const char *fmt, ...)
{
	c->total++;
	if (c->r->count >= MAX_REPORTED)
		return BANK_OK;
	int rc = bank__grow(&c->r->items, sizeof *c->r->items, c->r->count + 1, &c->cap);
	if (rc != BANK_OK)
		return rc;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	bank_violation *v = &c->r->items[c->r->count];
	v->check = check; /* static strings */
	v->object = bank__strdup(object);
	v->message = bank__strdup(msg);
	if (!v->object || !v->message) {
		free((char *)v->object);
		free((char *)v->message);
		return bank__oom();
	}
	c->r->count++;
	return BANK_OK;
}

static bool debit_normal(int kind)
{
	return kind == BANK_ACCOUNT_CASH || kind == BANK_ACCOUNT_INTEREST_EXPENSE;
}

/* 128-bit value as decimal text. */
static const char *i128_text(bank__i128 v, char buf[48])
{
	char tmp[48];
	int n = 0;
	bool neg = v < 0;
	do {
		int d = (int)(v % 10);
		tmp[n++] = (char)('0' + (d < 0 ? -d : d));
		v /= 10;
	} while (v != 0);
	int o = 0;
	if (neg)
		buf[o++] = '-';
	while (n > 0)
		buf[o++] = tmp[--n];
	buf[o] = '\0';
	return buf;
}

static struct acct *find(struct ctx *c, int64_t id)
{
	size_t lo = 0, hi = c->naccts;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->accts[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->naccts && c->accts[lo].id == id ? &c->accts[lo] : NULL;
}

static int load_accounts(bank *b, struct ctx *c)
{
	bank__q *q = bank__q_get(b, "SELECT id, kind, number, currency, balance, pending, last_seq, postings, recent"
				    " FROM account ORDER BY id");
	if (q == NULL)
		return bank__last_code();
	int rc;
	size_t cap = 0;
	while ((rc = bank__q_step(q)) == 1) {
		if ((rc = bank__grow(&c->accts, sizeof *c->accts, c->naccts + 1, &cap)) != BANK_OK)
			break;
		struct acct *a = &c->accts[c->naccts++];
		memset(a, 0, sizeof *a);
		a->id = bank__q_col_int(q, 0);
		a->kind = (int)bank__q_col_int(q, 1);
		snprintf(a->number, sizeof a->number, "%s", bank__q_col_text(q, 2));
		snprintf(a->currency, sizeof a->currency, "%s", bank__q_col_text(q, 3));
		a->balance = bank__q_col_int(q, 4);
		a->pending = bank__q_col_int(q, 5);
		a->last_seq = bank__q_col_int(q, 6);
		a->postings = bank__q_col_int(q, 7);
		size_t n;
		const void *recent = bank__q_col_blob(q, 8, &n);
		a->recent_known = !bank__q_col_null(q, 8);
		a->recent_hash = fnv1a(FNV_BASIS, recent, n);
		a->run_hash = FNV_BASIS;
	}
	bank__q_reset(q);
	if (rc < 0)
		return rc;
	c->r->accounts_checked = (int64_t)c->naccts;
	q = bank__q_get(b, "SELECT account_id, amount FROM hold WHERE status = 'active'");
	if (q == NULL)
		return bank__last_code();
	while ((rc = bank__q_step(q)) == 1) {
		struct acct *a = find(c, bank__q_col_int(q, 0));
		if (a != NULL)
			a->holds += bank__q_col_int(q, 1);
	}
	bank__q_reset(q);
	return rc < 0 ? rc : BANK_OK;
}

static int check_side(struct ctx *c, const char *object, struct acct *a, bool debit, int64_t amount, bool has_after,
		      int64_t after)
{
	a->running += debit == debit_normal(a->kind) ? amount : -(bank__i128)amount;
	if (!has_after || (bank__i128)after != a->running) {
		char run[48];
		return violation(c, "balance_after", object, "account %s: stored balance after %s%lld, running sum %s",
				 a->number, has_after ? "" : "NULL ", has_after ? (long long)after : 0LL,
				 i128_text(a->running, run));
	}
	return BANK_OK;
}

/* One posting's link in its account's chain, and the history row it may call for. */
static int check_link(bank *b, struct ctx *c, const char *object, struct acct *a, const bank__prec *rec, bool has_prev,
		      int64_t prev)
{
	int64_t seq = rec->seq;
	unsigned char packed[BANK__PREC_MAX];
	size_t plen = bank__prec_encode(rec, packed);
	a->run_hash = fnv1a(a->run_hash, packed, plen);
	int rc = BANK_OK;
	if (!has_prev || prev != a->run_last_seq)
		rc = violation(c, "history", object,
			       "account %s: links to posting %s%lld, its previous posting is %lld", a->number,
			       has_prev ? "" : "NULL ", has_prev ? (long long)prev : 0LL, (long long)a->run_last_seq);
	a->run_last_seq = seq;
	if (rc != BANK_OK || ++a->run_postings % BANK__HISTORY_BLOCK != 0)
		return rc;
	bank__q *q = bank__q_get(b, "SELECT entries FROM history WHERE account_id = ? AND last_seq = ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, a->id);
	bank__q_int(q, 2, seq);
	rc = bank__q_step(q);
	bool mismatch = false;
	if (rc == 1 && !bank__q_col_null(q, 0)) {
		size_t n;
		const void *entries = bank__q_col_blob(q, 0, &n);
		mismatch = fnv1a(FNV_BASIS, entries, n) != a->run_hash;
	}
	bank__q_reset(q);
	a->run_hash = FNV_BASIS;
	c->blocks += rc == 1;
	if (mismatch)
		return violation(c, "history", object,
				 "account %s: the posting records of the block ending at its posting %lld are not the"
				 " journal's",
				 a->number, (long long)a->run_postings);
	if (rc == 0)
		return violation(c, "history", object,
				 "account %s: posting %lld ends a block of %d but history lacks it", a->number,
				 (long long)a->run_postings, BANK__HISTORY_BLOCK);
	return rc < 0 ? rc : BANK_OK;
}

static int check_journal(bank *b, struct ctx *c)
{
	bank__q *q = bank__q_get(b, "SELECT id, debit_id, credit_id, amount, currency, posted, debit_balance,"
				    " credit_balance, seq, debit_prev, credit_prev, kind, created_at,"
				    " memo <> '' OR ref_seq IS NOT NULL FROM transfer ORDER BY seq");
	if (q == NULL)
		return bank__last_code();
	int rc;
	while ((rc = bank__q_step(q)) == 1) {
		char object[BANK_ID_SIZE + 16];
		snprintf(object, sizeof object, "transfer:%s", bank__q_col_text(q, 0));
		c->r->transfers_checked++;
		struct acct *d = find(c, bank__q_col_int(q, 1)), *k = find(c, bank__q_col_int(q, 2));
		int64_t amount = bank__q_col_int(q, 3);
		const char *cur = bank__q_col_text(q, 4);
		rc = BANK_OK;
		if (amount <= 0) {
			rc = violation(c, "amount", object, "amount %lld is not positive", (long long)amount);
		} else if (d == NULL || k == NULL) {
			rc = violation(c, "currency", object, "the %s account does not exist",
				       d == NULL ? "debit" : "credit");
		} else if (strcmp(d->currency, cur) != 0 || strcmp(k->currency, cur) != 0) {
			rc = violation(c, "currency", object, "transfer in %s between accounts in %s and %s", cur,
				       d->currency, k->currency);
		} else if (bank__q_col_int(q, 5) == 1) {
			int64_t seq = bank__q_col_int(q, 8);
			const char *id = bank__q_col_text(q, 0), *kind = bank__q_col_text(q, 11);
			bank_time at = bank__q_col_int(q, 12);
			bool extra = bank__q_col_int(q, 13) != 0;
			bank__prec drec, crec;
			bank__prec_make(&drec, seq, kind, true, id, extra, at, amount, bank__q_col_int(q, 6),
					k->number);
			bank__prec_make(&crec, seq, kind, false, id, extra, at, amount, bank__q_col_int(q, 7),
					d->number);
			rc = check_side(c, object, d, true, amount, !bank__q_col_null(q, 6), bank__q_col_int(q, 6));
			if (rc == BANK_OK)
				rc = check_side(c, object, k, false, amount, !bank__q_col_null(q, 7),
						bank__q_col_int(q, 7));
			if (rc == BANK_OK)
				rc = check_link(b, c, object, d, &drec, !bank__q_col_null(q, 9), bank__q_col_int(q, 9));
			if (rc == BANK_OK)
				rc = check_link(b, c, object, k, &crec, !bank__q_col_null(q, 10),
						bank__q_col_int(q, 10));
		} else if (!bank__q_col_null(q, 9) || !bank__q_col_null(q, 10)) {
			rc = violation(c, "history", object, "a row that posts nothing is linked into a posting chain");
		}
		if (rc != BANK_OK)
			break;
	}
	bank__q_reset(q);
	return rc < 0 ? rc : BANK_OK;
}

static int check_accounts(struct ctx *c)
{
	/* Accounts sorted by currency for conservation: a small index array. */
	struct total {
		char currency[BANK_CURRENCY_SIZE];
		bank__i128 debit, credit;
	} *totals = NULL;
	size_t ntotals = 0, cap = 0;
	int rc = BANK_OK;
	for (size_t i = 0; i < c->naccts && rc == BANK_OK; i++) {
		struct acct *a = &c->accts[i];
		char object[32], s1[48];
		snprintf(object, sizeof object, "account:%s", a->number);
		if ((bank__i128)a->balance != a->running)
			rc = violation(c, "balance", object, "stored balance %lld, sum of postings %s",
				       (long long)a->balance, i128_text(a->running, s1));
		if (rc == BANK_OK && (bank__i128)a->pending != a->holds)
			rc = violation(c, "pending", object, "stored pending %lld, active holds %s",
				       (long long)a->pending, i128_text(a->holds, s1));
		if (rc == BANK_OK && (a->last_seq != a->run_last_seq || a->postings != a->run_postings))
			rc = violation(c, "history", object,
				       "stored last posting %lld of %lld, the journal's is %lld of %lld",
				       (long long)a->last_seq, (long long)a->postings, (long long)a->run_last_seq,
				       (long long)a->run_postings);
		if (rc == BANK_OK && a->recent_known && a->recent_hash != a->run_hash)
			rc = violation(c, "history", object,
				       "the posting records of its recent postings are not the journal's");
		size_t t = 0;
		while (t < ntotals && strcmp(totals[t].currency, a->currency) != 0)
			t++;
		if (rc == BANK_OK && t == ntotals) {
			if ((rc = bank__grow(&totals, sizeof *totals, ntotals + 1, &cap)) != BANK_OK)
				break;
			memset(&totals[t], 0, sizeof totals[t]);
			memcpy(totals[t].currency, a->currency, sizeof a->currency);
			ntotals++;
		}
		if (rc == BANK_OK) {
			if (debit_normal(a->kind))
				totals[t].debit += a->balance;
			else
				totals[t].credit += a->balance;
		}
	}
	for (size_t t = 0; t < ntotals && rc == BANK_OK; t++) {
		if (totals[t].debit != totals[t].credit) {
			char o[32], s1[48], s2[48];
			snprintf(o, sizeof o, "currency:%s", totals[t].currency);
			rc = violation(c, "conservation", o, "debit balances total %s, credit balances %s",
				       i128_text(totals[t].debit, s1), i128_text(totals[t].credit, s2));
		}
	}
	free(totals);
	return rc;
}

/* history holds no row beyond the ones the journal calls for (each was found in the pass). */
static int check_history(bank *b, struct ctx *c)
{
	bank__q *q = bank__q_get(b, "SELECT count(*) FROM history");
	if (q == NULL)
		return bank__last_code();
	int rc = bank__q_step(q);
	int64_t rows = rc == 1 ? bank__q_col_int(q, 0) : 0;
	bank__q_reset(q);
	if (rc < 0)
		return rc;
	if (rows != c->blocks)
		return violation(c, "history", "history", "%lld of its %lld rows index no block of postings",
				 (long long)(rows - c->blocks), (long long)rows);
	return BANK_OK;
}

int bank_verify(bank_verify_report **out, bank *b)
{
	if (out == NULL || b == NULL)
		return bank__err(BANK_EMISUSE, "bank_verify: NULL argument");
	*out = NULL;
	int rc = bank__authorize(b, "report.verify", NULL);
	if (rc != BANK_OK)
		return rc;
	bank_verify_report *r = calloc(1, sizeof *r);
	if (r == NULL)
		return bank__oom();
	struct ctx c = {r, 0, 0, NULL, 0, 0};
	if ((rc = bank__tx_begin_read(b)) != BANK_OK) {
		free(r);
		return rc;
	}
	if ((rc = load_accounts(b, &c)) == BANK_OK && (rc = check_journal(b, &c)) == BANK_OK &&
	    (rc = check_accounts(&c)) == BANK_OK)
		rc = check_history(b, &c);
	bank__tx_rollback(b);
	free(c.accts);
	if (rc != BANK_OK) {
		bank_verify_report_free(r);
		return rc;
	}
	r->total = c.total;
	*out = r;
	if (c.total == 0)
		return BANK_OK;
	return bank__err(BANK_ECORRUPT, "verify found %zu violation%s; first: %s %s: %s", c.total,
			 c.total == 1 ? "" : "s", r->items[0].check, r->items[0].object, r->items[0].message);
}
