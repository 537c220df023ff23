"""The MkDocs plugin ``handbook``: validate the policies once per build, then add the pages.

A thin adapter: checking lives in :mod:`validator.engine` and rendering in
:mod:`validator.render`, so both can move to a pre-build script if MkDocs' plugin system goes
away. Events:

* ``on_config``: run the validator; stop the build with the findings as ``file:line`` lines if an
  error is not waived; fill the generated sections (``handbook:roles``...) into the author's
  navigation in ``mkdocs.yml``;
* ``on_pre_build``: take over the writing of the search index (:mod:`validator.search_index`)
  and let the search plugin reuse the entries of unchanged pages;
* ``on_files``: add the generated pages as in-memory files, and list in the navigation any
  hand-written page of ``docs/`` that the author's navigation leaves out;
* ``on_nav``: let page conversion reuse the HTML of pages unchanged since an earlier build;
* ``on_page_content``: sanitise every page's HTML, a second line of defence behind the renderer's
  escaping, so nothing from a pull request can put live markup on the intranet; let go of a
  generated page's Markdown (a plugin that reads ``page.markdown`` later goes before this one);
* ``on_post_build``: write the search index and the downloads (data, workbook, PDFs) the pages
  link to, so a plain ``mkdocs build`` or ``mkdocs serve`` has no dead link; unchanged PDFs come
  from a cache, and the changed ones have been printing since ``on_config``, beside the pages
  being built.
"""

from __future__ import annotations

import hashlib
import logging
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import jinja2
import nh3
from mkdocs.config import config_options as options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from validator import search_index
from validator.engine import run
from validator.errors import ToolError
from validator.exports import write_downloads
from validator.exports.pdf import pdf_available, unprinted
from validator.exports.print_ahead import PrintAhead
from validator.findings import Severity
from validator.generated_render import fits
from validator.installed import package_versions
from validator.model import Handbook
from validator.render import Site, expand_nav, nav_paths, render
from validator.render.downloads import FOLDER, Downloads
from validator.render.org_chart import SVG_ATTRIBUTES, SVG_TAGS
from validator.render.provenance import edit_address
from validator.render_cache import RenderCache, activate
from validator.revision import CACHE_FOLDER, cache_distrusted
from validator.search_cache import SearchCache, install_segment_memo
from validator.search_index import IndexWriter, leave_out_excluded
from validator.versions import change_log

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

_ATTRIBUTES = {
    "*": {"class", "id", "lang", "title", "data-search-exclude"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "align"},
    "td": {"colspan", "rowspan", "align"},
    "ol": {"start"},
    "details": {"open"},
    **SVG_ATTRIBUTES,
}
_TAGS = nh3.ALLOWED_TAGS | SVG_TAGS


class HandbookConfig(Config):
    """Options of the ``handbook`` plugin in ``mkdocs.yml``."""

    root = options.Type(str, default=".")
    """Repository root holding ``policies/`` and ``schemas/``, relative to ``mkdocs.yml``."""
    lang = options.Choice(("zh", "en"), default="zh")
    """Language of the validation messages printed during the build."""
    downloads = options.Type(bool, default=True)
    """Write the downloads (JSON, workbook, PDFs) into the site; PDFs need Chromium."""
    cache_dir = options.Type(str, default=CACHE_FOLDER)
    """Where printed PDFs, parsed policy files, search entries, converted pages and compiled
    templates are kept between builds, relative to ``root``."""
    search_cache = options.Type(bool, default=True)
    """Reuse the search entries of pages unchanged since an earlier build."""
    render_cache = options.Type(bool, default=True)
    """Reuse the HTML of pages unchanged since an earlier build, and the compiled templates."""
    parse_cache = options.Type(bool, default=True)
    """Reuse the parsed data of policy files unchanged since an earlier build or check."""


class HandbookPlugin(BasePlugin[HandbookConfig]):
    """Validates the policies and adds the generated handbook pages to the build."""

    def __init__(self) -> None:
        self.site: Site | None = None
        self.generated: frozenset[str] = frozenset()
        """The site paths of the generated pages."""
        self.handbook: Handbook | None = None
        """The validated handbook, kept after ``on_config`` only for the downloads."""
        self.titles: dict[str, str] = {}
        """English names of entity pages, for the search index."""
        self.offered = Downloads(pdf=False, workbook=False)
        self.root = Path(".")
        self.search: SearchCache | None = None
        self.index: IndexWriter | None = None
        self.serving = False
        self.dirty = False
        self.converted: RenderCache | None = None
        self.history: dict[object, object] = {}
        """Past commits checked and compared, kept across ``mkdocs serve`` rebuilds."""
        self.printing: PrintAhead | None = None
        """The PDFs printing beside the pages, from ``on_config`` to ``on_post_build``."""
        self.cache: Path | None = None
        """The folder of what is kept between builds, unless a commit put files there: a pull
        request must not be able to plant a page or a PDF that a later build publishes."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Remember whether this process serves the site (its builds may cover a few pages) and
        whether its builds are dirty (they read only the pages changed since the last)."""
        self.serving = command == "serve"
        self.dirty = dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Validate once for this build; on success, render the pages and set the navigation."""
        root = Path(config.config_file_path).parent / self.config.root
        self.root = root
        lang = self.config.lang
        self.cache = root / self.config.cache_dir
        distrusted = cache_distrusted(root, self.config.cache_dir)
        if distrusted is not None:
            log.warning(f"{distrusted.zh} {distrusted.en}")
            self.cache = None
        try:
            result = run(root, cache=self.cache if self.config.parse_cache else None)
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
        wanted = self.config.downloads
        # A national group's model is 100 MB or more: past this event only the downloads use it.
        self.handbook = result.handbook if wanted else None
        self.titles = search_index.english_titles(result.handbook)
        self.offered = Downloads(pdf=wanted and pdf_available(), workbook=wanted)
        if wanted and not self.offered.pdf:
            log.warning("Chromium is not installed: the site links no PDFs (make installs it).")
        history = change_log(root, result, self.history)
        self.site = render(result.handbook, self.offered, history)
        if self.serving and self.offered.pdf:
            # A preview does not wait for Chromium: pages changed since their last print say
            # that the published build makes their PDF, and the others link to it as usual.
            cache = self.cache / "pdf" if self.cache is not None else None
            missing = unprinted(result.handbook, self.site.pages, cache)
            if missing:
                self.offered = replace(self.offered, missing=missing)
                self.site = render(result.handbook, self.offered, history)
        config["nav"] = expand_nav(config["nav"], self.site) if config["nav"] else self.site.nav
        if self.offered.pdf and not self.serving and self.cache is not None:
            # From here on the changed PDFs print beside the pages (in a forked process, so the
            # pages' own conversion workers may still fork: see parallel_load.worker_count).
            self.printing = PrintAhead(result.handbook, self.site.pages, self.cache / "pdf")
            self.printing.start()
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Take over the writing of the search index, and let the search plugin reuse the entries
        of pages unchanged since an earlier build."""
        self.search = None
        self.index = None
        for plugin in config.plugins.values():
            index = getattr(plugin, "search_index", None)
            if IndexWriter.fits(index):
                self.index = IndexWriter(self.titles)
                self.index.wrap(index)
                leave_out_excluded(index)
            if not self.config.search_cache or self.cache is None:
                continue
            if index is not None and hasattr(index, "add_entry_from_context"):
                options = getattr(plugin, "config", {})
                dictionaries = [options.get(k) for k in ("jieba_dict", "jieba_dict_user")]
                # The word table holds jieba's own dictionary, not one the site configures.
                segments = install_segment_memo(None if any(dictionaries) else self.cache)
                self.search = SearchCache(self.cache, repr(dictionaries), segments)
                self.search.wrap(index)

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """Add every generated page as an in-memory file."""
        if self.site is None:  # pragma: no cover - on_config always runs first
            return files
        listed = set(nav_paths(config["nav"]))
        for path, markdown in self.site.pages.items():
            existing = files.get_file_from_path(path)
            if existing is not None:
                raise PluginError(f"docs/{path} would hide the generated page of the same name")
            # Pages reached through an index (modules, a large handbook's roles) are left out of
            # the navigation on purpose.
            inclusion = InclusionLevel.UNDEFINED if path in listed else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, path, content=markdown, inclusion=inclusion))
        # A page an author adds to docs/ belongs in the navigation even if mkdocs.yml does not
        # name it yet: it goes at the end, under its own title.
        for file in files.documentation_pages():
            generated = file.src_uri in self.site.pages
            if not generated and file.src_uri not in listed and file.inclusion.is_in_nav():
                config["nav"].append(file.src_uri)
        self.generated = frozenset(self.site.pages)
        if self.handbook is None:
            # Only the downloads read the pages' Markdown after this; MkDocs' files hold it
            # until each page is converted (see on_page_content).
            self.site.pages.clear()
        return files

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        """With the site's files known, let page conversion reuse earlier builds' results."""
        self.converted = None
        # A site whose Markdown settings the converter does not reproduce converts them all
        # with Python-Markdown.
        generated = self.generated if fits(config) else frozenset()
        if self.config.render_cache and self.cache is not None:
            self.converted = RenderCache(
                self.cache / "html", config, files, generated, finish=sanitise
            )
        activate(self.converted, generated)
        if self.converted is not None:
            pages = [file.page for file in files.documentation_pages() if file.page is not None]
            self.converted.prepare(pages, config, files, dirty=self.dirty)
        return nav

    def on_env(
        self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment:
        """Keep the theme's compiled templates between builds (a build compiles about forty),
        and, every page converted, prepare the search entries of the new ones on every core."""
        if self.search is not None:
            self.search.prepare(
                file.page for file in files.documentation_pages() if file.page is not None
            )
        if not self.config.render_cache or self.cache is None or env.bytecode_cache is not None:
            return env
        # Jinja checks a kept template against its source only: its own version and MkDocs' and
        # Material's (which set up the environment) name the folder.
        versions = package_versions("jinja2", "mkdocs", "mkdocs-material")
        folder = self.cache / "templates" / hashlib.sha256(versions.encode()).hexdigest()[:16]
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:  # a cache that cannot be kept only costs time
            return env
        # Jinja checks each kept template against its source, and a cache committed to the
        # repository is never used (see on_config), so a pull request cannot plant one.
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
        return env

    def on_build_error(self, *, error: Exception) -> None:
        """A failed build stops printing ahead after the document in hand."""
        # The next build (of `mkdocs serve`) sets conversion up again, or leaves it to MkDocs.
        activate(None)
        if self.printing is not None:
            self.printing.finish(cancel=True)
            self.printing = None

    # After the search plugin's (priority 0), whichever comes first in mkdocs.yml: it writes
    # the index's settings and leaves the entries to this; before the offline plugin's (-100),
    # which reads the index.
    @event_priority(-50)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Write the search index as UTF-8, and the downloads the pages link to."""
        try:
            if self.index is not None:
                self.index.write(Path(config.site_dir))
        except ToolError as error:
            raise PluginError(error.text.get(self.config.lang)) from error
        if self.converted is not None:
            log.debug(f"pages converted: {self.converted.misses}, reused: {self.converted.hits}")
            if not self.serving:
                self.converted.prune()
        activate(None)
        if self.search is not None:
            self.search.save(prune=not self.serving)
        if self.handbook is None or not self.offered.workbook:
            return
        try:
            write_downloads(
                self.handbook,
                Path(config.site_dir) / FOLDER,
                sys.stdout,
                pdf=self.offered.pdf,
                cache=self.cache,
                pages=self.site.pages if self.site is not None else None,
                print_missing=not self.serving,
                printing=self.printing,
            )
            self.printing = None
        except ToolError as error:
            raise PluginError(error.text.get(self.config.lang)) from error

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Point a generated page's edit link at the policy file it is made from."""
        sources = self.site.sources.get(page.file.src_uri) if self.site else None
        if sources:
            page.edit_url = edit_address(
                config.repo_url or "", config.edit_uri or "", Path(config.docs_dir).name, sources[0]
            )
        return markdown

    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Remove anything executable from the page body (scripts, handlers, javascript: links);
        let go of a generated page's Markdown: after this, ``page.markdown`` and the file's
        content are empty (a plugin that reads them must do so by this event, listed before
        ``handbook``); its front matter (``page.meta``: title, search settings) stays."""
        if page.file.src_uri in self.generated:
            # Converted, a page's Markdown is not read again (its title is in its front matter),
            # yet MkDocs holds every page until the last is written: 100 MB for a national group.
            page.file.content_string = ""
            page.markdown = ""
        if self.converted is not None and self.converted.finished(page, html):
            return html
        return sanitise(html)


def sanitise(html: str) -> str:
    """The page body with only inert markup left."""
    cleaned: Any = nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, link_rel=None)
    return str(cleaned)
