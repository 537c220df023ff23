"""The 变更记录 page: per handbook version, what was added, removed or changed, by meaning."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from validator.field_labels import field_label
from validator.render.markup import esc

if TYPE_CHECKING:  # the comparison itself renders pages: import its types only
    from validator.diff import Change
    from validator.versions import Entry

CHANGE_WORDS = {"added": "新增", "removed": "删除", "renamed": "改名", "changed": "修改"}


def changelog_page(entries: list[Entry] | None) -> str:
    """The change log; ``None`` when the site was built without git history."""
    lines = ["# 变更记录", ""]
    if not entries:
        lines += [
            "这次生成网站时没有找到手册的 git 历史（或者手册只有一个还没有修改过的版本），"
            "所以这里没有可以列出的变更。从 git 仓库生成网站时，这一页会按版本列出新增、"
            "删除和修改的内容。",
            "",
        ]
        return "\n".join(lines)
    lines += [
        "每个手册版本相对于上一个版本新增、删除和修改了什么（按内容比较，与拉取请求的影响报告"
        "用同一种比较）。",
        "",
    ]
    for entry in entries:
        if entry.until is None:
            heading = f"版本 {esc(entry.since.name)}（{entry.since.date} 起，至今）"
        else:
            heading = (
                f"版本 {esc(entry.since.name)} → {esc(entry.until.name)}（{entry.until.date}）"
            )
        lines += [f"## {heading}", ""]
        if entry.since.partial:
            lines += [
                f"这个版本更早的修订用的是旧的文件格式，这里从 {entry.since.date} 的修订"
                f"（<code>{esc(entry.since.commit[:7])}</code>）开始比较。",
                "",
            ]
        lines += _changes(entry.impact.changes)
    return "\n".join(lines)


def _changes(changes: list[Change]) -> list[str]:
    if not changes:
        return ["没有内容上的变更。", ""]
    counts: dict[str, int] = defaultdict(int)
    for change in changes:
        counts[change.change] += 1
    summary = "，".join(
        f"{CHANGE_WORDS[word]} {counts[word]} 项" for word in CHANGE_WORDS if counts[word]
    )
    lines = [f"共{summary}。", ""]
    for change in changes:
        word = CHANGE_WORDS.get(change.change, change.change)
        what = f"{esc(change.label.zh)}：{esc(change.name)}"
        if change.change == "renamed" and change.old_id:
            what += f"（原 <code>{esc(change.old_id)}</code>）"
        if change.change == "changed" and change.fields:
            what += "（" + "、".join(esc(field_label(f)) for f in change.fields) + "）"
        lines.append(f"- **{word}** {what}")
    return [*lines, ""]
