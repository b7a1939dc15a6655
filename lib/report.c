/*
 * report.c: reads over the journal: balances, balance as of a time, statements with
 * keyset pagination, the trial balance.
 *
 * Times map to journal positions: journal times never decrease along seq (ledger.c
 * makes sure), so "postings before time T" is "postings with seq below the first seq at
 * or after T", found by a binary search over seq. Per-account history is then read
 * along the account's posting chain (schema.c, v3): one seek in history finds the block
 * of BANK__HISTORY_BLOCK postings that holds a position, and the chain's back links walk
 * it. A page costs O(limit + BANK__HISTORY_BLOCK) row reads plus O(log n) per block,
 * however long the account's history.
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

/* The account's chain end and recent posting records, for callers without its row. */
static int tail_read(bank *b, int64_t account_id, bank__tail *t)
{
	bank__q *q = bank__q_get(b, "SELECT last_seq, postings, recent FROM account WHERE id = ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, account_id);
	int rc = bank__q_step(q);
	if (rc == 1) {
		bank__tail_fill(q, 0, t);
		rc = BANK_OK;
	} else if (rc == 0) {
		rc = bank__err(BANK_ENOTFOUND, "no account id %lld", (long long)account_id);
	}
	bank__q_reset(q);
	return rc;
}

struct acct_info {
	int64_t id;
	int kind;
	char currency[BANK_CURRENCY_SIZE];
	int64_t balance; /* now: the balance after its last posting */
	bank__tail tail;
};

static int acct_info(bank *b, const char *number, struct acct_info *a)
{
	int64_t id;
	int rc = bank__account_id(b, number, &id);
	if (rc != BANK_OK)
		return rc;
	bank__q *q = bank__q_get(
		b, "SELECT id, kind, currency, balance, last_seq, postings, recent FROM account WHERE id = ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, id);
	rc = bank__q_step(q);
	if (rc == 1) {
		a->id = bank__q_col_int(q, 0);
		a->kind = (int)bank__q_col_int(q, 1);
		snprintf(a->currency, sizeof a->currency, "%s", bank__q_col_text(q, 2));
		a->balance = bank__q_col_int(q, 3);
		bank__tail_fill(q, 4, &a->tail);
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

/* One link of an account's posting chain: the row at seq, as that account sees it. */
struct link {
	int64_t prev;    /* the account's previous posting, 0 for none */
	int64_t balance; /* the account's balance after this posting */
	int64_t other;   /* the posting's other account */
};

static int chain_link(bank *b, int64_t account_id, int64_t seq, struct link *l)
{
	bank__q *q = bank__q_get(b, "SELECT debit_id, debit_prev, credit_prev, debit_balance, credit_balance,"
				    " credit_id, posted FROM transfer WHERE seq = ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, seq);
	int rc = bank__q_step(q);
	if (rc == 1) {
		bool debit = bank__q_col_int(q, 0) == account_id;
		rc = BANK_OK;
		if ((!debit && bank__q_col_int(q, 5) != account_id) || bank__q_col_int(q, 6) != 1)
			rc = bank__err(BANK_ECORRUPT, "journal row %lld is not a posting of account id %lld",
				       (long long)seq, (long long)account_id);
		l->prev = bank__q_col_int(q, debit ? 1 : 2);
		l->balance = bank__q_col_int(q, debit ? 3 : 4);
		l->other = bank__q_col_int(q, debit ? 5 : 0);
		if (rc == BANK_OK && (l->prev < 0 || l->prev >= seq))
			rc = bank__err(BANK_ECORRUPT, "the posting chain of account id %lld is broken at row %lld",
				       (long long)account_id, (long long)seq);
	} else if (rc == 0) {
		rc = bank__err(BANK_ECORRUPT, "the posting chain of account id %lld names missing row %lld",
			       (long long)account_id, (long long)seq);
	}
	bank__q_reset(q);
	return rc;
}

/*
 * The account's postings after position pos, up to and including end, in ascending
 * order: at most BANK__HISTORY_BLOCK of them when end came from block_at(pos + 1), with
 * each one's other account.
 */
static int chain_block(bank *b, int64_t account_id, int64_t pos, int64_t end, int64_t seqs[BANK__HISTORY_BLOCK],
		       int64_t others[BANK__HISTORY_BLOCK], size_t *n)
{
	*n = 0;
	for (int64_t cur = end; cur > pos && cur > 0;) {
		if (*n == BANK__HISTORY_BLOCK)
			return bank__err(BANK_ECORRUPT, "the history of account id %lld is inconsistent near row %lld",
					 (long long)account_id, (long long)end);
		struct link l = {0};
		int rc = chain_link(b, account_id, cur, &l);
		if (rc != BANK_OK)
			return rc;
		others[*n] = l.other;
		seqs[(*n)++] = cur;
		cur = l.prev;
	}
	for (size_t i = 0, j = *n; i + 1 < j; i++, j--) {
		int64_t t = seqs[i];
		seqs[i] = seqs[j - 1];
		seqs[j - 1] = t;
		t = others[i];
		others[i] = others[j - 1];
		others[j - 1] = t;
	}
	return BANK_OK;
}

/*
 * Decodes the posting records of the history block ending at @p end (blob of len
 * bytes; none when not @p known) and checks that they are a whole block.
 */
static int block_decode(int64_t account_id, int64_t end, const void *blob, size_t len, bool known,
			bank__prec recs[BANK__HISTORY_BLOCK], size_t *n)
{
	*n = 0;
	if (!known)
		return BANK_OK;
	int rc = bank__prec_decode(blob, len, recs, BANK__HISTORY_BLOCK, n);
	if (rc == BANK_OK && (*n != BANK__HISTORY_BLOCK || recs[*n - 1].seq != end))
		rc = bank__err(BANK_ECORRUPT, "account id %lld: the history block ending at row %lld holds %zu records",
			       (long long)account_id, (long long)end, *n);
	return rc;
}

/* The account's recent posting records (account.recent), checked against its chain's end. */
static int recent_decode(int64_t account_id, const bank__tail *t, bank__prec recs[BANK__HISTORY_BLOCK], size_t *n)
{
	int rc = bank__prec_decode(t->recent, t->len, recs, BANK__HISTORY_BLOCK - 1, n);
	if (rc == BANK_OK &&
	    ((int64_t)*n != t->postings % BANK__HISTORY_BLOCK || (*n > 0 && recs[*n - 1].seq != t->last_seq)))
		rc = bank__err(BANK_ECORRUPT, "account id %lld: %zu recent posting records for %lld postings",
			       (long long)account_id, *n, (long long)t->postings);
	return rc;
}

/* Decodes the current row of a query on history that selects (last_seq, entries). */
static int block_row(bank__q *q, int64_t account_id, int64_t *end, bank__prec recs[BANK__HISTORY_BLOCK], size_t *n,
		     bool *known)
{
	*end = bank__q_col_int(q, 0);
	size_t len;
	const void *blob = bank__q_col_blob(q, 1, &len);
	*known = !bank__q_col_null(q, 1);
	return block_decode(account_id, *end, blob, len, *known, recs, n);
}

/*
 * An account's blocks in order from a position: one history seek, then each next block
 * is the cursor's next row (an account's blocks are neighbours in history's key order),
 * then the tail. blocks_end() must run on every path out.
 */
struct blocks {
	bank__q *q; /* the open range; NULL once it has run out */
	bool tail;  /* the tail was returned: nothing after it */
};

static int blocks_start(bank *b, struct blocks *it, int64_t account_id, int64_t pos)
{
	it->tail = false;
	it->q = bank__q_get(b, "SELECT last_seq, entries FROM history WHERE account_id = ? AND last_seq >= ?"
			       " ORDER BY last_seq");
	if (it->q == NULL)
		return bank__last_code();
	bank__q_int(it->q, 1, account_id);
	bank__q_int(it->q, 2, pos);
	return BANK_OK;
}

static void blocks_end(struct blocks *it)
{
	if (it->q != NULL)
		bank__q_reset(it->q);
	it->q = NULL;
}

/*
 * The next block: its end (the last posting of the next history block, else the
 * account's last posting; 0 when it has none, and after the tail) and, when they are
 * known (*known), its posting records (history.entries, else account.recent), checked
 * against what the block must hold. t is the account's tail, or NULL to read it here
 * when the next block is the tail.
 */
static int blocks_next(bank *b, struct blocks *it, int64_t account_id, const bank__tail *t, int64_t *end,
		       bank__prec recs[BANK__HISTORY_BLOCK], size_t *n, bool *known)
{
	*n = 0;
	*known = false;
	*end = 0;
	int rc;
	if (it->q != NULL) {
		if ((rc = bank__q_step(it->q)) < 0)
			return rc;
		if (rc == 1)
			return block_row(it->q, account_id, end, recs, n, known);
		blocks_end(it);
	}
	if (it->tail)
		return BANK_OK;
	it->tail = true;
	bank__tail own;
	if (t == NULL) {
		if ((rc = tail_read(b, account_id, &own)) != BANK_OK)
			return rc;
		t = &own;
	}
	*end = t->last_seq;
	*known = t->known;
	return *known ? recent_decode(account_id, t, recs, n) : BANK_OK;
}

/*
 * The block of the account's postings that holds position pos, as blocks_next() returns
 * it. Every posting of the account at or after pos, up to the end, is within
 * BANK__HISTORY_BLOCK links of it.
 */
static int block_at(bank *b, int64_t account_id, const bank__tail *t, int64_t pos, int64_t *end,
		    bank__prec recs[BANK__HISTORY_BLOCK], size_t *n, bool *known)
{
	struct blocks it;
	int rc = blocks_start(b, &it, account_id, pos);
	if (rc == BANK_OK)
		rc = blocks_next(b, &it, account_id, t, end, recs, n, known);
	blocks_end(&it);
	return rc;
}

/*
 * The balance after the last posting before seq, given the records of the block that
 * holds seq: the last record before seq; when the block's first posting is at or after
 * seq, the last posting of the block before it; with no block before, 0.
 */
static int balance_before_known(bank *b, int64_t account_id, int64_t seq, const bank__prec *recs, size_t n,
				int64_t *out)
{
	for (size_t i = n; i > 0; i--)
		if (recs[i - 1].seq < seq) {
			*out = recs[i - 1].balance;
			return BANK_OK;
		}
	bank__q *q = bank__q_get(b, "SELECT last_seq, entries FROM history WHERE account_id = ? AND last_seq < ?"
				    " ORDER BY last_seq DESC LIMIT 1");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, account_id);
	bank__q_int(q, 2, seq);
	int rc = bank__q_step(q);
	int64_t prev = 0;
	bool known = false;
	bank__prec before[BANK__HISTORY_BLOCK];
	size_t m = 0;
	if (rc == 1)
		rc = block_row(q, account_id, &prev, before, &m, &known);
	bank__q_reset(q);
	if (rc < 0)
		return rc;
	if (prev == 0) { /* no block before: no posting before seq */
		*out = 0;
		return BANK_OK;
	}
	if (known) {
		*out = before[m - 1].balance;
		return BANK_OK;
	}
	struct link l = {0};
	if ((rc = chain_link(b, account_id, prev, &l)) == BANK_OK)
		*out = l.balance;
	return rc;
}

/*
 * The account's balance after its last posting before journal position seq: from the
 * posting records of the block that holds seq where they are known, else along the
 * chain from the block's end. t: the account's tail, or NULL (read when needed).
 */
static int balance_before(bank *b, int64_t account_id, const bank__tail *t, int64_t seq, int64_t *out)
{
	if (seq <= 1) { /* before the first journal row: nothing to walk */
		*out = 0;
		return BANK_OK;
	}
	bank__prec recs[BANK__HISTORY_BLOCK];
	size_t n;
	bool known;
	int64_t cur;
	int rc = block_at(b, account_id, t, seq, &cur, recs, &n, &known);
	if (rc != BANK_OK)
		return rc;
	if (known)
		return balance_before_known(b, account_id, seq, recs, n, out);
	struct link l = {0, 0, 0};
	for (int steps = 0; rc == BANK_OK && cur >= seq && cur > 0; steps++) {
		if (steps > BANK__HISTORY_BLOCK)
			return bank__err(BANK_ECORRUPT, "the history of account id %lld is inconsistent near row %lld",
					 (long long)account_id, (long long)cur);
		if ((rc = chain_link(b, account_id, cur, &l)) == BANK_OK)
			cur = l.prev;
	}
	if (rc != BANK_OK)
		return rc;
	if (cur <= 0) {
		*out = 0;
		return BANK_OK;
	}
	if ((rc = chain_link(b, account_id, cur, &l)) == BANK_OK)
		*out = l.balance;
	return rc;
}

/* For interest.c: an account's end-of-day balances (no checks, no transaction of its own). */
int bank__balance_before_time(bank *b, int64_t account_id, bank_time t, int64_t *out)
{
	int64_t seq;
	int rc = seq_at(b, t, &seq);
	return rc == BANK_OK ? balance_before(b, account_id, NULL, seq, out) : rc;
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
		rc = balance_before(b, a.id, &a.tail, seq, out);
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

/*
 * Appends the posting at seq, whose other account is other, to the statement. The
 * counterparty's number comes from the handle's number cache; only when the cache lacks
 * it does the query read the account row (and the cache learns it).
 */
static int statement_entry(bank *b, bank_statement *s, const struct acct_info *a, int64_t seq, int64_t other,
			   size_t *cap)
{
	char number[BANK_ACCOUNT_NUMBER_SIZE];
	bool cached = bank__account_number_cached(b, other, number);
	bank__q *q = bank__q_get(b, "SELECT t.seq, t.id, t.kind, t.created_at, t.amount, t.debit_id = ?1,"
				    " CASE WHEN t.debit_id = ?1 THEN t.debit_balance ELSE t.credit_balance END,"
				    " CASE WHEN ?3 THEN '' ELSE (SELECT number FROM account WHERE id = ?4) END,"
				    " t.memo, coalesce(r.id, '')"
				    " FROM transfer t LEFT JOIN transfer r ON r.seq = t.ref_seq WHERE t.seq = ?2");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, a->id);
	bank__q_int(q, 2, seq);
	bank__q_int(q, 3, cached);
	bank__q_int(q, 4, other);
	int rc = bank__q_step(q);
	if (rc == 0)
		rc = bank__err(BANK_ECORRUPT, "statement: journal row %lld is missing", (long long)seq);
	if (rc == 1 && !cached && bank__q_col_text(q, 7) == NULL)
		rc = bank__err(BANK_ECORRUPT, "statement: journal row %lld names missing account id %lld",
			       (long long)seq, (long long)other);
	if (rc == 1 && (rc = bank__grow(&s->entries, sizeof *s->entries, s->count + 1, cap)) == BANK_OK) {
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
		if (!cached)
			bank__account_number_remember(b, other, bank__q_col_text(q, 7));
		e->counterparty = bank__strdup(cached ? number : bank__q_col_text(q, 7));
		e->memo = bank__strdup(bank__q_col_text(q, 8));
		e->ref = bank__strdup(bank__q_col_text(q, 9));
		if (!e->id || !e->counterparty || !e->memo || !e->ref)
			rc = bank__oom();
	}
	bank__q_reset(q);
	return rc < 0 ? rc : BANK_OK;
}

/* Appends the posting of record r; the journal row is read only when r says so. */
static int statement_entry_rec(bank *b, bank_statement *s, const struct acct_info *a, const bank__prec *r, size_t *cap)
{
	int rc = bank__grow(&s->entries, sizeof *s->entries, s->count + 1, cap);
	if (rc != BANK_OK)
		return rc;
	bank_statement_entry *e = &s->entries[s->count];
	memset(e, 0, sizeof *e);
	s->count++;
	e->seq = r->seq;
	e->kind = bank__prec_kind_name(r->kind);
	e->at = r->at;
	e->amount = r->debit == debit_normal(a->kind) ? r->amount : -r->amount;
	e->balance_after = r->balance;
	char text[40];
	bank__account_number_text(r->other, text);
	e->counterparty = bank__strdup(text);
	if (!r->journal) {
		bank__prec_id(r, text);
		e->id = bank__strdup(text);
		e->memo = bank__strdup("");
		e->ref = bank__strdup("");
	} else {
		bank__q *q = bank__q_get(b, "SELECT t.id, t.memo, coalesce(r.id, '') FROM transfer t"
					    " LEFT JOIN transfer r ON r.seq = t.ref_seq WHERE t.seq = ?");
		if (q == NULL)
			return bank__last_code();
		bank__q_int(q, 1, r->seq);
		rc = bank__q_step(q);
		if (rc == 1) {
			e->id = bank__strdup(bank__q_col_text(q, 0));
			e->memo = bank__strdup(bank__q_col_text(q, 1));
			e->ref = bank__strdup(bank__q_col_text(q, 2));
		}
		bank__q_reset(q);
		if (rc <= 0)
			return rc < 0 ? rc
				      : bank__err(BANK_ECORRUPT, "statement: journal row %lld is missing",
						  (long long)r->seq);
	}
	return e->id && e->counterparty && e->memo && e->ref ? BANK_OK : bank__oom();
}

/*
 * The account's postings with lo < seq < hi, ascending, at most limit, read block by
 * block: from the block's posting records when they are known, else along the chain;
 * s->next is set when more remain.
 */
static int statement_read(bank *b, bank_statement *s, const struct acct_info *a, int64_t lo, int64_t hi, size_t limit)
{
	int64_t seqs[BANK__HISTORY_BLOCK], others[BANK__HISTORY_BLOCK];
	bank__prec recs[BANK__HISTORY_BLOCK];
	size_t cap = 0, n;
	bool more = false, past = false, known;
	struct blocks it;
	int rc = blocks_start(b, &it, a->id, lo + 1);
	for (int64_t pos = lo; rc == BANK_OK && !more && !past;) {
		int64_t end;
		if ((rc = blocks_next(b, &it, a->id, &a->tail, &end, recs, &n, &known)) != BANK_OK)
			break;
		if (end <= pos)
			break;
		if (!known && (rc = chain_block(b, a->id, pos, end, seqs, others, &n)) != BANK_OK)
			break;
		if (n == 0)
			break;
		for (size_t i = 0; i < n && !more && !past && rc == BANK_OK; i++) {
			int64_t seq = known ? recs[i].seq : seqs[i];
			if (seq <= pos)
				continue;
			if (seq >= hi)
				past = true;
			else if (s->count == limit)
				more = true;
			else
				rc = known ? statement_entry_rec(b, s, a, &recs[i], &cap)
					   : statement_entry(b, s, a, seq, others[i], &cap);
		}
		pos = end;
	}
	blocks_end(&it);
	if (rc != BANK_OK)
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
	/* A period open at the end closes on the account's balance (that of its last posting). */
	s->closing_balance = a.balance;
	if ((rc = balance_before(b, a.id, &a.tail, lo, &s->opening_balance)) != BANK_OK ||
	    (hi != INT64_MAX && (rc = balance_before(b, a.id, &a.tail, hi, &s->closing_balance)) != BANK_OK))
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

/* ---- Statement iterator: pages of bank_statement_get, one held at a time ---- */

struct bank_statement_iter {
	bank *b;
	char account[BANK_ACCOUNT_NUMBER_SIZE];
	bank_time since, until;
	size_t page;         /* entries per page */
	bank_statement *cur; /* the page being handed out */
	size_t pos;          /* its next entry */
};

int bank_statement_iter_open(bank_statement_iter **out, bank *b, const char *account, bank_time since, bank_time until,
			     size_t page)
{
	if (out == NULL || b == NULL || account == NULL)
		return bank__err(BANK_EMISUSE, "bank_statement_iter_open: NULL argument");
	*out = NULL;
	if (page == 0)
		page = BANK_STATEMENT_ITER_PAGE;
	if (page > BANK_STATEMENT_LIMIT_MAX)
		return bank__err(BANK_EINVAL, "statement page %zu above %d", page, BANK_STATEMENT_LIMIT_MAX);
	bank_statement *first = NULL;
	int rc = bank_statement_get(&first, b, account, since, until, page, NULL);
	if (rc != BANK_OK)
		return rc;
	bank_statement_iter *it = calloc(1, sizeof *it);
	if (it == NULL) {
		bank_statement_free(first);
		return bank__oom();
	}
	it->b = b;
	snprintf(it->account, sizeof it->account, "%s", first->account);
	it->since = since;
	it->until = until;
	it->page = page;
	it->cur = first;
	*out = it;
	return BANK_OK;
}

int bank_statement_iter_next(bank_statement_iter *it, const bank_statement_entry **entry)
{
	if (entry != NULL)
		*entry = NULL;
	if (it == NULL || entry == NULL)
		return bank__err(BANK_EMISUSE, "bank_statement_iter_next: NULL argument");
	if (it->pos == it->cur->count) {
		if (it->cur->next == NULL)
			return 0;
		bank_statement *next = NULL;
		int rc = bank_statement_get(&next, it->b, it->account, it->since, it->until, it->page, it->cur->next);
		if (rc != BANK_OK)
			return rc; /* the iterator keeps its page: a later call retries */
		bank_statement_free(it->cur);
		it->cur = next;
		it->pos = 0;
		if (next->count == 0)
			return 0; /* a cursor at the end (the last entry filled the page exactly) */
	}
	*entry = &it->cur->entries[it->pos++];
	return 1;
}

const bank_statement *bank_statement_iter_page(const bank_statement_iter *it)
{
	return it != NULL ? it->cur : NULL;
}

void bank_statement_iter_free(bank_statement_iter *it)
{
	if (it == NULL)
		return;
	bank_statement_free(it->cur);
	free(it);
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
