"""How ``handbook diff`` writes an impact: the pull-request comment (Markdown), terminal text and
JSON, from one walk over the :class:`~validator.diff.Impact`.

The Markdown comment opens with the verdict and what weakens the gate; every text from the data
goes through :mod:`validator.escaping` (ids and values as code, policy text escaped), so a duty
text cannot put a link, an image or a mention into the comment.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from validator.diff import (
    MISSING,
    WEAKENINGS,
    Change,
    DutyLink,
    FieldChange,
    Impact,
    Weakening,
    scalar_list,
)
from validator.escaping import markdown_code, markdown_inline, terminal_text
from validator.field_labels import path_label
from validator.findings import Finding, Severity, Text
from validator.outputs import Format, as_json
from validator.reporters.json_report import finding_json


@dataclass(frozen=True)
class _Style:
    """How the two text outputs write the same report."""

    code: Callable[[str], str]
    """An id, a path or a short value."""
    text: Callable[[str], str]
    """Policy text."""
    heading: Callable[[str], str]
    deleted: Callable[[str], str]
    inserted: Callable[[str], str]
    strike: Callable[[str], str]
    bold: Callable[[str], str]
    marker: bool
    """Whether the comment marker comes first (workflows find their comment by it)."""


MARKDOWN = _Style(
    code=markdown_code,
    text=markdown_inline,
    heading=lambda title: f"#### {title}",
    deleted=lambda text: f"<del>{text}</del>",
    inserted=lambda text: f"<ins>{text}</ins>",
    strike=lambda text: f"~~{text}~~",
    bold=lambda text: f"**{text}**",
    marker=True,
)
TEXT = _Style(
    code=terminal_text,
    text=terminal_text,
    heading=lambda title: f"== {title} ==",
    deleted=lambda text: f"[-{text}-]",
    inserted=lambda text: f"{{+{text}+}}",
    strike=lambda text: f"{text}",
    bold=lambda text: text,
    marker=False,
)

LIMIT = 15
"""Lists longer than this are cut, so the comment stays readable in a minute."""
FIELD_LIMIT = 8
"""Values shown under one changed entity."""
CONTEXT = 12
"""Characters of unchanged text kept around each edit of a text."""
SHORT = 40
"""A value longer than this is cut in the comment."""


def _percent(covered: int, total: int) -> str:
    return f"{100 * covered / total:.1f}%" if total else "—"


def _url(path: str) -> str:
    """The address of a page on the site (directory URLs)."""
    if path == "index.md" or path.endswith("/index.md"):
        return path.removesuffix("index.md") or "/"
    return path.removesuffix(".md") + "/"


def _cut(text: str, limit: int = SHORT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(value: Any) -> str:
    """A value as it is written in the policies (YAML flow style, compact)."""
    if value is MISSING or value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_plain(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    return str(value)


def _value(value: Any, style: _Style) -> str:
    return "—" if value is MISSING or value is None else style.code(_cut(_plain(value)))


def _text_diff(old: str, new: str, style: _Style) -> str:
    """A short inline diff of two texts, by character (Chinese has no spaces to split on)."""
    old, new = " ".join(old.split()), " ".join(new.split())
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    codes = matcher.get_opcodes()
    edits = sum(1 for code in codes if code[0] != "equal")
    # A rewrite, or edits scattered all over, read better as the old text and the new one.
    kept = sum(i2 - i1 for tag, i1, i2, _, _ in codes if tag == "equal")
    if kept < min(len(old), len(new)) / 2 or edits > 6:
        return (
            style.deleted(style.text(_cut(old, 3 * SHORT)))
            + " → "
            + style.inserted(style.text(_cut(new, 3 * SHORT)))
        )
    parts: list[str] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(codes):
        if tag == "equal":
            same = old[i1:i2]
            first, last = index == 0, index == len(codes) - 1
            if first and len(same) > CONTEXT:
                same = "…" + same[-CONTEXT:]
            elif last and len(same) > CONTEXT:
                same = same[:CONTEXT] + "…"
            elif len(same) > 2 * CONTEXT:
                same = same[:CONTEXT] + "…" + same[-CONTEXT:]
            parts.append(style.text(same))
            continue
        if i2 > i1:
            parts.append(style.deleted(style.text(old[i1:i2])))
        if j2 > j1:
            parts.append(style.inserted(style.text(new[j1:j2])))
    return "".join(parts)


_TOKEN = re.compile(r"[\w.:/@+-]*", re.ASCII)


def _prose(value: Any) -> bool:
    """Whether a value is text people wrote (shown as text, with an inline diff) rather than an
    id, a date, a URL or a keyword (shown verbatim as code)."""
    return isinstance(value, str) and not _TOKEN.fullmatch(value)


def _field_line(value: FieldChange, style: _Style, zh: bool) -> str:
    # Named for reviewers, with the key for whoever edits the file.
    named = path_label(value.path, "zh" if zh else "en")
    where = style.code(value.path)
    if named.lower().replace(" ", "_") != value.path:
        where = f"{style.text(named)} {where}"
    old, new = value.old, value.new
    if scalar_list(old) or scalar_list(new):
        before = old if isinstance(old, list) else []
        after = new if isinstance(new, list) else []
        added = [v for v in after if v not in before]
        removed = [v for v in before if v not in after]
        items = [f"+{_value(v, style)}" for v in added] + [f"−{_value(v, style)}" for v in removed]
        if not items:  # the same items in another order
            items = [_value(old, style), "→", _value(new, style)]
        return f"{where}: " + " ".join(items)
    if _prose(old) or _prose(new):
        if isinstance(old, str) and isinstance(new, str):
            return f"{where}: " + _text_diff(old, new, style)
        if isinstance(old, str):
            return f"{where}: " + style.deleted(style.text(_cut(old, 3 * SHORT)))
        if isinstance(new, str):
            return f"{where}: " + style.inserted(style.text(_cut(new, 3 * SHORT)))
    return f"{where}: {_value(old, style)} → {_value(new, style)}"


_VERBS = {
    "added": Text("新增", "added"),
    "removed": Text("删除", "removed"),
    "changed": Text("修改", "changed"),
    "renamed": Text("改了 id", "id changed"),
}


def _change_lines(change: Change, style: _Style, lang: str) -> list[str]:
    zh = lang != "en"
    name = (change.names or Text(change.name, change.name)).get(lang)
    head = f"- {_VERBS[change.change].get(lang)} {style.text(change.label.get(lang))} "
    if change.old_id is not None:
        head += f"{style.code(change.old_id)} → {style.code(change.id)}"
    else:
        head += style.code(change.id)
    if name and name != change.id:
        head += " " + style.text(_cut(name, 2 * SHORT))
    if change.change == "renamed":
        head += (
            "（内容相同；已发布的 id 不应更改）"
            if zh
            else " (same content; a published id should not change)"
        )
    lines = [head]
    shown = [f"  - {_field_line(v, style, zh)}" for v in change.values[:FIELD_LIMIT]]
    if len(change.values) > FIELD_LIMIT:
        more = len(change.values) - FIELD_LIMIT
        shown.append(f"  - …还有 {more} 处" if zh else f"  - … and {more} more")
    return lines + shown


def _weakening_line(item: Weakening, style: _Style, lang: str) -> str:
    what = WEAKENINGS[item.what].get(lang)
    head = f"- {style.bold(what)}：" if lang != "en" else f"- {style.bold(what)}: "
    subject = f"{style.text(item.label.get(lang))} {style.code(item.id)}"
    where = style.code(item.path)
    return f"{head}{subject} {where}: {_value(item.old, style)} → {_value(item.new, style)}"


def _duty_line(duty: DutyLink, style: _Style, lang: str) -> str:
    zh = lang != "en"
    name = (duty.names or Text(duty.name, duty.name)).get(lang)
    line = f"- {style.code(duty.id)} {style.text(_cut(name, 2 * SHORT))}"
    place = [style.code(duty.role)] if duty.role else []
    for module, how in duty.causes:
        if how == "removed":
            place.append(
                f"培训模块 {style.code(module)} 已删除"
                if zh
                else f"module {style.code(module)} removed"
            )
        else:
            place.append(
                f"培训模块 {style.code(module)} 不再覆盖它"
                if zh
                else f"module {style.code(module)} no longer covers it"
            )
    if place:
        line += f"（{'；'.join(place)}）" if zh else f" ({'; '.join(place)})"
    return line


def _finding_line(finding: Finding, mark: str, style: _Style, lang: str) -> str:
    return (
        f"- {mark} {style.code(str(finding.location))} {style.code(finding.rule)} "
        f"{style.text(finding.message.get(lang))}"
    )


def _verdict(impact: Impact, lang: str) -> str:
    zh = lang != "en"
    parts = []
    if impact.errors:
        plural = "" if impact.errors == 1 else "s"
        parts.append(f"❌ {impact.errors} 个错误" if zh else f"❌ {impact.errors} error{plural}")
    else:
        parts.append("✅ 检查通过" if zh else "✅ passes")
    if impact.warnings:
        plural = "" if impact.warnings == 1 else "s"
        parts.append(
            f"⚠ {impact.warnings} 个警告" if zh else f"⚠ {impact.warnings} warning{plural}"
        )
    return ("，" if zh else ", ").join(parts)


def _render(impact: Impact, lang: str, style: _Style) -> str:
    zh = lang != "en"
    lines: list[str] = []
    if style.marker:
        lines.append("<!-- handbook-diff -->")
        lines.append("### " + ("手册变更影响" if zh else "Handbook impact"))
    else:
        lines.append("手册变更影响" if zh else "Handbook impact")
    lines += ["", style.bold(_verdict(impact, lang)), ""]
    lines += [("对比基准：" if zh else "Compared with ") + style.code(impact.base), ""]
    if impact.weakening:
        who = f" {style.code(impact.approver)}" if impact.approver else ""
        spaced = f"{who} " if who else ""
        lines += [
            style.heading(
                f"⚠️ 放宽了检查（{len(impact.weakening)}），需要手册批准人{spaced}审批"
                if zh
                else f"⚠️ Weakens the gate ({len(impact.weakening)}): needs the handbook's "
                f"approver{who}"
            ),
            "",
        ]
        lines += _limited([_weakening_line(w, style, lang) for w in impact.weakening], zh)
    for side, paths in impact.unreadable.items():
        if not paths:
            continue
        if side == "base":
            title = "对比基准中未能读取的文件" if zh else "Files that do not load at the base"
        else:
            title = "本次修改后未能读取的文件" if zh else "Files that do not load after the change"
        lines += [style.heading(title), ""]
        lines += _limited([f"- {style.code(path)}" for path in paths], zh)
    if not impact.comparable:
        lines += [
            (
                "这些文件的内容没有参与比较；其余文件照常比较。覆盖率、跨文件检查和页面要等所有"
                "文件都能读取后才能比较。"
                if zh
                else "What these files hold is left out; every other file is compared. Coverage, "
                "the cross-file checks and the pages are compared once every file loads."
            ),
            "",
        ]
    else:
        before, after = impact.coverage_before, impact.coverage_after
        arrow = (
            f"{_percent(*before)} ({before[0]}/{before[1]}) → "
            f"{_percent(*after)} ({after[0]}/{after[1]})"
        )
        lines += [style.bold("培训覆盖率：" if zh else "Training coverage:") + " " + arrow, ""]
    if impact.lost_training:
        lines += [style.heading("⚠️ 失去培训的职责" if zh else "⚠️ Duties that lose training"), ""]
        lines += _limited([_duty_line(d, style, lang) for d in impact.lost_training], zh)
    if impact.gained_training:
        lines += [style.heading("✅ 获得培训的职责" if zh else "✅ Duties that gain training"), ""]
        lines += _limited([_duty_line(d, style, lang) for d in impact.gained_training], zh)
    lines += [style.heading("内容变化" if zh else "Changes"), ""]
    if impact.changes:
        entries = [_change_lines(c, style, lang) for c in impact.changes]
        shown = [line for entry in entries[:LIMIT] for line in entry]
        lines += _limited(shown, zh, len(entries) - LIMIT)
    else:
        lines += ["无。" if zh else "None.", ""]
    lines += [style.heading("检查结果" if zh else "Findings"), ""]
    counts = (
        f"新增问题 {style.bold(str(len(impact.introduced)))} 个，"
        f"修复问题 {style.bold(str(len(impact.fixed)))} 个"
        if zh
        else f"{style.bold(str(len(impact.introduced)))} introduced, "
        f"{style.bold(str(len(impact.fixed)))} fixed"
    )
    if impact.waived:
        counts += (
            f"，新豁免 {style.bold(str(len(impact.waived)))} 个"
            if zh
            else f", {style.bold(str(len(impact.waived)))} newly waived"
        )
    if impact.silenced:
        counts += (
            f"，因规则关闭不再报告 {style.bold(str(len(impact.silenced)))} 个"
            if zh
            else f", {style.bold(str(len(impact.silenced)))} no longer reported (rule off)"
        )
    lines += [counts + ("。" if zh else "."), ""]
    marks = {Severity.ERROR: "❌", Severity.WARNING: "⚠"}
    lines += _limited(
        [_finding_line(f, marks[f.severity], style, lang) for f in impact.introduced]
        + [
            f"- ✅ {style.strike(style.code(f.rule) + ' ' + style.text(f.message.get(lang)))}"
            for f in impact.fixed
        ]
        + [
            _finding_line(f, "🔕 " + ("已豁免" if zh else "waived"), style, lang)
            for f in impact.waived
        ]
        + [
            _finding_line(f, "🔕 " + ("规则已关闭" if zh else "rule off"), style, lang)
            for f in impact.silenced
        ],
        zh,
    )
    if impact.pages:
        label = "受影响的页面" if zh else "Pages affected"
        lines += [style.heading(f"{label} ({len(impact.pages)})"), ""]
        marks_page = {"added": "+", "removed": "−", "changed": "~"}
        pages = [
            f"- {marks_page[change]} {style.code(_url(path))}"
            for path, change in impact.pages.items()
        ]
        lines += _limited(pages, zh)
    return "\n".join(lines).rstrip() + "\n"


def _limited(items: list[str], zh: bool, more: int | None = None) -> list[str]:
    if not items:
        return []
    if more is None:
        shown = items[:LIMIT]
        more = len(items) - LIMIT
    else:
        shown = items
    if more > 0:
        shown.append(f"- …还有 {more} 项" if zh else f"- … and {more} more")
    return [*shown, ""]


def render_markdown(impact: Impact, lang: str) -> str:
    """One pull-request comment a reviewer can read in a minute: the verdict, then what weakens
    the gate, then the rest. Every policy text is escaped (:func:`markdown_inline`), every id,
    path and value is a code span (:func:`markdown_code`)."""
    return _render(impact, lang, MARKDOWN)


def render_text(impact: Impact, lang: str) -> str:
    """The same report as plain text for a terminal: no Markdown, every value through
    :func:`terminal_text`; text edits as ``[-removed-]{+added+}``."""
    return _render(impact, lang, TEXT)


def _json_value(value: Any) -> Any:
    return None if value is MISSING else value


def to_json(impact: Impact, lang: str = "zh") -> dict[str, Any]:
    """The impact as JSON data."""
    return {
        "base": impact.base,
        "comparable": impact.comparable,
        "verdict": {"errors": impact.errors, "warnings": impact.warnings},
        "unreadable": impact.unreadable,
        "approval": {"role": impact.approver, "reviewers": list(impact.approver_reviewers)}
        if impact.weakening
        else None,
        "weakening": [
            {
                "kind": w.kind,
                "id": w.id,
                "what": w.what,
                "field": w.path,
                "old": _json_value(w.old),
                "new": _json_value(w.new),
            }
            for w in impact.weakening
        ],
        "changes": [
            {
                "kind": c.kind,
                "id": c.id,
                "name": (c.names or Text(c.name, c.name)).get(lang),
                "change": c.change,
                "fields": list(c.fields),
                **({"old_id": c.old_id} if c.old_id is not None else {}),
                "values": [
                    {"field": v.path, "old": _json_value(v.old), "new": _json_value(v.new)}
                    for v in c.values
                ],
            }
            for c in impact.changes
        ],
        "coverage": {
            "before": {"covered": impact.coverage_before[0], "duties": impact.coverage_before[1]},
            "after": {"covered": impact.coverage_after[0], "duties": impact.coverage_after[1]},
        },
        "lost_training": [
            {
                "id": d.id,
                "name": (d.names or Text(d.name, d.name)).get(lang),
                "role": d.role,
                "modules": [{"id": m, "change": how} for m, how in d.causes],
            }
            for d in impact.lost_training
        ],
        "gained_training": [
            {"id": d.id, "name": (d.names or Text(d.name, d.name)).get(lang), "role": d.role}
            for d in impact.gained_training
        ],
        "introduced": [finding_json(f, lang) for f in impact.introduced],
        "fixed": [finding_json(f, lang) for f in impact.fixed],
        "waived": [finding_json(f, lang) for f in impact.waived],
        "silenced": [finding_json(f, lang) for f in impact.silenced],
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
