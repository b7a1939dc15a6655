/*
 * branch.i: branches (include/bank/branch.h). A branch is a dict {id, code, name,
 * address, created_at}; a list of branches a list of those.
 */

%{
static PyObject *bank_py_branch(const void *rec)
{
	const bank_branch *br = rec;
	PyObject *d = PyDict_New();
	if (d == NULL)
		return NULL;
	BPY_I64(d, br, id);
	BPY_STR(d, br, code);
	BPY_STR(d, br, name);
	BPY_STR(d, br, address);
	BPY_I64(d, br, created_at);
	return d;
fail:
	Py_DECREF(d);
	return NULL;
}

static PyObject *bank_py_branch_list(const bank_branch_list *l)
{
	return bank_py_list(l->items, l->count, 0, 1, bank_py_branch);
}
%}

BANK_OUT_OBJECT(bank_branch, bank_py_branch, bank_branch_free)
BANK_OUT_OBJECT(bank_branch_list, bank_py_branch_list, bank_branch_list_free)

%ignore bank_branch;
%ignore bank_branch_list;

%include "bank/branch.h"
