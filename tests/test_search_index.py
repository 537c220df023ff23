"""The search index as the site writes it: UTF-8, compact, English names in entity titles."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import REPO, TODAY
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
    index.write_text(json.dumps({"config": {}, "docs": entries}), encoding="utf-8")
    search_index.tune(index, result.handbook)
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
    index.write_text(json.dumps({"config": {}, "docs": entries}), encoding="utf-8")
    search_index.tune(index, None)
    kept = [doc["location"] for doc in json.loads(index.read_text(encoding="utf-8"))["docs"]]
    # A page's own entry, a section with text and a heading no other page has all stay.
    assert kept == ["training/m-a/", "training/m-b/", "training/m-b/#_2", "training/system/#_3"]
