"""The generated pages' converter gives the HTML Python-Markdown gives, on every generated page
of the handbook, on pages made of hostile texts, and in the built site; and it keeps no memory."""

from __future__ import annotations

import html
import itertools
import logging
import resource
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from mkdocs.config import load_config
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from tests.conftest import build_site, copy_project, copy_repo_tree, without_downloads
from tests.payloads import poison_policies
from tests.test_escaping import HOSTILE
from validator.engine import run
from validator.generated_render import fits, render_generated
from validator.render import render
from validator.render.conversion import available, to_html
from validator.render.markup import esc
from validator.render_cache import activate

SITE_EXTENSIONS = ["toc", "tables", "fenced_code", "admonition", "attr_list", "md_in_html"]
"""The shipped mkdocs.yml's extensions, with the three MkDocs always adds."""


class _Tree(HTMLParser):
    """An HTML text as its elements, attributes and text, as a browser would build it: what a
    character reference stands for, a boolean attribute's presence, runs of white space."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[tuple[Any, ...]] = []
        self.text: list[str] = []

    def _flush(self) -> None:
        text = " ".join("".join(self.text).split())
        if text:
            self.items.append(("text", text))
        self.text = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._flush()
        # A boolean attribute is there or not: open, open="" and open="open" are the same.
        values = sorted((name, "" if value in (None, name) else value) for name, value in attrs)
        self.items.append(("start", tag, tuple(values)))

    def handle_endtag(self, tag: str) -> None:
        self._flush()
        self.items.append(("end", tag))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def tree(text: str) -> list[tuple[Any, ...]]:
    parsed = _Tree()
    parsed.feed(text)
    parsed.close()
    parsed._flush()
    return parsed.items


def python_markdown(body: str) -> tuple[str, list[tuple[int, str, str]]]:
    """The page as Python-Markdown converts it for the site, with its headings."""
    converter = markdown.Markdown(
        extensions=SITE_EXTENSIONS, extension_configs={"toc": {"permalink": False}}
    )
    converted = converter.convert(body)
    headings: list[tuple[int, str, str]] = []

    def walk(tokens: list[dict[str, Any]]) -> None:
        for token in tokens:
            headings.append((token["level"], token["id"], html.unescape(token["name"])))
            walk(token["children"])

    walk(converter.toc_tokens)
    return converted, headings


def body_of(page: str) -> str:
    return page.split("\n---\n", 1)[1] if page.startswith("---\n") else page


def differences(policies_root: Path, *, per_folder: int | None = None) -> dict[str, str]:
    """Every generated page of the handbook at ``policies_root`` whose two conversions differ,
    with the first difference (``per_folder``: only the first pages of each folder, which are
    drawn by the same renderer)."""
    result = run(policies_root)
    assert result.handbook is not None, [f.rule for f in result.findings]
    pages = render(result.handbook).pages
    assert len(pages) > 20
    if per_folder is not None:
        seen: dict[str, int] = {}
        for path in sorted(pages):
            folder = path.rpartition("/")[0]
            seen[folder] = seen.get(folder, 0) + 1
            if seen[folder] > per_folder and folder:
                del pages[path]
    found = {}
    for path, page in pages.items():
        expected, headings = python_markdown(body_of(page))
        converted = to_html(body_of(page))
        ours = [(h.level, h.id, html.unescape(h.name)) for h in converted.headings]
        if tree(converted.html) != tree(expected):
            pairs = zip(tree(converted.html), tree(expected), strict=False)
            found[path] = str(next((pair for pair in pairs if pair[0] != pair[1]), "length"))
        elif ours != headings:
            found[path] = f"headings {ours} != {headings}"
    return found


def test_the_converter_is_usable_here() -> None:
    # Without it every page would silently go through Python-Markdown and nothing below would
    # test the converter the site uses.
    assert available()


def test_every_generated_page_of_the_handbook_converts_as_python_markdown_does(
    repo_copy: Path,
) -> None:
    assert differences(repo_copy) == {}


AFFIXES = [
    ("（", "）"),
    ("**“", "”**"),
    ("`_", "_` \\"),
    ("[x](y.md) <b>", "</b> {#z}"),
    ("# ", " ##"),
    ("| ", " |"),
    ("1. ", " ---"),
    ("- ", " &amp; &#42;"),
    ("+ ", "\n\n==="),
    ("<div markdown>", "</div>"),
]


@pytest.mark.parametrize("shift", [0, 1])
def test_pages_made_of_hostile_texts_convert_as_python_markdown_does(
    tmp_path: Path, shift: int
) -> None:
    # Every Chinese and English text of the handbook starts and ends with markup, the next
    # text with the next markup, so each template's text (a heading, a list item, a table
    # cell, a paragraph of its own, bold around a name) meets most of it.
    root = copy_repo_tree(tmp_path / "repo")
    turn = itertools.count(shift)
    for file in sorted((root / "policies").rglob("*.yaml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        file.write_text(yaml.safe_dump(_wrapped(data, turn), allow_unicode=True), "utf-8")
    assert differences(root) == {}


def test_the_injection_payload_converts_as_python_markdown_does(tmp_path: Path) -> None:
    root = copy_repo_tree(tmp_path / "repo")
    assert poison_policies(root / "policies") > 10
    # Every kind of page, but not every page: the payload makes each one slow to convert.
    assert differences(root, per_folder=3) == {}


def _wrapped(value: Any, turn: Iterator[int]) -> Any:
    if isinstance(value, dict):
        wrapped = {}
        for key, item in value.items():
            if key in ("zh", "en") and isinstance(item, str):
                before, after = AFFIXES[next(turn) % len(AFFIXES)]
                wrapped[key] = f"{before}{item}{after}"
            else:
                wrapped[key] = _wrapped(item, turn)
        return wrapped
    if isinstance(value, list):
        return [_wrapped(item, turn) for item in value]
    return value


@pytest.mark.parametrize(
    "text", [*HOSTILE, "- a", "+ b", "3. c", "1234567890. d", "---", "- - -", "1."]
)
def test_a_text_that_opens_a_line_is_a_paragraph_of_itself(text: str) -> None:
    escaped = esc(text)
    for converted in (to_html(escaped).html, markdown.markdown(escaped)):
        items = tree(converted)
        tags = {item[1] for item in items if item[0] == "start"}
        assert tags <= {"p"}, (text, converted)
        shown = "".join(item[1] for item in items if item[0] == "text")
        # A browser shows a NUL as U+FFFD, which cmark writes for it.
        expected = " ".join(text.split()).replace("\0", "\ufffd")
        assert shown.replace("\0", "\ufffd") == expected, converted


def test_heading_ids_come_from_the_renderer_only() -> None:
    converted = to_html(
        "# 标题\n\n"
        "## 岗位职责 {#duties}\n\n"
        f"## {esc('名字 {#forged}')} {{#real}}\n\n"
        f"## {esc('名字 {#forged}')}\n\n"
        "## Same\n\n## Same\n"
    )
    assert [(h.level, h.id) for h in converted.headings] == [
        (1, "_1"),
        (2, "duties"),
        (2, "real"),
        (2, "forged"),
        (2, "same"),
        (2, "same_1"),
    ]
    assert '<h2 id="duties">岗位职责</h2>' in converted.html
    assert '<h2 id="real">名字 {#forged}</h2>' in converted.html
    assert "forged" not in converted.html.split('id="real"')[0]
    assert converted.title == "标题"


def test_markdown_inside_an_html_block_is_converted_and_the_attribute_dropped() -> None:
    converted = to_html('<div class="hb-duty" id="d1" markdown>\n\n**1.** 做事\n\n</div>\n')
    expected = '<div class="hb-duty" id="d1"><p><strong>1.</strong> 做事</p></div>'
    assert tree(converted.html) == tree(expected)
    assert converted.title is None


def test_converting_keeps_no_memory(repo_copy: Path) -> None:
    # cmarkgfm's own wrappers keep the document tree and the HTML of every conversion: some
    # 300 KB for a role page, 600 MB over a national group's first build.
    result = run(repo_copy)
    assert result.handbook is not None
    page = body_of(max(render(result.handbook).pages.values(), key=len))
    assert len(page) > 20_000
    to_html(page)
    before = _resident_kib()
    for _ in range(600):
        to_html(page)
    grown_kib = _resident_kib() - before
    assert grown_kib < 50 * 1024, f"{grown_kib} KiB kept"


def _resident_kib() -> int:
    """This process's memory now (not its peak, which earlier tests may have set higher)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() // 1024


@pytest.mark.parametrize(
    ("extensions", "options", "fits_them"),
    [
        (SITE_EXTENSIONS, {"toc": {"permalink": False}}, True),
        (SITE_EXTENSIONS, {}, True),
        (["toc", "tables", "attr_list", "md_in_html"], {"toc": {"separator": "_"}}, True),
        (["toc", "tables", "md_in_html"], {}, False),
        ([*SITE_EXTENSIONS, "abbr"], {}, False),
        (SITE_EXTENSIONS, {"toc": {"permalink": True}}, False),
        (SITE_EXTENSIONS, {"toc": {"toc_depth": 2}}, False),
        (SITE_EXTENSIONS, {"admonition": {}, "toc": {}}, False),
    ],
)
def test_only_settings_the_converter_reproduces_use_it(
    extensions: list[str], options: dict[str, Any], fits_them: bool
) -> None:
    config = {"markdown_extensions": extensions, "mdx_configs": options}
    assert fits(config) is fits_them  # type: ignore[arg-type]


@pytest.mark.slow
def test_the_built_site_is_the_one_python_markdown_makes(tmp_path: Path) -> None:
    project = without_downloads(copy_project(tmp_path / "fast"), render_cache=False)
    plain = without_downloads(copy_project(tmp_path / "plain"), render_cache=False)
    # Another extension (with nothing to act on here) sends every page through Python-Markdown.
    config = plain / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "\n  - md_in_html\n" in text
    config.write_text(text.replace("  - md_in_html\n", "  - md_in_html\n  - abbr\n"), "utf-8")
    for source, site in ((project, tmp_path / "site-fast"), (plain, tmp_path / "site-plain")):
        completed = build_site(source, site)
        assert completed.returncode == 0, completed.stderr
    built = tmp_path / "site-fast"
    fast = sorted(page.relative_to(built) for page in built.rglob("*.html"))
    assert len(fast) > 60
    for path in fast:
        ours = (tmp_path / "site-fast" / path).read_text(encoding="utf-8")
        theirs = (tmp_path / "site-plain" / path).read_text(encoding="utf-8")
        assert tree(ours) == tree(theirs), path
    index = "search/search_index.json"
    ours_index = (tmp_path / "site-fast" / index).read_bytes()
    assert ours_index == (tmp_path / "site-plain" / index).read_bytes()
    shutil.rmtree(tmp_path / "site-plain")


def original_render(page: Page, config: Any, files: Files) -> None:
    """MkDocs' own conversion, whatever the plugin did to it."""
    activate(None)
    from validator.render_cache import _ORIGINAL

    _ORIGINAL[0](page, config, files)


def test_links_and_anchors_are_resolved_and_warned_about_as_mkdocs_does(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    docs = tmp_path / "docs"
    (docs / "roles").mkdir(parents=True)
    settings = "site_name: t\nmarkdown_extensions: [attr_list, md_in_html]\n"
    (tmp_path / "mkdocs.yml").write_text(settings, encoding="utf-8")
    config = load_config(str(tmp_path / "mkdocs.yml"))
    pages = {
        "roles/a.md": (
            "# 岗位 {#top}\n\n"
            "- [上级](boss.md#duties) [本页](#top) [无此页](missing.md#x)\n"
            "- [指南](../guide.md) [外部](https://example.invalid/a.md) [表](missing.pdf)\n\n"
            '<p><a href="../../downloads/roles/a.pdf">下载</a> <a name="sign">签字</a> '
            '<a href="boss.md#nope">原样</a> <a href="#nothere">原样</a></p>\n'
        ),
        "roles/boss.md": "# 上级\n",
        "guide.md": "# 指南\n",
    }
    for path, text in pages.items():
        (docs / path).write_text(text, encoding="utf-8")
    files = Files([File(path, str(docs), config.site_dir, True) for path in pages])
    results = []
    for convert in (render_generated, original_render):
        page = Page(None, files.get_file_from_path("roles/a.md"), config)
        page.read_source(config)
        caplog.clear()
        convert(page, config, files)
        warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
        links = {f.src_uri: anchors for f, anchors in (page.links_to_anchors or {}).items()}
        results.append((tree(page.content or ""), page.present_anchor_ids, links, warnings))
    for ours, theirs in zip(*results, strict=True):
        assert ours == theirs
    content, present, links, warnings = results[0]
    assert ("start", "a", (("href", "../boss/#duties"),)) in content
    assert ("start", "a", (("href", "../../guide/"),)) in content
    assert ("start", "a", (("href", "../../downloads/roles/a.pdf"),)) in content
    # Links written in HTML are left as written and not checked, as MkDocs leaves them.
    assert ("start", "a", (("href", "boss.md#nope"),)) in content
    assert all("title" not in str(item) for item in content)
    assert present == {"top", "sign"}
    assert links == {"roles/boss.md": {"duties": "boss.md#duties"}, "roles/a.md": {"top": "#top"}}
    assert len(warnings) == 2
    assert "missing.md#x" in warnings[0] and "missing.pdf" in warnings[1]
