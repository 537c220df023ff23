"""`handbook export json`: the resolved handbook other systems read."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import yaml

from tests.conftest import REPO

Cli = Callable[..., tuple[int, str, str]]
KINDS = ("tiers", "roles", "duties", "standards", "modules", "regulations", "certificates")


def test_export_to_stdout_has_every_kind_with_ids(run_cli: Cli) -> None:
    code, out, _ = run_cli("export", "json", "-o", "-", "--root", str(REPO))
    assert code == 0
    document = json.loads(out)
    for kind in KINDS:
        assert document[kind], kind
        assert all(isinstance(item["id"], str) for item in document[kind])
    assert all("owner" in tier for tier in document["tiers"])
    for role in document["roles"]:
        assert {"tier", "reports_to", "name"} <= set(role)
    assert all("role" in duty for duty in document["duties"])
    assert all("covers" in module for module in document["modules"])


def test_export_matches_the_policy_files(run_cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "handbook.json"
    code, out, _ = run_cli("export", "json", "-o", str(target), "--root", str(REPO))
    assert (code, out) == (0, "")
    document = json.loads(target.read_text(encoding="utf-8"))
    role_files = sorted((REPO / "policies/roles").glob("*.yaml"))
    assert len(document["roles"]) == len(role_files)
    duties = {}
    for file in role_files:
        role = yaml.safe_load(file.read_text(encoding="utf-8"))
        for duty in role["duties"]:
            duties[duty["id"]] = role["id"]
    assert {d["id"]: d["role"] for d in document["duties"]} == duties
    covered = {duty for module in document["modules"] for duty in module["covers"]}
    assert document["coverage"] == {
        "duties": len(duties),
        "covered": len(covered & set(duties)),
        "percent": round(100 * len(covered & set(duties)) / len(duties), 1),
    }
    by_id = {d["id"]: d for d in document["duties"]}
    assert "m-cs-03" in by_id["cs.complaint"]["covered_by"]
    assert "cs-complaint-reply" in by_id["cs.complaint"]["measured_by"]


def test_content_meets_the_handbook_minimums(run_cli: Cli) -> None:
    _, out, _ = run_cli("export", "json", "--root", str(REPO))
    document = json.loads(out)
    assert len(document["tiers"]) == 3
    assert len(document["roles"]) >= 11
    assert len(document["duties"]) >= 60
    assert len(document["standards"]) >= 20
    assert len(document["regulations"]) >= 15
    assert len(document["certificates"]) >= 5
    assert len(document["modules"]) >= 30
    assert document["coverage"]["percent"] == 100.0
    areas = {standard["area"] for standard in document["standards"]}
    assert areas == {"customer-service", "engineering", "security", "environment", "management"}
    assert all(c["prepared_by"] for c in document["certificates"] if c["required_by"])


def test_export_refuses_a_failing_handbook(run_cli: Cli, repo_copy: Path) -> None:
    (repo_copy / "policies/training/m-cs-05.yaml").unlink()
    code, out, err = run_cli("export", "json", "--root", str(repo_copy), "--lang", "en")
    assert (code, out) == (1, "")
    assert err.startswith("The policies do not pass the check, so nothing is exported:")
    assert "[duty-has-training]" in err
