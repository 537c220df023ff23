"""Rules that keep the editor's help right: VS Code checks each file against the schema its
first line names, so that line must name the right one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePosixPath

from validator.findings import Ref, Severity, Text, clip
from validator.model import Handbook
from validator.policies import kind_of
from validator.rules.registry import Problem, rule

_MODELINE = re.compile(r"#\s*yaml-language-server\s*:\s*\$schema=(\S*)\s*")


def expected_modeline(path: str, schema: str) -> str:
    """The first line a policy file at ``path`` (repository-relative) checked by ``schema`` should
    have: the schema in ``schemas/`` at the repository root, by a path relative to the file."""
    depth = len(PurePosixPath(path).parts) - 1
    return f"# yaml-language-server: $schema={'../' * depth}schemas/{schema}"


@rule("schema-modeline", Severity.WARNING, partial=True)
def schema_modeline(handbook: Handbook) -> Iterator[Problem]:
    """每个文件的第一行写明它的 schema，编辑器才能给出正确的提示。
    Each file's first line names its schema, so the editor's help is right.

    VS Code（YAML 插件）按第一行的 `# yaml-language-server: $schema=…` 检查文件、给出补全和
    悬停说明。这一行缺失时编辑器什么也不提示；指向别的类型的 schema 时会显示一堆错误的报错；
    `../` 的层数不对时会显示“无法加载架构”。消息给出这个文件第一行应该写的内容。

    只要仓库里有一个政策文件写了这一行，所有政策文件都要写（没有使用编辑器提示的仓库不受影响）。

    VS Code's YAML extension checks a file, completes and explains it by the schema its first
    line names (`# yaml-language-server: $schema=…`). Without the line the editor says nothing;
    with another kind's schema it shows a screen of false errors; with the wrong number of `../`
    it cannot load the schema at all. The message gives the exact line to write. Once any policy
    file carries the line, every one must (a repository that does not use it is left alone).

    **怎么改 / Fix:** 把第一行改成消息给出的那一行（复制一个文件做新文件时最容易出错）。
    Make the first line the one the message gives (copied files are the usual cause).
    """
    lines = {path: document.first_line for path, document in handbook.documents.items()}
    if not any(_MODELINE.match(line) for line in lines.values()):
        return
    for path, first in lines.items():
        kind = kind_of(PurePosixPath(path).relative_to("policies"), handbook.kinds)
        if kind is None or kind.schema is None:
            continue
        wanted = expected_modeline(path, kind.schema)
        written = _MODELINE.match(first)
        if written is not None and written.group(1) == wanted.rsplit("=", 1)[1]:
            continue
        yield Problem(Ref(path), *_explain(written, wanted))


def _explain(written: re.Match[str] | None, wanted: str) -> tuple[Text, Text]:
    fix = Text(f"把第 1 行写成：{wanted}", f"Make line 1: {wanted}")
    if written is None:
        return (
            Text(
                "第 1 行不是 schema 说明行（# yaml-language-server: …）；没有它，VS Code "
                "不会提示这个文件里的错误。",
                "Line 1 does not name the schema (# yaml-language-server: …); without it VS "
                "Code will not point out mistakes in this file.",
            ),
            Text(f"在文件最前面加一行：{wanted}", f"Add this as the first line: {wanted}"),
        )
    given = clip(written.group(1))
    if PurePosixPath(given).name != PurePosixPath(wanted.rsplit("=", 1)[1]).name:
        return (
            Text(
                f"第 1 行指向 {given}，那是另一类文件的 schema；VS Code 会按它报出不相干的错误。",
                f"Line 1 names {given}, the schema of another kind of file; VS Code would "
                "report unrelated errors.",
            ),
            fix,
        )
    return (
        Text(
            f"第 1 行的 schema 路径 {given} 不对（../ 的层数不对），VS Code 找不到这个 schema。",
            f"The schema path {given} on line 1 is wrong (the number of '../'), so VS Code "
            "cannot find the schema.",
        ),
        fix,
    )
