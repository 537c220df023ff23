"""Characters a reader cannot see: control characters and invisible format characters.

Both come from copying text out of other software or from YAML escapes, and neither is ever
meant in a handbook. Control characters break the outputs themselves (XML cannot hold them), so
the loader refuses them; format characters such as the right-to-left override (U+202E) are valid
text that shows something other than what it holds ("Trojan Source"), so a rule reports them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

from validator.findings import Ref, Severity, Text, escape_pointer_token
from validator.model import Handbook
from validator.rules.registry import Problem, builtin, rule

builtin(
    "yaml-control-character",
    "load",
    """
    文字里没有控制字符。
    Texts hold no control characters.

    双引号里的 YAML 转义（`"\\x01"`、`"\\e"`、`"\\a"`、`"\\0"`）能写出读者看不见的
    控制字符。它们从来不是有意写的，而且工作簿（XML）根本无法保存它们，所以读取文件时就拒绝。
    制表符和换行不算。

    YAML escapes inside double quotes can write control characters nobody can see. They are never
    intended, and the workbook (XML) cannot even hold them, so they are refused while reading.
    Tabs and line breaks are fine. **Fix:** delete the backslash escape.
    """,
)


def _format_character(value: str) -> str | None:
    """The first invisible format character (Unicode category Cf) in ``value``, if any."""
    # Format characters are never "printable", so the common printable text costs one C-level
    # pass; only text with line breaks, unusual spaces or such characters is looked at closely.
    if value.isprintable():
        return None
    return next((char for char in value if unicodedata.category(char) == "Cf"), None)


def _strings(value: Any, pointer: str, in_text: bool) -> Iterator[tuple[str, str, bool]]:
    """Every string in ``value`` with its pointer, and whether it is a reader's {zh, en} text."""
    if isinstance(value, str):
        yield pointer, value, in_text
    elif isinstance(value, dict):
        text = "zh" in value and value.keys() <= {"zh", "en"}
        for key, item in value.items():
            yield from _strings(item, f"{pointer}/{escape_pointer_token(key)}", text)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{pointer}/{index}", False)


def _invisible(handbook: Handbook, texts: bool) -> Iterator[Problem]:
    for path, document in handbook.documents.items():
        if not document.format_characters:
            continue
        for pointer, value, in_text in _strings(document.data, "", False):
            if in_text is not texts:
                continue
            char = _format_character(value)
            if char is None:
                continue
            code = f"U+{ord(char):04X} {unicodedata.name(char, '')}".strip()
            yield Problem(
                Ref(path, pointer),
                Text(
                    f"这里有一个看不见的格式字符 {code}：显示出来的和实际保存的内容不一样"
                    "（从右到左覆盖之类的字符能让文字倒着显示）。",
                    f"There is an invisible format character here, {code}: what is shown differs "
                    "from what is stored (an override can make text display reversed).",
                ),
                Text(
                    "删除这个字符（通常是从网页或聊天软件复制来的）；在编辑器里打开“显示不可见字符”"
                    "可以看到它。",
                    "Delete the character (usually pasted from a web page or a chat); an "
                    "editor's 'show invisible characters' reveals it.",
                ),
            )


@rule("invisible-character", Severity.WARNING, partial=True)
def invisible_character(handbook: Handbook) -> Iterator[Problem]:
    """读者看到的文字里没有看不见的格式字符。
    Texts a reader sees hold no invisible format characters.

    Unicode 的“格式字符”（Cf 类）不显示，却改变显示：从右到左覆盖（U+202A–202E、U+2066–2069）
    能让一段职责倒着显示，审阅的人看到的和发布的不是一回事（“Trojan Source”）；零宽字符
    （U+200B–200F）和文字中间的 U+FEFF 让看起来相同的文字其实不同，搜索就找不到。
    在 `{zh, en}` 文字里是警告（有的语言排版确实需要它们）；在 id、引用和其他字段里见
    `invisible-character-in-id`。

    Unicode format characters (category Cf) are not displayed but change the display: an
    override (U+202A–202E, U+2066–2069) can show a duty reversed, so reviewers approve something
    other than what is published ("Trojan Source"); zero-width characters (U+200B–200F) and a
    U+FEFF inside text make equal-looking texts differ, so search misses them. In `{zh, en}`
    texts this is a warning (some scripts do need them); in ids, references and other fields see
    `invisible-character-in-id`.

    **怎么改 / Fix:** 删除这个字符。Delete the character.
    """
    return _invisible(handbook, texts=True)


@rule("invisible-character-in-id", Severity.ERROR, partial=True)
def invisible_character_in_id(handbook: Handbook) -> Iterator[Problem]:
    """id、引用和其他非正文字段里没有看不见的格式字符。
    Ids, references and other fields that are not reader text hold no invisible format characters.

    id 的写法由 schema 限定，但豁免对象（`target`）、法规条款号等字段是自由文字：一个看不见的
    零宽字符就让两个看起来相同的值不相等，豁免悄悄失效，引用对不上。这里从来不需要格式字符，
    所以是错误。

    Id fields are held to their pattern by the schemas, but a waiver's `target`, article numbers
    and similar fields are free text: one invisible zero-width character makes two equal-looking
    values differ, so a waiver silently stops matching. Such fields never need format
    characters, so this is an error.

    **怎么改 / Fix:** 删除这个字符。Delete the character.
    """
    return _invisible(handbook, texts=False)
