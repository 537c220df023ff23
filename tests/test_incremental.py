"""Incremental downloads and the search cache: a rebuild redoes only what changed, and a cached
build produces exactly what a fresh one does."""

from __future__ import annotations

import io
import json
import os
import re
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import build_site, copy_project, copy_repo_tree, without_downloads
from validator.engine import run
from validator.exports import pdf as pdf_module
from validator.exports import write_downloads
from validator.exports.pdf import export_pdf, pdf_available
from validator.exports.print_ahead import PrintAhead
from validator.model import Handbook
from validator.render import render

pytestmark = pytest.mark.slow


def _handbook(root: Path) -> Handbook:
    result = run(root)
    assert result.handbook is not None
    return result.handbook


def _edit_summary(root: Path, role: str) -> None:
    path = root / "policies" / "roles" / f"{role}.yaml"
    text = path.read_text(encoding="utf-8")
    assert "summary:\n  zh: " in text
    path.write_text(text.replace("summary:\n  zh: ", "summary:\n  zh: 新：", 1), encoding="utf-8")


@pytest.fixture
def printed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the PDFs the browser prints (cached ones are copied, not printed)."""
    names: list[str] = []
    real = pdf_module._publish_all

    def counting(items: list[Any], printed: list[bytes]) -> None:
        names.extend(Path(item.job.path).stem for item in items)
        real(items, printed)

    monkeypatch.setattr(pdf_module, "_publish_all", counting)
    return names


@pytest.fixture
def converted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The pages whose Markdown is converted for printing (kept conversions are read back)."""
    pages: list[str] = []
    real = pdf_module._body

    def counting(page: str) -> str:
        pages.append(page)
        return real(page)

    monkeypatch.setattr(pdf_module, "_body", counting)
    return pages


@pytest.mark.skipif(not pdf_available(), reason="needs Chromium")
def test_a_one_role_change_reprints_only_that_role(
    tmp_path: Path, printed: list[str], converted: list[str]
) -> None:
    root = copy_repo_tree(tmp_path / "repo")
    cache = tmp_path / "cache"
    first = _handbook(root)
    roles = [role.id for role in first.all("role")]
    export_pdf(first, str(tmp_path / "a"), io.StringIO(), cache)
    assert sorted(printed) == sorted([*roles, "handbook"])
    before = {p.name: p.read_bytes() for p in (tmp_path / "a" / "roles").glob("*.pdf")}
    bodies = sorted(cache.glob("body/*.html"))
    assert len(bodies) == len(set(converted))

    printed.clear()
    converted.clear()
    export_pdf(_handbook(root), str(tmp_path / "b"), io.StringIO(), cache)
    assert printed == [] and converted == []
    assert {p.name: p.read_bytes() for p in (tmp_path / "b" / "roles").glob("*.pdf")} == before

    _edit_summary(root, "cs-specialist")
    printed.clear()
    converted.clear()
    export_pdf(_handbook(root), str(tmp_path / "c"), io.StringIO(), cache)
    assert sorted(printed) == ["cs-specialist", "handbook"]
    assert sorted(p.name for p in (tmp_path / "c" / "roles").glob("*.pdf")) == sorted(before)
    # One page changed: it alone is converted again, for its own PDF and the handbook's.
    assert len(converted) == 1 and "新：" in converted[0]
    # The cache keeps this handbook's prints and pages, not the superseded ones.
    assert len(list(cache.glob("*.pdf"))) == len(roles) + 1
    assert len(list(cache.glob("body/*.html"))) == len(bodies)


@pytest.mark.skipif(not pdf_available(), reason="needs Chromium")
@pytest.mark.parametrize(
    ("cancel", "beside_a_thread"), [(False, False), (True, False), (False, True)]
)
def test_printing_ahead_leaves_the_export_only_what_it_did_not_print(
    tmp_path: Path, printed: list[str], cancel: bool, beside_a_thread: bool
) -> None:
    root = copy_repo_tree(tmp_path / "repo")
    handbook = _handbook(root)
    pages = render(handbook).pages
    cache = tmp_path / "cache"
    # A process running another thread must not fork: the printing then runs in a thread.
    waiting = threading.Event()
    other = threading.Thread(target=waiting.wait)
    if beside_a_thread:
        other.start()
    try:
        PrintAhead(handbook, pages, cache).start().finish(cancel=cancel)
    finally:
        waiting.set()
    ahead = len(list(cache.glob("*.pdf")))
    every = len(list(handbook.all("role"))) + 1
    if not cancel:
        assert ahead == every
    # A forked printer's prints are made in its own process; a thread's in this one.
    assert len(printed) == (ahead if beside_a_thread else 0)
    printed.clear()
    export_pdf(handbook, str(tmp_path / "out"), io.StringIO(), cache, pages)
    assert len(printed) == every - ahead
    written = sorted((tmp_path / "out").rglob("*.pdf"))
    assert len(written) == every
    assert all(p.read_bytes().startswith(b"%PDF-") for p in written)


def test_data_downloads_are_reused_while_the_policies_are_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from validator.exports import cache as cache_module

    root = copy_repo_tree(tmp_path / "repo")
    cache = tmp_path / "cache"
    made: list[str] = []
    real = cache_module.reuse_or_write

    def spy(target: Path, key: str, kept: Path | None, write: Any) -> bool:
        reused = real(target, key, kept, write)
        if not reused:
            made.append(target.name)
        return reused

    monkeypatch.setattr("validator.exports.reuse_or_write", spy)
    write_downloads(_handbook(root), tmp_path / "a", io.StringIO(), pdf=False, cache=cache)
    assert sorted(made) == ["handbook.json", "training.xlsx"]
    made.clear()
    write_downloads(_handbook(root), tmp_path / "b", io.StringIO(), pdf=False, cache=cache)
    assert made == []
    for name in ("handbook.json", "training.xlsx"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
        # Reused by sharing the kept file, not by copying it.
        assert (tmp_path / "b" / name).stat().st_nlink == 2

    _edit_summary(root, "cs-specialist")
    write_downloads(_handbook(root), tmp_path / "c", io.StringIO(), pdf=False, cache=cache)
    assert sorted(made) == ["handbook.json", "training.xlsx"]
    assert "新：" in (tmp_path / "c" / "handbook.json").read_text(encoding="utf-8")
    # Only the latest copy of each download is kept.
    assert len(list((cache / "data").glob("handbook-*.json"))) == 1
    # What replaced the kept files left the downloads that shared them unchanged.
    for name in ("handbook.json", "training.xlsx"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def _project(destination: Path, *, search_cache: bool) -> Path:
    project = copy_project(destination)
    config_file = project / "mkdocs.yml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    # A fresh build keeps nothing between builds: neither search entries nor converted pages.
    settings = {
        "downloads": False,
        "search_cache": search_cache,
        "render_cache": search_cache,
        "parse_cache": search_cache,
    }
    config["plugins"] = [
        {"handbook": settings} if plugin == "handbook" else plugin for plugin in config["plugins"]
    ]
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return project


def test_a_cached_search_index_is_the_fresh_one(tmp_path: Path) -> None:
    fresh = _project(tmp_path / "fresh", search_cache=False)
    cached = _project(tmp_path / "cached", search_cache=True)
    outputs = {}
    logs = {}
    for name, project in (("fresh", fresh), ("cold", cached), ("warm", cached)):
        completed = build_site(project, tmp_path / f"site-{name}", verbose=True)
        assert completed.returncode == 0, completed.stderr
        outputs[name] = (tmp_path / f"site-{name}" / "search" / "search_index.json").read_bytes()
        logs[name] = completed.stderr
    # The cold build prepared its pages' entries on both cores of the test machine (CI's has
    # two), the warm one found them all kept.
    pages = len(list((tmp_path / "site-cold").rglob("index.html")))
    if len(os.sched_getaffinity(0)) > 1:
        shared = re.search(r"search entries of (\d+) pages prepared on (\d+) cores", logs["cold"])
        assert shared is not None and int(shared[1]) == pages and int(shared[2]) >= 2
    assert f"search cache: 0 pages reused, {pages} prepared" in logs["cold"]
    assert "search entries of" not in logs["warm"]
    assert f"search cache: {pages} pages reused, 0 prepared" in logs["warm"]
    assert not (fresh / ".cache").exists()
    assert (cached / ".cache" / "handbook" / "search-entries.jsonl").is_file()
    # The cold build loaded jieba's dictionary and kept it as a table for the edited build below.
    assert len(list((cached / ".cache" / "handbook").glob("jieba-*-words.sqlite"))) == 1
    assert outputs["fresh"] == outputs["cold"] == outputs["warm"]

    # An edited role is prepared again; the index is still the one a fresh build makes.
    _edit_summary(cached, "cs-specialist")
    _edit_summary(fresh, "cs-specialist")
    for name, project in (("fresh-edited", fresh), ("warm-edited", cached)):
        completed = build_site(project, tmp_path / f"site-{name}")
        assert completed.returncode == 0, completed.stderr
        outputs[name] = (tmp_path / f"site-{name}" / "search" / "search_index.json").read_bytes()
    assert outputs["fresh-edited"] == outputs["warm-edited"] != outputs["fresh"]


def _serve_build(project: Path, site: Path) -> None:
    """One build as `mkdocs serve` makes it (the plugins told it is serving)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="serve", dirty=False)
    build(config)


def test_a_preview_links_the_pdfs_it_has_and_says_which_the_published_build_prints(
    tmp_path: Path, printed: list[str]
) -> None:
    project = copy_project(tmp_path / "project")
    assert build_site(project, tmp_path / "published").returncode == 0
    printed.clear()
    _edit_summary(project, "security-officer")
    site = tmp_path / "preview"
    _serve_build(project, site)
    assert printed == []  # a preview never waits for the browser
    edited = (site / "roles" / "security-officer" / "index.html").read_text(encoding="utf-8")
    assert "本次预览没有生成这个文件" in edited
    assert "security-officer.pdf" not in edited
    assert not (site / "downloads" / "roles" / "security-officer.pdf").exists()
    other = (site / "roles" / "cs-specialist" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../downloads/roles/cs-specialist.pdf"' in other
    assert (site / "downloads" / "roles" / "cs-specialist.pdf").is_file()
    # The whole handbook holds the edited role's page, so it waits for the published build too.
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "handbook.pdf" not in home and "本次预览没有生成这个文件" in home


@pytest.mark.skipif(not pdf_available(), reason="needs Chromium")
def test_a_site_build_publishes_the_prints_it_keeps(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    for number in (1, 2):
        if number == 2:
            _edit_summary(project, "cs-specialist")
        site = tmp_path / f"site-{number}"
        completed = build_site(project, site)
        assert completed.returncode == 0, completed.stderr
        published = sorted((site / "downloads").rglob("*.pdf"))
        kept = sorted((project / ".cache" / "handbook" / "pdf").glob("*.pdf"))
        # Every PDF the site links is one kept print, shared rather than copied, and the cache
        # holds this build's prints only: after the edit, not the superseded two as well.
        assert (
            len(published)
            == len(kept)
            == len(list((project / "policies/roles").glob("*.yaml"))) + 1
        )
        assert {p.stat().st_ino for p in published} == {p.stat().st_ino for p in kept}


def test_a_damaged_search_cache_only_costs_time(tmp_path: Path) -> None:
    project = without_downloads(copy_project(tmp_path / "project"))
    first = build_site(project, tmp_path / "first")
    assert first.returncode == 0, first.stderr
    fresh = (tmp_path / "first" / "search" / "search_index.json").read_bytes()
    kept = project / ".cache" / "handbook" / "search-entries.jsonl"
    header, line, *rest = kept.read_text(encoding="utf-8").splitlines()
    key = json.loads(line)[0]
    damages = {
        "not entries": json.dumps([key, [1]]),
        "an entry without its fields": json.dumps([key, [{}]]),
        "nested past Python's limit": "[" * 100_000 + "]" * 100_000,
        "cut short": line[: len(line) // 2],
    }
    for name, damaged in damages.items():
        kept.write_text("\n".join([header, damaged, *rest]) + "\n", encoding="utf-8")
        built = build_site(project, tmp_path / name)
        assert built.returncode == 0, (name, built.stderr)
        assert (tmp_path / name / "search" / "search_index.json").read_bytes() == fresh, name
