"""The seed-overlap measure: it finds a copy, ignores punctuation and titles."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _module() -> ModuleType:
    path = ROOT / "benchmarks/seed_overlap.py"
    spec = importlib.util.spec_from_file_location("seed_overlap", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


SEED = "<!-- note -->\n1.客户服务专员/助理:\n*领导部门团队建设,培养核心管理人才。\n"


def _run(tmp_path: Path, zh: str) -> int:
    (tmp_path / "seed.md").write_text(SEED, encoding="utf-8")
    pol = tmp_path / "policies"
    pol.mkdir()
    (pol / "a.yaml").write_text(f"text: {{zh: '{zh}', en: x}}\n", encoding="utf-8")
    return int(_module().main([str(tmp_path / "seed.md"), str(pol)]))


def test_a_copy_across_different_punctuation_is_found(tmp_path: Path) -> None:
    assert _run(tmp_path, "领导部门团队建设，培养核心管理人才。") == 1


def test_a_restatement_passes(tmp_path: Path) -> None:
    assert _run(tmp_path, "带好本部门队伍，发现和培养骨干管理人员。") == 0


def test_a_role_title_may_be_reused(tmp_path: Path) -> None:
    assert _run(tmp_path, "客户服务专员/助理的岗位") == 0
