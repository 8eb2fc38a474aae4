"""`python -m assistant.cli`: the core's commands without the desktop app's `gui`."""

from . import main

raise SystemExit(main())
