"""Browser-test helpers: Playwright driving Debian's chromium, and the axe-core accessibility check."""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def browser_page(live_server_url: str, session_cookie: str | None = None):
    """Yield a Playwright page, signed in when a session cookie value is given."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the ORM is used while Playwright's loop runs
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        # bypass_csp lets the test inject axe-core; the app itself still sends its policy.
        context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
        if session_cookie:
            host = live_server_url.split("//", 1)[1].split(":")[0]
            context.add_cookies([{"name": "sessionid", "value": session_cookie, "domain": host, "path": "/"}])
        page = context.new_page()
        try:
            yield page
        finally:
            context.close()
            browser.close()


def session_for(client, user) -> str:
    client.force_login(user)
    return client.cookies["sessionid"].value


def axe_violations(page, *, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core on the page and return violations of the given impacts."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
