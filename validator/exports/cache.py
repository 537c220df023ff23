"""Downloads kept between builds, so an unchanged handbook's data and workbook are not redone.

A site build writes every download into a fresh folder. The JSON document and the workbook are a
function of the policy documents, the date the checks compare against, and the code that writes
them; their hash names the copy kept in the cache, and a build whose inputs are unchanged copies
that file instead of making it again. Only the latest copy of each download is kept.
"""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

from validator.exports.output import share_file, write_atomically
from validator.installed import code_digest
from validator.model import Handbook


def fingerprint(handbook: Handbook) -> str:
    """A hash of everything the data and workbook downloads are made from."""
    documents = json.dumps(
        {str(path): document for path, document in handbook.documents.items()},
        sort_keys=True,
        default=str,
        ensure_ascii=False,
    )
    text = f"{code_digest()}\0{handbook.today.isoformat()}\0{handbook.settings!r}\0{documents}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def reuse_or_write(
    target: Path, key: str, cache: Path | None, write: Callable[[Path], None]
) -> bool:
    """Copy ``target`` from ``cache`` when it holds the file made from ``key``, else ``write``
    it and keep a copy there; whether it was reused."""
    if cache is None:
        write(target)
        return False
    kept = cache / f"{target.stem}-{key[:32]}{target.suffix}"
    if kept.is_file():
        share_file(kept, target)
        return True
    write(target)
    cache.mkdir(parents=True, exist_ok=True)
    for old in cache.glob(f"{target.stem}-*{target.suffix}"):
        old.unlink(missing_ok=True)
    write_atomically(kept, functools.partial(shutil.copyfile, target))
    return False
