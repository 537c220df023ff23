"""A check takes the files it parsed before from the cache: the same findings at the same lines,
whatever is kept, damaged, planted or unwritable."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CASES, case_root, commit_all
from validator.loader import LIMITS
from validator.parse_cache import FILE_NAME, ParseCache
from validator.revision import CACHE_FOLDER

Cli = Callable[..., tuple[int, str, str]]
WORKER = "policies/roles/worker.yaml"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A small handbook with a problem found by a rule in a file loaded without positions."""
    root = case_root(CASES / "_base", tmp_path / "tree")
    worker = root / WORKER
    worker.write_text(
        worker.read_text(encoding="utf-8").replace("reports_to: lead", "reports_to: nobody"),
        encoding="utf-8",
    )
    return root


def check(run_cli: Cli, root: Path, *extra: str) -> tuple[int, str]:
    code, out, _ = run_cli(
        "check", "--root", str(root), "--format", "json", "--today", "2026-11-25", *extra
    )
    return code, out


def kept(root: Path) -> Path:
    return root / CACHE_FOLDER / FILE_NAME


def line_of(root: Path, path: str, text: str) -> int:
    lines = (root / path).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def test_a_second_check_reads_the_kept_files_and_finds_the_same(
    run_cli: Cli, tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = check(run_cli, tree)
    assert first[0] == 1
    assert f'"line": {line_of(tree, WORKER, "reports_to: nobody")}' in first[1]
    assert kept(tree).is_file()
    parsed: list[str] = []
    original = ParseCache.keep

    def counted(self: ParseCache, display: str, *args: object) -> None:
        parsed.append(display)
        original(self, display, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(ParseCache, "keep", counted)
    assert check(run_cli, tree) == first
    assert parsed == []
    # One file changed: only it is parsed again, and its new problem is found at its line.
    lead = tree / "policies/roles/lead.yaml"
    lead.write_text(
        lead.read_text(encoding="utf-8").replace("tier: tier-senior", "tier: tier-nowhere"),
        encoding="utf-8",
    )
    code, out = check(run_cli, tree)
    assert parsed == ["policies/roles/lead.yaml"]
    assert code == 1
    assert f'"line": {line_of(tree, "policies/roles/lead.yaml", "tier: tier-nowhere")}' in out
    assert check(run_cli, tree, "--no-cache") == (code, out)


def test_a_file_that_does_not_load_is_parsed_every_time(run_cli: Cli, tree: Path) -> None:
    broken = tree / "policies/roles/lead.yaml"
    broken.write_text("id: [unclosed\n", encoding="utf-8")
    first = check(run_cli, tree)
    assert first[0] == 1 and "yaml-syntax" in first[1]
    assert check(run_cli, tree) == first
    assert "policies/roles/lead.yaml" not in ParseCache(tree / CACHE_FOLDER, LIMITS).kept


def test_without_cache_nothing_is_written(run_cli: Cli, tree: Path) -> None:
    check(run_cli, tree, "--no-cache")
    assert not (tree / ".cache").exists()


def test_a_damaged_cache_is_parsed_past_and_written_again(run_cli: Cli, tree: Path) -> None:
    first = check(run_cli, tree)
    kept(tree).write_bytes(b"\x00not what was kept")
    assert check(run_cli, tree) == first
    assert WORKER in ParseCache(tree / CACHE_FOLDER, LIMITS).kept


def test_a_cache_that_cannot_be_written_only_costs_time(run_cli: Cli, tree: Path) -> None:
    (tree / ".cache").write_text("a file where the folder would be", encoding="utf-8")
    expected = check(run_cli, tree, "--no-cache")
    assert check(run_cli, tree) == expected


def test_a_committed_cache_is_not_trusted(run_cli: Cli, tmp_path: Path) -> None:
    # A pull request that commits a cache must not make a broken file pass: here the cache says
    # that the worker's file, now with a tier that is not an id, holds its clean data.
    root = case_root(CASES / "_base", tmp_path / "clean")
    assert check(run_cli, root)[0] == 0
    worker = root / WORKER
    worker.write_text(
        worker.read_text(encoding="utf-8").replace("tier: tier-frontline", "tier: 5"),
        encoding="utf-8",
    )
    cache = ParseCache(root / CACHE_FOLDER, LIMITS)
    cache.kept[WORKER] = (hashlib.sha256(worker.read_bytes()).digest(), cache.kept[WORKER][1])
    cache.changed = True
    cache.save()
    # Planted but not committed (someone's own working copy): it is used, as any cache is.
    assert check(run_cli, root)[0] == 0
    commit_all(root, "a pull request with a cache")
    tracked = subprocess.run(
        ["git", "-C", str(root), "ls-files", CACHE_FOLDER], capture_output=True, text=True
    )
    assert FILE_NAME in tracked.stdout
    code, out = check(run_cli, root)
    assert code == 1
    assert f'"line": {line_of(root, WORKER, "tier: 5")}' in out


def test_a_cache_reached_through_a_committed_link_is_not_trusted(
    run_cli: Cli, tmp_path: Path
) -> None:
    # The link and what it points at are committed, the cache folder itself is not.
    root = case_root(CASES / "_base", tmp_path / "linked")
    assert check(run_cli, root)[0] == 0
    (root / "fixtures").mkdir()
    (root / ".cache" / "handbook").rename(root / "fixtures" / "handbook")
    (root / ".cache").rmdir()
    (root / ".cache").symlink_to("fixtures")
    worker = root / WORKER
    worker.write_text(
        worker.read_text(encoding="utf-8").replace("tier: tier-frontline", "tier: 5"),
        encoding="utf-8",
    )
    cache = ParseCache(root / "fixtures" / "handbook", LIMITS)
    cache.kept[WORKER] = (hashlib.sha256(worker.read_bytes()).digest(), cache.kept[WORKER][1])
    cache.changed = True
    cache.save()
    commit_all(root, "a pull request with a linked cache")
    code, out = check(run_cli, root)
    assert code == 1
    assert f'"line": {line_of(root, WORKER, "tier: 5")}' in out


def test_a_cache_file_that_is_a_folder_only_costs_time(run_cli: Cli, tree: Path) -> None:
    kept(tree).mkdir(parents=True)
    expected = check(run_cli, tree, "--no-cache")
    assert check(run_cli, tree) == expected
    assert check(run_cli, tree) == expected


def test_entries_not_as_written_are_parsed_past(run_cli: Cli, tree: Path) -> None:
    expected = check(run_cli, tree)
    cache = ParseCache(tree / CACHE_FOLDER, LIMITS)
    digest = cache.kept[WORKER][0]
    # Not what the cache writes (data that is well formed is trusted like the folder it is in).
    odd: list[object] = [5, (digest, (1, 2)), (digest, ({}, None, 1, False)), [digest]]
    for entry in odd:
        cache.kept[WORKER] = entry  # type: ignore[assignment]
        cache.changed = True
        cache.save()
        assert check(run_cli, tree) == expected, entry
