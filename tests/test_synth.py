"""The synthetic corpus behind `make bench`: deterministic, valid by construction, and large
enough at a few hundred duties to exercise the large-handbook page layout."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.conftest import TODAY
from validator.engine import run
from validator.render import NAV_ENTITY_LIMIT, render
from validator.synth import generate

pytestmark = pytest.mark.slow


def digest(root: Path) -> str:
    hashing = hashlib.sha256()
    for file in sorted((root / "policies").rglob("*.yaml")):
        hashing.update(file.relative_to(root).as_posix().encode() + file.read_bytes())
    return hashing.hexdigest()


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", duties=600, seed=7)
    second = generate(tmp_path / "b", duties=600, seed=7)
    assert first == second
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    generate(tmp_path / "c", duties=600, seed=8)
    assert digest(tmp_path / "c") != digest(tmp_path / "a")


def test_valid_by_construction_and_laid_out_for_size(tmp_path: Path) -> None:
    counts = generate(tmp_path / "corpus", duties=1500)
    assert 1400 <= counts["duties"] <= 1500
    result = run(tmp_path / "corpus", today=TODAY)
    assert result.findings == []
    assert result.handbook is not None
    roles = sum(1 for _ in result.handbook.all("role"))
    assert roles > NAV_ENTITY_LIMIT
    site = render(result.handbook)
    listed = str(site.nav)
    assert "roles/index.md" in listed and "roles/pm-0001.md" not in listed
    assert "pm-0001" not in site.pages["index.md"]
    # Fully covered: only the summary table, no per-role matrices.
    assert site.pages["coverage.md"].count("\n## ") == 1
