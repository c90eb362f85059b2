"""The ``alliance`` command: Django's management commands with Alliance's settings.

Works from any directory: ``alliance migrate``, ``alliance demo``, ``alliance serve``,
``alliance audit verify`` and every other command. A bad setting stops it with one line on
stderr and exit code 2.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")
    from alliance.core.measures import InstrumentDefinitionError
    from alliance.lib.env import ConfigurationError

    try:
        import django

        django.setup()
    except (ConfigurationError, InstrumentDefinitionError) as exc:
        sys.stderr.write(f"alliance: {exc}\n")
        raise SystemExit(2) from None
    from django.core.management import execute_from_command_line

    execute_from_command_line(["alliance", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
