"""One escaping function per output target: every text taken from the policy data passes through
the function for the place it is written to.

Policy texts, keys and file names come from a pull request, so they are hostile until escaped. The
rule of this module is that escaping keeps the text readable (a reader sees what the editor wrote)
and makes it inert (nothing in it acts as markup, a link, a mention, a formula or a terminal
command). Invisible characters that could change what a reader sees (control characters, bidi
overrides) are shown as visible escapes such as ``\\x1b`` or ``\\u202e``.

=====================  ==========================================================================
target                 function
=====================  ==========================================================================
Markdown (comments,    :func:`markdown_inline`, :func:`markdown_code`
job summaries)
HTML                   :func:`html_text`, :func:`html_attribute`
XML 1.0                :func:`xml_text` (hand-written XML), :func:`xml_chars` (for a serialiser
                       such as ElementTree that escapes markup itself)
terminal               :func:`terminal_text`
spreadsheet cell       :func:`spreadsheet_cell`
SARIF message text     :func:`sarif_message`
CSS string             :func:`css_string` (the printed footer's ``content``)
=====================  ==========================================================================
"""

from __future__ import annotations

import html
import re

__all__ = [
    "css_string",
    "html_attribute",
    "html_text",
    "markdown_code",
    "markdown_inline",
    "sarif_message",
    "spreadsheet_cell",
    "terminal_text",
    "visible_controls",
    "xml_chars",
    "xml_text",
]

_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

# C0 and C1 controls (ESC, CR, LF, CSI...), line and paragraph separators, and the bidirectional
# embeddings, overrides and isolates that reorder what a reader sees ("Trojan Source").
_CONTROLS = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)

# What XML 1.0 refuses in a document: C0 controls other than tab, LF and CR, lone surrogates,
# and U+FFFE/U+FFFF (section 2.2, production Char).
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# The controls openpyxl refuses to write into a cell (it raises IllegalCharacterError).
_SPREADSHEET_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")

# Texts a spreadsheet reads as a formula or a command (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Line breaks end a table row or a paragraph in Markdown; inside a cell they become a space.
_LINE_BREAKS = re.compile("\r\n|[\n\r\v\f\x85\u2028\u2029]")

# ASCII punctuation that Markdown (CommonMark, GFM, GitLab) reads as markup: emphasis, code,
# links and images, headings, tables, strikethrough, math, HTML and entities.
_MARKDOWN_PUNCTUATION = {
    "\\": "\\\\",
    "`": "\\`",
    "*": "\\*",
    "_": "\\_",
    "~": "\\~",
    "[": "\\[",
    "]": "\\]",
    "(": "\\(",
    ")": "\\)",
    "#": "\\#",
    "|": "\\|",
    "$": "\\$",
    "!": "\\!",
    "<": "&lt;",
    ">": "&gt;",
    "&": "&amp;",
}
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_~\[\]()#|$!<>&]")
# At the start of a text, "- ", "+ " and "1. " start a list item (a nested one inside a list).
_BLOCK_START = re.compile(r"^(\s*)(?:([-+])|(\d{1,9})\.)")

# A zero-width space, written as an entity so it stays visible in the comment's source. Put after
# an "@" it stops GitHub and GitLab from reading a mention (the trick Renovate uses); put before
# "://" or after "www" it stops their autolinkers, so a URL in a policy text is shown, not linked.
_BREAK = "&#8203;"
_MENTION = re.compile("@")
_AUTOLINK = re.compile(r"(?i)(?<=[a-z0-9+.-])(?=://)|(?<=\bwww)(?=\.)")


def _escape_char(char: str) -> str:
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def visible_controls(text: str) -> str:
    r"""Show control and bidi characters as visible escapes: ESC as ``\x1b``, LF as ``\n``.

    The base of :func:`terminal_text`; use it for plain-text fields that a viewer shows as they
    are (a SARIF or Code Quality message) so an override cannot reorder what a reviewer reads.
    """
    return _CONTROLS.sub(lambda match: _escape_char(match.group()), text)


def terminal_text(text: str) -> str:
    r"""Text safe to print on a terminal or a CI log: nothing in it is a control sequence.

    ESC, CR, LF and every other C0 and C1 control, U+2028/U+2029, and the bidi marks, embeddings,
    overrides and isolates (U+061C, U+200E/U+200F, U+202A-202E, U+2066-2069) become visible
    escapes such as ``\x1b``, ``\r``, ``\n`` or ``\u202e``. So a value can neither recolour or
    clear the screen nor start a line of its own (a forged finding or CI command).
    """
    return visible_controls(text)


def markdown_inline(text: str) -> str:
    """Text for a Markdown comment, job summary or table cell that renders as exactly itself.

    Markdown punctuation is backslash-escaped (links ``[x](url)`` and images ``![x](url)`` stay
    literal text, as do emphasis, code, headings and table pipes); ``< > &`` become entities, so
    no HTML tag or entity is live; ``@mentions`` and bare URLs get a zero-width space so GitHub and
    GitLab neither notify anyone nor make a link; line breaks become spaces, so a value cannot
    end a table row or start a block; control and bidi characters are shown as escapes.
    """
    one_line = _LINE_BREAKS.sub(" ", text)
    shown = visible_controls(one_line)
    escaped = _MARKDOWN_SPECIAL.sub(lambda match: _MARKDOWN_PUNCTUATION[match.group()], shown)
    escaped = _BLOCK_START.sub(_escape_block_start, escaped)
    escaped = _MENTION.sub("@" + _BREAK, escaped)
    return _AUTOLINK.sub(_BREAK, escaped)


def _escape_block_start(match: re.Match[str]) -> str:
    indent, marker, number = match.groups()
    return f"{indent}\\{marker}" if marker else f"{indent}{number}\\."


def markdown_code(text: str, *, in_table: bool = False) -> str:
    """Text as a Markdown code span (a file name, an id): shown verbatim and never markup.

    The fence is one backtick longer than the longest run of backticks in the text, so the text
    cannot close it. In a GFM table (``in_table=True``) a pipe must still be escaped, even inside
    a code span, or it splits the cell. Line breaks, control and bidi characters are shown as
    escapes (``\\n``, ``\\x1b``): a code span shows a name exactly, and no name holds a line break.
    """
    shown = visible_controls(text)
    if in_table:
        shown = shown.replace("|", "\\|")
    longest = max((len(run) for run in re.findall("`+", shown)), default=0)
    fence = "`" * (longest + 1)
    # A code span strips one space at each end when both are there (unless it is all spaces), so
    # a text that touches a backtick is padded, and the padding disappears again.
    pad = " " if shown.startswith("`") or shown.endswith("`") else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def html_text(text: str) -> str:
    """Text for an HTML element's content: ``& < >`` become entities (quotes stay readable)."""
    return html.escape(text, quote=False)


def html_attribute(text: str) -> str:
    """Text for a quoted HTML attribute value: ``& < > " '`` become entities."""
    return html.escape(text, quote=True)


def xml_chars(text: str) -> str:
    r"""Replace what XML 1.0 forbids with visible escapes; leaves ``& < > "`` to the serialiser.

    For ElementTree and other serialisers that escape markup themselves but write any character
    they are given, which makes a control character from a key an unparseable document. C0
    controls other than tab, LF and CR become ``\x01``-style escapes; lone surrogates and
    U+FFFE/U+FFFF become ``\udc80``/``\ufffe``-style escapes.
    """
    return _XML_FORBIDDEN.sub(lambda match: _escape_char(match.group()), text)


def xml_text(text: str) -> str:
    """Text for hand-written XML 1.0, as element content or a double-quoted attribute value.

    ``& < > "`` become entities and the characters XML 1.0 forbids are replaced as by
    :func:`xml_chars`.
    """
    escaped = xml_chars(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace('"', "&quot;")


def spreadsheet_cell(text: str) -> str:
    r"""Text for a spreadsheet cell that the spreadsheet keeps as text, never as a formula.

    A text starting with ``= + - @``, a tab or a CR is one that Excel, LibreOffice and openpyxl
    read as a formula (``=HYPERLINK(...)``, ``=cmd|...``); it gets a leading apostrophe, the
    usual mark of "this is text" (OWASP's advice for CSV injection). Control characters that
    openpyxl refuses to write (it raises ``IllegalCharacterError``) become ``\x01``-style
    escapes.
    """
    cleaned = _SPREADSHEET_FORBIDDEN.sub(lambda match: _escape_char(match.group()), text)
    return "'" + cleaned if cleaned.startswith(_FORMULA_START) else cleaned


def sarif_message(text: str) -> str:
    """Text for a SARIF ``message.text``: plain text whose brackets are not embedded links.

    SARIF 2.1.0 (3.11.6) reads ``[text](target)`` in a plain-text message as a link, so literal
    brackets are escaped with a backslash as the standard requires; control and bidi characters
    are shown as escapes.
    """
    return visible_controls(text).replace("[", "\\[").replace("]", "\\]")


def css_string(text: str) -> str:
    r"""Text as a double-quoted CSS string inside a ``<style>`` element, printed as written.

    Every ASCII sign, and anything unprintable, is written as a hex escape (``"`` as ``\22 ``,
    ``<`` as ``\3c ``), so no quote, backslash, ``*/`` or ``</style>`` can end the string, the
    rule or the element; each escape ends with the one space CSS takes as part of it. Control
    and bidi characters are first shown as visible escapes, as on every other target.
    """
    shown = visible_controls(text)
    return (
        '"'
        + "".join(
            char
            if char.isalnum() or char == " " or (ord(char) > 0x7F and char.isprintable())
            else f"\\{ord(char):x} "
            for char in shown
        )
        + '"'
    )
