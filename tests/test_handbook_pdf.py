"""The printed handbook: cover, contents, bookmarks, roles by tier in reporting order."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from tests.conftest import REPO, TODAY
from validator.cli import main
from validator.engine import run
from validator.model import Handbook


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
    cover = reader.pages[0].extract_text() or ""
    title = handbook.settings["title"]["zh"]
    assert cover.startswith(f"{title}\n版本 {handbook.settings['version']}")
    contents = reader.pages[1].extract_text() or ""
    assert contents.startswith("目录\n1. 组织架构\n2. 岗位说明书：")
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
