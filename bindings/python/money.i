/*
 * money.i: currencies, amount text, checked arithmetic, rounding, rates
 * (include/bank/money.h).
 *
 * A currency comes back as a dict {code, numeric, exponent, name}, or None when the
 * code is unknown (bank_currency_find) or the index past the end (bank_currency_at).
 * Every `int64_t *out` is returned as an int.
 */

%{
static PyObject *bank_py_currency(const bank_currency *c)
{
	if (c == NULL)
		Py_RETURN_NONE;
	return Py_BuildValue("{s:s,s:i,s:i,s:s}", "code", c->code, "numeric", c->numeric, "exponent",
		c->exponent, "name", c->name);
}
%}

%typemap(out) const bank_currency * {
	$result = bank_py_currency($1);
	if ($result == NULL)
		SWIG_fail;
}

BANK_OUT_VALUE(int64_t, out, PyLong_FromLongLong)

%ignore bank_currency;

%include "bank/money.h"
