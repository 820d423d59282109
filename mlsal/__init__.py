"""mlsal: salary estimates for Machine Learning Engineers, every figure traced to its source.

The public API (imported on first use, so that `import mlsal` stays light):

    mlsal.estimate(inputs=None, *, data_dirs=(), **inputs) -> dict
        the object `mlsal estimate --format json` prints
    mlsal.estimate_result(...) -> mlsal.result.Estimate
    mlsal.estimate_many(rows, *, unknown="error", errors="raise", keep=()) -> iterator of dicts
        many profiles (mappings, or a pandas / Polars DataFrame), as `mlsal batch` does
    mlsal.estimate_columns(rows, ...) -> dict of columns
        the same as columns, which a pandas, Polars or Arrow frame is built from at once
    mlsal.estimate_frame(frame, ...) -> a pandas or Polars frame (the kind given)
    mlsal.Profile, mlsal.UsageError, mlsal.DataError, mlsal.MlsalError
"""

from __future__ import annotations

from typing import Any

__version__ = "0.3.0"

__all__ = [
    "DataError",
    "MlsalError",
    "Profile",
    "UsageError",
    "__version__",
    "estimate",
    "estimate_columns",
    "estimate_frame",
    "estimate_many",
    "estimate_result",
]

_EXPORTS = {
    "estimate": "mlsal.api",
    "estimate_result": "mlsal.api",
    "estimate_many": "mlsal.api",
    "estimate_columns": "mlsal.api",
    "estimate_frame": "mlsal.api",
    "Profile": "mlsal.profile",
    "UsageError": "mlsal.errors",
    "DataError": "mlsal.errors",
    "MlsalError": "mlsal.errors",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'mlsal' has no attribute {name!r}")
