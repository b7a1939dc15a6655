/*
 * account.c: customer accounts and the branches' internal ledger accounts. Owns the
 * account, account_edit (the seed's EditAccount) and account_closed (the seed's
 * DeletedAccount) tables.
 *
 * Status lifecycle:
 *
 *     active <--freeze / unfreeze--> frozen (debits, credits or both)
 *        \                              /
 *         +--- close: zero balance, no active hold ---> closed (final)
 *
 * Closing first accrues and posts the account's interest to the day before (interest.c),
 * so the zero-balance check sees it.
 * Every change of product, branch, customer, name, status or freeze flags appends an
 * account_edit row (field, old, new, principal, time) and an audit record in the same
 * transaction. Closing archives reason, closer and final balance; the account row and
 * its journal stay, so statements of closed accounts still work.
 *
 * Balances are kept on the account's normal side: customer deposits, fee income and
 * suspense are credit-normal (credits raise them), cash and interest expense are
 * debit-normal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const char *bank_account_kind_name(bank_account_kind kind)
{
	switch (kind) {
	case BANK_ACCOUNT_CUSTOMER: return "customer";
	case BANK_ACCOUNT_CASH: return "cash";
	case BANK_ACCOUNT_INTEREST_EXPENSE: return "interest_expense";
	case BANK_ACCOUNT_FEE_INCOME: return "fee_income";
	case BANK_ACCOUNT_SUSPENSE: return "suspense";
	}
	return "unknown";
}

void bank_account_free(bank_account *a)
{
	if (a == NULL)
		return;
	free((char *)a->product);
	free((char *)a->branch);
	free((char *)a->name);
	free((char *)a->status);
	free((char *)a->close_reason);
	free((char *)a->closed_by);
	free(a);
}

void bank_account_list_free(bank_account_list *list)
{
	if (list == NULL)
		return;
	for (size_t i = 0; i < list->count; i++)
		bank_account_free(list->items[i]);
	free(list->items);
	free(list);
}

void bank_account_edits_free(bank_account_edits *e)
{
	if (e == NULL)
		return;
	for (size_t i = 0; i < e->count; i++) {
		free((char *)e->entries[i].field);
		free((char *)e->entries[i].old_value);
		free((char *)e->entries[i].new_value);
		free((char *)e->entries[i].principal);
	}
	free(e->entries);
	free(e);
}

int64_t bank__available(int kind, int64_t balance, int64_t pending, int64_t min_balance, int64_t overdraft)
{
	if (kind != BANK_ACCOUNT_CUSTOMER)
		return balance;
	/* Wide arithmetic, then clamp: available is informative and never overflows. */
	bank__i128 v = (bank__i128)balance - pending - min_balance + overdraft;
	if (v > INT64_MAX)
		return INT64_MAX;
	if (v < INT64_MIN)
		return INT64_MIN;
	return (int64_t)v;
}

/* ---- Reading ---- */

#define ACCOUNT_SELECT                                                                                      \
	"SELECT a.id, a.number, a.kind, coalesce(a.customer_id, 0), coalesce(p.code, ''), br.code, a.name," \
	" a.currency, a.status, a.frozen, a.balance, a.pending, coalesce(p.min_balance, 0),"                \
	" coalesce(p.overdraft, 0), a.opened_at, a.last_activity_at, coalesce(a.closed_at, 0),"             \
	" coalesce(c.reason, ''), coalesce(c.closed_by, ''), coalesce(c.final_balance, 0)"                  \
	" FROM account a JOIN branch br ON br.id = a.branch_id LEFT JOIN product p ON p.id = a.product_id"  \
	" LEFT JOIN account_closed c ON c.account_id = a.id"

static int account_from_row(bank_account **out, bank__q *q)
{
	bank_account *a = calloc(1, sizeof *a);
	if (a == NULL)
		return bank__oom();
	a->id = bank__q_col_int(q, 0);
	snprintf(a->number, sizeof a->number, "%s", bank__q_col_text(q, 1));
	a->kind = (bank_account_kind)bank__q_col_int(q, 2);
	a->customer_id = bank__q_col_int(q, 3);
	a->product = bank__strdup(bank__q_col_text(q, 4));
	a->branch = bank__strdup(bank__q_col_text(q, 5));
	a->name = bank__strdup(bank__q_col_text(q, 6));
	snprintf(a->currency, sizeof a->currency, "%s", bank__q_col_text(q, 7));
	a->status = bank__strdup(bank__q_col_text(q, 8));
	a->frozen = (unsigned)bank__q_col_int(q, 9);
	a->balance = bank__q_col_int(q, 10);
	a->pending = bank__q_col_int(q, 11);
	a->min_balance = bank__q_col_int(q, 12);
	a->overdraft = bank__q_col_int(q, 13);
	a->available = bank__available(a->kind, a->balance, a->pending, a->min_balance, a->overdraft);
	a->opened_at = bank__q_col_int(q, 14);
	a->last_activity_at = bank__q_col_int(q, 15);
	a->closed_at = bank__q_col_int(q, 16);
	a->close_reason = bank__strdup(bank__q_col_text(q, 17));
	a->closed_by = bank__strdup(bank__q_col_text(q, 18));
	a->final_balance = bank__q_col_int(q, 19);
	if (!a->product || !a->branch || !a->name || !a->status || !a->close_reason || !a->closed_by) {
		bank_account_free(a);
		return bank__oom();
	}
	*out = a;
	return BANK_OK;
}

/* bank__collect's row callback: slot is a bank_account ** in the list's array. */
static int account_row(void *slot, bank__q *q)
{
	return account_from_row(slot, q);
}

static int account_fetch(bank_account **out, bank *b, const char *number)
{
	bank__q *q = bank__q_get(b, ACCOUNT_SELECT " WHERE a.number = ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_text(q, 1, number);
	int rc = bank__q_step(q);
	if (rc == 1)
		rc = account_from_row(out, q);
	else if (rc == 0)
		rc = bank__err(BANK_ENOTFOUND, "no account %s", number);
	bank__q_reset(q);
	return rc;
}

static int account_fetch_id(bank_account **out, bank *b, int64_t id)
{
	bank__q *q = bank__q_get(b, ACCOUNT_SELECT " WHERE a.id = ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, id);
	int rc = bank__q_step(q);
	if (rc == 1)
		rc = account_from_row(out, q);
	else if (rc == 0)
		rc = bank__err(BANK_ENOTFOUND, "no account with id %lld", (long long)id);
	bank__q_reset(q);
	return rc;
}

/*
 * The account number cache: number_of maps an id to its number (as the integer its 12
 * digits spell), and slots, an open-addressing hash on the number, maps back to the id.
 * Both grow with the bank (to BANK__NUMCACHE_MAX_ID), so a bank of a million accounts
 * looks its numbers up in memory, not in the number index. A slot whose id no longer
 * has that number (after a rollback) fails the compare and is skipped.
 */
static size_t numcache_home(uint64_t value, size_t nslots)
{
	return (size_t)((value * UINT64_C(0x9E3779B97F4A7C15)) >> 20) & (nslots - 1);
}

static bool numcache_get(const bank *b, uint64_t value, int64_t *id)
{
	if (b->numcache.nslots == 0)
		return false;
	for (size_t s = numcache_home(value, b->numcache.nslots);; s = (s + 1) & (b->numcache.nslots - 1)) {
		uint32_t cand = b->numcache.slots[s];
		if (cand == 0)
			return false;
		if (b->numcache.number_of[cand] == value) {
			*id = cand;
			return true;
		}
	}
}

static void numcache_slot(bank *b, uint64_t value, uint32_t id)
{
	size_t s = numcache_home(value, b->numcache.nslots);
	while (b->numcache.slots[s] != 0 && b->numcache.slots[s] != id)
		s = (s + 1) & (b->numcache.nslots - 1);
	if (b->numcache.slots[s] == 0)
		b->numcache.used++;
	b->numcache.slots[s] = id;
}

/* Remembers that account id has number value; a failed allocation only skips it. */
static void numcache_put(bank *b, uint64_t value, int64_t id)
{
	if (id <= 0 || id >= BANK__NUMCACHE_MAX_ID || value == 0)
		return;
	if ((size_t)id >= b->numcache.ids) {
		size_t n = b->numcache.ids ? b->numcache.ids : 1024;
		while (n <= (size_t)id)
			n *= 2;
		uint64_t *p = realloc(b->numcache.number_of, n * sizeof *p);
		if (p == NULL)
			return;
		memset(p + b->numcache.ids, 0, (n - b->numcache.ids) * sizeof *p);
		b->numcache.number_of = p;
		b->numcache.ids = n;
	}
	if (b->numcache.number_of[id] == value)
		return;
	/* Keep the hash at most half full, counting stale slots: rebuild from number_of. */
	if ((b->numcache.used + 1) * 2 > b->numcache.nslots) {
		size_t n = b->numcache.nslots ? b->numcache.nslots : 2048;
		size_t live = 1;
		for (size_t i = 0; i < b->numcache.ids; i++)
			live += b->numcache.number_of[i] != 0;
		while (live * 2 > n)
			n *= 2;
		uint32_t *slots = calloc(n, sizeof *slots);
		if (slots == NULL)
			return;
		free(b->numcache.slots);
		b->numcache.slots = slots;
		b->numcache.nslots = n;
		b->numcache.used = 0;
		for (size_t i = 1; i < b->numcache.ids; i++)
			if (b->numcache.number_of[i] != 0)
				numcache_slot(b, b->numcache.number_of[i], (uint32_t)i);
	}
	b->numcache.number_of[id] = value;
	numcache_slot(b, value, (uint32_t)id);
}

int bank__account_id(bank *b, const char *number, int64_t *id)
{
	int rc = bank_account_number_check(number);
	if (rc != BANK_OK || number == NULL)
		return rc != BANK_OK ? rc : bank__err(BANK_EINVAL, "account number missing");
	uint64_t value = bank__account_number_value(number); /* 12 checked digits */
	if (numcache_get(b, value, id))
		return BANK_OK;
	bank__q *q = bank__q_get(b, "SELECT id FROM account WHERE number = ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_text(q, 1, number);
	rc = bank__q_step(q);
	if (rc == 1) {
		*id = bank__q_col_int(q, 0);
		numcache_put(b, value, *id);
		rc = BANK_OK;
	} else if (rc == 0) {
		rc = bank__err(BANK_ENOTFOUND, "no account %s", number);
	}
	bank__q_reset(q);
	return rc;
}

bool bank__account_number_cached(const bank *b, int64_t id, char out[BANK_ACCOUNT_NUMBER_SIZE])
{
	if (id <= 0 || (size_t)id >= b->numcache.ids || b->numcache.number_of[id] == 0)
		return false;
	bank__account_number_text(b->numcache.number_of[id], out);
	return true;
}

void bank__account_number_remember(bank *b, int64_t id, const char *number)
{
	if (bank_account_number_check(number) == BANK_OK)
		numcache_put(b, bank__account_number_value(number), id);
}

/* Releases expired holds of one account, in its own write transaction, if there are any. */
static int expire_holds_of(bank *b, int64_t account_id)
{
	bank__q *q = bank__q_get(b, "SELECT 1 FROM hold WHERE account_id = ? AND status = 'active'"
				    " AND expires_at IS NOT NULL AND expires_at <= ? LIMIT 1");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, account_id);
	bank__q_int(q, 2, bank_now(b));
	int rc = bank__q_step(q);
	bank__q_reset(q);
	if (rc <= 0)
		return rc;
	if ((rc = bank__tx_begin(b)) != BANK_OK)
		return rc;
	if ((rc = bank__holds_expire(b, account_id, bank_now(b), NULL)) != BANK_OK) {
		bank__tx_rollback(b);
		return rc;
	}
	return bank__tx_commit(b);
}

int bank__account_touch(bank *b, const char *number)
{
	int64_t id = 0;
	int rc = bank__account_id(b, number, &id);
	return rc == BANK_OK ? expire_holds_of(b, id) : rc;
}

int bank_account_get(bank_account **out, bank *b, const char *number)
{
	if (out == NULL || b == NULL)
		return bank__err(BANK_EMISUSE, "bank_account_get: NULL argument");
	*out = NULL;
	char object[32];
	snprintf(object, sizeof object, "account:%.12s", number ? number : "");
	int rc;
	if ((rc = bank_account_number_check(number)) != BANK_OK ||
	    (rc = bank__authorize(b, "account.read", object)) != BANK_OK ||
	    (rc = bank__account_touch(b, number)) != BANK_OK)
		return rc;
	return account_fetch(out, b, number);
}

int bank_account_list_get(bank_account_list **out, bank *b, int64_t customer_id)
{
	if (out == NULL || b == NULL)
		return bank__err(BANK_EMISUSE, "bank_account_list_get: NULL argument");
	*out = NULL;
	int rc = bank__authorize(b, "account.read", NULL);
	if (rc != BANK_OK)
		return rc;
	bank_account_list *list = calloc(1, sizeof *list);
	if (list == NULL)
		return bank__oom();
	bank__q *q;
	if (customer_id > 0)
		q = bank__q_get(b, ACCOUNT_SELECT " WHERE a.customer_id = ? ORDER BY a.number");
	else if (customer_id == 0)
		q = bank__q_get(b, ACCOUNT_SELECT " WHERE a.kind = 0 AND ?1 = 0 ORDER BY a.number");
	else
		q = bank__q_get(b, ACCOUNT_SELECT " WHERE ?1 < 0 ORDER BY a.number");
	if (q == NULL) {
		free(list);
		return bank__last_code();
	}
	bank__q_int(q, 1, customer_id);
	rc = bank__collect(q, &list->items, sizeof *list->items, &list->count, account_row);
	if (rc < 0) {
		bank_account_list_free(list);
		return rc;
	}
	*out = list;
	return BANK_OK;
}

/* ---- Internal accounts ---- */

static int insert_account(bank *b, bank_account_kind kind, int64_t customer_id, int64_t product_id, int64_t branch_id,
			  const char *currency, bank_time now, char number[BANK_ACCOUNT_NUMBER_SIZE], int64_t *id)
{
	bank__q *q = bank__q_get(b, "INSERT INTO account(number, kind, customer_id, product_id, branch_id, currency,"
				    " opened_at, last_activity_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?7)");
	if (q == NULL)
		return bank__last_code();
	if (b->rng.seeded) {
		bank__q *m = bank__q_get(b, "SELECT coalesce(max(id), 0) + 1 FROM account");
		if (m == NULL)
			return bank__last_code();
		int mrc = bank__q_step(m);
		int64_t next = mrc == 1 ? bank__q_col_int(m, 0) : 0;
		bank__q_reset(m);
		if (mrc < 0)
			return mrc;
		bank__rng_reseed(&b->rng, (uint64_t)next);
	}
	for (int attempt = 0; attempt < 20; attempt++) {
		/* 10 random digits, first one nonzero. */
		uint64_t base = 1000000000u + bank__rng_u64(&b->rng) % 9000000000u;
		bank__account_number_make(base, number);
		bank__q_text(q, 1, number);
		bank__q_int(q, 2, kind);
		if (customer_id > 0)
			bank__q_int(q, 3, customer_id);
		else
			bank__q_null(q, 3);
		if (product_id > 0)
			bank__q_int(q, 4, product_id);
		else
			bank__q_null(q, 4);
		bank__q_int(q, 5, branch_id);
		bank__q_text(q, 6, currency);
		bank__q_int(q, 7, now);
		int rc = bank__q_exec(q);
		if (rc == BANK_EEXISTS)
			continue; /* number taken: draw again */
		if (rc != BANK_OK)
			return rc;
		bank__q *last = bank__q_get(b, "SELECT last_insert_rowid()");
		if (last == NULL)
			return bank__last_code();
		if ((rc = bank__q_step(last)) < 0)
			return rc;
		*id = bank__q_col_int(last, 0);
		bank__q_reset(last);
		/* Until the transaction commits, a rollback may give this id to another number. */
		if (b->numcache.first_new_id == 0 || *id < b->numcache.first_new_id)
			b->numcache.first_new_id = *id;
		return BANK_OK;
	}
	return bank__err(BANK_ELIMIT, "could not find a free account number");
}

int bank__internal_account(bank *b, int64_t branch_id, const char *currency, bank_account_kind kind,
			   int64_t *account_id)
{
	bank__q *q = bank__q_get(
		b, "SELECT id FROM account WHERE branch_id = ? AND currency = ? AND kind = ? AND kind <> 0");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, branch_id);
	bank__q_text(q, 2, currency);
	bank__q_int(q, 3, kind);
	int rc = bank__q_step(q);
	if (rc == 1)
		*account_id = bank__q_col_int(q, 0);
	bank__q_reset(q);
	if (rc != 0)
		return rc < 0 ? rc : BANK_OK;
	char number[BANK_ACCOUNT_NUMBER_SIZE];
	bank_time now = bank_now(b);
	if ((rc = insert_account(b, kind, 0, 0, branch_id, currency, now, number, account_id)) != BANK_OK)
		return rc;
	bank__buf d;
	bank__json_begin(&d);
	bank__json_str(&d, "kind", bank_account_kind_name(kind));
	bank__json_str(&d, "currency", currency);
	bank__json_int(&d, "branch_id", branch_id);
	bank__json_end(&d);
	char object[32];
	snprintf(object, sizeof object, "account:%s", number);
	rc = d.failed ? bank__oom() : bank__audit(b, now, "account.internal", object, d.data);
	bank__buf_free(&d);
	return rc;
}

static int branch_id_of(bank *b, const char *code, int64_t *id)
{
	return bank__id_by_code(b, "SELECT id FROM branch WHERE code = ?", "branch", code, id);
}

struct internal_ctx {
	const char *branch, *currency;
	bank_account_kind kind;
	int64_t id;
};

static int internal_fn(bank *b, void *vctx)
{
	struct internal_ctx *c = vctx;
	int64_t branch_id = 0;
	int rc = branch_id_of(b, c->branch, &branch_id);
	return rc == BANK_OK ? bank__internal_account(b, branch_id, c->currency, c->kind, &c->id) : rc;
}

int bank_account_internal(bank_account **out, bank *b, const char *branch, const char *currency, bank_account_kind kind)
{
	if (out == NULL || b == NULL)
		return bank__err(BANK_EMISUSE, "bank_account_internal: NULL argument");
	*out = NULL;
	int rc = bank__check_code("branch", branch);
	if (rc != BANK_OK)
		return rc;
	if (currency == NULL || bank_currency_find(currency) == NULL)
		return bank__err(BANK_EINVAL, "unknown currency \"%.10s\"", currency ? currency : "");
	if (kind <= BANK_ACCOUNT_CUSTOMER || kind > BANK_ACCOUNT_SUSPENSE)
		return bank__err(BANK_EINVAL, "not an internal account kind: %d", (int)kind);
	if ((rc = bank__authorize(b, "account.internal", NULL)) != BANK_OK)
		return rc;
	struct internal_ctx c = {branch, currency, kind, 0};
	if ((rc = bank__write(b, internal_fn, &c)) != BANK_OK)
		return rc;
	return account_fetch_id(out, b, c.id);
}

/* ---- Opening ---- */

struct open_ctx {
	int64_t customer_id;
	const char *product, *branch;
	int64_t id;
};

static int open_fn(bank *b, void *vctx)
{
	struct open_ctx *c = vctx;
	int64_t branch_id = 0, product_id = 0;
	char currency[BANK_CURRENCY_SIZE] = "";
	int rc = branch_id_of(b, c->branch, &branch_id);
	if (rc != BANK_OK)
		return rc;
	bank__q *q = bank__q_get(b, "SELECT id, currency FROM product WHERE code = ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_text(q, 1, c->product);
	rc = bank__q_step(q);
	if (rc == 1) {
		product_id = bank__q_col_int(q, 0);
		snprintf(currency, sizeof currency, "%s", bank__q_col_text(q, 1));
	}
	bank__q_reset(q);
	if (rc == 0)
		return bank__err(BANK_ENOTFOUND, "no product with code \"%s\"", c->product);
	if (rc < 0)
		return rc;
	q = bank__q_get(b, "SELECT 1 FROM customer WHERE id = ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, c->customer_id);
	rc = bank__q_step(q);
	bank__q_reset(q);
	if (rc == 0)
		return bank__err(BANK_ENOTFOUND, "no customer with id %lld", (long long)c->customer_id);
	if (rc < 0)
		return rc;
	char number[BANK_ACCOUNT_NUMBER_SIZE];
	bank_time now = bank_now(b);
	if ((rc = insert_account(b, BANK_ACCOUNT_CUSTOMER, c->customer_id, product_id, branch_id, currency, now, number,
				 &c->id)) != BANK_OK)
		return rc;
	bank__buf d;
	bank__json_begin(&d);
	bank__json_str(&d, "number", number);
	bank__json_int(&d, "customer", c->customer_id);
	bank__json_str(&d, "product", c->product);
	bank__json_str(&d, "branch", c->branch);
	bank__json_str(&d, "currency", currency);
	bank__json_end(&d);
	char object[32];
	snprintf(object, sizeof object, "account:%s", number);
	rc = d.failed ? bank__oom() : bank__audit(b, now, "account.open", object, d.data);
	bank__buf_free(&d);
	return rc;
}

int bank_account_open(bank_account **out, bank *b, int64_t customer_id, const char *product, const char *branch)
{
	if (out)
		*out = NULL;
	if (b == NULL)
		return bank__err(BANK_EMISUSE, "bank handle is NULL");
	int rc;
	if (customer_id <= 0)
		return bank__err(BANK_EINVAL, "customer id must be positive");
	if ((rc = bank__check_code("product", product)) != BANK_OK ||
	    (rc = bank__check_code("branch", branch)) != BANK_OK ||
	    (rc = bank__authorize(b, "account.open", NULL)) != BANK_OK)
		return rc;
	struct open_ctx c = {customer_id, product, branch, 0};
	if ((rc = bank__write(b, open_fn, &c)) != BANK_OK)
		return rc;
	return out ? account_fetch_id(out, b, c.id) : BANK_OK;
}

/* ---- Changes ---- */

static int record_edit(bank *b, bank_time now, const bank_account *a, const char *field, const char *old,
		       const char *newv)
{
	bank__q *q = bank__q_get(b, "INSERT INTO account_edit(account_id, field, old_value, new_value, principal, at)"
				    " VALUES (?, ?, ?, ?, ?, ?)");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, a->id);
	bank__q_text(q, 2, field);
	bank__q_text(q, 3, old);
	bank__q_text(q, 4, newv);
	bank__q_text(q, 5, b->principal);
	bank__q_int(q, 6, now);
	int rc = bank__q_exec(q);
	if (rc != BANK_OK)
		return rc;
	bank__buf d;
	bank__json_begin(&d);
	bank__json_str(&d, "field", field);
	bank__json_str(&d, "old", old);
	bank__json_str(&d, "new", newv);
	bank__json_end(&d);
	char object[32];
	snprintf(object, sizeof object, "account:%s", a->number);
	char action[48];
	snprintf(action, sizeof action, "account.%s",
		 strcmp(field, "status") == 0 || strcmp(field, "frozen") == 0 ? "status" : "edit");
	rc = d.failed ? bank__oom() : bank__audit(b, now, action, object, d.data);
	bank__buf_free(&d);
	return rc;
}

static int set_status(bank *b, const bank_account *a, const char *status, unsigned frozen, bank_time now)
{
	bank__q *q = bank__q_get(b, "UPDATE account SET status = ?, frozen = ? WHERE id = ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_text(q, 1, status);
	bank__q_int(q, 2, frozen);
	bank__q_int(q, 3, a->id);
	int rc = bank__q_exec(q);
	if (rc == BANK_OK && strcmp(status, a->status) != 0)
		rc = record_edit(b, now, a, "status", a->status, status);
	if (rc == BANK_OK && frozen != a->frozen) {
		static const char *const names[] = {"none", "debits", "credits", "both"};
		rc = record_edit(b, now, a, "frozen", names[a->frozen & 3], names[frozen & 3]);
	}
	return rc;
}

struct change_ctx {
	const char *number;
	const char *field, *value; /* edit */
	unsigned what;             /* freeze */
	int op;                    /* 0 edit, 1 freeze, 2 unfreeze, 3 close */
};

static int edit_account(bank *b, bank_account *a, const char *field, const char *value, bank_time now)
{
	int rc;
	char old[64];
	if (strcmp(field, "name") == 0) {
		if ((rc = bank__check_text("account name", value, 100, false)) != BANK_OK)
			return rc;
		bank__q *q = bank__q_get(b, "UPDATE account SET name = ? WHERE id = ?");
		if (q == NULL)
			return bank__last_code();
		bank__q_text(q, 1, value);
		bank__q_int(q, 2, a->id);
		if ((rc = bank__q_exec(q)) != BANK_OK)
			return rc;
		return record_edit(b, now, a, "name", a->name, value);
	}
	if (strcmp(field, "product") == 0) {
		if ((rc = bank__check_code("product", value)) != BANK_OK)
			return rc;
		bank__q *q = bank__q_get(b, "SELECT id, currency FROM product WHERE code = ?");
		if (q == NULL)
			return bank__last_code();
		bank__q_text(q, 1, value);
		rc = bank__q_step(q);
		int64_t pid = rc == 1 ? bank__q_col_int(q, 0) : 0;
		bool same = rc == 1 && strcmp(bank__q_col_text(q, 1), a->currency) == 0;
		bank__q_reset(q);
		if (rc == 0)
			return bank__err(BANK_ENOTFOUND, "no product with code \"%s\"", value);
		if (rc < 0)
			return rc;
		if (!same)
			return bank__err(BANK_ECURRENCY, "product %s is not in the account's currency %s", value,
					 a->currency);
		q = bank__q_get(b, "UPDATE account SET product_id = ? WHERE id = ?");
		if (q == NULL)
			return bank__last_code();
		bank__q_int(q, 1, pid);
		bank__q_int(q, 2, a->id);
		if ((rc = bank__q_exec(q)) != BANK_OK)
			return rc;
		return record_edit(b, now, a, "product", a->product, value);
	}
	if (strcmp(field, "branch") == 0) {
		int64_t bid = 0;
		if ((rc = bank__check_code("branch", value)) != BANK_OK ||
		    (rc = branch_id_of(b, value, &bid)) != BANK_OK)
			return rc;
		bank__q *q = bank__q_get(b, "UPDATE account SET branch_id = ? WHERE id = ?");
		if (q == NULL)
			return bank__last_code();
		bank__q_int(q, 1, bid);
		bank__q_int(q, 2, a->id);
		if ((rc = bank__q_exec(q)) != BANK_OK)
			return rc;
		return record_edit(b, now, a, "branch", a->branch, value);
	}
	/* customer */
	char *end = NULL;
	long long cid = value[0] >= '1' && value[0] <= '9' ? strtoll(value, &end, 10) : 0;
	if (cid <= 0 || end == NULL || *end != '\0')
		return bank__err(BANK_EINVAL, "customer \"%.20s\" is not a customer id", value);
	bank__q *q = bank__q_get(b, "SELECT 1 FROM customer WHERE id = ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, cid);
	rc = bank__q_step(q);
	bank__q_reset(q);
	if (rc == 0)
		return bank__err(BANK_ENOTFOUND, "no customer with id %lld", cid);
	if (rc < 0)
		return rc;
	q = bank__q_get(b, "UPDATE account SET customer_id = ? WHERE id = ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, cid);
	bank__q_int(q, 2, a->id);
	if ((rc = bank__q_exec(q)) != BANK_OK)
		return rc;
	snprintf(old, sizeof old, "%lld", (long long)a->customer_id);
	return record_edit(b, now, a, "customer", old, value);
}

/* The account's stored balance and pending amount, in the current transaction. */
static int balance_pending(bank *b, int64_t account_id, int64_t *balance, int64_t *pending)
{
	bank__q *q = bank__q_get(b, "SELECT balance, pending FROM account WHERE id = ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, account_id);
	int rc = bank__q_step(q);
	if (rc == 1) {
		*balance = bank__q_col_int(q, 0);
		*pending = bank__q_col_int(q, 1);
	}
	bank__q_reset(q);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return bank__err(BANK_ENOTFOUND, "account id %lld is gone", (long long)account_id);
	return BANK_OK;
}

static int close_account(bank *b, bank_account *a, const char *reason, bank_time now)
{
	int rc = bank__holds_expire(b, a->id, now, NULL);
	if (rc != BANK_OK)
		return rc;
	/* Interest first (interest.c): accrued to yesterday and posted, so the balance that
	 * must be zero includes it. A refused close rolls the posting back with everything else. */
	int64_t interest = 0, balance = 0, pending = 0;
	if ((rc = bank__interest_close(b, a->id, &interest)) != BANK_OK ||
	    (rc = balance_pending(b, a->id, &balance, &pending)) != BANK_OK)
		return rc;
	if (pending != 0)
		return bank__err(BANK_EINVAL, "account %s has active holds; post or void them first", a->number);
	if (balance != 0) {
		char amt[BANK_AMOUNT_SIZE], paid[BANK_AMOUNT_SIZE];
		if (bank_amount_format(amt, sizeof amt, balance, a->currency) != BANK_OK)
			snprintf(amt, sizeof amt, "%lld", (long long)balance);
		if (interest == 0)
			return bank__err(BANK_EINVAL, "account %s has a balance of %s %s; it must be zero to close",
					 a->number, amt, a->currency);
		/* The interest is posted only if the close goes through: say how to get it out. */
		if (bank_amount_format(paid, sizeof paid, interest, a->currency) != BANK_OK)
			snprintf(paid, sizeof paid, "%lld", (long long)interest);
		return bank__err(BANK_EINVAL,
				 "account %s has a balance of %s %s, interest to date of %s included; it must be zero "
				 "to close: settle the interest (bank_interest_settle) and empty the account first",
				 a->number, amt, a->currency, paid);
	}
	bank__q *q = bank__q_get(b, "UPDATE account SET status = 'closed', frozen = 0, closed_at = ? WHERE id = ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, now);
	bank__q_int(q, 2, a->id);
	if ((rc = bank__q_exec(q)) != BANK_OK)
		return rc;
	q = bank__q_get(b, "INSERT INTO account_closed(account_id, reason, closed_by, final_balance, closed_at)"
			   " VALUES (?, ?, ?, ?, ?)");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, a->id);
	bank__q_text(q, 2, reason);
	bank__q_text(q, 3, b->principal);
	bank__q_int(q, 4, balance);
	bank__q_int(q, 5, now);
	if ((rc = bank__q_exec(q)) != BANK_OK)
		return rc;
	rc = record_edit(b, now, a, "status", a->status, "closed");
	if (rc != BANK_OK)
		return rc;
	bank__buf d;
	bank__json_begin(&d);
	bank__json_str(&d, "reason", reason);
	bank__json_int(&d, "final_balance", balance);
	bank__json_end(&d);
	char object[32];
	snprintf(object, sizeof object, "account:%s", a->number);
	rc = d.failed ? bank__oom() : bank__audit(b, now, "account.close", object, d.data);
	bank__buf_free(&d);
	return rc;
}

static int change_fn(bank *b, void *vctx)
{
	struct change_ctx *c = vctx;
	bank_account *a = NULL;
	int rc = account_fetch(&a, b, c->number);
	if (rc != BANK_OK)
		return rc;
	bank_time now = bank_now(b);
	if (a->kind != BANK_ACCOUNT_CUSTOMER)
		rc = bank__err(BANK_EINVAL, "account %s is an internal ledger account", a->number);
	else if (strcmp(a->status, "closed") == 0)
		rc = bank__err(BANK_ECLOSED, "account %s is closed", a->number);
	else if (c->op == 0)
		rc = edit_account(b, a, c->field, c->value, now);
	else if (c->op == 1)
		rc = set_status(b, a, "frozen", a->frozen | c->what, now);
	else if (c->op == 2)
		rc = set_status(b, a, "active", 0, now);
	else
		rc = close_account(b, a, c->value, now);
	bank_account_free(a);
	return rc;
}

static int change(bank *b, struct change_ctx *c, const char *action)
{
	if (b == NULL)
		return bank__err(BANK_EMISUSE, "bank handle is NULL");
	char object[32];
	snprintf(object, sizeof object, "account:%.12s", c->number ? c->number : "");
	int rc;
	if ((rc = bank_account_number_check(c->number)) != BANK_OK ||
	    (rc = bank__authorize(b, action, object)) != BANK_OK)
		return rc;
	return bank__write(b, change_fn, c);
}

int bank_account_edit(bank *b, const char *number, const char *field, const char *value)
{
	static const char *const fields[] = {"product", "branch", "customer", "name"};
	bool known = false;
	for (size_t i = 0; field && i < sizeof fields / sizeof fields[0]; i++)
		known = known || strcmp(field, fields[i]) == 0;
	if (!known)
		return bank__err(BANK_EINVAL, "unknown account field \"%.40s\": use product, branch, customer or name",
				 field ? field : "");
	if (value == NULL)
		return bank__err(BANK_EINVAL, "no value for %s", field);
	struct change_ctx c = {number, field, value, 0, 0};
	return change(b, &c, "account.edit");
}

int bank_account_freeze(bank *b, const char *number, unsigned int what)
{
	if (what == 0 || (what & ~BANK_FREEZE_BOTH) != 0)
		return bank__err(BANK_EINVAL, "freeze flags must be debits, credits or both");
	struct change_ctx c = {number, NULL, NULL, what, 1};
	return change(b, &c, "account.freeze");
}

int bank_account_unfreeze(bank *b, const char *number)
{
	struct change_ctx c = {number, NULL, NULL, 0, 2};
	return change(b, &c, "account.freeze");
}

int bank_account_close(bank *b, const char *number, const char *reason)
{
	int rc = bank__check_text("closing reason", reason, 500, true);
	if (rc != BANK_OK)
		return rc;
	struct change_ctx c = {number, NULL, reason, 0, 3};
	return change(b, &c, "account.close");
}

int bank_account_edits_get(bank_account_edits **out, bank *b, const char *number)
{
	if (out == NULL || b == NULL)
		return bank__err(BANK_EMISUSE, "bank_account_edits_get: NULL argument");
	*out = NULL;
	int64_t id = 0;
	char object[32];
	snprintf(object, sizeof object, "account:%.12s", number ? number : "");
	int rc;
	if ((rc = bank_account_number_check(number)) != BANK_OK ||
	    (rc = bank__authorize(b, "account.read", object)) != BANK_OK ||
	    (rc = bank__account_id(b, number, &id)) != BANK_OK)
		return rc;
	bank_account_edits *e = calloc(1, sizeof *e);
	if (e == NULL)
		return bank__oom();
	bank__q *q = bank__q_get(b, "SELECT seq, field, old_value, new_value, principal, at FROM account_edit"
				    " WHERE account_id = ? ORDER BY seq");
	if (q == NULL) {
		free(e);
		return bank__last_code();
	}
	bank__q_int(q, 1, id);
	size_t cap = 0;
	while ((rc = bank__q_step(q)) == 1) {
		if ((rc = bank__grow(&e->entries, sizeof *e->entries, e->count + 1, &cap)) != BANK_OK)
			break;
		bank_account_edit_entry *x = &e->entries[e->count++];
		x->seq = bank__q_col_int(q, 0);
		x->field = bank__strdup(bank__q_col_text(q, 1));
		x->old_value = bank__strdup(bank__q_col_text(q, 2));
		x->new_value = bank__strdup(bank__q_col_text(q, 3));
		x->principal = bank__strdup(bank__q_col_text(q, 4));
		x->at = bank__q_col_int(q, 5);
		if (!x->field || !x->old_value || !x->new_value || !x->principal) {
			rc = bank__oom();
			break;
		}
	}
	bank__q_reset(q);
	if (rc < 0) {
		bank_account_edits_free(e);
		return rc;
	}
	*out = e;
	return BANK_OK;
}
