/*
 * report.c: reads over the journal: balances, balance as of a time, statements with
 * keyset pagination, the trial balance.
 *
 * Times map to journal positions: journal times never decrease along seq (ledger.c
 * makes sure), so "postings before time T" is "postings with seq below the first seq at
 * or after T", found by a binary search over seq. Per-account history is then read from
 * transfer_debit / transfer_credit (account, seq) with bounded LIMITs: a page costs
 * O(limit + log n), however long the account's history.
 *
 * Multi-query reads run in one read transaction, so a page is a consistent snapshot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static bool debit_normal(int kind)
{
	return kind == BANK_ACCOUNT_CASH || kind == BANK_ACCOUNT_INTEREST_EXPENSE;
}

struct acct_info {
	int64_t id;
	int kind;
	char currency[BANK_CURRENCY_SIZE];
};

static int acct_info(bank *b, const char *number, struct acct_info *a)
{
	int rc = bank_account_number_check(number);
	if (rc != BANK_OK)
		return rc;
	bank__q *q = bank__q_get(b, "SELECT id, kind, currency FROM account WHERE number = ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_text(q, 1, number);
	rc = bank__q_step(q);
	if (rc == 1) {
		a->id = bank__q_col_int(q, 0);
		a->kind = (int)bank__q_col_int(q, 1);
		snprintf(a->currency, sizeof a->currency, "%s", bank__q_col_text(q, 2));
		rc = BANK_OK;
	} else if (rc == 0) {
		rc = bank__err(BANK_ENOTFOUND, "no account %s", number);
	}
	bank__q_reset(q);
	return rc;
}

int bank_balance_get(bank_balance *out, bank *b, const char *account)
{
	if (b == NULL)
		return bank__err(BANK_EMISUSE, "bank handle is NULL");
	bank_account *a = NULL;
	int rc = bank_account_get(&a, b, account);
	if (rc != BANK_OK)
		return rc;
	memset(out, 0, sizeof *out);
	memcpy(out->account, a->number, sizeof out->account);
	memcpy(out->currency, a->currency, sizeof out->currency);
	out->balance = a->balance;
	out->pending = a->pending;
	out->available = a->available;
	bank_account_free(a);
	return BANK_OK;
}

/* The first journal row at or after position pos: its seq and time (seq 0 when none). */
static int probe(bank *b, int64_t pos, int64_t *seq, bank_time *at)
{
	bank__q *q = bank__q_get(b, "SELECT seq, created_at FROM transfer WHERE seq >= ? ORDER BY seq LIMIT 1");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, pos);
	int rc = bank__q_step(q);
	*seq = rc == 1 ? bank__q_col_int(q, 0) : 0;
	*at = rc == 1 ? bank__q_col_int(q, 1) : 0;
	bank__q_reset(q);
	return rc < 0 ? rc : BANK_OK;
}

/*
 * The first journal position at or after time t (INT64_MAX when none). Journal times
 * never decrease along seq, so this is a binary search over the rowid: O(log^2 n) page
 * reads, and no time index for every posting to maintain. A found position is final
 * (later rows only come later in time), so the last answer is cached in the handle.
 */
static int seq_at(bank *b, bank_time t, int64_t *seq)
{
	if (b->seq_at_valid && b->seq_at_time == t) {
		*seq = b->seq_at_seq;
		return BANK_OK;
	}
	int64_t lo = 1, hi, s;
	bank_time at;
	bank__q *q = bank__q_get(b, "SELECT max(seq) FROM transfer");
	if (q == NULL)
		return bank__last_code();
	int rc = bank__q_step(q);
	hi = rc == 1 ? bank__q_col_int(q, 0) : 0;
	bank__q_reset(q);
	if (rc < 0)
		return rc;
	if (hi == 0 || (rc = probe(b, hi, &s, &at)) != BANK_OK || at < t) {
		*seq = INT64_MAX;
		return rc;
	}
	/* f(pos) = time of the first row at or after pos never decreases: find the
	 * smallest pos with f(pos) >= t; f(hi) >= t holds. */
	while (lo < hi) {
		int64_t mid = lo + (hi - lo) / 2;
		if ((rc = probe(b, mid, &s, &at)) != BANK_OK)
			return rc;
		if (s != 0 && at >= t)
			hi = mid;
		else
			lo = mid + 1;
	}
	if ((rc = probe(b, lo, &s, &at)) != BANK_OK)
		return rc;
	hi = s;
	*seq = hi;
	b->seq_at_valid = true;
	b->seq_at_time = t;
	b->seq_at_seq = hi;
	return BANK_OK;
}

/* The account's balance after its last posting before journal position seq. */
static int balance_before(bank *b, int64_t account_id, int64_t seq, int64_t *out)
{
	bank__q *q = bank__q_get(b, "SELECT bal FROM ("
				    " SELECT * FROM (SELECT seq, debit_balance AS bal FROM transfer"
				    "  WHERE debit_id = ?1 AND seq < ?2 AND posted = 1 ORDER BY seq DESC LIMIT 1)"
				    " UNION ALL"
				    " SELECT * FROM (SELECT seq, credit_balance AS bal FROM transfer"
				    "  WHERE credit_id = ?1 AND seq < ?2 AND posted = 1 ORDER BY seq DESC LIMIT 1))"
				    " ORDER BY seq DESC LIMIT 1");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, account_id);
	bank__q_int(q, 2, seq);
	int rc = bank__q_step(q);
	*out = rc == 1 ? bank__q_col_int(q, 0) : 0;
	bank__q_reset(q);
	return rc < 0 ? rc : BANK_OK;
}

/* For interest.c: an account's end-of-day balances (no checks, no transaction of its own). */
int bank__balance_before_time(bank *b, int64_t account_id, bank_time t, int64_t *out)
{
	int64_t seq;
	int rc = seq_at(b, t, &seq);
	return rc == BANK_OK ? balance_before(b, account_id, seq, out) : rc;
}

int bank_balance_at(int64_t *out, bank *b, const char *account, bank_time at)
{
	if (out == NULL || b == NULL)
		return bank__err(BANK_EMISUSE, "bank_balance_at: NULL argument");
	char object[32];
	snprintf(object, sizeof object, "account:%.12s", account ? account : "");
	struct acct_info a;
	int64_t seq;
	int rc;
	if ((rc = bank_account_number_check(account)) != BANK_OK ||
	    (rc = bank__authorize(b, "account.read", object)) != BANK_OK)
		return rc;
	if ((rc = bank__tx_begin_read(b)) != BANK_OK)
		return rc;
	if ((rc = acct_info(b, account, &a)) == BANK_OK && (rc = seq_at(b, at, &seq)) == BANK_OK)
		rc = balance_before(b, a.id, seq, out);
	bank__tx_rollback(b);
	return rc;
}

/* ---- Statements ---- */

void bank_statement_free(bank_statement *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->count; i++) {
		free((char *)s->entries[i].id);
		free((char *)s->entries[i].memo);
		free((char *)s->entries[i].counterparty);
		free((char *)s->entries[i].ref);
	}
	free(s->entries);
	free((char *)s->next);
	free(s);
}

static const char *kind_static(const char *k)
{
	static const char *const kinds[] = {"deposit", "withdrawal", "transfer", "hold", "post",
					    "void",    "reversal",   "interest", "fee"};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i], k) == 0)
			return kinds[i];
	return "unknown";
}

/* Cursors are the last journal position of a page, in decimal. */
static int cursor_parse(const char *after, int64_t *seq)
{
	*seq = 0;
	if (after == NULL)
		return BANK_OK;
	int64_t v = 0;
	size_t n = 0;
	for (const char *p = after; *p; p++, n++) {
		if (*p < '0' || *p > '9' || n >= 18)
			return bank__err(BANK_EINVAL, "invalid statement cursor \"%.40s\"", after);
		v = v * 10 + (*p - '0');
	}
	if (n == 0)
		return bank__err(BANK_EINVAL, "empty statement cursor");
	*seq = v;
	return BANK_OK;
}

static int statement_read(bank *b, bank_statement *s, const struct acct_info *a, int64_t lo, int64_t hi, size_t limit)
{
	bank__q *q = bank__q_get(
		b, "SELECT t.seq, t.id, t.kind, t.created_at, t.amount, t.debit_id = ?1,"
		   " CASE WHEN t.debit_id = ?1 THEN t.debit_balance ELSE t.credit_balance END, o.number, t.memo,"
		   " coalesce(r.id, '')"
		   " FROM (SELECT seq FROM ("
		   "   SELECT * FROM (SELECT seq FROM transfer WHERE debit_id = ?1 AND seq > ?2 AND seq < ?3"
		   "    AND posted = 1 ORDER BY seq LIMIT ?4)"
		   "   UNION ALL"
		   "   SELECT * FROM (SELECT seq FROM transfer WHERE credit_id = ?1 AND seq > ?2 AND seq < ?3"
		   "    AND posted = 1 ORDER BY seq LIMIT ?4))"
		   "  ORDER BY seq LIMIT ?4) s"
		   " JOIN transfer t ON t.seq = s.seq"
		   " JOIN account o ON o.id = CASE WHEN t.debit_id = ?1 THEN t.credit_id ELSE t.debit_id END"
		   " LEFT JOIN transfer r ON r.seq = t.ref_seq"
		   " ORDER BY t.seq");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, a->id);
	bank__q_int(q, 2, lo);
	bank__q_int(q, 3, hi);
	bank__q_int(q, 4, (int64_t)limit + 1); /* one more tells whether a next page exists */
	int rc;
	size_t cap = 0;
	bool more = false;
	while ((rc = bank__q_step(q)) == 1) {
		if (s->count == limit) {
			more = true;
			break;
		}
		if ((rc = bank__grow(&s->entries, sizeof *s->entries, s->count + 1, &cap)) != BANK_OK)
			break;
		bank_statement_entry *e = &s->entries[s->count];
		memset(e, 0, sizeof *e);
		s->count++;
		e->seq = bank__q_col_int(q, 0);
		e->id = bank__strdup(bank__q_col_text(q, 1));
		e->kind = kind_static(bank__q_col_text(q, 2));
		e->at = bank__q_col_int(q, 3);
		int64_t amount = bank__q_col_int(q, 4);
		bool is_debit = bank__q_col_int(q, 5) != 0;
		e->amount = is_debit == debit_normal(a->kind) ? amount : -amount;
		e->balance_after = bank__q_col_int(q, 6);
		e->counterparty = bank__strdup(bank__q_col_text(q, 7));
		e->memo = bank__strdup(bank__q_col_text(q, 8));
		e->ref = bank__strdup(bank__q_col_text(q, 9));
		if (!e->id || !e->counterparty || !e->memo || !e->ref) {
			rc = bank__oom();
			break;
		}
	}
	bank__q_reset(q);
	if (rc < 0)
		return rc;
	if (more) {
		char buf[24];
		snprintf(buf, sizeof buf, "%lld", (long long)s->entries[s->count - 1].seq);
		if ((s->next = bank__strdup(buf)) == NULL)
			return bank__oom();
	}
	return BANK_OK;
}

int bank_statement_get(bank_statement **out, bank *b, const char *account, bank_time since, bank_time until,
		       size_t limit, const char *after)
{
	if (out == NULL || b == NULL)
		return bank__err(BANK_EMISUSE, "bank_statement_get: NULL argument");
	*out = NULL;
	if (limit == 0)
		limit = 100;
	if (limit > BANK_STATEMENT_LIMIT_MAX)
		return bank__err(BANK_EINVAL, "statement limit %zu above %d", limit, BANK_STATEMENT_LIMIT_MAX);
	if (since < 0 || until < 0 || (until != 0 && until < since))
		return bank__err(BANK_EINVAL, "statement period ends before it starts");
	int64_t cursor;
	char object[32];
	snprintf(object, sizeof object, "account:%.12s", account ? account : "");
	int rc;
	if ((rc = bank_account_number_check(account)) != BANK_OK || (rc = cursor_parse(after, &cursor)) != BANK_OK ||
	    (rc = bank__authorize(b, "account.read", object)) != BANK_OK)
		return rc;
	bank_statement *s = calloc(1, sizeof *s);
	if (s == NULL)
		return bank__oom();
	s->since = since;
	s->until = until;
	struct acct_info a;
	int64_t lo = 0, hi = INT64_MAX;
	if ((rc = bank__tx_begin_read(b)) != BANK_OK) {
		free(s);
		return rc;
	}
	if ((rc = acct_info(b, account, &a)) != BANK_OK)
		goto done;
	snprintf(s->account, sizeof s->account, "%s", account);
	memcpy(s->currency, a.currency, sizeof s->currency);
	if (since > 0 && (rc = seq_at(b, since, &lo)) != BANK_OK)
		goto done;
	if (until > 0 && (rc = seq_at(b, until, &hi)) != BANK_OK)
		goto done;
	if ((rc = balance_before(b, a.id, lo, &s->opening_balance)) != BANK_OK ||
	    (rc = balance_before(b, a.id, hi, &s->closing_balance)) != BANK_OK)
		goto done;
	/* lo is the first position inside the period; pages start after the cursor. */
	rc = statement_read(b, s, &a, cursor > lo - 1 ? cursor : lo - 1, hi, limit);
done:
	bank__tx_rollback(b);
	if (rc != BANK_OK) {
		bank_statement_free(s);
		return rc;
	}
	*out = s;
	return BANK_OK;
}

/* ---- Trial balance ---- */

void bank_trial_balance_free(bank_trial_balance *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->count; i++)
		free((char *)t->lines[i].branch);
	free(t->lines);
	free(t->totals);
	free(t);
}

int bank_trial_balance_get(bank_trial_balance **out, bank *b)
{
	if (out == NULL || b == NULL)
		return bank__err(BANK_EMISUSE, "bank_trial_balance_get: NULL argument");
	*out = NULL;
	int rc = bank__authorize(b, "report.trial_balance", NULL);
	if (rc != BANK_OK)
		return rc;
	bank_trial_balance *t = calloc(1, sizeof *t);
	if (t == NULL)
		return bank__oom();
	bank__q *q = bank__q_get(b, "SELECT br.code, a.currency, a.kind, count(*),"
				    " sum(CASE WHEN a.balance > 0 THEN a.balance ELSE 0 END),"
				    " sum(CASE WHEN a.balance < 0 THEN -a.balance ELSE 0 END)"
				    " FROM account a JOIN branch br ON br.id = a.branch_id"
				    " GROUP BY br.code, a.currency, a.kind ORDER BY br.code, a.currency, a.kind");
	if (q == NULL) {
		free(t);
		return bank__last_code();
	}
	size_t cap = 0, tcap = 0;
	while ((rc = bank__q_step(q)) == 1) {
		if ((rc = bank__grow(&t->lines, sizeof *t->lines, t->count + 1, &cap)) != BANK_OK)
			break;
		bank_trial_line *l = &t->lines[t->count++];
		memset(l, 0, sizeof *l);
		l->branch = bank__strdup(bank__q_col_text(q, 0));
		snprintf(l->currency, sizeof l->currency, "%s", bank__q_col_text(q, 1));
		int kind = (int)bank__q_col_int(q, 2);
		l->kind = bank_account_kind_name((bank_account_kind)kind);
		l->accounts = (size_t)bank__q_col_int(q, 3);
		int64_t pos = bank__q_col_int(q, 4), neg = bank__q_col_int(q, 5);
		l->debit = debit_normal(kind) ? pos : neg;
		l->credit = debit_normal(kind) ? neg : pos;
		if (l->branch == NULL) {
			rc = bank__oom();
			break;
		}
		size_t k = 0;
		while (k < t->total_count && strcmp(t->totals[k].currency, l->currency) != 0)
			k++;
		if (k == t->total_count) {
			if ((rc = bank__grow(&t->totals, sizeof *t->totals, k + 1, &tcap)) != BANK_OK)
				break;
			memset(&t->totals[k], 0, sizeof t->totals[k]);
			memcpy(t->totals[k].currency, l->currency, sizeof l->currency);
			t->total_count++;
		}
		if (bank_money_add(&t->totals[k].debit, t->totals[k].debit, l->debit) != BANK_OK ||
		    bank_money_add(&t->totals[k].credit, t->totals[k].credit, l->credit) != BANK_OK) {
			rc = bank__err(BANK_ELIMIT, "trial balance totals overflow");
			break;
		}
	}
	bank__q_reset(q);
	if (rc < 0) {
		bank_trial_balance_free(t);
		return rc;
	}
	/* Totals by currency code. */
	for (size_t i = 1; i < t->total_count; i++)
		for (size_t j = i; j > 0 && strcmp(t->totals[j - 1].currency, t->totals[j].currency) > 0; j--) {
			bank_trial_total tmp = t->totals[j];
			t->totals[j] = t->totals[j - 1];
			t->totals[j - 1] = tmp;
		}
	*out = t;
	return BANK_OK;
}
