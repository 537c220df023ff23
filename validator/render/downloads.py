"""The printable files the site offers beside its pages, and the links to them.

The files are made by the exports (``handbook export all``); a page links to one only when the
build that publishes the page also makes the file, and otherwise says where to get it, so a
preview (``mkdocs serve`` on a machine without Chromium, say) never shows a dead link.
"""

from __future__ import annotations

from dataclasses import dataclass

from validator.render.markup import href

FOLDER = "downloads"
"""Where the files live, relative to the site root."""
HANDBOOK_PDF = f"{FOLDER}/handbook.pdf"
WORKBOOK = f"{FOLDER}/training.xlsx"
DATA = f"{FOLDER}/handbook.json"


def role_pdf(role_id: str) -> str:
    """The printable job description of a role, relative to the site root."""
    return f"{FOLDER}/roles/{role_id}.pdf"


@dataclass(frozen=True)
class Downloads:
    """Which files this build publishes."""

    pdf: bool = True
    workbook: bool = True


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
