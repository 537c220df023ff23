"""``python -m validator`` is the ``handbook`` command."""

from validator.cli import entry

entry()
