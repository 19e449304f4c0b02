"""Where Safehub may send a webhook: public https endpoints only (server-side request forgery defence).

A webhook makes Safehub's server open a connection to an address an agency typed. Left open, that
reaches the server's own admin ports, the cloud metadata service (169.254.169.254) and the
council's internal network. The rules (OWASP SSRF prevention cheat sheet):

- the URL is parsed with the standard parser, never by string prefix, so
  ``http://localhost:@evil.example/hook`` is seen for what it is (user ``localhost``, host
  ``evil.example``), and any user-info is refused outright;
- https only;
- the host is resolved and every address it resolves to must be a public (global) address: no
  loopback, private (RFC 1918, fc00::/7), link-local, shared, multicast or reserved addresses;
- the check runs when the subscription is made *and* before every delivery (the name may be
  re-pointed later), and deliveries never follow redirects.

Tests that run a receiver on 127.0.0.1 set ``SAFEHUB_WEBHOOK_ALLOW_LOOPBACK = True``, which admits
plain http to a loopback address and nothing else; it is never set in a deployment.
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings


class WebhookTargetRefused(ValueError):
    """The URL is not a public https endpoint; the message says why, in one line."""


def _allow_loopback() -> bool:
    return bool(getattr(settings, "SAFEHUB_WEBHOOK_ALLOW_LOOPBACK", False))


def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    else:
        return [literal]
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise WebhookTargetRefused(f"The host {host} could not be found") from exc
    out: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        out.append(address)
    return out


def webhook_target_check(url: str) -> str:
    """Return the URL if Safehub may deliver to it; raise ``WebhookTargetRefused`` otherwise."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError as exc:
        raise WebhookTargetRefused("The webhook URL is not a valid URL") from exc
    host = parts.hostname or ""
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise WebhookTargetRefused("Webhook URLs must not carry a user name or password")
    if not host:
        raise WebhookTargetRefused("The webhook URL has no host")
    loopback_test = _allow_loopback() and parts.scheme in ("http", "https")
    if parts.scheme != "https" and not loopback_test:
        raise WebhookTargetRefused("Webhook URLs must use https")
    addresses = _addresses(host, port or (443 if parts.scheme == "https" else 80))
    if not addresses:
        raise WebhookTargetRefused(f"The host {host} could not be found")
    for address in addresses:
        if loopback_test and address.is_loopback:
            continue
        if parts.scheme != "https":
            raise WebhookTargetRefused("Webhook URLs must use https")
        if not address.is_global or address.is_multicast or address.is_reserved:
            raise WebhookTargetRefused(
                f"The host {host} resolves to a private, loopback or link-local address ({address}): "
                "webhooks go to public endpoints only"
            )
    return url.strip()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Refuse every redirect: a redirect is another target, which would skip the check."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: PLR0913 - urllib's signature
        raise urllib.error.HTTPError(req.full_url, code, f"redirect to another address refused ({code})", headers, fp)


def opener() -> urllib.request.OpenerDirector:
    """An opener for deliveries that never follows redirects."""
    return urllib.request.build_opener(_NoRedirects)
