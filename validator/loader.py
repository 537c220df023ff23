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

import codecs
import errno
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import yaml

from validator.findings import Finding, Location, Severity, Text, escape_pointer_token
from validator.plain_data import BOOL, FLOAT, INT, LARGEST, MAP, NULL, SEQ, STR, Unusual, plain


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
_SHOWN = 60


def clip(text: str, limit: int = _SHOWN) -> str:
    """``text`` cut to ``limit`` characters with "…", so a pasted novel never floods a message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


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


@dataclass
class LoadResult:
    """A document (absent when the file could not be read at all) and the problems found."""

    document: Document | None
    findings: list[Finding]


def _finding(
    rule: str, path: str, line: int, column: int, message: Text, hint: Text | None = None
) -> Finding:
    return Finding(Location(path, line, column), rule, Severity.ERROR, message, hint)


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
                _finding(
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
    return _finding(
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
    return _finding(
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
    return _finding(
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
    decoded = _decode(raw, path)
    if isinstance(decoded, Finding):
        return LoadResult(None, [decoded])
    return load_text(decoded, path, limits)


def load_text(text: str, path: str, limits: Limits = LIMITS) -> LoadResult:
    """Parse the text of one policy file; ``path`` is only used in locations."""
    deep = _absurd_nesting(text)
    if deep is not None:
        line, column = _position(text, deep)
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
                _finding(
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
    format_characters = escaped or FORMAT_CHARACTERS.search(text) is not None
    # Only a file with a "!" can hold a tag, and only an escape (or a raw control character the
    # reader let through) can put a control character into a text; a file with neither takes
    # the fast path unless something in it is unusual.
    tagged = "!" in text
    controls = escaped or _CONTROL.search(text) is not None
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


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


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
            _finding(
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
            _finding(
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
            _finding(
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
            _finding(rule, self.path, mark.line + 1, mark.column + 1, message, hint)
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
    return _finding(
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
    return _finding(
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
        _finding(
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
        return _finding(
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
    cause = _diagnose(_lines(text), text, (line, column), opened_at)
    english = problem if not context else f"{context}: {problem}"
    if cause is None:
        zh, hint_zh, hint_en = _explain_syntax(problem, str(context))
        if opened_at is not None and context in _OPENERS:
            # An unclosed bracket is noticed far below; the editor needs where it opens.
            line, column = opened_at
        return _finding(
            "yaml-syntax",
            path,
            line,
            column,
            Text(f"YAML 语法错误：{zh}。", f"YAML syntax error: {english}."),
            Text(hint_zh, hint_en),
        )
    return _finding("yaml-syntax", path, *cause)


_Cause = tuple[int, int, Text, Text]
"""Where the editor must change the file (1-based line and column), what is wrong, the fix."""

# Tabs and the full-width space (typed by Chinese input methods) in a line's indentation.
_BAD_INDENT = re.compile("^[ ]*([\t\u3000])")
# A key followed by the full-width colon a Chinese input method types instead of ":".
_WIDE_COLON = re.compile(r"^[ ]*(?:-[ ]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ ]*(\uff1a)")
_KEY_WITHOUT_COLON = re.compile(r"^[ ]*(?:-[ ]+)?([A-Za-z_][A-Za-z0-9_.-]*)(?:[ ]+(\S.*?))?[ ]*$")


def _diagnose(
    lines: list[str], text: str, noticed: tuple[int, int], opened: tuple[int, int] | None
) -> _Cause | None:
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


def _wide_or_tab(source: str, number: int) -> _Cause | None:
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


def _missing_colon(lines: list[str], line: int) -> _Cause:
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


def _unclosed_quote(lines: list[str], line: int, column: int) -> _Cause:
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
        for token in yaml.scan(text, Loader=_BaseLoader):
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


_OPENERS = frozenset(
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


def _explain_syntax(problem: str, context: str) -> tuple[str, str, str]:
    both = f"{problem} {context}"
    for needle, zh, hint_zh, hint_en in _SYNTAX_EXPLANATIONS:
        if needle in both:
            return zh, hint_zh, hint_en
    return (
        "这里的写法无法解析",
        "检查这一行及上一行的缩进、冒号和引号。",
        "Check the indentation, colons and quotes on this line and the one above.",
    )


def _decode(raw: bytes, path: str) -> str | Finding:
    """Decode UTF-8 (a BOM is fine); otherwise say which encoding the bytes look like."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    wide = _wide_encoding(raw)
    if wide is not None:
        return _encoding_finding(path, 1, wide, wide)
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        return _finding(
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
    line, column = _position(text, offset)
    code = f"U+{ord(text[offset]):04X}"
    return _finding(
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
    return _finding(
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
