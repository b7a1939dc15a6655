/*
 * customer.i: customers and their address (include/bank/customer.h).
 *
 * A customer is a dict with the fields of bank_customer; its address a dict with the
 * fields of bank_address, or None when has_address is 0. bank_customer_add() takes the
 * spec as a dict with the fields of bank_customer_spec (address: a dict or None), and
 * bank_customer_set_address() the address as a dict.
 */

%{
static PyObject *bank_py_address(const bank_address *a)
{
	PyObject *d = PyDict_New();
	if (d == NULL)
		return NULL;
	BPY_STR(d, a, line1);
	BPY_STR(d, a, line2);
	BPY_STR(d, a, city);
	BPY_STR(d, a, region);
	BPY_STR(d, a, postal_code);
	BPY_STR(d, a, country);
	return d;
fail:
	Py_DECREF(d);
	return NULL;
}

static PyObject *bank_py_customer(const void *rec)
{
	const bank_customer *c = rec;
	PyObject *d = PyDict_New();
	if (d == NULL)
		return NULL;
	BPY_I64(d, c, id);
	BPY_STR(d, c, name);
	BPY_STR(d, c, dob);
	BPY_STR(d, c, occupation);
	BPY_I64(d, c, income);
	BPY_STR(d, c, income_currency);
	BPY_STR(d, c, email);
	BPY_STR(d, c, phone);
	BPY_BOOL(d, c, has_address);
	if (c->has_address) {
		BPY_PUT(d, "address", bank_py_address(&c->address));
	} else {
		BPY_PUT(d, "address", SWIG_Py_Void());
	}
	BPY_I64(d, c, created_at);
	BPY_I64(d, c, updated_at);
	return d;
fail:
	Py_DECREF(d);
	return NULL;
}

static PyObject *bank_py_customer_list(const bank_customer_list *l)
{
	return bank_py_list(l->items, l->count, 0, 1, bank_py_customer);
}

static const char *const bank_py_address_keys[] = {"line1", "line2", "city", "region", "postal_code",
	"country", NULL};

static int bank_py_address_in(bank_address *a, PyObject *d, PyObject *keep)
{
	memset(a, 0, sizeof *a);
	if (bank_py_check_keys(d, "address", bank_py_address_keys) < 0 ||
	    bank_py_get_str(d, "line1", &a->line1, keep) < 0 || bank_py_get_str(d, "line2", &a->line2, keep) < 0 ||
	    bank_py_get_str(d, "city", &a->city, keep) < 0 || bank_py_get_str(d, "region", &a->region, keep) < 0 ||
	    bank_py_get_str(d, "postal_code", &a->postal_code, keep) < 0 ||
	    bank_py_get_str(d, "country", &a->country, keep) < 0)
		return -1;
	return 0;
}

static const char *const bank_py_customer_spec_keys[] = {"version", "name", "dob", "occupation", "income",
	"income_currency", "email", "phone", "address", NULL};

static int bank_py_customer_spec(bank_customer_spec *s, bank_address *addr, PyObject *d, PyObject *keep)
{
	bank_customer_spec init = BANK_CUSTOMER_SPEC_INIT;
	*s = init;
	int version = (int)s->version;
	if (bank_py_check_keys(d, "customer spec", bank_py_customer_spec_keys) < 0 ||
	    bank_py_get_int(d, "version", &version) < 0 || bank_py_get_str(d, "name", &s->name, keep) < 0 ||
	    bank_py_get_str(d, "dob", &s->dob, keep) < 0 ||
	    bank_py_get_str(d, "occupation", &s->occupation, keep) < 0 ||
	    bank_py_get_i64(d, "income", &s->income) < 0 ||
	    bank_py_get_str(d, "income_currency", &s->income_currency, keep) < 0 ||
	    bank_py_get_str(d, "email", &s->email, keep) < 0 || bank_py_get_str(d, "phone", &s->phone, keep) < 0)
		return -1;
	s->version = (unsigned int)version;
	PyObject *a = PyDict_GetItemString(d, "address");
	if (a != NULL && a != Py_None) {
		if (PyList_Append(keep, a) < 0 || bank_py_address_in(addr, a, keep) < 0)
			return -1;
		s->address = addr;
	}
	return 0;
}
%}

%typemap(in) const bank_customer_spec *spec (bank_customer_spec tmp, bank_address addr, PyObject *keep = NULL) {
	keep = PyList_New(0);
	if (keep == NULL || bank_py_customer_spec(&tmp, &addr, $input, keep) < 0)
		SWIG_fail;
	$1 = &tmp;
}
%typemap(freearg) const bank_customer_spec *spec {
	Py_XDECREF(keep$argnum);
}

%typemap(in) const bank_address *address (bank_address tmp, PyObject *keep = NULL) {
	keep = PyList_New(0);
	if (keep == NULL)
		SWIG_fail;
	if ($input == Py_None) {
		$1 = NULL;
	} else {
		if (bank_py_address_in(&tmp, $input, keep) < 0)
			SWIG_fail;
		$1 = &tmp;
	}
}
%typemap(freearg) const bank_address *address {
	Py_XDECREF(keep$argnum);
}

BANK_OUT_OBJECT(bank_customer, bank_py_customer, bank_customer_free)
BANK_OUT_OBJECT(bank_customer_list, bank_py_customer_list, bank_customer_list_free)

%ignore bank_address;
%ignore bank_customer;
%ignore bank_customer_list;
%ignore bank_customer_spec;

%include "bank/customer.h"
