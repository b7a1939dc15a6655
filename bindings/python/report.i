/*
 * report.i: balances, statements, trial balance, verify, audit trail
 * (include/bank/report.h).
 *
 * bank_balance_get(b, account) returns a dict with the fields of bank_balance; a
 * statement page, a trial balance, a verify report and an audit page come back as dicts
 * with their C fields, their arrays as lists of dicts (entries, lines, totals, items).
 * bank_verify() raises Corrupt when it finds violations, with the report attached to the
 * exception as its `report` attribute.
 *
 * The statement iterator is for low-level use (the package's Statement pages with
 * bank_statement_get, one C call per page): bank_statement_iter_open(b, account, since,
 * until, page) returns the iterator as an opaque pointer that the caller frees with
 * bank_statement_iter_free(it), once, after which it must not be used;
 * bank_statement_iter_next(it) returns the next entry as a dict, or None at the end;
 * bank_statement_iter_page(it) the page it holds, as a statement dict.
 */

%{
static PyObject *bank_py_balance(const bank_balance *bal)
{
	return Py_BuildValue("{s:s,s:s,s:L,s:L,s:L}", "account", bal->account, "currency", bal->currency,
		"balance", (long long)bal->balance, "pending", (long long)bal->pending, "available",
		(long long)bal->available);
}

static PyObject *bank_py_statement_entry(const void *rec)
{
	const bank_statement_entry *e = rec;
	PyObject *d = PyDict_New();
	if (d == NULL)
		return NULL;
	BPY_I64(d, e, seq);
	BPY_STR(d, e, id);
	BPY_STR(d, e, kind);
	BPY_I64(d, e, at);
	BPY_I64(d, e, amount);
	BPY_I64(d, e, balance_after);
	BPY_STR(d, e, counterparty);
	BPY_STR(d, e, memo);
	BPY_STR(d, e, ref);
	return d;
fail:
	Py_DECREF(d);
	return NULL;
}

static PyObject *bank_py_statement(const bank_statement *s)
{
	PyObject *d = PyDict_New();
	if (d == NULL)
		return NULL;
	BPY_STR(d, s, account);
	BPY_STR(d, s, currency);
	BPY_I64(d, s, since);
	BPY_I64(d, s, until);
	BPY_I64(d, s, opening_balance);
	BPY_I64(d, s, closing_balance);
	BPY_PUT(d, "entries", bank_py_list(s->entries, s->count, sizeof *s->entries, 0, bank_py_statement_entry));
	BPY_STR(d, s, next);
	return d;
fail:
	Py_DECREF(d);
	return NULL;
}

static PyObject *bank_py_trial_line(const void *rec)
{
	const bank_trial_line *l = rec;
	return Py_BuildValue("{s:N,s:s,s:N,s:n,s:L,s:L}", "branch", bank_py_str(l->branch), "currency",
		l->currency, "kind", bank_py_str(l->kind), "accounts", (Py_ssize_t)l->accounts, "debit",
		(long long)l->debit, "credit", (long long)l->credit);
}

static PyObject *bank_py_trial_total(const void *rec)
{
	const bank_trial_total *t = rec;
	return Py_BuildValue("{s:s,s:L,s:L}", "currency", t->currency, "debit", (long long)t->debit, "credit",
		(long long)t->credit);
}

static PyObject *bank_py_trial_balance(const bank_trial_balance *t)
{
	return Py_BuildValue("{s:N,s:N}", "lines",
		bank_py_list(t->lines, t->count, sizeof *t->lines, 0, bank_py_trial_line), "totals",
		bank_py_list(t->totals, t->total_count, sizeof *t->totals, 0, bank_py_trial_total));
}

static PyObject *bank_py_violation(const void *rec)
{
	const bank_violation *v = rec;
	return Py_BuildValue("{s:N,s:N,s:N}", "check", bank_py_str(v->check), "object", bank_py_str(v->object),
		"message", bank_py_str(v->message));
}

static PyObject *bank_py_verify_report(const bank_verify_report *r)
{
	return Py_BuildValue("{s:N,s:L,s:L,s:n}", "items",
		bank_py_list(r->items, r->count, sizeof *r->items, 0, bank_py_violation), "accounts_checked",
		(long long)r->accounts_checked, "transfers_checked", (long long)r->transfers_checked, "total",
		(Py_ssize_t)r->total);
}

static PyObject *bank_py_audit_entry(const void *rec)
{
	const bank_audit_entry *e = rec;
	PyObject *d = PyDict_New();
	if (d == NULL)
		return NULL;
	BPY_I64(d, e, seq);
	BPY_I64(d, e, at);
	BPY_STR(d, e, principal);
	BPY_STR(d, e, action);
	BPY_STR(d, e, object);
	BPY_STR(d, e, details);
	return d;
fail:
	Py_DECREF(d);
	return NULL;
}

static PyObject *bank_py_audit_page(const bank_audit_page *p)
{
	return Py_BuildValue("{s:N,s:L}", "entries",
		bank_py_list(p->entries, p->count, sizeof *p->entries, 0, bank_py_audit_entry), "next",
		(long long)p->next);
}
%}

/* bank_balance_get fills a caller-owned record. */
%typemap(in, numinputs=0) bank_balance *out (bank_balance tmp) {
	memset(&tmp, 0, sizeof tmp);
	$1 = &tmp;
}
%typemap(argout) bank_balance *out {
	PyObject *o = bank_py_balance(&tmp$argnum);
	if (o == NULL)
		SWIG_fail;
	$result = SWIG_Python_AppendOutput($result, o);
}

BANK_OUT_OBJECT(bank_statement, bank_py_statement, bank_statement_free)

/* The statement iterator (see the top of this file). */
%typemap(in, numinputs=0) bank_statement_iter **out (bank_statement_iter *tmp = NULL) {
	$1 = &tmp;
}
%typemap(argout) bank_statement_iter **out {
	$result = SWIG_Python_AppendOutput($result, SWIG_NewPointerObj(tmp$argnum, $descriptor(bank_statement_iter *), 0));
}
%typemap(in, numinputs=0) const bank_statement_entry **entry (const bank_statement_entry *tmp = NULL) {
	$1 = ($1_ltype)&tmp; /* SWIG's local drops the inner const */
}
%typemap(argout) const bank_statement_entry **entry {
	PyObject *o = tmp$argnum != NULL ? bank_py_statement_entry(tmp$argnum) : SWIG_Py_Void();
	if (o == NULL)
		SWIG_fail;
	$result = SWIG_Python_AppendOutput($result, o);
}
%typemap(out) const bank_statement *bank_statement_iter_page {
	$result = $1 != NULL ? bank_py_statement($1) : SWIG_Py_Void();
	if ($result == NULL)
		SWIG_fail;
}
BANK_OUT_OBJECT(bank_trial_balance, bank_py_trial_balance, bank_trial_balance_free)
BANK_OUT_OBJECT(bank_audit_page, bank_py_audit_page, bank_audit_page_free)

/* bank_verify: the report also comes with BANK_ECORRUPT, on the exception. */
%typemap(out) int bank_verify {
	$result = SWIG_Py_Void(); /* the status is checked with the report, below */
}
%typemap(in, numinputs=0) bank_verify_report **out (bank_verify_report *tmp = NULL) {
	$1 = &tmp;
}
%typemap(argout) bank_verify_report **out {
	PyObject *o = tmp$argnum ? bank_py_verify_report(tmp$argnum) : SWIG_Py_Void();
	bank_verify_report_free(tmp$argnum);
	tmp$argnum = NULL;
	if (o == NULL)
		SWIG_fail;
	if (result < 0) {
		bank_py_raise_full(result, NULL, "report", o);
		Py_DECREF(o);
		SWIG_fail;
	}
	$result = SWIG_Python_AppendOutput($result, o);
}
%typemap(freearg) bank_verify_report **out {
	bank_verify_report_free(tmp$argnum);
}

%ignore bank_balance;
%ignore bank_statement_entry;
%ignore bank_statement;
%ignore bank_trial_line;
%ignore bank_trial_total;
%ignore bank_trial_balance;
%ignore bank_violation;
%ignore bank_verify_report;
%ignore bank_audit_entry;
%ignore bank_audit_page;

%include "bank/report.h"
