"""JSON output: one document on stdout, UTF-8, keys in a stable order."""

from __future__ import annotations

import json
from typing import Any


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)
