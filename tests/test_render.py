"""The pure renderer: every page exists, every link and anchor resolves, data text stays inert."""

from __future__ import annotations

import posixpath
import re
import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, TODAY
from tests.payloads import PAYLOAD, poison_policies
from validator.engine import run
from validator.render import Site, expand_nav, nav_paths, render
from validator.render.markup import esc

LINK = re.compile(r"\]\(([^)\s]+)\)")
ANCHOR = re.compile(r'id="([^"]+)"|\{#([^}\s]+)\}')
HAND_WRITTEN = {"introduction.md", "editor-guide.md"}


@pytest.fixture(scope="module")
def site() -> Site:
    result = run(REPO, today=TODAY)
    assert result.handbook is not None
    return render(result.handbook)


def test_a_page_for_every_role_module_and_area(site: Site) -> None:
    roles = {p.stem for p in (REPO / "policies/roles").glob("*.yaml")}
    modules = {p.stem for p in (REPO / "policies/training").glob("*.yaml")}
    areas = {p.stem for p in (REPO / "policies/standards").glob("*.yaml")}
    assert {f"roles/{r}.md" for r in roles} <= set(site.pages)
    assert {f"training/{m}.md" for m in modules} <= set(site.pages)
    assert {f"standards/{a}.md" for a in areas} <= set(site.pages)
    for page in ("index.md", "organisation.md", "coverage.md", "rules.md", "waivers.md"):
        assert page in site.pages


def test_every_link_and_anchor_resolves(site: Site) -> None:
    anchors = {
        path: {a or b for a, b in ANCHOR.findall(markdown)} for path, markdown in site.pages.items()
    }
    known = set(site.pages) | HAND_WRITTEN
    checked = 0
    for path, markdown in site.pages.items():
        for target in LINK.findall(markdown):
            page, _, fragment = target.partition("#")
            resolved = (
                posixpath.normpath(posixpath.join(posixpath.dirname(path), page)) if page else path
            )
            assert resolved in known, (path, target)
            if fragment and resolved in anchors:
                assert fragment in anchors[resolved], (path, target)
            checked += 1
    assert checked > 1000


def test_every_id_on_a_role_page_is_a_link(site: Site) -> None:
    page = site.pages["roles/cs-specialist.md"]
    assert "[客服主管](cs-supervisor.md)" in page
    assert "[M-CS-03 投诉处理与满意度管理](../training/m-cs-03.md)" in page
    assert "[投诉答复时限](../standards/customer-service.md#cs-complaint-reply)" in page
    assert '<div class="hb-duty" id="cs-complaint" markdown>' in page


def test_navigation_lists_roles_by_tier_frontline_first(site: Site) -> None:
    authored = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    nav = expand_nav(authored, site)
    sections = [next(iter(item)) for item in nav]
    assert sections[:4] == ["首页", "简介", "组织架构", "岗位说明书"]
    roles = nav[3]["岗位说明书"]
    assert roles[0] == "roles/index.md"
    assert next(iter(roles[1])) == "基层操作与服务类"
    assert "handbook:" not in str(nav)


def test_default_navigation_holds_every_generated_section(site: Site) -> None:
    listed = set(nav_paths(site.nav))
    assert {"index.md", "roles/index.md", "roles/cs-specialist.md", "standards/security.md"} <= (
        listed
    )
    assert "handbook:" not in str(site.nav)


def test_escaping_turns_markup_into_character_references() -> None:
    escaped = esc(PAYLOAD)
    for dangerous in ("<", ">", "[", "]", "(", ")", "{", "}", "`", "*", "_", "=", ":"):
        assert dangerous not in escaped
    assert esc("第 1 行\n第 2 行") == "第 1 行 第 2 行"


def test_payloads_in_every_text_field_stay_inert(tmp_path: Path) -> None:
    shutil.copytree(REPO / "schemas", tmp_path / "schemas")
    shutil.copytree(REPO / "policies", tmp_path / "policies")
    assert poison_policies(tmp_path / "policies") > 60
    result = run(tmp_path, today=TODAY)
    assert not result.failed, [str(f.location) for f in result.findings if f.fails][:5]
    assert result.handbook is not None
    pages = render(result.handbook).pages
    titles = [page.split("\n---\n", 1)[0] for page in pages.values()]
    bodies = [page.split("\n---\n", 1)[1] for page in pages.values()]
    # Titles go into templates that do not escape: they must hold no raw angle bracket.
    assert all("<" not in t and ">" not in t for t in titles)
    assert sum("&lt;script&gt;" in t for t in titles) > 50
    text = "\n".join(bodies)
    assert text.count("&lt;script&gt;window.") > 100
    for forbidden in (
        "<script",
        "onerror=",
        "](javascript",
        "<iframe",
        "{: onclick",
        "<style",
        "<img",
    ):
        assert forbidden not in text
