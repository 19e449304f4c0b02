"""Crawl the site as one user, in-process, and report what a user must never meet.

Three findings, each tied to the page that led there:
- ``server_error``: a page answered 5xx;
- ``forbidden_link``: a page linked to a page the same user is refused (403);
- ``break_glass_link``: a page linked to a person's record that this user can only open with
  break-glass (a worklist must only list people the user may open).

Only GET links (``href``) inside the site are followed, breadth first from the home page; sign-out
and static files are skipped; query strings are kept (paging, filters, CSV downloads).
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

SKIP_PREFIXES = ("/sign-out/", "/static/", "/media/", "/api/docs", "/admin/")
PERSON_PAGE = re.compile(r"^/people/(\d+)/$")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


@dataclass
class CrawlReport:
    username: str
    pages: int = 0
    findings: list[dict] = field(default_factory=list)

    def add(self, kind: str, url: str, source: str, status: int) -> None:
        self.findings.append({"kind": kind, "url": url, "from": source, "status": status})


def _internal(href: str, base: str) -> str | None:
    if href.startswith(("mailto:", "tel:", "javascript:", "#")):
        return None
    url = urljoin(base, href)
    parts = urlsplit(url)
    if parts.netloc not in ("", "testserver"):
        return None
    path = parts.path or "/"
    if path.startswith(SKIP_PREFIXES):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def crawl(client, *, username: str, max_pages: int = 200, start: str = "/") -> CrawlReport:
    """Follow links from ``start`` as the client's signed-in user; return what was found."""
    report = CrawlReport(username)
    queue: deque[tuple[str, str]] = deque([(start, "")])
    seen = {start}
    while queue and report.pages < max_pages:
        url, source = queue.popleft()
        response = client.get(url)
        report.pages += 1
        status = response.status_code
        if status >= 500:
            report.add("server_error", url, source, status)
            continue
        if status == 403:
            report.add("forbidden_link", url, source, status)
            continue
        if status in (301, 302, 303, 307, 308):
            location = response.get("Location", "")
            if PERSON_PAGE.match(urlsplit(url).path) and "/break-glass/" in location:
                report.add("break_glass_link", url, source, status)
            continue
        if status != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Links()
        parser.feed(response.content.decode("utf-8", "replace"))
        for href in parser.links:
            target = _internal(href, url)
            if target and target not in seen:
                seen.add(target)
                queue.append((target, url))
    return report
