"""The search index as the site writes it: UTF-8, compact, English names in entity titles."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from material.plugins.search.plugin import SearchIndex

from tests.conftest import REPO, TODAY, build_site, copy_project
from validator import search_index
from validator.engine import run


def test_entries_lose_block_tags_and_breaks_beside_spaces_but_keep_word_breaks() -> None:
    text = "<p>\u200b保安\u200b员\u200b 值守</p> <ul> <li>a <code>x</code></li> </ul>"
    assert search_index.compact_text(text) == "保安\u200b员 值守 a <code>x</code>"


def test_tuned_index_is_utf8_with_english_names_in_entity_titles(tmp_path: Path) -> None:
    result = run(REPO, today=TODAY)
    assert result.handbook is not None
    module = result.handbook.get("module", "m-law-02")
    assert module is not None
    index = tmp_path / "search_index.json"
    entries = [
        {"location": "training/m-law-02/", "title": "M-LAW-02 \u200b消防", "text": "<p>火</p>"},
        {"location": "training/m-law-02/#_1", "title": "覆盖", "text": ""},
        {"location": "introduction/", "title": "简介", "text": ""},
    ]
    search_index.write_index(index, {}, entries, search_index.english_titles(result.handbook))
    raw = index.read_text(encoding="utf-8")
    assert "\\u" not in raw
    docs = json.loads(raw)["docs"]
    assert [doc["title"] for doc in docs] == [
        f"M-LAW-02 \u200b消防 · {module.display('en')}",
        "覆盖",
        "简介",
    ]
    assert docs[0]["text"] == "火"


def test_empty_sections_under_a_heading_many_pages_share_are_dropped(tmp_path: Path) -> None:
    index = tmp_path / "search_index.json"
    entries = [
        {"location": "training/m-a/", "title": "模块 A", "text": "<p>甲</p>"},
        {"location": "training/m-a/#_1", "title": "课程大纲", "text": ""},
        {"location": "training/m-b/", "title": "模块 B", "text": ""},
        {"location": "training/m-b/#_1", "title": "课程大纲", "text": " "},
        {"location": "training/m-b/#_2", "title": "课程大纲", "text": "<p>有内容</p>"},
        {"location": "training/system/#_3", "title": "培训类别", "text": ""},
    ]
    search_index.write_index(index, {}, entries, {})
    kept = [doc["location"] for doc in json.loads(index.read_text(encoding="utf-8"))["docs"]]
    # A page's own entry, a section with text and a heading no other page has all stay.
    assert kept == ["training/m-a/", "training/m-b/", "training/m-b/#_2", "training/system/#_3"]


def test_a_large_index_is_written_in_batches_as_one_json_text(tmp_path: Path) -> None:
    index = tmp_path / "search" / "search_index.json"
    entries = [
        {"location": f"p{n}/", "title": f"页 {n}", "text": f"<p>第 {n} 条</p>"} for n in range(1234)
    ]
    config = {"lang": ["zh"], "separator": "[\\s\u200b]"}
    search_index.write_index(index, config, iter(entries), {})
    written = json.loads(index.read_text(encoding="utf-8"))
    assert written["config"] == config
    assert written["docs"] == [{**entry, "text": f"第 {n} 条"} for n, entry in enumerate(entries)]
    # The given entries are not changed: `mkdocs serve` keeps them for its next build.
    assert entries[0]["text"] == "<p>第 0 条</p>"


def _material_index(*locations: str) -> SearchIndex:
    index = SearchIndex(lang=["zh"], separator="[\\s]", pipeline=[], fields={})
    index.entries = [
        {"location": where, "title": where, "text": f"<p>{where}</p>"} for where in locations
    ]
    return index


def test_the_search_plugin_writes_only_its_settings_and_the_writer_the_whole_index(
    tmp_path: Path,
) -> None:
    index = _material_index("a/", "b/")
    writer = search_index.IndexWriter({"b/": "Bee"})
    writer.wrap(index)
    written_by_plugin = json.loads(index.generate_search_index(None))
    assert written_by_plugin == {
        "config": {"lang": ["zh"], "separator": "[\\s]", "pipeline": [], "fields": {}},
        "docs": [],
    }
    writer.write(tmp_path)
    written = json.loads((tmp_path / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert written["config"] == written_by_plugin["config"]
    assert [(doc["title"], doc["text"]) for doc in written["docs"]] == [
        ("a/", "a/"),
        ("b/ · Bee", "b/"),
    ]
    # Once written, a second call (a failed build's retry, say) writes nothing over it.
    (tmp_path / "search" / "search_index.json").unlink()
    writer.write(tmp_path)
    assert not (tmp_path / "search").joinpath("search_index.json").exists()


def test_a_dirty_rebuild_keeps_the_other_pages_entries(tmp_path: Path) -> None:
    # `mkdocs serve --dirty` rebuilds the edited page only; Material merges the previous index.
    previous = _material_index("a/", "a/#x", "b/")
    index = _material_index("a/")
    writer = search_index.IndexWriter({})
    writer.wrap(index)
    index.generate_search_index(previous)
    writer.write(tmp_path)
    written = json.loads((tmp_path / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert [doc["location"] for doc in written["docs"]] == ["b/", "a/"]


@pytest.mark.slow
def test_the_index_is_whole_whichever_plugin_comes_first(tmp_path: Path) -> None:
    # Material writes the index's settings, the handbook plugin the entries after it.
    indexes = []
    for order in (["search", "handbook"], ["handbook", "search"]):
        project = copy_project(tmp_path / order[0])
        config = project / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        listed = "  - handbook\n"
        assert text.count(listed) == 1
        text = text.replace(listed, "")
        handbook = "  - handbook:\n      downloads: false\n"
        if order[0] == "handbook":
            text = text.replace("\nplugins:\n", f"\nplugins:\n{handbook}", 1)
        else:
            text = text.replace(
                "\n\n# The order of the site.", f"\n{handbook}\n# The order of the site."
            )
        config.write_text(text, encoding="utf-8")
        plugins = yaml.safe_load(text)["plugins"]
        assert [next(iter(plugin)) for plugin in plugins] == order
        built = build_site(project, tmp_path / f"site-{order[0]}")
        assert built.returncode == 0, built.stderr
        index = tmp_path / f"site-{order[0]}" / "search" / "search_index.json"
        indexes.append(index.read_bytes())
    assert indexes[0] == indexes[1]
    docs = json.loads(indexes[0])["docs"]
    assert len(docs) > 100
    # UTF-8, not the search plugin's escapes.
    assert b"\\u" not in indexes[0].split(b'"docs":', 1)[1]


EXCLUDED_PAGE = (
    '<h1 id="role">岗位</h1>\n<div class="hb-duty"><p>巡查消防通道</p>\n'
    '<div data-search-exclude="true"><ul><li>衡量标准：通道畅通</li></ul></div>\n</div>\n'
    '<h2 id="training">培训路径</h2>\n<p>按先修顺序排列</p>\n'
    '<div id="path" data-search-exclude="true"><table><tr><td>模块甲</td></tr></table>'
    "<details><summary>年度计划</summary><div><div>第 1 个月</div></div>"
    "<p>每年第 3 个月复训</p></details><br><p>签字栏</p></div>\n"
    "<p>最后一段</p>\n"
)


def _entries_for(content: str, *, leaving_out: bool) -> list[tuple[str, str, str]]:
    index = _material_index()
    if leaving_out:
        search_index.leave_out_excluded(index)
    page = SimpleNamespace(content=content, url="roles/a/", title="岗位", meta={}, toc=[])
    index.add_entry_from_context(page)
    # The page is given back as it was: the site shows the blocks the index leaves out.
    assert page.content == content
    # Without the zero-width spaces jieba puts between words.
    return [
        (
            entry["location"],
            entry["title"].replace("\u200b", ""),
            entry["text"].replace("\u200b", ""),
        )
        for entry in index.entries
    ]


def test_an_excluded_block_is_left_out_of_the_index_whole() -> None:
    ours = _entries_for(EXCLUDED_PAGE, leaving_out=True)
    assert ours == [
        ("roles/a/", "岗位", "<p>巡查消防通道</p>"),
        ("roles/a/#training", "培训路径", "<p>按先修顺序排列</p> <p>最后一段</p>"),
    ]
    # Material alone stops skipping at the first </div> inside the plan: the rest of the plan
    # is indexed (what the site had before).
    material = " ".join(text for _, _, text in _entries_for(EXCLUDED_PAGE, leaving_out=False))
    assert "每年第 3 个月复训" in material and "签字栏" in material
    assert "衡量标准" not in material


def test_an_excluded_block_without_its_end_leaves_the_rest_as_it_is() -> None:
    broken = '<h1 id="a">甲</h1><p>一</p><div data-search-exclude="true"><p>二</p>'
    assert search_index.without_excluded(broken) == broken
    nested = "<p>一</p><div data-search-exclude><div>二</div><div>三</div></div><p>四</p>"
    assert search_index.without_excluded(nested) == "<p>一</p><p>四</p>"
    void = '<p>一</p><br data-search-exclude><p>二</p><div data-search-exclude="">三</div>'
    assert search_index.without_excluded(void) == "<p>一</p><br data-search-exclude><p>二</p>"
    # Only the attribute counts, not the words in another attribute's value.
    quoted = '<p>一</p><a title="x data-search-exclude y" href="#d">3</a><p>二</p>'
    assert search_index.without_excluded(quoted) == quoted
