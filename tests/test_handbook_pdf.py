"""The printed handbook: cover, contents, bookmarks, roles by tier in reporting order."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import REPO, TODAY, copy_repo_tree
from validator.cli import main
from validator.engine import run
from validator.model import Handbook
from validator.render import render
from validator.render.downloads import volumes

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def handbook() -> Handbook:
    result = run(REPO, today=TODAY)
    assert result.handbook is not None
    return result.handbook


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> PdfReader:
    folder = tmp_path_factory.mktemp("pdf")
    assert main(["export", "pdf", "-o", str(folder), "--root", str(REPO)]) == 0
    return PdfReader(folder / "handbook.pdf")


def test_cover_and_contents_come_first_and_the_web_home_page_is_left_out(
    reader: PdfReader, handbook: Handbook
) -> None:
    def body(page: int) -> str:
        """The page's text without its footer (the one line naming the print date)."""
        lines = (reader.pages[page].extract_text() or "").splitlines()
        return "\n".join(line for line in lines if "生成于" not in line)

    title = handbook.settings["title"]["zh"]
    assert body(0).startswith(f"{title}\n版本 {handbook.settings['version']}")
    assert body(1).startswith("目录\n1. 组织架构\n2. 岗位说明书：")
    text = "".join(page.extract_text() or "" for page in reader.pages)
    for web_only in ("搜索框", "下载整本手册", "下载打印版", "点图中的岗位"):
        assert web_only not in text


def test_bookmarks_give_parts_then_tiers_with_their_roles_in_reporting_order(
    reader: PdfReader, handbook: Handbook
) -> None:
    resolved = handbook.resolved
    top = [item.title for item in reader.outline if not isinstance(item, list)]
    tiers = [t for t in resolved.tiers if resolved.roles_by_tier.get(t.id)]
    assert top == [
        "目录",
        "1. 组织架构",
        *[f"{n}. 岗位说明书：{t.display('zh')}" for n, t in enumerate(tiers, start=2)],
        f"{len(tiers) + 2}. 培训体系",
        f"{len(tiers) + 3}. 服务标准",
        f"{len(tiers) + 4}. 法律法规",
        f"{len(tiers) + 5}. 持证要求",
    ]
    children = [item for item in reader.outline if isinstance(item, list)]
    for tier, nested in zip(tiers, children[1 : 1 + len(tiers)], strict=True):
        roles = [item.title for item in nested if not isinstance(item, list)]
        assert roles == [role.display("zh") for role in resolved.roles_by_tier[tier.id]]
    # The standards part lists its overview and its areas, not its own title again.
    outline = list(reader.outline)
    standards = outline.index(
        next(i for i in outline if getattr(i, "title", "").endswith("服务标准"))
    )
    areas = [item.title for item in outline[standards + 1] if not isinstance(item, list)]
    assert areas == ["概述", *(area.display("zh") for area in handbook.all("area"))]
    pages = [
        reader.get_destination_page_number(i) for i in reader.outline if not isinstance(i, list)
    ]
    assert pages == sorted(pages)
    print(f"\nhandbook.pdf: {len(reader.pages)} pages, bookmarks: {top}")


def test_reporting_order_puts_each_manager_before_its_reports(handbook: Handbook) -> None:
    order = [role.id for role in handbook.resolved.reporting_order]
    assert sorted(order) == sorted(role.id for role in handbook.all("role"))
    for role in handbook.all("role"):
        manager = role.data.get("reports_to")
        if manager:
            assert order.index(manager) < order.index(role.id)


def volume_roles(root: Path, limit: int) -> None:
    settings = root / "policies" / "handbook.yaml"
    text = settings.read_text(encoding="utf-8").split("\nprint:\n")[0].rstrip("\n")
    settings.write_text(text + f"\nprint:\n  volume_roles: {limit}\n", encoding="utf-8")


def test_a_large_handbook_prints_in_volumes_each_role_once(tmp_path: Path) -> None:
    root = copy_repo_tree(tmp_path / "repo")
    volume_roles(root, 4)
    result = run(root, today=TODAY)
    assert result.handbook is not None and not result.failed
    resolved = result.handbook.resolved
    folder = tmp_path / "out"
    assert main(["export", "pdf", "-o", str(folder), "--root", str(root)]) == 0
    files = sorted(p.name for p in folder.glob("handbook*.pdf"))
    plan = volumes(result.handbook)
    assert files == [f"handbook-{n:02d}.pdf" for n in range(1, len(plan) + 1)]
    front = PdfReader(folder / "handbook-01.pdf")
    front_top = [item.title for item in front.outline if not isinstance(item, list)]
    assert front_top == [
        "目录",
        "1. 组织架构",
        "2. 培训体系",
        "3. 服务标准",
        "4. 法律法规",
        "5. 持证要求",
    ]
    contents = front.pages[1].extract_text() or ""
    assert "全部分册" in contents and f"handbook-{len(plan):02d}.pdf" in contents
    printed: list[str] = []
    for number in range(2, len(plan) + 1):
        reader = PdfReader(folder / f"handbook-{number:02d}.pdf")
        (heading, nested) = [item for item in reader.outline if item != reader.outline[0]]
        roles = [item.title for item in nested if not isinstance(item, list)]
        assert 1 <= len(roles) <= 4
        assert heading.title.startswith("1. 岗位说明书：")
        printed += roles
    # Every role once, frontline first, in the handbook's one order.
    assert printed == [role.display("zh") for role in resolved.ordered_roles]
    # Back to one volume: the volumes are replaced by the single file, none left behind.
    volume_roles(root, 1000)
    assert main(["export", "pdf", "-o", str(folder), "--root", str(root)]) == 0
    assert sorted(p.name for p in folder.glob("handbook*.pdf")) == ["handbook.pdf"]


def test_a_large_tier_is_split_by_region_and_the_home_page_lists_the_volumes(
    tmp_path: Path,
) -> None:
    root = copy_repo_tree(tmp_path / "repo")
    volume_roles(root, 3)
    result = run(root, today=TODAY)
    assert result.handbook is not None
    handbook = result.handbook
    plan = volumes(handbook)
    assert plan[0].front and plan[0].groups == ()
    branch_of = handbook.resolved.branch_of
    for volume in plan[1:]:
        ((heading, roles),) = volume.groups
        assert heading == volume.title and 1 <= len(roles) <= 3
        tiers = {role.data["tier"] for role in roles}
        assert len(tiers) == 1
        heads = {branch_of[role.id].id if branch_of[role.id] else None for role in roles}
        tier_size = len(handbook.resolved.roles_by_tier[tiers.pop()])
        if tier_size > 3:
            # A tier too large for one volume is split along the reporting lines: each volume
            # holds one region's roles, named in its title.
            assert len(heads) == 1
            head = heads.pop()
            name = handbook.get("role", head).display("zh") if head else "总部"
            assert name in volume.title
    home = render(handbook).pages["index.md"]
    for volume in plan:
        assert f'href="../{volume.path}"' not in home  # the home page is the site root
        assert f'href="{volume.path}"' in home
        assert f"第 {volume.number} 册：" in home


def test_a_standards_facts_stay_together_and_the_review_note_follows_them(
    reader: PdfReader,
) -> None:
    # A standard's facts (unit, frequency, owner...) are one short list: a page never starts in
    # the middle of one, and a page never starts with a section's review note alone.
    middle = ("检查频次：", "负责岗位：", "衡量职责：", "依据：", "出处：", "手册版本 ")
    for number, page in enumerate(reader.pages, start=1):
        lines = [line.strip() for line in (page.extract_text() or "").splitlines()]
        first = next((line for line in lines if line), "")
        assert not first.startswith(middle), (number, first)
