"""``handbook diff``: what a change does to the handbook, by meaning rather than by lines.

Both sides are checked and indexed; the report lists the roles, duties, modules, standards and
registry entries added, removed or changed (and which fields), the duties that lose or gain
training, coverage before and after, the findings the change introduces or fixes, and the site
pages whose content changes (both sides are rendered and compared, so this list is exact).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from validator.engine import Result
from validator.findings import Finding, Text
from validator.kinds import Kind
from validator.model import Entity, Handbook
from validator.outputs import Format, as_json
from validator.render import render
from validator.reporters.json_report import finding_json


@dataclass(frozen=True)
class Change:
    """One entity added, removed or changed, with the fields that differ."""

    kind: str
    id: str
    name: str
    change: str
    fields: tuple[str, ...] = ()
    label: Text = field(default_factory=lambda: Text("", ""))
    """What people call the kind."""


@dataclass(frozen=True)
class DutyLink:
    """A duty named in a coverage list, with its role."""

    id: str
    name: str
    role: str


@dataclass
class Impact:
    """Everything ``handbook diff`` reports."""

    base: str
    changes: list[Change] = field(default_factory=list)
    coverage_before: tuple[int, int] = (0, 0)
    coverage_after: tuple[int, int] = (0, 0)
    lost_training: list[DutyLink] = field(default_factory=list)
    gained_training: list[DutyLink] = field(default_factory=list)
    introduced: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    pages: dict[str, str] = field(default_factory=dict)
    """Page path → ``added``, ``removed`` or ``changed``."""
    comparable: bool = True
    """False when one side does not load or match its schemas, so only findings are compared."""


def _entity_data(handbook: Handbook, entity: Entity) -> dict[str, Any]:
    # Entities listed inside this one (a role's duties) are compared as entities of their own.
    nested = {child.list_key for child in handbook.kinds.children(entity.kind)}
    return {k: v for k, v in entity.data.items() if k not in nested}


def _coverage(handbook: Handbook) -> tuple[int, int]:
    coverage = handbook.resolved.coverage
    return coverage.covered, coverage.duties


def _changed(a: dict[str, Any], b: dict[str, Any]) -> tuple[str, ...]:
    return tuple(sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k)))


def _kind_changes(kind: Kind, old: Handbook, new: Handbook) -> list[Change]:
    changes: list[Change] = []
    for key, entity in new.index[kind.name].items():
        previous = old.index[kind.name].get(key)
        if previous is None:
            changes.append(Change(kind.name, entity.id, entity.name, "added", label=kind.label))
            continue
        changed = _changed(_entity_data(old, previous), _entity_data(new, entity))
        if kind.within and previous.parent != entity.parent:
            changed = tuple(sorted({*changed, kind.within}))
        if changed:
            changes.append(
                Change(kind.name, entity.id, entity.name, "changed", changed, kind.label)
            )
    for key, entity in old.index[kind.name].items():
        if key not in new.index[kind.name]:
            changes.append(Change(kind.name, entity.id, entity.name, "removed", label=kind.label))
    if kind.filename and kind.list_key:
        # A registry file's own fields (its review date, say) belong to no entry.
        path = f"policies/{kind.filename}"
        before, after = old.documents.get(path), new.documents.get(path)
        if before is not None and after is not None:
            a = {k: v for k, v in before.data.items() if k != kind.list_key}
            b = {k: v for k, v in after.data.items() if k != kind.list_key}
            if _changed(a, b):
                changes.append(Change(kind.name, path, path, "changed", _changed(a, b), kind.label))
    return changes


def compare(base_ref: str, before: Result, after: Result) -> Impact:
    """The impact of going from ``before`` (at ``base_ref``) to ``after``."""
    impact = Impact(base_ref)
    old_counts = Counter(f.fingerprint for f in before.findings)
    new_counts = Counter(f.fingerprint for f in after.findings)
    impact.introduced = [
        f for f in after.findings if new_counts[f.fingerprint] > old_counts[f.fingerprint]
    ]
    impact.fixed = [
        f for f in before.findings if old_counts[f.fingerprint] > new_counts[f.fingerprint]
    ]
    old, new = before.handbook, after.handbook
    if old is None or new is None:
        impact.comparable = False
        return impact
    for kind in new.kinds:
        impact.changes += _kind_changes(kind, old, new)
    impact.coverage_before, impact.coverage_after = _coverage(old), _coverage(new)
    for duty in new.all("duty"):
        was = old.get("duty", duty.id) is not None and old.resolved.covered(duty.id)
        now = new.resolved.covered(duty.id)
        link = DutyLink(duty.id, duty.name, duty.parent or "")
        if was and not now:
            impact.lost_training.append(link)
        elif now and not was:
            impact.gained_training.append(link)
    old_pages, new_pages = render(old).pages, render(new).pages
    for path in sorted(set(old_pages) | set(new_pages)):
        if path not in old_pages:
            impact.pages[path] = "added"
        elif path not in new_pages:
            impact.pages[path] = "removed"
        elif old_pages[path] != new_pages[path]:
            impact.pages[path] = "changed"
    return impact


def _percent(covered: int, total: int) -> str:
    return f"{100 * covered / total:.1f}%" if total else "—"


def _url(path: str) -> str:
    """The address of a page on the site (directory URLs)."""
    if path == "index.md" or path.endswith("/index.md"):
        return path.removesuffix("index.md") or "/"
    return path.removesuffix(".md") + "/"


LIMIT = 15
"""Lists longer than this are cut, so the comment stays readable in a minute."""


def render_markdown(impact: Impact, lang: str) -> str:
    """One pull-request comment a reviewer can read in a minute."""
    zh = lang != "en"
    lines = ["<!-- handbook-diff -->", "### " + ("手册变更影响" if zh else "Handbook impact"), ""]
    lines.append(("对比基准：" if zh else "Compared with ") + f"`{impact.base}`")
    lines.append("")
    if impact.comparable:
        before, after = impact.coverage_before, impact.coverage_after
        arrow = (
            f"{_percent(*before)} ({before[0]}/{before[1]}) → "
            f"{_percent(*after)} ({after[0]}/{after[1]})"
        )
        lines += [("**培训覆盖率：** " if zh else "**Training coverage:** ") + arrow, ""]
        if impact.lost_training:
            lines += ["#### " + ("⚠️ 失去培训的职责" if zh else "⚠️ Duties that lose training"), ""]
            lines += _limited(
                [f"- `{d.id}` {_md(d.name)}（{d.role}）" for d in impact.lost_training], zh
            )
        if impact.gained_training:
            lines += ["#### " + ("✅ 获得培训的职责" if zh else "✅ Duties that gain training"), ""]
            lines += _limited(
                [f"- `{d.id}` {_md(d.name)}（{d.role}）" for d in impact.gained_training], zh
            )
        lines += ["#### " + ("内容变化" if zh else "Changes"), ""]
        if impact.changes:
            header = (
                "| 类型 | 变化 | id | 名称 | 修改的字段 |"
                if zh
                else "| Kind | Change | id | Name | Fields |"
            )
            lines += [header, "|---|---|---|---|---|"]
            verbs = {
                "added": ("新增", "added"),
                "removed": ("删除", "removed"),
                "changed": ("修改", "changed"),
            }
            rows = [
                f"| {c.label.get(lang)} | {verbs[c.change][0 if zh else 1]} | "
                f"`{c.id}` | {_md(c.name)} | {', '.join(c.fields) or '—'} |"
                for c in impact.changes
            ]
            lines += _limited(rows, zh)
        else:
            lines += ["无。" if zh else "None.", ""]
    else:
        lines += [
            (
                "有一边不能读取或不符合 schema，只比较检查结果。"
                if zh
                else "One side does not load or match its schemas; only findings are compared."
            ),
            "",
        ]
    lines += ["#### " + ("检查结果" if zh else "Findings"), ""]
    lines.append(
        (f"新增问题 **{len(impact.introduced)}** 个，修复问题 **{len(impact.fixed)}** 个。")
        if zh
        else f"**{len(impact.introduced)}** introduced, **{len(impact.fixed)}** fixed."
    )
    lines.append("")
    lines += _limited(
        [f"- ❌ `{f.location}` [{f.rule}] {_md(f.message.get(lang))}" for f in impact.introduced]
        + [f"- ✅ ~~[{f.rule}] {_md(f.message.get(lang))}~~" for f in impact.fixed],
        zh,
    )
    if impact.pages:
        label = "受影响的页面" if zh else "Pages affected"
        lines += [f"#### {label} ({len(impact.pages)})", ""]
        marks = {"added": "+", "removed": "−", "changed": "~"}
        pages = [f"- {marks[change]} `{_url(path)}`" for path, change in impact.pages.items()]
        lines += _limited(pages, zh)
    return "\n".join(lines).rstrip() + "\n"


def _limited(items: list[str], zh: bool) -> list[str]:
    shown = items[:LIMIT]
    if len(items) > LIMIT:
        more = len(items) - LIMIT
        shown.append(f"- …还有 {more} 项" if zh else f"- … and {more} more")
    return [*shown, ""]


def _md(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def render_text(impact: Impact, lang: str) -> str:
    """Plain text for a terminal (the Markdown without its table markup)."""
    return render_markdown(impact, lang).replace("<!-- handbook-diff -->\n", "")


def to_json(impact: Impact, lang: str = "zh") -> dict[str, Any]:
    """The impact as JSON data."""
    return {
        "base": impact.base,
        "comparable": impact.comparable,
        "changes": [
            {
                "kind": c.kind,
                "id": c.id,
                "name": c.name,
                "change": c.change,
                "fields": list(c.fields),
            }
            for c in impact.changes
        ],
        "coverage": {
            "before": {"covered": impact.coverage_before[0], "duties": impact.coverage_before[1]},
            "after": {"covered": impact.coverage_after[0], "duties": impact.coverage_after[1]},
        },
        "lost_training": [d.__dict__ for d in impact.lost_training],
        "gained_training": [d.__dict__ for d in impact.gained_training],
        "introduced": [finding_json(f, lang) for f in impact.introduced],
        "fixed": [finding_json(f, lang) for f in impact.fixed],
        "pages": impact.pages,
    }


def _json(impact: Impact, lang: str) -> str:
    return as_json(to_json(impact, lang))


FORMATS: dict[str, Format[Impact]] = {
    "markdown": render_markdown,
    "json": _json,
    "text": render_text,
}
"""``handbook diff --format``: the pull-request comment, JSON for workflows, terminal text."""
