"""The `field-assistant` command with the desktop app's `gui` subcommand added to the core's CLI.

The console script and the bundle's launcher start here, so `assistant/` has no path into the
GUI: it only runs the commands it is given. Qt is imported only when `gui` runs.
"""

from __future__ import annotations

import argparse

from assistant import cli


def _gui(args, session) -> int:
    from .app import run  # here: every other command runs without loading Qt

    session.close()
    return run(kiosk=args.kiosk, screenshot=args.screenshot)


def add_gui(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("gui", help="open the desktop app")
    s.add_argument("--kiosk", action="store_true", help="full-screen kiosk mode for rugged tablets")
    s.add_argument("--screenshot", metavar="PNG", help="save a screenshot of the ready window and exit")
    s.set_defaults(func=_gui)


def main(argv: list[str] | None = None) -> int:
    return cli.main(argv, commands=[add_gui])


if __name__ == "__main__":
    raise SystemExit(main())
