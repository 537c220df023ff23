"""Details of the built site a reader notices: addresses, the 404 page, the footer, dark mode."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ARTICLE = re.compile(r"<article[^>]*>(.*?)</article>", re.S)
FOOTER = re.compile(r"<footer[^>]*>(.*?)</footer>", re.S)


def test_source_addresses_read_as_addresses(built_site: Path) -> None:
    sources = (built_site / "sources/index.html").read_text(encoding="utf-8")
    assert "&amp;#" not in sources
    assert re.search(r"<code>https?(&#58;|:)//", sources)


def test_the_404_page_is_chinese_and_links_home(built_site: Path) -> None:
    page = (built_site / "404.html").read_text(encoding="utf-8")
    article = ARTICLE.findall(page)[0]
    assert "<h1>找不到这个页面</h1>" in article
    assert "Not found" not in page
    assert re.search(r'<a href="[^"]*">回到手册首页</a>', article)


def test_the_footer_links_nowhere_outside_and_names_the_company(built_site: Path) -> None:
    for path in ("index.html", "roles/security-officer/index.html", "404.html"):
        footer = FOOTER.findall((built_site / path).read_text(encoding="utf-8"))[0]
        assert "Material for MkDocs" not in footer
        assert "仅供内部使用" in footer
        assert not re.search(r'href="https?://', footer), path


def test_a_light_and_a_dark_palette_with_a_toggle(built_site: Path) -> None:
    page = (built_site / "index.html").read_text(encoding="utf-8")
    assert 'data-md-color-media="(prefers-color-scheme: light)"' in page
    assert 'data-md-color-media="(prefers-color-scheme: dark)"' in page
    assert 'title="切换到深色模式"' in page


def test_page_titles_name_the_page_once_and_carry_no_status_word(built_site: Path) -> None:
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert "<title>首页 - 物业管理人员岗位职责与培训手册</title>" in home
    module = (built_site / "training/m-sec-01/index.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", module)
    assert title is not None
    assert title.group(1) == "M-SEC-01 门岗与出入管理、交接班 - 物业管理人员岗位职责与培训手册"
