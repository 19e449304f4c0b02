"""Mixed front-door work for locust: MASH queue, person search and contact submission.

Used by frontdoor_load_bench.py (and by hand: locust -f benchmarks/locust_frontdoor.py --host ...).
"""

from __future__ import annotations

import random
import re
import uuid

from locust import HttpUser, between, task

NAMES = ["Smith", "Khan", "Jones", "Begum", "Nowak", "Williams", "Ahmed", "Taylor", "Patel", "Brown"]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class FrontDoorPractitioner(HttpUser):
    wait_time = between(0.05, 0.2)

    def on_start(self) -> None:
        page = self.client.get("/sign-in/", name="sign-in")
        token = TOKEN.search(page.text).group(1)
        self.client.post(
            "/sign-in/",
            {"csrfmiddlewaretoken": token, "username": "demo.mash", "password": "safehub-demo-2025"},
            headers={"Referer": self.host + "/sign-in/"},
            name="sign-in",
        )
        self.csrf = self.client.cookies.get("csrftoken")

    def _post(self, path: str, data: dict, name: str):
        data = {"csrfmiddlewaretoken": self.csrf, **data}
        return self.client.post(
            path,
            data,
            headers={"Referer": self.host + path, "X-CSRFToken": self.csrf},
            name=name,
            allow_redirects=False,
        )

    @task(4)
    def mash_queue(self) -> None:
        self.client.get("/front-door/", name="MASH queue")

    @task(4)
    def person_search(self) -> None:
        self._post("/people/", {"query": random.choice(NAMES)}, name="person search")

    @task(4)
    def submit_contact(self) -> None:
        response = self._post(
            "/front-door/contacts/new/",
            {
                "source": "2A",
                "received_at": "01/03/2025 10:00",
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
        )
        if response.status_code != 302:
            response.failure(f"contact not recorded: {response.status_code}")
