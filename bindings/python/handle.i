/*
 * handle.i: opening and closing a bank, its options and clock, times and dates
 * (include/bank/handle.h, include/bank/version.h).
 *
 * bank_open(path, opts) returns the handle as an opaque pointer the caller must pass to
 * bank_close() exactly once (the package's Bank does). opts is None or a dict with the
 * fields of bank_options: durability, busy_timeout_ms, timezone, clock, id_seeded,
 * id_seed, no_create, cache_size_kib, wal_autocheckpoint, mmap_size_mib, statement_records
 * (version is filled in). clock is None or a capsule from
 * bank_py_clock_new(callable, first): libbank then calls callable() -> int microseconds,
 * taking the GIL for it, and uses the last good time (first, until a call succeeds)
 * when a call fails. bank_options_init(version) returns those defaults as a dict.
 * bank_checkpoint(b, mode) returns a dict {wal_pages, copied}.
 */

/* ---- The handle ---- */

%typemap(in, numinputs=0) bank **out (bank *tmp = NULL) {
	$1 = &tmp;
}
%typemap(argout) bank **out {
	$result = SWIG_Python_AppendOutput($result, SWIG_NewPointerObj(tmp$argnum, $descriptor(bank *), 0));
}

/* Never hand NULL to a function that needs a handle. */
%typemap(check) bank *b, const bank *b {
	if ($1 == NULL) {
		bank_py_raise_msg(BANK_EMISUSE, "no bank handle (None, or the bank is closed)");
		SWIG_fail;
	}
}

/* ---- The clock ---- */

%{
/* A Python clock: fn() returns microseconds since the epoch. */
typedef struct bank_py_clock {
	PyObject *fn;
	bank_time last; /* returned when fn fails */
} bank_py_clock;

static const char bank_py_clock_name[] = "libbank._libbank.clock";

/*
 * The bank_clock_fn libbank calls, from the thread that called into libbank (which
 * released the GIL). A failing fn is reported through sys.unraisablehook and the last
 * good time is used: the clock cannot fail a libbank call half-way.
 */
static bank_time bank_py_clock_call(void *ctx)
{
	bank_py_clock *c = ctx;
	PyGILState_STATE g = PyGILState_Ensure();
	bank_time t = c->last;
	PyObject *r = PyObject_CallNoArgs(c->fn);
	if (r != NULL) {
		long long v = PyLong_Check(r) ? PyLong_AsLongLong(r) : -1;
		if (!PyLong_Check(r))
			PyErr_Format(PyExc_TypeError, "clock returned %s, not int microseconds", Py_TYPE(r)->tp_name);
		else if (!(v == -1 && PyErr_Occurred()))
			t = c->last = (bank_time)v;
		Py_DECREF(r);
	}
	if (PyErr_Occurred())
		PyErr_WriteUnraisable(c->fn);
	PyGILState_Release(g);
	return t;
}

static void bank_py_clock_destroy(PyObject *capsule)
{
	bank_py_clock *c = PyCapsule_GetPointer(capsule, bank_py_clock_name);
	if (c != NULL) {
		Py_XDECREF(c->fn);
		PyMem_Free(c);
	}
}
%}

%nothread bank_py_clock_new;
%inline %{
/**
 * A clock for bank_open()'s options: @p fn() must return the time as int microseconds
 * since 1970-01-01T00:00:00Z; @p first is the time used should fn's very first call
 * fail (the caller has read the clock once to check it). The capsule must outlive every
 * handle opened with it.
 */
static PyObject *bank_py_clock_new(PyObject *fn, long long first)
{
	if (!PyCallable_Check(fn)) {
		PyErr_SetString(PyExc_TypeError, "the clock must be callable");
		return NULL;
	}
	bank_py_clock *c = PyMem_Malloc(sizeof *c);
	if (c == NULL)
		return PyErr_NoMemory();
	Py_INCREF(fn);
	c->fn = fn;
	c->last = (bank_time)first;
	PyObject *capsule = PyCapsule_New(c, bank_py_clock_name, bank_py_clock_destroy);
	if (capsule == NULL) {
		Py_DECREF(fn);
		PyMem_Free(c);
	}
	return capsule;
}
%}

/* ---- Options ---- */

%{
static const char *const bank_py_option_keys[] = {"version", "durability", "busy_timeout_ms", "timezone",
	"clock", "id_seeded", "id_seed", "no_create", "cache_size_kib", "wal_autocheckpoint",
	"mmap_size_mib", "statement_records", NULL};

/*
 * Fills *o from dict d over the defaults. The time zone is copied into tz (size n) and
 * the clock capsule is returned in *clock (a new reference, or NULL) so both outlive
 * changes to d while the GIL is released.
 */
static int bank_py_options(bank_options *o, PyObject *d, char *tz, size_t n, PyObject **clock)
{
	*clock = NULL;
	if (bank_options_init(o, BANK_OPTIONS_VERSION) != BANK_OK) {
		bank_py_raise(BANK_EINVAL);
		return -1;
	}
	if (bank_py_check_keys(d, "options", bank_py_option_keys) < 0)
		return -1;
	int durability = (int)o->durability, version = (int)o->version;
	int64_t seed = (int64_t)o->id_seed;
	if (bank_py_get_int(d, "version", &version) < 0 || bank_py_get_int(d, "durability", &durability) < 0 ||
	    bank_py_get_int(d, "busy_timeout_ms", &o->busy_timeout_ms) < 0 ||
	    bank_py_get_int(d, "id_seeded", &o->id_seeded) < 0 || bank_py_get_i64(d, "id_seed", &seed) < 0 ||
	    bank_py_get_int(d, "no_create", &o->no_create) < 0 ||
	    bank_py_get_int(d, "cache_size_kib", &o->cache_size_kib) < 0 ||
	    bank_py_get_int(d, "wal_autocheckpoint", &o->wal_autocheckpoint) < 0 ||
	    bank_py_get_int(d, "mmap_size_mib", &o->mmap_size_mib) < 0 ||
	    bank_py_get_int(d, "statement_records", &o->statement_records) < 0)
		return -1;
	o->version = (unsigned int)version;
	o->durability = (bank_durability)durability;
	o->id_seed = (uint64_t)seed;
	PyObject *v = PyDict_GetItemString(d, "timezone");
	if (v != NULL && v != Py_None) {
		Py_ssize_t len = 0;
		const char *s = PyUnicode_Check(v) ? PyUnicode_AsUTF8AndSize(v, &len) : NULL;
		if (!PyUnicode_Check(v)) {
			PyErr_Format(PyExc_TypeError, "timezone must be str or None, not %s", Py_TYPE(v)->tp_name);
			return -1;
		}
		if (s == NULL)
			return -1;
		if ((size_t)len >= n || strlen(s) != (size_t)len) {
			bank_py_raise_msg(BANK_EINVAL, "unknown time zone");
			return -1;
		}
		memcpy(tz, s, (size_t)len + 1);
		o->timezone = tz;
	}
	v = PyDict_GetItemString(d, "clock");
	if (v != NULL && v != Py_None) {
		if (!PyCapsule_IsValid(v, bank_py_clock_name)) {
			PyErr_Format(PyExc_TypeError, "clock must be None or a capsule from bank_py_clock_new(), not %s",
				Py_TYPE(v)->tp_name);
			return -1;
		}
		bank_py_clock *c = PyCapsule_GetPointer(v, bank_py_clock_name);
		Py_INCREF(v);
		*clock = v;
		o->clock = bank_py_clock_call;
		o->clock_ctx = c;
	}
	return 0;
}

static PyObject *bank_py_options_dict(const bank_options *o)
{
	return Py_BuildValue("{s:I,s:i,s:i,s:s,s:O,s:i,s:K,s:i,s:i,s:i,s:i,s:i}", "version", o->version, "durability",
		(int)o->durability, "busy_timeout_ms", o->busy_timeout_ms, "timezone", o->timezone,
		"clock", Py_None, "id_seeded", o->id_seeded, "id_seed", (unsigned long long)o->id_seed,
		"no_create", o->no_create, "cache_size_kib", o->cache_size_kib, "wal_autocheckpoint",
		o->wal_autocheckpoint, "mmap_size_mib", o->mmap_size_mib, "statement_records", o->statement_records);
}
%}

%typemap(in) const bank_options *opts (bank_options tmp, char tz[64], PyObject *clock = NULL) {
	if ($input == Py_None) {
		$1 = NULL;
	} else {
		if (bank_py_options(&tmp, $input, tz, sizeof tz, &clock) < 0)
			SWIG_fail;
		$1 = &tmp;
	}
}
%typemap(argout) const bank_options *opts "";
%typemap(freearg) const bank_options *opts {
	Py_XDECREF(clock$argnum);
}

%typemap(in, numinputs=0) bank_options *opts (bank_options tmp) {
	memset(&tmp, 0, sizeof tmp);
	$1 = &tmp;
}
%typemap(argout) bank_options *opts {
	PyObject *o = bank_py_options_dict(&tmp$argnum);
	if (o == NULL)
		SWIG_fail;
	$result = SWIG_Python_AppendOutput($result, o);
}

/* ---- Times and dates ---- */

/* bank_date is an int32_t: a number, not a status. */
%typemap(out) bank_date {
	$result = PyLong_FromLong((long)$1);
}

BANK_OUT_VALUE(bank_time, out, PyLong_FromLongLong)
BANK_OUT_VALUE(bank_date, out, PyLong_FromLong)

/* bank_checkpoint fills a caller-owned record: a dict {wal_pages, copied}. */
%typemap(in, numinputs=0) bank_checkpoint_info *info (bank_checkpoint_info tmp) {
	memset(&tmp, 0, sizeof tmp);
	$1 = &tmp;
}
%typemap(argout) bank_checkpoint_info *info {
	PyObject *o = Py_BuildValue("{s:L,s:L}", "wal_pages", (long long)tmp$argnum.wal_pages, "copied",
		(long long)tmp$argnum.copied);
	if (o == NULL)
		SWIG_fail;
	$result = SWIG_Python_AppendOutput($result, o);
}

%ignore bank_options;
%ignore bank_checkpoint_info;

%include "bank/version.h"
%include "bank/handle.h"
