/*
 * libbank.i: the SWIG interface of libbank._libbank, the private extension module the
 * hand-written package libbank/ stands on.
 *
 * The module is mechanical: every public function of include/bank/*.h under its C name,
 * with these conventions (the typemaps are in the .i files named below):
 *
 *   - a returned status is never seen: BANK_OK becomes the function's outputs (or None),
 *     a negative status raises the exception the package registered for that code
 *     (status.i);
 *   - `T **out`, `T *out` and `(char *buf, size_t size)` parameters disappear from the
 *     Python signature and come back as the result; C records are copied into dicts
 *     (keys are the C field names) and freed before the call returns, so Python never
 *     holds a pointer into a libbank record (records.i and the area files);
 *   - specs, options and batch requests are passed as dicts or tuples (area files);
 *   - strings are str (UTF-8), NULL is None; a str holding a NUL is refused;
 *   - the GIL is released while C runs (-threads), so several handles can work in
 *     several threads; libbank's handle is not thread-safe, the package serializes
 *     calls on one handle;
 *   - the handle (`bank *`) is an opaque pointer; passing None raises misuse instead
 *     of reaching C.
 *
 * Built with: swig -python -builtin -threads -doxygen -interface _libbank, so the
 * docstrings are the header comments.
 */
%module(package="libbank") _libbank

%{
#include <string.h>
#include "bank.h"
%}

%include <stdint.i>

/* Every header needs the export macros and basic types first. */
%include "bank/common.h"

%include "status.i"
%include "records.i"
%include "handle.i"
%include "money.i"
%include "branch.i"
%include "product.i"
%include "customer.i"
%include "account.i"
%include "ledger.i"
%include "interest.i"
%include "report.i"
