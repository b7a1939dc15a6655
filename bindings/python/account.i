/*
 * account.i: accounts (include/bank/account.h). An account is a dict with the fields of
 * bank_account, kind as its name ("customer", "cash", ...); the edit history a list of
 * dicts {seq, field, old_value, new_value, principal, at}.
 */

%{
static PyObject *bank_py_account(const void *rec)
{
	const bank_account *a = rec;
	PyObject *d = PyDict_New();
	if (d == NULL)
		return NULL;
	BPY_I64(d, a, id);
	BPY_STR(d, a, number);
	BPY_PUT(d, "kind", bank_py_str(bank_account_kind_name(a->kind)));
	BPY_I64(d, a, customer_id);
	BPY_STR(d, a, product);
	BPY_STR(d, a, branch);
	BPY_STR(d, a, name);
	BPY_STR(d, a, currency);
	BPY_STR(d, a, status);
	BPY_U64(d, a, frozen);
	BPY_I64(d, a, balance);
	BPY_I64(d, a, pending);
	BPY_I64(d, a, available);
	BPY_I64(d, a, min_balance);
	BPY_I64(d, a, overdraft);
	BPY_I64(d, a, opened_at);
	BPY_I64(d, a, last_activity_at);
	BPY_I64(d, a, closed_at);
	BPY_STR(d, a, close_reason);
	BPY_STR(d, a, closed_by);
	BPY_I64(d, a, final_balance);
	return d;
fail:
	Py_DECREF(d);
	return NULL;
}

static PyObject *bank_py_account_list(const bank_account_list *l)
{
	return bank_py_list(l->items, l->count, 0, 1, bank_py_account);
}

static PyObject *bank_py_account_edit(const void *rec)
{
	const bank_account_edit_entry *e = rec;
	PyObject *d = PyDict_New();
	if (d == NULL)
		return NULL;
	BPY_I64(d, e, seq);
	BPY_STR(d, e, field);
	BPY_STR(d, e, old_value);
	BPY_STR(d, e, new_value);
	BPY_STR(d, e, principal);
	BPY_I64(d, e, at);
	return d;
fail:
	Py_DECREF(d);
	return NULL;
}

static PyObject *bank_py_account_edits(const bank_account_edits *e)
{
	return bank_py_list(e->entries, e->count, sizeof *e->entries, 0, bank_py_account_edit);
}
%}

BANK_OUT_OBJECT(bank_account, bank_py_account, bank_account_free)
BANK_OUT_OBJECT(bank_account_list, bank_py_account_list, bank_account_list_free)
BANK_OUT_OBJECT(bank_account_edits, bank_py_account_edits, bank_account_edits_free)

%ignore bank_account;
%ignore bank_account_list;
%ignore bank_account_edit_entry;
%ignore bank_account_edits;

%include "bank/account.h"
