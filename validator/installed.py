"""Which versions of the libraries a kept result depends on are installed: part of every cache
key, so that an upgrade makes the caches compute again rather than serve what the old versions
made."""

from __future__ import annotations

from importlib import metadata


def package_versions(*names: str) -> str:
    """``name=version`` of each distribution, comma-separated (``none`` when not installed)."""
    found = []
    for name in names:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=none")
    return ",".join(found)
