/*
 * verify.c: bank_verify(), the whole-database check of the ledger's invariants.
 *
 * Checks, each reporting every violation it finds (capped at MAX_REPORTED records, the
 * count stays exact):
 *   amount        every journal row has amount > 0
 *   currency      both accounts of a row are in the row's currency
 *   conservation  per currency, the debit-normal balances equal the credit-normal ones
 *   balance       every stored balance equals the sum of the account's postings
 *   balance_after every stored balance-after equals the running sum at that row
 *   pending       every stored pending amount equals the account's active holds
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

struct ctx {
	bank_verify_report *r;
	size_t cap;
	size_t total;
};

static int violation(struct ctx *c, const char *check, const char *object, const char *fmt, ...)
	BANK__PRINTF(4, 5);

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

static bool debit_normal(int64_t kind)
{
	return kind == BANK_ACCOUNT_CASH || kind == BANK_ACCOUNT_INTEREST_EXPENSE;
}

static int check_rows(bank *b, struct ctx *c)
{
	bank__q *q = bank__q_get(b, "SELECT t.id, t.amount, t.currency, coalesce(d.currency, '?'), coalesce(k.currency, '?')"
				    " FROM transfer t LEFT JOIN account d ON d.id = t.debit_id"
				    " LEFT JOIN account k ON k.id = t.credit_id"
				    " WHERE t.amount <= 0 OR d.currency IS NOT t.currency OR k.currency IS NOT t.currency");
	if (q == NULL)
		return bank_error_last()->code;
	int rc;
	while ((rc = bank__q_step(q)) == 1) {
		char object[BANK_ID_SIZE + 16];
		snprintf(object, sizeof object, "transfer:%s", bank__q_col_text(q, 0));
		if (bank__q_col_int(q, 1) <= 0)
			rc = violation(c, "amount", object, "amount %lld is not positive", (long long)bank__q_col_int(q, 1));
		else
			rc = violation(c, "currency", object, "transfer in %s between accounts in %s and %s",
				       bank__q_col_text(q, 2), bank__q_col_text(q, 3), bank__q_col_text(q, 4));
		if (rc != BANK_OK)
			break;
	}
	bank__q_reset(q);
	if (rc < 0)
		return rc;
	q = bank__q_get(b, "SELECT count(*) FROM transfer");
	if (q == NULL)
		return bank_error_last()->code;
	if ((rc = bank__q_step(q)) == 1)
		c->r->transfers_checked = bank__q_col_int(q, 0);
	bank__q_reset(q);
	return rc < 0 ? rc : BANK_OK;
}

static int check_accounts(bank *b, struct ctx *c)
{
	/* Sums in 128 bits would be safer; SQLite's sum() reports an integer overflow as an
	 * error, which we report as a violation of the whole check. */
	bank__q *q = bank__q_get(b, "SELECT a.number, a.kind, a.currency, a.balance, a.pending,"
				    " coalesce((SELECT sum(amount) FROM transfer WHERE debit_id = a.id AND posted = 1), 0),"
				    " coalesce((SELECT sum(amount) FROM transfer WHERE credit_id = a.id AND posted = 1), 0),"
				    " coalesce((SELECT sum(amount) FROM hold WHERE account_id = a.id AND status = 'active'), 0)"
				    " FROM account a ORDER BY a.currency, a.id");
	if (q == NULL)
		return bank_error_last()->code;
	int rc;
	char cur[BANK_CURRENCY_SIZE] = "";
	bank__i128 dsum = 0, csum = 0;
	bool any = false;
	while ((rc = bank__q_step(q)) == 1) {
		char object[32], currency[BANK_CURRENCY_SIZE];
		snprintf(object, sizeof object, "account:%s", bank__q_col_text(q, 0));
		int64_t kind = bank__q_col_int(q, 1);
		snprintf(currency, sizeof currency, "%s", bank__q_col_text(q, 2));
		int64_t balance = bank__q_col_int(q, 3), pending = bank__q_col_int(q, 4);
		int64_t debits = bank__q_col_int(q, 5), credits = bank__q_col_int(q, 6), holds = bank__q_col_int(q, 7);
		c->r->accounts_checked++;
		if (any && strcmp(cur, currency) != 0) {
			if (dsum != csum) {
				char o[32];
				snprintf(o, sizeof o, "currency:%s", cur);
				if ((rc = violation(c, "conservation", o, "debit balances total %lld, credit balances %lld",
						    (long long)dsum, (long long)csum)) != BANK_OK)
					break;
			}
			dsum = csum = 0;
		}
		any = true;
		memcpy(cur, currency, sizeof cur);
		bank__i128 expect = debit_normal(kind) ? (bank__i128)debits - credits : (bank__i128)credits - debits;
		if (expect != balance &&
		    (rc = violation(c, "balance", object, "stored balance %lld, sum of postings %lld", (long long)balance,
				    (long long)expect)) != BANK_OK)
			break;
		if (pending != holds &&
		    (rc = violation(c, "pending", object, "stored pending %lld, active holds %lld", (long long)pending,
				    (long long)holds)) != BANK_OK)
			break;
		if (debit_normal(kind))
			dsum += balance;
		else
			csum += balance;
	}
	bank__q_reset(q);
	if (rc < 0) {
		if (rc == BANK_EINVAL || rc == BANK_EIO) /* integer overflow in sum() */
			return violation(c, "balance", "journal", "sums of postings overflow: %s", bank_error_last()->message);
		return rc;
	}
	if (any && dsum != csum) {
		char o[32];
		snprintf(o, sizeof o, "currency:%s", cur);
		return violation(c, "conservation", o, "debit balances total %lld, credit balances %lld", (long long)dsum,
				 (long long)csum);
	}
	return BANK_OK;
}

static int check_balance_after(bank *b, struct ctx *c)
{
	bank__q *q = bank__q_get(b, "WITH p AS ("
				    " SELECT seq, debit_id AS acct, -amount AS delta, debit_balance AS after FROM transfer"
				    "  WHERE posted = 1"
				    " UNION ALL"
				    " SELECT seq, credit_id, amount, credit_balance FROM transfer WHERE posted = 1)"
				    " SELECT t.id, a.number, a.kind, r.after, r.running FROM ("
				    "  SELECT seq, acct, after, sum(delta) OVER (PARTITION BY acct ORDER BY seq) AS running FROM p"
				    " ) r JOIN account a ON a.id = r.acct JOIN transfer t ON t.seq = r.seq"
				    " WHERE r.after IS NOT CASE WHEN a.kind IN (1, 2) THEN -r.running ELSE r.running END"
				    " ORDER BY r.seq");
	if (q == NULL)
		return bank_error_last()->code;
	int rc;
	while ((rc = bank__q_step(q)) == 1) {
		char object[BANK_ID_SIZE + 16];
		snprintf(object, sizeof object, "transfer:%s", bank__q_col_text(q, 0));
		int64_t running = bank__q_col_int(q, 4);
		if (debit_normal(bank__q_col_int(q, 2)))
			running = -running;
		if ((rc = violation(c, "balance_after", object, "account %s: stored balance after %s, running sum %lld",
				    bank__q_col_text(q, 1), bank__q_col_null(q, 3) ? "NULL" : bank__q_col_text(q, 3),
				    (long long)running)) != BANK_OK)
			break;
	}
	bank__q_reset(q);
	return rc < 0 ? rc : BANK_OK;
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
	struct ctx c = {r, 0, 0};
	if ((rc = bank__tx_begin_read(b)) != BANK_OK) {
		free(r);
		return rc;
	}
	if ((rc = check_rows(b, &c)) == BANK_OK && (rc = check_accounts(b, &c)) == BANK_OK)
		rc = check_balance_after(b, &c);
	bank__tx_rollback(b);
	if (rc != BANK_OK) {
		bank_verify_report_free(r);
		return rc;
	}
	*out = r;
	if (c.total == 0)
		return BANK_OK;
	return bank__err(BANK_ECORRUPT, "verify found %zu violation%s; first: %s %s: %s", c.total, c.total == 1 ? "" : "s",
			 r->items[0].check, r->items[0].object, r->items[0].message);
}
