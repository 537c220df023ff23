"""Each escaping function against hostile text, judged by the software that reads its output.

Markdown is rendered by GitHub's own parser (cmark-gfm), XML parsed by ElementTree, HTML by the
standard parser, a workbook written by openpyxl and read back from its XML.
"""

from __future__ import annotations

import html
import re
import unicodedata
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import cmarkgfm
import openpyxl
import pytest
from cmarkgfm.cmark import Options

from tests.payloads import PAYLOAD
from validator.escaping import (
    css_string,
    html_attribute,
    html_text,
    markdown_code,
    markdown_inline,
    sarif_message,
    spreadsheet_cell,
    terminal_text,
    xml_chars,
    xml_text,
)

PHISHING = "[请点此批准](https://evil.example/approve?x=1)"
HOSTILE = [
    PAYLOAD,
    PHISHING,
    "![追踪](https://evil.example/pixel.png)",
    "请 @org/security-team 和 @alice 审批，或发邮件给 boss@evil.example",
    "见 https://evil.example/a 与 www.evil.example 与 <https://evil.example/b>",
    "<details open><summary>x</summary></details><!-- hidden -->",
    "| 伪造 | 表格 |\n|---|---|\n| a | b |",
    "`code` ``double`` \\`escaped\\` \\\\ back\\slash",
    "# 标题\n> 引用\n- 列表\n1. 编号\n\n---\n",
    "**粗体** _斜体_ ~~删除~~ $x^2$ [^1] &amp; &#64; &lt;b&gt;",
    "\x1b[2J\x1b[32m全部通过\r\n伪造一行\u202e\u2066反转\u2069\x00\x7f\x9b",
    "- 以减号开头",
    "12. 以编号开头",
    "",
]
# The only tags a table with one cell may contain: anything else came from the data.
STRUCTURE = {"table", "thead", "tbody", "tr", "th", "td", "p"}
ZWSP = "\u200b"


class _Reader(HTMLParser):
    """Collects the tags and the text of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def read_html(fragment: str) -> _Reader:
    reader = _Reader()
    reader.feed(fragment)
    reader.close()
    return reader


def github(markdown: str) -> str:
    """HTML as github.com renders a comment (GFM extensions; raw HTML would be kept)."""
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


def in_table(cell: str) -> str:
    return f"| 问题 |\n|---|\n| {cell} |\n"


def shown(text: str) -> str:
    """What a reader should see: the text on one line, controls as visible escapes."""
    return terminal_text(re.sub("\r\n|[\n\r\v\f\x85\u2028\u2029]", " ", text))


def test_the_renderer_makes_links_of_raw_text() -> None:
    # Without this, the tests below would pass for a renderer that links nothing.
    rendered = github(in_table(PHISHING + " @alice https://evil.example/a"))
    assert '<a href="https://evil.example/approve?x=1">请点此批准</a>' in rendered
    assert '<a href="https://evil.example/a">' in rendered


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_inline_renders_as_the_text_itself_in_a_table(text: str) -> None:
    page = read_html(github(in_table(markdown_inline(text))))
    assert set(page.tags) <= STRUCTURE, page.tags
    assert page.attributes == []
    cells = "".join(page.text).split("问题", 1)[1].strip()
    assert cells.replace(ZWSP, "") == shown(text).strip()


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_inline_renders_as_the_text_itself_in_a_list_item(text: str) -> None:
    page = read_html(github(f"- 职责：{markdown_inline(text)}\n"))
    assert set(page.tags) <= {"ul", "li"}, page.tags
    assert "".join(page.text).strip().replace(ZWSP, "") == f"职责：{shown(text)}".strip()


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_inline_alone_in_a_paragraph_makes_no_block(text: str) -> None:
    page = read_html(github(markdown_inline(text) + "\n"))
    assert set(page.tags) <= {"p"}, page.tags


def test_markdown_inline_breaks_mentions_and_autolinks_readably() -> None:
    text = "请 @org/security-team 审批：https://evil.example/a 或 www.evil.example"
    escaped = markdown_inline(text)
    assert escaped == (
        "请 @&#8203;org/security-team 审批："
        "https&#8203;://evil.example/a 或 www&#8203;.evil.example"
    )
    rendered = "".join(read_html(github(escaped)).text)
    # GitHub and GitLab find mentions in the rendered text: "@" must not touch a name.
    assert not re.search(r"@[A-Za-z0-9]", rendered)
    assert rendered.replace(ZWSP, "").strip() == text


def test_markdown_inline_exact() -> None:
    assert markdown_inline(PHISHING) == (
        "\\[请点此批准\\]\\(https&#8203;://evil.example/approve?x=1\\)"
    )
    assert markdown_inline("a|b\nc <b>") == "a\\|b c &lt;b&gt;"
    assert markdown_inline("中文保持原样，全角标点（）【】也一样。") == (
        "中文保持原样，全角标点（）【】也一样。"
    )


@pytest.mark.parametrize(
    "text", ["policies/roles/a`b.yaml:3:1", "``x``", "`", "a | b", "<img src=x>", "a\nb", " "]
)
def test_markdown_code_is_shown_verbatim(text: str) -> None:
    in_cell = read_html(github(in_table(markdown_code(text, in_table=True))))
    assert set(in_cell.tags) <= STRUCTURE | {"code"}
    assert in_cell.tags.count("code") == 1
    assert "".join(in_cell.text).split("问题", 1)[1].strip("\n") == terminal_text(text)
    alone = read_html(github(markdown_code(text) + "\n"))
    assert alone.tags == ["p", "code"]
    assert "".join(alone.text).strip("\n") == terminal_text(text)


@pytest.mark.parametrize("text", HOSTILE)
def test_html_text_and_attribute_round_trip(text: str) -> None:
    page = read_html(f'<p title="{html_attribute(text)}">{html_text(text)}</p>')
    assert page.tags == ["p"]
    assert page.attributes == [("title", text)]
    assert "".join(page.text) == text


def test_html_exact() -> None:
    assert html_text("<a href='x'>&") == "&lt;a href='x'&gt;&amp;"
    assert html_attribute("\" onmouseover='x'") == "&quot; onmouseover=&#x27;x&#x27;"


# Every character XML 1.0 refuses, and some it accepts, in one string.
XML_HOSTILE = (
    "".join(chr(c) for c in range(0x20))
    + "\ud800\udfff\ufffe\uffff <]]>&\"' \u202e 中文 \U0001f600"
)


def test_xml_text_parses_and_keeps_what_is_allowed() -> None:
    escaped = xml_text(XML_HOSTILE)
    element = ElementTree.fromstring(f'<a b="{escaped}">{escaped}</a>')
    expected = (
        "\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\t\n\\x0b\\x0c\r"
        + "".join(f"\\x{c:02x}" for c in range(0x0E, 0x20))
        + "\\ud800\\udfff\\ufffe\\uffff <]]>&\"' \u202e 中文 \U0001f600"
    )
    # A parser turns CR into LF in text, and tab, LF and CR into spaces in an attribute.
    assert element.text == expected.replace("\r", "\n")
    assert element.get("b") == re.sub("[\t\n\r]", " ", expected)


def test_xml_chars_lets_elementtree_write_a_parseable_document() -> None:
    element = ElementTree.Element("a", b=xml_chars(XML_HOSTILE))
    element.text = xml_chars(XML_HOSTILE)
    written = ElementTree.tostring(element, encoding="unicode")
    assert ElementTree.fromstring(written).get("b") == xml_chars(XML_HOSTILE)
    with pytest.raises(ElementTree.ParseError):
        unsafe = ElementTree.Element("a")
        unsafe.text = "\x01"
        ElementTree.fromstring(ElementTree.tostring(unsafe, encoding="unicode"))


def test_terminal_text_exact() -> None:
    assert terminal_text("ok\x1b[2J\x1b[32m全部通过\r\nx\ty") == (
        "ok\\x1b[2J\\x1b[32m全部通过\\r\\nx\\ty"
    )
    assert terminal_text("\u202eabc\u2066\u2069\u200f\x9b\x7f\x00") == (
        "\\u202eabc\\u2066\\u2069\\u200f\\x9b\\x7f\\x00"
    )
    assert terminal_text("员工手册 policies/roles/a b.yaml") == "员工手册 policies/roles/a b.yaml"


def test_terminal_text_leaves_no_control_or_bidi_character() -> None:
    every = "".join(chr(c) for c in range(0x2100)) + "\u2028\u2029"
    escaped = terminal_text(every)
    assert "\n" not in escaped and "\r" not in escaped and "\x1b" not in escaped
    left = {c for c in escaped if unicodedata.category(c) == "Cc"}
    assert left == set()
    bidi = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert bidi & set(escaped) == set()


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ('=HYPERLINK("http://evil.example","详情")', '\'=HYPERLINK("http://evil.example","详情")'),
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("巡查 = 每日", "巡查 = 每日"),
        ("bell\x07 and \x01", "bell\\x07 and \\x01"),
        ("\x00=1", "\\x00=1"),
    ],
)
def test_spreadsheet_cell_exact(text: str, cell: str) -> None:
    assert spreadsheet_cell(text) == cell


def _formula_cells(texts: list[str], tmp_path: Path) -> int:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row, text in enumerate(texts, start=1):
        sheet.cell(row=row, column=1, value=text)
    path = tmp_path / "cells.xlsx"
    workbook.save(path)
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    return len(re.findall(r"<f[ >]", xml))


def test_spreadsheet_cells_written_by_openpyxl_hold_no_formula(tmp_path: Path) -> None:
    texts = ["=1+1", '=HYPERLINK("http://evil.example","x")', "+1", "-1+2", "@A1", "\t=1"]
    assert _formula_cells(texts, tmp_path) > 0  # the danger is real without escaping
    texts.append("控制字符\x01\x1b")
    assert _formula_cells([spreadsheet_cell(t) for t in texts], tmp_path) == 0


def test_sarif_message_exact() -> None:
    assert sarif_message("see [here](https://evil.example) \x1b[31m") == (
        "see \\[here\\](https://evil.example) \\x1b\\[31m"
    )


def test_css_string_exact() -> None:
    assert (
        css_string('Acme, Inc. "手册" 2026.1') == '"Acme\\2c  Inc\\2e  \\22 手册\\22  2026\\2e 1"'
    )
    assert css_string("a\u202eb") == '"a\\5c u202eb"'


@pytest.mark.parametrize("text", HOSTILE)
def test_css_string_stays_one_string_and_reads_back_as_shown(text: str) -> None:
    escaped = css_string(text)
    inner = escaped[1:-1]
    assert escaped[0] == escaped[-1] == '"'
    assert not set(inner) & set("\"'<>{};\n\r") - {"\\"}
    # Each escape is a backslash, hex digits and the one space CSS takes with them.
    read = re.sub(r"\\([0-9a-f]{1,6}) ", lambda m: chr(int(m.group(1), 16)), inner)
    assert read == terminal_text(text)


def test_payload_strings_stay_readable() -> None:
    # What a reviewer reads in the rendered comment is exactly what the editor wrote.
    rendered = "".join(read_html(github(markdown_inline(PAYLOAD))).text)
    assert html.unescape(rendered).replace(ZWSP, "").strip() == PAYLOAD
    assert terminal_text(PAYLOAD) == PAYLOAD
