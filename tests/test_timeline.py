"""The training timeline on a role page, read back from the built site's HTML.

Each mark is found where a reader finds it: in the column (wide layout) of its month on the
month axis, with its hours inside and its module named; the expectations come from the
resolved plan the timeline must draw, and one from the shipped control room's certificate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import REPO, TODAY
from validator.engine import run
from validator.model import Handbook
from validator.render.markup import module_code
from validator.resolved import TrainingPath, is_certification

pytestmark = pytest.mark.slow


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    children: list[_Node] = field(default_factory=list)
    text: str = ""

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def find(self, tag: str, css: str | None = None) -> list[_Node]:
        found = []
        for child in self.children:
            if child.tag == tag and (css is None or css in child.classes()):
                found.append(child)
            found += child.find(tag, css)
        return found

    def all_text(self) -> str:
        return self.text + "".join(child.all_text() for child in self.children)


class _Tree(HTMLParser):
    _VOID = frozenset({"br", "img", "input", "meta", "link", "hr", "source", "wbr", "col"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in self._VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].text += data


def _page(site: Path, role: str) -> _Node:
    tree = _Tree()
    tree.feed((site / "roles" / role / "index.html").read_text(encoding="utf-8"))
    return tree.root


def _path_block(page: _Node, path: TrainingPath) -> _Node:
    wanted = f"path-{path.specialty}" if path.specialty else "path"
    blocks = [
        node
        for tag in ("details", "div")
        for node in page.find(tag)
        if node.attrs.get("id") == wanted
    ]
    assert len(blocks) == 1, wanted
    return blocks[0]


@pytest.fixture(scope="module")
def handbook() -> Handbook:
    result = run(REPO, today=TODAY)
    assert result.handbook is not None
    return result.handbook


_WHEN = re.compile(r"^(M-[A-Z]+-\d+)：(首年|之后每年)第 (\d+) 个月")


def _marks(timeline: _Node) -> list[tuple[_Node, re.Match[str]]]:
    found = []
    for mark in timeline.find("g", "hb-tl-mark"):
        matched = _WHEN.match(mark.find("title")[0].all_text())
        assert matched, mark.find("title")[0].all_text()
        found.append((mark, matched))
    return found


def _drawn(timeline: _Node) -> set[tuple[str, str, int, str, str]]:
    """(module code, year, month, hours, kind) of every mark, the month read from its title."""
    marks = set()
    for mark, matched in _marks(timeline):
        kind = next(c for c in mark.classes() if c != "hb-tl-mark")
        hours = mark.find("text")[0].all_text()
        marks.add((matched[1], matched[2], int(matched[3]), hours, kind))
    return marks


def _expected(path: TrainingPath) -> set[tuple[str, str, int, str, str]]:
    marks = set()
    for entry in path.plan:
        code = module_code(entry.module.id)
        certification = is_certification(entry.module)
        first = "hb-tl-onboarding" if entry.first_year_month == 1 else "hb-tl-on-the-job"
        kind = "hb-tl-certification" if certification else first
        marks.add((code, "首年", entry.first_year_month, f"{entry.hours:g}", kind))
        later = "hb-tl-certification" if certification else "hb-tl-refresher"
        for month in entry.first_year_refreshers:
            marks.add((code, "首年", month, f"{entry.refresher_hours:g}", later))
        for month in entry.steady_months:
            marks.add((code, "之后每年", month, f"{entry.refresher_hours:g}", later))
    return marks


def test_every_post_has_one_timeline_that_draws_its_plan(
    built_site: Path, handbook: Handbook
) -> None:
    role = handbook.get("role", "security-officer")
    assert role is not None
    page = _page(built_site, role.id)
    paths = handbook.resolved.paths_of(role)
    assert len(paths) > 1
    assert len(page.find("div", "hb-timeline")) == len(paths)
    for path in paths:
        (timeline,) = _path_block(page, path).find("div", "hb-timeline")
        drawn = _drawn(timeline)
        assert drawn == _expected(path), path.post.label()
        # The year-one marks add up to the year-one hours the page states.
        assert sum(float(hours) for _, year, _, hours, _ in drawn if year == "首年") == (
            path.first_year_hours
        )
        # Each module's name beside its mark links to the module's page.
        links = {a.attrs["href"] for a in timeline.find("a", "hb-tl-name")}
        assert links == {f"../../training/{e.module.id}/" for e in path.plan}


def test_a_mark_stands_beside_the_label_of_its_month(built_site: Path, handbook: Handbook) -> None:
    role = handbook.get("role", "eng-technician")
    assert role is not None
    page = _page(built_site, role.id)
    for path in handbook.resolved.paths_of(role):
        (timeline,) = _path_block(page, path).find("div", "hb-timeline")
        years = timeline.find("svg", "hb-tl-year")
        assert [y.find("text", "hb-tl-title")[0].all_text()[:2] for y in years] == ["首年", "之后"]
        for year in years:
            axis = [
                (float(t.attrs["y"]), int(t.all_text().strip("第月")))
                for t in year.find("text", "hb-tl-month")
            ]
            assert [m for _, m in axis] == sorted({m for _, m in axis})
            for mark, matched in _marks(year):
                # The month a reader sees is the last month label at or above the mark.
                y = float(mark.find("text")[0].attrs["y"])
                shown = [month for top, month in axis if top <= y][-1]
                assert shown == int(matched[3]), matched[0]


def test_the_control_room_certificate_is_a_diamond_before_the_post(
    built_site: Path, handbook: Handbook
) -> None:
    role = handbook.get("role", "security-officer")
    assert role is not None
    (path,) = [p for p in handbook.resolved.paths_of(role) if p.specialty == "control-room"]
    (timeline,) = _path_block(_page(built_site, role.id), path).find("div", "hb-timeline")
    certification = [m for m, _ in _marks(timeline) if "hb-tl-certification" in m.classes()]
    diamonds = [mark.find("title")[0].all_text() for mark in certification if mark.find("polygon")]
    assert len(certification) == len(diamonds)
    assert [d for d in diamonds if "首年" in d] == [
        "M-SEC-03：首年第 1 个月（上岗前），取证/复审，8 学时"
    ]
    # Nothing else on that post is certification training.
    assert all(d.startswith("M-SEC-03：") for d in diamonds)
