"""The registry of kinds: one entry (and a schema) is all a new kind needs; nothing else lists
kinds; rules cannot crash the run; the navigation belongs to the author."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import (
    REPO,
    TODAY,
    build_site,
    commit_all,
    copy_project,
    copy_repo_tree,
    without_downloads,
)
from validator.diff import compare
from validator.engine import Result, run
from validator.exports.json_export import handbook_json
from validator.findings import Text
from validator.kinds import KINDS, Kind, Link, Registry
from validator.render import render
from validator.rules import RULES

Cli = Callable[..., tuple[int, str, str]]

PROCEDURE_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "操作规程 Procedure",
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "name", "role", "duties"],
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z][a-z0-9-]*$"},
        "name": {"$ref": "common.schema.json#/$defs/text"},
        "role": {"type": "string"},
        "duties": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "review": {"$ref": "common.schema.json#/$defs/review"},
    },
}
MODELINE = "# yaml-language-server: $schema=../../schemas/procedure.schema.json\n"
REVIEW = "review: {last_reviewed: 2026-11-01, every_months: 12}\n"
PROCEDURES = KINDS.with_kind(
    Kind(
        "procedure",
        Text("操作规程", "procedure"),
        plural="procedures",
        schema="procedure.schema.json",
        folder="procedures",
        links=(
            Link("role", "role", Text("执行岗位", "done by"), Text("执行的规程", "procedure")),
            Link(
                "duties/*",
                "duty",
                Text("涉及职责", "duties"),
                Text("相关规程", "procedures"),
                inverse_key="procedures",
            ),
        ),
        page="procedures/{id}.md",
    )
)


def _procedure(root: Path, name: str, text: str) -> Path:
    folder = root / "policies" / "procedures"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(MODELINE + text, encoding="utf-8")
    return path


def _line(path: Path, fragment: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if fragment in line)


@pytest.fixture
def procedure_tree(tmp_path: Path) -> Path:
    root = copy_repo_tree(tmp_path / "repo")
    (root / "schemas" / "procedure.schema.json").write_text(
        json.dumps(PROCEDURE_SCHEMA, ensure_ascii=False), encoding="utf-8"
    )
    _procedure(
        root,
        "key-handover",
        "id: key-handover\n"
        "name: {zh: 钥匙交接规程, en: Key handover}\n"
        "role: cs-specialist\n"
        "duties: [cs.reception]\n" + REVIEW,
    )
    return root


def _run(root: Path, kinds: Registry = PROCEDURES) -> Result:
    return run(root, today=TODAY, kinds=kinds)


def _found(result: Result) -> set[tuple[str, int, str]]:
    return {(f.location.path, f.location.line, f.rule) for f in result.findings if not f.suppressed}


def test_a_new_kind_is_discovered_indexed_exported_and_rendered(procedure_tree: Path) -> None:
    result = _run(procedure_tree)
    assert not result.failed, _found(result)
    path = "policies/procedures/key-handover.yaml"
    assert result.files.kinds[path].name == "procedure"
    handbook = result.handbook
    assert handbook is not None
    procedure = handbook.get("procedure", "key-handover")
    assert procedure is not None and procedure.name == "钥匙交接规程"
    document = handbook_json(handbook)
    assert document["procedures"] == [
        {
            "id": "key-handover",
            "name": {"zh": "钥匙交接规程", "en": "Key handover"},
            "role": "cs-specialist",
            "duties": ["cs.reception"],
        }
    ]
    duty = next(d for d in document["duties"] if d["id"] == "cs.reception")
    assert duty["procedures"] == ["key-handover"]
    page = render(handbook).pages["procedures/key-handover.md"]
    assert "# 钥匙交接规程" in page
    assert "[客户服务专员/助理](../roles/cs-specialist.md)" in page


def test_without_its_registry_entry_the_folder_is_unknown(procedure_tree: Path) -> None:
    result = _run(procedure_tree, KINDS)
    assert _found(result) == {("policies/procedures/key-handover.yaml", 1, "file-unknown")}


def test_a_new_kind_goes_through_the_schema_stage(procedure_tree: Path) -> None:
    path = _procedure(
        procedure_tree,
        "lift-rescue",
        "id: lift-rescue\nname: {zh: 电梯困人救援}\nrole: eng-technician\n"
        "duties: [eng.lift]\nowner: eng-supervisor\n",
    )
    result = _run(procedure_tree)
    assert _found(result) == {(path.relative_to(procedure_tree).as_posix(), 6, "schema")}


def test_a_new_kind_gets_the_reference_and_id_rules(procedure_tree: Path) -> None:
    broken = _procedure(
        procedure_tree,
        "gate-patrol",
        "id: gate-patrol\nname: {zh: 巡逻, en: Patrol}\nrole: security-oficer\n"
        "duties: [cs.reception, sec.nowhere]\n" + REVIEW,
    )
    renamed = _procedure(
        procedure_tree,
        "renamed",
        "id: key-handover\nname: {zh: 钥匙交接规程副本, en: Copy}\nrole: cs-specialist\n"
        "duties: [cs.reception]\n" + REVIEW,
    )
    result = _run(procedure_tree)
    where = {
        "broken": broken.relative_to(procedure_tree).as_posix(),
        "renamed": renamed.relative_to(procedure_tree).as_posix(),
        "original": "policies/procedures/key-handover.yaml",
    }
    assert _found(result) == {
        (where["broken"], _line(broken, "role:"), "ref-resolves"),
        (where["broken"], _line(broken, "duties:"), "ref-resolves"),
        # The file named after the id is the original, so the other one is the duplicate (and
        # its name is not reported separately).
        (where["renamed"], 2, "id-unique"),
    }
    role_finding = next(f for f in result.findings if "security-oficer" in f.message.en)
    assert role_finding.hint is not None and "security-officer" in role_finding.hint.en


def test_diff_reports_changes_to_a_new_kind(procedure_tree: Path) -> None:
    before = _run(procedure_tree)
    _procedure(
        procedure_tree,
        "key-handover",
        "id: key-handover\nname: {zh: 钥匙交接规程, en: Key handover}\nrole: cs-supervisor\n"
        "duties: [cs.reception]\n" + REVIEW,
    )
    impact = compare("HEAD", before, _run(procedure_tree))
    changes = [(c.kind, c.id, c.change, c.fields, c.label.zh) for c in impact.changes]
    assert changes == [("procedure", "key-handover", "changed", ("role",), "操作规程")]


def _named_kinds(node: ast.AST, names: set[str]) -> set[str]:
    """The kind names a collection literal holds, in its items or in collections nested in them
    (a table of rows, one kind per row, lists kinds as surely as a flat tuple)."""
    items: list[ast.expr | None] = []
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        items = list(node.elts)
    elif isinstance(node, ast.Dict):
        items = list(node.keys)
    found = set()
    for item in items:
        if isinstance(item, ast.Constant) and item.value in names:
            found.add(item.value)
        elif item is not None:
            found |= _named_kinds(item, names)
    return found


def _kind_literals(source: str, names: set[str]) -> Iterator[tuple[int, list[str]]]:
    reported: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        found = _named_kinds(node, names)
        # One report per line: a collection's rows on its own line are the same listing.
        if len(found) >= 2 and node.lineno not in reported:
            reported.add(node.lineno)
            yield node.lineno, sorted(found)


def test_only_the_registry_lists_the_kinds() -> None:
    names = {kind.name for kind in KINDS}
    offenders = []
    for folder in ("validator", "benchmarks"):
        for file in sorted((REPO / folder).rglob("*.py")):
            if file.name == "kinds.py":
                continue
            for line, kinds in _kind_literals(file.read_text(encoding="utf-8"), names):
                offenders.append(f"{file.relative_to(REPO)}:{line} {kinds}")
    assert offenders == []


def test_the_check_finds_a_listing_of_kinds() -> None:
    names = {kind.name for kind in KINDS}
    listed = list(_kind_literals('KINDS = ("role", "duty")\nx = {"tier": 1}\n', names))
    assert listed == [(1, ["duty", "role"])]
    table = 'T = (\n    ("category", "training-category"),\n    ("stages", "training-stage"),\n)\n'
    assert list(_kind_literals(table, names)) == [(1, ["training-category", "training-stage"])]


def _chain(root: Path, length: int) -> None:
    training = root / "policies" / "training"
    for number in range(1, length + 1):
        prerequisite = f"\nprerequisites: [m-chain-{number - 1:04d}]" if number > 1 else ""
        (training / f"m-chain-{number:04d}.yaml").write_text(
            f"id: m-chain-{number:04d}\n"
            f"title: {{zh: 链式模块 {number}, en: Chain module {number}}}\n"
            "audience: {roles: [cs-specialist]}\n"
            "category: skills\nstages: [on-the-job]\nhours: 1\ndelivery: [classroom]\n"
            "assessment: {method: {zh: 实操, en: Practice}}\n"
            f"covers: [cs.reception]\nstatus: suggested{prerequisite}\n",
            encoding="utf-8",
        )


def test_a_long_prerequisite_chain_checks_without_a_traceback(tmp_path: Path, run_cli: Cli) -> None:
    root = copy_repo_tree(tmp_path / "repo")
    _chain(root, 1500)
    code, out, err = run_cli("check", "--root", str(root), "--today", TODAY.isoformat())
    assert "Traceback" not in out + err
    assert code == 0, out
    result = run(root, today=TODAY)
    assert result.handbook is not None
    path = result.handbook.resolved.paths_of(result.handbook.index["role"]["cs-specialist"])[0]
    ids = [module.id for module in path.modules]
    assert ids.index("m-chain-0001") < ids.index("m-chain-0750") < ids.index("m-chain-1500")


def test_a_rule_that_raises_is_a_tool_error_naming_it(
    monkeypatch: pytest.MonkeyPatch, run_cli: Cli
) -> None:
    def broken(handbook: object) -> Iterator[object]:
        raise ZeroDivisionError("bug")

    monkeypatch.setitem(
        RULES, "duty-has-training", replace(RULES["duty-has-training"], check=broken)
    )
    code, out, err = run_cli("check", "--root", str(REPO), "--lang", "en")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "duty-has-training" in err and "ZeroDivisionError" in err
    assert "Traceback" not in err


def test_a_setting_that_cannot_take_effect_is_a_finding(repo_copy: Path) -> None:
    settings = repo_copy / "policies" / "handbook.yaml"
    text = settings.read_text(encoding="utf-8").replace("rules: {}", "rules: {rule-config: off}")
    settings.write_text(text, encoding="utf-8")
    result = run(repo_copy, today=TODAY)
    assert _found(result) == {("policies/handbook.yaml", _line(settings, "rules:"), "rule-config")}


NAV_LINK = re.compile(r'class="md-nav__link"[^>]*>\s*<span class="md-ellipsis">\s*([^<]+?)\s*<')


@pytest.mark.slow
def test_a_hand_written_page_joins_the_navigation(tmp_path: Path) -> None:
    project = without_downloads(copy_project(tmp_path / "project"))
    (project / "docs" / "glossary.md").write_text(
        "# 术语表\n\n**业主**：房屋的所有权人。\n", encoding="utf-8"
    )
    completed = build_site(project, tmp_path / "site")
    assert completed.returncode == 0, completed.stderr
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    titles = NAV_LINK.findall(home)
    assert "术语表" in titles
    assert titles.index("术语表") > titles.index("资料出处")
    assert 'href="glossary/"' in home
    # Without downloads the pages say so rather than link to files that are not there.
    role = (tmp_path / "site" / "roles" / "cs-specialist" / "index.html").read_text("utf-8")
    assert "downloads/roles/cs-specialist.pdf" not in role
    assert "本次预览没有生成这个文件" in role
    assert not (tmp_path / "site" / "downloads").exists()


def test_a_scratch_repository_diff_names_settings_changes(tmp_path: Path, run_cli: Cli) -> None:
    root = commit_all(copy_repo_tree(tmp_path / "repo"))
    settings = root / "policies" / "handbook.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace("tier-frontline: 40", "tier-frontline: 10"),
        encoding="utf-8",
    )
    sources = root / "policies" / "sources.yaml"
    sources.write_text(
        sources.read_text(encoding="utf-8").replace("grade: secondary", "grade: news", 1),
        encoding="utf-8",
    )
    code, out, _ = run_cli("diff", "--base", "HEAD", "--root", str(root), "--format", "json")
    assert code == 0
    changes = {(c["kind"], c["change"], tuple(c["fields"])) for c in json.loads(out)["changes"]}
    assert ("settings", "changed", ("training",)) in changes
    assert ("source", "changed", ("grade",)) in changes


def test_debug_shows_where_a_rule_crashed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from validator.cli import main

    def broken(handbook: object) -> Iterator[object]:
        raise ZeroDivisionError("bug")

    monkeypatch.setitem(
        RULES, "duty-has-training", replace(RULES["duty-has-training"], check=broken)
    )
    assert main(["check", "--root", str(REPO), "--lang", "en", "--debug"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err and "ZeroDivisionError: bug" in err
    assert err.rstrip().splitlines()[-1].startswith("handbook: The rule duty-has-training failed")


def test_the_check_finds_the_repository_from_a_subfolder(
    monkeypatch: pytest.MonkeyPatch, repo_copy: Path, run_cli: Cli
) -> None:
    monkeypatch.chdir(repo_copy / "policies" / "roles")
    code, out, _ = run_cli("check", "--lang", "en")
    assert code == 0, out
    assert out.startswith("All clear:")
