"""Each page says how fresh it is and links to the policy file to correct it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REPO, TODAY
from validator.engine import run
from validator.render import render
from validator.render.provenance import edit_address


@pytest.mark.parametrize(
    ("repo_url", "edit_uri", "expected"),
    [
        (
            "https://github.com/acme/handbook",
            "edit/main/docs/",
            "https://github.com/acme/handbook/edit/main/policies/roles/x.yaml",
        ),
        (
            "https://gitlab.example/acme/handbook/",
            "-/edit/main/docs/",
            "https://gitlab.example/acme/handbook/-/edit/main/policies/roles/x.yaml",
        ),
        (
            "https://gitea.example/acme/handbook",
            "_edit/main/docs",
            "https://gitea.example/acme/handbook/_edit/main/policies/roles/x.yaml",
        ),
        (
            "https://git.example/acme/handbook",
            "https://git.example/acme/handbook/src/edit/docs/",
            "https://git.example/acme/handbook/src/edit/policies/roles/x.yaml",
        ),
        ("", "edit/main/docs/", None),
    ],
)
def test_edit_links_lead_to_the_policy_file_on_every_host(
    repo_url: str, edit_uri: str, expected: str | None
) -> None:
    assert edit_address(repo_url, edit_uri, "docs", "policies/roles/x.yaml") == expected


def test_every_generated_page_names_its_review_dates() -> None:
    result = run(REPO, today=TODAY)
    assert result.handbook is not None
    site = render(result.handbook)
    role = site.pages["roles/security-officer.md"]
    assert site.sources["roles/security-officer.md"] == ["policies/roles/security-officer.yaml"]
    review = result.handbook.documents["policies/roles/security-officer.yaml"].data["review"]
    last = str(review["last_reviewed"])
    note = re.search(r'<p class="hb-review"[^>]*>(.*?)</p>', role)
    assert note is not None
    assert f"上次复核 {last}" in note.group(1)
    year, rest = last.split("-", 1)
    months = int(review["every_months"])
    assert months % 12 == 0
    assert f"下次复核 {int(year) + months // 12}-{rest} 前" in note.group(1)
    for path in site.sources:
        assert 'class="hb-review"' in site.pages[path], path


def test_the_built_page_links_to_its_yaml_for_editing(built_site: Path) -> None:
    html = (built_site / "roles/security-officer/index.html").read_text(encoding="utf-8")
    edit = re.search(
        r'<a href="([^"]+)" title="[^"]*" class="md-content__button[^"]*" rel="edit"', html
    )
    assert edit is not None
    assert edit.group(1).endswith("/edit/main/policies/roles/security-officer.yaml")
