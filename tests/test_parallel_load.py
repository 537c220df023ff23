"""A large tree is parsed on several cores: the findings and their places are those of a run
that parses every file in one process, including in files a worker parsed."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import TODAY
from validator import parallel_load
from validator.engine import BESIDE, Result, RuleCrashed, run
from validator.loader import Limits, LoadResult
from validator.rules import RULES, Problem
from validator.synth import generate

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("large") / "corpus"
    generate(root, duties=4200)
    return root


def lines(result: Result) -> list[str]:
    return [
        f"{f.location.path}:{f.location.line}:{f.location.column}:{f.rule}" for f in result.findings
    ]


def copied(corpus: Path, root: Path, folder: str) -> list[Path]:
    """Copy the corpus to ``root``; the files of ``policies/folder`` in path order (the last
    fall in a worker's share when the work is shared out)."""
    shutil.copytree(corpus, root)
    return sorted((root / "policies" / folder).glob("*.yaml"))


def both_ways(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Result, Result]:
    monkeypatch.setattr(parallel_load, "workers_for_files", lambda files: 1)
    shared = run(root, today=TODAY)
    monkeypatch.setattr(parallel_load, "workers_for_files", lambda files: 0)
    alone = run(root, today=TODAY)
    monkeypatch.undo()
    return shared, alone


def test_large_tree_is_shared_out(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = sum(1 for _ in (corpus / "policies").rglob("*.yaml"))
    assert files >= parallel_load.PARALLEL_FROM
    parsed_here: list[str] = []
    original = parallel_load.load_bytes

    def counted(raw: bytes, path: str, limits: Limits) -> LoadResult:
        parsed_here.append(path)
        return original(raw, path, limits)

    # A worker parses its share in its own process, so its calls are not counted here: fewer
    # files than the tree holds were parsed in this process when the work was shared out. One
    # worker is asked for, so the test means the same on a machine with a single core.
    monkeypatch.setattr(parallel_load, "load_bytes", counted)
    monkeypatch.setattr(parallel_load, "workers_for_files", lambda files: 1)
    result = run(corpus, today=TODAY)
    assert result.findings == []
    assert result.files.checked == files
    assert 0 < len(parsed_here) < files


def test_findings_in_a_workers_files_are_placed_exactly(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "broken"
    modules = copied(corpus, root, "training")
    broken, misspelt = modules[-1], modules[-2]
    broken.write_text(broken.read_text(encoding="utf-8") + "id: twice\n", encoding="utf-8")
    text = misspelt.read_text(encoding="utf-8")
    first_covered = re.search(r"^covers:\n- (\S+)$", text, re.MULTILINE)
    assert first_covered is not None
    misspelt.write_text(
        text.replace(f"- {first_covered.group(1)}\n", "- nowhere.d99\n", 1), encoding="utf-8"
    )
    shared, alone = both_ways(root, monkeypatch)
    assert lines(shared) == lines(alone)
    duplicate_line = len(broken.read_text(encoding="utf-8").splitlines())
    assert f"policies/training/{broken.name}:{duplicate_line}:1:yaml-duplicate-key" in lines(shared)
    # The duplicate key holds the rules back; without it, the misspelt reference is found at
    # its own line in a file that was loaded without positions.
    broken.write_text(
        broken.read_text(encoding="utf-8").removesuffix("id: twice\n"), encoding="utf-8"
    )
    shared, alone = both_ways(root, monkeypatch)
    assert lines(shared) == lines(alone)
    reference_line = misspelt.read_text(encoding="utf-8").splitlines().index("- nowhere.d99") + 1
    assert f"policies/training/{misspelt.name}:{reference_line}:3:ref-resolves" in lines(shared)


def test_a_workers_documents_are_those_parsed_here(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "odd"
    modules = copied(corpus, root, "training")
    # In a worker's share: an escaped format character (the file is flagged for the rule that
    # locates them), a file that is too large, a file that does not parse.
    escaped, large, broken = modules[-1], modules[-2], modules[-3]
    escaped.write_text(escaped.read_text(encoding="utf-8") + '# "a\\u202eb"\n', encoding="utf-8")
    large.write_text(large.read_text(encoding="utf-8") + "#" * 3_000_000 + "\n", encoding="utf-8")
    broken.write_text("id: [unclosed\n", encoding="utf-8")
    shared, alone = both_ways(root, monkeypatch)
    assert lines(shared) == lines(alone)
    assert shared.files.documents.keys() == alone.files.documents.keys()
    for path, document in alone.files.documents.items():
        received = shared.files.documents[path]
        assert (received.data, received.first_line, received.text) == (
            document.data,
            document.first_line,
            document.text,
        ), path
        assert received.format_characters is document.format_characters, path
    name = f"policies/training/{escaped.name}"
    assert shared.files.documents[name].format_characters is True
    assert {f.rule for f in shared.findings if f.location.path.endswith(large.name)} == {
        "yaml-too-large"
    }
    assert any(f.location.path.endswith(broken.name) for f in shared.findings)


def test_the_rules_run_beside_the_others_find_the_same(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "rules"
    role = copied(corpus, root, "roles")[-1]
    text = role.read_text(encoding="utf-8")
    # A status no source backs, and a name without English: two rules of the forked lane.
    text = text.replace("  status: suggested\n", "  status: secondary\n", 1)
    text = text.replace(f"\n  en: {role.stem}\n", "\n  en: ' '\n", 1)
    role.write_text(text, encoding="utf-8")
    lines_of_role = text.splitlines()
    status_line = lines_of_role.index("  status: secondary") + 1
    name_line = lines_of_role.index("name:") + 1
    shared, alone = both_ways(root, monkeypatch)
    assert lines(shared) == lines(alone)
    display = f"policies/roles/{role.name}"
    assert f"{display}:{status_line}:3:status-backed" in lines(shared)
    assert any(
        line.startswith(f"{display}:{name_line}:") and line.endswith(":translation-complete")
        for line in lines(shared)
    )
    assert [f.message for f in shared.findings] == [f.message for f in alone.findings]


def test_a_rule_that_fails_beside_the_others_is_named(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fails(handbook: object) -> list[Problem]:
        raise ZeroDivisionError

    assert "status-backed" in BESIDE
    monkeypatch.setitem(RULES, "status-backed", replace(RULES["status-backed"], check=fails))
    monkeypatch.setattr(parallel_load, "workers_for_files", lambda files: 1)
    with pytest.raises(RuleCrashed) as crashed:
        run(corpus, today=TODAY)
    assert crashed.value.rule == "status-backed"
