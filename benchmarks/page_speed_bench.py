"""Page speed: sign in as every demo role, crawl every page each can reach, and time each page as
served in production (gunicorn, sync workers): the city-scale demo on SQLite, or a larger one on
PostgreSQL.

    python benchmarks/page_speed_bench.py [--data-dir var/bench-city] [--scale 1] [--max-pages 100]
        [--repeats 4] [--workers 2] [--database-url postgres://...] [--target-p95 300] [--name page_speed]

With ``--database-url`` the pages are served from that PostgreSQL database (seeded there when it
holds no city), as production runs; the issue's region target is ``--scale 50 --target-p95 500``.

Reuses a seeded database in ``--data-dir`` when there is one (seeding a city takes about ten
minutes); otherwise migrates and runs ``seed_demo --scale N`` there. Each demo user's crawl is
breadth first from the home page (links only, no forms), one request at a time; every page met
is then fetched ``--repeats`` more times. A "page" is a URL with its numbers replaced by {id} and
its query reduced to the names of its parameters, so "/people/12/" and "/people/97/" are one page.

Writes benchmarks/results/<name>.json: p50, p95 and max per page (targets: p95 under
``--target-p95`` ms, no request over 1 s), the slowest pages and the machine's load average while it ran.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import defaultdict, deque
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
PY = sys.executable
TARGET_P95_MS = 300
TARGET_MAX_MS = 1000
# Figures the issue measured before this work (city scale, SQLite): page -> milliseconds.
BASELINES = {
    "/insight/": ("issue 23: /insight/ at city scale before", 5000),
    "/front-door/police-timeliness/": ("issue 23: police timeliness at city scale before", 2500),
    "/people/duplicates/": ("issue 23: possible duplicates at city scale before", 2600),
}
SKIP = ("/sign-out/", "/static/", "/media/", "/api/docs", "/admin/")


DATABASE_URL: str | None = None  # set from --database-url: PostgreSQL instead of the data directory's SQLite


def _env(data_dir: Path) -> dict:
    env = dict(os.environ)
    env.update({"SAFEHUB_DATA_DIR": str(data_dir), "SAFEHUB_DEMO": "1", "DJANGO_SETTINGS_MODULE":
                "safehub.config.settings", "SAFEHUB_LOG_LEVEL": "WARNING", "SAFEHUB_BULK_READ_ALERT_OFF": "1"})  # fmt: skip
    env.pop("DATABASE_URL", None)  # SQLite in the data directory, as the city-scale target says
    if DATABASE_URL:
        env["DATABASE_URL"] = DATABASE_URL
    return env


def _safehub(data_dir: Path, *args: str, capture: bool = False) -> str:
    done = subprocess.run([PY, "-m", "safehub", *args], env=_env(data_dir), capture_output=capture, text=True,
                          check=True)  # fmt: skip
    return done.stdout if capture else ""


def prepare(data_dir: Path, scale: float) -> dict:
    """Migrate, and seed unless the data directory already holds a seeded city."""
    data_dir.mkdir(parents=True, exist_ok=True)
    _safehub(data_dir, "migrate", "--noinput", "-v0")
    people = int(_safehub(data_dir, "shell", "-c", "from safehub.people.models import Person; "
                          "print(Person.objects.count())", capture=True).strip().splitlines()[-1])  # fmt: skip
    seconds = 0.0
    if people < 1000:
        started = time.perf_counter()
        _safehub(data_dir, "seed_demo", "--scale", str(scale))
        seconds = time.perf_counter() - started
        people = int(_safehub(data_dir, "shell", "-c", "from safehub.people.models import Person; "
                              "print(Person.objects.count())", capture=True).strip().splitlines()[-1])  # fmt: skip
    return {"people": people, "seed_seconds": round(seconds, 1)}


def sessions(data_dir: Path) -> dict[str, tuple[str, str]]:
    """A signed-in session for each named demo user, which between them hold every role (made directly:
    password hashing is slow by design). The caseload's many generated social workers are left out."""
    code = (
        "import json\nfrom django.test import Client\nfrom safehub.agencies.models import Membership\n"
        "from safehub.demo.agencies import USERS\nfrom safehub.demo.partnership import SCRUTINEER\nout = {}\n"
        "names = [u[0] for u in USERS] + [SCRUTINEER[0]]\n"
        "for m in Membership.objects.select_related('user').filter(user__username__in=names):\n"
        "    c = Client(); c.force_login(m.user); out[m.user.username] = (c.cookies['sessionid'].value, m.role)\n"
        "print(json.dumps(out))"
    )
    return json.loads(_safehub(data_dir, "shell", "-c", code, capture=True).strip().splitlines()[-1])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(data_dir: Path, workers: int) -> tuple[list[subprocess.Popen], int]:
    """gunicorn as in production, with the task worker beside it as ``make serve`` runs it (it keeps
    the measures snapshot built: insight.tasks.refresh_snapshot)."""
    port = _free_port()
    server = subprocess.Popen([str(Path(PY).parent / "gunicorn"), "safehub.config.wsgi:application", "-b",
                               f"127.0.0.1:{port}", "-w", str(workers), "--preload", "--timeout", "90",
                               "--log-level", "warning"], env=_env(data_dir), cwd=ROOT)  # fmt: skip
    worker = subprocess.Popen(
        [PY, "-m", "safehub", "db_worker", "--queue-name", "*", "-v0"], env=_env(data_dir), cwd=ROOT
    )
    for _ in range(240):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                _settled(worker.pid)
                return [server, worker], port
        except OSError:
            time.sleep(0.5)
    server.kill()
    worker.kill()
    raise SystemExit("gunicorn did not start")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _settled(pid: int, *, limit: float = 60.0) -> None:
    """Wait until the task worker has finished starting (its CPU time stops growing for a second):
    on a running system it has long been up, and its start-up is not the pages' to pay for."""
    deadline = time.monotonic() + limit
    before = _cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(1)
        now = _cpu_seconds(pid)
        if now - before < 0.05:
            return
        before = now


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)
_HREF = re.compile(r'<a\b[^>]*\bhref="([^"]+)"', re.IGNORECASE)


def fetch(port: int, url: str, session: str) -> tuple[int, float, str]:
    """GET a page; return its status, the milliseconds to the last byte and the body (HTML only)."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{url}", headers={"Cookie": f"sessionid={session}"})
    started = time.perf_counter()
    try:
        with _OPENER.open(request, timeout=60) as response:
            body = response.read()
            status, kind = response.status, response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        body, status, kind = exc.read(), exc.code, exc.headers.get("Content-Type", "")
    except OSError as exc:  # no answer in time, or the worker was killed: a failure, not the end of the run
        ms = (time.perf_counter() - started) * 1000
        print(f"    no answer after {ms:.0f} ms: {url} ({exc.__class__.__name__})", flush=True)
        return 0, ms, ""
    ms = (time.perf_counter() - started) * 1000
    if ms > TARGET_MAX_MS:
        print(f"    {ms:6.0f} ms {status} {url}", flush=True)
    return status, ms, body.decode("utf-8", "replace") if "html" in kind else ""


def warm_up(port: int, sessions: list[str], workers: int) -> None:
    """Give every worker its first requests before anything is timed.

    A worker's first request imports every app's views (Django loads the URLconf lazily): about
    10 s on this loaded machine. Users meet that once after a restart, so it is kept out of the
    figures; concurrent requests reach each sync worker.
    """
    from concurrent.futures import ThreadPoolExecutor

    jobs = [session for session in sessions for _ in range(2)][: workers * 4]
    with ThreadPoolExecutor(max_workers=workers * 2) as pool:
        list(pool.map(lambda session: fetch(port, "/", session), jobs))


def page_key(url: str) -> str:
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/|$)", "/{id}", parts.path)
    path = re.sub(r"/\d{4}-\d{2}(?=/|$)", "/{year}", path)
    names = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + (f"?{'&'.join(names)}" if names else "")


def _links(html: str, base: str) -> list[str]:
    out = []
    for href in _HREF.findall(html):
        href = href.replace("&amp;", "&")
        if href.startswith(("mailto:", "tel:", "javascript:", "#", "http://", "https://", "//")):
            continue
        parts = urlsplit(href if href.startswith("/") else base.rsplit("/", 1)[0] + "/" + href)
        if parts.path.startswith(SKIP):
            continue
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def crawl(port: int, username: str, session: str, max_pages: int, samples: dict, first: dict, errors: list) -> int:
    queue: deque[str] = deque(["/"])
    seen = {"/"}
    pages = 0
    per_key: dict[str, int] = defaultdict(int)
    while queue and pages < max_pages:
        url = queue.popleft()
        key = page_key(url)
        if per_key[key] >= 3:  # three addresses of one page are enough to time it; go wider instead
            continue
        per_key[key] += 1
        status, ms, html = fetch(port, url, session)
        pages += 1
        if status >= 500 or status == 0:
            errors.append({"user": username, "url": url, "status": status, "ms": round(ms)})
        if status != 200:
            continue
        samples[key].append(ms)
        first.setdefault(key, (url, username, session))
        for link in _links(html, url):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return pages


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var" / "bench-city")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--max-pages", type=int, default=100, help="pages crawled per demo user")
    parser.add_argument("--repeats", type=int, default=4, help="extra fetches of each page")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default=None, help="serve from this PostgreSQL database instead")
    parser.add_argument("--target-p95", type=int, default=TARGET_P95_MS, help="ms (the region target is 500)")
    parser.add_argument("--name", default="page_speed", help="results file name, without .json")
    parser.add_argument("--snapshot-built", action="store_true",
                        help="the seed has just built the measures snapshot: do not build it again")  # fmt: skip
    args = parser.parse_args()
    if args.max_pages < 1 or args.repeats < 0 or args.scale <= 0 or args.target_p95 < 1:
        raise SystemExit("--max-pages must be at least 1, --repeats at least 0, --scale and --target-p95 above 0")
    if args.database_url and not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("--database-url must be a postgres:// address")
    if not re.fullmatch(r"[a-z0-9_]+", args.name):
        raise SystemExit("--name must be lower-case letters, digits and underscores")
    global DATABASE_URL
    DATABASE_URL = args.database_url
    target_p95 = args.target_p95
    engine = "PostgreSQL" if DATABASE_URL else "SQLite"
    load_before = os.getloadavg()
    city = prepare(args.data_dir, args.scale)
    users = sessions(args.data_dir)
    # The task worker keeps the measures snapshot built on a running system; after a pause the bench
    # builds it once, as the worker would have (demo/snapshot.py), so no page times the first build.
    if not args.snapshot_built:
        _safehub(args.data_dir, "seed_demo", "--only", "snapshot", "--scale", str(args.scale))
    servers, port = serve(args.data_dir, args.workers)
    samples: dict[str, list[float]] = defaultdict(list)
    first: dict[str, tuple[str, str, str]] = {}
    errors: list[dict] = []
    started = time.perf_counter()
    try:
        warm_up(port, [s for s, _ in users.values()], args.workers)
        for username, (session, role) in sorted(users.items()):
            n = crawl(port, username, session, args.max_pages, samples, first, errors)
            print(f"{username:22s} {role:28s} {n:4d} pages", flush=True)
        for key, (url, _username, session) in first.items():
            for _ in range(args.repeats):
                status, ms, _ = fetch(port, url, session)
                if status == 200:
                    samples[key].append(ms)
    finally:
        for server in servers:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    load_after = os.getloadavg()
    rows = []
    table = []
    for key, values in sorted(samples.items()):
        p50, p95, worst = _pct(values, 50), _pct(values, 95), max(values)
        table.append((p95, worst, p50, key, len(values), first[key][1]))
        baseline, baseline_value = BASELINES.get(key, (None, None))
        rows += [
            {"metric": f"{key} p50", "value": round(p50, 1), "unit": "ms", "target": None, "better": "lower",
             "baseline": None, "baseline_value": None},
            {"metric": f"{key} p95", "value": round(p95, 1), "unit": "ms", "target": target_p95,
             "better": "lower", "baseline": baseline, "baseline_value": baseline_value},
            {"metric": f"{key} max", "value": round(worst, 1), "unit": "ms", "target": TARGET_MAX_MS,
             "better": "lower", "baseline": None, "baseline_value": None},
        ]  # fmt: skip
    over_p95 = [t for t in table if t[0] > target_p95]
    over_max = [t for t in table if t[1] > TARGET_MAX_MS]
    summary = [
        {"metric": "pages timed", "value": len(table), "unit": "pages", "target": None, "better": "higher",
         "baseline": None, "baseline_value": None},
        {"metric": "requests timed", "value": sum(len(v) for v in samples.values()), "unit": "requests",
         "target": None, "better": "higher", "baseline": None, "baseline_value": None},
        {"metric": f"pages with p95 over {target_p95} ms", "value": len(over_p95), "unit": "pages", "target": 0,
         "better": "lower", "baseline": None, "baseline_value": None},
        {"metric": "pages with a request over 1 s", "value": len(over_max), "unit": "pages", "target": 0,
         "better": "lower", "baseline": None, "baseline_value": None},
        {"metric": "server errors met while crawling", "value": len(errors), "unit": "requests", "target": 0,
         "better": "lower", "baseline": None, "baseline_value": None},
        {"metric": "load average (1 min) before / after", "value": [round(load_before[0], 2),
         round(load_after[0], 2)], "unit": "runnable processes (2 cores)", "target": None, "better": "lower",
         "baseline": None, "baseline_value": None},
        {"metric": "city", "value": city["people"], "unit": f"people (seed_demo --scale {args.scale:g}, {engine})",
         "target": None, "better": None, "baseline": None, "baseline_value": None},
        {"metric": "bench seconds", "value": round(time.perf_counter() - started, 1), "unit": "s",
         "target": None, "better": "lower", "baseline": None, "baseline_value": None},
    ]  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.name}.json").write_text(json.dumps(summary + rows, indent=2) + "\n", encoding="utf-8")
    print(f"\n{len(table)} pages; load average {load_before[0]:.2f} -> {load_after[0]:.2f}")
    print("slowest pages by p95 (ms): p95 / max / p50, samples, first user")
    for p95, worst, p50, key, n, user in sorted(table, reverse=True)[:25]:
        print(f"  {p95:7.0f} {worst:7.0f} {p50:7.0f}  {n:3d}  {user:20s} {key}")
    for error in errors[:20]:
        print(f"  5xx: {error}")
    print(f"pages over {target_p95} ms p95: {len(over_p95)}; over 1 s: {len(over_max)}; server errors: {len(errors)}")


if __name__ == "__main__":
    main()
