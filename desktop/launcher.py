"""The single entry point of the installed and the frozen program.

``plan-drafter`` with no arguments or a draft path opens the window;
``plan-drafter --selftest`` runs the headless self-test; a command-line verb
(``new``, ``check``, ``template``, ``export``, ``ledger``, ``report``, ``--version``) runs the command line, so
the frozen bundle serves clerks and scripts alike.
"""

from __future__ import annotations

import sys

# The command line's verbs (tests/test_architecture.py keeps them equal to the parser's).
CLI_VERBS = {"new", "check", "template", "export", "ledger", "report", "--version", "-h", "--help"}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "--selftest":
        from desktop.selftest import main as selftest

        return selftest(args[1:])
    if args and args[0] in CLI_VERBS:
        from desktop.cli import main as cli

        return cli(args)
    from desktop.ui.app import main as gui

    return gui([sys.argv[0], *args])


if __name__ == "__main__":
    sys.exit(main())
