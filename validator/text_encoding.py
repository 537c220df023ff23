"""Turning a policy file's bytes into text, or saying which encoding they look like.

Chinese editors on Windows often save GBK; some tools write UTF-16 or a byte-order mark; a binary
file may land in `policies/` by mistake. Each gets a finding that names the encoding and how to
save the file as UTF-8. Line separators YAML counts but editors do not (U+2028, U+2029, NEL) are
refused too, since they would shift every later line number.
"""

from __future__ import annotations

import codecs
import re

from validator.findings import Finding, Text, error_at


def position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based (line, column) of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def decode(raw: bytes, path: str) -> str | Finding:
    """Decode UTF-8 (a BOM is fine); otherwise say which encoding the bytes look like."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    wide = _wide_encoding(raw)
    if wide is not None:
        return _encoding_finding(path, 1, wide, wide)
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        return error_at(
            "yaml-encoding",
            path,
            line,
            1,
            Text(
                "文件里有 NUL 字节：这是二进制文件，不是文本。",
                "The file contains NUL bytes: it is binary, not text.",
            ),
            Text(
                "政策文件必须是 UTF-8 文本；请删除这个文件或用文本编辑器重新保存。",
                "Policy files must be UTF-8 text; delete the file or save it again as text.",
            ),
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        zh, en = _guess_encoding(raw)
        return _encoding_finding(path, line, zh, en, column)
    if "\u2028" in text or "\u2029" in text or "\x85" in text:
        separator = _ODD_BREAK.search(text)
        if separator is not None:
            return _odd_break_finding(path, text, separator.start())
    return text


# YAML counts these as line breaks but editors do not, so every later line number would be off.
_ODD_BREAK = re.compile("[\u2028\u2029\x85]")


def _odd_break_finding(path: str, text: str, offset: int) -> Finding:
    line, column = position(text, offset)
    code = f"U+{ord(text[offset]):04X}"
    return error_at(
        "yaml-encoding",
        path,
        line,
        column,
        Text(
            f"这里有一个不常见的换行字符 {code}（常见于从网页复制的文字）；"
            "YAML 把它当作换行，编辑器不会，行号会对不上。",
            f"There is an unusual line-break character {code} here (often pasted from web "
            "pages); YAML treats it as a line break and editors do not, so line numbers "
            "would disagree.",
        ),
        Text(
            "删除这个字符，需要换行时直接按回车。",
            "Delete the character; press Enter where a line break is wanted.",
        ),
    )


def _wide_encoding(raw: bytes) -> str | None:
    """ "UTF-32" or "UTF-16" when the bytes look like either (with or without a BOM)."""
    # The UTF-32-LE BOM begins with the UTF-16-LE one, so UTF-32 is tested first.
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "UTF-32"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16"
    sample = raw[:200]
    if len(sample) < 4:
        return None
    # Text in UTF-32 has two zero bytes in every four (Chinese included); UTF-16 has fewer.
    quarter = len(sample) // 4
    if (
        min(sample[2::4].count(0), sample[3::4].count(0)) > quarter * 3 // 4
        or min(sample[0::4].count(0), sample[1::4].count(0)) > quarter * 3 // 4
    ):
        return "UTF-32"
    if sample[1::2].count(0) > quarter or sample[0::2].count(0) > quarter:
        return "UTF-16"
    return None


def _guess_encoding(raw: bytes) -> tuple[str, str]:
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        return "Latin-1 或 Windows-1252", "Latin-1 or Windows-1252"
    if any("\u4e00" <= char <= "\u9fff" for char in text):
        return (
            "GBK/GB18030（Windows 中文系统常用的编码）",
            "GBK/GB18030 (the usual encoding of Chinese Windows)",
        )
    return "Latin-1 或 Windows-1252", "Latin-1 or Windows-1252"


def _encoding_finding(path: str, line: int, zh: str, en: str, column: int = 1) -> Finding:
    return error_at(
        "yaml-encoding",
        path,
        line,
        column,
        Text(
            f"文件不是 UTF-8 编码，看起来是 {zh}。",
            f"The file is not UTF-8; it looks like {en}.",
        ),
        Text(
            "用 UTF-8 重新保存（VS Code：点右下角的编码 → “通过编码保存” → UTF-8；"
            "记事本：另存为 → 编码选 UTF-8）。",
            "Save it again as UTF-8 (VS Code: click the encoding in the status bar → "
            "'Save with Encoding' → UTF-8).",
        ),
    )
