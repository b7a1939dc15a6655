/*
 * ledger.i: deposits, withdrawals, transfers, batches, holds, reversals
 * (include/bank/ledger.h).
 *
 * A transfer is a dict with the fields of bank_transfer, status as its name ("created"
 * or "exists"). bank_transfer_batch(b, items) takes a sequence of tuples
 * (debit, credit, amount, id, memo, linked) -- debit/credit/id/memo str or None, amount
 * an int of minor units, linked a bool -- and returns one tuple (code, message, transfer)
 * per item: code 0 with the transfer dict, or a negative code, its message and None.
 */

%{
static PyObject *bank_py_transfer(const void *rec)
{
	static PyObject *shape; /* every key below is set on every call */
	const bank_transfer *t = rec;
	PyObject *d = bank_py_shaped_dict(shape);
	if (d == NULL)
		return NULL;
	BPY_I64(d, t, seq);
	BPY_STR(d, t, id);
	BPY_STR(d, t, kind);
	BPY_STR(d, t, debit);
	BPY_STR(d, t, credit);
	BPY_I64(d, t, amount);
	BPY_STR(d, t, currency);
	BPY_STR(d, t, memo);
	BPY_STR(d, t, ref);
	BPY_BOOL(d, t, pending);
	BPY_STR(d, t, hold_status);
	BPY_I64(d, t, expires_at);
	BPY_I64(d, t, debit_balance);
	BPY_I64(d, t, credit_balance);
	BPY_STR(d, t, principal);
	BPY_I64(d, t, created_at);
	BPY_PUT(d, "status", bank_py_str(bank_transfer_status_name(t->status)));
	if (bank_py_shape_keep(&shape, d) < 0)
		goto fail;
	return d;
fail:
	Py_DECREF(d);
	return NULL;
}

static PyObject *bank_py_batch_result(const void *rec)
{
	const bank_batch_result *r = rec;
	PyObject *t = r->transfer ? bank_py_transfer(r->transfer) : SWIG_Py_Void();
	if (t == NULL)
		return NULL;
	return Py_BuildValue("(iNN)", r->code, bank_py_str(r->message), t);
}

static PyObject *bank_py_batch_results(const bank_batch_results *r)
{
	return bank_py_list(r->items, r->count, sizeof *r->items, 0, bank_py_batch_result);
}

/* One str-or-None field of a request tuple. */
static int bank_py_req_str(PyObject *v, const char *what, size_t i, const char **out)
{
	*out = NULL;
	if (v == Py_None)
		return 0;
	if (!PyUnicode_Check(v)) {
		PyErr_Format(PyExc_TypeError, "batch item %zu: %s must be str or None, not %s", i, what,
			Py_TYPE(v)->tp_name);
		return -1;
	}
	Py_ssize_t len = 0;
	const char *s = PyUnicode_AsUTF8AndSize(v, &len);
	if (s == NULL)
		return -1;
	if (strlen(s) != (size_t)len) {
		bank_py_raise_msg(BANK_EINVAL, "a batch item string contains a NUL character");
		return -1;
	}
	*out = s;
	return 0;
}

/*
 * Converts the request sequence into a malloc'd array (*out, *n). The item tuples are
 * kept in *keep (a new list the caller releases after the call), so every string
 * buffer outlives changes to the caller's sequence while the GIL is released.
 */
static int bank_py_requests(PyObject *seq, bank_transfer_request **out, size_t *n, PyObject **keep)
{
	*out = NULL;
	*n = 0;
	*keep = PySequence_List(seq);
	if (*keep == NULL)
		return -1;
	Py_ssize_t count = PyList_GET_SIZE(*keep);
	if (count == 0)
		return 0; /* libbank refuses an empty batch itself */
	bank_transfer_request *r = PyMem_Calloc((size_t)count, sizeof *r);
	if (r == NULL) {
		PyErr_NoMemory();
		return -1;
	}
	*out = r;
	for (Py_ssize_t i = 0; i < count; i++) {
		PyObject *orig = PyList_GET_ITEM(*keep, i);
		PyObject *item = PySequence_Tuple(orig);
		if (item == NULL)
			return -1;
		PyList_SET_ITEM(*keep, i, item);
		Py_DECREF(orig);
		size_t k = (size_t)i;
		if (PyTuple_GET_SIZE(item) != 6) {
			PyErr_Format(PyExc_TypeError,
				"batch item %zu: expected (debit, credit, amount, id, memo, linked), got %zd fields",
				k, PyTuple_GET_SIZE(item));
			return -1;
		}
		bank_transfer_request init = BANK_TRANSFER_REQUEST_INIT;
		r[i] = init;
		if (bank_py_req_str(PyTuple_GET_ITEM(item, 0), "debit", k, &r[i].debit) < 0 ||
		    bank_py_req_str(PyTuple_GET_ITEM(item, 1), "credit", k, &r[i].credit) < 0 ||
		    bank_py_req_str(PyTuple_GET_ITEM(item, 3), "id", k, &r[i].id) < 0 ||
		    bank_py_req_str(PyTuple_GET_ITEM(item, 4), "memo", k, &r[i].memo) < 0)
			return -1;
		PyObject *amount = PyTuple_GET_ITEM(item, 2);
		if (!PyLong_Check(amount)) {
			PyErr_Format(PyExc_TypeError, "batch item %zu: amount must be int minor units, not %s", k,
				Py_TYPE(amount)->tp_name);
			return -1;
		}
		long long a = PyLong_AsLongLong(amount);
		if (a == -1 && PyErr_Occurred())
			return -1;
		r[i].amount = (int64_t)a;
		int linked = PyObject_IsTrue(PyTuple_GET_ITEM(item, 5));
		if (linked < 0)
			return -1;
		r[i].linked = linked;
	}
	*n = (size_t)count;
	return 0;
}
%}

%typemap(in) (const bank_transfer_request *items, size_t n) (PyObject *keep = NULL) {
	if (bank_py_requests($input, &$1, &$2, &keep) < 0)
		SWIG_fail;
}
%typemap(freearg) (const bank_transfer_request *items, size_t n) {
	PyMem_Free((void *)$1);
	Py_XDECREF(keep$argnum);
}

BANK_OUT_OBJECT(bank_transfer, bank_py_transfer, bank_transfer_free)
BANK_OUT_OBJECT(bank_batch_results, bank_py_batch_results, bank_batch_results_free)
BANK_OUT_VALUE(size_t, released, PyLong_FromSize_t)

%ignore bank_transfer;
%ignore bank_transfer_request;
%ignore bank_batch_result;
%ignore bank_batch_results;

%include "bank/ledger.h"
