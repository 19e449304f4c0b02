"""The ``safehub`` console script: Django's management commands with Safehub's settings preset."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safehub.config.settings")
    args = list(sys.argv if argv is None else ["safehub", *argv])
    # `safehub match file` / `match dedupe-file` need no configuration: run them before Django
    # is set up, so no secret key or database is asked for.
    if len(args) > 2 and args[1] == "match" and args[2] in ("file", "dedupe-file"):
        from safehub.matching.cli import main as match_main

        raise SystemExit(match_main(args[2:]))
    # Contract names with a dash map onto Django command names.
    aliases = {"annex-a": "annex_a"}
    if len(args) > 1 and args[1] in aliases:
        args[1] = aliases[args[1]]
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    # Settings are read before any command runs: missing configuration (no secret key outside demo
    # mode, a bad DATABASE_URL) is one plain line, never a traceback.
    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 - loads the settings module
    except ImproperlyConfigured as exc:
        sys.stderr.write(
            f"safehub: configuration: {exc} (set it in the environment or .env; SAFEHUB_DEMO=1 for the demo)\n"
        )
        raise SystemExit(2) from None
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
