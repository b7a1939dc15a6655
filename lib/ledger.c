/*
 * ledger.c: the double-entry journal. Owns the transfer and hold tables.
 *
 * Every movement is one journal row that debits one account and credits another of the
 * same currency; posted rows also store each account's balance after them, so
 * statements and balance-as-of are reads. Balances live on the account's normal side
 * (see account.c). The journal is append-only (triggers); hold state, which does change,
 * lives in the hold table.
 *
 * One movement = apply(): every check first (id replay, accounts, status, currency,
 * funds, overflow), then the writes (balances, journal row, hold row, audit record). A
 * failed check has written nothing but, at most, the release of expired holds, which is
 * itself a legitimate change of the account being touched.
 *
 * Kinds: deposit (cash vault -> customer), withdrawal (customer -> cash vault), transfer,
 * hold (posted = 0: reserves funds, moves nothing), post (settles a hold), void (releases
 * a hold; posted = 0), reversal (the opposite of a posted transfer, naming it in ref),
 * interest (the branch's interest-expense account -> customer; see interest.c).
 *
 * Hold lifecycle (hold.status):
 *
 *     active --post--> posted        (amount <= held; the rest released)
 *        |----void---> voided
 *        +--expiry---> expired       (on next touch of the account, or bank_hold_sweep)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum kind { K_DEPOSIT, K_WITHDRAWAL, K_TRANSFER, K_HOLD, K_POST, K_VOID, K_REVERSAL, K_INTEREST };

static const char *const kind_names[] = {"deposit", "withdrawal", "transfer", "hold",
					 "post",    "void",       "reversal", "interest"};

/* One request, as every public entry point and every batch item describes it. */
struct req {
	enum kind kind;
	const char *debit;  /* account number; NULL = cash vault (deposit) */
	const char *credit; /* account number; NULL = cash vault (withdrawal) or suspense (hold) */
	int64_t amount;     /* minor units; 0 = whole hold (post) */
	const char *id;     /* client id or NULL */
	const char *memo;   /* or NULL */
	const char *ref;    /* hold id (post, void) or transfer id (reversal) */
	int64_t expires_in; /* hold: seconds, 0 = never */
	bool batched;       /* a batch item: the batch writes one audit record for all */
};

struct acct {
	int64_t id;
	int kind;
	int64_t branch_id;
	char number[BANK_ACCOUNT_NUMBER_SIZE];
	char currency[BANK_CURRENCY_SIZE];
	char status[8];
	unsigned frozen;
	int64_t balance, pending, min_balance, overdraft;
	bank__tail tail; /* the posting chain's end and length, recent posting records */
};

const char *bank_transfer_status_name(bank_transfer_status status)
{
	return status == BANK_TRANSFER_EXISTS ? "exists" : "created";
}

int bank_transfer_id_check(const char *id)
{
	if (id == NULL || id[0] == '\0')
		return bank__err(BANK_EINVAL, "transfer id is empty");
	size_t n = 0;
	for (const char *p = id; *p; p++, n++) {
		if (*p < 0x20 || *p > 0x7e)
			return bank__err(BANK_EINVAL, "transfer id must be printable ASCII (0x20-0x7e)");
		if (n >= BANK_ID_MAX)
			return bank__err(BANK_EINVAL, "transfer id is longer than %d characters", BANK_ID_MAX);
	}
	return BANK_OK;
}

void bank_transfer_free(bank_transfer *t)
{
	if (t == NULL)
		return;
	free((char *)t->id);
	free((char *)t->memo);
	free((char *)t->ref);
	free((char *)t->principal);
	free(t);
}

static bool debit_normal(int kind)
{
	return kind == BANK_ACCOUNT_CASH || kind == BANK_ACCOUNT_INTEREST_EXPENSE;
}

static bool fatal(int rc)
{
	return rc == BANK_EIO || rc == BANK_EBUSY || rc == BANK_ENOMEM || rc == BANK_ECORRUPT || rc == BANK_EMISUSE;
}

/* ---- Accounts as the ledger sees them ---- */

#define ACCT_SELECT                                                                                         \
	"SELECT a.id, a.kind, a.branch_id, a.number, a.currency, a.status, a.frozen, a.balance, a.pending," \
	" coalesce(p.min_balance, 0), coalesce(p.overdraft, 0), a.last_seq, a.postings, a.recent"           \
	" FROM account a LEFT JOIN product p ON p.id = a.product_id"

static void acct_fill(bank__q *q, struct acct *a)
{
	a->id = bank__q_col_int(q, 0);
	a->kind = (int)bank__q_col_int(q, 1);
	a->branch_id = bank__q_col_int(q, 2);
	bank__copy(a->number, sizeof a->number, bank__q_col_text(q, 3));
	bank__copy(a->currency, sizeof a->currency, bank__q_col_text(q, 4));
	bank__copy(a->status, sizeof a->status, bank__q_col_text(q, 5));
	a->frozen = (unsigned)bank__q_col_int(q, 6);
	a->balance = bank__q_col_int(q, 7);
	a->pending = bank__q_col_int(q, 8);
	a->min_balance = bank__q_col_int(q, 9);
	a->overdraft = bank__q_col_int(q, 10);
	bank__tail_fill(q, 11, &a->tail);
}

static int acct_read(bank__q *q, struct acct *a, const char *what)
{
	int rc = bank__q_step(q);
	if (rc == 1) {
		acct_fill(q, a);
		rc = BANK_OK;
	} else if (rc == 0) {
		rc = bank__err(BANK_ENOTFOUND, "no account %s", what);
	}
	bank__q_reset(q);
	return rc;
}

static int acct_by_id(bank *b, int64_t id, struct acct *a)
{
	bank__q *q = bank__q_get(b, ACCT_SELECT " WHERE a.id = ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, id);
	return acct_read(q, a, "(by id)");
}

static int acct_by_number(bank *b, const char *number, struct acct *a)
{
	int64_t id;
	int rc = bank__account_id(b, number, &id);
	return rc == BANK_OK ? acct_by_id(b, id, a) : rc;
}

/* ---- Holds ---- */

int bank__holds_expire(bank *b, int64_t account_id, bank_time now, size_t *released)
{
	struct row {
		int64_t seq, account_id, amount;
		char id[BANK_ID_SIZE];
	} *rows = NULL;
	size_t n = 0, cap = 0;
	bank__q *q =
		bank__q_get(b, "SELECT h.seq, h.account_id, h.amount, t.id FROM hold h JOIN transfer t ON t.seq = h.seq"
			       " WHERE h.status = 'active' AND h.expires_at IS NOT NULL AND h.expires_at <= ?1"
			       " AND (?2 = 0 OR h.account_id = ?2)");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, now);
	bank__q_int(q, 2, account_id);
	int rc;
	while ((rc = bank__q_step(q)) == 1) {
		if ((rc = bank__grow(&rows, sizeof *rows, n + 1, &cap)) != BANK_OK)
			break;
		rows[n].seq = bank__q_col_int(q, 0);
		rows[n].account_id = bank__q_col_int(q, 1);
		rows[n].amount = bank__q_col_int(q, 2);
		snprintf(rows[n].id, sizeof rows[n].id, "%s", bank__q_col_text(q, 3));
		n++;
	}
	bank__q_reset(q);
	for (size_t i = 0; rc >= 0 && i < n; i++) {
		bank__q *u = bank__q_get(b, "UPDATE account SET pending = pending - ? WHERE id = ?");
		if (u == NULL) {
			rc = bank__last_code();
			break;
		}
		bank__q_int(u, 1, rows[i].amount);
		bank__q_int(u, 2, rows[i].account_id);
		if ((rc = bank__q_exec(u)) != BANK_OK)
			break;
		u = bank__q_get(b, "UPDATE hold SET status = 'expired', closed_at = ? WHERE seq = ?");
		if (u == NULL) {
			rc = bank__last_code();
			break;
		}
		bank__q_int(u, 1, now);
		bank__q_int(u, 2, rows[i].seq);
		if ((rc = bank__q_exec(u)) != BANK_OK)
			break;
		char object[BANK_ID_SIZE + 16];
		snprintf(object, sizeof object, "transfer:%s", rows[i].id);
		bank__buf d;
		bank__json_begin(&d);
		bank__json_int(&d, "released", rows[i].amount);
		bank__json_end(&d);
		rc = d.failed ? bank__oom() : bank__audit(b, now, "hold.expire", object, d.data);
		bank__buf_free(&d);
	}
	free(rows);
	if (rc < 0)
		return rc;
	if (released)
		*released = n;
	return BANK_OK;
}

/* ---- Reading journal rows ---- */

#define TRANSFER_SELECT                                                                                     \
	"SELECT t.seq, t.id, t.kind, d.number, c.number, t.amount, t.currency, t.memo, coalesce(r.id, '')," \
	" t.posted, coalesce(h.status, ''), coalesce(t.expires_at, 0), coalesce(t.debit_balance, 0),"       \
	" coalesce(t.credit_balance, 0), t.principal, t.created_at"                                         \
	" FROM transfer t JOIN account d ON d.id = t.debit_id JOIN account c ON c.id = t.credit_id"         \
	" LEFT JOIN transfer r ON r.seq = t.ref_seq LEFT JOIN hold h ON h.seq = t.seq"

static const char *static_kind(const char *k)
{
	for (size_t i = 0; i < sizeof kind_names / sizeof kind_names[0]; i++)
		if (strcmp(kind_names[i], k) == 0)
			return kind_names[i];
	return strcmp(k, "interest") == 0 ? "interest" : strcmp(k, "fee") == 0 ? "fee" : "unknown";
}

static const char *static_hold_status(const char *s)
{
	static const char *const names[] = {"active", "posted", "voided", "expired"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(names[i], s) == 0)
			return names[i];
	return "";
}

static int transfer_fetch(bank *b, const char *id, bank_transfer **out)
{
	bank__q *q = bank__q_get(b, TRANSFER_SELECT " WHERE t.id = ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_text(q, 1, id);
	int rc = bank__q_step(q);
	if (rc == 0)
		rc = bank__err(BANK_ENOTFOUND, "no transfer with id \"%s\"", id);
	if (rc != 1) {
		bank__q_reset(q);
		return rc;
	}
	bank_transfer *t = calloc(1, sizeof *t);
	if (t == NULL) {
		bank__q_reset(q);
		return bank__oom();
	}
	t->seq = bank__q_col_int(q, 0);
	t->id = bank__strdup(bank__q_col_text(q, 1));
	t->kind = static_kind(bank__q_col_text(q, 2));
	snprintf(t->debit, sizeof t->debit, "%s", bank__q_col_text(q, 3));
	snprintf(t->credit, sizeof t->credit, "%s", bank__q_col_text(q, 4));
	t->amount = bank__q_col_int(q, 5);
	snprintf(t->currency, sizeof t->currency, "%s", bank__q_col_text(q, 6));
	t->memo = bank__strdup(bank__q_col_text(q, 7));
	t->ref = bank__strdup(bank__q_col_text(q, 8));
	t->pending = strcmp(t->kind, "hold") == 0;
	t->hold_status = static_hold_status(bank__q_col_text(q, 10));
	t->expires_at = bank__q_col_int(q, 11);
	t->debit_balance = bank__q_col_int(q, 12);
	t->credit_balance = bank__q_col_int(q, 13);
	t->principal = bank__strdup(bank__q_col_text(q, 14));
	t->created_at = bank__q_col_int(q, 15);
	t->status = BANK_TRANSFER_EXISTS;
	bank__q_reset(q);
	if (!t->id || !t->memo || !t->ref || !t->principal) {
		bank_transfer_free(t);
		return bank__oom();
	}
	*out = t;
	return BANK_OK;
}

int bank_transfer_get(bank_transfer **out, bank *b, const char *id)
{
	if (out == NULL || b == NULL)
		return bank__err(BANK_EMISUSE, "bank_transfer_get: NULL argument");
	*out = NULL;
	int rc;
	if ((rc = bank_transfer_id_check(id)) != BANK_OK || (rc = bank__authorize(b, "transfer.read", NULL)) != BANK_OK)
		return rc;
	return transfer_fetch(b, id, out);
}

/* ---- Replays ---- */

static int money_text(char *buf, size_t size, int64_t v, const char *cur)
{
	if (bank_amount_format(buf, size, v, cur) != BANK_OK)
		snprintf(buf, size, "%lld", (long long)v);
	return 0;
}

/* An id that exists: the same request returns the original; another one conflicts. */
static int replay(bank *b, const struct req *r, bank_transfer **out)
{
	bank_transfer *t = NULL;
	int rc = transfer_fetch(b, r->id, &t);
	if (rc != BANK_OK)
		return rc;
	const char *diff = NULL;
	const char *memo = r->memo ? r->memo : "";
	if (strcmp(t->kind, kind_names[r->kind]) != 0)
		diff = "kind";
	else if (r->debit && strcmp(t->debit, r->debit) != 0)
		diff = "debit account";
	else if (r->credit && strcmp(t->credit, r->credit) != 0)
		diff = "credit account";
	else if (r->amount != 0 && t->amount != r->amount) /* 0: the whole hold, or a reversal's original amount */
		diff = "amount";
	else if (strcmp(t->memo, memo) != 0 && r->kind != K_VOID && r->kind != K_POST && r->kind != K_REVERSAL)
		diff = "memo";
	else if (r->ref && strcmp(t->ref, r->ref) != 0)
		diff = "reference";
	if (diff != NULL) {
		char was[BANK_AMOUNT_SIZE];
		money_text(was, sizeof was, t->amount, t->currency);
		rc = bank__err(BANK_ECONFLICT,
			       "transfer id \"%s\" was already used with another %s (it was a %s of %s %s)", r->id,
			       diff, t->kind, was, t->currency);
		bank_transfer_free(t);
		return rc;
	}
	if (out)
		*out = t;
	else
		bank_transfer_free(t);
	return BANK_OK;
}

/* ---- The movement ---- */

/* The journal's time: the handle's clock, never before the last journal entry. */
static int ledger_now(bank *b, bank_time *now)
{
	*now = bank_now(b);
	bank__q *q = bank__q_get(b, "SELECT created_at, seq FROM transfer ORDER BY seq DESC LIMIT 1");
	if (q == NULL)
		return bank__last_code();
	int rc = bank__q_step(q);
	if (rc == 1 && bank__q_col_int(q, 0) > *now)
		*now = bank__q_col_int(q, 0);
	/* Seeded ids continue from the journal's state, not from the handle's first id. */
	bank__rng_reseed(&b->rng, (uint64_t)(rc == 1 ? bank__q_col_int(q, 1) : 0) + (UINT64_C(1) << 62));
	bank__q_reset(q);
	if (rc < 0)
		return rc;
	if (*now > b->last_now)
		b->last_now = *now;
	return BANK_OK;
}

static int check_usable(const struct acct *a, bool debit, bool check_freeze)
{
	if (strcmp(a->status, "closed") == 0)
		return bank__err(BANK_ECLOSED, "account %s is closed", a->number);
	unsigned flag = debit ? BANK_FREEZE_DEBITS : BANK_FREEZE_CREDITS;
	if (check_freeze && (a->frozen & flag))
		return bank__err(BANK_EFROZEN, "account %s is frozen for %s", a->number, debit ? "debits" : "credits");
	return BANK_OK;
}

static int apply_balance(const struct acct *a, bool debit, int64_t amount, int64_t *out)
{
	int rc = debit == debit_normal(a->kind) ? bank_money_add(out, a->balance, amount)
						: bank_money_sub(out, a->balance, amount);
	if (rc != BANK_OK)
		return bank__err(BANK_ELIMIT, "the balance of account %s would leave the range of a 64-bit integer",
				 a->number);
	return BANK_OK;
}

/*
 * Writes an account's new balance and pending amount. A posting (rec not NULL) also
 * moves the end of its chain to rec->seq and, on a handle that keeps posting records
 * (when only rec->seq is set otherwise), appends its record to account.recent;
 * every BANK__HISTORY_BLOCK-th posting moves the block's records into a history row
 * instead: one history page per block of postings, not one per posting, and the
 * account row, which the posting rewrites anyway, carries the rest.
 */
static int update_account(bank *b, const struct acct *a, int64_t balance, int64_t pending, bank_time now,
			  const bank__prec *rec)
{
	unsigned char blob[sizeof a->tail.recent + BANK__PREC_MAX];
	const unsigned char *recent = a->tail.recent;
	size_t len = a->tail.len;
	bool known = a->tail.known;
	int64_t postings = a->tail.postings;
	int rc;
	if (rec != NULL) {
		/* Records are kept only where every posting since the block's start kept them. */
		known = b->statement_records && a->tail.known;
		len = 0;
		if (known) {
			memcpy(blob, a->tail.recent, a->tail.len);
			len = a->tail.len + bank__prec_encode(rec, blob + a->tail.len);
		}
		recent = blob;
		if (++postings % BANK__HISTORY_BLOCK == 0) {
			bank__q *h =
				bank__q_get(b, "INSERT INTO history(account_id, last_seq, entries) VALUES (?, ?, ?)");
			if (h == NULL)
				return bank__last_code();
			bank__q_int(h, 1, a->id);
			bank__q_int(h, 2, rec->seq);
			bank__q_blob(h, 3, known ? blob : NULL, len);
			if ((rc = bank__q_exec(h)) != BANK_OK)
				return rc;
			known = b->statement_records; /* a new block starts: its records so far are none */
			len = 0;
		}
	}
	bank__q *q = bank__q_get(b, "UPDATE account SET balance = ?, pending = ?, last_activity_at = ?, last_seq = ?,"
				    " postings = ?, recent = ? WHERE id = ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, balance);
	bank__q_int(q, 2, pending);
	bank__q_int(q, 3, now);
	bank__q_int(q, 4, rec != NULL ? rec->seq : a->tail.last_seq);
	bank__q_int(q, 5, postings);
	bank__q_blob(q, 6, known ? recent : NULL, len);
	bank__q_int(q, 7, a->id);
	return bank__q_exec(q);
}

struct hold_row {
	int64_t seq, debit_id, credit_id, amount, expires_at;
	char status[8];
};

static int hold_load(bank *b, const char *id, struct hold_row *h)
{
	bank__q *q = bank__q_get(b, "SELECT t.seq, t.debit_id, t.credit_id, t.amount, coalesce(h.expires_at, 0),"
				    " coalesce(h.status, ''), t.kind FROM transfer t LEFT JOIN hold h ON h.seq = t.seq"
				    " WHERE t.id = ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_text(q, 1, id);
	int rc = bank__q_step(q);
	if (rc == 1) {
		h->seq = bank__q_col_int(q, 0);
		h->debit_id = bank__q_col_int(q, 1);
		h->credit_id = bank__q_col_int(q, 2);
		h->amount = bank__q_col_int(q, 3);
		h->expires_at = bank__q_col_int(q, 4);
		snprintf(h->status, sizeof h->status, "%s", bank__q_col_text(q, 5));
		rc = strcmp(bank__q_col_text(q, 6), "hold") == 0
			     ? BANK_OK
			     : bank__err(BANK_EINVAL, "transfer \"%s\" is not a hold", id);
	} else if (rc == 0) {
		rc = bank__err(BANK_ENOTFOUND, "no hold with id \"%s\"", id);
	}
	bank__q_reset(q);
	return rc;
}

/*
 * The audit record of one movement. Its journal row carries the principal, time,
 * kind, accounts and amount too; a batch writes one record for all its items instead
 * (see batch_fn), which keeps a batched posting to the journal's own pages.
 */
static int audit_movement(bank *b, const struct req *r, const char *id, const struct acct *dr, const struct acct *cr,
			  int64_t amount, bank_time now)
{
	char object[BANK_ID_SIZE + 16], action[32];
	size_t n = bank__copy(object, sizeof object, "transfer:");
	bank__copy(object + n, sizeof object - n, id);
	n = bank__copy(action, sizeof action, "ledger.");
	bank__copy(action + n, sizeof action - n, kind_names[r->kind]);
	bank__buf d;
	bank__json_begin(&d);
	bank__json_str(&d, "debit", dr->number);
	bank__json_str(&d, "credit", cr->number);
	bank__json_int(&d, "amount", amount);
	bank__json_str(&d, "currency", dr->currency);
	if (r->ref)
		bank__json_str(&d, "ref", r->ref);
	bank__json_end(&d);
	int rc = d.failed ? bank__oom() : bank__audit(b, now, action, object, d.data);
	bank__buf_free(&d);
	return rc;
}

/*
 * Applies one request inside the caller's write transaction. On success *out (when
 * out is not NULL) receives the transfer, status created or exists.
 */
static int apply(bank *b, const struct req *r, bank_time now, bank_transfer **out)
{
	int rc;
	if (out)
		*out = NULL;
	if (r->amount < 0 || (r->amount == 0 && r->kind != K_POST && r->kind != K_VOID && r->kind != K_REVERSAL))
		return bank__err(BANK_EINVAL, "amount must be greater than zero");
	if (r->id && (rc = bank_transfer_id_check(r->id)) != BANK_OK)
		return rc;
	if ((rc = bank__check_text("memo", r->memo, 500, false)) != BANK_OK)
		return rc;
	if (r->ref && (rc = bank_transfer_id_check(r->ref)) != BANK_OK)
		return rc;

	/* An id seen before: a replay or a conflict, whatever the accounts' state now. */
	if (r->id) {
		bank__q *q = bank__q_get(b, "SELECT 1 FROM transfer WHERE id = ?");
		if (q == NULL)
			return bank__last_code();
		bank__q_text(q, 1, r->id);
		rc = bank__q_step(q);
		bank__q_reset(q);
		if (rc < 0)
			return rc;
		if (rc == 1)
			return replay(b, r, out);
	}

	struct acct dr = {0}, cr = {0};
	struct hold_row hold = {0};
	int64_t amount = r->amount, ref_seq = 0;
	bool posted = r->kind != K_HOLD && r->kind != K_VOID;

	switch (r->kind) {
	case K_DEPOSIT:
	case K_INTEREST:
		/* Interest is paid even into an account frozen for credits (it is owed); never into a closed one. */
		if ((rc = acct_by_number(b, r->credit, &cr)) != BANK_OK ||
		    (rc = check_usable(&cr, false, r->kind == K_DEPOSIT)) != BANK_OK)
			return rc;
		if (cr.kind != BANK_ACCOUNT_CUSTOMER)
			return bank__err(BANK_EINVAL, "account %s is an internal ledger account", cr.number);
		if ((rc = bank__internal_account(
			     b, cr.branch_id, cr.currency,
			     r->kind == K_DEPOSIT ? BANK_ACCOUNT_CASH : BANK_ACCOUNT_INTEREST_EXPENSE, &dr.id)) !=
			    BANK_OK ||
		    (rc = acct_by_id(b, dr.id, &dr)) != BANK_OK)
			return rc;
		break;
	case K_WITHDRAWAL:
	case K_HOLD:
		if ((rc = acct_by_number(b, r->debit, &dr)) != BANK_OK ||
		    (rc = check_usable(&dr, true, true)) != BANK_OK)
			return rc;
		if (dr.kind != BANK_ACCOUNT_CUSTOMER)
			return bank__err(BANK_EINVAL, "account %s is an internal ledger account", dr.number);
		if (r->credit) {
			if ((rc = acct_by_number(b, r->credit, &cr)) != BANK_OK ||
			    (rc = check_usable(&cr, false, true)) != BANK_OK)
				return rc;
		} else {
			bank_account_kind k = r->kind == K_HOLD ? BANK_ACCOUNT_SUSPENSE : BANK_ACCOUNT_CASH;
			if ((rc = bank__internal_account(b, dr.branch_id, dr.currency, k, &cr.id)) != BANK_OK ||
			    (rc = acct_by_id(b, cr.id, &cr)) != BANK_OK)
				return rc;
		}
		break;
	case K_TRANSFER: {
		int64_t did, cid;
		if ((rc = bank__account_id(b, r->debit, &did)) != BANK_OK ||
		    (rc = bank__account_id(b, r->credit, &cid)) != BANK_OK)
			return rc;
		if (did == cid)
			return bank__err(BANK_EINVAL, "cannot transfer from account %s to itself", r->debit);
		if ((rc = acct_by_id(b, did, &dr)) != BANK_OK || (rc = acct_by_id(b, cid, &cr)) != BANK_OK)
			return rc;
		if ((rc = check_usable(&dr, true, true)) != BANK_OK || (rc = check_usable(&cr, false, true)) != BANK_OK)
			return rc;
		break;
	}
	case K_POST:
	case K_VOID:
		if ((rc = hold_load(b, r->ref, &hold)) != BANK_OK)
			return rc;
		if (strcmp(hold.status, "active") == 0 && hold.expires_at != 0 && hold.expires_at <= now) {
			if ((rc = bank__holds_expire(b, hold.debit_id, now, NULL)) != BANK_OK)
				return rc;
			return bank__err(BANK_EINVAL, "hold \"%s\" has expired", r->ref);
		}
		if (strcmp(hold.status, "active") != 0)
			return bank__err(BANK_EINVAL, "hold \"%s\" is no longer active (%s)", r->ref, hold.status);
		if (r->kind == K_VOID || amount == 0)
			amount = hold.amount;
		if (amount > hold.amount)
			return bank__err(BANK_EINVAL, "cannot post more than the hold of \"%s\"", r->ref);
		if ((rc = acct_by_id(b, hold.debit_id, &dr)) != BANK_OK ||
		    (rc = acct_by_id(b, hold.credit_id, &cr)) != BANK_OK)
			return rc;
		if (r->kind == K_POST && (rc = check_usable(&cr, false, true)) != BANK_OK)
			return rc;
		ref_seq = hold.seq;
		break;
	case K_REVERSAL: {
		bank_transfer *orig = NULL;
		if ((rc = transfer_fetch(b, r->ref, &orig)) != BANK_OK)
			return rc;
		bool reversible = strcmp(orig->kind, "hold") != 0 && strcmp(orig->kind, "void") != 0 &&
				  strcmp(orig->kind, "reversal") != 0;
		amount = orig->amount;
		ref_seq = orig->seq;
		char odebit[BANK_ACCOUNT_NUMBER_SIZE], ocredit[BANK_ACCOUNT_NUMBER_SIZE];
		memcpy(odebit, orig->debit, sizeof odebit);
		memcpy(ocredit, orig->credit, sizeof ocredit);
		bank_transfer_free(orig);
		if (!reversible)
			return bank__err(BANK_EINVAL,
					 "transfer \"%s\" cannot be reversed (holds, voids and reversals cannot)",
					 r->ref);
		bank__q *q = bank__q_get(b, "SELECT 1 FROM transfer WHERE ref_seq = ? AND kind = 'reversal'");
		if (q == NULL)
			return bank__last_code();
		bank__q_int(q, 1, ref_seq);
		rc = bank__q_step(q);
		bank__q_reset(q);
		if (rc < 0)
			return rc;
		if (rc == 1)
			return bank__err(BANK_EINVAL, "transfer \"%s\" is already reversed", r->ref);
		/* The reversal debits the original credit account. */
		if ((rc = acct_by_number(b, ocredit, &dr)) != BANK_OK ||
		    (rc = acct_by_number(b, odebit, &cr)) != BANK_OK ||
		    (rc = check_usable(&dr, true, false)) != BANK_OK ||
		    (rc = check_usable(&cr, false, false)) != BANK_OK)
			return rc;
		break;
	}
	}

	if (strcmp(dr.currency, cr.currency) != 0)
		return bank__err(BANK_ECURRENCY, "account %s is in %s but account %s is in %s", dr.number, dr.currency,
				 cr.number, cr.currency);

	/* Funds: release the debit account's expired holds, then check what is available. */
	if (dr.kind == BANK_ACCOUNT_CUSTOMER && dr.pending > 0 && r->kind != K_POST && r->kind != K_VOID) {
		if ((rc = bank__holds_expire(b, dr.id, now, NULL)) != BANK_OK ||
		    (rc = acct_by_id(b, dr.id, &dr)) != BANK_OK)
			return rc;
	}
	if (dr.kind == BANK_ACCOUNT_CUSTOMER &&
	    (r->kind == K_WITHDRAWAL || r->kind == K_TRANSFER || r->kind == K_HOLD)) {
		int64_t avail = bank__available(dr.kind, dr.balance, dr.pending, dr.min_balance, dr.overdraft);
		if (amount > avail) {
			char a1[BANK_AMOUNT_SIZE], a2[BANK_AMOUNT_SIZE];
			money_text(a1, sizeof a1, amount, dr.currency);
			money_text(a2, sizeof a2, avail, dr.currency);
			return bank__err(BANK_EFUNDS, "account %s has %s %s available; %s %s requested", dr.number, a2,
					 dr.currency, a1, dr.currency);
		}
	}
	if (dr.kind == BANK_ACCOUNT_CUSTOMER && r->kind == K_REVERSAL) {
		int64_t avail = bank__available(dr.kind, dr.balance, dr.pending, 0, dr.overdraft);
		if (amount > avail)
			return bank__err(BANK_EFUNDS, "account %s no longer holds the funds to reverse \"%s\"",
					 dr.number, r->ref);
	}

	/* New balances and pending amounts, all checked before anything is written. */
	int64_t dbal = dr.balance, cbal = cr.balance, dpend = dr.pending;
	if (posted && ((rc = apply_balance(&dr, true, amount, &dbal)) != BANK_OK ||
		       (rc = apply_balance(&cr, false, amount, &cbal)) != BANK_OK))
		return rc;
	if (r->kind == K_HOLD && bank_money_add(&dpend, dpend, amount) != BANK_OK)
		return bank__err(BANK_ELIMIT, "pending amount of account %s would overflow", dr.number);
	if (r->kind == K_POST || r->kind == K_VOID)
		dpend -= hold.amount;

	/* ---- Writes ---- */
	char genid[40];
	const char *id = r->id;
	if (id == NULL) {
		bank__uuid7(&b->rng, now, b->last_uuid, genid);
		id = genid;
	}
	int64_t expires_at = 0;
	if (r->kind == K_HOLD && r->expires_in > 0)
		expires_at = now + r->expires_in * INT64_C(1000000);

	bank__q *q = bank__q_get(
		b,
		"INSERT INTO transfer(id, kind, posted, debit_id, credit_id, amount, currency, memo,"
		" ref_seq, expires_at, debit_balance, credit_balance, principal, created_at, debit_prev, credit_prev)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (q == NULL)
		return bank__last_code();
	bank__q_text(q, 1, id);
	bank__q_text(q, 2, kind_names[r->kind]);
	bank__q_int(q, 3, posted);
	bank__q_int(q, 4, dr.id);
	bank__q_int(q, 5, cr.id);
	bank__q_int(q, 6, amount);
	bank__q_text(q, 7, dr.currency);
	bank__q_text(q, 8, r->memo ? r->memo : "");
	if (ref_seq)
		bank__q_int(q, 9, ref_seq);
	if (expires_at)
		bank__q_int(q, 10, expires_at);
	if (posted) {
		bank__q_int(q, 11, dbal);
		bank__q_int(q, 12, cbal);
		bank__q_int(q, 15, dr.tail.last_seq);
		bank__q_int(q, 16, cr.tail.last_seq);
	}
	bank__q_text(q, 13, b->principal);
	bank__q_int(q, 14, now);
	if ((rc = bank__q_exec(q)) != BANK_OK)
		return rc == BANK_EEXISTS ? bank__err(BANK_EEXISTS, "transfer id \"%s\" exists", id) : rc;
	int64_t seq = bank__last_rowid(b);
	/* The records are built only for a handle that keeps them; otherwise only seq is read. */
	bank__prec drec = {.seq = seq}, crec = {.seq = seq};
	if (posted && b->statement_records) {
		bool extra = (r->memo != NULL && r->memo[0] != '\0') || ref_seq != 0;
		bank__prec_make(&drec, seq, kind_names[r->kind], true, id, extra, now, amount, dbal, cr.number);
		bank__prec_make(&crec, seq, kind_names[r->kind], false, id, extra, now, amount, cbal, dr.number);
	}
	if ((rc = update_account(b, &dr, dbal, dpend, now, posted ? &drec : NULL)) != BANK_OK ||
	    (posted && (rc = update_account(b, &cr, cbal, cr.pending, now, &crec)) != BANK_OK))
		return rc;

	if (r->kind == K_HOLD) {
		q = bank__q_get(
			b,
			"INSERT INTO hold(seq, account_id, amount, status, expires_at) VALUES (?, ?, ?, 'active', ?)");
		if (q == NULL)
			return bank__last_code();
		bank__q_int(q, 1, seq);
		bank__q_int(q, 2, dr.id);
		bank__q_int(q, 3, amount);
		if (expires_at)
			bank__q_int(q, 4, expires_at);
		if ((rc = bank__q_exec(q)) != BANK_OK)
			return rc;
	} else if (r->kind == K_POST || r->kind == K_VOID) {
		q = bank__q_get(b, "UPDATE hold SET status = ?, closed_seq = ?, closed_at = ? WHERE seq = ?");
		if (q == NULL)
			return bank__last_code();
		bank__q_text(q, 1, r->kind == K_POST ? "posted" : "voided");
		bank__q_int(q, 2, seq);
		bank__q_int(q, 3, now);
		bank__q_int(q, 4, hold.seq);
		if ((rc = bank__q_exec(q)) != BANK_OK)
			return rc;
	}

	if (!r->batched && (rc = audit_movement(b, r, id, &dr, &cr, amount, now)) != BANK_OK)
		return rc;
	if (out == NULL)
		return BANK_OK;

	bank_transfer *t = calloc(1, sizeof *t);
	if (t == NULL)
		return bank__oom();
	t->seq = seq;
	t->id = bank__strdup(id);
	t->kind = kind_names[r->kind];
	memcpy(t->debit, dr.number, sizeof t->debit);
	memcpy(t->credit, cr.number, sizeof t->credit);
	t->amount = amount;
	memcpy(t->currency, dr.currency, sizeof t->currency);
	t->memo = bank__strdup0(r->memo);
	t->ref = bank__strdup0(r->ref);
	t->pending = r->kind == K_HOLD;
	t->hold_status = r->kind == K_HOLD ? "active" : "";
	t->expires_at = expires_at;
	t->debit_balance = posted ? dbal : 0;
	t->credit_balance = posted ? cbal : 0;
	t->principal = bank__strdup(b->principal);
	t->created_at = now;
	t->status = BANK_TRANSFER_CREATED;
	if (!t->id || !t->memo || !t->ref || !t->principal) {
		bank_transfer_free(t);
		return bank__oom();
	}
	*out = t;
	return BANK_OK;
}

int bank__ledger_interest(bank *b, const char *account, int64_t amount, const char *id, const char *memo, bank_time now,
			  bank_transfer **out)
{
	struct req r = {K_INTEREST, NULL, account, amount, id, memo, NULL, 0, false};
	return apply(b, &r, now, out);
}

int bank__ledger_now(bank *b, bank_time *now)
{
	return ledger_now(b, now);
}

/* ---- Single movements ---- */

struct one_ctx {
	const struct req *r;
	bank_transfer **out;
};

static int one_fn(bank *b, void *vctx)
{
	struct one_ctx *c = vctx;
	bank_time now;
	int rc = ledger_now(b, &now);
	return rc == BANK_OK ? apply(b, c->r, now, c->out) : rc;
}

static int one(bank *b, const struct req *r, bank_transfer **out, const char *action)
{
	if (out)
		*out = NULL;
	if (b == NULL)
		return bank__err(BANK_EMISUSE, "bank handle is NULL");
	int rc = bank__authorize(b, action, NULL);
	if (rc != BANK_OK)
		return rc;
	struct one_ctx c = {r, out};
	rc = bank__write(b, one_fn, &c);
	if (rc != BANK_OK && out != NULL) {
		/* Built inside the transaction that did not commit (a failed COMMIT). */
		bank_transfer_free(*out);
		*out = NULL;
	}
	return rc;
}

int bank_deposit(bank_transfer **out, bank *b, const char *account, int64_t amount, const char *id, const char *memo)
{
	struct req r = {K_DEPOSIT, NULL, account, amount, id, memo, NULL, 0, false};
	if (account == NULL)
		return bank__err(BANK_EINVAL, "account number missing");
	return one(b, &r, out, "ledger.deposit");
}

int bank_withdraw(bank_transfer **out, bank *b, const char *account, int64_t amount, const char *id, const char *memo)
{
	struct req r = {K_WITHDRAWAL, account, NULL, amount, id, memo, NULL, 0, false};
	if (account == NULL)
		return bank__err(BANK_EINVAL, "account number missing");
	return one(b, &r, out, "ledger.withdrawal");
}

int bank_transfer_post(bank_transfer **out, bank *b, const char *debit, const char *credit, int64_t amount,
		       const char *id, const char *memo)
{
	struct req r = {K_TRANSFER, debit, credit, amount, id, memo, NULL, 0, false};
	if (debit == NULL || credit == NULL)
		return bank__err(BANK_EINVAL, "account number missing");
	return one(b, &r, out, "ledger.transfer");
}

int bank_hold(bank_transfer **out, bank *b, const char *account, const char *credit, int64_t amount, int64_t expires_in,
	      const char *id, const char *memo)
{
	struct req r = {K_HOLD, account, credit, amount, id, memo, NULL, expires_in, false};
	if (account == NULL)
		return bank__err(BANK_EINVAL, "account number missing");
	if (expires_in < 0 || expires_in > INT64_C(100) * 366 * 86400)
		return bank__err(BANK_EINVAL, "expires_in must be 0 (never) or up to 100 years in seconds");
	return one(b, &r, out, "ledger.hold");
}

int bank_hold_post(bank_transfer **out, bank *b, const char *hold_id, int64_t amount, const char *id)
{
	struct req r = {K_POST, NULL, NULL, amount, id, NULL, hold_id, 0, false};
	if (hold_id == NULL)
		return bank__err(BANK_EINVAL, "hold id missing");
	return one(b, &r, out, "ledger.post");
}

int bank_hold_void(bank_transfer **out, bank *b, const char *hold_id, const char *id)
{
	struct req r = {K_VOID, NULL, NULL, 0, id, NULL, hold_id, 0, false};
	if (hold_id == NULL)
		return bank__err(BANK_EINVAL, "hold id missing");
	return one(b, &r, out, "ledger.void");
}

int bank_reverse(bank_transfer **out, bank *b, const char *transfer_id, const char *id)
{
	struct req r = {K_REVERSAL, NULL, NULL, 0, id, NULL, transfer_id, 0, false};
	if (transfer_id == NULL)
		return bank__err(BANK_EINVAL, "transfer id missing");
	return one(b, &r, out, "ledger.reversal");
}

struct sweep_ctx {
	size_t released;
};

static int sweep_fn(bank *b, void *vctx)
{
	struct sweep_ctx *c = vctx;
	return bank__holds_expire(b, 0, bank_now(b), &c->released);
}

int bank_hold_sweep(size_t *released, bank *b)
{
	if (released)
		*released = 0;
	if (b == NULL)
		return bank__err(BANK_EMISUSE, "bank handle is NULL");
	int rc = bank__authorize(b, "ledger.sweep", NULL);
	if (rc != BANK_OK)
		return rc;
	struct sweep_ctx c = {0};
	rc = bank__write(b, sweep_fn, &c);
	if (rc == BANK_OK && released)
		*released = c.released;
	return rc;
}

/* ---- Batches ---- */

void bank_batch_results_free(bank_batch_results *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->count; i++) {
		free((char *)r->items[i].message);
		bank_transfer_free(r->items[i].transfer);
	}
	free(r->items);
	free(r);
}

static void request_of(const bank_transfer_request *it, struct req *r)
{
	memset(r, 0, sizeof *r);
	r->kind = it->debit == NULL ? K_DEPOSIT : it->credit == NULL ? K_WITHDRAWAL : K_TRANSFER;
	r->debit = it->debit;
	r->credit = it->credit;
	r->amount = it->amount;
	r->id = it->id;
	r->memo = it->memo;
}

static int item_apply(bank *b, const bank_transfer_request *it, bank_time now, bank_transfer **out)
{
	if (it->version != BANK_TRANSFER_REQUEST_VERSION)
		return bank__err(BANK_EINVAL, "unknown bank_transfer_request version %u", it->version);
	if (it->debit == NULL && it->credit == NULL)
		return bank__err(BANK_EINVAL, "a batch item needs a debit or a credit account");
	struct req r;
	request_of(it, &r);
	r.batched = true;
	return apply(b, &r, now, out);
}

static int set_result(bank_batch_result *res, int code, const char *message)
{
	res->code = code;
	free((char *)res->message);
	res->message = bank__strdup(message);
	return res->message ? BANK_OK : bank__oom();
}

struct batch_ctx {
	const bank_transfer_request *items;
	size_t n;
	bank_batch_results *res;
};

/* One audit record for a whole batch: what it created, by journal position. */
static int audit_batch(bank *b, struct batch_ctx *c, bank_time now)
{
	size_t created = 0, replayed = 0, failed = 0;
	int64_t first = 0, last = 0;
	const char *first_id = NULL;
	for (size_t i = 0; i < c->n; i++) {
		const bank_batch_result *res = &c->res->items[i];
		if (res->code != BANK_OK) {
			failed++;
		} else if (res->transfer->status == BANK_TRANSFER_EXISTS) {
			replayed++;
		} else {
			if (created++ == 0) {
				first = res->transfer->seq;
				first_id = res->transfer->id;
			}
			last = res->transfer->seq;
		}
	}
	if (created == 0)
		return BANK_OK; /* nothing changed */
	char object[BANK_ID_SIZE + 16];
	size_t n = bank__copy(object, sizeof object, "transfer:");
	bank__copy(object + n, sizeof object - n, first_id);
	bank__buf d;
	bank__json_begin(&d);
	bank__json_int(&d, "items", (int64_t)c->n);
	bank__json_int(&d, "created", (int64_t)created);
	bank__json_int(&d, "replayed", (int64_t)replayed);
	bank__json_int(&d, "failed", (int64_t)failed);
	bank__json_int(&d, "first_seq", first);
	bank__json_int(&d, "last_seq", last);
	bank__json_end(&d);
	int rc = d.failed ? bank__oom() : bank__audit(b, now, "ledger.batch", object, d.data);
	bank__buf_free(&d);
	return rc;
}

static int batch_fn(bank *b, void *vctx)
{
	struct batch_ctx *c = vctx;
	bank_time now;
	int rc = ledger_now(b, &now);
	if (rc != BANK_OK)
		return rc;
	size_t i = 0;
	while (i < c->n) {
		if (!c->items[i].linked) {
			bank_batch_result *res = &c->res->items[i];
			rc = item_apply(b, &c->items[i], now, &res->transfer);
			if (fatal(rc))
				return rc;
			if ((rc = set_result(res, rc, rc == BANK_OK ? "" : bank_error_last()->message)) != BANK_OK)
				return rc;
			i++;
			continue;
		}
		/* A chain: items i..j, where j is the first unlinked item (or the last item). */
		size_t j = i;
		while (j + 1 < c->n && c->items[j].linked)
			j++;
		bool open = c->items[j].linked != 0;
		if ((rc = bank__savepoint(b)) != BANK_OK)
			return rc;
		size_t failed = SIZE_MAX;
		int fail_code = BANK_OK;
		char fail_msg[512] = "";
		for (size_t k = i; k <= j; k++) {
			rc = item_apply(b, &c->items[k], now, &c->res->items[k].transfer);
			if (fatal(rc)) {
				bank__savepoint_rollback(b);
				return rc;
			}
			if (rc != BANK_OK) {
				failed = k;
				fail_code = rc;
				snprintf(fail_msg, sizeof fail_msg, "%s", bank_error_last()->message);
				break;
			}
		}
		if (failed == SIZE_MAX && open) {
			failed = j;
			fail_code = BANK_EINVAL;
			snprintf(fail_msg, sizeof fail_msg,
				 "linked chain not closed: the last item of a batch cannot be linked");
		}
		if (failed == SIZE_MAX) {
			if ((rc = bank__savepoint_release(b)) != BANK_OK)
				return rc;
			for (size_t k = i; k <= j; k++)
				if ((rc = set_result(&c->res->items[k], BANK_OK, "")) != BANK_OK)
					return rc;
		} else {
			bank__savepoint_rollback(b);
			for (size_t k = i; k <= j; k++) {
				bank_transfer_free(c->res->items[k].transfer);
				c->res->items[k].transfer = NULL;
				rc = k == failed ? set_result(&c->res->items[k], fail_code, fail_msg)
						 : set_result(&c->res->items[k], BANK_EINVAL, "linked event failed");
				if (rc != BANK_OK)
					return rc;
			}
		}
		i = j + 1;
	}
	return audit_batch(b, c, now);
}

int bank_transfer_batch(bank_batch_results **out, bank *b, const bank_transfer_request *items, size_t n)
{
	if (out == NULL || b == NULL)
		return bank__err(BANK_EMISUSE, "bank_transfer_batch: NULL argument");
	*out = NULL;
	if (items == NULL || n == 0)
		return bank__err(BANK_EINVAL, "a batch needs at least one item");
	if (n > 100000)
		return bank__err(BANK_EINVAL, "a batch holds at most 100000 items");
	int rc = bank__authorize(b, "ledger.batch", NULL);
	if (rc != BANK_OK)
		return rc;
	bank_batch_results *res = calloc(1, sizeof *res);
	if (res == NULL || (res->items = calloc(n, sizeof *res->items)) == NULL) {
		free(res);
		return bank__oom();
	}
	res->count = n;
	struct batch_ctx c = {items, n, res};
	rc = bank__write(b, batch_fn, &c);
	if (rc != BANK_OK) {
		bank_batch_results_free(res);
		return rc;
	}
	for (size_t i = 0; i < n; i++)
		if (res->items[i].code != BANK_OK)
			res->failed++;
	*out = res;
	return BANK_OK;
}
