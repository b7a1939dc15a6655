# Type stub of the SWIG extension module libbank._libbank: a private, mechanical
# wrapper of the C API (see bindings/python/libbank.i). Its functions take and return
# plain Python values (str, int, dict, list, tuple); the package gives them types.
from typing import Any

def __getattr__(name: str) -> Any: ...
