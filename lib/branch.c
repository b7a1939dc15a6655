/*
 * branch.c: branches. Owns the branch table. A branch's internal ledger accounts live
 * in account.c (created on first use per currency).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void bank_branch_free(bank_branch *br)
{
	if (br == NULL)
		return;
	free((char *)br->code);
	free((char *)br->name);
	free((char *)br->address);
	free(br);
}

void bank_branch_list_free(bank_branch_list *list)
{
	if (list == NULL)
		return;
	for (size_t i = 0; i < list->count; i++)
		bank_branch_free(list->items[i]);
	free(list->items);
	free(list);
}

#define BRANCH_COLS "id, code, name, address, created_at"

static int branch_from_row(bank_branch **out, bank__q *q)
{
	bank_branch *br = calloc(1, sizeof *br);
	if (br == NULL)
		return bank__oom();
	br->id = bank__q_col_int(q, 0);
	br->code = bank__strdup(bank__q_col_text(q, 1));
	br->name = bank__strdup(bank__q_col_text(q, 2));
	br->address = bank__strdup(bank__q_col_text(q, 3));
	br->created_at = bank__q_col_int(q, 4);
	if (!br->code || !br->name || !br->address) {
		bank_branch_free(br);
		return bank__oom();
	}
	*out = br;
	return BANK_OK;
}

/* bank__collect's row callback: slot is a bank_branch ** in the list's array. */
static int branch_row(void *slot, bank__q *q)
{
	return branch_from_row(slot, q);
}

static int branch_fetch(bank_branch **out, bank *b, const char *code)
{
	bank__q *q = bank__q_get(b, "SELECT " BRANCH_COLS " FROM branch WHERE code = ?");
	if (q == NULL)
		return bank__last_code();
	bank__q_text(q, 1, code);
	int rc = bank__q_step(q);
	if (rc == 1)
		rc = branch_from_row(out, q);
	else if (rc == 0)
		rc = bank__err(BANK_ENOTFOUND, "no branch with code \"%s\"", code);
	bank__q_reset(q);
	return rc;
}

struct add_ctx {
	const char *code, *name, *address;
	bank_branch **out;
};

static int add_fn(bank *b, void *vctx)
{
	struct add_ctx *c = vctx;
	bank_time now = bank_now(b);
	bank__q *q = bank__q_get(b, "INSERT INTO branch(code, name, address, created_at) VALUES (?, ?, ?, ?)");
	if (q == NULL)
		return bank__last_code();
	bank__q_text(q, 1, c->code);
	bank__q_text(q, 2, c->name);
	bank__q_text(q, 3, c->address ? c->address : "");
	bank__q_int(q, 4, now);
	int rc = bank__q_exec(q);
	if (rc == BANK_EEXISTS)
		return bank__err(BANK_EEXISTS, "a branch with code \"%s\" already exists", c->code);
	if (rc != BANK_OK)
		return rc;
	bank__buf d;
	bank__json_begin(&d);
	bank__json_str(&d, "code", c->code);
	bank__json_str(&d, "name", c->name);
	bank__json_str(&d, "address", c->address ? c->address : "");
	bank__json_end(&d);
	char object[64];
	snprintf(object, sizeof object, "branch:%s", c->code);
	rc = d.failed ? bank__oom() : bank__audit(b, now, "branch.add", object, d.data);
	bank__buf_free(&d);
	if (rc == BANK_OK && c->out)
		rc = branch_fetch(c->out, b, c->code);
	return rc;
}

int bank_branch_add(bank_branch **out, bank *b, const char *code, const char *name, const char *address)
{
	if (out)
		*out = NULL;
	if (b == NULL)
		return bank__err(BANK_EMISUSE, "bank handle is NULL");
	int rc;
	if ((rc = bank__check_code("branch", code)) != BANK_OK ||
	    (rc = bank__check_text("branch name", name, 200, true)) != BANK_OK ||
	    (rc = bank__check_text("branch address", address, 500, false)) != BANK_OK ||
	    (rc = bank__authorize(b, "branch.add", NULL)) != BANK_OK)
		return rc;
	struct add_ctx c = {code, name, address, out};
	int wrc = bank__write(b, add_fn, &c);
	if (wrc != BANK_OK && out != NULL) {
		/* The record was read inside the transaction that did not commit. */
		bank_branch_free(*out);
		*out = NULL;
	}
	return wrc;
}

int bank_branch_get(bank_branch **out, bank *b, const char *code)
{
	if (out == NULL || b == NULL)
		return bank__err(BANK_EMISUSE, "bank_branch_get: NULL argument");
	*out = NULL;
	int rc;
	if ((rc = bank__check_code("branch", code)) != BANK_OK ||
	    (rc = bank__authorize(b, "branch.read", NULL)) != BANK_OK)
		return rc;
	return branch_fetch(out, b, code);
}

struct edit_ctx {
	const char *code, *field, *value;
};

static int edit_fn(bank *b, void *vctx)
{
	struct edit_ctx *c = vctx;
	bank_branch *br = NULL;
	int rc = branch_fetch(&br, b, c->code);
	if (rc != BANK_OK)
		return rc;
	const char *old = strcmp(c->field, "name") == 0 ? br->name : br->address;
	bank__buf d;
	bank__json_begin(&d);
	bank__json_str(&d, "field", c->field);
	bank__json_str(&d, "old", old);
	bank__json_str(&d, "new", c->value);
	bank__json_end(&d);
	bank_branch_free(br);
	if (d.failed) {
		bank__buf_free(&d);
		return bank__oom();
	}
	bank__q *q = strcmp(c->field, "name") == 0 ? bank__q_get(b, "UPDATE branch SET name = ? WHERE code = ?")
						   : bank__q_get(b, "UPDATE branch SET address = ? WHERE code = ?");
	if (q == NULL) {
		bank__buf_free(&d);
		return bank__last_code();
	}
	bank__q_text(q, 1, c->value);
	bank__q_text(q, 2, c->code);
	rc = bank__q_exec(q);
	char object[64];
	snprintf(object, sizeof object, "branch:%s", c->code);
	if (rc == BANK_OK)
		rc = bank__audit(b, bank_now(b), "branch.edit", object, d.data);
	bank__buf_free(&d);
	return rc;
}

int bank_branch_edit(bank *b, const char *code, const char *field, const char *value)
{
	if (b == NULL)
		return bank__err(BANK_EMISUSE, "bank handle is NULL");
	int rc;
	if ((rc = bank__check_code("branch", code)) != BANK_OK)
		return rc;
	if (field == NULL || (strcmp(field, "name") != 0 && strcmp(field, "address") != 0))
		return bank__err(BANK_EINVAL, "unknown branch field \"%.40s\": use name or address",
				 field ? field : "");
	if ((rc = bank__check_text(field, value, strcmp(field, "name") == 0 ? 200 : 500, strcmp(field, "name") == 0)) !=
		    BANK_OK ||
	    (rc = bank__authorize(b, "branch.edit", NULL)) != BANK_OK)
		return rc;
	struct edit_ctx c = {code, field, value ? value : ""};
	return bank__write(b, edit_fn, &c);
}

int bank_branch_list_get(bank_branch_list **out, bank *b)
{
	if (out == NULL || b == NULL)
		return bank__err(BANK_EMISUSE, "bank_branch_list_get: NULL argument");
	*out = NULL;
	int rc = bank__authorize(b, "branch.read", NULL);
	if (rc != BANK_OK)
		return rc;
	bank_branch_list *list = calloc(1, sizeof *list);
	if (list == NULL)
		return bank__oom();
	bank__q *q = bank__q_get(b, "SELECT " BRANCH_COLS " FROM branch ORDER BY code");
	if (q == NULL) {
		free(list);
		return bank__last_code();
	}
	rc = bank__collect(q, &list->items, sizeof *list->items, &list->count, branch_row);
	if (rc < 0) {
		bank_branch_list_free(list);
		return rc;
	}
	*out = list;
	return BANK_OK;
}
