/*
 * customer.c: customers and their one address (the seed's Customer and Address, 1:1).
 * Owns the customer and address tables.
 *
 * Every field is validated on its own (check_field), so creation and edits share one
 * rule per field. Edits record the old and new value in the audit trail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void bank_customer_free(bank_customer *c)
{
	if (c == NULL)
		return;
	free((char *)c->name);
	free((char *)c->dob);
	free((char *)c->occupation);
	free((char *)c->email);
	free((char *)c->phone);
	free((char *)c->address.line1);
	free((char *)c->address.line2);
	free((char *)c->address.city);
	free((char *)c->address.region);
	free((char *)c->address.postal_code);
	free((char *)c->address.country);
	free(c);
}

void bank_customer_list_free(bank_customer_list *list)
{
	if (list == NULL)
		return;
	for (size_t i = 0; i < list->count; i++)
		bank_customer_free(list->items[i]);
	free(list->items);
	free(list);
}

/* ---- Validation ---- */

static int check_dob(bank *b, const char *dob)
{
	if (dob == NULL || dob[0] == '\0')
		return BANK_OK;
	bank_date d;
	int rc = bank_date_parse(&d, dob);
	if (rc != BANK_OK)
		return bank__err(BANK_EINVAL, "date of birth \"%.20s\" is not a date YYYY-MM-DD", dob);
	if (d > bank_date_of(b, bank_now(b)))
		return bank__err(BANK_EINVAL, "date of birth %s is in the future", dob);
	return BANK_OK;
}

static int check_email(const char *email)
{
	if (email == NULL || email[0] == '\0')
		return BANK_OK;
	int rc = bank__check_text("email", email, 254, false);
	if (rc != BANK_OK)
		return rc;
	const char *at = strchr(email, '@');
	if (at == NULL || at == email || at[1] == '\0' || strchr(at + 1, '@') != NULL || strchr(email, ' '))
		return bank__err(BANK_EINVAL, "email \"%.60s\" is not an address like name@example.com", email);
	return BANK_OK;
}

static int check_phone(const char *phone)
{
	if (phone == NULL || phone[0] == '\0')
		return BANK_OK;
	size_t digits = 0, n = 0;
	for (const char *p = phone; *p; p++, n++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (!strchr(" +-()", *p))
			return bank__err(BANK_EINVAL, "phone \"%.40s\" may hold only digits, spaces and + - ( )",
					 phone);
	}
	if (digits < 3 || n > 32)
		return bank__err(BANK_EINVAL, "phone \"%.40s\" needs 3 to 32 characters with digits", phone);
	return BANK_OK;
}

static int check_country(const char *cc)
{
	if (cc == NULL || cc[0] == '\0')
		return BANK_OK;
	if (strlen(cc) != 2 || cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z')
		return bank__err(BANK_EINVAL, "country \"%.10s\" must be an ISO 3166-1 alpha-2 code like GB", cc);
	return BANK_OK;
}

static int check_currency(const char *cur)
{
	if (cur == NULL || bank_currency_find(cur) == NULL)
		return bank__err(BANK_EINVAL, "unknown currency \"%.10s\"", cur ? cur : "");
	return BANK_OK;
}

static int check_address(const bank_address *a)
{
	int rc;
	if ((rc = bank__check_text("address line 1", a->line1, 200, false)) != BANK_OK ||
	    (rc = bank__check_text("address line 2", a->line2, 200, false)) != BANK_OK ||
	    (rc = bank__check_text("city", a->city, 100, false)) != BANK_OK ||
	    (rc = bank__check_text("region", a->region, 100, false)) != BANK_OK ||
	    (rc = bank__check_text("postal code", a->postal_code, 20, false)) != BANK_OK ||
	    (rc = check_country(a->country)) != BANK_OK)
		return rc;
	return BANK_OK;
}

/* ---- Reading ---- */

#define CUSTOMER_SELECT                                                                                          \
	"SELECT c.id, c.name, c.dob, c.occupation, c.income, c.income_currency, c.email, c.phone, c.created_at," \
	" c.updated_at, a.customer_id IS NOT NULL, a.line1, a.line2, a.city, a.region, a.postal_code, a.country" \
	" FROM customer c LEFT JOIN address a ON a.customer_id = c.id"

static int customer_from_row(bank_customer **out, bank__q *q)
{
	bank_customer *c = calloc(1, sizeof *c);
	if (c == NULL)
		return bank__oom();
	c->id = bank__q_col_int(q, 0);
	c->name = bank__strdup(bank__q_col_text(q, 1));
	c->dob = bank__strdup(bank__q_col_text(q, 2));
	c->occupation = bank__strdup(bank__q_col_text(q, 3));
	c->income = bank__q_col_null(q, 4) ? -1 : bank__q_col_int(q, 4);
	snprintf(c->income_currency, sizeof c->income_currency, "%s", bank__q_col_text(q, 5));
	c->email = bank__strdup(bank__q_col_text(q, 6));
	c->phone = bank__strdup(bank__q_col_text(q, 7));
	c->created_at = bank__q_col_int(q, 8);
	c->updated_at = bank__q_col_int(q, 9);
	c->has_address = (int)bank__q_col_int(q, 10);
	c->address.line1 = bank__strdup(bank__q_col_text(q, 11));
	c->address.line2 = bank__strdup(bank__q_col_text(q, 12));
	c->address.city = bank__strdup(bank__q_col_text(q, 13));
	c->address.region = bank__strdup(bank__q_col_text(q, 14));
	c->address.postal_code = bank__strdup(bank__q_col_text(q, 15));
	c->address.country = bank__strdup(bank__q_col_text(q, 16));
	if (!c->name || !c->dob || !c->occupation || !c->email || !c->phone || !c->address.line1 || !c->address.line2 ||
	    !c->address.city || !c->address.region || !c->address.postal_code || !c->address.country) {
		bank_customer_free(c);
		return bank__oom();
	}
	*out = c;
	return BANK_OK;
}

/* bank__collect's row callback: slot is a bank_customer ** in the list's array. */
static int customer_row(void *slot, bank__q *q)
{
	return customer_from_row(slot, q);
}

static int customer_fetch(bank_customer **out, bank *b, int64_t id)
{
	bank__q *q = bank__q_get(b, CUSTOMER_SELECT " WHERE c.id = ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, id);
	int rc = bank__q_step(q);
	if (rc == 1)
		rc = customer_from_row(out, q);
	else if (rc == 0)
		rc = bank__err(BANK_ENOTFOUND, "no customer with id %lld", (long long)id);
	bank__q_reset(q);
	return rc;
}

static int customer_exists(bank *b, int64_t id)
{
	bank__q *q = bank__q_get(b, "SELECT 1 FROM customer WHERE id = ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, id);
	int rc = bank__q_step(q);
	bank__q_reset(q);
	if (rc == 0)
		return bank__err(BANK_ENOTFOUND, "no customer with id %lld", (long long)id);
	return rc < 0 ? rc : BANK_OK;
}

/* ---- Writing ---- */

static void address_json(bank__buf *d, const bank_address *a)
{
	bank__json_str(d, "address_line1", a->line1 ? a->line1 : "");
	bank__json_str(d, "address_line2", a->line2 ? a->line2 : "");
	bank__json_str(d, "city", a->city ? a->city : "");
	bank__json_str(d, "region", a->region ? a->region : "");
	bank__json_str(d, "postal_code", a->postal_code ? a->postal_code : "");
	bank__json_str(d, "country", a->country ? a->country : "");
}

static int address_store(bank *b, int64_t id, const bank_address *a)
{
	bank__q *q =
		bank__q_get(b, "INSERT OR REPLACE INTO address(customer_id, line1, line2, city, region, postal_code,"
			       " country) VALUES (?, ?, ?, ?, ?, ?, ?)");
	if (q == NULL)
		return bank__last_code();
	bank__q_int(q, 1, id);
	bank__q_text(q, 2, a->line1 ? a->line1 : "");
	bank__q_text(q, 3, a->line2 ? a->line2 : "");
	bank__q_text(q, 4, a->city ? a->city : "");
	bank__q_text(q, 5, a->region ? a->region : "");
	bank__q_text(q, 6, a->postal_code ? a->postal_code : "");
	bank__q_text(q, 7, a->country ? a->country : "");
	return bank__q_exec(q);
}

struct add_ctx {
	const bank_customer_spec *s;
	bank_customer **out;
};

static int add_fn(bank *b, void *vctx)
{
	struct add_ctx *c = vctx;
	const bank_customer_spec *s = c->s;
	bank_time now = bank_now(b);
	bank__q *q = bank__q_get(b, "INSERT INTO customer(name, dob, occupation, income, income_currency, email, phone,"
				    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?8)");
	if (q == NULL)
		return bank__last_code();
	bank__q_text(q, 1, s->name);
	bank__q_text(q, 2, s->dob ? s->dob : "");
	bank__q_text(q, 3, s->occupation ? s->occupation : "");
	if (s->income >= 0)
		bank__q_int(q, 4, s->income);
	else
		bank__q_null(q, 4);
	bank__q_text(q, 5, s->income_currency ? s->income_currency : "USD");
	bank__q_text(q, 6, s->email ? s->email : "");
	bank__q_text(q, 7, s->phone ? s->phone : "");
	bank__q_int(q, 8, now);
	int rc = bank__q_exec(q);
	if (rc != BANK_OK)
		return rc;
	bank__q *last = bank__q_get(b, "SELECT last_insert_rowid()");
	if (last == NULL)
		return bank__last_code();
	if ((rc = bank__q_step(last)) < 0)
		return rc;
	int64_t id = bank__q_col_int(last, 0);
	bank__q_reset(last);
	if (s->address && (rc = address_store(b, id, s->address)) != BANK_OK)
		return rc;
	bank__buf d;
	bank__json_begin(&d);
	bank__json_int(&d, "id", id);
	bank__json_str(&d, "name", s->name);
	if (s->address)
		address_json(&d, s->address);
	bank__json_end(&d);
	char object[64];
	snprintf(object, sizeof object, "customer:%lld", (long long)id);
	rc = d.failed ? bank__oom() : bank__audit(b, now, "customer.add", object, d.data);
	bank__buf_free(&d);
	if (rc == BANK_OK && c->out)
		rc = customer_fetch(c->out, b, id);
	return rc;
}

int bank_customer_add(bank_customer **out, bank *b, const bank_customer_spec *s)
{
	if (out)
		*out = NULL;
	if (b == NULL || s == NULL)
		return bank__err(BANK_EMISUSE, "bank_customer_add: NULL argument");
	int rc;
	if (s->version != BANK_CUSTOMER_SPEC_VERSION)
		return bank__err(BANK_EINVAL, "unknown bank_customer_spec version %u", s->version);
	if ((rc = bank__check_text("customer name", s->name, 200, true)) != BANK_OK ||
	    (rc = check_dob(b, s->dob)) != BANK_OK ||
	    (rc = bank__check_text("occupation", s->occupation, 100, false)) != BANK_OK ||
	    (rc = check_currency(s->income_currency ? s->income_currency : "USD")) != BANK_OK ||
	    (rc = check_email(s->email)) != BANK_OK || (rc = check_phone(s->phone)) != BANK_OK ||
	    (s->address && (rc = check_address(s->address)) != BANK_OK))
		return rc;
	if (s->income < -1)
		return bank__err(BANK_EINVAL, "income is negative");
	if ((rc = bank__authorize(b, "customer.add", NULL)) != BANK_OK)
		return rc;
	struct add_ctx c = {s, out};
	int wrc = bank__write(b, add_fn, &c);
	if (wrc != BANK_OK && out != NULL) {
		/* The record was read inside the transaction that did not commit. */
		bank_customer_free(*out);
		*out = NULL;
	}
	return wrc;
}

int bank_customer_get(bank_customer **out, bank *b, int64_t id)
{
	if (out == NULL || b == NULL)
		return bank__err(BANK_EMISUSE, "bank_customer_get: NULL argument");
	*out = NULL;
	char object[64];
	snprintf(object, sizeof object, "customer:%lld", (long long)id);
	int rc = bank__authorize(b, "customer.read", object);
	if (rc != BANK_OK)
		return rc;
	return customer_fetch(out, b, id);
}

/* ---- Edits ---- */

enum field_kind { F_TEXT, F_DOB, F_INCOME, F_CURRENCY, F_EMAIL, F_PHONE, F_ADDR, F_COUNTRY };

static const struct field {
	const char *name;
	enum field_kind kind;
	size_t max;
	bool required;
	const char *sql; /* ?1 value, ?2 now, ?3 customer id */
} fields[] = {
	{"name", F_TEXT, 200, true, "UPDATE customer SET name = ?1, updated_at = ?2 WHERE id = ?3"},
	{"dob", F_DOB, 10, false, "UPDATE customer SET dob = ?1, updated_at = ?2 WHERE id = ?3"},
	{"occupation", F_TEXT, 100, false, "UPDATE customer SET occupation = ?1, updated_at = ?2 WHERE id = ?3"},
	{"income", F_INCOME, 0, false, "UPDATE customer SET income = ?1, updated_at = ?2 WHERE id = ?3"},
	{"income_currency", F_CURRENCY, 3, true,
	 "UPDATE customer SET income_currency = ?1, updated_at = ?2 WHERE id = ?3"},
	{"email", F_EMAIL, 254, false, "UPDATE customer SET email = ?1, updated_at = ?2 WHERE id = ?3"},
	{"phone", F_PHONE, 32, false, "UPDATE customer SET phone = ?1, updated_at = ?2 WHERE id = ?3"},
	{"address_line1", F_ADDR, 200, false, "UPDATE address SET line1 = ?1 WHERE customer_id = ?3"},
	{"address_line2", F_ADDR, 200, false, "UPDATE address SET line2 = ?1 WHERE customer_id = ?3"},
	{"city", F_ADDR, 100, false, "UPDATE address SET city = ?1 WHERE customer_id = ?3"},
	{"region", F_ADDR, 100, false, "UPDATE address SET region = ?1 WHERE customer_id = ?3"},
	{"postal_code", F_ADDR, 20, false, "UPDATE address SET postal_code = ?1 WHERE customer_id = ?3"},
	{"country", F_COUNTRY, 2, false, "UPDATE address SET country = ?1 WHERE customer_id = ?3"},
};

struct edit_ctx {
	int64_t id;
	const struct field *f;
	const char *value;
};

/* Old value of the field as text, in a caller buffer. */
static int field_old(const bank_customer *c, const struct field *f, char *buf, size_t size)
{
	const char *v = "";
	if (strcmp(f->name, "income") == 0) {
		if (c->income < 0) {
			buf[0] = '\0';
			return BANK_OK;
		}
		return bank_amount_format(buf, size, c->income, c->income_currency);
	}
	if (strcmp(f->name, "name") == 0)
		v = c->name;
	else if (strcmp(f->name, "dob") == 0)
		v = c->dob;
	else if (strcmp(f->name, "occupation") == 0)
		v = c->occupation;
	else if (strcmp(f->name, "income_currency") == 0)
		v = c->income_currency;
	else if (strcmp(f->name, "email") == 0)
		v = c->email;
	else if (strcmp(f->name, "phone") == 0)
		v = c->phone;
	else if (strcmp(f->name, "address_line1") == 0)
		v = c->address.line1;
	else if (strcmp(f->name, "address_line2") == 0)
		v = c->address.line2;
	else if (strcmp(f->name, "city") == 0)
		v = c->address.city;
	else if (strcmp(f->name, "region") == 0)
		v = c->address.region;
	else if (strcmp(f->name, "postal_code") == 0)
		v = c->address.postal_code;
	else if (strcmp(f->name, "country") == 0)
		v = c->address.country;
	snprintf(buf, size, "%s", v);
	return BANK_OK;
}

static int edit_fn(bank *b, void *vctx)
{
	struct edit_ctx *e = vctx;
	const struct field *f = e->f;
	bank_customer *c = NULL;
	int rc = customer_fetch(&c, b, e->id);
	if (rc != BANK_OK)
		return rc;
	char old[512];
	int64_t income = -1;
	rc = field_old(c, f, old, sizeof old);
	if (rc == BANK_OK && f->kind == F_INCOME && e->value[0] != '\0')
		rc = bank_amount_parse(&income, e->value, c->income_currency);
	bool had_address = c->has_address != 0;
	bank_customer_free(c);
	if (rc != BANK_OK)
		return rc;

	bank_time now = bank_now(b);
	bool address = f->kind == F_ADDR || f->kind == F_COUNTRY;
	if (address && !had_address) {
		bank_address empty = {0};
		if ((rc = address_store(b, e->id, &empty)) != BANK_OK)
			return rc;
	}
	bank__q *q = bank__q_get(b, f->sql);
	if (q == NULL)
		return bank__last_code();
	if (f->kind == F_INCOME && income < 0)
		bank__q_null(q, 1);
	else if (f->kind == F_INCOME)
		bank__q_int(q, 1, income);
	else
		bank__q_text(q, 1, e->value);
	bank__q_int(q, 2, now);
	bank__q_int(q, 3, e->id);
	if ((rc = bank__q_exec(q)) != BANK_OK)
		return rc;
	if (address) {
		bank__q *u = bank__q_get(b, "UPDATE customer SET updated_at = ? WHERE id = ?");
		if (u == NULL)
			return bank__last_code();
		bank__q_int(u, 1, now);
		bank__q_int(u, 2, e->id);
		if ((rc = bank__q_exec(u)) != BANK_OK)
			return rc;
	}
	bank__buf d;
	bank__json_begin(&d);
	bank__json_str(&d, "field", f->name);
	bank__json_str(&d, "old", old);
	bank__json_str(&d, "new", e->value);
	bank__json_end(&d);
	char object[64];
	snprintf(object, sizeof object, "customer:%lld", (long long)e->id);
	rc = d.failed ? bank__oom() : bank__audit(b, now, "customer.edit", object, d.data);
	bank__buf_free(&d);
	return rc;
}

int bank_customer_edit(bank *b, int64_t id, const char *field, const char *value)
{
	if (b == NULL)
		return bank__err(BANK_EMISUSE, "bank handle is NULL");
	const struct field *f = NULL;
	for (size_t i = 0; field && i < sizeof fields / sizeof fields[0]; i++)
		if (strcmp(fields[i].name, field) == 0)
			f = &fields[i];
	if (f == NULL)
		return bank__err(BANK_EINVAL, "unknown customer field \"%.40s\"", field ? field : "");
	if (value == NULL)
		value = "";
	int rc = BANK_OK;
	switch (f->kind) {
	case F_TEXT:
	case F_ADDR: rc = bank__check_text(f->name, value, f->max, f->required); break;
	case F_DOB: rc = check_dob(b, value); break;
	case F_INCOME: break; /* parsed in the customer's income currency */
	case F_CURRENCY: rc = check_currency(value); break;
	case F_EMAIL: rc = check_email(value); break;
	case F_PHONE: rc = check_phone(value); break;
	case F_COUNTRY: rc = check_country(value); break;
	}
	if (rc != BANK_OK)
		return rc;
	char object[64];
	snprintf(object, sizeof object, "customer:%lld", (long long)id);
	if ((rc = bank__authorize(b, "customer.edit", object)) != BANK_OK)
		return rc;
	struct edit_ctx c = {id, f, value};
	return bank__write(b, edit_fn, &c);
}

struct addr_ctx {
	int64_t id;
	const bank_address *a;
};

static int set_address_fn(bank *b, void *vctx)
{
	struct addr_ctx *c = vctx;
	bank_time now = bank_now(b);
	int rc = customer_exists(b, c->id);
	if (rc != BANK_OK || (rc = address_store(b, c->id, c->a)) != BANK_OK)
		return rc;
	bank__q *u = bank__q_get(b, "UPDATE customer SET updated_at = ? WHERE id = ?");
	if (u == NULL)
		return bank__last_code();
	bank__q_int(u, 1, now);
	bank__q_int(u, 2, c->id);
	if ((rc = bank__q_exec(u)) != BANK_OK)
		return rc;
	bank__buf d;
	bank__json_begin(&d);
	address_json(&d, c->a);
	bank__json_end(&d);
	char object[64];
	snprintf(object, sizeof object, "customer:%lld", (long long)c->id);
	rc = d.failed ? bank__oom() : bank__audit(b, now, "customer.address", object, d.data);
	bank__buf_free(&d);
	return rc;
}

int bank_customer_set_address(bank *b, int64_t id, const bank_address *address)
{
	if (b == NULL || address == NULL)
		return bank__err(BANK_EMISUSE, "bank_customer_set_address: NULL argument");
	int rc = check_address(address);
	char object[64];
	snprintf(object, sizeof object, "customer:%lld", (long long)id);
	if (rc != BANK_OK || (rc = bank__authorize(b, "customer.edit", object)) != BANK_OK)
		return rc;
	struct addr_ctx c = {id, address};
	return bank__write(b, set_address_fn, &c);
}

int bank_customer_list_get(bank_customer_list **out, bank *b)
{
	if (out == NULL || b == NULL)
		return bank__err(BANK_EMISUSE, "bank_customer_list_get: NULL argument");
	*out = NULL;
	int rc = bank__authorize(b, "customer.read", NULL);
	if (rc != BANK_OK)
		return rc;
	bank_customer_list *list = calloc(1, sizeof *list);
	if (list == NULL)
		return bank__oom();
	bank__q *q = bank__q_get(b, CUSTOMER_SELECT " ORDER BY c.id");
	if (q == NULL) {
		free(list);
		return bank__last_code();
	}
	rc = bank__collect(q, &list->items, sizeof *list->items, &list->count, customer_row);
	if (rc < 0) {
		bank_customer_list_free(list);
		return rc;
	}
	*out = list;
	return BANK_OK;
}
