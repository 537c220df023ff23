"""Every output format over one list of findings, checked exactly and read by the software that
consumes it: SARIF by its schema and Microsoft's SARIF multitool, JUnit by junitparser, Markdown
by GitHub's parser, Code Quality by GitLab's documented fields."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import jsonschema
import pytest
from junitparser import JUnitXml, TestCase

from tests.conftest import CASES, TODAY, case_root
from tests.npm_tools import node, npm_package
from validator.engine import run
from validator.findings import Finding
from validator.reporters import REPORTERS, ReportContext
from validator.rules import RULES

Cli = Callable[..., tuple[int, str, str]]
SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
WORKER = "policies/roles/worker.yaml"


@pytest.fixture
def cross_file(tmp_path: Path) -> list[Finding]:
    """One cross-file finding (a misspelt manager) and one waived warning."""
    root = case_root(tmp_path / "no-such-case", tmp_path / "root")
    worker = root / WORKER
    worker.write_text(
        worker.read_text(encoding="utf-8").replace("reports_to: lead", "reports_to: leed")
    )
    (root / "policies/waivers.yaml").write_text(
        "waivers:\n"
        "  - rule: duty-has-standard\n"
        "    target: w.log\n"
        "    reason: {zh: 记录无法量化, en: Logs cannot be measured}\n"
        "    approved_by: lead\n"
        "    expires: 2027-01-01\n"
        "review: {last_reviewed: 2026-11-01, every_months: 12}\n",
        encoding="utf-8",
    )
    text = worker.read_text(encoding="utf-8").replace(
        "review:", "  - id: w.log\n    text: {zh: 记录。, en: Keeps the log.}\nreview:"
    )
    worker.write_text(text, encoding="utf-8")
    module = root / "policies/training/m-work.yaml"
    module.write_text(
        module.read_text(encoding="utf-8").replace("covers: [w.task]", "covers: [w.task, w.log]")
    )
    findings = run(root, today=TODAY).findings
    assert [(f.rule, f.suppressed) for f in findings] == [
        ("ref-resolves", False),
        ("duty-has-standard", True),
    ]
    return findings


def render(name: str, findings: list[Finding], **options: object) -> str:
    out = io.StringIO()
    context = ReportContext(lang="en", files_checked=10, **options)  # type: ignore[arg-type]
    REPORTERS[name](findings, out, context)
    return out.getvalue()


def test_text(cross_file: list[Finding]) -> None:
    assert render("text", cross_file) == (
        f"{WORKER}:4:1: error [ref-resolves] There is no role 'leed'.\n"
        "    fix: Did you mean 'lead'?\n"
        "    see also: policies/roles/lead.yaml:1:1\n"
        "1 error, 0 warnings in 1 file (1 waived); 10 files checked.\n"
    )


def test_github_annotates_both_ends(cross_file: list[Finding]) -> None:
    assert render("github", cross_file) == (
        f"::error file={WORKER},line=4,col=1,title=[ref-resolves]::"
        "There is no role 'leed'.%0ADid you mean 'lead'?\n"
        "::error file=policies/roles/lead.yaml,line=1,col=1,title=[ref-resolves] other end::"
        f"There is no role 'leed'. ({WORKER}:4:1)\n"
        "1 error, 0 warnings in 1 file (1 waived); 10 files checked.\n"
    )


def test_json(cross_file: list[Finding]) -> None:
    document = json.loads(render("json", cross_file))
    assert document["summary"] == {
        "files_checked": 10,
        "errors": 1,
        "warnings": 0,
        "waived": 1,
        "failing": 1,
    }
    first, waived = document["findings"]
    assert first == {
        "rule": "ref-resolves",
        "severity": "error",
        "message": "There is no role 'leed'.",
        "messages": {"zh": "岗位 “leed” 不存在。", "en": "There is no role 'leed'."},
        "hint": "Did you mean 'lead'?",
        "file": WORKER,
        "line": 4,
        "column": 1,
        "pointer": "/reports_to",
        "related": [{"file": "policies/roles/lead.yaml", "line": 1, "column": 1, "pointer": "/id"}],
        "subject": "worker",
        "suppressed": False,
        "waived_by": None,
        "baseline": False,
        "fingerprint": cross_file[0].fingerprint,
    }
    assert waived["suppressed"] is True
    assert waived["waived_by"] == "policies/waivers.yaml:2:5"


def test_markdown(cross_file: list[Finding]) -> None:
    assert render("markdown", cross_file) == (
        "### Handbook check\n\n"
        "1 error, 0 warnings in 1 file (1 waived); 10 files checked.\n\n"
        "| Level | Location | Rule | Problem | Fix |\n|---|---|---|---|---|\n"
        f"| ❌ error | `{WORKER}:4:1`<br>↔ `policies/roles/lead.yaml:1:1` | `ref-resolves` | "
        "There is no role 'leed'. | Did you mean 'lead'? |\n"
    )


def test_sarif_validates_against_the_official_schema(cross_file: list[Finding]) -> None:
    log = json.loads(render("sarif", cross_file, site_url="http://handbook.intranet/"))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(log)
    (sarif_run,) = log["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["informationUri"] == "http://handbook.intranet/rules/"
    assert sarif_run["automationDetails"] == {"id": "handbook/"}
    rules = driver["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    names = {r["id"]: r["name"] for r in rules}
    assert names["duty-has-training"] == "DutyHasTraining"
    assert names["schema"] == "SchemaValid"
    for rule_id, name in names.items():
        assert re.fullmatch("(?:[A-Z][a-z0-9]*)+", name) and name.lower() != rule_id.lower()
    assert len(set(names.values())) == len(names)
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"]
        assert rule["helpUri"] == f"http://handbook.intranet/rules/#{rule['id']}"
    first, waived = sarif_run["results"]
    assert first["ruleId"] == "ref-resolves" and first["level"] == "error"
    assert rules[first["ruleIndex"]]["id"] == "ref-resolves"
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": WORKER, "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 4, "startColumn": 1},
    }
    related = first["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"]["uri"] == "policies/roles/lead.yaml"
    assert "suppressions" not in first
    assert waived["suppressions"][0]["kind"] == "external"


def test_sarif_uris_are_encoded_and_messages_plain(run_cli: Cli, hostile: Path) -> None:
    code, out, _ = run_cli("check", "--root", str(hostile), "--format", "sarif", "--lang", "en")
    assert code == 1
    log = json.loads(out)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(log)
    (sarif_run,) = log["runs"]
    assert "informationUri" not in sarif_run["tool"]["driver"]  # no mkdocs.yml names a site
    results = sarif_run["results"]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in results] == [
        {
            "uri": "policies/drafts/a%0A%3A%3Aerror%20file%3Dx%3A%3Aforged%20%1B%5B2J.yaml",
            "uriBaseId": "%SRCROOT%",
        },
        {"uri": WORKER, "uriBaseId": "%SRCROOT%"},
        {"uri": "policies/training/m-work.yaml", "uriBaseId": "%SRCROOT%"},
    ]
    # SARIF reads [text](target) in a message as a link; brackets from the data are escaped.
    assert results[2]["message"]["text"].startswith(
        "'hours' must be a number, but it is text: "
        '"\\[请点此批准\\](https://evil.example/approve) @org/team <img src=x'
    )
    assert "\\x1b\\[2J\\x1b\\[32mall clear\\n" in results[1]["message"]["text"]


def test_sarif_baseline_state(cross_file: list[Finding]) -> None:
    log = json.loads(render("sarif", cross_file, baseline=True))
    assert [r["baselineState"] for r in log["runs"][0]["results"]] == ["new", "new"]


def test_junit_has_a_case_per_rule_and_fails_with_file_and_line(cross_file: list[Finding]) -> None:
    root = ElementTree.fromstring(render("junit", cross_file).split("\n", 1)[1])
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert [case.get("name") for case in cases] == list(RULES)
    assert suite.get("failures") == "1"
    failed = [case for case in cases if case.find("failure") is not None]
    assert [case.get("name") for case in failed] == ["ref-resolves"]
    failure = failed[0].find("failure")
    assert failure is not None
    assert failure.get("message") == f"{WORKER}:4:1: There is no role 'leed'."
    waived = next(case for case in cases if case.get("name") == "duty-has-standard")
    assert "(waived)" in (waived.findtext("system-out") or "")


def test_github_format_is_chosen_under_github_actions(
    run_cli: Cli, monkeypatch: pytest.MonkeyPatch, repo_copy: Path
) -> None:
    (repo_copy / "policies/training/m-cs-05.yaml").unlink()
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, _ = run_cli("check", "--root", str(repo_copy), "--lang", "en")
    assert code == 1
    assert out.startswith("::error file=policies/roles/cs-specialist.yaml,line=")
    code, out, _ = run_cli("check", "--root", str(repo_copy), "--lang", "en", "--format", "text")
    assert out.startswith("policies/roles/cs-specialist.yaml:")


def test_shipped_sarif_has_help_links_from_mkdocs_yml(run_cli: Cli) -> None:
    from tests.conftest import REPO

    code, out, _ = run_cli("check", "--root", str(REPO), "--format", "sarif")
    assert code == 0
    driver = json.loads(out)["runs"][0]["tool"]["driver"]
    assert driver["rules"][0]["helpUri"].startswith("http://handbook.intranet/rules/#")


# An ESC sequence that clears the screen and prints a green verdict, a line break that forges a
# finding (and a GitHub workflow command), and a control character XML 1.0 refuses.
FORGED = "\x1b[2J\x1b[32mall clear\npolicies/x.yaml:1:1: error [forged] \x01"
PHISHING = "[请点此批准](https://evil.example/approve) @org/team <img src=x>"
ODD_NAME = "policies/drafts/a\n::error file=x::forged \x1b[2J.yaml"


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """A tree whose findings quote a hostile key, a hostile value and a hostile file name."""
    root = case_root(tmp_path / "no-such-case", tmp_path / "hostile")
    worker = root / WORKER
    key = FORGED.replace("\x1b", "\\e").replace("\n", "\\n").replace("\x01", "\\x01")
    worker.write_text(worker.read_text(encoding="utf-8") + f'"{key}": 1\n', encoding="utf-8")
    module = root / "policies/training/m-work.yaml"
    text = module.read_text(encoding="utf-8")
    module.write_text(re.sub(r"(?m)^hours: .*$", f'hours: "{PHISHING}"', text), encoding="utf-8")
    (root / ODD_NAME).parent.mkdir()
    (root / ODD_NAME).write_text("id: x\n", encoding="utf-8")
    return root


def check(run_cli: Cli, root: Path, fmt: str) -> str:
    code, out, err = run_cli("check", "--root", str(root), "--lang", "en", "--format", fmt)
    assert (code, err) == (1, "")
    return out


def test_text_shows_hostile_keys_and_names_inert(run_cli: Cli, hostile: Path) -> None:
    lines = check(run_cli, hostile, "text").splitlines()
    assert lines[0] == (
        "policies/drafts/a\\n::error file=x::forged \\x1b[2J.yaml:1:1: error [file-unknown] "
        "No policy kind lives at this path, so the file would be neither checked nor published."
    )
    findings = [line for line in lines if not line.startswith("    ")][:-1]
    assert [line.split(" [", 1)[1].split("]")[0] for line in findings] == [
        "file-unknown",
        "schema",
        "schema",
    ]
    assert findings[1].startswith(f"{WORKER}:18:1: error [schema] ")
    assert "'\\x1b[2J\\x1b[32mall clear\\npolicies/x.yaml:1:1: error [forged] \\x01'" in findings[1]
    assert lines[-1] == (
        "3 errors, 0 warnings in 3 files; 10 files checked. Only the per-file checks ran; the "
        "cross-file checks did not: 3 files could not be read or did not match the format; fix "
        "them and check again to see the rest."
    )
    assert not re.search("[\x00-\x1f\x7f-\x9f]", "".join(lines))


def test_github_annotations_cannot_be_forged(run_cli: Cli, hostile: Path) -> None:
    out = check(run_cli, hostile, "github")
    commands = [line.split(" ", 1)[0] for line in out.splitlines()[:-1]]
    assert commands == ["::error"] * 3
    assert out.splitlines()[0].startswith(
        "::error file=policies/drafts/a\\n%3A%3Aerror file=x%3A%3Aforged \\x1b[2J.yaml,line=1,"
    )
    assert "\x1b" not in out and "\x01" not in out


def test_markdown_shows_links_mentions_and_html_as_text(run_cli: Cli, hostile: Path) -> None:
    import cmarkgfm
    from cmarkgfm.cmark import Options

    out = check(run_cli, hostile, "markdown")
    page = cmarkgfm.github_flavored_markdown_to_html(out, options=Options.CMARK_OPT_UNSAFE)
    tags = set(re.findall(r"<([a-z0-9]+)", page))
    assert tags == {"h3", "p", "table", "thead", "tbody", "tr", "th", "td", "code"}
    assert len(re.findall("<tr>", page)) == 1 + 3
    # The schema message shortens the value it quotes; what it keeps is plain text.
    assert "[请点此批准](https\u200b://evil.example/approve) @\u200borg/team &lt;img src=x" in page
    assert "<code>policies/drafts/a\\n::error file=x::forged \\x1b[2J.yaml:1:1</code>" in page


def read_junit(text: str, tmp_path: Path) -> dict[str, TestCase]:
    """The test cases of a JUnit report as a CI dashboard reads them (from a file)."""
    report = tmp_path / "junit.xml"
    report.write_text(text, encoding="utf-8")
    xml = JUnitXml.fromfile(str(report))
    return {case.name: case for suite in xml for case in suite}


def test_junit_skips_the_rules_that_a_broken_file_kept_from_running(
    run_cli: Cli, hostile: Path, tmp_path: Path
) -> None:
    cases = read_junit(check(run_cli, hostile, "junit"), tmp_path)
    assert list(cases) == list(RULES)
    skipped = [name for name, case in cases.items() if case.is_skipped]
    # The per-file rules ran on the files that loaded; only the cross-file ones were held back.
    assert skipped == [
        r
        for r in RULES
        if RULES[r].stage == "rules" and r != "rule-config" and not RULES[r].partial
    ]
    assert "invisible-character" not in skipped and "id-matches-file" not in skipped
    assert {r.message for name in skipped for r in cases[name].result} == {
        "Not run: a file could not be read or did not match the format; the cross-file checks "
        "run once those errors are fixed."
    }
    failed = [name for name, case in cases.items() if case.is_failure]
    assert failed == ["file-unknown", "schema"]
    (schema_failure,) = cases["schema"].result
    assert (schema_failure.text or "").count("\n") == 2  # one line per finding, and the key's \n
    assert "[forged] \\x01'" in (schema_failure.text or "")
    (unknown,) = cases["file-unknown"].result
    assert (unknown.message or "").startswith(
        "policies/drafts/a\n::error file=x::forged \\x1b[2J.yaml:1:1: No policy kind"
    )
    assert all(cases[r].is_passed for r in RULES if RULES[r].stage == "load" and r not in failed)


def test_junit_skips_nothing_when_every_file_loads(
    cross_file: list[Finding], tmp_path: Path
) -> None:
    cases = read_junit(render("junit", cross_file), tmp_path)
    assert [name for name, case in cases.items() if case.is_skipped] == []
    assert [name for name, case in cases.items() if case.is_failure] == ["ref-resolves"]


MULTITOOL = ("@microsoft/sarif-multitool", "5.7.0")
SITE = "site_url: http://handbook.intranet/\n"


@pytest.fixture(scope="session")
def multitool() -> Path:
    """The multitool's executable for this platform."""
    package = npm_package(*MULTITOOL)
    binary = Path(node("process.stdout.write(require(process.argv[1]))", str(package)))
    # npm may skip the package's install script that marks it executable.
    binary.chmod(binary.stat().st_mode | stat.S_IXUSR)
    return binary


def validate(multitool: Path, logs: list[Path], output: Path) -> list[dict[str, Any]]:
    """Every error and warning the multitool reports on ``logs``."""
    levels = ["--level", "Error;Warning"]
    subprocess.run(
        [str(multitool), "validate", *map(str, logs), *levels, "--output", str(output)],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "DOTNET_CLI_TELEMETRY_OPTOUT": "1"},
    )
    (run,) = json.loads(output.read_text(encoding="utf-8"))["runs"]
    assert run["invocations"][0]["executionSuccessful"] is True
    results: list[dict[str, Any]] = run.get("results", [])
    return results


def sarif_of(run_cli: Cli, root: Path, *extra: str) -> str:
    (root / "mkdocs.yml").write_text(SITE, encoding="utf-8")
    code, out, _ = run_cli("check", "--root", str(root), "--format", "sarif", *extra)
    assert code == 1
    return out


ENCODED = "%E6%96%B0%E5%B2%97%E4%BD%8D%20%E8%8D%89%E7%A8%BF.yaml"


def test_multitool_finds_no_error_or_warning(
    run_cli: Cli, hostile: Path, cross_file: list[Finding], tmp_path: Path, multitool: Path
) -> None:
    odd = case_root(CASES / "file-unknown" / "fail", tmp_path / "odd")
    assert (odd / "policies/drafts/新岗位 草稿.yaml").exists()
    odd_log = sarif_of(run_cli, odd)
    assert ENCODED in odd_log
    logs = {
        "odd-names.sarif": odd_log,
        "hostile.sarif": sarif_of(run_cli, hostile),
        "cross-file.sarif": render(
            "sarif", cross_file, site_url="http://handbook.intranet/", baseline=True
        ),
        # The file name written as it is: proves the multitool does check what we claim.
        "raw-name.sarif": odd_log.replace(ENCODED, "新岗位 草稿.yaml"),
    }
    for name, text in logs.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    results = validate(multitool, [tmp_path / name for name in logs], tmp_path / "out.sarif")
    reported = [
        (
            Path(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]).name,
            r["ruleId"],
            r["level"],
        )
        for r in results
    ]
    assert reported == [("raw-name.sarif", "SARIF1002", "error")]


GITLAB_SCHEMA = Path(__file__).parent / "data" / "gitlab-code-quality.schema.json"


def gitlab_report(text: str) -> list[dict[str, Any]]:
    """The report, checked against GitLab's documented fields, with unique fingerprints."""
    report: list[dict[str, Any]] = json.loads(text)
    schema = json.loads(GITLAB_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(report)
    assert len({issue["fingerprint"] for issue in report}) == len(report)
    return report


def test_gitlab_code_quality(cross_file: list[Finding]) -> None:
    # The waived finding is accepted: it is not an issue in the merge request.
    assert gitlab_report(render("gitlab", cross_file)) == [
        {
            "type": "issue",
            "description": "There is no role 'leed'. Did you mean 'lead'?",
            "check_name": "ref-resolves",
            "fingerprint": cross_file[0].fingerprint,
            "severity": "critical",
            "location": {"path": WORKER, "lines": {"begin": 4}},
        }
    ]


def test_gitlab_code_quality_from_the_cli(run_cli: Cli, hostile: Path) -> None:
    report = gitlab_report(check(run_cli, hostile, "gitlab"))
    assert [(i["check_name"], i["severity"], i["location"]) for i in report] == [
        ("file-unknown", "critical", {"path": ODD_NAME, "lines": {"begin": 1}}),
        ("schema", "critical", {"path": WORKER, "lines": {"begin": 18}}),
        ("schema", "critical", {"path": "policies/training/m-work.yaml", "lines": {"begin": 5}}),
    ]
    assert "'\\x1b[2J\\x1b[32mall clear\\npolicies/x.yaml" in report[1]["description"]


def test_gitlab_fingerprints_stay_unique_for_identical_findings(
    cross_file: list[Finding],
) -> None:
    twice = [cross_file[0], cross_file[0]]
    known = dataclasses.replace(cross_file[0], in_baseline=True)
    report = gitlab_report(render("gitlab", [*twice, known]))
    assert report[0]["fingerprint"] == cross_file[0].fingerprint
    assert [issue["severity"] for issue in report] == ["critical", "critical", "info"]


def test_gitlab_report_of_a_clean_handbook_is_empty(run_cli: Cli, tmp_path: Path) -> None:
    root = case_root(tmp_path / "no-such-case", tmp_path / "clean")
    code, out, _ = run_cli(
        "check", "--root", str(root), "--format", "gitlab", "--today", "2026-11-25"
    )
    assert (code, json.loads(out)) == (0, [])
