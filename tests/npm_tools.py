"""Command-line tools from the npm registry that some tests run, installed once into a cache
folder of the repository (``make clean`` removes it; git ignores it)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from tests.conftest import REPO

TOOLS = REPO / ".test-tools" / "npm"


def npm_package(name: str, version: str) -> Path:
    """The folder of npm package ``name`` at exactly ``version``, installed first if needed."""
    folder = TOOLS / "node_modules" / name
    manifest = folder / "package.json"
    if manifest.exists() and json.loads(manifest.read_text(encoding="utf-8"))["version"] == version:
        return folder
    npm = shutil.which("npm")
    assert npm is not None, "these tests need npm (Debian package: npm)"
    options = ["--prefix", str(TOOLS), "--no-audit", "--no-fund", "--loglevel=error"]
    subprocess.run(
        [npm, "install", *options, f"{name}@{version}"],
        check=True,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return folder


def node(script: str, *args: str) -> str:
    """Run a Node.js script with the cache folder's packages in reach; returns its output."""
    completed = subprocess.run(
        ["node", "-e", script, *args],
        cwd=TOOLS,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return completed.stdout
