"""Property: whatever a pull request does to the real policy files, every command ends cleanly.

Random trees are the shipped policies with a few mutations each: the byte-level damage of the
fuzz test plus the values a hostile review used (control-character escapes, bidirectional
overrides, formulas, extreme dates). Each example runs one command (`check`, `explain`, `diff`,
`export json` or `export xlsx`) and asserts: exit code 0, 1 or 2; no traceback and no internal
error; one line on standard error for exit 2; outputs that parse. Bounded to a few seconds.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO, commit_all, copy_repo_tree
from tests.test_fuzz import FILES, damage
from validator.cli import main
from validator.exports.workbook import CERTIFICATES, COVERAGE, MATRIX, PLAN

SCALAR = re.compile(rb"(:\s)([^\s#{}\[\]][^\n#]*)")
TEXT = re.compile(rb"(\b(?:zh|en):[ ]+)([^\s,{}\[\]#][^,}\n#]*)")
# Values that pass the schema come first: Hypothesis starts from the first of a list.
HOSTILE = [
    rb"'=HYPERLINK(\"http://example.invalid\",\"x\")'",
    b"\"=cmd|' /C calc'!A0\"",
    rb'"a\u202eb"',
    rb'"x\u200by"',
    b"'-1+1'",
    b'"line\\nforged: finding"',
    b"9999-12-31",
    b"0001-01-01",
    b"2999-12-31",
    rb'"\x01"',
    rb'"\e[2J\e[32mAll checks passed"',
    rb'"\a"',
    rb'"\0"',
]
IDS = ["cs.complaint", "project-manager", "m-cs-05", "tier-frontline", "nothing-like-it", "\x1b"]


@st.composite
def hostile_value(draw: st.DrawFn, where: re.Pattern[bytes] = SCALAR) -> tuple[str, bytes]:
    """A real policy file with one of its values (``where`` finds them) made hostile."""
    path = draw(st.sampled_from(FILES))
    raw = (REPO / path).read_bytes()
    scalars = list(where.finditer(raw))
    if not scalars:
        return path, raw
    match = draw(st.sampled_from(scalars))
    return path, raw[: match.start(2)] + draw(st.sampled_from(HOSTILE)) + raw[match.end(2) :]


COMMANDS = st.one_of(
    st.tuples(st.just("check"), st.sampled_from(["text", "json"])),
    st.tuples(st.just("explain"), st.sampled_from(IDS)),
    st.tuples(st.just("diff"), st.just("")),
    st.tuples(st.just("export"), st.sampled_from(["json", "xlsx"])),
)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped policies in a git repository, so `diff --base HEAD` has a base."""
    return commit_all(copy_repo_tree(tmp_path_factory.mktemp("cli-property") / "repo"))


def run_command(root: Path, command: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> int:
    """Run one command on ``root``, check the properties of its result; returns its exit code."""
    name, option = command
    output = root.parent / f"export.{option}"
    output.unlink(missing_ok=True)
    arguments: dict[str, list[str]] = {
        "check": ["check", "--format", option],
        "explain": ["explain", option, "--format", "json"],
        "diff": ["diff", "--base", "HEAD", "--format", "json"],
        "export": ["export", option, "-o", str(output)],
    }
    code = main([*arguments[name], "--root", str(root), "--lang", "en"])
    out, err = capsys.readouterr()
    assert code in (0, 1, 2)
    assert "Traceback" not in out + err
    assert "internal error" not in err, err
    if code == 2:
        assert len(err.splitlines()) == 1 and err.startswith("handbook: "), err
    parses: dict[str, Callable[[], object]] = {
        "check": lambda: json.loads(out) if option == "json" else out,
        "explain": lambda: json.loads(out) if code == 0 else out,
        "diff": lambda: json.loads(out),
        "export": lambda: read_export(output) if code == 0 else None,
    }
    parses[name]()
    if name == "export" and code != 0:
        assert not output.exists()
    return code


def read_export(output: Path) -> object:
    if output.suffix == ".json":
        return json.loads(output.read_text(encoding="utf-8"))
    from openpyxl import load_workbook

    with zipfile.ZipFile(output) as archive:
        assert archive.testzip() is None
    assert load_workbook(output).sheetnames == [MATRIX, COVERAGE, PLAN, CERTIFICATES]
    return output


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    # Hostile reader texts pass the schema, so they reach the rules, explain and the exports.
    mutations=st.lists(
        st.one_of(damage(), hostile_value(), *[hostile_value(TEXT)] * 4),
        min_size=1,
        max_size=2,
    ),
    command=COMMANDS,
)
def test_every_command_ends_cleanly_on_any_tree(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    mutations: list[tuple[str, bytes]],
    command: tuple[str, str],
) -> None:
    originals = {path: (REPO / path).read_bytes() for path, _ in mutations}
    try:
        for path, content in mutations:
            (repo / path).write_bytes(content)
        code = run_command(repo, command, capsys)
        # Shown by --hypothesis-show-statistics: which commands ran and how they ended.
        event(f"{command[0]} {command[1] if command[0] in ('check', 'export') else ''}".strip())
        event(f"exit code {code}")
    finally:
        for path, content in originals.items():
            (repo / path).write_bytes(content)
