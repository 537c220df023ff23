"""`handbook export pdf -o DIR`: printable job descriptions and the whole handbook, on A4.

A new hire signs a printed 岗位说明书. Each role's PDF is made from the same Markdown as its web
page (so the two can never disagree), turned into HTML as the site's page is
(:mod:`validator.render.conversion`), sanitised, and printed
by Chromium's headless shell (Debian's ``chromium-headless-shell``, driven by Playwright; see
:func:`_printer`) with the handbook's version,
the date and page numbers in the footer. The text is set in WenQuanYi Zen Hei: with Noto Sans CJK,
Chromium's text layer maps some characters to look-alike Kangxi radicals (户 becomes ⼾), which
breaks searching and copying the PDF. ``DIR/roles/<id>.pdf`` per role, ``DIR/handbook.pdf`` for
everything (for a large handbook, volumes ``DIR/handbook-01.pdf``, ``-02``… instead: see
:func:`~validator.render.downloads.volumes`).

Roles are printed many to a document and cut apart (:mod:`validator.exports.pdf_split`):
Chromium's cost is mostly per distinct character per document, so a role of a large handbook
costs a fifth of what it would alone. The footer is the page's CSS margin boxes; a role's is
laid over its pages after the cut, so that each role counts its own pages.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import html
import importlib.util
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol, TextIO

import markdown as markdown_lib  # type: ignore[import-untyped]
import nh3

from validator.errors import ToolError
from validator.escaping import css_string
from validator.exports.output import VOLUME_PATTERN, make_folder, share_file, write_atomically
from validator.installed import package_versions
from validator.model import Handbook
from validator.render import conversion, render
from validator.render.conversion import available, to_html
from validator.render.downloads import FOLDER, Volume, volumes
from validator.render.markup import status_legend
from validator.render.org_chart import SVG_ATTRIBUTES, SVG_TAGS

_LOG = logging.getLogger(__name__)
_PRINTER = hashlib.sha256(
    Path(__file__).read_bytes()
    + Path(__file__).with_name("pdf_split.py").read_bytes()
    + Path(conversion.__file__).read_bytes()
    + f"{markdown_lib.__version__} {getattr(nh3, '__version__', '')}".encode()
    + package_versions("cmarkgfm").encode()
).hexdigest()
"""What the printing code and its libraries are: a change to either prints every file again."""


_SHELL = Path("/usr/bin/chromium-headless-shell")
_BROWSERS = (Path("/usr/bin/chromium"), Path("/usr/bin/google-chrome"))


def _printer() -> Path:
    """The Chromium that prints: ``HANDBOOK_CHROMIUM`` if set, else Debian's headless shell (the
    same engine without the browser around it: it starts and prints about twice as fast), else
    a full browser: Debian's Chromium, or Google Chrome (as on GitHub's Ubuntu runners)."""
    chosen = os.environ.get("HANDBOOK_CHROMIUM")
    if chosen:
        return Path(chosen)
    if _SHELL.exists():
        return _SHELL
    return next((browser for browser in _BROWSERS if browser.exists()), _SHELL)


CHROMIUM = _printer()
# Without the networking flags Chromium tries to reach Google's services at start-up, which an
# intranet machine refuses; no sandbox because CI runs as root.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Links lead nowhere on paper: they are kept as text, without an address.
_ATTRIBUTES = {
    "*": {"class", "id", "lang"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan"},
    **SVG_ATTRIBUTES,
}
_TAGS = nh3.ALLOWED_TAGS | SVG_TAGS
_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm 16mm; }
body { font-family: "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
       font-size: 10.5pt; line-height: 1.55; color: #111; }
h1 { font-size: 18pt; margin: 0 0 2mm; }
h2 { font-size: 13pt; margin: 6mm 0 2mm; border-bottom: 1px solid #999; break-after: avoid; }
h3 { font-size: 11.5pt; margin: 4mm 0 1mm; break-after: avoid; }
.hb-en { color: #555; font-size: 9pt; }
p.hb-en { margin-top: -1mm; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0; break-inside: auto; }
th, td { border: 1px solid #bbb; padding: 1mm 2mm; text-align: left; vertical-align: top; }
th { background: #eef2f8; }
tr { break-inside: avoid; }
code { font-family: "Noto Sans Mono CJK SC", monospace; font-size: 9pt; }
.hb-duty { border-left: 1mm solid #3f51b5; padding-left: 3mm; margin: 3mm 0; break-inside: avoid; }
.hb-duty ul { margin: 1mm 0; font-size: 9.5pt; }
.hb-status { border: 1px solid #e0b000; background: #fff3cd; font-size: 8pt; padding: 0 1mm; }
.hb-tag, .hb-tier { background: #eee; font-size: 8pt; padding: 0 1mm; }
.hb-signature { margin-top: 10mm; break-inside: avoid; }
.hb-download, .hb-web { display: none; }
.hb-part, .hb-role + .hb-role { break-before: page; }
.hb-cover { padding-top: 70mm; text-align: center; }
.hb-cover p { font-size: 13pt; margin: 3mm 0; }
.hb-cover .hb-cover-title { font-size: 24pt; font-weight: bold; margin-bottom: 12mm; }
.hb-toc ol { list-style: none; padding-left: 0; font-size: 12pt; line-height: 1.9; }
.hb-toc ol ol { padding-left: 8mm; font-size: 10.5pt; line-height: 1.6; }
.hb-org-narrow { display: none; }
.hb-timeline { display: none; }
.hb-org svg { width: 100%; height: auto; }
.hb-glance { border: 1px solid #3f51b5; padding: 1mm 4mm; margin: 2mm 0 4mm; }
.hb-glance ul { list-style: none; padding-left: 0; margin: 1mm 0; }
.hb-review { color: #555; font-size: 8.5pt; margin-top: 6mm; break-before: avoid; }
table + ul { break-inside: avoid; }
.hb-legend { font-size: 9pt; color: #333; }
details > summary { font-weight: bold; list-style: none; }
"""


def _body(page: str) -> str:
    if page.startswith("---\n"):
        page = page.split("\n---\n", 1)[1]
    # The converter the site uses for the same page (Python-Markdown where it cannot be used).
    if available():
        converted = to_html(page).html
    else:
        converted = markdown_lib.markdown(page, extensions=["tables", "attr_list", "md_in_html"])
    cleaned: Any = nh3.clean(converted, tags=_TAGS, attributes=_ATTRIBUTES, link_rel=None)
    # Paper cannot be unfolded: every post's path prints. The month-by-month plans stay folded
    # and the timelines are left out (stylesheet above): they are in the workbook, and would
    # double a role's pages.
    return str(cleaned).replace('<details class="hb-path"', '<details open class="hb-path"')


_HEADING = re.compile(r"<(/?)h([1-5])\b")
_FIRST_TITLE = re.compile(r"<h1\b[^>]*>.*?</h1>", re.S)
_OPENING_TITLE = re.compile(r"<h1\b[^>]*>")
_LEGEND = re.compile(r'<div class="hb-legend".*?</div>', re.S)


def _deeper(body: str) -> str:
    """The body with every heading one level down, to sit under a part's own heading."""
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", body)


def _parts(handbook: Handbook, volume: Volume) -> list[tuple[str, list[tuple[str, str]]]]:
    """The parts of a printed file: (heading, [(name under it or "", page path)])."""
    parts: list[tuple[str, list[tuple[str, str]]]] = []
    if volume.front:
        parts.append(("组织架构", [("", "organisation.md")]))
    for heading, roles in volume.groups:
        parts.append((heading, [(r.display("zh"), f"roles/{r.id}.md") for r in roles]))
    if volume.front:
        parts.append(("培训体系", [("", "training/index.md")]))
        parts.append(
            (
                "服务标准",
                [("", "standards/index.md")]
                + [(a.display("zh"), f"standards/{a.id}.md") for a in handbook.all("area")],
            )
        )
        parts.append(("法律法规", [("", "regulations.md")]))
        parts.append(("持证要求", [("", "certificates.md")]))
    return parts


def _volume(
    bodies: Callable[[str], str],
    handbook: Handbook,
    pages: dict[str, str],
    volume: Volume,
    every: list[Volume],
    parts: list[tuple[str, list[tuple[str, str]]]],
) -> str:
    """One printed file of the handbook: a cover, a table of contents, then the organisation,
    the job descriptions tier by tier (frontline first, in reporting order), training,
    standards, laws and certificates; a volume of a large handbook holds the front matter or
    one run of job descriptions. Each part starts a page; headings become the PDF's bookmarks
    (a tier or a section title at the top level, its roles or areas beneath). The home page is
    left out: it explains the website, not the handbook."""
    settings = handbook.settings
    title = (settings.get("title") or {}).get("zh", "员工手册")
    contents = []
    sections = []
    for number, (heading, members) in enumerate(parts, start=1):
        named = [name for name, _ in members if name]
        inner = "".join(f"<li>{html.escape(name)}</li>" for name in named)
        contents.append(
            f"<li>{number}. {html.escape(heading)}"
            + (f"<ol>{inner}</ol>" if inner else "")
            + "</li>"
        )
        for index, (name, path) in enumerate(members):
            body = bodies(pages[path])
            if not name and len(members) > 1:
                # The part's introduction (the standards overview) sits under the part's own
                # heading: called an overview there, not the part's title a second time.
                body = _FIRST_TITLE.sub("<h1>概述</h1>", body, count=1)
            if name or len(members) > 1:
                body = _deeper(body)
            lead = (
                f"<h1>{number}. {html.escape(heading)}</h1>"
                if index == 0 and (name or len(members) > 1)
                else ""
            )
            if not lead and index == 0:
                opening = _OPENING_TITLE.search(body)
                if opening is not None:
                    body = f"{body[: opening.end()]}{number}. {body[opening.end() :]}"
            # One explanation of the status words at the front serves the whole book.
            body = _LEGEND.sub("", body)
            sections.append(f'<section class="hb-part">{lead}{body}</section>')
    if len(every) > 1 and volume.front:
        # The other volumes are separate files: the front one says which file holds what.
        listed = "".join(
            f"<li>第 {v.number} 册：{html.escape(v.title)}（{html.escape(v.path.rsplit('/')[-1])}）"
            "</li>"
            for v in every
        )
        contents.append(f"<li>全部分册<ol>{listed}</ol></li>")
    version = settings.get("version", "")
    named_volume = (
        "" if len(every) == 1 else f"<p>第 {volume.number} 册：{html.escape(volume.title)}</p>"
    )
    cover = (
        '<section class="hb-cover">'
        f'<p class="hb-cover-title">{html.escape(title)}</p>'
        f"{named_volume}"
        f"<p>版本 {html.escape(str(version))}</p>"
        f"<p>印制于 {handbook.today.isoformat()}</p>"
        "<p>内部资料，以网站上的最新版本为准。</p>"
        "</section>"
    )
    legend = bodies(_legend())
    toc = (
        f'<section class="hb-part hb-toc"><h1>目录</h1><ol>{"".join(contents)}</ol>'
        f"{legend}</section>"
    )
    return _document(
        title if len(every) == 1 else f"{title} 第 {volume.number} 册",
        cover + toc + "".join(sections),
        _footer(handbook, handbook.today),
    )


def _legend() -> str:
    """The explanation of the status words, printed once at the front of the handbook."""
    return "\n".join(status_legend(["suggested", "to-verify", "secondary"]))


def _document(title: str, body: str, footer: str = "") -> str:
    return (
        '<!doctype html><html lang="zh"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_CSS}{footer}</style></head>"
        f"<body>{body}</body></html>"
    )


def _roles_document(roles: list[_Print]) -> str:
    """Several roles' pages in one document, each starting a page and titled by its own first
    heading (the bookmark that :func:`~validator.exports.pdf_split.parts` cuts by)."""
    return _document(
        "", "".join(f'<section class="hb-role">{role.job.make()}</section>' for role in roles)
    )


def _footer(handbook: Handbook, today: date) -> str:
    """The footer of every printed page, as the page's margin boxes: the handbook, its version
    and the day it was printed, and 第 N / M 页."""
    title = (handbook.settings.get("title") or {}).get("zh", "员工手册")
    version = handbook.settings.get("version", "")
    text = f"{title} · 版本 {version} · 生成于 {today.isoformat()}"
    box = (
        "font-family: 'WenQuanYi Zen Hei', 'Noto Sans CJK SC', sans-serif;"
        " font-size: 7.5pt; color: #555;"
    )
    return (
        f"@page {{ @bottom-left {{ content: {css_string(text)}; {box} }}"
        f' @bottom-right {{ content: "第 " counter(page) " / " counter(pages) " 页"; {box} }} }}'
    )


def pdf_available() -> bool:
    """Whether this machine can print PDFs (Chromium and Playwright are installed)."""
    return CHROMIUM.exists() and all(
        importlib.util.find_spec(package) is not None for package in ("playwright", "pikepdf")
    )


def export_pdf(
    handbook: Handbook,
    output: str,
    stdout: TextIO,
    cache: Path | None = None,
    pages: dict[str, str] | None = None,
    *,
    print_missing: bool = True,
) -> None:
    """Write one PDF per role under ``output/roles/`` and ``output/handbook.pdf``.

    With ``cache``, a PDF whose pages (their Markdown), footer and printing code are unchanged
    since an earlier run is copied from there instead of printed again, and what this run does
    not use is removed from it. ``pages`` are the rendered pages when the caller has them
    already (the site build). Without ``print_missing`` only cached prints are written (a
    preview, see :func:`unprinted`), and the cache is left as it is.
    """
    if output == "-":
        raise ToolError(
            "PDF 需要写入目录，请用 -o 指定目录。",
            "PDFs go to a folder: give one with -o.",
        )
    _require_printer()
    folder = Path(output)
    make_folder(folder)
    make_folder(folder / "roles")
    pages = render(handbook).pages if pages is None else pages
    footer = _footer(handbook, handbook.today)
    bodies = _Bodies(None if cache is None else cache / "body")
    jobs = _jobs(handbook, pages, bodies)
    # A handbook that grew into volumes (or shrank back) leaves no file of the other layout
    # behind to mislead a reader; check_output made sure each is a previous export.
    targets = {folder / job.path for job in jobs}
    for stale in [folder / "handbook.pdf", *folder.glob(VOLUME_PATTERN)]:
        if stale not in targets:
            stale.unlink(missing_ok=True)
    printing: list[_Print] = []
    kept: set[Path] = set()
    for job in jobs:
        target = folder / job.path
        cached = None if cache is None else _cached(cache, handbook, footer, job.made_from)
        if cached is not None:
            kept.add(cached)
        if cached is not None and cached.is_file():
            share_file(cached, target)
        elif print_missing:
            printing.append(_Print(target, job, (cached,) if cached is not None else ()))
    if printing:
        asyncio.run(_print_all(printing, footer))
    if cache is not None and print_missing:
        _prune(cache, kept, bodies, [*pages.values(), _legend()])


class Stop(Protocol):
    """Tells a printer to stop after the document in hand (a thread's or a process's event)."""

    def is_set(self) -> bool:
        """Whether to stop."""
        ...

    def set(self) -> None:
        """Ask to stop."""
        ...


def print_into_cache(handbook: Handbook, pages: dict[str, str], cache: Path, stop: Stop) -> None:
    """Print every PDF that ``cache`` lacks into it, until ``stop`` is set.

    The site build runs this beside the pages it writes (Chromium prints on other cores while
    Python builds pages), so that :func:`export_pdf` at the end of the build finds the changed
    roles' PDFs ready to copy.
    """
    _require_printer()
    footer = _footer(handbook, handbook.today)
    bodies = _Bodies(cache / "body")
    printing = [
        _Print(cached, job, ())
        for job in _jobs(handbook, pages, bodies)
        if not (cached := _cached(cache, handbook, footer, job.made_from)).is_file()
    ]
    if printing:
        cache.mkdir(parents=True, exist_ok=True)
        asyncio.run(_print_all(printing, footer, stop))


def _require_printer() -> None:
    if not CHROMIUM.exists():
        raise ToolError(
            f"找不到 Chromium（{CHROMIUM}）：请安装 chromium-headless-shell 和 fonts-wqy-zenhei"
            " 软件包（make 会自动安装）。",
            f"Chromium is missing ({CHROMIUM}): install the chromium-headless-shell and "
            "fonts-wqy-zenhei packages (make installs them).",
        )
    try:
        # Only to report their absence here, before anything is printed.
        import pikepdf  # noqa: F401
        import playwright.async_api  # noqa: F401
    except ImportError as error:
        raise ToolError(
            f"PDF 导出需要 {error.name}：pip install '.[export]'。",
            f"The PDF export needs {error.name}: pip install '.[export]'.",
        ) from error


def unprinted(handbook: Handbook, pages: dict[str, str], cache: Path | None) -> frozenset[str]:
    """The PDFs (site paths) that no earlier print in ``cache`` holds: those of pages changed
    since they were last printed (every PDF, without a cache)."""
    footer = _footer(handbook, handbook.today)
    return frozenset(
        f"{FOLDER}/{job.path}"
        for job in _jobs(handbook, pages, _Bodies(None))
        if cache is None or not _cached(cache, handbook, footer, job.made_from).is_file()
    )


@dataclass(frozen=True)
class _Job:
    """One PDF: its path in the downloads folder, what it is made from (a cached print is found
    by that alone, so an unchanged role costs a hash, not a Markdown conversion), how to make
    its document, and how much text it holds (the longest are printed first).

    A role's PDF has its ``role`` name, and ``make`` gives only its printable page: roles are
    printed many to a document and cut apart (:mod:`validator.exports.pdf_split`)."""

    path: str
    made_from: object
    make: Callable[[], str]
    size: int
    role: str | None = None
    source: str = ""
    """A role's page (Markdown): roles that share most of their characters print together."""


@dataclass(frozen=True)
class _Print:
    """A document to print into ``target``, and the copies to keep of the result."""

    target: Path
    job: _Job
    copies: tuple[Path, ...]


class _Bodies:
    """Page Markdown → printable HTML, converted once per distinct page: kept for this run (a
    role's page is in its own PDF and in the handbook's) and, given a folder, for the next, so
    a one-role change converts one page for the whole handbook's PDF, not all of them."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.memo: dict[str, str] = {}
        # Documents are made in threads; conversion holds the interpreter anyway, so one at a
        # time costs nothing and two threads never convert the same page.
        self.lock = threading.Lock()

    def __call__(self, page: str) -> str:
        with self.lock:
            return self._body(page)

    def _body(self, page: str) -> str:
        key = self._key(page)
        body = self.memo.get(key)
        if body is not None:
            return body
        kept = None if self.folder is None else self.folder / f"{key}.html"
        if kept is not None and kept.is_file():
            body = kept.read_text(encoding="utf-8", errors="surrogateescape")
        else:
            body = _body(page)
            if kept is not None:
                kept.parent.mkdir(parents=True, exist_ok=True)
                encoded = body.encode("utf-8", "surrogateescape")
                write_atomically(kept, functools.partial(_write_bytes, encoded))
        self.memo[key] = body
        return body

    def kept(self, page: str) -> Path:
        """Where the body of ``page`` is kept (for bodies kept in a folder)."""
        assert self.folder is not None
        return self.folder / f"{self._key(page)}.html"

    @staticmethod
    def _key(page: str) -> str:
        return hashlib.sha256(f"{_PRINTER}\0{page}".encode("utf-8", "surrogatepass")).hexdigest()


def _jobs(handbook: Handbook, pages: dict[str, str], bodies: _Bodies) -> list[_Job]:
    """Every PDF of the handbook: each role's, then the handbook's (or its volumes)."""
    jobs: list[_Job] = []
    for role in handbook.all("role"):
        page, title = pages[f"roles/{role.id}.md"], role.display("zh")
        make = functools.partial(bodies, page)
        jobs.append(
            _Job(f"roles/{role.id}.pdf", (title, page), make, len(page), role=title, source=page)
        )
    every = volumes(handbook)
    listing = [(v.number, v.title, v.path) for v in every]
    for volume in every:
        parts = _parts(handbook, volume)
        inputs = [pages[p] for _, m in parts for _, p in m]
        made_from = (listing, volume.number, parts, inputs)
        build = functools.partial(_volume, bodies, handbook, pages, volume, every, parts)
        path = volume.path.removeprefix(f"{FOLDER}/")
        jobs.append(_Job(path, made_from, build, sum(map(len, inputs))))
    return jobs


def _cached(cache: Path, handbook: Handbook, footer: str, made_from: object) -> Path:
    # Which Chromium prints is part of the key: the headless shell and the browser lay out the
    # same pages in slightly different files.
    material = repr((_PRINTER, str(CHROMIUM), footer, handbook.settings.get("title"), made_from))
    return cache / f"{hashlib.sha256(material.encode()).hexdigest()}.pdf"


def _prune(cache: Path, kept: set[Path], bodies: _Bodies, pages: Iterable[str]) -> None:
    """Remove the prints and the bodies of pages this run did not use: the cache holds one
    handbook's PDFs, not every version ever printed."""
    used = kept | {bodies.kept(page) for page in pages}
    for old in [*cache.glob("*.pdf"), *cache.glob("body/*.html")]:
        if old not in used:
            old.unlink(missing_ok=True)


def _workers(documents: int) -> int:
    """Pages printing at once: one per core, since Chromium lays out each page on one core."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(documents, cores or 1))


_ROLES_PER_DOCUMENT = 48
"""At most this many roles are printed as one document. Each distinct character costs Chromium
about a millisecond per document, so the more roles share one, the less each costs; beyond a few
dozen the characters are mostly shared already, and a smaller document starts being cut sooner."""


def _documents(printing: list[_Print], workers: int) -> list[list[_Print]]:
    """What Chromium prints, one document each, longest first: every volume of the handbook
    alone, and the roles several to a document, enough documents to keep every page of the
    browser busy.

    Roles go together in the handbook's order (neighbours share most of their words) while the
    document's characters stay within twice those of each of its roles: every role's PDF
    carries the glyphs of its whole document, so a role among very different ones would be
    printed faster but downloaded larger.
    """
    roles = [item for item in printing if item.job.role is not None]
    size = max(1, min(_ROLES_PER_DOCUMENT, -(-len(roles) // (2 * workers))))
    documents = [[item] for item in printing if item.job.role is None]
    batch: list[_Print] = []
    characters: set[str] = set()
    narrowest = 0
    for item in roles:
        own = set(item.job.source)
        joined, narrower = characters | own, min(narrowest, len(own)) if batch else len(own)
        if batch and (len(batch) >= size or len(joined) > 2 * narrower):
            documents.append(batch)
            batch, joined, narrower = [], own, len(own)
        batch.append(item)
        characters, narrowest = joined, narrower
    if batch:
        documents.append(batch)
    return sorted(documents, key=lambda items: -sum(item.job.size for item in items))


async def _print_all(printing: list[_Print], footer: str, stop: Stop | None = None) -> None:
    """Print every document, a few pages of one browser at a time, longest first (so the
    whole handbook's PDF does not start last), and keep the copies.

    While Chromium starts, the first documents are already being made; each page makes its
    next document in a thread while the other pages print.
    """
    from playwright.async_api import async_playwright

    from validator.exports import pdf_split

    workers = _workers(len(printing))
    queue = _documents(printing, workers)
    footers: dict[int, asyncio.Task[bytes]] = {}

    async with async_playwright() as playwright:
        launching = asyncio.ensure_future(
            playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        )

        async def new_page() -> Any:
            return await (await launching).new_page()

        async def footer_pages(page: Any, count: int) -> bytes:
            """``count`` pages carrying only the footer, printed once per run."""
            if count not in footers:
                footers[count] = asyncio.ensure_future(
                    _pdf(page, _document("", pdf_split.blank_pages(count), footer))
                )
            return await footers[count]

        async def worker() -> None:
            # A page takes a while to open: it opens while the first document is made.
            opening = asyncio.ensure_future(new_page())
            try:
                while queue and not (stop is not None and stop.is_set()):
                    items = queue.pop(0)
                    if items[0].job.role is None:
                        document = await asyncio.to_thread(items[0].job.make)
                        page = await opening
                        printed = await _pdf(page, document)
                        await asyncio.to_thread(_publish_all, items, [printed])
                        continue
                    document = await asyncio.to_thread(_roles_document, items)
                    page = await opening
                    batch = await _pdf(page, document)
                    titles = [str(item.job.role) for item in items]
                    found = await asyncio.to_thread(pdf_split.parts, batch, titles)
                    numbered = {
                        count: await footer_pages(page, count)
                        for count in sorted({len(part.pages) for part in found or ()})
                    }
                    cut = None
                    if found is not None:
                        cut = await asyncio.to_thread(pdf_split.cut, batch, found, titles, numbered)
                    if cut is None:
                        _LOG.warning(
                            "合印的 %d 个岗位无法按书签和结构分开，改为逐个打印。"
                            " / %d roles printed together could not be told apart by their "
                            "bookmarks and structure: printing them one at a time.",
                            len(items),
                            len(items),
                        )
                        queue[:0] = [[item] for item in items]
                        continue
                    await asyncio.to_thread(_publish_all, items, cut)
            finally:
                page = await opening
                await page.close()

        try:
            await asyncio.gather(*(worker() for _ in range(min(workers, len(queue)))))
        finally:
            browser = await launching
            await browser.close()


def _publish_all(items: list[_Print], printed: list[bytes]) -> None:
    for item, data in zip(items, printed, strict=True):
        # Put in place in one step, like every export: never half a PDF under its name.
        write_atomically(item.target, functools.partial(_write_bytes, data))
        for copy in item.copies:
            copy.parent.mkdir(parents=True, exist_ok=True)
            share_file(item.target, copy)


def _write_bytes(data: bytes, target: Path) -> None:
    target.write_bytes(data)


async def _pdf(page: Any, document: str) -> bytes:
    await page.set_content(document, wait_until="load")
    printed: bytes = await page.pdf(
        format="A4",
        print_background=True,
        margin={"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"},
        # Bookmarks from the headings, so a reader can jump to a part, a tier or a role (and
        # roles printed together can be cut apart).
        outline=True,
        tagged=True,
    )
    return printed
