"""Front-door work for locust, in two shapes (choose the user class on the command line).

``FrontDoorPractitioner``: mixed work (MASH queue, person search by surname, contact submission)
paced at one request a second per user: 20 users offer 20 requests a second, several times what a
busy MASH team does, and latency is measured without the load generator saturating the server.

``ContactSubmitter``: contact submission back to back with no pause, to measure how many contacts a
second the front door can take (the issue's "over 100 contacts a second").

Used by frontdoor_load_bench.py (and by hand: locust -f benchmarks/locust_frontdoor.py --host ...).
FastHttpUser keeps the load generator's own CPU low: it shares the machine's two cores.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from locust import FastHttpUser, constant, constant_pacing, task
from requests.cookies import create_cookie

NAMES = ["Smith", "Khan", "Jones", "Begum", "Nowak", "Williams", "Ahmed", "Taylor", "Patel", "Brown"]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
UK = ZoneInfo("Europe/London")
_counter = itertools.count()


def _next_session() -> int:
    count = len([s for s in os.environ.get("SAFEHUB_LOAD_SESSIONS", "").split(",") if s])
    return next(_counter) % count


class _SignedIn(FastHttpUser):
    abstract = True

    def on_start(self) -> None:
        # Signed-in sessions are prepared by the benchmark (SAFEHUB_LOAD_SESSIONS), so the run measures
        # front-door work, not 20 deliberate password hashes at once; by hand, sign in with the form.
        sessions = [s for s in os.environ.get("SAFEHUB_LOAD_SESSIONS", "").split(",") if s]
        if sessions:
            host = self.host.split("//", 1)[1].split(":")[0]
            self.client.cookiejar.set_cookie(create_cookie("sessionid", sessions[_next_session()], domain=host))
        else:
            page = self.client.get("/sign-in/", name="sign-in")
            match = TOKEN.search(page.text or "")
            assert match, "no sign-in form"
            self.client.post(
                "/sign-in/",
                data={"csrfmiddlewaretoken": match.group(1), "username": "demo.mash", "password": "safehub-demo-2025"},
                headers={"Referer": self.host + "/sign-in/"},
                name="sign-in",
            )
        self.client.get("/people/", name="search page")  # sets the CSRF cookie
        self.csrf = next(c.value for c in self.client.cookiejar if c.name == "csrftoken")

    def _post(self, path: str, data: dict, name: str, extra_headers: dict | None = None, **kw):
        return self.client.post(
            path,
            data={"csrfmiddlewaretoken": self.csrf, **data},
            headers={"Referer": self.host + path, "X-CSRFToken": self.csrf, **(extra_headers or {})},
            name=name,
            allow_redirects=False,
            **kw,
        )

    def submit_contact(self) -> None:
        with self._post(
            "/front-door/contacts/new/",
            {
                "source": "2A",
                "received_at": datetime.now(UK).strftime("%d/%m/%Y %H:%M"),
                "urgency": "STANDARD",
                "summary": "Load test: child arrived hungry and upset.",
                "consent": "GIVEN",
                "idempotency_key": uuid.uuid4().hex,
                "child-TOTAL_FORMS": "1",
                "child-INITIAL_FORMS": "0",
                "child-MIN_NUM_FORMS": "0",
                "child-MAX_NUM_FORMS": "8",
                "child-0-family_name": random.choice(NAMES),
                "child-0-given_name": "Loadtest",
                "child-0-sex": "U",
                "child-0-ethnicity": "NOBT",
                "child-0-child_voice": "Said they were hungry.",
            },
            name="contact submission",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"contact not recorded: {response.status_code}")
        # A browser follows the redirect and shows the "contact recorded" message, which clears it;
        # without that the message cookie would grow with every submission.
        for cookie in [c for c in self.client.cookiejar if c.name == "messages"]:
            self.client.cookiejar.clear(cookie.domain, cookie.path, cookie.name)


class FrontDoorPractitioner(_SignedIn):
    wait_time = constant_pacing(1.0)

    @task(4)
    def mash_queue(self) -> None:
        with self.client.get("/front-door/", name="MASH queue", catch_response=True) as response:
            if response.status_code != 200 or b"MASH queue" not in (response.content or b""):
                response.failure(f"queue not shown: {response.status_code}")

    @task(4)
    def person_search(self) -> None:
        # The search page posts with htmx and swaps in the results table (people/_results.html), as
        # a browser does: the page around it was loaded once, in on_start.
        with self._post(
            "/people/",
            {"query": random.choice(NAMES)},
            name="person search",
            catch_response=True,
            extra_headers={"HX-Request": "true", "HX-Target": "results"},
        ) as response:
            if response.status_code != 200 or b"result" not in (response.content or b""):
                response.failure(f"search failed: {response.status_code}")

    @task(4)
    def contact(self) -> None:
        self.submit_contact()


class ContactSubmitter(_SignedIn):
    wait_time = constant(0)

    @task
    def contact(self) -> None:
        self.submit_contact()
