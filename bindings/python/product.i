/*
 * product.i: products (include/bank/product.h).
 *
 * A product is a dict with the fields of bank_product, kind as its name ("savings");
 * bank_product_add() takes the spec as a dict with the fields of bank_product_spec
 * (code, name, kind, currency, min_balance, rate, overdraft; version is filled in).
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
	"min_balance", "rate", "overdraft", NULL};

static int bank_py_product_spec(bank_product_spec *s, PyObject *d, PyObject *keep)
{
	bank_product_spec init = BANK_PRODUCT_SPEC_INIT;
	*s = init;
	int kind = (int)s->kind, version = (int)s->version;
	if (bank_py_check_keys(d, "product spec", bank_py_product_spec_keys) < 0 ||
	    bank_py_get_int(d, "version", &version) < 0 || bank_py_get_str(d, "code", &s->code, keep) < 0 ||
	    bank_py_get_str(d, "name", &s->name, keep) < 0 || bank_py_get_int(d, "kind", &kind) < 0 ||
	    bank_py_get_str(d, "currency", &s->currency, keep) < 0 ||
	    bank_py_get_i64(d, "min_balance", &s->min_balance) < 0 || bank_py_get_i64(d, "rate", &s->rate) < 0 ||
	    bank_py_get_i64(d, "overdraft", &s->overdraft) < 0)
		return -1;
	s->version = (unsigned int)version;
	s->kind = (bank_product_kind)kind;
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
