"""Status words (建议, 待核实) are explained on the pages that show them, kept out of titles."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO, TODAY
from validator.engine import run
from validator.render import Site, render
from validator.render.markup import STATUS_MEANING

MARK = re.compile(r'class="hb-status hb-([a-z-]+)" href="#hb-legend"')


@pytest.fixture(scope="module")
def site() -> Site:
    result = run(REPO, today=TODAY)
    assert result.handbook is not None
    return render(result.handbook)


def test_no_heading_or_title_carries_a_status_word(site: Site) -> None:
    marked = [path for path, page in site.pages.items() if MARK.search(page)]
    assert "training/m-sec-01.md" in marked
    for path in marked:
        page = site.pages[path]
        title = page.split("\n")[1]
        assert "建议" not in title and "待核实" not in title, path
        headings = [line for line in page.split("\n") if line.startswith("#")]
        assert headings
        assert not [h for h in headings if "hb-status" in h], path


def test_every_page_explains_the_words_it_uses_and_only_those(site: Site) -> None:
    for path, page in site.pages.items():
        used = set(MARK.findall(page))
        legend = page.split('id="hb-legend"', 1)[1] if 'id="hb-legend"' in page else ""
        explained = {status for status, meaning in STATUS_MEANING.items() if meaning in legend}
        assert explained == used, path


def test_the_proposal_mark_says_it_is_not_optional(site: Site) -> None:
    page = site.pages["training/m-sec-01.md"]
    assert 'href="#hb-legend"' in page
    assert "正等待公司批准" in page.split('id="hb-legend"', 1)[1]
    assert "不是“可学可不学”" in page
