"""The ``handbook`` command line. Exit codes: 0 clean, 1 failing findings, 2 usage or tool error."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

from validator.engine import run
from validator.errors import ToolError
from validator.reporters import REPORTERS, ReportContext

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_TOOL = 2


def detect_lang(environ: dict[str, str] | os._Environ[str] = os.environ) -> str:
    """The reader's language: ``HANDBOOK_LANG``, else the locale; Chinese unless it says otherwise.

    A ``C`` or ``POSIX`` locale (usual on CI machines) is no choice of language, so it keeps the
    handbook's main language, Chinese.
    """
    chosen = environ.get("HANDBOOK_LANG", "")
    if chosen in ("zh", "en"):
        return chosen
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "")
        if not value:
            continue
        if value.startswith("zh") or value.split(".")[0] in ("C", "POSIX"):
            return "zh"
        return "en"
    return "zh"


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from error


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="handbook",
        description="Check the staff handbook's policies. 校验员工手册的政策文件。",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser(
        "check",
        help="validate policies/ against the schemas and the rules",
        description="Validate policies/ against the schemas and the consistency rules.",
    )
    check.add_argument("--root", type=Path, default=Path("."), help="repository root (default: .)")
    check.add_argument("--format", choices=sorted(REPORTERS), default="text")
    check.add_argument(
        "--lang", choices=("zh", "en"), help="message language (default: from the locale)"
    )
    check.add_argument(
        "--today", type=_date, help="date for expiry and review checks (default: today)"
    )
    return parser


def _utf8(stream: TextIO) -> TextIO:
    # Chinese messages must not crash on a machine whose locale is plain ASCII.
    encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
    if encoding != "utf8" and hasattr(stream, "reconfigure"):
        stream.reconfigure(encoding="utf-8")
    return stream


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    out = _utf8(sys.stdout)
    err = _utf8(sys.stderr)
    lang = args.lang or detect_lang()
    try:
        if args.command == "check":
            return _check(args, lang, out)
    except ToolError as error:
        err.write(f"handbook: {error.text.get(lang)}\n")
        return EXIT_TOOL
    return EXIT_TOOL  # pragma: no cover - argparse rejects unknown commands


def _check(args: argparse.Namespace, lang: str, out: TextIO) -> int:
    root: Path = args.root
    result = run(root, today=args.today)
    color = out.isatty() and "NO_COLOR" not in os.environ
    context = ReportContext(lang=lang, color=color, files_checked=result.files.checked)
    REPORTERS[args.format](result.findings, out, context)
    return EXIT_FINDINGS if result.failed else EXIT_CLEAN
