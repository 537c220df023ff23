"""Longest run of characters a Chinese text in policies/ shares with the seed article.

Usage: python benchmarks/seed_overlap.py SEED.md [POLICIES_DIR] [--top N]

The handbook restates the seed's facts in its own words. This measures how far
it falls short: every string in policies/ that contains Chinese is compared
with the seed's body, once as written and once with punctuation and spaces
removed (the seed often uses ASCII commas, so punctuation alone must not hide a
copy). Role and tier titles are names, not prose: they are blanked out on both
sides before comparing. The exit status is 1 when a run reaches the limit (12).
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from difflib import SequenceMatcher
from pathlib import Path

import yaml

LIMIT = 12
CJK = re.compile(r"[\u4e00-\u9fff]")
# Role and tier titles as the seed names them; they may be reused verbatim.
TITLES = [
    "客户服务专员/助理",
    "工程维护专员/技工",
    "秩序维护员(保安)",
    "秩序维护员（保安）",
    "环境维护专员/保洁绿化员",
    "客服主管/环境主管/工程主管/秩序维护主管",
    "物业项目经理/项目负责人",
    "物业管理部经理/区域经理",
    "基层操作与服务类",
    "中层管理与执行类",
    "高层决策与战略类",
    "物业管理人员岗位职责与培训",
]


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node] if CJK.search(node) else []
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def _blank_titles(text: str) -> str:
    for title in sorted(TITLES, key=len, reverse=True):
        text = text.replace(title, "\u0000")
    return text


def _no_punct(text: str) -> str:
    return "".join(
        c for c in text if c == "\u0000" or not (unicodedata.category(c)[0] in "PZS" or c.isspace())
    )


def _longest(a: str, b: str) -> str:
    m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    run = a[m.a : m.a + m.size]
    return run if "\u0000" not in run else max(run.split("\u0000"), key=len)


def seed_body(path: Path) -> str:
    """The seed's text without its HTML comment, titles blanked."""
    text = re.sub(r"<!--.*?-->", "", path.read_text(encoding="utf-8"), flags=re.S)
    return _blank_titles(text)


def measure(seed: str, policies: Path) -> list[tuple[int, str, str, str]]:
    """(run length, run, file, string) for every Chinese string, longest first."""
    seed_np = _no_punct(seed)
    rows = []
    for f in sorted(policies.rglob("*.yaml")):
        for s in _strings(yaml.safe_load(f.read_text(encoding="utf-8"))):
            t = _blank_titles(s)
            raw, np_ = _longest(t, seed), _longest(_no_punct(t), seed_np)
            run = raw if len(_no_punct(raw)) >= len(np_) else np_
            n = max(len(_no_punct(raw)), len(np_))
            rows.append((n, run, str(f.relative_to(policies.parent)), s))
    rows.sort(key=lambda r: -r[0])
    return rows


def main(argv: list[str] | None = None) -> int:
    """Print the longest runs; exit 1 when one reaches the limit."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("seed", type=Path)
    ap.add_argument("policies", type=Path, nargs="?", default=Path("policies"))
    ap.add_argument("--top", type=int, default=10)
    args = ap.parse_args(argv)
    rows = measure(seed_body(args.seed), args.policies)
    print(f"{len(rows)} Chinese strings compared with the seed ({LIMIT} = limit)")
    for n, run, where, s in rows[: args.top]:
        print(f"{n:3d}  {run}  [{where}] {s[:40]}")
    longest = rows[0][0] if rows else 0
    print(f"longest shared run: {longest} characters")
    return 1 if longest >= LIMIT else 0


if __name__ == "__main__":
    sys.exit(main())
