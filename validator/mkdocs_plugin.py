"""The MkDocs plugin ``handbook``: validate the policies once per build, then add the pages.

A thin adapter: checking lives in :mod:`validator.engine` and rendering in
:mod:`validator.render`, so both can move to a pre-build script if MkDocs' plugin system goes
away. Events:

* ``on_config``: run the validator; stop the build with the findings as ``file:line`` lines if an
  error is not waived; set the navigation from the data;
* ``on_files``: add the generated pages as in-memory files;
* ``on_page_content``: sanitise every page's HTML, a second line of defence behind the renderer's
  escaping, so nothing from a pull request can put live markup on the intranet.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import nh3
from mkdocs.config import config_options as options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from validator.engine import run
from validator.errors import ToolError
from validator.findings import Severity
from validator.render import Site, render

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

_ATTRIBUTES = {
    "*": {"class", "id", "lang", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "align"},
    "td": {"colspan", "rowspan", "align"},
    "ol": {"start"},
}


class HandbookConfig(Config):
    """Options of the ``handbook`` plugin in ``mkdocs.yml``."""

    root = options.Type(str, default=".")
    """Repository root holding ``policies/`` and ``schemas/``, relative to ``mkdocs.yml``."""
    lang = options.Choice(("zh", "en"), default="zh")
    """Language of the validation messages printed during the build."""


class HandbookPlugin(BasePlugin[HandbookConfig]):
    """Validates the policies and adds the generated handbook pages to the build."""

    def __init__(self) -> None:
        self.site: Site | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Validate once for this build; on success, render the pages and set the navigation."""
        root = Path(config.config_file_path).parent / self.config.root
        lang = self.config.lang
        try:
            result = run(root)
        except ToolError as error:
            raise PluginError(error.text.get(lang)) from error
        for finding in result.findings:
            line = f"{finding.location}: [{finding.rule}] {finding.message.get(lang)}"
            if finding.fails:
                log.error(line)
            elif finding.severity is Severity.WARNING and not finding.suppressed:
                log.info(line)
        if result.failed or result.handbook is None:
            raise PluginError(
                "政策文件校验未通过，见上面的 file:line 列表（handbook check 可以单独运行检查）。"
                " Policy validation failed; see the file:line list above."
            )
        self.site = render(result.handbook)
        config["nav"] = self.site.nav
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """Add every generated page as an in-memory file."""
        if self.site is None:  # pragma: no cover - on_config always runs first
            return files
        listed = set(_nav_paths(self.site.nav))
        for path, markdown in self.site.pages.items():
            existing = files.get_file_from_path(path)
            if existing is not None:
                raise PluginError(f"docs/{path} would hide the generated page of the same name")
            # Pages reached through an index (modules, a large handbook's roles) are left out of
            # the navigation on purpose.
            inclusion = InclusionLevel.UNDEFINED if path in listed else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, path, content=markdown, inclusion=inclusion))
        return files

    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Remove anything executable from the page body (scripts, handlers, javascript: links)."""
        return sanitise(html)


def _nav_paths(nav: Any) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [path for item in nav for path in _nav_paths(item)]
    if isinstance(nav, dict):
        return [path for item in nav.values() for path in _nav_paths(item)]
    return []


def sanitise(html: str) -> str:
    """The page body with only inert markup left."""
    cleaned: Any = nh3.clean(html, attributes=_ATTRIBUTES, link_rel=None)
    return str(cleaned)
