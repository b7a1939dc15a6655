/*
 * wl.c: the random ledger workload and its model (see wl.h).
 *
 * Funds rule the model follows (ledger.h): a customer debit needs
 * amount <= balance - pending - min_balance + overdraft; a reversal's debit needs
 * amount <= balance - pending + overdraft; posts and voids are not funds-checked.
 */
#include "wl.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

static const char *const kind_names[] = {"deposit", "withdrawal", "transfer", "hold",
					 "post",    "void",       "reversal", "batch"};

const char *wl_kind_name(int kind)
{
	return kind >= 0 && kind <= WL_BATCH ? kind_names[kind] : "?";
}

/* ---- Model ---- */

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (q == NULL)
		rt_die("out of memory");
	return q;
}

void wl_model_init(wl_model *m, char numbers[][BANK_ACCOUNT_NUMBER_SIZE])
{
	memset(m, 0, sizeof *m);
	for (int i = 0; i < WL_NACCT; i++)
		memcpy(m->num[i], numbers[i], BANK_ACCOUNT_NUMBER_SIZE);
}

void wl_model_free(wl_model *m)
{
	free(m->holds);
	free(m->revs);
	m->holds = NULL;
	m->revs = NULL;
	m->nholds = m->capholds = m->nrevs = m->caprevs = 0;
}

void wl_model_copy(wl_model *dst, const wl_model *src)
{
	*dst = *src;
	dst->capholds = src->nholds;
	dst->caprevs = src->nrevs;
	dst->holds = xrealloc(NULL, src->nholds * sizeof *src->holds);
	dst->revs = xrealloc(NULL, src->nrevs * sizeof *src->revs);
	if (src->nholds)
		memcpy(dst->holds, src->holds, src->nholds * sizeof *src->holds);
	if (src->nrevs)
		memcpy(dst->revs, src->revs, src->nrevs * sizeof *src->revs);
}

static void add_hold(wl_model *m, const char *id, int a, int c, int64_t amount)
{
	if (m->nholds == m->capholds) {
		m->capholds = m->capholds ? 2 * m->capholds : 16;
		m->holds = xrealloc(m->holds, m->capholds * sizeof *m->holds);
	}
	wl_hold *h = &m->holds[m->nholds++];
	snprintf(h->id, sizeof h->id, "%s", id);
	h->a = a;
	h->c = c;
	h->amount = amount;
}

static void add_rev(wl_model *m, const char *id, int debit, int credit, int64_t amount)
{
	if (m->nrevs == m->caprevs) {
		m->caprevs = m->caprevs ? 2 * m->caprevs : 64;
		m->revs = xrealloc(m->revs, m->caprevs * sizeof *m->revs);
	}
	wl_rev *r = &m->revs[m->nrevs++];
	snprintf(r->id, sizeof r->id, "%s", id);
	r->debit = debit;
	r->credit = credit;
	r->amount = amount;
}

static long find_hold(const wl_model *m, const char *id)
{
	for (size_t i = 0; i < m->nholds; i++)
		if (strcmp(m->holds[i].id, id) == 0)
			return (long)i;
	return -1;
}

static long find_rev(const wl_model *m, const char *id)
{
	for (size_t i = m->nrevs; i-- > 0;)
		if (strcmp(m->revs[i].id, id) == 0)
			return (long)i;
	return -1;
}

static int acct_index(const wl_model *m, const char *number)
{
	for (int i = 0; i < WL_NACCT; i++)
		if (strcmp(m->num[i], number) == 0)
			return i;
	return -1;
}

static void hist_push(wl_model *m, const wl_op *op)
{
	if (m->nhist == WL_HIST) {
		memmove(&m->hist[0], &m->hist[1], (WL_HIST - 1) * sizeof m->hist[0]);
		m->nhist--;
	}
	m->hist[m->nhist] = *op;
	m->hist[m->nhist].replay = 0;
	m->nhist++;
}

void wl_model_load(wl_model *m, bank *b)
{
	char numbers[WL_NACCT][BANK_ACCOUNT_NUMBER_SIZE];
	memcpy(numbers, m->num, sizeof numbers);
	wl_model_free(m);
	wl_model_init(m, numbers);
	for (int i = 0; i < WL_NACCT; i++) {
		bank_balance bal;
		RT_OK(bank_balance_get(&bal, b, m->num[i]));
		m->bal[i] = bal.balance;
		m->pend[i] = bal.pending;
	}
	sqlite3 *db = rt_db(b);
	sqlite3_stmt *st = NULL;
	/* Active holds. */
	if (sqlite3_prepare_v2(db,
			       "SELECT t.id, d.number, c.number, h.amount FROM hold h JOIN transfer t ON t.seq = h.seq"
			       " JOIN account d ON d.id = t.debit_id JOIN account c ON c.id = t.credit_id"
			       " WHERE h.status = 'active' ORDER BY h.seq",
			       -1, &st, NULL) != SQLITE_OK)
		rt_die("load holds: %s", sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW)
		add_hold(m, (const char *)sqlite3_column_text(st, 0),
			 acct_index(m, (const char *)sqlite3_column_text(st, 1)),
			 acct_index(m, (const char *)sqlite3_column_text(st, 2)), sqlite3_column_int64(st, 3));
	sqlite3_finalize(st);
	/* Posted transfers that can still be reversed. */
	if (sqlite3_prepare_v2(
		    db,
		    "SELECT t.id, d.number, c.number, t.amount FROM transfer t"
		    " JOIN account d ON d.id = t.debit_id JOIN account c ON c.id = t.credit_id"
		    " WHERE t.posted = 1 AND t.kind IN ('deposit', 'withdrawal', 'transfer', 'post')"
		    " AND NOT EXISTS (SELECT 1 FROM transfer r WHERE r.ref_seq = t.seq AND r.kind = 'reversal')"
		    " ORDER BY t.seq",
		    -1, &st, NULL) != SQLITE_OK)
		rt_die("load reversible: %s", sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW)
		add_rev(m, (const char *)sqlite3_column_text(st, 0),
			acct_index(m, (const char *)sqlite3_column_text(st, 1)),
			acct_index(m, (const char *)sqlite3_column_text(st, 2)), sqlite3_column_int64(st, 3));
	sqlite3_finalize(st);
	/* Recent single ops, rebuilt as requests, to replay. */
	if (sqlite3_prepare_v2(db,
			       "SELECT * FROM (SELECT t.seq, t.id, t.kind, d.number, c.number, t.amount,"
			       " coalesce(r.id, '') FROM transfer t"
			       " JOIN account d ON d.id = t.debit_id JOIN account c ON c.id = t.credit_id"
			       " LEFT JOIN transfer r ON r.seq = t.ref_seq WHERE t.id NOT LIKE 'init-%'"
			       " ORDER BY t.seq DESC LIMIT ?1) ORDER BY seq",
			       -1, &st, NULL) != SQLITE_OK)
		rt_die("load history: %s", sqlite3_errmsg(db));
	sqlite3_bind_int(st, 1, WL_HIST);
	while (sqlite3_step(st) == SQLITE_ROW) {
		wl_op op;
		memset(&op, 0, sizeof op);
		const char *kind = (const char *)sqlite3_column_text(st, 2);
		int d = acct_index(m, (const char *)sqlite3_column_text(st, 3));
		int c = acct_index(m, (const char *)sqlite3_column_text(st, 4));
		snprintf(op.id, sizeof op.id, "%s", (const char *)sqlite3_column_text(st, 1));
		snprintf(op.ref, sizeof op.ref, "%s", (const char *)sqlite3_column_text(st, 6));
		op.amount = op.eff = sqlite3_column_int64(st, 5);
		op.a = op.c = -1;
		op.kind = -1;
		if (strcmp(kind, "deposit") == 0 && c >= 0) {
			op.kind = WL_DEPOSIT;
			op.a = c;
		} else if (strcmp(kind, "withdrawal") == 0 && d >= 0) {
			op.kind = WL_WITHDRAW;
			op.a = d;
		} else if (strcmp(kind, "transfer") == 0 && d >= 0 && c >= 0) {
			op.kind = WL_TRANSFER;
			op.a = d;
			op.c = c;
		} else if (strcmp(kind, "hold") == 0 && d >= 0) {
			op.kind = WL_HOLD;
			op.a = d;
			op.c = c;
		} else if (strcmp(kind, "post") == 0) {
			op.kind = WL_POST;
		} else if (strcmp(kind, "void") == 0) {
			op.kind = WL_VOID;
			op.amount = 0;
		} else if (strcmp(kind, "reversal") == 0) {
			op.kind = WL_REVERSE;
			op.amount = 0;
		}
		if (op.kind >= 0)
			hist_push(m, &op);
	}
	sqlite3_finalize(st);
}

static int cmp_hold(const void *x, const void *y)
{
	return strcmp(((const wl_hold *)x)->id, ((const wl_hold *)y)->id);
}

static int cmp_rev(const void *x, const void *y)
{
	return strcmp(((const wl_rev *)x)->id, ((const wl_rev *)y)->id);
}

long wl_model_compare(const wl_model *e, const wl_model *f, const char *when)
{
	long before = rt_violations;
	for (int i = 0; i < WL_NACCT; i++) {
		if (e->bal[i] != f->bal[i])
			rt_violation("%s: account %s balance %" PRId64 ", expected %" PRId64, when, e->num[i],
				     f->bal[i], e->bal[i]);
		if (e->pend[i] != f->pend[i])
			rt_violation("%s: account %s pending %" PRId64 ", expected %" PRId64, when, e->num[i],
				     f->pend[i], e->pend[i]);
	}
	wl_model a, b;
	wl_model_copy(&a, e);
	wl_model_copy(&b, f);
	qsort(a.holds, a.nholds, sizeof *a.holds, cmp_hold);
	qsort(b.holds, b.nholds, sizeof *b.holds, cmp_hold);
	qsort(a.revs, a.nrevs, sizeof *a.revs, cmp_rev);
	qsort(b.revs, b.nrevs, sizeof *b.revs, cmp_rev);
	if (a.nholds != b.nholds)
		rt_violation("%s: %zu active holds, expected %zu", when, b.nholds, a.nholds);
	else
		for (size_t i = 0; i < a.nholds; i++)
			if (strcmp(a.holds[i].id, b.holds[i].id) != 0 || a.holds[i].amount != b.holds[i].amount) {
				rt_violation("%s: active hold %s, expected %s", when, b.holds[i].id, a.holds[i].id);
				break;
			}
	if (a.nrevs != b.nrevs)
		rt_violation("%s: %zu reversible transfers, expected %zu", when, b.nrevs, a.nrevs);
	else
		for (size_t i = 0; i < a.nrevs; i++)
			if (strcmp(a.revs[i].id, b.revs[i].id) != 0 || a.revs[i].amount != b.revs[i].amount) {
				rt_violation("%s: reversible transfer %s, expected %s", when, b.revs[i].id,
					     a.revs[i].id);
				break;
			}
	wl_model_free(&a);
	wl_model_free(&b);
	return rt_violations - before;
}

/* ---- Prediction ---- */

static int64_t avail(const wl_model *m, const int64_t *bal, int a)
{
	return bal[a] - m->pend[a] - RT_MIN_BALANCE + RT_OVERDRAFT;
}

/* Applies one batch item to @p bal when it passes; returns BANK_OK or its refusal. */
static int sim_item(const wl_model *m, int64_t *bal, const wl_item *it)
{
	if (it->debit >= 0) {
		if (it->debit == it->credit)
			return BANK_EINVAL;
		if (it->amount > avail(m, bal, it->debit))
			return BANK_EFUNDS;
		bal[it->debit] -= it->amount;
	}
	if (it->credit >= 0)
		bal[it->credit] += it->amount;
	return BANK_OK;
}

/* The batch semantics of ledger.h: unlinked items alone, linked chains all or nothing. */
static void predict_batch(const wl_model *m, wl_op *op)
{
	int64_t bal[WL_NACCT];
	memcpy(bal, m->bal, sizeof bal);
	int i = 0;
	while (i < op->n) {
		if (!op->items[i].linked) {
			int rc = sim_item(m, bal, &op->items[i]);
			op->items[i].ok = rc == BANK_OK;
			op->items[i].code = rc;
			i++;
			continue;
		}
		int j = i;
		while (j + 1 < op->n && op->items[j].linked)
			j++;
		int open = op->items[j].linked != 0;
		int64_t save[WL_NACCT];
		memcpy(save, bal, sizeof save);
		int failed = -1, code = BANK_OK;
		for (int k = i; k <= j; k++) {
			int rc = sim_item(m, bal, &op->items[k]);
			if (rc != BANK_OK) {
				failed = k;
				code = rc;
				break;
			}
		}
		if (failed < 0 && open) {
			failed = j;
			code = BANK_EINVAL;
		}
		if (failed >= 0) {
			memcpy(bal, save, sizeof bal);
			for (int k = i; k <= j; k++) {
				op->items[k].ok = 0;
				op->items[k].code = k == failed ? code : BANK_EINVAL;
			}
		} else {
			for (int k = i; k <= j; k++) {
				op->items[k].ok = 1;
				op->items[k].code = BANK_OK;
			}
		}
		i = j + 1;
	}
}

static int64_t pick_amount(rt_rng *r, int64_t max)
{
	if (max > 3000)
		max = 3000;
	return max < 1 ? 0 : 1 + (int64_t)rt_below(r, (uint64_t)max);
}

static int other_acct(rt_rng *r, int a)
{
	return (a + 1 + (int)rt_below(r, WL_NACCT - 1)) % WL_NACCT;
}

void wl_gen(const wl_model *m, rt_rng *r, const char *prefix, unsigned long *counter, wl_op *op)
{
	memset(op, 0, sizeof *op);
	snprintf(op->id, sizeof op->id, "%s%lu", prefix, (*counter)++);
	op->expect = BANK_OK;
	op->c = -1;
	int a = (int)rt_below(r, WL_NACCT);
	op->a = a;
	unsigned roll = (unsigned)rt_below(r, 100);
	if (roll >= 93 && m->nhist > 0) { /* replay of a committed op */
		*op = m->hist[rt_below(r, m->nhist)];
		op->replay = 1;
		return;
	}
	if (roll >= 89) { /* a refusal whatever the state */
		op->kind = roll & 1 ? WL_TRANSFER : (roll & 2 ? WL_HOLD : WL_WITHDRAW);
		if (op->kind != WL_WITHDRAW)
			op->c = other_acct(r, a);
		op->amount = op->eff = WL_HUGE;
		op->expect = BANK_EFUNDS;
		return;
	}
	if (roll >= 79) { /* a batch */
		op->kind = WL_BATCH;
		op->n = 2 + (int)rt_below(r, WL_BATCH_MAX - 1);
		int64_t bal[WL_NACCT];
		memcpy(bal, m->bal, sizeof bal);
		int huge = rt_below(r, 4) == 0 ? (int)rt_below(r, (uint64_t)op->n) : -1;
		for (int i = 0; i < op->n; i++) {
			wl_item *it = &op->items[i];
			snprintf(it->id, sizeof it->id, "%s.%d", op->id, i);
			int x = (int)rt_below(r, WL_NACCT);
			unsigned t = (unsigned)rt_below(r, 10);
			int64_t av = avail(m, bal, x);
			if (i == huge) {
				it->debit = x;
				it->credit = other_acct(r, x);
				it->amount = WL_HUGE;
			} else if (t < 3 || av < 1) {
				it->debit = -1;
				it->credit = x;
				it->amount = 1 + (int64_t)rt_below(r, 5000);
			} else if (t < 5) {
				it->debit = x;
				it->credit = -1;
				it->amount = pick_amount(r, av);
			} else {
				it->debit = x;
				it->credit = other_acct(r, x);
				it->amount = pick_amount(r, av);
			}
			(void)sim_item(m, bal, it);
			it->linked = rt_below(r, 10) < 3;
		}
		/* Mostly close the last chain; sometimes leave it open (the whole chain fails). */
		if (rt_below(r, 10) != 0)
			op->items[op->n - 1].linked = 0;
		predict_batch(m, op);
		return;
	}
	int64_t av = avail(m, m->bal, a);
	if (roll >= 72 && m->nrevs > 0) {
		const wl_rev *rv = &m->revs[rt_below(r, m->nrevs)];
		int d = rv->credit; /* the reversal debits the original credit */
		if (d < 0 || rv->amount <= m->bal[d] - m->pend[d] + RT_OVERDRAFT) {
			op->kind = WL_REVERSE;
			snprintf(op->ref, sizeof op->ref, "%s", rv->id);
			op->a = rv->credit;
			op->c = rv->debit;
			op->eff = rv->amount;
			return;
		}
	} else if (roll >= 60 && m->nholds > 0) {
		const wl_hold *h = &m->holds[rt_below(r, m->nholds)];
		snprintf(op->ref, sizeof op->ref, "%s", h->id);
		op->a = h->a;
		op->c = h->c;
		if (roll >= 68) {
			op->kind = WL_VOID;
			op->eff = h->amount;
		} else {
			op->kind = WL_POST;
			op->amount = rt_below(r, 2) ? 0 : 1 + (int64_t)rt_below(r, (uint64_t)h->amount);
			op->eff = op->amount ? op->amount : h->amount;
		}
		return;
	} else if (roll >= 50 && av >= 1) {
		op->kind = WL_HOLD;
		op->c = rt_below(r, 3) == 0 ? -1 : other_acct(r, a);
		op->amount = op->eff = pick_amount(r, av);
		return;
	} else if (roll >= 25 && roll < 50 && av >= 1) {
		op->kind = WL_TRANSFER;
		op->c = other_acct(r, a);
		op->amount = op->eff = pick_amount(r, av);
		return;
	} else if (roll >= 15 && roll < 25 && av >= 1) {
		op->kind = WL_WITHDRAW;
		op->amount = op->eff = pick_amount(r, av);
		return;
	}
	op->kind = WL_DEPOSIT;
	op->a = a;
	op->c = -1;
	op->amount = op->eff = 1 + (int64_t)rt_below(r, 5000);
}

void wl_apply(wl_model *m, const wl_op *op)
{
	if (op->replay || op->expect != BANK_OK)
		return;
	long i;
	switch (op->kind) {
	case WL_DEPOSIT:
		m->bal[op->a] += op->eff;
		add_rev(m, op->id, -1, op->a, op->eff);
		break;
	case WL_WITHDRAW:
		m->bal[op->a] -= op->eff;
		add_rev(m, op->id, op->a, -1, op->eff);
		break;
	case WL_TRANSFER:
		m->bal[op->a] -= op->eff;
		m->bal[op->c] += op->eff;
		add_rev(m, op->id, op->a, op->c, op->eff);
		break;
	case WL_HOLD:
		m->pend[op->a] += op->eff;
		add_hold(m, op->id, op->a, op->c, op->eff);
		break;
	case WL_POST:
	case WL_VOID:
		i = find_hold(m, op->ref);
		if (i < 0)
			rt_die("model: no active hold %s", op->ref);
		m->pend[op->a] -= m->holds[i].amount;
		if (op->kind == WL_POST) {
			m->bal[op->a] -= op->eff;
			if (op->c >= 0)
				m->bal[op->c] += op->eff;
			add_rev(m, op->id, op->a, op->c, op->eff);
		}
		m->holds[i] = m->holds[--m->nholds];
		break;
	case WL_REVERSE:
		i = find_rev(m, op->ref);
		if (i < 0)
			rt_die("model: no reversible transfer %s", op->ref);
		if (op->a >= 0)
			m->bal[op->a] -= op->eff;
		if (op->c >= 0)
			m->bal[op->c] += op->eff;
		memmove(&m->revs[i], &m->revs[i + 1], (m->nrevs - (size_t)i - 1) * sizeof *m->revs);
		m->nrevs--;
		break;
	case WL_BATCH:
		for (int k = 0; k < op->n; k++) {
			const wl_item *it = &op->items[k];
			if (!it->ok)
				continue;
			if (it->debit >= 0)
				m->bal[it->debit] -= it->amount;
			if (it->credit >= 0)
				m->bal[it->credit] += it->amount;
			add_rev(m, it->id, it->debit, it->credit, it->amount);
		}
		return;
	}
	hist_push(m, op);
}

/* ---- Running an op ---- */

static int check_transfer(const wl_op *op, const bank_transfer *t, const char *id, int64_t amount, const char *kind,
			  int retry, char *msg, size_t size)
{
	if (t == NULL) {
		snprintf(msg, size, "%s %s: success without a transfer record", wl_kind_name(op->kind), id);
		return 0;
	}
	if (strcmp(t->id, id) != 0 || t->amount != amount || strcmp(t->kind, kind) != 0) {
		snprintf(msg, size,
			 "%s %s: got transfer %s kind %s amount %" PRId64 ", expected kind %s amount %" PRId64,
			 wl_kind_name(op->kind), id, t->id, t->kind, t->amount, kind, amount);
		return 0;
	}
	bank_transfer_status want = op->replay ? BANK_TRANSFER_EXISTS : BANK_TRANSFER_CREATED;
	if (!retry && t->status != want) {
		snprintf(msg, size, "%s %s: status %s, expected %s", wl_kind_name(op->kind), id,
			 bank_transfer_status_name(t->status), bank_transfer_status_name(want));
		return 0;
	}
	return 1;
}

static const char *item_kind(const wl_item *it)
{
	return it->debit < 0 ? "deposit" : it->credit < 0 ? "withdrawal" : "transfer";
}

int wl_exec(bank *b, const wl_model *m, const wl_op *op, int retry, char *msg, size_t size)
{
	bank_transfer *t = NULL;
	const char *kind = wl_kind_name(op->kind);
	int rc;
	msg[0] = '\0';
	if (op->kind == WL_BATCH) {
		bank_transfer_request req[WL_BATCH_MAX];
		for (int k = 0; k < op->n; k++) {
			const wl_item *it = &op->items[k];
			bank_transfer_request r0 = BANK_TRANSFER_REQUEST_INIT;
			req[k] = r0;
			req[k].debit = it->debit >= 0 ? m->num[it->debit] : NULL;
			req[k].credit = it->credit >= 0 ? m->num[it->credit] : NULL;
			req[k].amount = it->amount;
			req[k].id = it->id;
			req[k].linked = it->linked;
		}
		bank_batch_results *res = NULL;
		rc = bank_transfer_batch(&res, b, req, (size_t)op->n);
		if (rc != BANK_OK) {
			snprintf(msg, size, "batch %s: %s: %s", op->id, bank_error_name(rc),
				 bank_error_last()->message);
			return 0;
		}
		int good = res != NULL && res->count == (size_t)op->n;
		for (int k = 0; good && k < op->n; k++) {
			const wl_item *it = &op->items[k];
			const bank_batch_result *x = &res->items[k];
			if (it->ok) {
				if (x->code != BANK_OK) {
					snprintf(msg, size, "batch %s item %d (%s): %s: %s, expected success", op->id,
						 k, it->id, bank_error_name(x->code), x->message);
					good = 0;
				} else {
					wl_op one = *op;
					one.replay = 0;
					good = check_transfer(&one, x->transfer, it->id, it->amount, item_kind(it),
							      retry, msg, size);
				}
			} else if (x->code != it->code || x->transfer != NULL) {
				snprintf(msg, size, "batch %s item %d (%s): %s (%s), expected %s", op->id, k, it->id,
					 bank_error_name(x->code), x->message, bank_error_name(it->code));
				good = 0;
			}
		}
		if (good) {
			size_t want = 0;
			for (int k = 0; k < op->n; k++)
				want += !op->items[k].ok;
			if (res->failed != want) {
				snprintf(msg, size, "batch %s: failed = %zu, expected %zu", op->id, res->failed, want);
				good = 0;
			}
		}
		bank_batch_results_free(res);
		return good;
	}
	const char *acct = op->a >= 0 ? m->num[op->a] : NULL;
	const char *other = op->c >= 0 ? m->num[op->c] : NULL;
	switch (op->kind) {
	case WL_DEPOSIT: rc = bank_deposit(&t, b, acct, op->amount, op->id, NULL); break;
	case WL_WITHDRAW: rc = bank_withdraw(&t, b, acct, op->amount, op->id, NULL); break;
	case WL_TRANSFER: rc = bank_transfer_post(&t, b, acct, other, op->amount, op->id, NULL); break;
	case WL_HOLD: rc = bank_hold(&t, b, acct, other, op->amount, 0, op->id, NULL); break;
	case WL_POST: rc = bank_hold_post(&t, b, op->ref, op->amount, op->id); break;
	case WL_VOID: rc = bank_hold_void(&t, b, op->ref, op->id); break;
	case WL_REVERSE: rc = bank_reverse(&t, b, op->ref, op->id); break;
	default: snprintf(msg, size, "unknown op kind %d", op->kind); return 0;
	}
	int good;
	if (op->expect == BANK_OK) {
		if (rc != BANK_OK) {
			snprintf(msg, size, "%s%s %s: %s: %s", op->replay ? "replayed " : "", kind, op->id,
				 bank_error_name(rc), bank_error_last()->message);
			good = 0;
		} else {
			good = check_transfer(op, t, op->id, op->eff, kind, retry, msg, size);
		}
	} else {
		good = rc == op->expect && t == NULL;
		if (!good)
			snprintf(msg, size, "%s %s: %s (%s), expected %s", kind, op->id, bank_error_name(rc),
				 rc ? bank_error_last()->message : "", bank_error_name(op->expect));
	}
	bank_transfer_free(t);
	return good;
}

size_t wl_ids(const wl_op *op, int created, const char *ids[WL_BATCH_MAX + 1])
{
	size_t n = 0;
	if (op->replay)
		return 0;
	if (op->kind == WL_BATCH) {
		for (int k = 0; k < op->n; k++)
			if ((op->items[k].ok != 0) == (created != 0))
				ids[n++] = op->items[k].id;
		return n;
	}
	if ((op->expect == BANK_OK) == (created != 0))
		ids[n++] = op->id;
	return n;
}

/* ---- Wire format ---- */

void wl_format(const wl_op *op, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%d %d %d %" PRId64 " %" PRId64 " %s %s %d %d %d", op->kind, op->a, op->c,
			 op->amount, op->eff, op->id, op->ref[0] ? op->ref : "-", op->expect, op->replay, op->n);
	for (int k = 0; k < op->n && n > 0 && (size_t)n < size; k++) {
		const wl_item *it = &op->items[k];
		n += snprintf(buf + n, size - (size_t)n, " %d %d %" PRId64 " %s %d %d %d", it->debit, it->credit,
			      it->amount, it->id, it->linked, it->ok, it->code);
	}
	if (n > 0 && (size_t)n + 2 <= size) {
		buf[n] = '\n';
		buf[n + 1] = '\0';
	} else {
		rt_die("wl_format: line too long");
	}
}

int wl_parse(const char *line, wl_op *op)
{
	memset(op, 0, sizeof *op);
	char ref[WL_IDLEN];
	int used = 0;
	if (sscanf(line, "%d %d %d %" SCNd64 " %" SCNd64 " %39s %39s %d %d %d%n", &op->kind, &op->a, &op->c,
		   &op->amount, &op->eff, op->id, ref, &op->expect, &op->replay, &op->n, &used) != 10)
		return 0;
	if (op->n < 0 || op->n > WL_BATCH_MAX || op->kind < 0 || op->kind > WL_BATCH)
		return 0;
	snprintf(op->ref, sizeof op->ref, "%s", strcmp(ref, "-") == 0 ? "" : ref);
	const char *p = line + used;
	for (int k = 0; k < op->n; k++) {
		wl_item *it = &op->items[k];
		int u = 0;
		if (sscanf(p, " %d %d %" SCNd64 " %55s %d %d %d%n", &it->debit, &it->credit, &it->amount, it->id,
			   &it->linked, &it->ok, &it->code, &u) != 7)
			return 0;
		p += u;
	}
	return 1;
}
