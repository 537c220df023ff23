"""The handbook site as `mkdocs build --strict` makes it."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, build_site, copy_project

pytestmark = pytest.mark.slow

OUTSIDE = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//(?!127\.0\.0\.1|localhost)""", re.I)
ARTICLE = re.compile(r"<article.*?</article>", re.S)


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_shipped_site_builds_strict_with_every_page(built_site: Path) -> None:
    pages = {p.relative_to(built_site).as_posix() for p in html_pages(built_site)}
    roles = sum(1 for _ in (REPO / "policies/roles").glob("*.yaml"))
    modules = sum(1 for _ in (REPO / "policies/training").glob("*.yaml"))
    assert "roles/cs-specialist/index.html" in pages
    assert "training/m-cs-03/index.html" in pages
    assert "editor-guide/index.html" in pages and "introduction/index.html" in pages
    assert len(pages) >= roles + modules + 15


def test_pages_are_chinese_first(built_site: Path) -> None:
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh"' in home
    page = (built_site / "roles/cs-specialist/index.html").read_text(encoding="utf-8")
    assert "客户服务专员/助理" in page and 'lang="en">Customer Service Specialist' in page


def test_nothing_is_loaded_from_outside_hosts(built_site: Path) -> None:
    for page in html_pages(built_site):
        html = page.read_text(encoding="utf-8")
        head_and_scripts = re.findall(r"<(?:script|link|img|iframe)[^>]*>", html)
        # A canonical link names the site's own address; browsers never fetch it.
        fetched = [tag for tag in head_and_scripts if 'rel="canonical"' not in tag]
        offenders = [tag for tag in fetched if OUTSIDE.search(tag)]
        assert offenders == [], (page, offenders)
    for sheet in built_site.rglob("*.css"):
        assert "fonts.googleapis" not in sheet.read_text(encoding="utf-8"), sheet


def test_to_verify_facts_are_marked(built_site: Path) -> None:
    regulations = (built_site / "regulations/index.html").read_text(encoding="utf-8")
    assert regulations.count('class="hb-status hb-to-verify"') >= 10


def test_failing_policies_stop_the_build_with_file_and_line(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    (project / "policies/training/m-cs-05.yaml").unlink()
    completed = build_site(project, tmp_path / "site")
    assert completed.returncode != 0
    role = (project / "policies/roles/cs-specialist.yaml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(role, 1) if "- id: cs.move-in-renovation" in text)
    assert f"policies/roles/cs-specialist.yaml:{line}:5: [duty-has-training]" in completed.stderr
    assert "Policy validation failed" in completed.stderr


def _theme_edit_button(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    """The theme's edit link, to the repository named in mkdocs.yml (not from the data)."""
    repository = str(yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["repo_url"])
    found = dict(attrs)
    return (
        tag == "a"
        and found.get("rel") == "edit"
        and (found.get("href") or "").startswith(repository.rstrip("/") + "/")
    )


class LiveMarkup(HTMLParser):
    """Collects elements and attributes that could run or load something."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "iframe", "style", "img", "object", "embed", "form"}:
            self.found.append(tag)
        if _theme_edit_button(tag, attrs):
            return
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if (
                name in {"href", "src"}
                and value
                and re.match(r"\s*(javascript|data|https?):", value, re.I)
            ):
                self.found.append(f"{tag}[{name}={value}]")


def test_payloads_render_as_text(poisoned_site: Path) -> None:
    articles = 0
    for page in html_pages(poisoned_site):
        for article in ARTICLE.findall(page.read_text(encoding="utf-8")):
            articles += 1
            parser = LiveMarkup()
            parser.feed(article)
            assert parser.found == [], (page, parser.found[:5])
    assert articles > 70
    role = (poisoned_site / "roles/cs-specialist/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in role


def test_the_live_markup_check_catches_live_markup() -> None:
    parser = LiveMarkup()
    parser.feed(
        '<p><img src=x onerror="x()"><a href="javascript:x()">a</a><script>x()</script></p>'
    )
    assert parser.found == ["img", "img[onerror]", "a[href=javascript:x()]", "script"]


def test_serve_rebuilds_when_policies_or_schemas_change() -> None:
    from mkdocs.config import load_config

    config = load_config(str(REPO / "mkdocs.yml"))
    watched = {Path(path).resolve() for path in config["watch"]}
    assert {(REPO / "policies").resolve(), (REPO / "schemas").resolve()} <= watched
    assert config["theme"]["language"] == "zh"
    assert config["theme"]["font"] is False
