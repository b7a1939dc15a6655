/*
 * test_branch.c: branches (include/bank/branch.h).
 */
#include <stdio.h>
#include <string.h>

#include "fixture.h"

static void test_branch_add__fields(void **state)
{
	fx *f = *state;
	int64_t before = fx_audit_last_seq(f->b);
	bank_branch *br = NULL;
	FX_OK(bank_branch_add(&br, f->b, "NORTH-1", "North Branch", "12 High Street, York"));
	assert_non_null(br);
	assert_true(br->id > 0);
	assert_string_equal(br->code, "NORTH-1");
	assert_string_equal(br->name, "North Branch");
	assert_string_equal(br->address, "12 High Street, York");
	FX_EQ(br->created_at, fx_now);
	int64_t id = br->id;
	bank_branch_free(br);

	br = NULL;
	FX_OK(bank_branch_get(&br, f->b, "NORTH-1"));
	FX_EQ(br->id, id);
	assert_string_equal(br->code, "NORTH-1");
	assert_string_equal(br->name, "North Branch");
	assert_string_equal(br->address, "12 High Street, York");
	FX_EQ(br->created_at, fx_now);
	bank_branch_free(br);

	/* audited, in the same transaction, by the current principal */
	assert_true(fx_audit_find(f->b, before, "branch", "NORTH-1", NULL) > 0);
}

static void test_branch_add__no_address(void **state)
{
	fx *f = *state;
	FX_OK(bank_branch_add(NULL, f->b, "S", "South", NULL));
	bank_branch *br = NULL;
	FX_OK(bank_branch_get(&br, f->b, "S"));
	assert_non_null(br->address);
	assert_string_equal(br->address, "");
	bank_branch_free(br);
	bank_branch_free(NULL);
}

static void test_branch_add__code_limits(void **state)
{
	fx *f = *state;
	/* 16 characters of [A-Za-z0-9_-] is the longest code */
	FX_OK(bank_branch_add(NULL, f->b, "abcdefghij_-0123", "Long", NULL));
	FX_OK(bank_branch_add(NULL, f->b, "Z", "Short", NULL));
	char name[201];
	memset(name, 'n', 200);
	name[200] = '\0';
	FX_OK(bank_branch_add(NULL, f->b, "LONGNAME", name, NULL));
	bank_branch *br = NULL;
	FX_OK(bank_branch_get(&br, f->b, "LONGNAME"));
	assert_string_equal(br->name, name);
	bank_branch_free(br);
	/* UTF-8 names are fine */
	FX_OK(bank_branch_add(NULL, f->b, "ZURICH", "Zürich Hauptbahnhof", NULL));
}

static void test_branch_add__bad_code(void **state)
{
	fx *f = *state;
	static const char *const bad[] = {"",    "abcdefghij_-01234", "a b", "x/y", "x.y", "caf\xc3\xa9", "HQ;", "'",
					  "a\nb"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		FX_REFUSE(f->b, BANK_EINVAL, bank_branch_add(NULL, f->b, bad[i], "Name", NULL));
	FX_REFUSE(f->b, BANK_EINVAL, bank_branch_add(NULL, f->b, NULL, "Name", NULL));
}

static void test_branch_add__bad_name(void **state)
{
	fx *f = *state;
	char name[202];
	memset(name, 'n', 201);
	name[201] = '\0';
	FX_REFUSE(f->b, BANK_EINVAL, bank_branch_add(NULL, f->b, "B1", name, NULL));
	FX_REFUSE(f->b, BANK_EINVAL, bank_branch_add(NULL, f->b, "B1", "", NULL));
	FX_REFUSE(f->b, BANK_EINVAL, bank_branch_add(NULL, f->b, "B1", NULL, NULL));
}

static void test_branch_add__duplicate(void **state)
{
	fx *f = *state;
	FX_REFUSE(f->b, BANK_EEXISTS, bank_branch_add(NULL, f->b, FX_BRANCH, "Another head office", NULL));
	/* the original is untouched */
	bank_branch *br = NULL;
	FX_OK(bank_branch_get(&br, f->b, FX_BRANCH));
	assert_string_equal(br->name, "Head Office");
	bank_branch_free(br);
}

static void test_branch_get__unknown(void **state)
{
	fx *f = *state;
	bank_branch *br = NULL;
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_branch_get(&br, f->b, "NOPE"));
	assert_null(br);
	/* codes are exact: another case is another code */
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_branch_get(&br, f->b, "hq"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_branch_get(&br, f->b, ""));
	FX_REFUSE(f->b, BANK_EINVAL, bank_branch_get(&br, f->b, "no such code!"));
	assert_null(br);
}

static void test_branch_edit__name_and_address(void **state)
{
	fx *f = *state;
	int64_t before = fx_audit_last_seq(f->b);
	fx_advance(5);
	FX_OK(bank_branch_edit(f->b, FX_BRANCH, "name", "Main Office"));
	int64_t s1 = fx_audit_find(f->b, before, "branch", "Head Office", "Main Office", NULL);
	assert_true(s1 > 0);
	FX_OK(bank_branch_edit(f->b, FX_BRANCH, "address", "2 Side Street"));
	int64_t s2 = fx_audit_find(f->b, s1, "branch", "1 Main Street", "2 Side Street", NULL);
	assert_true(s2 > s1);

	bank_branch *br = NULL;
	FX_OK(bank_branch_get(&br, f->b, FX_BRANCH));
	assert_string_equal(br->name, "Main Office");
	assert_string_equal(br->address, "2 Side Street");
	assert_string_equal(br->code, FX_BRANCH);
	bank_branch_free(br);

	/* the audit records carry the edit's time */
	bank_audit_page *p = NULL;
	FX_OK(bank_audit_get(&p, f->b, s1 - 1, NULL, 1));
	assert_int_equal(p->count, 1);
	FX_EQ(p->entries[0].seq, s1);
	FX_EQ(p->entries[0].at, fx_now);
	assert_string_equal(p->entries[0].principal, bank_principal(f->b));
	bank_audit_page_free(p);

	/* the address can be cleared */
	FX_OK(bank_branch_edit(f->b, FX_BRANCH, "address", ""));
	FX_OK(bank_branch_get(&br, f->b, FX_BRANCH));
	assert_string_equal(br->address, "");
	bank_branch_free(br);
}

static void test_branch_edit__refusals(void **state)
{
	fx *f = *state;
	FX_REFUSE(f->b, BANK_EINVAL, bank_branch_edit(f->b, FX_BRANCH, "code", "HQ2"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_branch_edit(f->b, FX_BRANCH, "created_at", "0"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_branch_edit(f->b, FX_BRANCH, "", "x"));
	FX_REFUSE(f->b, BANK_EINVAL, bank_branch_edit(f->b, FX_BRANCH, "name", ""));
	char name[202];
	memset(name, 'n', 201);
	name[201] = '\0';
	FX_REFUSE(f->b, BANK_EINVAL, bank_branch_edit(f->b, FX_BRANCH, "name", name));
	FX_REFUSE(f->b, BANK_ENOTFOUND, bank_branch_edit(f->b, "NOPE", "name", "Whatever"));
}

static void test_branch_list__ordered(void **state)
{
	fx *f = *state;
	FX_OK(bank_branch_add(NULL, f->b, "ZZZ", "Last", NULL));
	FX_OK(bank_branch_add(NULL, f->b, "AAA", "First", NULL));
	FX_OK(bank_branch_add(NULL, f->b, "MID", "Middle", NULL));
	bank_branch_list *l = NULL;
	FX_OK(bank_branch_list_get(&l, f->b));
	assert_non_null(l);
	assert_int_equal(l->count, 4);
	assert_string_equal(l->items[0]->code, "AAA");
	assert_string_equal(l->items[1]->code, "HQ");
	assert_string_equal(l->items[2]->code, "MID");
	assert_string_equal(l->items[3]->code, "ZZZ");
	assert_string_equal(l->items[1]->name, "Head Office");
	bank_branch_list_free(l);
	bank_branch_list_free(NULL);
}

static void test_branch_list__empty(void **state)
{
	(void)state;
	bank *b = fx_open_bare(":memory:", 1);
	bank_branch_list *l = NULL;
	FX_OK(bank_branch_list_get(&l, b));
	assert_non_null(l);
	assert_int_equal(l->count, 0);
	bank_branch_list_free(l);
	bank_close(b);
}

static void test_branch_add__sql_metacharacters(void **state)
{
	fx *f = *state;
	const char *name = "O'Brien \"Branch\"); DROP TABLE branch;--";
	FX_OK(bank_branch_add(NULL, f->b, "OBRIEN", name, "%s%n%x"));
	bank_branch *br = NULL;
	FX_OK(bank_branch_get(&br, f->b, "OBRIEN"));
	assert_string_equal(br->name, name);
	assert_string_equal(br->address, "%s%n%x");
	bank_branch_free(br);
	bank_branch_list *l = NULL;
	FX_OK(bank_branch_list_get(&l, f->b));
	assert_int_equal(l->count, 2);
	bank_branch_list_free(l);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_branch_add__fields),
		T(test_branch_add__no_address),
		T(test_branch_add__code_limits),
		T(test_branch_add__bad_code),
		T(test_branch_add__bad_name),
		T(test_branch_add__duplicate),
		T(test_branch_add__sql_metacharacters),
		T(test_branch_get__unknown),
		T(test_branch_edit__name_and_address),
		T(test_branch_edit__refusals),
		T(test_branch_list__ordered),
		cmocka_unit_test(test_branch_list__empty),
	};
	return cmocka_run_group_tests_name("branch", tests, NULL, NULL);
}
