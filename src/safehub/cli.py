"""The ``safehub`` console script: Django's management commands with Safehub's settings preset."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safehub.config.settings")
    args = list(sys.argv if argv is None else ["safehub", *argv])
    # Contract names with a dash map onto Django command names.
    aliases = {"annex-a": "annex_a"}
    if len(args) > 1 and args[1] in aliases:
        args[1] = aliases[args[1]]
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
