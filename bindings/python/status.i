/*
 * status.i: how a libbank status becomes a Python exception, and the error module
 * (include/bank/error.h).
 *
 * Every `int` a libbank function returns is a status (0 or a negative bank_status),
 * except the few listed below that return a plain number. The "out" typemap turns
 * BANK_OK into None (the out-parameters then replace it) and a negative status into an
 * exception: the package registers a factory, factory(code, sqlite_code, message), that
 * returns the instance of the right libbank.Error subclass; until one is registered,
 * RuntimeError("name: message") is raised. The message is the thread's last error when
 * it belongs to this status (bank_error_last() is thread-local and the wrapper runs the
 * call and the check on the same thread), else bank_strerror().
 */

%{
static PyObject *bank_py_error_factory = NULL;

/* A new exception instance for `code` with `message` (NULL: the last error's). */
static PyObject *bank_py_error_new(int code, const char *message)
{
	const bank_error *e = bank_error_last();
	int sqlite_code = 0;
	if (message == NULL) {
		if (e->code == code) {
			message = e->message;
			sqlite_code = e->sqlite_code;
		} else {
			message = bank_strerror(code);
		}
	}
	PyObject *text = PyUnicode_DecodeUTF8(message, (Py_ssize_t)strlen(message), "surrogateescape");
	if (text == NULL)
		return NULL;
	PyObject *exc;
	if (bank_py_error_factory != NULL)
		exc = PyObject_CallFunction(bank_py_error_factory, "iiO", code, sqlite_code, text);
	else
		exc = PyObject_CallFunction(PyExc_RuntimeError, "N",
			PyUnicode_FromFormat("%s: %U", bank_error_name(code), text));
	Py_DECREF(text);
	return exc;
}

/* Raises the exception of `code`; extra_name/extra (both or neither) become an attribute. */
static void bank_py_raise_full(int code, const char *message, const char *extra_name, PyObject *extra)
{
	PyObject *exc = bank_py_error_new(code, message);
	if (exc == NULL)
		return; /* the factory's own exception stands */
	if (extra_name != NULL && PyObject_SetAttrString(exc, extra_name, extra) < 0) {
		Py_DECREF(exc);
		return;
	}
	PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
	Py_DECREF(exc);
}

static void bank_py_raise(int code)
{
	bank_py_raise_full(code, NULL, NULL, NULL);
}

static void bank_py_raise_msg(int code, const char *message)
{
	bank_py_raise_full(code, message, NULL, NULL);
}
%}

/* A status: None on success, an exception on failure. */
%typemap(out) int {
	if ($1 < 0) {
		bank_py_raise($1);
		SWIG_fail;
	}
	$result = SWIG_Py_Void();
}

/* The ints that are numbers, not statuses. */
%typemap(out) int bank_error_code, int bank_schema_version, int bank_libversion_number {
	$result = PyLong_FromLong($1);
}

/* Strings in: str or None (NULL). The UTF-8 buffer belongs to the str, which the
 * argument tuple keeps alive for the whole call. */
%typemap(in) const char * {
	if ($input == Py_None) {
		$1 = NULL;
	} else if (PyUnicode_Check($input)) {
		Py_ssize_t len = 0;
		const char *s = PyUnicode_AsUTF8AndSize($input, &len);
		if (s == NULL)
			SWIG_fail;
		if (strlen(s) != (size_t)len) {
			bank_py_raise_msg(BANK_EINVAL, "$1_name contains a NUL character");
			SWIG_fail;
		}
		$1 = ($1_ltype)s;
	} else {
		PyErr_Format(PyExc_TypeError, "$symname: $1_name must be str or None, not %s",
			Py_TYPE($input)->tp_name);
		SWIG_fail;
	}
}
%typemap(freearg) const char * "";
%typemap(typecheck, precedence=SWIG_TYPECHECK_STRING) const char * {
	$1 = $input == Py_None || PyUnicode_Check($input);
}

/* The error record comes back as a dict {code, sqlite_code, message}. */
%typemap(out) const bank_error * {
	$result = Py_BuildValue("{s:i,s:i,s:s}", "code", $1->code, "sqlite_code", $1->sqlite_code,
		"message", $1->message);
	if ($result == NULL)
		SWIG_fail;
}

%ignore bank_error;

%nothread bank_py_set_error_factory;
%nothread bank_py_error;
%inline %{
/**
 * Registers factory(code, sqlite_code, message) -> exception instance, used for every
 * failure from now on (None unregisters it). Returns the previous factory.
 */
static PyObject *bank_py_set_error_factory(PyObject *factory)
{
	PyObject *old = bank_py_error_factory ? bank_py_error_factory : Py_None;
	if (factory == Py_None) {
		bank_py_error_factory = NULL;
	} else if (PyCallable_Check(factory)) {
		Py_INCREF(factory);
		bank_py_error_factory = factory;
	} else {
		PyErr_SetString(PyExc_TypeError, "the error factory must be callable or None");
		return NULL;
	}
	if (old == Py_None)
		Py_INCREF(old);
	return old; /* the reference the module held */
}

/**
 * The exception libbank would raise for status @p code now: the registered factory's
 * instance, with the thread's last error message when it belongs to @p code.
 */
static PyObject *bank_py_error(int code)
{
	return bank_py_error_new(code, NULL);
}
%}

%include "bank/error.h"

/* A macro naming an enum value, which SWIG skips: undefined for SWIG's preprocessor
 * only (the C code still sees the header's), then declared as a constant. */
#undef BANK_ERROR_MIN
%constant int BANK_ERROR_MIN = BANK_ENOMEM;
