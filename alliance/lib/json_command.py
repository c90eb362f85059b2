"""Management commands that print one JSON document, and fail with one line and exit code 2.

stdout gets exactly ``json.dumps(result, sort_keys=True)`` and a newline. Bad input of any kind
(an argparse error, a :class:`~core.errors.DomainError`, an invalid definition) writes
``alliance <command>: <message>`` to stderr, nothing to stdout, and exits with code 2, so scripts
can tell "you asked for something impossible" from a crash (a traceback, exit 1). Through
``call_command`` the same failures raise :class:`CommandError` with ``returncode`` 2.
"""

from __future__ import annotations

import json
import re
import sys
from argparse import Namespace
from collections.abc import Sequence
from typing import Any, NoReturn

from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    handle_default_options,
)
from django.db import DatabaseError, connections

from alliance.core.errors import DomainError
from alliance.core.measures import InstrumentDefinitionError

BAD_INPUT = 2
# A comma-separated value that starts with "-" ("-1,0,2", "-,1,2"): argparse would take it for
# an option and report "expected one argument", so it is glued to the option before it.
_DASHED_LIST = re.compile(r"^-[^-].*,|^-,")


def bad_input(message: str) -> CommandError:
    """The error for input the command refuses: exit code 2, the message on one line."""
    return CommandError(" ".join(message.split()), returncode=BAD_INPUT)


class JsonParser(CommandParser):
    """A parser whose errors are one line (no usage block) and exit code 2."""

    def error(self, message: str) -> NoReturn:
        raise bad_input(message)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: Namespace | None = None
    ) -> tuple[Namespace, list[str]]:
        return super().parse_known_args(_glue_dashed_lists(args), namespace)


def _glue_dashed_lists(args: Sequence[str] | None) -> list[str] | None:
    if args is None:
        return None
    glued: list[str] = []
    for arg in args:
        previous = glued[-1] if glued else ""
        if _DASHED_LIST.match(arg) and previous.startswith("--") and "=" not in previous:
            glued[-1] = f"{previous}={arg}"
        else:
            glued.append(arg)
    return glued


class JsonCommand(BaseCommand):
    """Subclasses implement :meth:`run`, returning JSON-serialisable data."""

    # Pure calculations: system-check warnings would break the one-document stdout contract.
    requires_system_checks: list[str] = []

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # Django builds a plain CommandParser with no hook to choose the class; JsonParser adds
        # no state, so switching the class changes only how errors are reported.
        parser.__class__ = JsonParser
        return parser

    def add_subcommands(self, parser: CommandParser, dest: str, *, required: bool = True) -> Any:
        """``add_subparsers`` whose sub-parsers report errors the same one-line way."""
        return parser.add_subparsers(dest=dest, required=required, parser_class=JsonParser)

    def run(self, **options: Any) -> object:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = self.run(**options)
        except (DomainError, InstrumentDefinitionError) as exc:
            raise bad_input(str(exc)) from exc
        except DatabaseError as exc:
            raise CommandError(
                f"the database is not ready ({exc}); run `alliance migrate` first"
            ) from exc
        self.stdout.write(json.dumps(result, sort_keys=True) + "\n", ending="")

    def run_from_argv(self, argv: list[str]) -> None:
        self._called_from_command_line = True
        try:
            parser = self.create_parser(argv[0], argv[1])
            options = parser.parse_args(argv[2:])
            cmd_options = vars(options)
            args = cmd_options.pop("args", ())
            handle_default_options(options)
            self.execute(*args, **cmd_options)
        except CommandError as exc:
            if "--traceback" in argv:
                raise
            message = " ".join(str(exc).split())
            self.stderr.write(f"alliance {argv[1]}: {message}", style_func=lambda text: text)
            sys.exit(exc.returncode)
        finally:
            connections.close_all()
