"""Hostile and broken policy files: each gives one clear finding in bounded time, no traceback.

Each case replaces or adds one file in a copy of the small base handbook and runs the real
command line; the case states the rule and line the file must be reported at.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import CASES, case_root

Cli = Callable[..., tuple[int, str, str]]
WORKER = (CASES / "_base/policies/roles/worker.yaml").read_text(encoding="utf-8")
# A guard against hangs and blow-ups (an expanded alias, a runaway pattern), far above any
# honest run even on a loaded machine; how fast the check is, make bench measures.
SECONDS = 30.0


@dataclass(frozen=True)
class Hostile:
    name: str
    path: str
    content: bytes | None
    rule: str
    line: int

    def __str__(self) -> str:
        return self.name


def worker_with(old: str, new: str) -> bytes:
    assert old in WORKER
    return WORKER.replace(old, new, 1).encode("utf-8")


def laughs(levels: int) -> bytes:
    lines = ['l0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"l{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return ("\n".join(lines) + "\n").encode()


ROLE = "policies/roles/worker.yaml"
CORPUS = [
    Hostile(
        "duplicate key, top level",
        ROLE,
        worker_with("tier: tier-frontline", "tier: tier-frontline\ntier: tier-senior"),
        "yaml-duplicate-key",
        4,
    ),
    Hostile(
        "duplicate key, in a duty",
        ROLE,
        worker_with("    text: {zh: 完成任务。", "    id: w.again\n    text: {zh: 完成任务。"),
        "yaml-duplicate-key",
        14,
    ),
    Hostile(
        "duplicate key, in a flow mapping",
        ROLE,
        worker_with("en: Does the task.}", "en: Does the task., en: Again}"),
        "yaml-duplicate-key",
        14,
    ),
    Hostile(
        "YAML 1.1 'no' where a status is expected",
        "policies/regulations.yaml",
        (CASES / "_base/policies/regulations.yaml")
        .read_bytes()
        .replace(b"status: to-verify", b"status: no"),
        "schema",
        6,
    ),
    Hostile(
        "sexagesimal 12:30 where a number is expected",
        "policies/training/m-work.yaml",
        (CASES / "_base/policies/training/m-work.yaml")
        .read_bytes()
        .replace(b"hours: 4", b"hours: 12:30"),
        "schema",
        5,
    ),
    Hostile(
        "octal 0755 where a number is expected",
        "policies/training/m-work.yaml",
        (CASES / "_base/policies/training/m-work.yaml")
        .read_bytes()
        .replace(b"hours: 4", b"hours: 0755"),
        "schema",
        5,
    ),
    Hostile(
        "impossible date",
        ROLE,
        worker_with("last_reviewed: 2026-11-01", "last_reviewed: 2026-02-30"),
        "schema",
        17,
    ),
    Hostile("billion laughs", ROLE, laughs(10), "yaml-alias", 1),
    Hostile("self-referencing alias", ROLE, b"id: &x [1, *x]\n", "yaml-alias", 1),
    Hostile(
        "merge key", ROLE, b"base: &b {tier: tier-frontline}\nid: worker\n<<: *b\n", "yaml-alias", 1
    ),
    Hostile(
        "deep flow nesting",
        ROLE,
        b"id: " + b"[" * 50_000 + b"]" * 50_000 + b"\n",
        "yaml-too-deep",
        1,
    ),
    Hostile(
        "deep block nesting",
        ROLE,
        "".join(f"{'  ' * i}k{i}:\n" for i in range(200)).encode() + b"  " * 200 + b"v: 1\n",
        "yaml-too-deep",
        34,
    ),
    Hostile(
        "far over the size bound",
        ROLE,
        b"id: worker\n" + b"# padding\n" * 600_000,
        "yaml-too-large",
        1,
    ),
    Hostile("too many values", ROLE, b"id: [" + b"1," * 250_000 + b"1]\n", "yaml-too-large", 1),
    Hostile(
        "very long line",
        ROLE,
        worker_with("summary: {zh: 做具体工作。", "summary: {zh: " + "长" * 600_000),
        "schema",
        5,
    ),
    Hostile(
        "tab indentation", ROLE, worker_with("  - id: w.task", "\t- id: w.task"), "yaml-syntax", 13
    ),
    Hostile(
        "binary file",
        ROLE,
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        "yaml-encoding",
        3,
    ),
    Hostile("GBK", ROLE, WORKER.encode("gbk"), "yaml-encoding", 2),
    Hostile("GB18030", ROLE, WORKER.encode("gb18030"), "yaml-encoding", 2),
    Hostile("UTF-16 with BOM", ROLE, WORKER.encode("utf-16"), "yaml-encoding", 1),
    Hostile("UTF-16 without BOM", ROLE, WORKER.encode("utf-16-le"), "yaml-encoding", 1),
    Hostile(
        "Latin-1",
        ROLE,
        "id: worker\nname: {zh: café, en: Café}\n".encode("latin-1"),
        "yaml-encoding",
        2,
    ),
    Hostile(
        "NUL byte", ROLE, worker_with("Does the work.", "Does\x00 the work."), "yaml-encoding", 5
    ),
    Hostile(
        "line separator pasted from a web page",
        ROLE,
        worker_with("做具体工作。", "做具体\u2028工作。"),
        "yaml-encoding",
        5,
    ),
    Hostile(
        "control character", ROLE, worker_with("做具体工作。", "做具体\x07工作。"), "yaml-syntax", 5
    ),
    Hostile("empty file", ROLE, b"", "yaml-empty", 1),
    Hostile("comment-only file", ROLE, b"# TODO\n# later\n", "yaml-empty", 1),
    Hostile(
        "several documents",
        ROLE,
        WORKER.encode() + b"---\n" + WORKER.encode(),
        "yaml-multi-document",
        18,
    ),
    Hostile("top-level list", ROLE, b"- id: worker\n- id: lead\n", "schema", 1),
    Hostile("top-level scalar", ROLE, b"just some text\n", "schema", 1),
    Hostile(
        "python tag",
        ROLE,
        worker_with("reports_to: lead", "reports_to: !!python/object/apply:os.system ['false']"),
        "yaml-tag",
        4,
    ),
    Hostile(
        "python name tag",
        ROLE,
        worker_with("reports_to: lead", "reports_to: !!python/name:os.system"),
        "yaml-tag",
        4,
    ),
    Hostile(
        "custom include tag",
        ROLE,
        worker_with("reports_to: lead", "reports_to: !include ../../etc/passwd"),
        "yaml-tag",
        4,
    ),
    Hostile(
        "unclosed quote",
        ROLE,
        worker_with("summary: {zh: 做具体工作。", 'summary: {zh: "做具体工作。'),
        "yaml-syntax",
        5,
    ),
    Hostile(
        "unclosed bracket",
        ROLE,
        worker_with(
            '      - {regulation: reg-a, articles: ["1"]}',
            '      - {regulation: reg-a, articles: ["1"}',
        ),
        "yaml-syntax",
        16,
    ),
    Hostile(
        "integer key",
        ROLE,
        worker_with("tier: tier-frontline", "tier: tier-frontline\n1: one"),
        "yaml-key-type",
        4,
    ),
    Hostile(
        "boolean key",
        ROLE,
        worker_with("tier: tier-frontline", "tier: tier-frontline\ntrue: yes"),
        "yaml-key-type",
        4,
    ),
    Hostile(
        "date key",
        ROLE,
        worker_with("tier: tier-frontline", "tier: tier-frontline\n2024-01-01: new year"),
        "schema",
        4,
    ),
    Hostile(
        "file name with spaces and Chinese",
        "policies/roles/客服 专员.yaml",
        b"id: kefu\n",
        "schema",
        1,
    ),
    Hostile("unknown folder", "policies/drafts/worker.yaml", WORKER.encode(), "file-unknown", 1),
    Hostile("unknown top-level file", "policies/roles.yaml", WORKER.encode(), "file-unknown", 1),
    Hostile("link out of the repository", ROLE, None, "file-unreadable", 1),
    Hostile("dangling link", "policies/roles/gone.yaml", None, "file-unreadable", 1),
    Hostile("named pipe", "policies/roles/pipe.yaml", None, "file-unreadable", 1),
]


def place(case: Hostile, root: Path) -> None:
    target = root / case.path
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() or target.is_symlink():
        target.unlink()
    if case.name == "link out of the repository":
        target.symlink_to("/etc/hostname")
    elif case.name == "dangling link":
        target.symlink_to("nothing-here.yaml")
    elif case.name == "named pipe":
        os.mkfifo(target)
    else:
        assert case.content is not None
        target.write_bytes(case.content)


@pytest.mark.parametrize("case", CORPUS, ids=str)
def test_hostile_file_gives_one_located_finding(
    case: Hostile, run_cli: Cli, tmp_path: Path
) -> None:
    root = case_root(tmp_path / "none", tmp_path / "root")
    place(case, root)
    start = time.perf_counter()
    code, out, err = run_cli("check", "--root", str(root), "--lang", "en", "--format", "json")
    elapsed = time.perf_counter() - start
    import json

    findings = json.loads(out)["findings"]
    assert (code, err) == (1, "")
    assert elapsed < SECONDS, f"{case.name} took {elapsed:.2f} s"
    located = [(f["file"], f["line"], f["rule"]) for f in findings]
    assert (case.path, case.line, case.rule) in located, located
    assert {f["file"] for f in findings} == {case.path}, located
    assert "Traceback" not in out
