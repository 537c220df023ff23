"""Safe, located YAML loading.

Each policy file is parsed once (libyaml when available, the pure-Python parser otherwise) into
plain ``dict``/``list``/``str`` data plus an index from JSON pointer to (line, column), so any later
stage can report a finding at the exact place in the file.

The loader is the trust boundary of the project: a pull request can contain any bytes, so nothing
here may raise, run code, or take more than bounded time and memory. Every problem becomes a
:class:`~validator.findings.Finding`:

* bytes that are not UTF-8 (we say which encoding they look like: Chinese editors on Windows often
  save GBK), NUL bytes, files over :data:`LIMITS.max_bytes`;
* syntax errors, several documents in one file, an empty file;
* tags (``!!python/object/apply``, ``!include``), anchors and aliases (refused outright: an alias
  "billion laughs" file is 500 bytes that expand to gigabytes in whatever walks the data);
* duplicate keys (PyYAML silently keeps the last), keys that are not text, nesting deeper than
  :data:`LIMITS.max_depth`, more than :data:`LIMITS.max_nodes` values.

Scalars follow YAML 1.2's core schema, so YAML 1.1 traps do not silently change meaning:
``no``/``on``/``yes``/``off`` stay text, ``12:30`` is not 750, ``0755`` is not 493 (it stays the
text ``"0755"``), and dates stay text for JSON Schema's ``format: date`` to check.
"""

from __future__ import annotations

import errno
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import yaml

from validator.findings import (
    Finding,
    Location,
    Severity,
    Text,
    clip,
    error_at,
    escape_pointer_token,
)
from validator.plain_data import BOOL, FLOAT, INT, LARGEST, MAP, NULL, SEQ, STR, Unusual, plain
from validator.syntax_diagnosis import OPENERS, diagnose, explain_syntax
from validator.text_encoding import decode, position


@dataclass(frozen=True)
class Limits:
    """Bounds on one policy file. Real policy files are far below all of them."""

    max_bytes: int = 2 * 1024 * 1024
    max_depth: int = 32
    max_nodes: int = 200_000


LIMITS = Limits()

_STR, _INT, _FLOAT, _BOOL, _NULL, _MAP, _SEQ = STR, INT, FLOAT, BOOL, NULL, MAP, SEQ

_BaseLoader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_BOOL_WORDS = frozenset({"true", "True", "TRUE", "false", "False", "FALSE"})
_NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})
# Leading zeros are deliberately not numbers: "0755" stays text rather than becoming 755 or 493.
_INT_PATTERN = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT_PATTERN = re.compile(
    r"[-+]?(?:(?:0|[1-9][0-9]*)\.[0-9]+(?:[eE][-+]?[0-9]+)?|\.inf|\.Inf|\.INF)"
    r"|\.nan|\.NaN|\.NAN"
)
_NOT_A_NUMBER = re.compile(r"[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)")
_LARGEST = LARGEST

_NUMBER_START = frozenset("-+0123456789.")


class _CoreSchemaLoader(_BaseLoader):  # type: ignore[misc]
    """Resolves plain scalars by YAML 1.2's core schema instead of PyYAML's YAML 1.1 rules.

    The parser asks for a tag once per value, so this replaces PyYAML's general resolver (a
    dictionary of regular expressions per first character, plus path-resolver bookkeeping that
    policy files never use) with a few direct tests.
    """

    yaml_implicit_resolvers: ClassVar[dict[str | None, list[tuple[str, re.Pattern[str]]]]] = {}

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is not yaml.ScalarNode:
            return _SEQ if kind is yaml.SequenceNode else _MAP
        if not implicit[0]:
            return _STR
        if value in _NULL_WORDS:
            return _NULL
        if value in _BOOL_WORDS:
            return _BOOL
        if value[0] in _NUMBER_START:
            if _INT_PATTERN.fullmatch(value):
                return _INT
            if _FLOAT_PATTERN.fullmatch(value):
                return _FLOAT
        return _STR

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


@dataclass
class Document:
    """One parsed policy file: plain data plus where each value sits in the file."""

    path: str
    """Path relative to the repository root, with forward slashes."""
    data: Any
    known_marks: dict[str, tuple[int, int]] | None = field(default=None, repr=False)
    """The positions, once worked out (see :attr:`marks`)."""
    first_line: str = ""
    """The file's first line as written (editors read a schema modeline there)."""
    format_characters: bool = False
    """Whether the text may hold an invisible format character (one written as is, or a
    backslash that could escape one); most files cannot, so the rule that locates them only
    walks the few that may."""
    text: str = field(default="", repr=False)
    """The file's text, from which positions are worked out when first needed."""

    @property
    def marks(self) -> dict[str, tuple[int, int]]:
        """JSON pointer → 1-based (line, column) of the value's key (or of the item, in a list).

        An ordinary file is loaded without positions (most files never need one); they are
        worked out from the text the first time a finding or a page asks.
        """
        if self.known_marks is None:
            self.known_marks = _marks_of(self.text, self.path)
        return self.known_marks

    def locate(self, pointer: str = "") -> Location:
        """The location of ``pointer``, or of its nearest ancestor that is in the file."""
        probe = pointer
        while probe not in self.marks and probe:
            probe = probe.rsplit("/", 1)[0]
        line, column = self.marks.get(probe, (1, 1))
        return Location(self.path, line, column, pointer)


ParsedFields = tuple[Any, dict[str, tuple[int, int]] | None, str, bool]
"""What parsing gave beyond the file's path and text, as plain data (to keep it, or to send it
to another process): data, known positions, first line, whether a format character may hide."""


def parsed_fields(document: Document) -> ParsedFields:
    """The :data:`ParsedFields` of ``document`` (:func:`parsed_document` reverses it)."""
    return (document.data, document.known_marks, document.first_line, document.format_characters)


def parsed_document(path: str, fields: ParsedFields, text: str) -> Document:
    """The document of ``path`` that parsing ``text`` gave ``fields``."""
    data, marks, first_line, format_characters = fields
    return Document(path, data, marks, first_line, format_characters, text)


@dataclass
class LoadResult:
    """A document (absent when the file could not be read at all) and the problems found."""

    document: Document | None
    findings: list[Finding]


def load_file(file: Path, display_path: str, limits: Limits = LIMITS) -> LoadResult:
    """Read and parse one policy file; every problem is returned as a finding."""
    try:
        status = file.stat()
        if not stat.S_ISREG(status.st_mode):
            # Opening a FIFO blocks until someone writes to it; never open anything but a file.
            return LoadResult(None, [_not_a_file(display_path)])
        size = status.st_size
        if size > limits.max_bytes:
            return LoadResult(None, [_too_large(display_path, size, limits)])
        with file.open("rb") as stream:
            raw = stream.read(limits.max_bytes + 1)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return LoadResult(None, [link_loop(display_path)])
        reason = error.strerror or type(error).__name__
        return LoadResult(
            None,
            [
                error_at(
                    "file-unreadable",
                    display_path,
                    1,
                    1,
                    Text(f"无法读取此文件：{reason}。", f"The file cannot be read: {reason}."),
                    Text(
                        "检查文件权限，或确认它不是指向仓库外的链接。",
                        "Check the file's permissions, or that it is not a link out of the "
                        "repository.",
                    ),
                )
            ],
        )
    return load_bytes(raw, display_path, limits)


def link_loop(path: str) -> Finding:
    """The finding for a symbolic link that leads back to itself."""
    return error_at(
        "file-unreadable",
        path,
        1,
        1,
        Text(
            "这是一个循环的符号链接：它最终又指回自己，永远找不到真正的文件。",
            "This symbolic link is a loop: it leads back to itself and never reaches a file.",
        ),
        Text(
            "删除这个链接，把真实文件放进仓库。",
            "Delete the link and commit the real file in its place.",
        ),
    )


def _not_a_file(path: str) -> Finding:
    return error_at(
        "file-unreadable",
        path,
        1,
        1,
        Text(
            "这不是普通文件（可能是管道、套接字或设备），校验器不会读取它。",
            "This is not a regular file (a pipe, socket or device); it is not read.",
        ),
        Text("删除它，换成普通的 YAML 文件。", "Remove it and use a plain YAML file."),
    )


def _too_large(path: str, size: int, limits: Limits) -> Finding:
    return error_at(
        "yaml-too-large",
        path,
        1,
        1,
        Text(
            f"文件有 {size} 字节，超过上限 {limits.max_bytes} 字节。",
            f"The file has {size} bytes, over the limit of {limits.max_bytes} bytes.",
        ),
        Text(
            "把内容拆分成几个文件（例如每个岗位一个文件）。",
            "Split the content into several files (for example one file per role).",
        ),
    )


def load_bytes(raw: bytes, path: str, limits: Limits = LIMITS) -> LoadResult:
    """Parse the bytes of one policy file; ``path`` is only used in locations."""
    if len(raw) > limits.max_bytes:
        return LoadResult(None, [_too_large(path, len(raw), limits)])
    decoded = decode(raw, path)
    if isinstance(decoded, Finding):
        return LoadResult(None, [decoded])
    return load_text(decoded, path, limits)


def load_text(text: str, path: str, limits: Limits = LIMITS) -> LoadResult:
    """Parse the text of one policy file; ``path`` is only used in locations."""
    deep = _absurd_nesting(text)
    if deep is not None:
        line, column = position(text, deep)
        return LoadResult(None, [_too_deep(path, line, column, limits)])
    # A document without "&" cannot define an anchor, so it cannot contain an alias either;
    # only such rare files pay for the event scan that locates anchors precisely.
    if "&" in text:
        refused = _find_anchors(text, path)
        if refused:
            return LoadResult(None, refused)
    loader = _CoreSchemaLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as error:
        return LoadResult(None, [_syntax_finding(error, path, text)])
    except RecursionError:
        return LoadResult(None, [_too_deep(path, 1, 1, limits)])
    finally:
        loader.dispose()
    if node is None:
        return LoadResult(
            None,
            [
                error_at(
                    "yaml-empty",
                    path,
                    1,
                    1,
                    Text(
                        "文件是空的（或只有注释）。", "The file is empty (or holds only comments)."
                    ),
                    Text(
                        "写入内容，或者删除这个文件。",
                        "Add the content, or delete the file.",
                    ),
                )
            ],
        )
    first = _FIRST_LINE.match(text)
    first_line = first.group() if first else ""
    # A double-quoted escape ("\u202e") can write one the raw text does not show.
    escaped = "\\" in text
    # One pass over the text rules out both kinds of unusual character in nearly every file;
    # only a file it flags pays for the two precise searches.
    suspect = _SUSPECT.search(text) is not None
    format_characters = escaped or (suspect and FORMAT_CHARACTERS.search(text) is not None)
    # Only a file with a "!" can hold a tag, and only an escape (or a raw control character the
    # reader let through) can put a control character into a text; a file with neither takes
    # the fast path unless something in it is unusual.
    tagged = "!" in text
    controls = escaped or (suspect and _CONTROL.search(text) is not None)
    if not tagged and not controls:
        try:
            data = plain(node, limits.max_depth, limits.max_nodes)
        except Unusual:
            pass
        else:
            return LoadResult(Document(path, data, None, first_line, format_characters, text), [])
    builder = _Builder(path, limits, _lines(text) if tagged else [], controls)
    data = builder.build(node)
    return LoadResult(
        Document(path, data, builder.marks, first_line, format_characters, text),
        builder.findings,
    )


def _marks_of(text: str, path: str) -> dict[str, tuple[int, int]]:
    """The positions of a file the fast path loaded (so it parses and builds without a problem)."""
    loader = _CoreSchemaLoader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if node is None:
        return {"": (1, 1)}
    # The fast path already held the file to the run's limits; these only must not stop short.
    builder = _Builder(path, Limits(max_depth=2**31, max_nodes=2**62), [], False)
    builder.build(node)
    return builder.marks


_FIRST_LINE = re.compile(r"[^\r\n]*")
FORMAT_CHARACTERS = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]"
)
"""Every Unicode format character (category Cf): one C-level pass tells whether a file has any."""
_SUSPECT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891"
    "\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff"
    "\ufff9-\uffff\U00010000-\U0010ffff]"
)
"""Every character :data:`FORMAT_CHARACTERS` or ``_CONTROL`` finds, and any beyond the Basic
Multilingual Plane: one class of ranges is searched about four times faster than the format
characters' own, whose scattered supplementary-plane members slow every character's test."""


# Parsers recurse per nesting level; some libyaml builds crash (not raise) tens of thousands of
# levels down. Refuse absurd nesting before parsing; the precise bound is checked while building.
_PARSER_GUARD = 256
_BRACKET = re.compile(r"[\[\]{}]")
_DEEP_LINE = re.compile(r"^(?: {512,}|(?:-[ \t]+){128,})\S", re.MULTILINE)
_DEEP_HINTS = (" " * 512, "- " * 128, "-\t" * 128)


def _absurd_nesting(text: str) -> int | None:
    """Offset where nesting goes beyond any parser's comfort, or ``None``."""
    if text.count("[") + text.count("{") > _PARSER_GUARD:
        depth = 0
        for bracket in _BRACKET.finditer(text):
            if bracket.group() in "[{":
                depth += 1
                if depth > _PARSER_GUARD:
                    return bracket.start()
            else:
                depth = max(0, depth - 1)
    if not any(hint in text for hint in _DEEP_HINTS):  # a substring test is far cheaper
        return None
    deep = _DEEP_LINE.search(text)
    return None if deep is None else deep.start()


def _lines(text: str) -> list[str]:
    """The file's lines as YAML counts them (CRLF and CR are line breaks too)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if text.endswith(("\n", "\r")) and len(lines) > 1:
        lines.pop()
    return lines


def _clamp(text: str, line: int, column: int) -> tuple[int, int]:
    """Keep a position inside the file: at end of input the parser points past the last line."""
    lines = _lines(text)
    if line > len(lines):
        return len(lines), len(lines[-1]) + 1
    return line, column


class _Builder:
    """Turns a composed node tree into plain data while recording each value's position."""

    def __init__(self, path: str, limits: Limits, lines: list[str], controls: bool) -> None:
        self.path = path
        self.limits = limits
        self.lines = lines
        """The file's lines when it may hold an explicit tag, else empty."""
        self.controls = controls
        """Whether some text may hold a control character."""
        self.marks: dict[str, tuple[int, int]] = {"": (1, 1)}
        self.findings: list[Finding] = []
        self.nodes = 0
        self.stopped = False

    def build(self, root: yaml.Node) -> Any:
        return self._value(root, "", 0)

    def _value(self, node: yaml.Node, pointer: str, depth: int) -> Any:
        self.nodes += 1
        if self.stopped:
            return None
        if self.nodes > self.limits.max_nodes:
            self._stop(
                "yaml-too-large",
                node,
                Text(
                    f"文件包含超过 {self.limits.max_nodes} 个值，超过上限。",
                    f"The file holds more than {self.limits.max_nodes} values, over the limit.",
                ),
                Text("把内容拆分成几个文件。", "Split the content into several files."),
            )
            return None
        if depth > self.limits.max_depth:
            self.stopped = True
            mark = node.start_mark
            self.findings.append(_too_deep(self.path, mark.line + 1, mark.column + 1, self.limits))
            return None
        tag = node.tag
        if self.lines and self._tagged(node):
            # "!!str 12" or a bare "!" resolve to ordinary tags, so only the text tells them apart.
            return self._bad_tag(node)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, tag)
        if isinstance(node, yaml.MappingNode):
            if tag != _MAP:
                return self._bad_tag(node)
            return self._mapping(node, pointer, depth)
        if isinstance(node, yaml.SequenceNode):
            if tag != _SEQ:
                return self._bad_tag(node)
            items: list[Any] = []
            for index, item in enumerate(node.value):
                child = f"{pointer}/{index}"
                mark = item.start_mark
                self.marks[child] = (mark.line + 1, mark.column + 1)
                items.append(self._value(item, child, depth + 1))
            return items
        return None  # pragma: no cover - the composer only makes the three node kinds

    def _mapping(self, node: yaml.MappingNode, pointer: str, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, tuple[int, int]] = {}
        for key_node, value_node in node.value:
            mark = key_node.start_mark
            position = (mark.line + 1, mark.column + 1)
            if self.lines and self._tagged(key_node):
                self._bad_tag(key_node)
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                self._bad_key(key_node, position)
                continue
            key = key_node.value
            if key in first_seen:
                first = first_seen[key]
                shown = clip(key)
                self.findings.append(
                    Finding(
                        Location(self.path, *position, pointer=f"{pointer}/{key}"),
                        "yaml-duplicate-key",
                        Severity.ERROR,
                        Text(
                            f"键 “{shown}” 重复出现；第一次出现在第 {first[0]} 行。"
                            "YAML 会悄悄丢掉其中一个值。",
                            f"The key '{shown}' appears twice; first on line {first[0]}. "
                            "YAML would silently drop one of the values.",
                        ),
                        Text(
                            "删除多余的那一个，或把两处内容合并。",
                            "Delete one of them, or merge the two.",
                        ),
                        related=(Location(self.path, *first, pointer=f"{pointer}/{key}"),),
                    )
                )
                continue
            first_seen[key] = position
            token = escape_pointer_token(key) if ("/" in key or "~" in key) else key
            child = f"{pointer}/{token}"
            self.marks[child] = position
            result[key] = self._value(value_node, child, depth + 1)
        return result

    def _tagged(self, node: yaml.Node) -> bool:
        """Whether the node is written with an explicit tag (it starts with "!")."""
        mark = node.start_mark
        if mark.line >= len(self.lines):
            return False
        return self.lines[mark.line][mark.column : mark.column + 1] == "!"

    def _scalar(self, node: yaml.ScalarNode, tag: str) -> Any:
        value: str = node.value
        if tag == _STR:
            if self.controls:
                refused = _control_character(self.path, node)
                if refused is not None:
                    self.findings.append(refused)
            return value
        if tag == _INT:
            digits = value.lstrip("+-")
            # int() of thousands of digits is slow (and refused past 4,300): judge by length first.
            if len(digits) > 16 or abs(int(value)) > _LARGEST:
                return self._bad_number(node, too_large=True)
            return int(value)
        if tag == _FLOAT:
            if _NOT_A_NUMBER.fullmatch(value):
                return self._bad_number(node, too_large=False)
            number = float(value)
            if abs(number) > _LARGEST:
                return self._bad_number(node, too_large=True)
            return number
        if tag == _BOOL and value.lower() in {"true", "false"}:
            return value.lower() == "true"
        if tag == _NULL and value in {"", "~", "null", "Null", "NULL"}:
            return None
        return self._bad_tag(node)

    def _bad_number(self, node: yaml.ScalarNode, *, too_large: bool) -> None:
        mark = node.start_mark
        shown = clip(node.value)
        if too_large:
            digits = node.value.lstrip("+-")
            count_zh, count_en = (
                (f"（共 {len(digits)} 位）", f" ({len(digits)} digits)")
                if digits.isdigit()
                else ("", "")
            )
            message = Text(
                f"数字 {shown}{count_zh} 太大了，政策文件里的数字不会这么大。",
                f"The number {shown}{count_en} is too large for a policy file.",
            )
        else:
            message = Text(
                f"“{shown}” 不是一个数：YAML 把它读成无穷大或“非数”(NaN)。",
                f"'{shown}' is not a number: YAML reads it as infinity or not-a-number (NaN).",
            )
        self.findings.append(
            error_at(
                "yaml-number",
                self.path,
                mark.line + 1,
                mark.column + 1,
                message,
                Text(
                    "写一个具体的数字，例如 4 或 1.5；如果它本来是文字，给它加上引号。",
                    "Write an actual number such as 4 or 1.5; if it is meant as text, put it "
                    "in quotes.",
                ),
            )
        )

    def _bad_tag(self, node: yaml.Node) -> None:
        mark = node.start_mark
        tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
        if mark.line < len(self.lines):
            written = re.match(r"!\S*", self.lines[mark.line][mark.column :])
            tag = clip(written.group()) if written else tag
        self.findings.append(
            error_at(
                "yaml-tag",
                self.path,
                mark.line + 1,
                mark.column + 1,
                Text(
                    f"不允许使用 YAML 标签 “{tag}”：政策文件只能包含文字、数字、列表和映射。",
                    f"The YAML tag '{tag}' is not allowed: policy files hold only text, "
                    "numbers, lists and mappings.",
                ),
                Text(
                    "删除标签（以 ! 开头的部分）；要写文字时给它加上引号。",
                    "Remove the tag (the part starting with '!'); quote the value if it is text.",
                ),
            )
        )
        return None

    def _bad_key(self, key_node: yaml.Node, position: tuple[int, int]) -> None:
        shown = clip(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "…"
        self.findings.append(
            error_at(
                "yaml-key-type",
                self.path,
                *position,
                Text(
                    f"键 “{shown}” 不是文字（YAML 把它读成了数字、布尔值、空值或集合）。",
                    f"The key '{shown}' is not text (YAML reads it as a number, boolean, "
                    "null or collection).",
                ),
                Text(
                    f'给键加上引号，例如 "{shown}":，或者换一个键名。',
                    f'Quote the key, e.g. "{shown}":, or use another name.',
                ),
            )
        )

    def _stop(self, rule: str, node: yaml.Node, message: Text, hint: Text) -> None:
        self.stopped = True
        mark = node.start_mark
        self.findings.append(
            error_at(rule, self.path, mark.line + 1, mark.column + 1, message, hint)
        )


# What YAML escapes ("\x01", "\e", "\0", "\ud800") can put into text that no reader means:
# C0 and C1 controls other than tab and line breaks, lone surrogates and non-characters. Neither
# XML (the workbook) nor UTF-8 (every other output) can carry all of them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _control_character(path: str, node: yaml.ScalarNode) -> Finding | None:
    """A finding when a text holds a control character, which only an escape can write."""
    found = _CONTROL.search(node.value)
    if found is None:
        return None
    code = f"U+{ord(found.group()):04X}"
    mark = node.start_mark
    return error_at(
        "yaml-control-character",
        path,
        mark.line + 1,
        mark.column + 1,
        Text(
            f"文字里有不可见的控制字符 {code}（由 \\x01、\\e、\\0 之类的转义写成）。",
            f"The text holds the invisible control character {code} (written with an escape "
            "such as \\x01, \\e or \\0).",
        ),
        Text(
            "删除引号里以反斜杠 \\ 开头的转义；需要换行时直接换行。",
            "Delete the backslash escape inside the quotes; to break a line, just break it.",
        ),
    )


def _too_deep(path: str, line: int, column: int, limits: Limits) -> Finding:
    return error_at(
        "yaml-too-deep",
        path,
        line,
        column,
        Text(
            f"嵌套层数超过上限 {limits.max_depth}。",
            f"The nesting is deeper than the limit of {limits.max_depth} levels.",
        ),
        Text(
            "政策文件只需要几层缩进；检查是否有多余的缩进或括号。",
            "Policy files need only a few levels; look for stray indentation or brackets.",
        ),
    )


def _find_anchors(text: str, path: str) -> list[Finding]:
    """One finding at the first anchor (``&name``) or alias (``*name``), counting the rest.

    Found from the event stream, which never expands an alias, so even a "billion laughs" file
    costs one linear pass.
    """
    first: yaml.Event | None = None
    count = 0
    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if getattr(event, "anchor", None) is not None and event.start_mark is not None:
                first = first or event
                count += 1
    except yaml.YAMLError:
        pass  # the main parse reports the syntax error with its position
    if first is None:
        return []
    alias = isinstance(first, yaml.AliasEvent)
    kind, kind_en = ("别名", "alias") if alias else ("锚点", "anchor")
    anchor = first.anchor  # type: ignore[attr-defined]
    more_zh = f"（文件中共有 {count} 处锚点或别名）" if count > 1 else ""
    more_en = f" ({count} anchors and aliases in the file)" if count > 1 else ""
    mark = first.start_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return [
        error_at(
            "yaml-alias",
            path,
            line,
            column,
            Text(
                f"政策文件不允许使用 YAML {kind}（“{anchor}”）{more_zh}。",
                f"YAML {kind_en}s ('{anchor}') are not allowed in policy files{more_en}.",
            ),
            Text(
                "把被引用的内容直接写出来；需要共用的内容请用 id 引用。",
                "Write the content out in full; refer to shared things by their id.",
            ),
        )
    ]


def _syntax_finding(error: yaml.YAMLError, path: str, text: str) -> Finding:
    problem = str(getattr(error, "problem", None) or getattr(error, "reason", None) or error)
    context = getattr(error, "context", None)
    mark = getattr(error, "problem_mark", None)
    if "maximum nesting depth" in problem and mark is not None:
        return _too_deep(path, mark.line + 1, mark.column + 1, LIMITS)
    opened = getattr(error, "context_mark", None)
    if mark is not None:
        line, column = mark.line + 1, mark.column + 1
    elif isinstance(getattr(error, "position", None), int):
        # The reader reports a character offset instead of a mark.
        offset = min(error.position, len(text))  # type: ignore[attr-defined]
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    else:
        line, column = 1, 1
    line, column = _clamp(text, line, column)
    if "expected a single document" in str(context) or "another document" in problem:
        return error_at(
            "yaml-multi-document",
            path,
            line,
            column,
            Text(
                "一个文件里有多个 YAML 文档（出现了 --- 分隔线）。",
                "The file holds several YAML documents (a '---' separator).",
            ),
            Text(
                "每个文件只写一个文档：删除 ---，或把后面的内容移到新文件。",
                "Keep one document per file: remove the '---' or move the rest to a new file.",
            ),
        )
    opened_at = (opened.line + 1, opened.column + 1) if opened is not None else None
    cause = diagnose(_lines(text), text, (line, column), opened_at)
    english = problem if not context else f"{context}: {problem}"
    if cause is None:
        zh, hint_zh, hint_en = explain_syntax(problem, str(context))
        if opened_at is not None and context in OPENERS:
            # An unclosed bracket is noticed far below; the editor needs where it opens.
            line, column = opened_at
        return error_at(
            "yaml-syntax",
            path,
            line,
            column,
            Text(f"YAML 语法错误：{zh}。", f"YAML syntax error: {english}."),
            Text(hint_zh, hint_en),
        )
    return error_at("yaml-syntax", path, *cause)
