/*
 * test_customer.c: customers and their address (include/bank/customer.h).
 */
#include <stdio.h>
#include <string.h>

#include "fixture.h"

static bank_customer *get(bank *b, int64_t id)
{
	bank_customer *c = NULL;
	FX_OK(bank_customer_get(&c, b, id));
	assert_non_null(c);
	return c;
}

static int64_t add_named(bank *b, const char *name)
{
	bank_customer_spec s = BANK_CUSTOMER_SPEC_INIT;
	s.name = name;
	bank_customer *c = NULL;
	FX_OK(bank_customer_add(&c, b, &s));
	int64_t id = c->id;
	bank_customer_free(c);
	return id;
}

/* The refusal's message names the field (by its spec name or in words). */
static void names_field(const char *field, const char *words)
{
	const char *m = bank_error_last()->message;
	if (strstr(m, field) == NULL && strstr(m, words) == NULL) {
		print_error("the message \"%s\" does not name the field %s\n", m, field);
		fail();
	}
}

static void test_customer_add__minimal(void **state)
{
	fx *f = *state;
	bank_customer_spec s = BANK_CUSTOMER_SPEC_INIT;
	s.name = "Bob Minimal";
	bank_customer *c = NULL;
	FX_OK(bank_customer_add(&c, f->b, &s));
	assert_non_null(c);
	assert_true(c->id > 0);
	assert_true(c->id != f->customer);
	assert_string_equal(c->name, "Bob Minimal");
	assert_string_equal(c->dob, "");
	assert_string_equal(c->occupation, "");
	FX_EQ(c->income, -1);
	assert_string_equal(c->income_currency, "USD");
	assert_string_equal(c->email, "");
	assert_string_equal(c->phone, "");
	assert_int_equal(c->has_address, 0);
	assert_non_null(c->address.line1);
	assert_string_equal(c->address.line1, "");
	assert_string_equal(c->address.line2, "");
	assert_string_equal(c->address.city, "");
	assert_string_equal(c->address.region, "");
	assert_string_equal(c->address.postal_code, "");
	assert_string_equal(c->address.country, "");
	FX_EQ(c->created_at, fx_now);
	FX_EQ(c->updated_at, fx_now);
	int64_t id = c->id;
	bank_customer_free(c);
	bank_customer_free(NULL);

	c = get(f->b, id);
	assert_string_equal(c->name, "Bob Minimal");
	FX_EQ(c->income, -1);
	assert_int_equal(c->has_address, 0);
	bank_customer_free(c);
}

static void test_customer_add__with_address(void **state)
{
	fx *f = *state;
	int64_t mark = fx_audit_last_seq(f->b);
	bank_address a = {"10 Downing Street", "Flat 2", "London", "Greater London", "SW1A 2AA", "GB"};
	bank_customer_spec s = BANK_CUSTOMER_SPEC_INIT;
	s.name = "Carol Full";
	s.dob = "1980-07-15";
	s.occupation = "Engineer";
	s.income = 6500000;
	s.income_currency = "GBP";
	s.email = "carol@example.co.uk";
	s.phone = "+44 (20) 7946-0958";
	s.address = &a;
	bank_customer *c = NULL;
	FX_OK(bank_customer_add(&c, f->b, &s));
	int64_t id = c->id;
	bank_customer_free(c);

	c = get(f->b, id);
	assert_string_equal(c->name, "Carol Full");
	assert_string_equal(c->dob, "1980-07-15");
	assert_string_equal(c->occupation, "Engineer");
	FX_EQ(c->income, 6500000);
	assert_string_equal(c->income_currency, "GBP");
	assert_string_equal(c->email, "carol@example.co.uk");
	assert_string_equal(c->phone, "+44 (20) 7946-0958");
	assert_int_equal(c->has_address, 1);
	assert_string_equal(c->address.line1, "10 Downing Street");
	assert_string_equal(c->address.line2, "Flat 2");
	assert_string_equal(c->address.city, "London");
	assert_string_equal(c->address.region, "Greater London");
	assert_string_equal(c->address.postal_code, "SW1A 2AA");
	assert_string_equal(c->address.country, "GB");
	bank_customer_free(c);

	assert_true(fx_audit_find(f->b, mark, "customer", "Carol Full", NULL) > 0);
}

static void test_customer_add__partial_address(void **state)
{
	fx *f = *state;
	bank_address a = {NULL, NULL, "Paris", NULL, NULL, "FR"};
	bank_customer_spec s = BANK_CUSTOMER_SPEC_INIT;
	s.name = "Dominique";
	s.address = &a;
	bank_customer *c = NULL;
	FX_OK(bank_customer_add(&c, f->b, &s));
	assert_int_equal(c->has_address, 1);
	assert_string_equal(c->address.line1, "");
	assert_string_equal(c->address.city, "Paris");
	assert_string_equal(c->address.country, "FR");
	bank_customer_free(c);
}

static void test_customer_add__sql_metacharacters(void **state)
{
	fx *f = *state;
	static const char *const names[] = {
		"Robert'); DROP TABLE customer;--",   "O'Connor \"Junior\"", "%s%s%n%x", "Zoë Ñúñez 李小龍",
		"back\\slash; SELECT * FROM account",
	};
	int64_t ids[5];
	for (size_t i = 0; i < 5; i++)
		ids[i] = add_named(f->b, names[i]);
	for (size_t i = 0; i < 5; i++) {
		bank_customer *c = get(f->b, ids[i]);
		assert_string_equal(c->name, names[i]);
		bank_customer_free(c);
	}
	/* the table is still there, with everyone in it */
	bank_customer_list *l = NULL;
	FX_OK(bank_customer_list_get(&l, f->b));
	assert_int_equal(l->count, 6);
	assert_string_equal(l->items[1]->name, names[0]);
	bank_customer_list_free(l);
	FX_EQ(fx_count(f->b, "SELECT count(*) FROM sqlite_schema WHERE name = 'customer'"), 1);

	/* edits take metacharacters verbatim too */
	FX_OK(bank_customer_edit(f->b, ids[0], "occupation", "'; UPDATE account SET balance = 1e9;--"));
	bank_customer *c = get(f->b, ids[0]);
	assert_string_equal(c->occupation, "'; UPDATE account SET balance = 1e9;--");
	bank_customer_free(c);
	FX_EQ(fx_balance(f->b, f->a1), FX_A1_FUNDS);
}

static void test_customer_add__refusals(void **state)
{
	fx *f = *state;
	bank_customer_spec s;
#define SPEC(field, value)                                       \
	do {                                                     \
		s = (bank_customer_spec)BANK_CUSTOMER_SPEC_INIT; \
		s.name = "Eve";                                  \
		s.field = value;                                 \
	} while (0)

	SPEC(name, NULL);
	FX_REFUSE(f->b, BANK_EINVAL, bank_customer_add(NULL, f->b, &s));
	SPEC(name, "");
	FX_REFUSE(f->b, BANK_EINVAL, bank_customer_add(NULL, f->b, &s));
	char longname[202];
	memset(longname, 'x', 201);
	longname[201] = '\0';
	SPEC(name, longname);
	FX_REFUSE(f->b, BANK_EINVAL, bank_customer_add(NULL, f->b, &s));

	static const char *const bad_dob[] = {"2023-02-29", "1980-13-01", "15/07/1980",
					      "1980-7-15",  "2026-03-03", "9999-12-31"};
	for (size_t i = 0; i < sizeof bad_dob / sizeof bad_dob[0]; i++) {
		SPEC(dob, bad_dob[i]);
		FX_REFUSE(f->b, BANK_EINVAL, bank_customer_add(NULL, f->b, &s));
		names_field("dob", "date of birth");
	}

	SPEC(income, -2);
	FX_REFUSE(f->b, BANK_EINVAL, bank_customer_add(NULL, f->b, &s));
	names_field("income", "income");
	SPEC(income_currency, "ZZZ");
	FX_REFUSE(f->b, BANK_EINVAL, bank_customer_add(NULL, f->b, &s));
	names_field("income_currency", "currency");

	static const char *const bad_email[] = {"no-at-sign", "@example.com", "eve@", "a@b@c", "@"};
	for (size_t i = 0; i < sizeof bad_email / sizeof bad_email[0]; i++) {
		SPEC(email, bad_email[i]);
		FX_REFUSE(f->b, BANK_EINVAL, bank_customer_add(NULL, f->b, &s));
		names_field("email", "e-mail");
	}
	static const char *const bad_phone[] = {"12a34", "555-CALL-NOW", "+1 555 0100 ext. 2", "#123", "1/2"};
	for (size_t i = 0; i < sizeof bad_phone / sizeof bad_phone[0]; i++) {
		SPEC(phone, bad_phone[i]);
		FX_REFUSE(f->b, BANK_EINVAL, bank_customer_add(NULL, f->b, &s));
		names_field("phone", "phone");
	}
#undef SPEC
}

static void test_customer_add__dob_today_ok(void **state)
{
	fx *f = *state;
	/* the fixture clock is on 2026-03-02: born today is not in the future */
	bank_customer_spec s = BANK_CUSTOMER_SPEC_INIT;
	s.name = "Newborn";
	s.dob = "2026-03-02";
	FX_OK(bank_customer_add(NULL, f->b, &s));
	s.dob = "1900-01-01";
	FX_OK(bank_customer_add(NULL, f->b, &s));
	s.dob = "2024-02-29";
	s.income = 0;
	s.email = "a@b";
	s.phone = "+1 (555) 010-0199";
	FX_OK(bank_customer_add(NULL, f->b, &s));
}

static void test_customer_get__unknown(void **state)
{
	fx *f = *state;
	bank_customer *c = NULL;
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_customer_get(&c, f->b, 999999));
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_customer_get(&c, f->b, 0));
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_customer_get(&c, f->b, -1));
	assert_null(c);
}

static void test_customer_edit__fields_audited(void **state)
{
	fx *f = *state;
	bank_customer *c = get(f->b, f->customer);
	bank_time created = c->created_at;
	bank_customer_free(c);

	static const struct {
		const char *field, *value, *old;
	} edits[] = {
		{"name", "Alice Renamed", "Alice Example"},
		{"dob", "1990-01-31", ""},
		{"occupation", "Pilot", ""},
		{"email", "alice@new.example", "alice@example.com"},
		{"phone", "+1 555 0100", ""},
		{"income_currency", "EUR", "USD"},
	};
	for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
		int64_t mark = fx_audit_last_seq(f->b);
		fx_advance(1);
		FX_OK(bank_customer_edit(f->b, f->customer, edits[i].field, edits[i].value));
		int64_t seq = fx_audit_find(f->b, mark, "customer", edits[i].value, NULL);
		if (seq == 0) {
			print_error("no audit record of the edit of %s to %s\n", edits[i].field, edits[i].value);
			fail();
		}
		if (edits[i].old[0] != '\0' && fx_audit_find(f->b, mark, "customer", edits[i].old, NULL) != seq) {
			print_error("the audit record of %s does not hold the old value %s\n", edits[i].field,
				    edits[i].old);
			fail();
		}
	}
	FX_OK(bank_customer_edit(f->b, f->customer, "income", "1234.56"));

	c = get(f->b, f->customer);
	assert_string_equal(c->name, "Alice Renamed");
	assert_string_equal(c->dob, "1990-01-31");
	assert_string_equal(c->occupation, "Pilot");
	assert_string_equal(c->email, "alice@new.example");
	assert_string_equal(c->phone, "+1 555 0100");
	assert_string_equal(c->income_currency, "EUR");
	FX_EQ(c->income, 123456);
	FX_EQ(c->created_at, created);
	FX_EQ(c->updated_at, fx_now);
	bank_customer_free(c);
}

static void test_customer_edit__clear_optional(void **state)
{
	fx *f = *state;
	FX_OK(bank_customer_edit(f->b, f->customer, "occupation", "Pilot"));
	FX_OK(bank_customer_edit(f->b, f->customer, "income", "100"));
	FX_OK(bank_customer_edit(f->b, f->customer, "occupation", ""));
	FX_OK(bank_customer_edit(f->b, f->customer, "email", ""));
	FX_OK(bank_customer_edit(f->b, f->customer, "income", ""));
	FX_OK(bank_customer_edit(f->b, f->customer, "dob", ""));
	bank_customer *c = get(f->b, f->customer);
	assert_string_equal(c->occupation, "");
	assert_string_equal(c->email, "");
	assert_string_equal(c->dob, "");
	FX_EQ(c->income, -1);
	assert_string_equal(c->name, "Alice Example");
	bank_customer_free(c);
}

static void test_customer_edit__income_in_its_currency(void **state)
{
	fx *f = *state;
	FX_OK(bank_customer_edit(f->b, f->customer, "income_currency", "JPY"));
	FX_OK(bank_customer_edit(f->b, f->customer, "income", "5000000"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_customer_edit(f->b, f->customer, "income", "10.5"));
	bank_customer *c = get(f->b, f->customer);
	FX_EQ(c->income, 5000000);
	bank_customer_free(c);
}

static void test_customer_edit__refusals(void **state)
{
	fx *f = *state;
	int64_t id = f->customer;
	FX_REFUSE(f->b, BANK_EINVAL, bank_customer_edit(f->b, id, "name", ""));
	FX_REFUSE(f->b, BANK_EINVAL, bank_customer_edit(f->b, id, "id", "7"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_customer_edit(f->b, id, "created_at", "0"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_customer_edit(f->b, id, "nickname", "Al"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_customer_edit(f->b, id, "dob", "2030-01-01"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_customer_edit(f->b, id, "dob", "1990-02-30"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_customer_edit(f->b, id, "email", "not-an-email"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_customer_edit(f->b, id, "phone", "call me"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_customer_edit(f->b, id, "income", "-5"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_customer_edit(f->b, id, "income", "abc"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_customer_edit(f->b, id, "income_currency", "QQQ"));
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_customer_edit(f->b, 999999, "name", "Ghost"));
}

static void test_customer_address__via_edit(void **state)
{
	fx *f = *state;
	bank_customer *c = get(f->b, f->customer);
	assert_int_equal(c->has_address, 0);
	bank_customer_free(c);

	int64_t mark = fx_audit_last_seq(f->b);
	fx_advance(3);
	FX_OK(bank_customer_edit(f->b, f->customer, "city", "Berlin"));
	assert_true(fx_audit_find(f->b, mark, "customer", "Berlin", NULL) > 0);
	c = get(f->b, f->customer);
	assert_int_equal(c->has_address, 1);
	assert_string_equal(c->address.city, "Berlin");
	assert_string_equal(c->address.line1, "");
	FX_EQ(c->updated_at, fx_now);
	bank_customer_free(c);

	FX_OK(bank_customer_edit(f->b, f->customer, "address_line1", "Unter den Linden 1"));
	FX_OK(bank_customer_edit(f->b, f->customer, "address_line2", "3. OG"));
	FX_OK(bank_customer_edit(f->b, f->customer, "region", "Berlin"));
	FX_OK(bank_customer_edit(f->b, f->customer, "postal_code", "10117"));
	FX_OK(bank_customer_edit(f->b, f->customer, "country", "DE"));
	c = get(f->b, f->customer);
	assert_string_equal(c->address.line1, "Unter den Linden 1");
	assert_string_equal(c->address.line2, "3. OG");
	assert_string_equal(c->address.region, "Berlin");
	assert_string_equal(c->address.postal_code, "10117");
	assert_string_equal(c->address.country, "DE");
	bank_customer_free(c);
}

static void test_customer_address__set_later(void **state)
{
	fx *f = *state;
	int64_t mark = fx_audit_last_seq(f->b);
	bank_address a = {"1 Rue de Rivoli", NULL, "Paris", NULL, "75001", "FR"};
	fx_advance(10);
	FX_OK(bank_customer_set_address(f->b, f->customer, &a));
	int64_t s1 = fx_audit_find(f->b, mark, "customer", "Rue de Rivoli", NULL);
	assert_true(s1 > 0);
	bank_customer *c = get(f->b, f->customer);
	assert_int_equal(c->has_address, 1);
	assert_string_equal(c->address.line1, "1 Rue de Rivoli");
	assert_string_equal(c->address.line2, "");
	assert_string_equal(c->address.city, "Paris");
	assert_string_equal(c->address.postal_code, "75001");
	FX_EQ(c->updated_at, fx_now);
	bank_customer_free(c);

	/* replace */
	bank_address b2 = {"5 Via Roma", NULL, "Rome", "Lazio", "00184", "IT"};
	FX_OK(bank_customer_set_address(f->b, f->customer, &b2));
	assert_true(fx_audit_find(f->b, s1, "customer", "Via Roma", NULL) > s1);
	c = get(f->b, f->customer);
	assert_string_equal(c->address.line1, "5 Via Roma");
	assert_string_equal(c->address.city, "Rome");
	assert_string_equal(c->address.region, "Lazio");
	assert_string_equal(c->address.country, "IT");
	bank_customer_free(c);

	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_customer_set_address(f->b, 999999, &b2));
}

static void test_customer_list__ordered_by_id(void **state)
{
	fx *f = *state;
	int64_t z = add_named(f->b, "Zed");
	int64_t a = add_named(f->b, "Aaron");
	bank_customer_list *l = NULL;
	FX_OK(bank_customer_list_get(&l, f->b));
	assert_int_equal(l->count, 3);
	FX_EQ(l->items[0]->id, f->customer);
	FX_EQ(l->items[1]->id, z);
	FX_EQ(l->items[2]->id, a);
	assert_true(l->items[0]->id < l->items[1]->id && l->items[1]->id < l->items[2]->id);
	assert_string_equal(l->items[2]->name, "Aaron");
	bank_customer_list_free(l);
	bank_customer_list_free(NULL);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_customer_add__minimal),         T(test_customer_add__with_address),
		T(test_customer_add__partial_address), T(test_customer_add__sql_metacharacters),
		T(test_customer_add__refusals),        T(test_customer_add__dob_today_ok),
		T(test_customer_get__unknown),         T(test_customer_edit__fields_audited),
		T(test_customer_edit__clear_optional), T(test_customer_edit__income_in_its_currency),
		T(test_customer_edit__refusals),       T(test_customer_address__via_edit),
		T(test_customer_address__set_later),   T(test_customer_list__ordered_by_id),
	};
	return cmocka_run_group_tests_name("customer", tests, NULL, NULL);
}
