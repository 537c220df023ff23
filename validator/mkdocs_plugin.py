"""The MkDocs plugin ``handbook``: validate the policies once per build and stop on errors.

A thin adapter: all checking lives in :mod:`validator.engine`, so the plugin can move to a
pre-build script if MkDocs' plugin system goes away.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config import config_options as options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files

from validator.engine import Result, run
from validator.errors import ToolError
from validator.findings import Severity

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


class HandbookConfig(Config):
    """Options of the ``handbook`` plugin in ``mkdocs.yml``."""

    root = options.Type(str, default=".")
    """Repository root holding ``policies/`` and ``schemas/``, relative to ``mkdocs.yml``."""
    lang = options.Choice(("zh", "en"), default="zh")
    """Language of the validation messages printed during the build."""


class HandbookPlugin(BasePlugin[HandbookConfig]):
    """Validates the policies in ``on_files``; the build stops if any error is not waived."""

    def __init__(self) -> None:
        self.result: Result | None = None

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """Run the validator once for this build."""
        root = Path(config.config_file_path).parent / self.config.root
        lang = self.config.lang
        try:
            self.result = run(root)
        except ToolError as error:
            raise PluginError(error.text.get(lang)) from error
        for finding in self.result.findings:
            line = f"{finding.location}: [{finding.rule}] {finding.message.get(lang)}"
            if finding.fails:
                log.error(line)
            elif finding.severity is Severity.WARNING and not finding.suppressed:
                log.info(line)
        if self.result.failed:
            raise PluginError(
                "政策文件校验未通过，见上面的 file:line 列表。Policy validation failed."
            )
        return files
