"""Entry point of the frozen app: the GUI by default; CLI subcommands from the same executable."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from assistant.cli import main

    if len(sys.argv) == 1:
        sys.argv.append("gui")  # a double-click starts the desktop app
    sys.exit(main())
