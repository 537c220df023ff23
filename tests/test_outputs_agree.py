"""Every output says the same thing: who takes each module, and each post's modules and hours.

Read from the outputs themselves (the built site's HTML, `export json`, the workbook's cells,
`explain`'s text), never from the function that computes them, so a layer that re-derives a fact
differently shows up here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import REPO

pytestmark = pytest.mark.slow

Cli = Callable[..., tuple[int, str, str]]
Post = tuple[str, str | None]
"""(role id, specialty id or None)."""

ARTICLE = re.compile(r"<article.*?</article>", re.S)
ROLE_HREF = re.compile(r'href="\.\./\.\./roles/([a-z0-9-]+)/"')
MODULE_HREF = re.compile(r'href="\.\./\.\./training/(m-[a-z0-9-]+)/"')
HOURS = re.compile(
    r"首年合计 <strong>([\d.]+)</strong> 学时，之后每年复训约 <strong>(\d+)</strong> 学时"
)


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    from validator.cli import main

    target = tmp_path_factory.mktemp("json") / "handbook.json"
    assert main(["export", "json", "-o", str(target), "--root", str(REPO)]) == 0
    loaded: dict[str, object] = json.loads(target.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from validator.cli import main

    target = tmp_path_factory.mktemp("xlsx") / "training.xlsx"
    assert main(["export", "xlsx", "-o", str(target), "--root", str(REPO)]) == 0
    return target


def _roles(document: dict[str, object]) -> list[dict[str, object]]:
    roles = document["roles"]
    assert isinstance(roles, list)
    return roles


def _specialty_names(document: dict[str, object]) -> dict[tuple[str, str], str]:
    return {
        (str(role["id"]), str(s["name"]["zh"])): str(s["id"])  # type: ignore[index]
        for role in _roles(document)
        for s in role.get("specialties") or []  # type: ignore[attr-defined]
    }


def _from_json(document: dict[str, object]) -> tuple[dict[str, set[str]], dict[Post, object]]:
    takers: dict[str, set[str]] = {}
    posts: dict[Post, object] = {}
    modules = document["modules"]
    assert isinstance(modules, list)
    for module in modules:
        takers[module["id"]] = set(module["roles"])
    for role in _roles(document):
        for path in role["training_paths"]:  # type: ignore[attr-defined]
            # The site shows steady-state hours rounded to the hour; the workbook has no
            # steady-state total and is compared on the first two only.
            posts[(str(role["id"]), path["specialty"])] = (
                tuple(path["modules"]),
                float(path["first_year_hours"]),
                round(float(path["yearly_hours"])),
            )
    return takers, posts


def _from_site(
    site: Path, document: dict[str, object]
) -> tuple[dict[str, set[str]], dict[Post, object]]:
    takers: dict[str, set[str]] = {}
    for page in sorted((site / "training").glob("m-*/index.html")):
        article = ARTICLE.findall(page.read_text(encoding="utf-8"))[0]
        row = re.search(r"<td>受训岗位</td>\s*<td>(.*?)</td>", article, re.S)
        takers[page.parent.name] = set(ROLE_HREF.findall(row.group(1))) if row else set()
    names = _specialty_names(document)
    posts: dict[Post, object] = {}
    for role in _roles(document):
        role_id = str(role["id"])
        html = (site / "roles" / role_id / "index.html").read_text(encoding="utf-8")
        article = ARTICLE.findall(html)[0]
        section = article.split(">培训路径</h2>", 1)[1].split("<h2", 1)[0]
        # A role with specialties folds each post's path under a summary naming the post.
        parts = re.split(r'<details class="hb-path"[^>]*>\s*<summary>([^<]*?)：', section)
        if len(parts) == 1:
            chunks: list[tuple[str | None, str]] = [(None, parts[0])]
        else:
            chunks = [(names[(role_id, parts[i])], parts[i + 1]) for i in range(1, len(parts), 2)]
        for specialty, chunk in chunks:
            hours = HOURS.search(chunk)
            assert hours is not None, (role_id, specialty)
            # The post's own modules are the first table; conditional ones and the plan follow.
            first_table = chunk.split("</table>", 1)[0]
            posts[(role_id, specialty)] = (
                tuple(MODULE_HREF.findall(first_table)),
                float(hours.group(1)),
                int(hours.group(2)),
            )
    return takers, posts


def _from_workbook(
    path: Path, document: dict[str, object]
) -> tuple[dict[str, set[str]], dict[Post, object]]:
    sheet = load_workbook(path)["培训矩阵"]
    header = [cell.value for cell in sheet[1]]
    codes = [str(h).split(" ", 1)[0].lower() for h in header[1:-1]]
    labels: dict[str, Post] = {}
    names = {(role, sid): zh for (role, zh), sid in _specialty_names(document).items()}
    for role in _roles(document):
        name = str(role["name"]["zh"])  # type: ignore[index]
        for training in role["training_paths"]:  # type: ignore[attr-defined]
            specialty = training["specialty"]
            shown = f"（{names[(str(role['id']), specialty)]}）" if specialty else ""
            labels[name + shown] = (str(role["id"]), specialty)
    takers: dict[str, set[str]] = {code: set() for code in codes}
    posts: dict[Post, object] = {}
    for row in sheet.iter_rows(min_row=2, values_only=True):
        post = labels[str(row[0])]
        taken = {code for code, hours in zip(codes, row[1:-1], strict=True) if hours is not None}
        for code in taken:
            takers[code].add(post[0])
        posts[post] = (frozenset(taken), float(row[-1]))  # type: ignore[arg-type]
    return takers, posts


def _from_explain(
    run_cli: Cli, document: dict[str, object]
) -> tuple[dict[str, set[str]], dict[Post, object]]:
    takers: dict[str, set[str]] = {}
    modules = document["modules"]
    assert isinstance(modules, list)
    for module in modules:
        code, out, _ = run_cli("explain", module["id"], "--root", str(REPO), "--lang", "zh")
        assert code == 0
        line = next(text for text in out.splitlines() if text.startswith("  受训岗位: "))
        listed = line.removeprefix("  受训岗位: ")
        takers[module["id"]] = set() if listed == "—" else set(listed.split(", "))
    posts: dict[Post, object] = {}
    path_line = re.compile(
        r"^  培训路径(?: \((.+)\))?: (.*) \(首年 ([\d.]+) 学时，之后每年 ([\d.]+) 学时"
    )
    for role in _roles(document):
        code, out, _ = run_cli("explain", str(role["id"]), "--root", str(REPO), "--lang", "zh")
        assert code == 0
        for text in out.splitlines():
            match = path_line.match(text)
            if match:
                posts[(str(role["id"]), match.group(1))] = (
                    tuple(match.group(2).split(" → ")),
                    float(match.group(3)),
                    round(float(match.group(4))),
                )
    return takers, posts


def _disagreements(
    name: str, reference: dict[object, object], other: dict[object, object], unordered: bool
) -> list[str]:
    found = []
    for key in sorted(set(reference) | set(other), key=str):
        expected, seen = reference.get(key), other.get(key)
        if unordered and isinstance(expected, tuple) and isinstance(expected[0], tuple):
            expected = (frozenset(expected[0]), expected[1])
        if expected != seen:
            found.append(f"{name} {key}: {expected!r} vs {seen!r}")
    return found


def test_every_output_agrees_on_audiences_paths_and_hours(
    built_site: Path, document: dict[str, object], workbook: Path, run_cli: Cli
) -> None:
    takers, posts = _from_json(document)
    assert len(takers) == len(list((REPO / "policies" / "training").glob("*.yaml")))
    assert len(posts) > len(_roles(document))  # some roles have several posts
    problems: list[str] = []
    for name, (other_takers, other_posts, unordered) in {
        "site": (*_from_site(built_site, document), False),
        "workbook": (*_from_workbook(workbook, document), True),
        "explain": (*_from_explain(run_cli, document), False),
    }.items():
        problems += _disagreements(f"{name} audience", dict(takers), dict(other_takers), False)
        problems += _disagreements(f"{name} path", dict(posts), dict(other_posts), unordered)
    assert problems == []
