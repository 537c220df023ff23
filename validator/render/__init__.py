"""Pure rendering: the checked handbook → Markdown pages and a navigation, with no MkDocs in sight.

The MkDocs plugin only adds these pages to the build, so the renderer can be tested on its own
and moved to a pre-build script if MkDocs' plugin system goes away. Pages of single entities
(a role, a module, a standards area) come from the registry of kinds: every kind whose entry
gives it a page per entity gets one, drawn by its registered renderer.

The navigation belongs to the author: ``mkdocs.yml`` lists the pages in the order wanted and
writes ``handbook:roles`` and ``handbook:standards`` where the generated sections go
(:func:`expand_nav`); :func:`default_nav` is used only when ``mkdocs.yml`` has no ``nav``.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from validator.model import Handbook
from validator.render.changelog import changelog_page
from validator.render.coverage_page import coverage_page
from validator.render.downloads import Downloads
from validator.render.entity_pages import page_renderer
from validator.render.home import home, organisation
from validator.render.markup import LEGEND, LIST_LIMIT, NOT_INDEXED, status_legend
from validator.render.provenance import page_sources, review_note
from validator.render.registries import certificates_page, regulations_page, sources_page
from validator.render.roles import roles_index
from validator.render.standards_pages import standards_index
from validator.render.training_pages import training_index
from validator.render.validator_pages import rules_page, waivers_page

if TYPE_CHECKING:
    from validator.versions import Entry

NAV_ENTITY_LIMIT = LIST_LIMIT
"""Role pages are listed in the navigation only up to this many: Material repeats the navigation
on every page, so a long list would make each page, and the build, grow with the handbook."""

SECTION = "handbook:"
"""How ``mkdocs.yml``'s navigation names a generated section: ``handbook:roles``."""


@dataclass
class Site:
    """Generated pages (path relative to the docs folder → Markdown) and the navigation."""

    pages: dict[str, str] = field(default_factory=dict)
    sources: dict[str, list[str]] = field(default_factory=dict)
    """Generated page → the policy files it is made from (the page's edit link opens the first)."""
    sections: dict[str, list[Any]] = field(default_factory=dict)
    """The generated parts of the navigation, by name (``roles``, ``standards``)."""

    @property
    def nav(self) -> list[Any]:
        """The navigation used when ``mkdocs.yml`` gives none."""
        expanded: list[Any] = expand_nav(default_nav(), self)
        return expanded


def render(
    handbook: Handbook, downloads: Downloads | None = None, history: list[Entry] | None = None
) -> Site:
    """Every generated page of the handbook site.

    ``downloads`` says which printable files the site offers; pages link only to those.
    ``history`` (the versions compared, possibly none) adds the change log page.
    """
    offered = downloads if downloads is not None else Downloads()
    site = Site()
    site.sections = _sections(handbook)
    site.sources = page_sources(handbook)

    def add(path: str, markdown: str) -> None:
        # Each page is finished before the next is made: a national group's pages are 100 MB
        # of text, which a second pass over all of them would hold twice.
        paths = site.sources.get(path)
        if paths:
            markdown += "\n\n" + "\n".join(review_note(handbook, paths))
        site.pages[path] = _with_title(_marks_explained(markdown), path)

    add("index.md", home(handbook, offered))
    add("organisation.md", organisation(handbook))
    add("roles/index.md", roles_index(handbook))
    for kind in handbook.kinds:
        if kind.page is None or "{id}" not in kind.page:
            continue
        renderer = page_renderer(kind.name)
        for entity in handbook.all(kind.name):
            add(kind.page.format(id=entity.id), renderer(handbook, entity, offered))
    add("training/index.md", training_index(handbook, offered))
    add("standards/index.md", standards_index(handbook))
    add("regulations.md", regulations_page(handbook))
    add("certificates.md", certificates_page(handbook))
    add("sources.md", sources_page(handbook))
    add("coverage.md", coverage_page(handbook))
    add("rules.md", rules_page())
    add("waivers.md", waivers_page(handbook, handbook.today))
    if history is not None:
        add("changelog.md", changelog_page(history))
    return site


_MARK = re.compile(rf' <a class="hb-status hb-([a-z-]+)" href="#{LEGEND}"[^>]*>[^<]*</a>')
_HEADING = re.compile(r"^(#{1,6} )(.*?)((?: \{#[^}]*\})?)$")


def _marks_explained(markdown: str) -> str:
    # A status word is a remark about the entry, not part of its name: kept in a heading it
    # would reach the page title, the table of contents and every search result ("… 建议").
    # It goes on a line of its own below the heading, and the page explains every word it uses.
    lines: list[str] = []
    for line in markdown.split("\n"):
        heading = _HEADING.match(line)
        marks = _MARK.findall(line) if heading else []
        if heading and marks:
            lines += [
                heading.group(1) + _MARK.sub("", heading.group(2)) + heading.group(3),
                "",
                f'<p class="hb-marks" {NOT_INDEXED}>'
                + "".join(m.group(0) for m in _MARK.finditer(line))
                + "</p>",
            ]
        else:
            lines.append(line)
    used = list(dict.fromkeys(_MARK.findall(markdown)))
    return "\n".join([*lines, "", *status_legend(used)])


_TAG = re.compile(r"<[^>]+>")


# How much a page's sections count in search (1 for any other page). Staff look for a role, a
# module or a certificate; a standards area answers fewer questions than its title matches. The
# overviews (the catalogue with the yearly hours) count most, so a general query ("培训学时")
# lands there, while a specific one still lands on its entity through the title match.
# Registers and the rules reference are for editors and stay out, so "fire" finds the
# fire-safety module rather than a list of source addresses; the coverage view only repeats
# duty texts and module titles their own pages carry.
_SEARCH_EXCLUDED = frozenset(
    {"rules.md", "waivers.md", "sources.md", "coverage.md", "changelog.md"}
)
SEARCH_BOOSTS = {
    "roles/index.md": 5.0,
    "training/index.md": 5.0,
    "standards/index.md": 5.0,
    "roles/": 4.0,
    "training/": 4.0,
    "certificates.md": 4.0,
    "standards/": 3.0,
}
"""Page (or folder) → search boost; the first that matches a page's path applies."""


def _search_meta(path: str) -> str:
    if path in _SEARCH_EXCLUDED:
        return "search:\n  exclude: true\n"
    for prefix, boost in SEARCH_BOOSTS.items():
        if path == prefix or (prefix.endswith("/") and path.startswith(prefix)):
            return f"search:\n  boost: {boost:g}\n"
    return ""


def _with_title(markdown: str, path: str = "") -> str:
    # MkDocs hands page and navigation titles to the theme's templates unescaped (its Jinja
    # environment does not autoescape), so a title taken from the data would be live HTML there.
    # A front-matter title, HTML-escaped here, is what MkDocs and Material use instead.
    first = markdown.split("\n", 1)[0]
    heading = first.removeprefix("# ")
    plain = html.unescape(_TAG.sub("", heading)).strip()
    if path == "index.md":
        # The home page's heading is the site's name; the theme adds that name to every title.
        plain = "首页"
    title = json.dumps(html.escape(plain), ensure_ascii=False)
    return f"---\ntitle: {title}\n{_search_meta(path)}---\n\n{markdown}"


def _safe(title: str) -> str:
    """A navigation title from the data, escaped for templates that do not escape."""
    return html.escape(title)


def _sections(handbook: Handbook) -> dict[str, list[Any]]:
    resolved = handbook.resolved
    roles: list[Any] = ["roles/index.md"]
    if handbook.count("role") <= NAV_ENTITY_LIMIT:
        # Frontline first: most readers are frontline staff looking for their own role.
        for tier in resolved.tiers:
            pages = [
                {_safe(role.display("zh")): f"roles/{role.id}.md"}
                for role in resolved.roles_by_tier.get(tier.id, [])
            ]
            if pages:
                roles.append({_safe(tier.display("zh")): pages})
    standards: list[Any] = ["standards/index.md"]
    standards += [
        {_safe(area.display("zh")): f"standards/{area.id}.md"} for area in handbook.all("area")
    ]
    return {"roles": roles, "standards": standards}


def default_nav() -> list[Any]:
    """The handbook's own order of pages, for a ``mkdocs.yml`` without a ``nav``."""
    return [
        {"首页": "index.md"},
        {"组织架构": "organisation.md"},
        {"岗位说明书": f"{SECTION}roles"},
        {"培训体系": "training/index.md"},
        {"服务标准": f"{SECTION}standards"},
        {"法律法规": "regulations.md"},
        {"持证要求": "certificates.md"},
        {"培训覆盖": "coverage.md"},
        {
            "手册维护": [
                {"校验规则": "rules.md"},
                {"豁免": "waivers.md"},
                {"资料出处": "sources.md"},
            ]
        },
    ]


def expand_nav(nav: Any, site: Site) -> Any:
    """``nav`` with every ``handbook:<section>`` replaced by that generated section."""
    if isinstance(nav, str) and nav.startswith(SECTION):
        return site.sections.get(nav.removeprefix(SECTION), [])
    if isinstance(nav, list):
        return [expand_nav(item, site) for item in nav]
    if isinstance(nav, dict):
        return {title: expand_nav(item, site) for title, item in nav.items()}
    return nav


def nav_paths(nav: Any) -> list[str]:
    """Every page path a navigation names."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [path for item in nav for path in nav_paths(item)]
    if isinstance(nav, dict):
        return [path for item in nav.values() for path in nav_paths(item)]
    return []
