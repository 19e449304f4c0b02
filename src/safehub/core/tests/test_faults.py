"""Faults against a real PostgreSQL server that the test starts, stops and starts again.

A scratch cluster is created under a temporary directory (on a free port), so the suite's own
database is never touched. Skipped only where PostgreSQL's server binaries are not installed.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]
BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)

pytestmark = pytest.mark.faults


def _as_postgres(*args: str, **kwargs) -> subprocess.CompletedProcess:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *args], capture_output=True, text=True, timeout=120, **kwargs)


@pytest.fixture(scope="module")
def scratch_pg():
    if not BIN or not (BIN[0] / "initdb").exists():
        pytest.skip("PostgreSQL server binaries are not installed")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("runuser is needed to run PostgreSQL as the postgres user")
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="safehub-pg-"))  # directly under /tmp so the postgres user can reach it
    data = base / "data"
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
    init = _as_postgres(str(BIN[0] / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres")
    assert init.returncode == 0, init.stderr
    port = _free_port()  # each test worker gets its own scratch cluster
    cluster = {"data": data, "log": base / "pg.log", "socket": base, "port": port}

    def start():
        result = _as_postgres(
            str(BIN[0] / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(cluster["log"]),
            "-w",
            "-o",
            f"-p {port} -k {base} -c listen_addresses=127.0.0.1",
            "start",
        )
        assert result.returncode == 0, result.stderr + Path(cluster["log"]).read_text()

    def stop(mode: str = "immediate"):
        _as_postgres(str(BIN[0] / "pg_ctl"), "-D", str(data), "-m", mode, "-w", "stop")

    cluster.update(start=start, stop=stop, url=f"postgres://postgres@127.0.0.1:{port}/postgres")
    start()
    yield cluster
    stop("fast")
    shutil.rmtree(base, ignore_errors=True)


def _env(url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        {
            "DATABASE_URL": url,
            "SAFEHUB_DEMO": "1",
            "DJANGO_SETTINGS_MODULE": "safehub.config.settings",
            "DATABASE_CONN_MAX_AGE": "0",
        }
    )
    return env


def _safehub(env, *args, timeout=300):
    return subprocess.run(
        [sys.executable, "-m", "safehub", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def app_db(scratch_pg):
    env = _env(scratch_pg["url"])
    assert _safehub(env, "migrate", "--noinput", "-v0").returncode == 0
    seeded = _safehub(env, "seed_demo", "--scale", "0.001", "--only", "agencies", "people")
    assert seeded.returncode == 0, seeded.stderr
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_transaction_interrupted_by_database_stop_leaves_nothing_half_written(scratch_pg, app_db):
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    stop_command = [
        *as_postgres,
        str(BIN[0] / "pg_ctl"),
        "-D",
        str(scratch_pg["data"]),
        "-m",
        "immediate",
        "-w",
        "stop",
    ]
    script = f"""
import subprocess, django
django.setup()
from django.db import transaction, connection
from django.utils import timezone
from safehub.agencies.models import Membership
from safehub.frontdoor import services
user = Membership.objects.get(user__username="demo.mash").user
try:
    with transaction.atomic():
        services.contact_record(by=user, now=timezone.now(), received_at=timezone.now(), source="2A", summary="x",
            consent="GIVEN", children=[services.ChildEntry(family_name="Halfwritten", child_voice="said hi")])
        subprocess.run({stop_command!r}, check=True, capture_output=True)
    print("COMMITTED")
except Exception as exc:
    print("FAILED", type(exc).__name__, getattr(exc, "stderr", ""), getattr(exc, "messages", ""))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], env=app_db, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert "FAILED OperationalError" in result.stdout or "FAILED InterfaceError" in result.stdout, (
        result.stdout + result.stderr
    )
    scratch_pg["start"]()
    check = _safehub(
        app_db,
        "shell",
        "-c",
        "from safehub.frontdoor.models import Contact; "
        "from safehub.core.models import AuditEvent; "
        "print(Contact.objects.filter(child_family_name='Halfwritten').count(), "
        "AuditEvent.objects.filter(object_type='frontdoor.Contact').count())",
    )
    assert check.stdout.strip().splitlines()[-1] == "0 0"


def test_pages_show_a_reference_while_the_database_is_down_and_recover(scratch_pg, app_db):
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "safehub", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=app_db,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def get(path):
        try:
            with opener.open(base + path, timeout=30) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    try:
        for _ in range(60):
            try:
                get("/sign-in/")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        status, html = get("/sign-in/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": "demo.mash", "password": "safehub-demo-2025"}
        ).encode()
        request = urllib.request.Request(base + "/sign-in/", data=form, headers={"Referer": base + "/sign-in/"})
        opener.open(request, timeout=30)
        assert get("/front-door/")[0] == 200
        scratch_pg["stop"]()
        status, html = get("/front-door/")
        assert status == 503
        assert "The database is not answering" in html
        assert re.search(r"quote reference <strong>[0-9A-F]{10}</strong>", html)
        scratch_pg["start"]()
        assert get("/front-door/")[0] == 200  # back without restarting the app
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "Halfwritten" not in output


@pytest.mark.django_db
def test_disk_full_on_sqlite_fails_cleanly(client, mash_worker, settings):
    """SQLite's page limit stands in for a full disk: the write fails whole and the user gets a reference."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the page-limit stand-in for a full disk is SQLite's")
    from safehub.frontdoor.models import Contact

    client.force_login(mash_worker)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages}")
    try:
        response = client.post(
            "/front-door/contacts/new/",
            {
                "source": "2A",
                "received_at": "01/03/2025 10:00",
                "urgency": "STANDARD",
                "summary": "x" * 20000,
                "consent": "GIVEN",
                "child-TOTAL_FORMS": "1",
                "child-INITIAL_FORMS": "0",
                "child-0-family_name": "Full",
                "child-0-child_voice": "y" * 20000,
                "child-0-sex": "U",
                "child-0-ethnicity": "NOBT",
            },
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA max_page_count = 1073741823")
    assert response.status_code == 503
    assert b"quote reference" in response.content
    assert not Contact.objects.filter(child_family_name="Full").exists()
