"""Derive data/checked-catalog.bin: the shipped data, loaded and checked as the first run
after install would, so that run need not validate it again.

The file starts with a hash of every byte of every data file; mlsal uses it only for the
shipped data alone and only while that hash still holds (mlsal/cache.py). Run it after any
change to data/ (tests/data/test_derive.py checks that it is current):

    python derive/catalog.py [--check]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mlsal import cache  # noqa: E402
from mlsal.load import load_catalog  # noqa: E402

DATA = ROOT / "data"
OUTPUT = DATA / cache.SHIPPED


def main() -> int:
    catalog = load_catalog(shipped_dir=DATA, use_cache=False)
    data = cache.shipped_bytes(DATA, catalog)
    if "--check" in sys.argv[1:]:
        if not OUTPUT.exists() or OUTPUT.read_bytes() != data:
            print(f"{OUTPUT} is out of date: run derive/catalog.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_bytes(data)
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
