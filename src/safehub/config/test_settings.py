"""Settings for the test suite: production settings with fast hashing and plain HTTP."""

import os

os.environ.setdefault("SAFEHUB_TESTING", "1")
os.environ.setdefault("SAFEHUB_HTTPS", "0")

from safehub.config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never in production
SAFEHUB_REQUIRE_2FA = False  # tests that check two-factor sign-in switch it on
AXES_ENABLED = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}  # no figures carried between tests
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405

import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

DATA_DIR = Path(tempfile.mkdtemp(prefix="safehub-test-"))  # files the app writes (models, snapshots) stay out of var/
