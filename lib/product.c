/*
 * product.c: products (the seed's AccountType). Owns the product table.
 *
 * A product fixes an account's currency and kind for good; its minimum balance,
 * overdraft limit and rate may be edited (audited) and apply to its accounts from then on.
 * Its interest conventions (day count, balance method, compounding, posting, minimum
 * balance to earn) are columns here; its effective-dated rate schedule (product_rate)
 * belongs to interest.c, which this file calls to seed it and to read today's rate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const char *bank_product_kind_name(bank_product_kind kind)
{
	switch (kind) {
	case BANK_PRODUCT_SAVINGS: return "savings";
	case BANK_PRODUCT_CURRENT: return "current";
	}
	return "unknown";
}

int bank_product_kind_parse(bank_product_kind *out, const char *text)
{
	if (text && strcmp(text, "savings") == 0)
		*out = BANK_PRODUCT_SAVINGS;
	else if (text && strcmp(text, "current") == 0)
		*out = BANK_PRODUCT_CURRENT;
	else
		return bank__err(BANK_EINVAL, "unknown product kind \"%.40s\": use savings or current",
				 text ? text : "");
	return BANK_OK;
}

void bank_product_free(bank_product *p)
{
	if (p == NULL)
		return;
	free((char *)p->code);
	free((char *)p->name);
	free(p);
}

void bank_product_list_free(bank_product_list *list)
{
	if (list == NULL)
		return;
	for (size_t i = 0; i < list->count; i++)
		bank_product_free(list->items[i]);
	free(list->items);
	free(list);
}

#define PRODUCT_COLS                                                                                       \
	"id, code, name, kind, currency, min_balance, rate, overdraft, created_at, updated_at, day_count," \
	" balance_method, compounding, posting, min_interest_balance"

static int product_from_row(bank_product **out, bank__q *q)
{
	bank_product *p = calloc(1, sizeof *p);
	if (p == NULL)
		return bank__oom();
	p->id = bank__q_col_int(q, 0);
	p->code = bank__strdup(bank__q_col_text(q, 1));
	p->name = bank__strdup(bank__q_col_text(q, 2));
	p->kind = strcmp(bank__q_col_text(q, 3), "current") == 0 ? BANK_PRODUCT_CURRENT : BANK_PRODUCT_SAVINGS;
	snprintf(p->currency, sizeof p->currency, "%s", bank__q_col_text(q, 4));
	p->min_balance = bank__q_col_int(q, 5);
	p->rate = bank__q_col_int(q, 6);
	p->overdraft = bank__q_col_int(q, 7);
	p->created_at = bank__q_col_int(q, 8);
	p->updated_at = bank__q_col_int(q, 9);
	/* The CHECK constraints admit only known names. */
	if (bank_day_count_parse(&p->day_count, bank__q_col_text(q, 10)) != BANK_OK ||
	    bank_balance_method_parse(&p->balance_method, bank__q_col_text(q, 11)) != BANK_OK ||
	    bank_period_parse(&p->compounding, bank__q_col_text(q, 12)) != BANK_OK ||
	    bank_period_parse(&p->posting, bank__q_col_text(q, 13)) != BANK_OK) {
		bank_product_free(p);
		return bank__err(BANK_ECORRUPT, "product has unknown interest conventions");
	}
	p->min_interest_balance = bank__q_col_int(q, 14);
	if (!p->code || !p->name) {
		bank_product_free(p);
		return bank__oom();
	}
	*out = p;
	return BANK_OK;
}

/* bank__collect's row callback: slot is a bank_product ** in the list's array. */
static int product_row(void *slot, bank__q *q)
{
	return product_from_row(slot, q);
}

static int product_fetch(bank_product **out, bank *b, const char *code)
{
	bank__q *q = bank__q_get(b, "SELECT " PRODUCT_COLS " FROM product WHERE code = ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_text(q, 1, code);
	int rc = bank__q_step(q);
	if (rc == 1)
		rc = product_from_row(out, q);
	else if (rc == 0)
		rc = bank__err(BANK_ENOTFOUND, "no product with code \"%s\"", code);
	bank__q_reset(q);
	if (rc == BANK_OK && (rc = bank__interest_rate_today(b, (*out)->id, &(*out)->rate)) != BANK_OK) {
		bank_product_free(*out);
		*out = NULL;
	}
	return rc;
}

static int check_spec(const bank_product_spec *s)
{
	int rc;
	if (s->version != BANK_PRODUCT_SPEC_VERSION)
		return bank__err(BANK_EINVAL, "unknown bank_product_spec version %u", s->version);
	if ((rc = bank__check_code("product", s->code)) != BANK_OK ||
	    (rc = bank__check_text("product name", s->name, 200, true)) != BANK_OK)
		return rc;
	if (s->kind != BANK_PRODUCT_SAVINGS && s->kind != BANK_PRODUCT_CURRENT)
		return bank__err(BANK_EINVAL, "unknown product kind %d", (int)s->kind);
	if (s->currency == NULL || bank_currency_find(s->currency) == NULL)
		return bank__err(BANK_EINVAL, "unknown currency \"%.10s\"", s->currency ? s->currency : "");
	if (s->min_balance < 0)
		return bank__err(BANK_EINVAL, "minimum balance is negative");
	if (s->overdraft < 0)
		return bank__err(BANK_EINVAL, "overdraft limit is negative");
	if (s->rate < 0 || s->rate > BANK_RATE_MAX)
		return bank__err(BANK_EINVAL, "rate out of range 0..1000%%");
	return bank__interest_check_conventions(s->day_count, s->balance_method, s->compounding, s->posting,
						s->min_interest_balance);
}

struct add_ctx {
	const bank_product_spec *s;
	bank_product **out;
};

static int add_fn(bank *b, void *vctx)
{
	struct add_ctx *c = vctx;
	const bank_product_spec *s = c->s;
	bank_time now = bank_now(b);
	bank__q *q = bank__q_get(
		b, "INSERT INTO product(code, name, kind, currency, min_balance, rate, overdraft,"
		   " created_at, updated_at, day_count, balance_method, compounding, posting,"
		   " min_interest_balance) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10, ?11, ?12, ?13)");
	if (q == NULL)
		return bank__last_code();
	bank__q_text(q, 1, s->code);
	bank__q_text(q, 2, s->name);
	bank__q_text(q, 3, bank_product_kind_name(s->kind));
	bank__q_text(q, 4, s->currency);
	bank__q_int(q, 5, s->min_balance);
	bank__q_int(q, 6, s->rate);
	bank__q_int(q, 7, s->overdraft);
	bank__q_int(q, 8, now);
	bank__q_text(q, 9, bank_day_count_name(s->day_count));
	bank__q_text(q, 10, bank_balance_method_name(s->balance_method));
	bank__q_text(q, 11, bank_period_name(s->compounding));
	bank__q_text(q, 12, bank_period_name(s->posting));
	bank__q_int(q, 13, s->min_interest_balance);
	int rc = bank__q_exec(q);
	if (rc == BANK_EEXISTS)
		return bank__err(BANK_EEXISTS, "a product with code \"%s\" already exists", s->code);
	if (rc != BANK_OK)
		return rc;
	/* The rate schedule starts on the day of creation. */
	if ((rc = bank__interest_rate_insert(b, bank__last_rowid(b), bank_date_of(b, now), s->rate, now)) != BANK_OK)
		return rc;
	bank__buf d;
	bank__json_begin(&d);
	bank__json_str(&d, "code", s->code);
	bank__json_str(&d, "name", s->name);
	bank__json_str(&d, "kind", bank_product_kind_name(s->kind));
	bank__json_str(&d, "currency", s->currency);
	bank__json_int(&d, "min_balance", s->min_balance);
	bank__json_int(&d, "rate", s->rate);
	bank__json_int(&d, "overdraft", s->overdraft);
	bank__json_str(&d, "day_count", bank_day_count_name(s->day_count));
	bank__json_str(&d, "balance_method", bank_balance_method_name(s->balance_method));
	bank__json_str(&d, "compounding", bank_period_name(s->compounding));
	bank__json_str(&d, "posting", bank_period_name(s->posting));
	bank__json_int(&d, "min_interest_balance", s->min_interest_balance);
	bank__json_end(&d);
	char object[64];
	snprintf(object, sizeof object, "product:%s", s->code);
	rc = d.failed ? bank__oom() : bank__audit(b, now, "product.add", object, d.data);
	bank__buf_free(&d);
	if (rc == BANK_OK && c->out)
		rc = product_fetch(c->out, b, s->code);
	return rc;
}

int bank_product_add(bank_product **out, bank *b, const bank_product_spec *spec)
{
	if (out)
		*out = NULL;
	if (b == NULL || spec == NULL)
		return bank__err(BANK_EMISUSE, "bank_product_add: NULL argument");
	int rc;
	if ((rc = check_spec(spec)) != BANK_OK || (rc = bank__authorize(b, "product.add", NULL)) != BANK_OK)
		return rc;
	struct add_ctx c = {spec, out};
	int wrc = bank__write(b, add_fn, &c);
	if (wrc != BANK_OK && out != NULL) {
		/* The record was read inside the transaction that did not commit. */
		bank_product_free(*out);
		*out = NULL;
	}
	return wrc;
}

int bank_product_get(bank_product **out, bank *b, const char *code)
{
	if (out == NULL || b == NULL)
		return bank__err(BANK_EMISUSE, "bank_product_get: NULL argument");
	*out = NULL;
	int rc;
	if ((rc = bank__check_code("product", code)) != BANK_OK ||
	    (rc = bank__authorize(b, "product.read", NULL)) != BANK_OK)
		return rc;
	return product_fetch(out, b, code);
}

struct edit_ctx {
	const char *code, *field, *value;
};

static int edit_fn(bank *b, void *vctx)
{
	struct edit_ctx *c = vctx;
	bank_product *p = NULL;
	int rc = product_fetch(&p, b, c->code);
	if (rc != BANK_OK)
		return rc;
	char old[BANK_AMOUNT_SIZE + 200];
	int64_t v = 0, product_id = p->id;
	const char *sql = NULL;
	bool text = false; /* bind the value as text (name and the convention names) */
	if (strcmp(c->field, "name") == 0) {
		snprintf(old, sizeof old, "%s", p->name);
		rc = bank__check_text("product name", c->value, 200, true);
		text = true;
		sql = "UPDATE product SET name = ?2, updated_at = ?3 WHERE code = ?1";
	} else if (strcmp(c->field, "rate") == 0) {
		if ((rc = bank_rate_format(old, sizeof old, p->rate)) == BANK_OK)
			rc = bank_rate_parse(&v, c->value);
		sql = "UPDATE product SET rate = ?2, updated_at = ?3 WHERE code = ?1";
	} else if (strcmp(c->field, "day_count") == 0) {
		bank_day_count dc;
		snprintf(old, sizeof old, "%s", bank_day_count_name(p->day_count));
		rc = bank_day_count_parse(&dc, c->value);
		text = true;
		sql = "UPDATE product SET day_count = ?2, updated_at = ?3 WHERE code = ?1";
	} else if (strcmp(c->field, "balance_method") == 0) {
		bank_balance_method m;
		snprintf(old, sizeof old, "%s", bank_balance_method_name(p->balance_method));
		rc = bank_balance_method_parse(&m, c->value);
		text = true;
		sql = "UPDATE product SET balance_method = ?2, updated_at = ?3 WHERE code = ?1";
	} else if (strcmp(c->field, "compounding") == 0 || strcmp(c->field, "posting") == 0) {
		bool posting = strcmp(c->field, "posting") == 0;
		bank_period per = BANK_PERIOD_MONTHLY;
		snprintf(old, sizeof old, "%s", bank_period_name(posting ? p->posting : p->compounding));
		rc = bank_period_parse(&per, c->value);
		if (rc == BANK_OK && posting && per == BANK_PERIOD_DAILY)
			rc = bank__err(BANK_EINVAL,
				       "the posting period must be monthly, quarterly, semiannual or annual");
		text = true;
		sql = posting ? "UPDATE product SET posting = ?2, updated_at = ?3 WHERE code = ?1"
			      : "UPDATE product SET compounding = ?2, updated_at = ?3 WHERE code = ?1";
	} else {
		int64_t cur = strcmp(c->field, "min_balance") == 0 ? p->min_balance
			      : strcmp(c->field, "overdraft") == 0 ? p->overdraft
								   : p->min_interest_balance;
		if ((rc = bank_amount_format(old, sizeof old, cur, p->currency)) == BANK_OK)
			rc = bank_amount_parse(&v, c->value, p->currency);
		sql = strcmp(c->field, "min_balance") == 0
			      ? "UPDATE product SET min_balance = ?2, updated_at = ?3 WHERE code = ?1"
		      : strcmp(c->field, "overdraft") == 0
			      ? "UPDATE product SET overdraft = ?2, updated_at = ?3 WHERE code = ?1"
			      : "UPDATE product SET min_interest_balance = ?2, updated_at = ?3 WHERE code = ?1";
	}
	bank_product_free(p);
	if (rc != BANK_OK)
		return rc;
	bank_time now = bank_now(b);
	bank__q *q = bank__q_get(b, sql);
	if (q == NULL)
		return bank__last_code();
	bank__q_text(q, 1, c->code);
	if (text) {
		bank__q_text(q, 2, c->value);
	} else {
		bank__q_int(q, 2, v);
	}
	bank__q_int(q, 3, now);
	if ((rc = bank__q_exec(q)) != BANK_OK)
		return rc;
	/* A new rate applies from today on; earlier days keep theirs. */
	if (strcmp(c->field, "rate") == 0 &&
	    (rc = bank__interest_rate_insert(b, product_id, bank_date_of(b, now), v, now)) != BANK_OK)
		return rc;
	bank__buf d;
	bank__json_begin(&d);
	bank__json_str(&d, "field", c->field);
	bank__json_str(&d, "old", old);
	bank__json_str(&d, "new", c->value);
	bank__json_end(&d);
	char object[64];
	snprintf(object, sizeof object, "product:%s", c->code);
	rc = d.failed ? bank__oom() : bank__audit(b, now, "product.edit", object, d.data);
	bank__buf_free(&d);
	return rc;
}

int bank_product_edit(bank *b, const char *code, const char *field, const char *value)
{
	if (b == NULL)
		return bank__err(BANK_EMISUSE, "bank handle is NULL");
	int rc;
	if ((rc = bank__check_code("product", code)) != BANK_OK)
		return rc;
	static const char *const fields[] = {"name",        "min_balance", "overdraft",
					     "rate",        "day_count",   "balance_method",
					     "compounding", "posting",     "min_interest_balance"};
	bool known = false;
	for (size_t i = 0; field && i < sizeof fields / sizeof fields[0]; i++)
		known = known || strcmp(field, fields[i]) == 0;
	if (!known)
		return bank__err(BANK_EINVAL,
				 "unknown product field \"%.40s\": use name, min_balance, overdraft, rate, day_count,"
				 " balance_method, compounding, posting or min_interest_balance",
				 field ? field : "");
	if (value == NULL)
		return bank__err(BANK_EINVAL, "no value for %s", field);
	if ((rc = bank__authorize(b, "product.edit", NULL)) != BANK_OK)
		return rc;
	struct edit_ctx c = {code, field, value};
	return bank__write(b, edit_fn, &c);
}

int bank_product_list_get(bank_product_list **out, bank *b)
{
	if (out == NULL || b == NULL)
		return bank__err(BANK_EMISUSE, "bank_product_list_get: NULL argument");
	*out = NULL;
	int rc = bank__authorize(b, "product.read", NULL);
	if (rc != BANK_OK)
		return rc;
	bank_product_list *list = calloc(1, sizeof *list);
	if (list == NULL)
		return bank__oom();
	bank__q *q = bank__q_get(b, "SELECT " PRODUCT_COLS " FROM product ORDER BY code");
	if (q == NULL) {
		free(list);
		return bank__last_code();
	}
	rc = bank__collect(q, &list->items, sizeof *list->items, &list->count, product_row);
	for (size_t i = 0; rc >= 0 && i < list->count; i++)
		rc = bank__interest_rate_today(b, list->items[i]->id, &list->items[i]->rate);
	if (rc < 0) {
		bank_product_list_free(list);
		return rc;
	}
	*out = list;
	return BANK_OK;
}
