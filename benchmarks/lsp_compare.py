"""Compare `handbook check` with the YAML language server (what VS Code shows) on broken files.

A development tool, not part of `make test`: it needs Node.js and the language server,
installed outside the repository, e.g.

    npm install --prefix /tmp/yls yaml-language-server
    .venv/bin/python benchmarks/lsp_compare.py \
        --server /tmp/yls/node_modules/.bin/yaml-language-server

(`--locale zh-cn` is the default, as VS Code in Chinese; `--lang en` prints our English.)

Each scenario copies the shipped policies and schemas to a scratch folder, makes one mistake an
editor makes, and prints, per tool, the line:column and the message for the edited file. The
language server is driven over stdio with the settings VS Code's YAML extension uses, and reads
each file's `# yaml-language-server: $schema=` modeline like the editor does.
"""

from __future__ import annotations

import argparse
import json
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from validator.engine import run  # noqa: E402

ROLE = "policies/roles/cs-specialist.yaml"
MODULE = "policies/training/m-cs-01.yaml"


@dataclass(frozen=True)
class Scenario:
    """One mistake: which file, which line (the ``nth`` line containing ``where``, so the
    scenarios follow edits to the shipped policies) and how that line is changed."""

    name: str
    path: str
    where: str
    change: Callable[[str], str]
    nth: int = 1

    def line(self, lines: list[str]) -> int:
        """The 1-based number of the line this scenario changes."""
        found = [number for number, text in enumerate(lines, 1) if self.where in text]
        return found[self.nth - 1]


SCENARIOS = (
    Scenario("unclosed quote", ROLE, "zh: 服务中心", lambda s: s.replace("zh: ", 'zh: "', 1)),
    Scenario("tab", ROLE, "zh: 通过前台", lambda s: "\t" + s.lstrip(" ")),
    Scenario("full-width colon", ROLE, "tier: ", lambda s: s.replace(": ", "：", 1)),
    Scenario(
        "full-width space", ROLE, "status: secondary", lambda s: "\u3000\u3000" + s.lstrip(" ")
    ),
    Scenario("missing colon", ROLE, "status: secondary", lambda s: s.replace(": ", " ", 1), 2),
    Scenario("unknown key", ROLE, "reports_to:", lambda s: s.replace("reports_to", "reprots_to")),
    Scenario("wrong type", MODULE, "hours: 8", lambda s: s.replace("hours: 8", "hours: 四", 1)),
    Scenario("out of range", MODULE, "hours: 8", lambda s: s.replace("hours: 8", "hours: -2", 1)),
    Scenario("bad duty id", MODULE, "- cs.reception", lambda s: s.replace("cs.", "CS.", 1)),
    Scenario("blank zh", ROLE, "zh: 通过前台", lambda s: s.split("zh: ")[0] + 'zh: "  "'),
    Scenario(
        "wrong modeline", MODULE, "$schema=", lambda s: s.replace("module.schema", "role.schema")
    ),
)

SETTINGS = {
    "yaml": {
        "validate": True,
        "hover": True,
        "completion": True,
        "format": {"enable": False},
        "schemaStore": {"enable": False},
        "yamlVersion": "1.2",
    }
}


class LanguageServer:
    """A minimal LSP client over the server's stdin and stdout."""

    def __init__(self, command: list[str], root: Path, locale: str) -> None:
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()
        self.request(
            "initialize",
            {
                "processId": None,
                "rootUri": root.as_uri(),
                "workspaceFolders": [{"uri": root.as_uri(), "name": "handbook"}],
                "locale": locale,
                "capabilities": {
                    "workspace": {"configuration": True},
                    "textDocument": {"publishDiagnostics": {}},
                },
            },
        )
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": SETTINGS})

    def _read(self) -> None:
        stream: IO[bytes] = self.process.stdout  # type: ignore[assignment]
        while True:
            length = 0
            while True:
                header = stream.readline()
                if not header:
                    return
                if header in (b"\r\n", b"\n"):
                    break
                if header.lower().startswith(b"content-length:"):
                    length = int(header.split(b":")[1])
            self.messages.put(json.loads(stream.read(length)))

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        stdin: IO[bytes] = self.process.stdin  # type: ignore[assignment]
        stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        """Send a notification (no answer expected)."""
        self._send({"method": method, "params": params})

    def request(self, method: str, params: dict[str, Any]) -> Any:
        """Send a request and wait for its answer, serving the server's own requests meanwhile."""
        self.next_id += 1
        self._send({"id": self.next_id, "method": method, "params": params})
        while True:
            message = self._next(30)
            if message is None:
                raise TimeoutError(method)
            if message.get("id") == self.next_id and "method" not in message:
                return message.get("result")

    def _next(self, timeout: float) -> dict[str, Any] | None:
        try:
            message = self.messages.get(timeout=timeout)
        except queue.Empty:
            return None
        if "method" in message and "id" in message:
            # The server asks for its settings (and to register capabilities): answer like VS Code.
            result: Any = None
            if message["method"] == "workspace/configuration":
                items = message["params"]["items"]
                result = [SETTINGS.get(item.get("section", "")) for item in items]
            self._send({"id": message["id"], "result": result})
        return message

    def diagnostics(self, file: Path, quiet: float = 2.0) -> list[dict[str, Any]]:
        """Open ``file`` and return the diagnostics the server settles on."""
        uri = file.as_uri()
        self.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": uri,
                    "languageId": "yaml",
                    "version": 1,
                    "text": file.read_text(encoding="utf-8"),
                }
            },
        )
        found: list[dict[str, Any]] = []
        deadline = time.monotonic() + 30
        last = time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - last < quiet:
            message = self._next(0.2)
            if message is None:
                continue
            if (
                message.get("method") == "textDocument/publishDiagnostics"
                and message["params"]["uri"] == uri
            ):
                found = message["params"]["diagnostics"]
                last = time.monotonic()
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        return found

    def ask(self, method: str, file: Path, line: int, column: int) -> Any:
        """A hover or completion request at 1-based ``line``:``column`` of ``file``."""
        uri = file.as_uri()
        text = file.read_text(encoding="utf-8")
        document = {"uri": uri, "languageId": "yaml", "version": 1, "text": text}
        self.notify("textDocument/didOpen", {"textDocument": document})
        position = {"line": line - 1, "character": column - 1}
        try:
            return self.request(method, {"textDocument": {"uri": uri}, "position": position})
        finally:
            self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    def close(self) -> None:
        """Shut the server down cleanly."""
        try:
            self.request("shutdown", {})
            self.notify("exit", {})
        finally:
            self.process.wait(timeout=10)


def _server(given: str | None) -> list[str]:
    candidates = [given] if given else []
    candidates += [str(ROOT / "benchmarks/node_modules/.bin/yaml-language-server")]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return [candidate, "--stdio"]
    found = shutil.which("yaml-language-server")
    if found is None:
        sys.exit(
            "yaml-language-server not found: npm install --prefix /tmp/yls "
            "yaml-language-server, then pass --server /tmp/yls/node_modules/.bin/..."
        )
    return [found, "--stdio"]


def _scratch(destination: Path, scenario: Scenario) -> tuple[Path, int]:
    if destination.exists():
        shutil.rmtree(destination)
    shutil.copytree(ROOT / "policies", destination / "policies")
    shutil.copytree(ROOT / "schemas", destination / "schemas")
    file = destination / scenario.path
    lines = file.read_text(encoding="utf-8").split("\n")
    line = scenario.line(lines)
    changed = scenario.change(lines[line - 1])
    assert changed != lines[line - 1], scenario.name
    lines[line - 1] = changed
    file.write_text("\n".join(lines), encoding="utf-8")
    return file, line


def main() -> int:
    """Run every scenario and print both tools' findings for the edited file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", help="path to the yaml-language-server executable")
    parser.add_argument("--locale", default="zh-cn", help="the language server's locale")
    parser.add_argument("--lang", default="zh", choices=("zh", "en"), help="handbook's language")
    parser.add_argument(
        "--editor-help", action="store_true", help="show hovers and completions instead"
    )
    args = parser.parse_args()
    if args.editor_help:
        return _editor_help(_server(args.server), args.locale)
    with tempfile.TemporaryDirectory() as scratch:
        workspace = Path(scratch) / "handbook"
        workspace.mkdir()
        server = LanguageServer(_server(args.server), workspace, args.locale)
        try:
            for number, scenario in enumerate(SCENARIOS, 1):
                # A fresh folder per scenario: the server never mixes up two versions of a file.
                tree = workspace / f"case{number}"
                file, line = _scratch(tree, scenario)
                lsp = server.diagnostics(file)
                ours = [f for f in run(tree).findings if f.location.path == scenario.path]
                print(f"== {scenario.name}: {scenario.path}, mistake on line {line}")
                for item in sorted(lsp, key=lambda d: d["range"]["start"]["line"])[:4]:
                    start = item["range"]["start"]
                    text = " ".join(str(item["message"]).split())
                    print(f"  LSP      {start['line'] + 1}:{start['character'] + 1}  {text}")
                if len(lsp) > 4:
                    print(f"  LSP      … and {len(lsp) - 4} more")
                if not lsp:
                    print("  LSP      (nothing)")
                for finding in ours:
                    where = f"{finding.location.line}:{finding.location.column}"
                    print(f"  handbook {where}  [{finding.rule}] {finding.message.get(args.lang)}")
                    if finding.hint is not None:
                        print(f"  {'':8} {'':{len(where)}}  → {finding.hint.get(args.lang)}")
                if not ours:
                    print("  handbook (nothing)")
        finally:
            server.close()
    return 0


def _line_of(file: Path, start: str) -> int:
    lines = file.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(start))


def _editor_help(command: list[str], locale: str) -> int:
    """Print what VS Code shows on hover and completion at a few places editors use most."""
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch) / "handbook"
        shutil.copytree(ROOT / "policies", tree / "policies")
        shutil.copytree(ROOT / "schemas", tree / "schemas")
        new_role = tree / "policies/roles/new-role.yaml"
        new_role.write_text(
            "# yaml-language-server: $schema=../../schemas/role.schema.json\n\n", encoding="utf-8"
        )
        server = LanguageServer(command, tree, locale)
        try:
            for label, path, key in (
                ("hover tier:", ROLE, "tier:"),
                ("hover reports_to:", ROLE, "reports_to:"),
                ("hover covers:", MODULE, "covers:"),
                ("hover hours:", MODULE, "hours:"),
            ):
                line = _line_of(tree / path, key)
                result = server.ask("textDocument/hover", tree / path, line, 2) or {}
                contents = result.get("contents", {})
                value = contents.get("value", "") if isinstance(contents, dict) else contents
                heading = next((x for x in str(value).splitlines() if x.strip()), "")
                print(f"== {label:18} {heading}")
            for label, file, line, column in (
                ("complete category:", tree / MODULE, _line_of(tree / MODULE, "category:"), 11),
                ("complete new role", new_role, 2, 1),
            ):
                result = server.ask("textDocument/completion", file, line, column) or {}
                items = result.get("items", []) if isinstance(result, dict) else result
                print(f"== {label}")
                for item in items[:12]:
                    detail = item.get("documentation") or item.get("detail") or ""
                    if isinstance(detail, dict):
                        detail = detail.get("value", "")
                    inserted = item.get("insertText") or item.get("textEdit", {}).get("newText", "")
                    shown = " ".join(str(detail).split())[:60]
                    print(f"   {item['label']:14} {shown}  insert={inserted!r}"[:200])
        finally:
            server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
