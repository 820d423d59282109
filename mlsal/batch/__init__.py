"""Many profiles, one per CSV row or JSON Lines object, streamed: rows go out in input order,
a chunk of rows at a time. A bad row never stops the others (unless strict): it is reported
with its line number and left out of the output.

Rooms: rows (what is read and written: lines, rows, chunks, a row's outputs, the checks on
columns), csv_lines and json_lines (the readers), estimator (rows estimated column by
column from the engine's shares), writers (CSV, JSON Lines), run (a run: read, estimate,
write), files (stdin or a file in, stdout or an atomically replaced file out, progress).
"""

from mlsal.batch.csv_lines import read_rows
from mlsal.batch.estimator import BatchEstimator
from mlsal.batch.json_lines import read_json_lines
from mlsal.batch.rows import (
    CHUNK,
    MAX_LINE_CHARS,
    OUTPUT_COLUMNS,
    BadRow,
    Outputs,
    check_profile_columns,
    estimate_outputs,
)
from mlsal.batch.run import run_batch
from mlsal.batch.writers import CsvWriter, JsonLinesWriter, csv_cell

__all__ = [
    "CHUNK",
    "MAX_LINE_CHARS",
    "OUTPUT_COLUMNS",
    "BadRow",
    "BatchEstimator",
    "CsvWriter",
    "JsonLinesWriter",
    "Outputs",
    "check_profile_columns",
    "csv_cell",
    "estimate_outputs",
    "read_json_lines",
    "read_rows",
    "run_batch",
]
