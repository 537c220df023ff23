"""What `make site` runs: `site/` is replaced whole, or not at all.

MkDocs empties its output folder before it writes, and the downloads come after the pages: built
in place, a change that fails the strict build or the downloads would leave readers a half-written
handbook. So the site is built into a fresh folder beside ``site/``, and only when ``mkdocs build
--strict`` succeeds, downloads included, is it swapped in; otherwise the previous ``site/`` stays
exactly as it was and the scratch folder is removed.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from validator.guarded_read import MAX_CONFIG_BYTES, Refused, read_bytes


def build(root: Path, site: Path) -> int:
    """Build the handbook of ``root`` into ``site``; the exit code of the first step that failed."""
    site = site.absolute()
    try:
        # MkDocs reads its configuration without such care: a FIFO there would hang the build.
        read_bytes(root / "mkdocs.yml", MAX_CONFIG_BYTES, root)
    except Refused as refusal:
        print(f"site_build: mkdocs.yml: {refusal.reason.zh} {refusal.reason.en}", file=sys.stderr)
        return 2
    # Beside site/, so the swap is a rename within one file system; made like any new folder
    # (the umask applies, unlike mkdtemp's private mode) because a web server reads it afterwards.
    staging = site.with_name(f".{site.name}-building-{secrets.token_hex(4)}")
    staging.mkdir()
    try:
        # The handbook plugin writes the downloads as the last step of the build; a strict build
        # fails when it cannot (no Chromium for the PDFs, say), so success means pages and files.
        code = _mkdocs(root, staging)
        if code == 0:
            _swap(staging, site)
        return code
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _mkdocs(root: Path, destination: Path) -> int:
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean"]
    command += ["--config-file", str(root / "mkdocs.yml"), "--site-dir", str(destination)]
    return subprocess.run(command, check=False).returncode


def _swap(staging: Path, site: Path) -> None:
    """Put ``staging`` where ``site`` is; the old site is removed only once the new one is in."""
    if not os.path.lexists(site):
        staging.rename(site)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{site.name}-previous-", dir=site.parent))
    # Two renames: readers see the old site or the new one, never a mixture of both.
    site.rename(retired / site.name)
    staging.rename(site)
    shutil.rmtree(retired, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m validator.site_build [--root .] [--site-dir site]``."""
    parser = argparse.ArgumentParser(
        prog="python -m validator.site_build",
        description="Build the handbook site and its downloads, then replace site/ in one step.",
    )
    parser.add_argument("--root", type=Path, default=Path("."), help="repository root")
    parser.add_argument("--site-dir", type=Path, default=Path("site"), help="the site folder")
    args = parser.parse_args(argv)
    code = build(args.root, args.site_dir)
    if code != 0:
        print(
            f"site_build: 构建失败，{args.site_dir}/ 保持原样。"
            f" The build failed; {args.site_dir}/ is left as it was.",
            file=sys.stderr,
        )
    return code


if __name__ == "__main__":
    raise SystemExit(main())
