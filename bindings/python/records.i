/*
 * records.i: copying C records into Python objects, and the typemap macros every area
 * file uses for its outputs and inputs.
 *
 * A record comes back as a dict whose keys are the C field names; lists as lists of
 * those dicts. Converters return a new reference or NULL with a Python exception set.
 * Text is decoded as UTF-8 with surrogateescape, so bytes another program stored never
 * make a read fail.
 */

%{
static PyObject *bank_py_str(const char *s)
{
	if (s == NULL)
		Py_RETURN_NONE;
	return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "surrogateescape");
}

/*
 * d[name] = v, stealing v; -1 (exception set) when v is NULL or the insert fails. *key
 * caches the key: made (interned) on first use and kept, so filling a record's dict
 * allocates no key strings (the converters run with the GIL held).
 */
static int bank_py_put(PyObject *d, PyObject **key, const char *name, PyObject *v)
{
	if (v == NULL)
		return -1;
	if (*key == NULL && (*key = PyUnicode_InternFromString(name)) == NULL) {
		Py_DECREF(v);
		return -1;
	}
	int rc = PyDict_SetItem(d, *key, v);
	Py_DECREF(v);
	return rc;
}

/* d[key] = v for a string literal key, with a key cache per use. */
#define BPY_PUT(d, key, v)                                                 \
	do {                                                               \
		static PyObject *bpy_key_;                                 \
		if (bank_py_put((d), &bpy_key_, "" key "", (v)) < 0)       \
			goto fail;                                         \
	} while (0)
#define BPY_STR(d, rec, f) BPY_PUT(d, #f, bank_py_str((rec)->f))
#define BPY_I64(d, rec, f) BPY_PUT(d, #f, PyLong_FromLongLong((long long)(rec)->f))
#define BPY_U64(d, rec, f) BPY_PUT(d, #f, PyLong_FromUnsignedLongLong((unsigned long long)(rec)->f))
#define BPY_BOOL(d, rec, f) BPY_PUT(d, #f, PyBool_FromLong((rec)->f != 0))

/*
 * A new dict for a converter that sets the same keys, unconditionally, every time: a
 * copy of *shape (the keys of the first record made, every value None) once there is
 * one, so filling it replaces values in place instead of inserting keys one by one and
 * growing the table twice. bank_py_shape_keep() records the shape from a complete dict.
 * For the hot converters (the transfers of a batch); the GIL is held.
 */
static PyObject *bank_py_shaped_dict(PyObject *shape)
{
	return shape != NULL ? PyDict_Copy(shape) : PyDict_New();
}

/* Keeps in *shape a copy of the complete dict d with None values, on first use. */
static int bank_py_shape_keep(PyObject **shape, PyObject *d)
{
	if (*shape != NULL)
		return 0;
	PyObject *s = PyDict_Copy(d);
	PyObject *keys = s != NULL ? PyDict_Keys(s) : NULL;
	if (keys == NULL) {
		Py_XDECREF(s);
		return -1;
	}
	for (Py_ssize_t i = 0; i < PyList_GET_SIZE(keys); i++) {
		if (PyDict_SetItem(s, PyList_GET_ITEM(keys, i), Py_None) < 0) {
			Py_DECREF(keys);
			Py_DECREF(s);
			return -1;
		}
	}
	Py_DECREF(keys);
	*shape = s;
	return 0;
}

/*
 * A list of `count` records: conv(items[i]) for each. `items` is an array of records
 * (stride `size`) when `pointers` is 0, an array of pointers to records otherwise.
 */
static PyObject *bank_py_list(const void *items, size_t count, size_t size, int pointers,
	PyObject *(*conv)(const void *))
{
	PyObject *list = PyList_New((Py_ssize_t)count);
	if (list == NULL)
		return NULL;
	for (size_t i = 0; i < count; i++) {
		const void *rec = pointers ? ((const void *const *)items)[i] : (const char *)items + i * size;
		PyObject *o = conv(rec);
		if (o == NULL) {
			Py_DECREF(list);
			return NULL;
		}
		PyList_SET_ITEM(list, (Py_ssize_t)i, o);
	}
	return list;
}

/* ---- Inputs from dicts ---- */

/*
 * Checks that every key of dict `d` is one of the NULL-terminated `allowed`: a spec
 * with a misspelt key fails instead of silently using the default.
 */
static int bank_py_check_keys(PyObject *d, const char *what, const char *const *allowed)
{
	if (!PyDict_Check(d)) {
		PyErr_Format(PyExc_TypeError, "%s must be a dict, not %s", what, Py_TYPE(d)->tp_name);
		return -1;
	}
	PyObject *key, *value;
	Py_ssize_t pos = 0;
	while (PyDict_Next(d, &pos, &key, &value)) {
		const char *k = PyUnicode_Check(key) ? PyUnicode_AsUTF8(key) : NULL;
		int ok = 0;
		for (const char *const *a = allowed; k != NULL && *a != NULL; a++)
			if (strcmp(k, *a) == 0)
				ok = 1;
		if (!ok) {
			PyErr_Format(PyExc_TypeError, "%s: unknown key %R", what, key);
			return -1;
		}
	}
	return 0;
}

/*
 * *out = d[key] as UTF-8 (NULL when absent or None). The str is appended to `keep`, a
 * list the caller owns until the C call has returned, so the buffer outlives any change
 * another thread makes to the dict while the GIL is released.
 */
static int bank_py_get_str(PyObject *d, const char *key, const char **out, PyObject *keep)
{
	PyObject *v = PyDict_GetItemString(d, key);
	*out = NULL;
	if (v == NULL || v == Py_None)
		return 0;
	if (!PyUnicode_Check(v)) {
		PyErr_Format(PyExc_TypeError, "%s must be str or None, not %s", key, Py_TYPE(v)->tp_name);
		return -1;
	}
	Py_ssize_t len = 0;
	const char *s = PyUnicode_AsUTF8AndSize(v, &len);
	if (s == NULL)
		return -1;
	if (strlen(s) != (size_t)len) {
		bank_py_raise_msg(BANK_EINVAL, "a string contains a NUL character");
		return -1;
	}
	if (PyList_Append(keep, v) < 0)
		return -1;
	*out = s;
	return 0;
}

/* *out = d[key] as int64 (unchanged when absent or None). */
static int bank_py_get_i64(PyObject *d, const char *key, int64_t *out)
{
	PyObject *v = PyDict_GetItemString(d, key);
	if (v == NULL || v == Py_None)
		return 0;
	if (!PyLong_Check(v)) {
		PyErr_Format(PyExc_TypeError, "%s must be int, not %s", key, Py_TYPE(v)->tp_name);
		return -1;
	}
	long long x = PyLong_AsLongLong(v);
	if (x == -1 && PyErr_Occurred())
		return -1;
	*out = (int64_t)x;
	return 0;
}

static int bank_py_get_int(PyObject *d, const char *key, int *out)
{
	int64_t x = *out;
	if (bank_py_get_i64(d, key, &x) < 0)
		return -1;
	if (x < INT32_MIN || x > INT32_MAX) {
		PyErr_Format(PyExc_OverflowError, "%s is out of range", key);
		return -1;
	}
	*out = (int)x;
	return 0;
}
%}

/*
 * BANK_OUT_OBJECT(TYPE, CONVERT, FREE): a `TYPE **out` parameter becomes the result,
 * CONVERT(record) copied into Python, the record freed with FREE before returning.
 */
%define BANK_OUT_OBJECT(TYPE, CONVERT, FREE)
%typemap(in, numinputs=0) TYPE **out (TYPE *tmp = NULL) {
	$1 = &tmp;
}
%typemap(argout) TYPE **out {
	PyObject *o = tmp$argnum ? CONVERT(tmp$argnum) : SWIG_Py_Void();
	FREE(tmp$argnum);
	tmp$argnum = NULL;
	if (o == NULL)
		SWIG_fail;
	$result = SWIG_Python_AppendOutput($result, o);
}
%typemap(freearg) TYPE **out {
	FREE(tmp$argnum);
}
%enddef

/* BANK_OUT_VALUE(TYPE, NAME, TO_PY): a `TYPE *NAME` out-parameter of a scalar. */
%define BANK_OUT_VALUE(TYPE, NAME, TO_PY)
%typemap(in, numinputs=0) TYPE *NAME (TYPE tmp = 0) {
	$1 = &tmp;
}
%typemap(argout) TYPE *NAME {
	PyObject *o = TO_PY(tmp$argnum);
	if (o == NULL)
		SWIG_fail;
	$result = SWIG_Python_AppendOutput($result, o);
}
%enddef

/* `(char *buf, size_t size)`: a text output, returned as str. */
%typemap(in, numinputs=0) (char *buf, size_t size) (char tmp[256]) {
	tmp[0] = '\0';
	$1 = tmp;
	$2 = sizeof tmp;
}
%typemap(argout) (char *buf, size_t size) {
	PyObject *o = bank_py_str(tmp$argnum);
	if (o == NULL)
		SWIG_fail;
	$result = SWIG_Python_AppendOutput($result, o);
}
