"""Why a YAML file does not parse, said where the editor must change it.

libyaml notices a mistake where it can no longer go on, often lines below its cause, and says
so in parser English. The mistakes editors make most (an unclosed quote, a Tab, the full-width
colon and space a Chinese input method types, a missing colon) are recognised here from the text
around the error, so the finding points at the line to change and names the cause in Chinese
and English.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from validator.findings import Text, clip

# The C scanner when PyYAML has one, like the loader.
_SCANNER: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Cause = tuple[int, int, Text, Text]
"""Where the editor must change the file (1-based line and column), what is wrong, the fix."""

# Tabs and the full-width space (typed by Chinese input methods) in a line's indentation.
_BAD_INDENT = re.compile("^[ ]*([\t\u3000])")
# A key followed by the full-width colon a Chinese input method types instead of ":".
_WIDE_COLON = re.compile(r"^[ ]*(?:-[ ]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ ]*(\uff1a)")
_KEY_WITHOUT_COLON = re.compile(r"^[ ]*(?:-[ ]+)?([A-Za-z_][A-Za-z0-9_.-]*)(?:[ ]+(\S.*?))?[ ]*$")


def diagnose(
    lines: list[str], text: str, noticed: tuple[int, int], opened: tuple[int, int] | None
) -> Cause | None:
    """The cause of a syntax error, read from the lines around it rather than the parser's
    wording (which differs between libyaml and the pure-Python parser, and between versions).

    ``noticed`` is where the parser gave up; ``opened`` where the construct it was reading
    began (a quote, a bracket, a key), when it says.
    """
    if opened is not None and _char(lines, *opened) in ("'", '"'):
        return _unclosed_quote(lines, *opened)
    runaway = _runaway_quote(text, noticed[0])
    if runaway is not None:
        return _unclosed_quote(lines, *runaway)
    # The culprit is on the line the parser noticed or just above it (a simple key starts there).
    first = max(min(opened[0] if opened else noticed[0], noticed[0] - 1), noticed[0] - 3, 1)
    window = range(first, min(noticed[0], len(lines)) + 1)
    for number in window:
        cause = _wide_or_tab(lines[number - 1], number)
        if cause is not None:
            return cause
    for number in sorted(window, key=lambda n: (n != (opened or noticed)[0], n)):
        if _lacks_colon(lines, number):
            return _missing_colon(lines, number)
    return None


def _char(lines: list[str], line: int, column: int) -> str:
    return lines[line - 1][column - 1 : column] if 0 < line <= len(lines) else ""


_KEY_LINE = re.compile(r"^([ ]*(?:-[ ]+)?)[^\s#:][^:]*:(?:[ ]|$)")


def _lacks_colon(lines: list[str], number: int) -> bool:
    """Whether line ``number`` is a key without its colon: "word" or "word value", no ": ",
    at the same indentation as a neighbouring key line (so it is no wrapped text)."""
    source = lines[number - 1]
    found = _KEY_WITHOUT_COLON.match(source)
    if found is None or ": " in source or source.rstrip().endswith(":"):
        return False
    column = found.start(1)
    for step in (-1, 1):
        # The nearest line at this indentation or less, skipping the deeper content of a sibling.
        neighbour = number + step
        while 0 < neighbour <= len(lines):
            other = lines[neighbour - 1]
            content = other.lstrip(" -")
            if content and not content.startswith("#") and len(other) - len(content) <= column:
                key = _KEY_LINE.match(other)
                if key is not None and len(key.group(1)) == column:
                    return True
                break
            neighbour += step
    return False


def _wide_or_tab(source: str, number: int) -> Cause | None:
    indent = _BAD_INDENT.match(source)
    if indent is not None and indent.group(1) == "\t":
        return (
            number,
            indent.start(1) + 1,
            Text(
                "这一行用 Tab 缩进；YAML 的缩进只能用空格。",
                "This line is indented with a tab; YAML indents with spaces only.",
            ),
            Text(
                "把行首的 Tab 换成空格（VS Code：右下角“制表符长度”→“将缩进转换为空格”）。",
                "Replace the tab at the start of the line with spaces (VS Code: click 'Tab "
                "Size' in the status bar → 'Convert Indentation to Spaces').",
            ),
        )
    if indent is not None:
        return (
            number,
            indent.start(1) + 1,
            Text(
                "这一行用全角空格“　”缩进（中文输入法打出的空格）；YAML 只认半角空格。",
                "This line is indented with a full-width space (U+3000, typed by a Chinese "
                "input method); YAML indents with ordinary spaces only.",
            ),
            Text(
                "删除行首的全角空格，切换到英文（半角）输入后再用空格缩进。",
                "Delete the full-width spaces and indent with ordinary spaces (switch the "
                "input method to English first).",
            ),
        )
    colon = _WIDE_COLON.match(source)
    if colon is not None:
        key = clip(colon.group(1))
        return (
            number,
            colon.start(2) + 1,
            Text(
                f"“{key}” 后面是全角冒号“：”（中文输入法打出的冒号）；YAML 只认半角冒号“:”。",
                f"'{key}' is followed by a full-width colon (U+FF1A, typed by a Chinese input "
                "method); YAML needs an ordinary colon ':'.",
            ),
            Text(
                f"把“：”改成英文冒号，后面加一个空格：{key}: …",
                f"Replace it with an ordinary colon followed by a space: {key}: …",
            ),
        )
    return None


def _missing_colon(lines: list[str], line: int) -> Cause:
    found = _KEY_WITHOUT_COLON.match(lines[line - 1])
    assert found is not None  # _lacks_colon matched it
    key, value = clip(found.group(1)), found.group(2)
    example = f"{key}: {clip(value, 20)}" if value else f"{key}: …"
    return (
        line,
        found.start(1) + 1,
        Text(
            f"“{key}” 后面缺少冒号：键和值之间要写“: ”。",
            f"'{key}' is not followed by a colon: write ': ' between the key and the value.",
        ),
        Text(
            f"写成 {example}（冒号后面有一个空格）。", f"Write {example} (a space after the colon)."
        ),
    )


def _unclosed_quote(lines: list[str], line: int, column: int) -> Cause:
    source = lines[line - 1] if line <= len(lines) else ""
    quote = source[column - 1 : column] if source[column - 1 : column] in "\"'" else '"'
    return (
        line,
        column,
        Text(
            f"这一行的引号 {quote} 没有闭合。",
            f"The quote {quote} opened on this line is never closed.",
        ),
        Text(
            f"在这段文字的末尾补上 {quote}（文字里要用引号时，换成中文引号“”）。",
            f"Add the closing {quote} at the end of the text (inside the text, use the other "
            "kind of quote).",
        ),
    )


def _runaway_quote(text: str, noticed: int) -> tuple[int, int] | None:
    """Where a quoted text opens that runs over several lines and ends where the parser
    stopped: an unclosed quote that a later quote character "closed" by accident."""
    found: tuple[int, int] | None = None
    try:
        for token in yaml.scan(text, Loader=_SCANNER):
            start, end = token.start_mark, token.end_mark
            if start.line + 1 > noticed:
                break
            if (
                isinstance(token, yaml.ScalarToken)
                and token.style in ("'", '"')
                and start.line != end.line
                and end.line + 1 in (noticed, noticed - 1)
            ):
                found = (start.line + 1, start.column + 1)
    except yaml.YAMLError:
        pass  # the scanner stops at the same error; the tokens before it are what matters
    return found


OPENERS = frozenset(
    {
        "while scanning a quoted scalar",
        "while parsing a flow sequence",
        "while parsing a flow mapping",
    }
)

_SYNTAX_EXPLANATIONS: tuple[tuple[str, str, str, str], ...] = (
    (
        "mapping values are not allowed",
        "这里不能出现冒号",
        "文字里含有“: ”时，请给整段文字加上引号；否则检查这一行和上一行的缩进。",
        "If the text contains ': ', put the whole text in quotes; otherwise check the "
        "indentation of this line and the one above.",
    ),
    (
        "flow sequence",
        "方括号 [ ] 没有正确闭合",
        "检查这一行的 [ 和 ] 是否成对，元素之间用逗号分隔。",
        "Check that [ and ] pair up and items are separated by commas.",
    ),
    (
        "flow mapping",
        "花括号 { } 没有正确闭合",
        "检查 { 和 } 是否成对，项之间用逗号分隔。",
        "Check that { and } pair up and entries are separated by commas.",
    ),
    (
        "block",
        "缩进不一致",
        "同一层的项要对齐到同一列；检查这一行和上一行的缩进。",
        "Items of one level must start in the same column; check this line's indentation.",
    ),
    (
        "control characters",
        "文件里有不可见的控制字符",
        "删除这些字符（常见于从其他软件复制的文字）。",
        "Delete the characters (often pasted from other software).",
    ),
)


def explain_syntax(problem: str, context: str) -> tuple[str, str, str]:
    """For a syntax error :func:`diagnose` could not place: what it means in Chinese, and the
    fix in Chinese and English, from the parser's own words."""
    both = f"{problem} {context}"
    for needle, zh, hint_zh, hint_en in _SYNTAX_EXPLANATIONS:
        if needle in both:
            return zh, hint_zh, hint_en
    return (
        "这里的写法无法解析",
        "检查这一行及上一行的缩进、冒号和引号。",
        "Check the indentation, colons and quotes on this line and the one above.",
    )
