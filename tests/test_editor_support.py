"""The schema modeline rule on a copy of the shipped handbook, through the command line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

Cli = Callable[..., tuple[int, str, str]]
MODULE = "policies/training/m-cs-01.yaml"
RIGHT = "# yaml-language-server: $schema=../../schemas/module.schema.json"


def test_the_shipped_modelines_are_right(run_cli: Cli, repo_copy: Path) -> None:
    code, out, _ = run_cli("check", "--root", str(repo_copy), "--lang", "en")
    assert code == 0
    assert "schema-modeline" not in out


@pytest.mark.parametrize(
    ("first", "cause"),
    [
        ("# yaml-language-server: $schema=../../schemas/role.schema.json", "another kind"),
        ("# yaml-language-server: $schema=../schemas/module.schema.json", "number of '../'"),
        (None, "does not name the schema"),
    ],
)
def test_a_wrong_modeline_gives_the_line_to_write(
    run_cli: Cli, repo_copy: Path, first: str | None, cause: str
) -> None:
    file = repo_copy / MODULE
    lines = file.read_text(encoding="utf-8").split("\n")
    assert lines[0] == RIGHT
    file.write_text("\n".join(([first] if first else []) + lines[1:]), encoding="utf-8")
    code, out, _ = run_cli("check", "--root", str(repo_copy), "--lang", "en")
    assert code == 0  # a warning: the published content is unaffected
    found = [line for line in out.splitlines() if "[schema-modeline]" in line]
    assert len(found) == 1
    assert found[0].startswith(f"{MODULE}:1:1: warning [schema-modeline] ")
    assert cause in found[0]
    assert RIGHT in out
