"""Pure rendering: the checked handbook → Markdown pages and a navigation, with no MkDocs in sight.

The MkDocs plugin only adds these pages to the build, so the renderer can be tested on its own
and moved to a pre-build script if MkDocs' plugin system goes away.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from validator.model import Handbook
from validator.render.coverage_page import coverage_page
from validator.render.home import home, organisation
from validator.render.markup import LIST_LIMIT
from validator.render.registries import certificates_page, regulations_page, sources_page
from validator.render.roles import role_page, roles_index
from validator.render.standards_pages import area_page, standards_index
from validator.render.training_pages import module_page, training_index
from validator.render.validator_pages import rules_page, waivers_page

NAV_ENTITY_LIMIT = LIST_LIMIT
"""Role pages are listed in the navigation only up to this many: Material repeats the navigation
on every page, so a long list would make each page, and the build, grow with the handbook."""


@dataclass
class Site:
    """Generated pages (path relative to the docs folder → Markdown) and the navigation."""

    pages: dict[str, str] = field(default_factory=dict)
    nav: list[Any] = field(default_factory=list)


def render(handbook: Handbook) -> Site:
    """Every generated page of the handbook site."""
    site = Site()
    site.pages["index.md"] = home(handbook)
    site.pages["organisation.md"] = organisation(handbook)
    site.pages["roles/index.md"] = roles_index(handbook)
    for role in handbook.all("role"):
        site.pages[f"roles/{role.id}.md"] = role_page(handbook, role)
    site.pages["training/index.md"] = training_index(handbook)
    for module in handbook.all("module"):
        site.pages[f"training/{module.id}.md"] = module_page(handbook, module)
    site.pages["standards/index.md"] = standards_index(handbook)
    for area in handbook.all("area"):
        site.pages[f"standards/{area.id}.md"] = area_page(handbook, area)
    site.pages["regulations.md"] = regulations_page(handbook)
    site.pages["certificates.md"] = certificates_page(handbook)
    site.pages["sources.md"] = sources_page(handbook)
    site.pages["coverage.md"] = coverage_page(handbook)
    site.pages["rules.md"] = rules_page()
    site.pages["waivers.md"] = waivers_page(handbook, handbook.today)
    site.nav = _nav(handbook)
    site.pages = {path: _with_title(markdown) for path, markdown in site.pages.items()}
    return site


_TAG = re.compile(r"<[^>]+>")


def _with_title(markdown: str) -> str:
    # MkDocs hands page and navigation titles to the theme's templates unescaped (its Jinja
    # environment does not autoescape), so a title taken from the data would be live HTML there.
    # A front-matter title, HTML-escaped here, is what MkDocs and Material use instead.
    first = markdown.split("\n", 1)[0]
    heading = first.removeprefix("# ")
    plain = html.unescape(_TAG.sub("", heading)).strip()
    return f"---\ntitle: {json.dumps(html.escape(plain), ensure_ascii=False)}\n---\n\n{markdown}"


def _safe(title: str) -> str:
    """A navigation title from the data, escaped for templates that do not escape."""
    return html.escape(title)


def _nav(handbook: Handbook) -> list[Any]:
    roles: list[Any] = ["roles/index.md"]
    if sum(1 for _ in handbook.all("role")) <= NAV_ENTITY_LIMIT:
        # Frontline first: most readers are frontline staff looking for their own role.
        for tier in sorted(handbook.all("tier"), key=lambda t: int(t.data["rank"])):
            pages = [
                {_safe(role.display("zh")): f"roles/{role.id}.md"}
                for role in handbook.all("role")
                if role.data["tier"] == tier.id
            ]
            if pages:
                roles.append({_safe(tier.display("zh")): pages})
    standards: list[Any] = ["standards/index.md"]
    standards += [
        {_safe(area.display("zh")): f"standards/{area.id}.md"} for area in handbook.all("area")
    ]
    return [
        {"首页": "index.md"},
        {"简介": "introduction.md"},
        {"组织架构": "organisation.md"},
        {"岗位说明书": roles},
        {"培训体系": "training/index.md"},
        {"服务标准": standards},
        {"法律法规": "regulations.md"},
        {"持证要求": "certificates.md"},
        {"覆盖矩阵": "coverage.md"},
        {
            "手册维护": [
                {"编辑指南": "editor-guide.md"},
                {"校验规则": "rules.md"},
                {"豁免": "waivers.md"},
                {"资料出处": "sources.md"},
            ]
        },
    ]
