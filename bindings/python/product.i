/*
 * product.i: products (include/bank/product.h).
 *
 * A product is a dict with the fields of bank_product, kind and the interest conventions
 * as their names ("savings", "act/365", "daily", "monthly"); bank_product_add() takes
 * the spec as a dict with the fields of bank_product_spec (code, name, kind, currency,
 * min_balance, rate, overdraft, day_count, balance_method, compounding, posting,
 * min_interest_balance as ints; version is filled in).
 */

%{
static PyObject *bank_py_product(const void *rec)
{
	const bank_product *p = rec;
	PyObject *d = PyDict_New();
	if (d == NULL)
		return NULL;
	BPY_I64(d, p, id);
	BPY_STR(d, p, code);
	BPY_STR(d, p, name);
	BPY_PUT(d, "kind", bank_py_str(bank_product_kind_name(p->kind)));
	BPY_STR(d, p, currency);
	BPY_I64(d, p, min_balance);
	BPY_I64(d, p, rate);
	BPY_I64(d, p, overdraft);
	BPY_I64(d, p, created_at);
	BPY_I64(d, p, updated_at);
	BPY_PUT(d, "day_count", bank_py_str(bank_day_count_name(p->day_count)));
	BPY_PUT(d, "balance_method", bank_py_str(bank_balance_method_name(p->balance_method)));
	BPY_PUT(d, "compounding", bank_py_str(bank_period_name(p->compounding)));
	BPY_PUT(d, "posting", bank_py_str(bank_period_name(p->posting)));
	BPY_I64(d, p, min_interest_balance);
	return d;
fail:
	Py_DECREF(d);
	return NULL;
}

static PyObject *bank_py_product_list(const bank_product_list *l)
{
	return bank_py_list(l->items, l->count, 0, 1, bank_py_product);
}

static const char *const bank_py_product_spec_keys[] = {"version", "code", "name", "kind", "currency",
	"min_balance", "rate", "overdraft", "day_count", "balance_method", "compounding", "posting",
	"min_interest_balance", NULL};

static int bank_py_product_spec(bank_product_spec *s, PyObject *d, PyObject *keep)
{
	bank_product_spec init = BANK_PRODUCT_SPEC_INIT;
	*s = init;
	int kind = (int)s->kind, version = (int)s->version, day_count = (int)s->day_count;
	int balance_method = (int)s->balance_method, compounding = (int)s->compounding, posting = (int)s->posting;
	if (bank_py_check_keys(d, "product spec", bank_py_product_spec_keys) < 0 ||
	    bank_py_get_int(d, "version", &version) < 0 || bank_py_get_str(d, "code", &s->code, keep) < 0 ||
	    bank_py_get_str(d, "name", &s->name, keep) < 0 || bank_py_get_int(d, "kind", &kind) < 0 ||
	    bank_py_get_str(d, "currency", &s->currency, keep) < 0 ||
	    bank_py_get_i64(d, "min_balance", &s->min_balance) < 0 || bank_py_get_i64(d, "rate", &s->rate) < 0 ||
	    bank_py_get_i64(d, "overdraft", &s->overdraft) < 0 || bank_py_get_int(d, "day_count", &day_count) < 0 ||
	    bank_py_get_int(d, "balance_method", &balance_method) < 0 ||
	    bank_py_get_int(d, "compounding", &compounding) < 0 || bank_py_get_int(d, "posting", &posting) < 0 ||
	    bank_py_get_i64(d, "min_interest_balance", &s->min_interest_balance) < 0)
		return -1;
	s->version = (unsigned int)version;
	s->kind = (bank_product_kind)kind;
	s->day_count = (bank_day_count)day_count;
	s->balance_method = (bank_balance_method)balance_method;
	s->compounding = (bank_period)compounding;
	s->posting = (bank_period)posting;
	return 0;
}
%}

%typemap(in) const bank_product_spec *spec (bank_product_spec tmp, PyObject *keep = NULL) {
	keep = PyList_New(0);
	if (keep == NULL || bank_py_product_spec(&tmp, $input, keep) < 0)
		SWIG_fail;
	$1 = &tmp;
}
%typemap(freearg) const bank_product_spec *spec {
	Py_XDECREF(keep$argnum);
}

BANK_OUT_OBJECT(bank_product, bank_py_product, bank_product_free)
BANK_OUT_OBJECT(bank_product_list, bank_py_product_list, bank_product_list_free)
BANK_OUT_VALUE(bank_product_kind, out, PyLong_FromLong)

%ignore bank_product;
%ignore bank_product_list;
%ignore bank_product_spec;

%include "bank/product.h"
