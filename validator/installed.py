"""Which versions of the libraries a kept result depends on are installed, and which code of
the validator: part of every cache key, so that an upgrade makes the caches compute again
rather than serve what the old versions made."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def package_versions(*names: str) -> str:
    """``name=version`` of each distribution, comma-separated (``none`` when not installed)."""
    from importlib import metadata  # only for a cache key; a check takes PyYAML's from yaml

    found = []
    for name in names:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=none")
    return ",".join(found)


@functools.cache
def code_digest() -> str:
    """A hash of the validator's own source: a kept result made by other code is not used."""
    digest = hashlib.sha256()
    for source in sorted(_PACKAGE.rglob("*.py")):
        digest.update(source.relative_to(_PACKAGE).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()
