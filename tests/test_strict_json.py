"""Whatever a policy file may hold, once the check accepts it `handbook export json` writes
strict JSON: no NaN, no Infinity, which no strict JSON reader accepts."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import CASES, case_root
from validator.cli import main

MODULE = "policies/training/m-work.yaml"

# Spellings YAML, Python or JSON might read as a special or huge number, with and without tags.
TRICKY = [
    ".nan",
    ".NaN",
    "NaN",
    "nan",
    ".inf",
    "-.inf",
    "+.INF",
    "inf",
    "Infinity",
    "-Infinity",
    "1e400",
    "1.0e400",
    "-1.0e999",
    "9" * 40,
    "9" * 4400,
    "0x1F",
    "1_000",
    "0o17",
    "!!float nan",
    "!!float .inf",
    "!!float 1e400",
    "!!int 1",
    "!!str 4",
    "! 4",
    "4.",
    "4.0",
    '"NaN"',
    "'.inf'",
]
NUMBERISH = st.text(alphabet=".+-0123456789eEinfaINF!_x ", min_size=1, max_size=14)
VALUES = st.one_of(
    st.sampled_from(TRICKY),
    st.floats().map(repr),
    st.floats(allow_nan=False, allow_infinity=False, min_value=0.5, max_value=400).map(str),
    st.integers().map(str),
    NUMBERISH,
)


def _refuse(constant: str) -> object:
    raise ValueError(f"not strict JSON: {constant}")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return case_root(CASES / "_base", tmp_path_factory.mktemp("strict"))


@settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(hours=VALUES, refresh=VALUES)
def test_export_json_after_any_accepted_input_is_strict(
    scratch: Path, hours: str, refresh: str
) -> None:
    file = scratch / MODULE
    original = file.read_text(encoding="utf-8")
    edited = original.replace("hours: 4\n", f"hours: {hours}\n").replace(
        "hours: 4}", f"hours: {refresh}}}"
    )
    assert edited.count(f"hours: {hours}\n") >= 1 and f"hours: {refresh}}}" in edited
    file.write_text(edited, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(["export", "json", "-o", "-", "--root", str(scratch)])
    finally:
        file.write_text(original, encoding="utf-8")
    assert code in (0, 1), err.getvalue()
    if code == 0:
        document = json.loads(out.getvalue(), parse_constant=_refuse)
        assert document["modules"]


def test_the_property_reaches_accepted_input(scratch: Path) -> None:
    # The property above would hold vacuously if every edit failed the check.
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(io.StringIO()):
        assert main(["export", "json", "-o", "-", "--root", str(scratch)]) == 0
    json.loads(out.getvalue(), parse_constant=_refuse)
