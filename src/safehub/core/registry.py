"""Find what each installed app contributes, by convention, without core naming any app.

An app offers a contribution by having a module of an agreed name: ``<app>/chronology.py`` with
``chronology(person, user)`` for the person's chronology, ``<app>/home.py`` with
``home_panels(user, now=...)`` for the home page. Apps are asked in ``INSTALLED_APPS`` order, so a
new app joins by existing, and ``core`` imports no domain app (the import-linter contract).
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from types import ModuleType

from django.apps import apps


@cache
def app_modules(submodule: str) -> tuple[ModuleType, ...]:
    """Return ``<app>.<submodule>`` for every installed Safehub app that has one, in settings order."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("safehub.") or config.name == "safehub.core":
            continue
        name = f"{config.name}.{submodule}"
        try:
            found.append(import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:  # the module exists but imports something missing: a real error
                raise
    return tuple(found)
