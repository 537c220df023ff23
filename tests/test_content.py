"""The shipped content: modules say what they teach, the training system is data, and the
legal duties say what the law says. Tests read ids and texts, never line numbers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, TODAY
from validator.engine import run
from validator.model import Handbook
from validator.render import Site, render


@pytest.fixture(scope="module")
def shipped() -> Handbook:
    result = run(REPO, today=TODAY)
    assert result.handbook is not None
    return result.handbook


@pytest.fixture(scope="module")
def site(shipped: Handbook) -> Site:
    return render(shipped)


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "schemas", tmp_path / "schemas")
    shutil.copytree(REPO / "policies", tmp_path / "policies")
    return tmp_path


def test_every_module_states_outcomes_and_an_outline_that_fills_its_hours(
    shipped: Handbook,
) -> None:
    modules = list(shipped.all("module"))
    assert len(modules) >= 50
    for module in modules:
        outcomes = module.data.get("outcomes") or []
        outline = module.data.get("outline") or []
        assert 3 <= len(outcomes) <= 6, module.id
        assert all(o.get("zh") and o.get("en") for o in outcomes), module.id
        assert sum(part["minutes"] for part in outline) == round(module.data["hours"] * 60)
        # Outcomes and outline are the handbook's proposal, like the module itself.
        assert module.data["status"] == "suggested", module.id


def test_a_module_page_says_what_it_teaches_before_the_facts(site: Site) -> None:
    page = site.pages["training/m-sec-01.md"]
    outcomes, facts, outline = (
        page.index("## 学习目标"),
        page.index("| 项目 |"),
        page.index("## 课程大纲"),
    )
    assert outcomes < facts < outline
    assert "在门岗和道口核查人员" in page
    assert "**480**（8 学时）" in page
    assert "| 专业方向 |" in page and "门岗/道口岗" in page


def test_the_training_system_page_is_drawn_from_the_data(shipped: Handbook, site: Site) -> None:
    page = site.pages["training/training-system.md"]
    for kind in ("training-category", "training-stage", "delivery-method", "assessment-level"):
        entities = list(shipped.all(kind))
        assert entities, kind
        for entity in entities:
            assert entity.display("zh") in page, (kind, entity.id)
    # The completion of the lost part of the source is marked as a proposal.
    assert 'class="hb-status hb-suggested"' in page.split("## 培训原则", 1)[0]
    assert "training-system.md" in site.pages["training/index.md"]


def test_renaming_a_category_in_the_data_renames_it_on_the_pages(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / "policies/training-system.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for category in data["categories"]:
        if category["id"] == "skills":
            category["name"]["zh"] = "岗位技能（改名）"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run(root, today=TODAY)
    assert result.handbook is not None and not result.failed
    pages = render(result.handbook).pages
    assert "岗位技能（改名）" in pages["training/m-sec-01.md"]
    assert "## 岗位技能（改名）" in pages["training/index.md"]


def test_without_the_training_system_file_the_pages_fall_back_to_ids(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "policies/training-system.yaml").unlink()
    result = run(root, today=TODAY)
    assert result.handbook is not None and not result.failed
    pages = render(result.handbook).pages
    assert "training/training-system.md" not in pages
    assert "## skills" in pages["training/index.md"]


def test_the_project_manager_stops_and_reports_breaches(shipped: Handbook) -> None:
    duty = shipped.get("duty", "pm.compliance-stop")
    assert duty is not None
    zh, en = duty.text("text", "zh"), duty.text("text", "en")
    assert "制止" in zh and "报告" in zh and "制止不了" not in zh
    assert "cannot be stopped" not in en and "report" in en


def test_the_statutory_first_responsible_roles_stay_with_the_principal(shipped: Handbook) -> None:
    manager = shipped.get("role", "project-manager")
    assert manager is not None
    texts = [manager.text("summary")] + [
        d.text("text") for d in shipped.all("duty") if d.parent == "project-manager"
    ]
    for text in texts:
        assert "第一责任人" not in text or "总经理" in text
        assert "消防安全责任人" not in text or "总经理" in text
    assert "消防安全管理人" in manager.text("summary")
