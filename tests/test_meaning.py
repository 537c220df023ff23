"""The gate checks what the shipped handbook means, not only its form: edits that were wrong but
well-formed now fail at the line to change. Lines are found in the files, never assumed."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import yaml

from tests.conftest import REPO, TODAY
from validator.engine import run

Cli = Callable[..., tuple[int, str, str]]


def _edit(path: Path, old: str, new: str) -> int:
    """Replace ``old`` (which must occur) and return the line where the new text starts."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    edited = text.replace(old, new, 1)
    path.write_text(edited, encoding="utf-8")
    return edited[: edited.index(new)].count("\n") + 1


def _failing(root: Path) -> set[tuple[str, int, str]]:
    result = run(root, today=TODAY)
    return {(f.location.path, f.location.line, f.rule) for f in result.findings if f.fails}


def test_a_level_target_below_its_statutory_floor_fails(repo_copy: Path) -> None:
    standards = repo_copy / "policies" / "standards" / "engineering.yaml"
    line = _edit(
        standards,
        'level-3: {op: "<=", value: 30, text: {zh: 30 分钟内',
        'level-3: {op: "<=", value: 45, text: {zh: 30 分钟内',
    )
    assert _failing(repo_copy) == {("policies/standards/engineering.yaml", line, "floor-respected")}


def test_an_unconditional_welding_certificate_for_cleaners_fails(repo_copy: Path) -> None:
    role = repo_copy / "policies" / "roles" / "env-attendant.yaml"
    line = _edit(role, "certificates:\n", "certificates:\n  - certificate: cert-welding\n") + 1
    assert _failing(repo_copy) == {
        ("policies/roles/env-attendant.yaml", line, "certificate-condition")
    }


def test_sourced_with_only_a_secondary_source_fails(repo_copy: Path) -> None:
    role = repo_copy / "policies" / "roles" / "eng-technician.yaml"
    text = role.read_text(encoding="utf-8")
    # The first duty backed only by a secondary source (the seed-era duty list, C67).
    match = re.search(r"\n(    status: secondary\n    sources: \[C67\])", text)
    assert match is not None
    line = _edit(role, match.group(1), "    status: sourced\n    sources: [C67]")
    assert _failing(repo_copy) == {("policies/roles/eng-technician.yaml", line, "status-backed")}


def test_a_misspelt_approver_is_an_unknown_role(repo_copy: Path) -> None:
    settings = repo_copy / "policies" / "handbook.yaml"
    line = _edit(settings, "approver: general-manager", "approver: general-manger")
    assert _failing(repo_copy) == {("policies/handbook.yaml", line, "ref-resolves")}


def test_every_post_takes_every_new_hire_module(run_cli: Cli) -> None:
    code, out, _ = run_cli("export", "json", "-o", "-", "--root", str(REPO))
    assert code == 0
    document = json.loads(out)
    everyone = {m["id"] for m in document["modules"] if m["audience"].get("new_hires")}
    assert {"m-ori-01", "m-safe-01", "m-law-02"} <= everyone
    for role in document["roles"]:
        for path in role["training_paths"]:
            assert everyone <= set(path["modules"]), (role["id"], path["specialty"])


def test_cleaners_take_no_work_at_height_welding_or_plumbing_unless_they_do_the_task(
    run_cli: Cli,
) -> None:
    code, out, _ = run_cli("export", "json", "-o", "-", "--root", str(REPO))
    assert code == 0
    role = next(r for r in json.loads(out)["roles"] if r["id"] == "env-attendant")
    for path in role["training_paths"]:
        assert not {"m-cert-01", "m-cert-02", "m-eng-03"} & set(path["modules"]), path["specialty"]
    cleaning = next(p for p in role["training_paths"] if p["specialty"] == "cleaning")
    assert {(g["condition"], tuple(g["modules"])) for g in cleaning["conditional"]} == {
        ("cleans-water-tanks", ("m-eng-03",)),
        ("works-at-height", ("m-cert-01",)),
    }


def test_every_post_held_to_the_managers_minimum_has_a_yearly_safety_refresher(
    run_cli: Cli,
) -> None:
    # The managers' yearly minimum includes at least 12 hours of safety refresher (mirroring
    # the 12-hour yearly refresher for safety managers).
    code, out, _ = run_cli("export", "json", "-o", "-", "--root", str(REPO))
    assert code == 0
    document = json.loads(out)
    modules = {m["id"]: m for m in document["modules"]}
    training = yaml.safe_load((REPO / "policies" / "handbook.yaml").read_text("utf-8"))["training"]
    managers = {
        r["id"]
        for r in document["roles"]
        if training["role_min_hours"].get(r["id"], training["min_hours_per_year"][r["tier"]]) >= 60
    }
    held = [r for r in document["roles"] if r["id"] in managers]
    assert len(held) == 5
    for role in held:
        for path in role["training_paths"]:
            safety = sum(
                modules[m]["refresh"]["hours"] * 12 / modules[m]["refresh"]["every_months"]
                for m in path["modules"]
                if modules[m]["category"] == "safety" and modules[m].get("refresh")
            )
            assert safety >= 12, role["id"]
            assert "m-pm-04" in path["modules"], role["id"]
