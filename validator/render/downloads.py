"""The printable files the site offers beside its pages, and the links to them.

The files are made by the exports (``handbook export all``); a page links to one only when the
build that publishes the page also makes the file, and otherwise says where to get it, so a
preview (``mkdocs serve`` on a machine without Chromium, say) never shows a dead link.
"""

from __future__ import annotations

from dataclasses import dataclass

from validator.model import Entity, Handbook
from validator.render.markup import href

FOLDER = "downloads"
"""Where the files live, relative to the site root."""
HANDBOOK_PDF = f"{FOLDER}/handbook.pdf"
WORKBOOK = f"{FOLDER}/training.xlsx"
DATA = f"{FOLDER}/handbook.json"


def role_pdf(role_id: str) -> str:
    """The printable job description of a role, relative to the site root."""
    return f"{FOLDER}/roles/{role_id}.pdf"


VOLUME_ROLES = 100
"""Roles per printed volume when ``handbook.yaml`` does not say (``print: volume_roles``)."""


@dataclass(frozen=True)
class Volume:
    """One printed file of the handbook: the whole book, or one volume of a large one."""

    number: int
    """1 for the front matter (or the whole book), then one up per volume."""
    path: str
    """Relative to the site root."""
    title: str
    """What the volume holds, in Chinese (without the handbook's title)."""
    front: bool
    """Whether it holds the cover, the contents, the organisation, training, standards, laws."""
    groups: tuple[tuple[str, tuple[Entity, ...]], ...]
    """The job descriptions it holds: (heading, roles in the handbook's order), part by part."""


def volumes(handbook: Handbook) -> list[Volume]:
    """The printed handbook: one file, or, past ``print: volume_roles`` roles, a front volume
    and one volume per tier (a large tier split by region, then into runs of that many roles),
    so a reader prints the part of a national group's handbook that concerns them."""
    resolved = handbook.resolved
    limit = int((handbook.settings.get("print") or {}).get("volume_roles") or VOLUME_ROLES)
    by_tier = [
        (tier, roles) for tier in resolved.tiers if (roles := resolved.roles_by_tier[tier.id])
    ]
    if sum(len(roles) for _, roles in by_tier) <= limit:
        groups = tuple((f"岗位说明书：{t.display('zh')}", tuple(r)) for t, r in by_tier)
        return [Volume(1, HANDBOOK_PDF, "整本手册", True, groups)]
    found = [Volume(1, _volume_path(1), "组织架构、培训、标准与法规", True, ())]
    for tier, roles in by_tier:
        for name, members in _runs(handbook, roles, limit):
            number = len(found) + 1
            title = f"岗位说明书：{tier.display('zh')}" + (f"（{name}）" if name else "")
            found.append(Volume(number, _volume_path(number), title, False, ((title, members),)))
    return found


def _volume_path(number: int) -> str:
    return f"{FOLDER}/handbook-{number:02d}.pdf"


def _runs(
    handbook: Handbook, roles: list[Entity], limit: int
) -> list[tuple[str, tuple[Entity, ...]]]:
    """A tier's roles in runs of at most ``limit``: the whole tier when it fits, otherwise
    region by region (the head of each role's branch), a large region in numbered parts."""
    if len(roles) <= limit:
        return [("", tuple(roles))]
    branch_of = handbook.resolved.branch_of
    regions: dict[str, list[Entity]] = {}
    for role in roles:
        head = branch_of.get(role.id)
        regions.setdefault(head.display("zh") if head is not None else "总部", []).append(role)
    runs = []
    for name, members in regions.items():
        pieces = [members[start : start + limit] for start in range(0, len(members), limit)]
        for index, piece in enumerate(pieces, start=1):
            runs.append((name if len(pieces) == 1 else f"{name} {index}", tuple(piece)))
    return runs


@dataclass(frozen=True)
class Downloads:
    """Which files this build publishes."""

    pdf: bool = True
    workbook: bool = True
    missing: frozenset[str] = frozenset()
    """Files this build does not make although their kind is offered (a preview leaves the
    PDFs of pages changed since their last print to the published build)."""

    def offers(self, target: str) -> bool:
        """Whether the file ``target`` (a site path) is published by this build."""
        if target in self.missing:
            return False
        return self.pdf if target.endswith(".pdf") else self.workbook


def download_link(here: str, target: str, label: str, available: bool) -> str:
    """A download link from page ``here`` (a docs path) to ``target`` (a site path), or, when
    the file is not published by this build, the label with a note instead of a dead link."""
    if available:
        # Pages are served as folders (roles/x/), one level deeper than their Markdown file.
        address = href(here, target)
        if not here.endswith("index.md"):
            address = "../" + address
        return f'<p class="hb-download"><a href="{address}">{label}</a></p>'
    return (
        f'<p class="hb-download hb-unavailable">{label}：'
        "本次预览没有生成这个文件，正式发布的网站上可以下载。</p>"
    )
