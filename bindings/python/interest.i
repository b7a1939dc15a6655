/*
 * interest.i: interest conventions, effective-dated rates, runs, the interest table,
 * projections and APY (include/bank/interest.h).
 *
 * An exact accrual (bank_accrual) travels as a tuple (units, frac): units + frac / 10^12
 * minor units. A rate schedule is a list of dicts {from, rate, created_at}; a run result,
 * an interest table (with its periods) and an APY are dicts with their C fields.
 */

%{
static PyObject *bank_py_accrual(bank_accrual a)
{
	return Py_BuildValue("(LL)", (long long)a.units, (long long)a.frac);
}

static PyObject *bank_py_rate_entry(const void *rec)
{
	const bank_rate_entry *e = rec;
	return Py_BuildValue("{s:i,s:L,s:L}", "from", (int)e->from, "rate", (long long)e->rate, "created_at",
		(long long)e->created_at);
}

static PyObject *bank_py_rate_schedule(const bank_rate_schedule *s)
{
	return bank_py_list(s->entries, s->count, sizeof *s->entries, 0, bank_py_rate_entry);
}

static PyObject *bank_py_interest_run_result(const bank_interest_run_result *r)
{
	return Py_BuildValue("{s:i,s:n,s:n,s:n,s:n}", "as_of", (int)r->as_of, "accounts", (Py_ssize_t)r->accounts,
		"days", (Py_ssize_t)r->days, "postings", (Py_ssize_t)r->postings, "transactions",
		(Py_ssize_t)r->transactions);
}

static PyObject *bank_py_interest_period(const void *rec)
{
	const bank_interest_period *p = rec;
	PyObject *d = PyDict_New();
	if (d == NULL)
		return NULL;
	BPY_I64(d, p, start);
	BPY_I64(d, p, end);
	BPY_I64(d, p, accrued_through);
	BPY_I64(d, p, days);
	BPY_STR(d, p, rates);
	BPY_STR(d, p, balance_method);
	BPY_I64(d, p, balance_basis);
	BPY_PUT(d, "carried_in", bank_py_accrual(p->carried_in));
	BPY_PUT(d, "accrued", bank_py_accrual(p->accrued));
	BPY_BOOL(d, p, posted_flag);
	BPY_I64(d, p, posted);
	BPY_PUT(d, "carried_out", bank_py_accrual(p->carried_out));
	BPY_STR(d, p, transfer);
	BPY_I64(d, p, posted_at);
	return d;
fail:
	Py_DECREF(d);
	return NULL;
}

static PyObject *bank_py_interest_table(const bank_interest_table *t)
{
	return Py_BuildValue("{s:s,s:s,s:N}", "account", t->account, "currency", t->currency, "periods",
		bank_py_list(t->periods, t->count, sizeof *t->periods, 0, bank_py_interest_period));
}

static PyObject *bank_py_apy(const bank_apy *a)
{
	return Py_BuildValue("{s:L,s:s}", "hundredths", (long long)a->hundredths, "text", a->text);
}
%}

/* An accrual in: a (units, frac) pair of ints. */
%typemap(in) bank_accrual a {
	long long u = 0, f = 0;
	if (!PyTuple_Check($input) || !PyArg_ParseTuple($input, "LL;an accrual is (units, frac)", &u, &f)) {
		if (!PyErr_Occurred())
			PyErr_SetString(PyExc_TypeError, "an accrual is a tuple (units, frac)");
		SWIG_fail;
	}
	$1.units = (int64_t)u;
	$1.frac = (int64_t)f;
}

/* Caller-owned records filled by the call. */
%define BANK_OUT_STRUCT(TYPE, CONVERT)
%typemap(in, numinputs=0) TYPE *out (TYPE tmp) {
	memset(&tmp, 0, sizeof tmp);
	$1 = &tmp;
}
%typemap(argout) TYPE *out {
	PyObject *o = CONVERT(&tmp$argnum);
	if (o == NULL)
		SWIG_fail;
	$result = SWIG_Python_AppendOutput($result, o);
}
%enddef

%{
static PyObject *bank_py_accrual_ptr(const bank_accrual *a)
{
	return bank_py_accrual(*a);
}
%}

BANK_OUT_STRUCT(bank_interest_run_result, bank_py_interest_run_result)
BANK_OUT_STRUCT(bank_accrual, bank_py_accrual_ptr)
BANK_OUT_STRUCT(bank_apy, bank_py_apy)
BANK_OUT_OBJECT(bank_rate_schedule, bank_py_rate_schedule, bank_rate_schedule_free)
BANK_OUT_OBJECT(bank_interest_table, bank_py_interest_table, bank_interest_table_free)
BANK_OUT_VALUE(bank_day_count, out, PyLong_FromLong)
BANK_OUT_VALUE(bank_balance_method, out, PyLong_FromLong)
BANK_OUT_VALUE(bank_period, out, PyLong_FromLong)

/* bank_interest_rate_set's parameter `from` is a Python keyword; arguments are
 * positional here, so the rename SWIG warns about is harmless. */
%warnfilter(314) from;

%ignore bank_accrual;
%ignore bank_rate_entry;
%ignore bank_rate_schedule;
%ignore bank_interest_run_result;
%ignore bank_interest_period;
%ignore bank_interest_table;
%ignore bank_apy;

%include "bank/interest.h"
