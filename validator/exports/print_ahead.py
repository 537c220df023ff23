"""Printing the changed PDFs while the site build writes its pages.

Printing is Chromium's work, on other cores; building pages is Python's. A site build therefore
starts printing what the PDF cache lacks as soon as it knows the pages, and the downloads step at
the end of the build finds those PDFs ready to copy. Nothing here decides what is published: the
downloads step checks the cache as always and prints whatever is still missing itself, reporting
any failure then (a failure here is only logged).

The printing runs in a forked process where that is safe (Linux, no other thread), so that
making its documents does not compete with the pages for Python's interpreter lock; elsewhere in
a thread.
"""

from __future__ import annotations

import logging
import multiprocessing
import sys
import threading
from pathlib import Path

from validator.exports.pdf import Stop, print_into_cache
from validator.model import Handbook

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

_PATIENCE = 30.0
"""Seconds a cancelled printer has to finish the document in hand before it is killed."""


class PrintAhead:
    """Prints into ``cache`` beside the caller, from :meth:`start` until :meth:`finish`."""

    def __init__(self, handbook: Handbook, pages: dict[str, str], cache: Path) -> None:
        self._stop: Stop
        self._runner: multiprocessing.process.BaseProcess | threading.Thread
        if sys.platform == "linux" and threading.active_count() == 1:
            context = multiprocessing.get_context("fork")
            self._stop = context.Event()
            self._runner = context.Process(
                target=_print, args=(handbook, pages, cache, self._stop), name="print-ahead"
            )
        else:
            self._stop = threading.Event()
            # A daemon, so a build that failed without stopping it still exits.
            self._runner = threading.Thread(
                target=_print, args=(handbook, pages, cache, self._stop), daemon=True
            )

    def start(self) -> PrintAhead:
        """Begin printing; returns itself."""
        self._runner.start()
        return self

    def finish(self, *, cancel: bool = False) -> None:
        """Wait for the printing to end; with ``cancel``, after the document now printing."""
        if cancel:
            self._stop.set()
        runner = self._runner
        if isinstance(runner, threading.Thread):
            runner.join()
            return
        runner.join(_PATIENCE if cancel else None)
        if runner.is_alive():
            runner.kill()
            runner.join()


def _print(handbook: Handbook, pages: dict[str, str], cache: Path, stop: Stop) -> None:
    try:
        print_into_cache(handbook, pages, cache, stop)
    except Exception as error:  # the downloads step prints again and reports it
        log.debug(f"printing ahead stopped: {type(error).__name__}: {error}")
