"""The ``handbook`` command line. Exit codes: 0 clean, 1 failing findings, 2 usage or tool error."""

from __future__ import annotations

import argparse
import gc
import importlib
import io
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn, TextIO

import yaml

from validator.baseline import apply_baseline, known_fingerprints
from validator.engine import Result, run
from validator.errors import ToolError
from validator.escaping import terminal_text
from validator.findings import Text
from validator.guarded_read import MAX_CONFIG_BYTES, Refused, read_bytes
from validator.history import History, open_history
from validator.reporters import REPORTERS, ReportContext
from validator.revision import CACHE_FOLDER, trusted_cache
from validator.rules import RULES
from validator.suggest import closest

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_TOOL = 2


def detect_lang(environ: Mapping[str, str] | None = None) -> str:
    """The reader's language: ``HANDBOOK_LANG``, else the locale; Chinese unless it says otherwise.

    A ``C`` or ``POSIX`` locale (usual on CI machines) is no choice of language, so it keeps the
    handbook's main language, Chinese.
    """
    environ = os.environ if environ is None else environ
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


class _FormatsOf:
    """The format names of a command's module, imported only when argparse needs them.

    ``handbook check`` runs in every pre-commit hook and CI job; it should not pay for importing
    the site renderer, the PDF printer and the diff just to list their formats in ``--help``.
    """

    def __init__(self, module: str, attribute: str = "FORMATS") -> None:
        self.module = module
        self.attribute = attribute

    def _names(self) -> list[str]:
        return sorted(getattr(importlib.import_module(self.module), self.attribute))

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __contains__(self, name: object) -> bool:
        return name in self._names()


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
    # main() takes --debug out of the arguments wherever it stands; this line documents it.
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an internal error"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser(
        "check",
        help="validate policies/ against the schemas and the rules",
        description="Validate policies/ against the schemas and the consistency rules.",
    )
    check.add_argument(
        "--root",
        type=Path,
        help="repository root (default: the nearest folder up from here that has policies/)",
    )
    check.add_argument(
        "--format",
        choices=sorted(REPORTERS),
        help="output format (default: github under GitHub Actions, else text)",
    )
    check.add_argument(
        "--lang", choices=("zh", "en"), help="message language (default: from the locale)"
    )
    check.add_argument(
        "--today", type=_date, help="date for expiry and review checks (default: today)"
    )
    check.add_argument(
        "--show-waived", action="store_true", help="also list findings that a waiver accepts"
    )
    check.add_argument(
        "--baseline",
        metavar="REF|FILE",
        help="fail only on findings that are new compared with a git revision, or with a "
        "saved `handbook check --format json` report",
    )
    check.add_argument(
        "--base",
        metavar="REF",
        help="the git revision the change starts from, to tell new from old (a duplicate id is "
        "reported where it was added; renamed ids are caught); default: $HANDBOOK_BASE, else "
        "HEAD",
    )
    check.add_argument(
        "--no-cache",
        action="store_true",
        help=f"parse every file, without reading or writing the parsed files kept in "
        f"{CACHE_FOLDER}/",
    )
    diff = commands.add_parser(
        "diff",
        help="what a change does to the handbook",
        description="Compare the policies at a git revision with the working tree, by meaning.",
    )
    diff.add_argument("--base", required=True, metavar="REF", help="git revision to compare with")
    diff.add_argument("--root", type=Path)
    diff.add_argument("--format", choices=_FormatsOf("validator.diff_report"), default="markdown")
    diff.add_argument("--lang", choices=("zh", "en"))
    diff.add_argument("--today", type=_date)
    rules = commands.add_parser(
        "rules",
        help="list every rule, or show one rule's documentation",
        description="List every rule with its severity, or show the documentation of the "
        "rules named.",
    )
    rules.add_argument("id", nargs="*", help="rule ids (default: every rule)")
    rules.add_argument("--format", choices=_FormatsOf("validator.rule_listing"), default="text")
    rules.add_argument("--lang", choices=("zh", "en"))
    export = commands.add_parser(
        "export",
        help="write the checked handbook for other systems",
        description="Write the checked handbook in another format. Refuses when the check fails.",
    )
    export.add_argument("format", choices=_FormatsOf("validator.exports", "EXPORTERS"))
    export.add_argument("-o", "--output", default="-", help="output file; - for standard output")
    export.add_argument("--root", type=Path)
    export.add_argument("--lang", choices=("zh", "en"))
    export.add_argument(
        "--force",
        action="store_true",
        help="overwrite an existing file that is not a previous export",
    )
    explain = commands.add_parser(
        "explain",
        help="everything about one id",
        description="Show what an id is, where it is defined, what refers to it and what it "
        "refers to, and the findings that concern it.",
    )
    explain.add_argument("id")
    explain.add_argument("--root", type=Path)
    explain.add_argument("--format", choices=_FormatsOf("validator.explain"), default="text")
    explain.add_argument("--lang", choices=("zh", "en"))
    explain.add_argument("--today", type=_date)
    owners = commands.add_parser(
        "codeowners",
        help="write CODEOWNERS from the policy owners",
        description="Write CODEOWNERS (GitHub or GitLab syntax) from the owners in the policies "
        "and the reviewers in policies/handbook.yaml.",
    )
    owners.add_argument("--format", choices=_FormatsOf("validator.codeowners"), default="github")
    owners.add_argument("-o", "--output", default="-", help="output file; - for standard output")
    owners.add_argument("--root", type=Path)
    owners.add_argument("--lang", choices=("zh", "en"))
    return parser


def _utf8(stream: TextIO) -> TextIO:
    # Chinese messages must not crash on a machine whose locale is plain ASCII.
    encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
    if encoding != "utf8" and hasattr(stream, "reconfigure"):
        stream.reconfigure(encoding="utf-8")
    return stream


def find_root(start: Path) -> Path:
    """The repository root for a command run in ``start``: the nearest folder, ``start`` or one
    above it, that holds ``policies/`` (an editor may run the check from ``policies/roles``)."""
    for folder in (start, *start.parents):
        if (folder / "policies").is_dir():
            return folder
    return start


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code.

    Whatever goes wrong, the caller gets 0, 1 or 2 and at most one line on standard error: CI
    reads 1 as "the policies have findings", so a crash must never look like that.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    # --debug is accepted after the command too, where people type it.
    debug = "--debug" in arguments
    args = _parser().parse_args([a for a in arguments if a != "--debug"])
    if "root" in args and args.root is None:
        args.root = find_root(Path.cwd())
    err = _utf8(sys.stderr) if sys.stderr is not None else None
    lang = args.lang or detect_lang()
    if sys.stdout is None:
        _say(err, Text("标准输出已关闭，无法输出结果。", "Standard output is closed.").get(lang))
        return EXIT_TOOL
    out = _utf8(sys.stdout)
    # After an error, a library's clean-up (a half-written workbook closing its sheets) may
    # itself fail; Python would print that as a traceback beside the one line the caller gets.
    unraisable = sys.unraisablehook
    if not debug:
        sys.unraisablehook = _ignore
    try:
        try:
            code = _guarded(args, lang, out, err, debug)
        finally:
            gc.unfreeze()  # see _run: what a command built is the collector's again
        if code == EXIT_TOOL:
            gc.collect()  # what the failed command left behind is cleaned up while ignored
        return code
    finally:
        sys.unraisablehook = unraisable


def entry() -> NoReturn:
    """The ``handbook`` program: :func:`main`, then exit without tearing down the heap.

    A large handbook leaves hundreds of thousands of objects behind; freeing them one by one at
    exit would add a third of a second to every check for nothing, as the process ends anyway.
    Everything that must be written is flushed first.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass  # a reader that went away; the exit code still tells
    os._exit(code)


def _guarded(
    args: argparse.Namespace, lang: str, out: TextIO, err: TextIO | None, debug: bool
) -> int:
    """Run the command; whatever escapes it becomes one line on standard error and exit 2."""
    try:
        code = _COMMANDS[args.command](args, lang, out, err or io.StringIO())
        out.flush()
        return code
    except ToolError as error:
        if debug and err is not None and error.__cause__ is not None:
            traceback.print_exception(error.__cause__, file=err)
        _say(err, error.text.get(lang))
    except BrokenPipeError:
        # The reader stopped reading (`handbook check | head -1`): nothing more to say to it.
        _discard(out)
    except OSError as error:
        # A full disk, a vanished folder: the system's own words say it best.
        where = f" ({error.filename})" if error.filename else ""
        reason = f"{error.strerror or type(error).__name__}{where}"
        _say(err, Text(f"系统错误：{reason}", f"system error: {reason}").get(lang))
    except Exception as error:  # the last line of defence; --debug shows the traceback
        if debug and err is not None:
            traceback.print_exc(file=err)
        reason = " ".join(str(error).split())[:200]
        summary = "".join(
            c if c.isprintable() else "?" for c in f"{type(error).__name__}: {reason}"
        )
        _say(
            err,
            Text(
                f"内部错误（{summary}）；加上 --debug 重新运行可以看到详细信息，请报告这个问题。",
                f"internal error ({summary}); run with --debug for the details, and please "
                "report it.",
            ).get(lang),
        )
    return EXIT_TOOL


def _ignore(unraisable: object) -> None:
    """Stands in for Python's report of an error raised during clean-up (see :func:`main`)."""


def _say(err: TextIO | None, line: str) -> None:
    if err is None:
        return
    try:
        err.write(f"handbook: {line}\n")
        err.flush()
    except (OSError, ValueError):
        pass  # standard error is gone as well; the exit code still tells


def _discard(out: TextIO) -> None:
    # Python flushes standard output once more at exit; pointing it at /dev/null keeps that
    # flush from printing a second BrokenPipeError.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, out.fileno())
        os.close(devnull)
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


def _run(
    root: Path,
    today: date | None = None,
    history: History | None = None,
    cache: Path | None = None,
) -> Result:
    """:func:`validator.engine.run`, with what it built set aside from the cyclic collector
    until :func:`main` returns.

    The run pauses the collector while it builds; everything it built lives until the command
    ends, but the collector's first pass after it would walk all of it (a tenth of a second or
    more on a large handbook) and find nothing to free.
    """
    collecting = gc.isenabled()
    gc.disable()  # so that nothing is collected between the run and the freeze
    try:
        result = run(root, today=today, history=history, cache=cache)
        gc.freeze()
    finally:
        if collecting:
            gc.enable()
    return result


def _check(args: argparse.Namespace, lang: str, out: TextIO, err: TextIO) -> int:
    root: Path = args.root
    base = args.base or os.environ.get("HANDBOOK_BASE") or None
    cache = None if args.no_cache else trusted_cache(root)
    result = _run(root, today=args.today, history=open_history(root, base), cache=cache)
    if args.baseline:
        apply_baseline(result, known_fingerprints(root, args.baseline, args.today))
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    color = fmt == "text" and out.isatty() and "NO_COLOR" not in os.environ
    context = ReportContext(
        lang=lang,
        color=color,
        files_checked=result.files.checked,
        show_waived=args.show_waived,
        site_url=site_url(root),
        baseline=bool(args.baseline),
    )
    REPORTERS[fmt](result.findings, out, context)
    return EXIT_FINDINGS if result.failed else EXIT_CLEAN


def site_url(root: Path) -> str | None:
    """The handbook site's address from ``mkdocs.yml`` (``site_url``), if it sets one."""
    try:
        raw = read_bytes(root / "mkdocs.yml", MAX_CONFIG_BYTES, root)
        data = yaml.load(raw.decode("utf-8"), Loader=_ConfigLoader)
    except (Refused, UnicodeDecodeError, yaml.YAMLError, RecursionError):
        # The address only adds links to the report; an odd mkdocs.yml is the site build's to
        # report, so the check goes on without it.
        return None
    value = data.get("site_url") if isinstance(data, dict) else None
    return value if isinstance(value, str) and value.startswith(("http://", "https://")) else None


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, where tags such as !ENV may appear, without running any of them."""


_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def _diff(args: argparse.Namespace, lang: str, out: TextIO, err: TextIO) -> int:
    from validator import diff as impact
    from validator import diff_report
    from validator.revision import checkout

    root: Path = args.root
    with tempfile.TemporaryDirectory(prefix="handbook-base-") as scratch:
        base = checkout(root, args.base, Path(scratch))
        before = _run(base, today=args.today)
    # With the base's history, as `handbook check --base` runs in CI: the comment's verdict and
    # findings then agree with the check (a renamed id, a duplicate blamed on the new copy).
    after = _run(root, today=args.today, history=open_history(root, args.base))
    found = impact.compare(args.base, before, after)
    out.write(diff_report.FORMATS[args.format](found, lang))
    return EXIT_CLEAN


def _export(args: argparse.Namespace, lang: str, out: TextIO, err: TextIO) -> int:
    from validator.exports import EXPORTERS
    from validator.exports.output import check_output

    # Before the check, so a wrong -o is reported at once rather than after the whole run.
    check_output(args.root, args.output, args.format, args.force)
    result = _run(args.root)
    if result.handbook is None or result.failed:
        reason = Text(
            "政策文件没有通过检查，不能导出：",
            "The policies do not pass the check, so nothing is exported:",
        )
        return _refused(result, reason, err, lang)
    EXPORTERS[args.format](result.handbook, args.output, out)
    return EXIT_CLEAN


def _codeowners(args: argparse.Namespace, lang: str, out: TextIO, err: TextIO) -> int:
    from validator import codeowners
    from validator.exports.output import write_atomically

    result = _run(args.root)
    if result.handbook is None:
        reason = Text(
            "政策文件有读取或格式错误，不能确定负责人；请先运行 handbook check 并修正：",
            "The policies have reading or schema errors, so their owners are unknown; run "
            "`handbook check` and fix them first:",
        )
        return _refused(result, reason, err, lang)
    text = codeowners.FORMATS[args.format](result.handbook)
    if args.output == "-":
        out.write(text)
    else:
        target = Path(args.output)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, lambda scratch: _save(scratch, text))
    return EXIT_CLEAN


def _save(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _refused(result: Result, reason: Text, stream: TextIO, lang: str) -> int:
    """Say why a command cannot go on, then list the findings that stop it."""
    stream.write(reason.get(lang) + "\n")
    context = ReportContext(lang=lang, files_checked=result.files.checked)
    REPORTERS["text"](result.findings, stream, context)
    return EXIT_FINDINGS


def _rules(args: argparse.Namespace, lang: str, out: TextIO, err: TextIO) -> int:
    from validator import rule_listing

    unknown = [rule_id for rule_id in args.id if rule_id not in RULES]
    if unknown:
        near = closest(unknown[0], RULES)
        answer = Text(
            f"没有叫 “{unknown[0]}” 的规则。" + (f"是不是 “{near}”？" if near else ""),
            f"There is no rule named '{unknown[0]}'."
            + (f" Did you mean '{near}'?" if near else ""),
        )
        err.write(terminal_text(answer.get(lang)) + "\n")
        return EXIT_TOOL
    entries = [RULES[rule_id] for rule_id in args.id] or list(RULES.values())
    out.write(rule_listing.FORMATS[args.format](entries, lang))
    return EXIT_CLEAN


def _explain(args: argparse.Namespace, lang: str, out: TextIO, err: TextIO) -> int:
    from validator import explain as explaining

    result = _run(args.root, today=args.today)
    if result.handbook is None:
        reason = Text(
            "政策文件有读取或格式错误，请先运行 handbook check 并修正：",
            "The policies have reading or schema errors; run `handbook check` and fix them first:",
        )
        return _refused(result, reason, out, lang)
    explanations = explaining.explain(result.handbook, args.id, result.findings)
    if not explanations:
        known = [i for kind in result.handbook.index.values() for i in kind]
        near = closest(args.id, known)
        answer = Text(
            f"没有 id 为 “{args.id}” 的条目。" + (f"是不是 “{near}”？" if near else ""),
            f"Nothing has the id '{args.id}'." + (f" Did you mean '{near}'?" if near else ""),
        )
        out.write(terminal_text(answer.get(lang)) + "\n")
        return EXIT_FINDINGS
    out.write(explaining.FORMATS[args.format](explanations, lang))
    return EXIT_CLEAN


_COMMANDS: dict[str, Callable[[argparse.Namespace, str, TextIO, TextIO], int]] = {
    "check": _check,
    "rules": _rules,
    "explain": _explain,
    "export": _export,
    "diff": _diff,
    "codeowners": _codeowners,
}
