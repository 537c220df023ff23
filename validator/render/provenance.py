"""Where each generated page comes from: its policy files, their last review and the next one.

A reader trusts a page more when it says how fresh it is, and corrects it more readily when it
links to the file to change. The page's files are found through the registry of kinds (every
entity shown on a page brings its own file), and each file's ``review:`` gives the dates.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from datetime import date

from validator.model import Handbook
from validator.render.markup import NOT_INDEXED, esc
from validator.rules.governance import add_months


def page_sources(handbook: Handbook) -> dict[str, list[str]]:
    """Generated page (``roles/x.md``) → the policy files its entities come from, sorted."""
    sources: dict[str, set[str]] = defaultdict(set)
    for kind in handbook.kinds:
        if kind.page is None:
            continue  # shown on the page of the entity that contains it, from the same file
        for entity in handbook.all(kind.name):
            page = kind.page.format(id=entity.id) if "{id}" in kind.page else kind.page
            sources[page].add(entity.ref.path)
    return {page: sorted(paths) for page, paths in sources.items()}


def review_dates(handbook: Handbook, paths: list[str]) -> tuple[date, date] | None:
    """The oldest last review of ``paths`` and the earliest next review due, if all record one."""
    reviews = []
    for path in paths:
        document = handbook.documents.get(path)
        data = document.data if document is not None else None
        review = data.get("review") if isinstance(data, dict) else None
        if not review:
            return None
        last = date.fromisoformat(str(review["last_reviewed"]))
        reviews.append((last, add_months(last, int(review["every_months"]))))
    if not reviews:
        return None
    return min(r[0] for r in reviews), min(r[1] for r in reviews)


def review_note(handbook: Handbook, paths: list[str]) -> list[str]:
    """A line at the foot of a page: when its content was last reviewed and is next due."""
    dates = review_dates(handbook, paths)
    if dates is None:
        return []
    last, due = dates
    files = "、".join(f"<code>{esc(posixpath.basename(path))}</code>" for path in paths[:3])
    if len(paths) > 3:
        files += f" 等 {len(paths)} 个文件"
    overdue = "（已过期，请尽快复核）" if due < handbook.today else ""
    version = handbook.settings.get("version")
    edition = f"手册版本 {esc(version)}。" if version else ""
    return [
        f'<p class="hb-review" {NOT_INDEXED}>{edition}本页内容上次复核 {last.isoformat()}，'
        f"下次复核 {due.isoformat()} 前{overdue}。来源：{files}</p>",
        "",
    ]


def edit_address(repo_url: str, edit_uri: str, docs_dir: str, source: str) -> str | None:
    """The web address to edit ``source`` (a path from the repository root) on the code host.

    ``edit_uri`` is MkDocs' setting for the pages of ``docs/`` and ends with that folder on
    every host (GitHub ``edit/main/docs/``, GitLab ``-/edit/main/docs/``, Gitea
    ``_edit/main/docs/``); without the folder it leads to the repository root, where the
    policies live. ``None`` when the site has no repository address.
    """
    if not repo_url or not edit_uri:
        return None
    folder = docs_dir.strip("/") + "/"
    root = edit_uri if edit_uri.endswith("/") else edit_uri + "/"
    root = root.removesuffix(folder) if root.endswith(folder) else root
    if root.startswith(("http://", "https://")):
        base = root
    else:
        base = repo_url.rstrip("/") + "/" + root.lstrip("/")
    return base + source
