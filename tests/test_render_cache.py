"""Pages unchanged since an earlier build are not converted again, and the site is the same
byte for byte as one built without the cache; a page whose conversion warned is never reused."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import build_site, commit_all, copy_project, without_downloads
from validator.render import SEARCH_BOOSTS

pytestmark = pytest.mark.slow


def pages(site: Path) -> dict[str, str]:
    return {
        path.relative_to(site).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(site.rglob("*.html"))
    }


def entries(project: Path) -> set[str]:
    return {path.name for path in (project / ".cache" / "handbook" / "html").glob("*.json")}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return without_downloads(copy_project(tmp_path_factory.mktemp("cached") / "project"))


def test_a_second_build_reuses_every_page_and_writes_the_same_site(
    project: Path, tmp_path: Path
) -> None:
    first = build_site(project, tmp_path / "first")
    assert first.returncode == 0, first.stderr
    kept = entries(project)
    built = pages(tmp_path / "first")
    assert len(kept) == len([p for p in built if p != "404.html"])
    # The theme's templates are kept compiled too; the second build loads them from there.
    templates = project / ".cache" / "handbook" / "templates"
    assert len([kept for kept in templates.rglob("*") if kept.is_file()]) >= 10
    second = build_site(project, tmp_path / "second")
    assert second.returncode == 0, second.stderr
    assert entries(project) == kept
    assert pages(tmp_path / "second") == built
    # The first build converted its pages on every core (a cold cache); the site is still the
    # one MkDocs makes on its own.
    plain = without_downloads(copy_project(tmp_path / "plain"), render_cache=False)
    assert build_site(plain, tmp_path / "uncached").returncode == 0
    assert pages(tmp_path / "uncached") == built


def test_an_edit_converts_the_pages_it_changes_and_matches_an_uncached_build(
    project: Path, tmp_path: Path
) -> None:
    assert build_site(project, tmp_path / "before").returncode == 0
    before = entries(project)
    role = project / "policies" / "roles" / "security-officer.yaml"
    text = role.read_text(encoding="utf-8")
    edited, count = re.subn(r"(summary:\n  zh: '?)", r"\g<1>（已修订）", text, count=1)
    assert count == 1
    role.write_text(edited, encoding="utf-8")
    assert build_site(project, tmp_path / "after").returncode == 0
    after = entries(project)
    # New entries for the pages the edit changed; the entries they replace are pruned.
    assert after != before and len(after) == len(before)
    assert len(after - before) < len(before) // 4
    plain = without_downloads(copy_project(tmp_path / "plain"), render_cache=False)
    plain_role = plain / "policies" / "roles" / "security-officer.yaml"
    plain_role.write_text(edited, encoding="utf-8")
    assert build_site(plain, tmp_path / "uncached").returncode == 0
    assert not (plain / ".cache" / "handbook" / "html").exists()
    assert pages(tmp_path / "after") == pages(tmp_path / "uncached")


def test_a_page_with_a_broken_link_fails_every_strict_build(tmp_path: Path) -> None:
    project = without_downloads(copy_project(tmp_path / "project"))
    (project / "docs" / "glossary.md").write_text(
        "# 术语表\n\n见[不存在的页面](missing.md)。\n", encoding="utf-8"
    )
    for attempt in ("one", "two"):
        completed = build_site(project, tmp_path / attempt)
        assert completed.returncode != 0
        assert "missing.md" in completed.stderr


def test_a_committed_cache_is_not_trusted(tmp_path: Path) -> None:
    """A pull request could commit a cached page or PDF for a later build to publish: a build
    whose cache folder holds committed files says so and uses no cache at all."""
    project = without_downloads(copy_project(tmp_path / "project"))
    commit_all(project)
    assert build_site(project, tmp_path / "clean").returncode == 0
    assert len(entries(project)) > 1  # an uncommitted cache is used: the pages were kept
    planted = project / ".cache" / "handbook" / "html" / "planted.json"
    planted.write_text('{"content": "<p>planted</p>"}', encoding="utf-8")
    subprocess.run(["git", "-C", str(project), "add", "-f", str(planted)], check=True)
    commit_all(project, "commit the cache")  # the copy has no .gitignore: all of it
    completed = build_site(project, tmp_path / "committed")
    # The warning fails a strict build, so CI stops before publishing anything.
    assert completed.returncode != 0
    assert "committed under the cache folder" in completed.stderr
    assert "个文件被提交到了缓存目录 .cache/handbook/" in completed.stderr


def test_a_cache_folder_reached_through_a_link_is_not_trusted(tmp_path: Path) -> None:
    """A commit may put a link where the cache folder is and the cache it leads to elsewhere,
    where nothing is under the cache folder for git to list: the build says so and uses none."""
    project = without_downloads(copy_project(tmp_path / "project"))
    assert build_site(project, tmp_path / "clean").returncode == 0
    (project / "fixtures").mkdir()
    (project / ".cache").rename(project / "fixtures" / "kept")
    (project / ".cache").symlink_to("fixtures/kept")
    commit_all(project, "a linked cache")
    completed = build_site(project, tmp_path / "linked")
    assert completed.returncode != 0
    assert "The cache folder is reached through a link" in completed.stderr
    assert "缓存目录 .cache/handbook/ 经过链接 .cache" in completed.stderr


_HELD = """
import json
from pathlib import Path


def on_env(env, config, files):
    held = {
        file.src_uri: [
            len(file.page.markdown), len(file.content_string), file.page.title, file.page.meta
        ]
        for file in files.documentation_pages()
        if file.page is not None
    }
    Path(config.config_file_path).with_name("held.json").write_text(json.dumps(held))
"""


@pytest.mark.parametrize("cache", ["cold", "warm"])
def test_a_generated_pages_markdown_is_let_go_once_converted(
    project: Path, tmp_path: Path, cache: str
) -> None:
    # MkDocs holds every page until the last is written; a national group's Markdown would be
    # held twice over (the file's and the page's) beside the HTML.
    (project / "held.py").write_text(_HELD, encoding="utf-8")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text + "\nhooks:\n  - held.py\n", encoding="utf-8")
    if cache == "cold":
        shutil.rmtree(project / ".cache", ignore_errors=True)
    try:
        built = build_site(project, tmp_path / "site")
    finally:
        config.write_text(text, encoding="utf-8")
    assert built.returncode == 0, built.stderr
    held = json.loads((project / "held.json").read_text(encoding="utf-8"))
    generated = {path: sizes for path, sizes in held.items() if path.startswith("roles/")}
    roles = {f"roles/{path.stem}.md" for path in (project / "policies" / "roles").glob("*.yaml")}
    assert set(generated) == {"roles/index.md", *roles}
    for path, (markdown, source, title, meta) in generated.items():
        assert (markdown, source) == (0, 0), path
        # The front matter stays: the page's title and what search makes of it.
        boost = SEARCH_BOOSTS["roles/index.md" if path == "roles/index.md" else "roles/"]
        assert meta == {"title": title, "search": {"boost": boost}}, path
    # A hand-written page is MkDocs' own: left as it is.
    assert held["introduction.md"][0] > 0 and held["introduction.md"][1] > 0


def test_a_dirty_build_keeps_the_titles_of_the_pages_it_does_not_read(
    project: Path, tmp_path: Path
) -> None:
    # `mkdocs build --dirty` (and `serve --dirty`) reads only the pages changed since the last
    # build; the others keep what the previous reading gave them, their title included.
    extra = project / "docs" / "extra-page.md"
    extra.write_text("# 附加页面\n\n不在导航里的页面。\n", encoding="utf-8")
    site = tmp_path / "site"
    try:
        assert build_site(project, site).returncode == 0
        time.sleep(0.01)
        (project / "docs" / "introduction.md").touch()
        command = [sys.executable, "-m", "mkdocs", "build", "--dirty", "--no-strict"]
        command += ["--config-file", str(project / "mkdocs.yml"), "--site-dir", str(site)]
        environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        dirty = subprocess.run(command, capture_output=True, text=True, env=environment)
    finally:
        extra.unlink()
    assert dirty.returncode == 0, dirty.stderr
    rebuilt = (site / "introduction" / "index.html").read_text(encoding="utf-8")
    assert "附加页面" in rebuilt
    assert ">None<" not in rebuilt and "None\n" not in rebuilt


def test_a_cache_entry_that_cannot_be_removed_only_takes_room(
    project: Path, tmp_path: Path
) -> None:
    stale = project / ".cache" / "handbook" / "html" / "stale.json"
    stale.mkdir(parents=True)
    try:
        built = build_site(project, tmp_path / "site")
        assert built.returncode == 0, built.stderr
        assert stale.is_dir()
    finally:
        stale.rmdir()


def test_pages_converted_by_the_workers_are_used_when_the_cache_cannot_be_written(
    tmp_path: Path,
) -> None:
    unwritable = without_downloads(copy_project(tmp_path / "unwritable"))
    (unwritable / ".cache" / "handbook").mkdir(parents=True)
    (unwritable / ".cache" / "handbook" / "html").write_text("not a folder", encoding="utf-8")
    built = build_site(unwritable, tmp_path / "site", verbose=True)
    assert built.returncode == 0, built.stderr
    # Every page was converted once, by the workers, and came back to the build: none was
    # converted a second time in the build itself.
    count = len([p for p in pages(tmp_path / "site") if p != "404.html"])
    assert f"pages converted: 0, reused: {count}" in built.stderr
    plain = without_downloads(copy_project(tmp_path / "plain"), render_cache=False)
    assert build_site(plain, tmp_path / "uncached").returncode == 0
    assert pages(tmp_path / "site") == pages(tmp_path / "uncached")


def test_what_a_stopped_worker_left_half_written_is_removed_once_surely_stale(
    project: Path, tmp_path: Path
) -> None:
    folder = project / ".cache" / "handbook"
    (folder / "html").mkdir(parents=True, exist_ok=True)
    stale = [folder / "html" / ".0123.json.ab12cd34.tmp", folder / ".words-0011223344556677.tmp"]
    fresh = folder / "html" / ".4567.json.ef56ab78.tmp"
    for path in [*stale, fresh]:
        path.write_text("half", encoding="utf-8")
    two_hours_ago = time.time() - 7200
    for path in stale:
        os.utime(path, (two_hours_ago, two_hours_ago))
    built = build_site(project, tmp_path / "site")
    assert built.returncode == 0, built.stderr
    # A recent one may be another build's work in progress.
    assert [path.exists() for path in [*stale, fresh]] == [False, False, True]
    fresh.unlink()
