"""Random damage to the real policy files never crashes or hangs the check, and every finding
points at a line that exists. A bounded number of examples keeps the suite fast."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO, TODAY, commit_all, copy_repo_tree
from validator.engine import run

FILES = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "policies").rglob("*.yaml"))
SCALAR = re.compile(rb"(:\s)([^\s#{}\[\]][^\n#]*)")
KEY = re.compile(rb"^(\s*-?\s*)([A-Za-z_]+):", re.MULTILINE)
REPLACEMENTS = [
    b"",
    b"no",
    b"12:30",
    b"0755",
    b"2024-13-45",
    b"~",
    b"[",
    b"{a: 1",
    b"!!binary x",
    b"&a x",
    b"*a",
    b"'",
    b'"',
    b"\t",
    b"- x",
    b"null",
    b"1e999",
    b"\xff\xfe",
    b"\x00",
    "\u2028".encode(),
    "客服".encode(),
    b"- [1, [2, [3]]]",
]


def lines_of(raw: bytes) -> int:
    """Lines as YAML and editors count them (\\r\\n, \\r and \\n end a line)."""
    return raw.count(b"\n") + raw.count(b"\r") - raw.count(b"\r\n") + 1


@st.composite
def damage(draw: st.DrawFn) -> tuple[str, bytes]:
    """A file and damaged bytes for it."""
    path = draw(st.sampled_from(FILES))
    raw = (REPO / path).read_bytes()
    how = draw(
        st.sampled_from(["cut", "insert", "delete-line", "duplicate-line", "retype", "rename-key"])
    )
    if how == "cut":
        return path, raw[: draw(st.integers(0, len(raw)))]
    if how == "insert":
        at = draw(st.integers(0, len(raw)))
        return path, raw[:at] + draw(st.binary(min_size=1, max_size=12)) + raw[at:]
    lines = raw.split(b"\n")
    index = draw(st.integers(0, len(lines) - 1))
    if how == "delete-line":
        return path, b"\n".join(lines[:index] + lines[index + 1 :])
    if how == "duplicate-line":
        return path, b"\n".join(lines[: index + 1] + lines[index:])
    if how == "retype":
        scalars = list(SCALAR.finditer(raw))
        if not scalars:
            return path, raw
        match = draw(st.sampled_from(scalars))
        new = draw(st.sampled_from(REPLACEMENTS))
        return path, raw[: match.start(2)] + new + raw[match.end(2) :]
    keys = list(KEY.finditer(raw))
    if not keys:
        return path, raw
    match = draw(st.sampled_from(keys))
    new_key = draw(st.sampled_from([b"id", b"duties", b"1", b"true", b"unknown_field", b"review"]))
    return path, raw[: match.start(2)] + new_key + raw[match.end(2) :]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_repo_tree(tmp_path_factory.mktemp("fuzz"))


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(damaged=damage())
def test_damaged_policies_give_findings_not_crashes(
    scratch: Path, damaged: tuple[str, bytes]
) -> None:
    path, content = damaged
    target = scratch / path
    original = (REPO / path).read_bytes()
    target.write_bytes(content)
    try:
        start = time.perf_counter()
        result = run(scratch, today=TODAY)
        assert time.perf_counter() - start < 30  # a hang guard; speed is make bench's
    finally:
        target.write_bytes(original)
    for finding in result.findings:
        file = scratch / finding.location.path
        if file.exists():
            raw = content if finding.location.path == path else file.read_bytes()
            assert 1 <= finding.location.line <= lines_of(raw), (finding, path)
            assert finding.location.column >= 1
        for related in finding.related:
            assert related.line >= 1
        assert finding.message.zh and finding.message.en


def test_no_command_writes_to_policies(tmp_path: Path) -> None:
    import hashlib
    import subprocess
    import sys

    root = commit_all(copy_repo_tree(tmp_path / "repo"))

    def digest() -> dict[str, str]:
        return {
            p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / "policies").rglob("*"))
            if p.is_file()
        } | {"mtime": str(max(p.stat().st_mtime_ns for p in (root / "policies").rglob("*")))}

    before = digest()
    commands = [
        ["check"],
        ["check", "--format", "sarif"],
        ["check", "--baseline", "HEAD"],
        ["explain", "cs.complaint"],
        ["export", "json", "-o", str(tmp_path / "out.json")],
        ["diff", "--base", "HEAD"],
        ["rules"],
    ]
    for command in commands:
        completed = subprocess.run(
            [
                sys.executable,
                "-m",
                "validator",
                *command[:1],
                *(["--root", str(root)] if command[0] != "rules" else []),
                *command[1:],
            ],
            capture_output=True,
            check=False,
        )
        assert completed.returncode == 0, (command, completed.stderr)
    assert digest() == before
