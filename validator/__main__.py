"""``python -m validator`` is the ``handbook`` command."""

from validator.cli import main

raise SystemExit(main())
