"""The `handbook` command: exit codes, output format, and the acceptance scenarios."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO
from validator.cli import detect_lang

Cli = Callable[..., tuple[int, str, str]]
ROLE = "policies/roles/cs-specialist.yaml"


def test_shipped_policies_are_clean(run_cli: Cli) -> None:
    code, out, err = run_cli("check", "--root", str(REPO))
    assert (code, err) == (0, "")
    assert out.startswith("检查通过：")
    assert out.count("\n") == 1


def test_waived_findings_are_counted_and_listed_on_request(run_cli: Cli) -> None:
    _, out, _ = run_cli("check", "--root", str(REPO), "--lang", "en")
    assert out.endswith("no problems found; 2 waived.\n")
    _, listed, _ = run_cli("check", "--root", str(REPO), "--lang", "en", "--show-waived")
    assert "warning (waived) [duty-has-standard] The frontline duty 'eng.upgrade'" in listed
    assert "    waiver: policies/waivers.yaml:5:5" in listed


def test_second_id_key_in_a_role_file(run_cli: Cli, repo_copy: Path) -> None:
    role = repo_copy / ROLE
    lines = role.read_text(encoding="utf-8").splitlines()
    role.write_text("\n".join([*lines, "id: cs-specialist-2"]) + "\n", encoding="utf-8")
    code, out, _ = run_cli("check", "--root", str(repo_copy), "--lang", "en")
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith(f"{ROLE}:{len(lines) + 1}:1: error [yaml-duplicate-key] ")
    assert "first on line 2" in first


def test_gbk_role_file(run_cli: Cli, repo_copy: Path) -> None:
    role = repo_copy / ROLE
    role.write_bytes(role.read_text(encoding="utf-8").encode("gb18030"))
    code, out, _ = run_cli("check", "--root", str(repo_copy))
    assert code == 1
    findings = [line for line in out.splitlines() if not line.startswith(" ")][:-1]
    assert len(findings) == 1
    assert findings[0].startswith(f"{ROLE}:3:12: error [yaml-encoding]")
    assert "GBK" in findings[0]


def test_python_tag_is_not_executed(run_cli: Cli, repo_copy: Path, tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    role = repo_copy / ROLE
    text = role.read_text(encoding="utf-8")
    role.write_text(
        text.replace(
            "certificates: []", f"certificates: !!python/object/apply:os.system ['touch {marker}']"
        ),
        encoding="utf-8",
    )
    code, out, _ = run_cli("check", "--root", str(repo_copy))
    assert code == 1
    assert not marker.exists()
    findings = [line for line in out.splitlines() if not line.startswith(" ")][:-1]
    assert len(findings) == 1 and f"{ROLE}:9:15: error [yaml-tag]" in findings[0]


def test_billion_laughs_file(run_cli: Cli, repo_copy: Path) -> None:
    lines = ['lol0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"lol{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    (repo_copy / ROLE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = run_cli("check", "--root", str(repo_copy))
    assert code == 1
    assert out.splitlines()[0].startswith(f"{ROLE}:1:7: error [yaml-alias]")


def test_no_policies_folder_is_a_tool_error(run_cli: Cli, tmp_path: Path) -> None:
    code, out, err = run_cli("check", "--root", str(tmp_path), "--lang", "en")
    assert (code, out) == (2, "")
    assert err.startswith("handbook: No policies/ folder under ")
    assert err.count("\n") == 1


def test_broken_schema_is_a_tool_error(run_cli: Cli, repo_copy: Path) -> None:
    (repo_copy / "schemas" / "role.schema.json").write_text("{not json", encoding="utf-8")
    code, _, err = run_cli("check", "--root", str(repo_copy), "--lang", "en")
    assert code == 2
    assert "role.schema.json" in err


def test_usage_error_exits_2(run_cli: Cli) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run_cli("check", "--format", "nonsense")
    assert exit_info.value.code == 2


def test_files_in_unknown_places(run_cli: Cli, repo_copy: Path) -> None:
    (repo_copy / "policies" / "roles" / "x.yml").write_text("id: x\n", encoding="utf-8")
    (repo_copy / "policies" / "drafts").mkdir()
    (repo_copy / "policies" / "drafts" / "新岗位 草稿.yaml").write_text("id: x\n", encoding="utf-8")
    (repo_copy / "policies" / "README.md").write_text("notes\n", encoding="utf-8")
    code, out, _ = run_cli("check", "--root", str(repo_copy), "--lang", "en")
    assert code == 1
    assert "policies/drafts/新岗位 草稿.yaml:1:1: error [file-unknown]" in out
    assert "policies/roles/x.yml:1:1: error [file-unknown]" in out
    assert "Rename the file to end in .yaml." in out
    assert "README.md" not in out


def test_symlink_out_of_the_repository(run_cli: Cli, repo_copy: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: hunter2\n", encoding="utf-8")
    (repo_copy / "policies" / "roles" / "leak.yaml").symlink_to(secret)
    code, out, _ = run_cli("check", "--root", str(repo_copy), "--lang", "en")
    assert code == 1
    assert "policies/roles/leak.yaml:1:1: error [file-unreadable]" in out
    assert "hunter2" not in out


def test_unknown_rule_in_settings_suggests_the_closest(run_cli: Cli, repo_copy: Path) -> None:
    settings = repo_copy / "policies" / "handbook.yaml"
    text = settings.read_text(encoding="utf-8").replace("rules: {}", "rules:\n  yaml-tagz: off")
    settings.write_text(text, encoding="utf-8")
    code, out, _ = run_cli("check", "--root", str(repo_copy), "--lang", "en")
    assert code == 1
    line = text.splitlines().index("  yaml-tagz: off") + 1
    assert (
        f"policies/handbook.yaml:{line}:3: error [rule-config] There is no rule named 'yaml-tagz'."
        in out
    )
    assert "Did you mean 'yaml-tag'?" in out


def test_a_rule_settings_mistake_holds_back_no_cross_file_rule(
    run_cli: Cli, repo_copy: Path
) -> None:
    # Every file loads, so the cross-file rules run (at their default levels) beside the
    # settings finding: the editor sees both in one round.
    settings = repo_copy / "policies" / "handbook.yaml"
    text = settings.read_text(encoding="utf-8").replace("rules: {}", "rules:\n  no-such-rule: off")
    settings.write_text(text, encoding="utf-8")
    module = repo_copy / "policies" / "training" / "m-cs-01.yaml"
    covers = module.read_text(encoding="utf-8").replace("  - cs.reception\n", "  - cs.recepton\n")
    module.write_text(covers, encoding="utf-8")
    code, out, _ = run_cli("check", "--root", str(repo_copy), "--lang", "en")
    assert code == 1
    setting = text.splitlines().index("  no-such-rule: off") + 1
    typo = covers.splitlines().index("  - cs.recepton") + 1
    assert [line.split(" ", 3)[:3] for line in out.splitlines() if ": error [" in line] == [
        [f"policies/handbook.yaml:{setting}:3:", "error", "[rule-config]"],
        [f"policies/training/m-cs-01.yaml:{typo}:5:", "error", "[ref-resolves]"],
    ]
    summary = out.splitlines()[-1]
    assert summary.startswith("2 errors, 0 warnings in 2 files") and "did not run" not in summary


def test_english_and_chinese_output(run_cli: Cli, repo_copy: Path) -> None:
    (repo_copy / ROLE).write_text("id: a\nid: b\n", encoding="utf-8")
    _, zh, _ = run_cli("check", "--root", str(repo_copy), "--lang", "zh")
    _, en, _ = run_cli("check", "--root", str(repo_copy), "--lang", "en")
    assert f"{ROLE}:2:1: error [yaml-duplicate-key] 键 “id” 重复出现" in zh
    assert "    修改建议: " in zh and f"    相关位置: {ROLE}:1:1" in zh
    assert f"{ROLE}:2:1: error [yaml-duplicate-key] The key 'id' appears twice" in en
    checked = len(list((repo_copy / "policies").rglob("*.yaml")))
    assert f"1 error, 0 warnings in 1 file; {checked} files checked." in en


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({}, "zh"),
        ({"LANG": "C.UTF-8"}, "zh"),
        ({"LANG": "POSIX"}, "zh"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "en_GB.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "HANDBOOK_LANG": "zh"}, "zh"),
    ],
)
def test_language_from_the_environment(environ: dict[str, str], lang: str) -> None:
    assert detect_lang(environ) == lang


def test_python_dash_m_and_ascii_locale(tmp_path: Path) -> None:
    environment = {**os.environ, "LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": "ascii"}
    completed = subprocess.run(
        [sys.executable, "-m", "validator", "check", "--root", str(REPO)],
        capture_output=True,
        env=environment,
        check=False,
    )
    assert completed.returncode == 0
    assert completed.stdout.decode("utf-8").startswith("检查通过：")


def test_a_mistake_in_the_rule_settings_does_not_hide_the_per_file_findings(
    run_cli: Cli, repo_copy: Path
) -> None:
    """A mistake in `rules:` is an error in handbook.yaml, but the file loaded: its settings
    (which languages the handbook lists) still apply to the per-file rules."""
    broken = repo_copy / "policies" / "roles" / "security-officer.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("id: ", "id: '", 1), "utf-8")
    settings = repo_copy / "policies" / "handbook.yaml"
    text = settings.read_text(encoding="utf-8")
    assert "\nrules: {}\n" in text
    settings.write_text(text.replace("\nrules: {}\n", "\nrules: {no-such-rule: off}\n"), "utf-8")
    standards = repo_copy / "policies" / "standards" / "security.yaml"
    lines = standards.read_text(encoding="utf-8").splitlines()
    number, line = next(
        (n, line) for n, line in enumerate(lines, start=1) if line.startswith("    name: {zh: ")
    )
    lines[number - 1] = line.split(", en: ")[0] + "}"
    standards.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = run_cli("check", "--root", str(repo_copy), "--lang", "en")
    assert code == 1
    places = [
        (line.split(":")[0], line.split(":")[1], line.split(" [", 1)[1].split("]")[0])
        for line in out.splitlines()[:-1]
        if not line.startswith(" ")
    ]
    setting = text.splitlines().index("rules: {}") + 1
    assert [(path, rule) for path, _, rule in places] == [
        ("policies/handbook.yaml", "rule-config"),
        ("policies/roles/security-officer.yaml", "yaml-syntax"),
        ("policies/standards/security.yaml", "translation-complete"),
    ]
    assert (places[0][1], places[2][1]) == (str(setting), str(number))


def test_a_broken_file_holds_back_only_the_cross_file_rules(run_cli: Cli, repo_copy: Path) -> None:
    """While one file cannot be read, the per-file rules still report on the others; nothing is
    said about what refers to the broken file."""
    broken = repo_copy / "policies" / "roles" / "security-officer.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("id: ", "id: '", 1), "utf-8")
    module = repo_copy / "policies" / "training" / "m-cs-01.yaml"
    text = module.read_text(encoding="utf-8")
    lines = text.splitlines()
    hours = next(n for n, line in enumerate(lines, start=1) if line.startswith("hours: "))
    outline = next(n for n, line in enumerate(lines, start=1) if line.startswith("outline:"))
    module.write_text(text.replace(lines[hours - 1], "hours: 99", 1), encoding="utf-8")
    code, out, _ = run_cli("check", "--root", str(repo_copy), "--lang", "en")
    assert code == 1
    findings = [line for line in out.splitlines() if not line.startswith(" ")]
    rules = [line.split(" [", 1)[1].split("]")[0] for line in findings[:-1]]
    assert rules == ["yaml-syntax", "outline-matches-hours"]
    assert findings[0].startswith("policies/roles/security-officer.yaml:")
    assert findings[1].startswith(f"policies/training/m-cs-01.yaml:{outline}:1: error ")
    # Many modules and standards name the security officer: none is said to name nothing.
    assert "ref-resolves" not in out
    assert findings[-1].endswith(
        "Only the per-file checks ran; the cross-file checks did not: 1 file could not be read "
        "or did not match the format; fix them and check again to see the rest."
    )
