"""The bindings cover the whole C API.

Parses the public headers and fails when a function libbank exports (BANK_EXTERN) is
reachable from neither the SWIG module nor the package, and when one the package should
offer in Pythonic form is missing from it (the few left to the SWIG module are listed
below, each with its reason). A new header or function fails here until the bindings
cover it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import libbank
from libbank import _libbank

HERE = Path(__file__).resolve().parent
INCLUDE = Path(os.environ.get("LIBBANK_INCLUDE", HERE.parent.parent / "include"))
BUILD_INCLUDE = os.environ.get("LIBBANK_BUILD_INCLUDE")
PACKAGE = Path(libbank.__file__).resolve().parent

# BANK_EXTERN(type) name(  -- the type may itself hold parentheses-free tokens and '*'.
EXPORT = re.compile(r"BANK_EXTERN\s*\(([^()]*)\)\s*(\w+)\s*\(")

# Functions reachable only through libbank._libbank, on purpose.
LOW_LEVEL_ONLY = {
    # The records are copied into Python and freed inside the wrapper of the call that
    # returned them; Python never holds a C record to free.
    "bank_branch_free", "bank_branch_list_free", "bank_product_free", "bank_product_list_free",
    "bank_customer_free", "bank_customer_list_free", "bank_account_free", "bank_account_list_free",
    "bank_account_edits_free", "bank_transfer_free", "bank_batch_results_free", "bank_statement_free",
    "bank_trial_balance_free", "bank_verify_report_free", "bank_audit_page_free",
    "bank_rate_schedule_free", "bank_interest_table_free",
    # The wrapper reads the thread's last error itself when it raises.
    "bank_error_last", "bank_error_clear",
    # Python ints are exact and unbounded: checked int64 arithmetic adds nothing there.
    "bank_money_add", "bank_money_sub", "bank_money_mul",
    # Exact accruals are Decimals in the package; formatting them is Decimal's job.
    "bank_accrual_format",
    # The package's Statement iterates pages with bank_statement_get (one C call, one GIL
    # release per page, not per entry); the C iterator is wrapped for low-level use.
    "bank_statement_iter_open", "bank_statement_iter_next", "bank_statement_iter_page",
    "bank_statement_iter_free",
    # Names of enum values: the wrapper puts the names (not the numbers) in the records.
    "bank_product_kind_name", "bank_transfer_status_name", "bank_day_count_name",
    "bank_balance_method_name", "bank_period_name",
}


def headers() -> list[Path]:
    found = [INCLUDE / "bank.h", *sorted((INCLUDE / "bank").rglob("*.h"))]
    if BUILD_INCLUDE:
        found += sorted(Path(BUILD_INCLUDE, "bank").glob("*.h"))
    return [h for h in found if h.exists()]


def exported() -> dict[str, Path]:
    names: dict[str, Path] = {}
    for h in headers():
        text = re.sub(r"/\*.*?\*/", "", h.read_text(), flags=re.S)
        for m in EXPORT.finditer(text):
            if m.group(2) != "type":  # the macro's own definition
                names[m.group(2)] = h
    return names


def package_source() -> str:
    return "\n".join(p.read_text() for p in sorted(PACKAGE.glob("*.py")))


def test_completeness__headers_found() -> None:
    names = exported()
    assert len(names) > 80, f"only {len(names)} exported functions found under {INCLUDE}"
    for expected in ("bank_open", "bank_transfer_batch", "bank_verify", "bank_interest_run", "bank_libversion"):
        if expected == "bank_libversion" and not BUILD_INCLUDE:
            continue
        assert expected in names


def test_completeness__every_export_reachable() -> None:
    src = package_source()
    missing = sorted(
        f"{n} ({h.name})" for n, h in exported().items() if not hasattr(_libbank, n) and n not in src
    )
    assert not missing, "exported but reachable from neither libbank._libbank nor libbank: " + ", ".join(missing)


def test_completeness__package_offers_the_api() -> None:
    src = package_source()
    missing = sorted(
        n for n in exported() if n not in LOW_LEVEL_ONLY and not re.search(rf"\b_(?:c|libbank)\.{n}\b", src)
    )
    assert not missing, "not used by the package (add a method, or list it in LOW_LEVEL_ONLY with a reason): " + ", ".join(missing)
    stale = sorted(n for n in LOW_LEVEL_ONLY if n not in exported())
    assert not stale, "LOW_LEVEL_ONLY names no longer exported: " + ", ".join(stale)


def test_completeness__docstrings_from_headers() -> None:
    for n in exported():
        fn = getattr(_libbank, n, None)
        if fn is not None:
            assert (fn.__doc__ or "").strip(), f"{n} has no docstring"
    import inspect

    for name in libbank.__all__:
        obj = getattr(libbank, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert (obj.__doc__ or "").strip(), f"libbank.{name} has no docstring"
    for name in dir(libbank.Bank):
        if not name.startswith("_"):
            assert (getattr(libbank.Bank, name).__doc__ or "").strip(), f"Bank.{name} has no docstring"


def test_completeness__typed_package() -> None:
    assert (PACKAGE / "py.typed").exists()
    import inspect

    for name in dir(libbank.Bank):
        attr = getattr(libbank.Bank, name)
        if not name.startswith("_") and inspect.isfunction(attr):
            sig = inspect.signature(attr)
            assert sig.return_annotation is not inspect.Signature.empty, f"Bank.{name} lacks a return type"
            for p in list(sig.parameters.values())[1:]:
                assert p.annotation is not inspect.Parameter.empty, f"Bank.{name}({p.name}) lacks a type"
