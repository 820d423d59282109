"""estimate_many over generated pandas frames (issue 26): every dtype a frame may carry, every
kind of missing value, nested cells. A frame never crashes it: each row gets its figures or
its error, in order, and a row's figures are what one estimate of that row gives."""

from __future__ import annotations

import contextlib
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mlsal
from mlsal.errors import UsageError

pd = pytest.importorskip("pandas")
np = pytest.importorskip("numpy")

EXAMPLES = int(os.environ.get("MLSAL_FUZZ_FRAME_EXAMPLES", "150"))
MISSING = [None, float("nan"), pd.NA, pd.NaT, np.nan, ""]
YEARS = st.one_of(
    st.integers(min_value=-5, max_value=80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(MISSING),
    st.booleans(),
    st.sampled_from([np.bool_(True), np.int64(3), np.float32(4.5), "7", " 3 ", "x", 10**30]),
)
CITIES = st.one_of(
    st.sampled_from(["SF", "NYC", "Berlin", "remote", "Portland", "Atlantiss", "Toronto, CA"]),
    st.sampled_from(MISSING),
    st.just({"a": 1}),
    st.just(["SF"]),
)
SKILLS = st.one_of(
    st.sampled_from(["nlp", "nlp;cv", "unknownskill"]),
    st.sampled_from(MISSING),
    st.lists(st.sampled_from(["nlp", "cv"]), max_size=2),
    st.builds(lambda items: np.array(items), st.lists(st.sampled_from(["nlp", "cv"]), max_size=2)),
    st.just({"nlp"}),
)
DTYPES = {
    "years": [None, "Int64", "Float64", "object"],
    "city": [None, "string", "category", "object"],
}


@st.composite
def frames(draw: st.DrawFn) -> Any:
    rows = draw(st.integers(min_value=1, max_value=12))
    data = {
        "years": draw(st.lists(YEARS, min_size=rows, max_size=rows)),
        "city": draw(st.lists(CITIES, min_size=rows, max_size=rows)),
        "skills": draw(st.lists(SKILLS, min_size=rows, max_size=rows)),
    }
    frame = pd.DataFrame(data)
    for column, choices in DTYPES.items():
        dtype = draw(st.sampled_from(choices))
        if dtype is not None:
            # values this dtype cannot hold: the frame keeps its own
            with contextlib.suppress(TypeError, ValueError, OverflowError):
                frame[column] = frame[column].astype(dtype)
    if draw(st.booleans()):
        frame = frame.convert_dtypes()
    return frame


@given(frames())
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_frame_never_crashes_estimate_many(frame: Any) -> None:
    try:
        found = list(mlsal.estimate_many(frame, errors="keep"))
    except UsageError:
        return  # a frame-level refusal, said in one line
    assert len(found) == len(frame)
    for result, (_, row) in zip(found, frame.iterrows(), strict=True):
        if result["error"] is not None:
            assert result["median"] is None
            continue
        assert 0 < result["low"] <= result["median"] <= result["high"]
        single = list(mlsal.estimate_many([row.to_dict()], errors="keep"))[0]
        assert single == result
