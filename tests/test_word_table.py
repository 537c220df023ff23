"""jieba's dictionary read from a table on disk cuts every sentence exactly as jieba does."""

from __future__ import annotations

import re
import types
from pathlib import Path

import jieba
import pytest

from tests.conftest import REPO, TODAY
from validator import search_cache, word_table
from validator.engine import run
from validator.render import render
from validator.search_cache import SegmentMemo

_RUN = re.compile(r"[\u4e00-\u9fff]+")


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    """Every distinct run of Chinese characters on the shipped handbook's pages."""
    result = run(REPO, today=TODAY)
    assert result.handbook is not None
    pages = render(result.handbook).pages.values()
    runs = {found for page in pages for found in _RUN.findall(page)}
    assert len(runs) > 500
    return sorted(runs)


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    jieba.initialize()
    path = word_table.table_path(tmp_path_factory.mktemp("words"))
    word_table.write_table(path, jieba.dt.FREQ, jieba.dt.total)
    return path


def _fresh_jieba() -> types.SimpleNamespace:
    """A stand-in for the jieba module whose dictionary is not loaded yet."""
    tokenizer = jieba.Tokenizer()
    return types.SimpleNamespace(dt=tokenizer, cut=tokenizer.cut)


def test_the_table_cuts_every_sentence_as_jieba_does(sentences: list[str], table: Path) -> None:
    opened = word_table.open_tokenizer(table)
    assert opened is not None
    tokenizer, frequencies = opened
    for sentence in sentences:
        assert list(tokenizer.cut(sentence.encode("utf-8"))) == list(jieba.cut(sentence))
    assert 0 < frequencies.lookups < len(jieba.dt.FREQ)


def test_a_build_with_little_to_cut_reads_the_table_and_one_with_much_loads_jieba(
    sentences: list[str], table: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_cache, "LOOKUPS_BEFORE_LOADING", 2_000)
    stand_in = _fresh_jieba()
    memo = SegmentMemo(stand_in)
    memo.use_table(table)
    cuts = [list(memo.cut(sentence.encode("utf-8"))) for sentence in sentences]
    assert cuts == [list(jieba.cut(sentence)) for sentence in sentences]
    # Past the limit the stand-in's own dictionary was loaded, and cut the rest.
    assert stand_in.dt.initialized


def test_a_small_edit_never_loads_the_whole_dictionary(sentences: list[str], table: Path) -> None:
    stand_in = _fresh_jieba()
    memo = SegmentMemo(stand_in)
    memo.use_table(table)
    assert list(memo.cut(sentences[0])) == list(jieba.cut(sentences[0]))
    assert not stand_in.dt.initialized
    kept = table.stat().st_mtime_ns
    memo.keep_table()  # the table is there: nothing to write, nothing loaded
    assert table.stat().st_mtime_ns == kept and not stand_in.dt.initialized


@pytest.mark.parametrize("content", [b"", b"not a database", b"SQLite format 3\x00" + b"\x00" * 90])
def test_a_damaged_table_leaves_jieba_to_load_its_own(tmp_path: Path, content: bytes) -> None:
    path = word_table.table_path(tmp_path)
    path.write_bytes(content)
    assert word_table.open_tokenizer(path) is None
    stand_in = _fresh_jieba()
    memo = SegmentMemo(stand_in)
    memo.use_table(path)
    assert list(memo.cut("保安员巡查小区")) == list(jieba.cut("保安员巡查小区"))


def test_the_table_is_written_once_from_the_loaded_dictionary(tmp_path: Path) -> None:
    stand_in = _fresh_jieba()
    memo = SegmentMemo(stand_in)
    path = word_table.table_path(tmp_path)
    memo.use_table(path)
    memo.keep_table()
    assert not path.exists()  # nothing was loaded, so nothing is kept
    assert list(memo.cut("物业服务中心")) == list(jieba.cut("物业服务中心"))
    memo.keep_table()
    opened = word_table.open_tokenizer(path)
    assert opened is not None
    assert opened[0].total == jieba.dt.total
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left beside it
    # Readable as every other file of the cache is (a CI cache restored by another user).
    ordinary = tmp_path / "ordinary"
    ordinary.write_text("", encoding="utf-8")
    assert path.stat().st_mode == ordinary.stat().st_mode


def test_a_table_damaged_inside_is_written_again_and_every_cut_still_made(
    sentences: list[str], table: Path, tmp_path: Path
) -> None:
    damaged = word_table.table_path(tmp_path)
    data = bytearray(table.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 2_000_000] = bytes(min(2_000_000, len(data) - middle))
    damaged.write_bytes(bytes(data))
    stand_in = _fresh_jieba()
    memo = SegmentMemo(stand_in)
    memo.use_table(damaged)
    cuts = [list(memo.cut(sentence)) for sentence in sentences]
    assert cuts == [list(jieba.cut(sentence)) for sentence in sentences]
    assert stand_in.dt.initialized  # the damage was found, and jieba loaded its own
    memo.keep_table()
    opened = word_table.open_tokenizer(damaged)
    assert opened is not None
    assert [list(opened[0].cut(s)) for s in sentences[:50]] == cuts[:50]


def test_a_dictionary_of_the_sites_own_is_never_kept_as_jiebas(tmp_path: Path) -> None:
    # As in `mkdocs serve` when the site's search settings drop their own dictionary: the one
    # loaded in this process holds the site's words, so it must not become the table.
    stand_in = _fresh_jieba()
    memo = SegmentMemo(stand_in)
    memo.use_table(None)
    assert list(memo.cut("物业服务中心")) == list(jieba.cut("物业服务中心"))
    path = word_table.table_path(tmp_path)
    memo.use_table(path)
    memo.keep_table()
    assert not path.exists()
