"""A small, real OpenID Connect provider for tests and for trying the sign-in on a laptop. Never deploy it.

It is built on pyop (the provider library SATOSA uses; a development dependency only) and speaks
the authorisation code flow over HTTP: discovery, a sign-in form, the token endpoint (client
secret, PKCE), userinfo and the JSON Web Key Set, with a fresh RSA signing key each start. Users,
their passwords and the claims it vouches for (``amr`` and ``acr`` included) come from a JSON file::

    {"client_id": "safehub", "client_secret": "...", "redirect_uris": ["http://127.0.0.1:8000/sign-in/oidc/callback/"],
     "users": {"alice": {"password": "...", "claims": {"preferred_username": "alice"}, "amr": ["pwd", "mfa"]}}}

Run ``python -m safehub.core.identity.dev_provider CONFIG.json --tls-dir DIR [--port 0]``. It serves
HTTPS only (as every real provider does, and as pyop insists), with a certificate for 127.0.0.1
signed by a throwaway authority it writes to ``DIR/ca.pem``: point ``SAFEHUB_OIDC_CA_BUNDLE`` at that
file. It prints ``ready ISSUER_URL`` once it is listening (port 0 picks a free one) and serves until stopped.
"""

from __future__ import annotations

import argparse
import contextlib
import hmac
import html
import json
import ssl
import sys
import time
from pathlib import Path
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # the standard library's signature
        pass


def write_certificates(directory: Path, host: str) -> tuple[Path, Path, Path]:
    """Write a throwaway certificate authority and a server certificate for ``host``; return their paths."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Safehub test identity provider CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    try:
        alt_name: x509.GeneralName = x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        alt_name = x509.DNSName(host)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([alt_name]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    ca_path, cert_path, key_path = directory / "ca.pem", directory / "server.pem", directory / "server.key"
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return ca_path, cert_path, key_path


def build_provider(*, issuer: str, config: dict):
    """A pyop Provider for ``config``'s one client and its users."""
    from Cryptodome.PublicKey import RSA
    from jwkest.jwk import RSAKey
    from pyop.authz_state import AuthorizationState
    from pyop.provider import Provider
    from pyop.subject_identifier import HashBasedSubjectIdentifierFactory
    from pyop.userinfo import Userinfo

    signing_key = RSAKey(key=RSA.generate(2048), use="sig", alg="RS256", kid="dev-provider")
    configuration = {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "userinfo_endpoint": f"{issuer}/userinfo",
        "jwks_uri": f"{issuer}/jwks",
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "code_challenge_methods_supported": ["S256"],
    }
    clients = {
        config["client_id"]: {
            "client_secret": config["client_secret"],
            "redirect_uris": config["redirect_uris"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "client_secret_post",
        }
    }
    users = config["users"]
    userinfo = Userinfo({user_id: dict(user.get("claims", {})) for user_id, user in users.items()})
    authz_state = AuthorizationState(HashBasedSubjectIdentifierFactory(config.get("salt", "dev-provider")))
    return Provider(signing_key, configuration, authz_state, clients, userinfo), users


def application(*, issuer: str, config: dict):
    """The provider as a WSGI application."""
    from pyop.exceptions import BearerTokenError, InvalidAccessToken, InvalidClientAuthentication, OAuthError

    provider, users = build_provider(issuer=issuer, config=config)
    signed_in_at: dict[str, int] = {}

    def id_token_claims(user_id: str, client_id: str) -> dict:
        # What a council's provider puts in its ID token: who, and how they proved it.
        user = users[user_id]
        claims = dict(user.get("claims", {}))
        claims["auth_time"] = signed_in_at.get(user_id, int(time.time()))
        if user.get("amr"):
            claims["amr"] = list(user["amr"])
        if user.get("acr"):
            claims["acr"] = user["acr"]
        return claims

    def respond(start_response, status: str, body: str | bytes, content_type="application/json", headers=()):
        data = body.encode() if isinstance(body, str) else body
        start_response(status, [("Content-Type", content_type), ("Cache-Control", "no-store"), *headers])
        return [data]

    def sign_in_form(request_query: str, error: str = "") -> str:
        return (
            "<!doctype html><title>Test identity provider</title><h1>Sign in to the test identity provider</h1>"
            + (f"<p role='alert'>{html.escape(error)}</p>" if error else "")
            + "<form method='post' action='authorize'>"
            + f"<input type='hidden' name='auth_request' value='{html.escape(request_query, quote=True)}'>"
            + "<label>Username <input name='username'></label>"
            + "<label>Password <input type='password' name='password'></label>"
            + "<button>Sign in</button></form>"
        )

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        query = environ.get("QUERY_STRING", "")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length).decode() if length else ""
        headers = {"Authorization": environ["HTTP_AUTHORIZATION"]} if environ.get("HTTP_AUTHORIZATION") else {}
        try:
            if path == "/.well-known/openid-configuration":
                return respond(start_response, "200 OK", provider.provider_configuration.to_json())
            if path == "/jwks":
                return respond(start_response, "200 OK", json.dumps(provider.jwks))
            if path == "/authorize" and method == "GET":
                provider.parse_authentication_request(query)
                return respond(start_response, "200 OK", sign_in_form(query), "text/html; charset=utf-8")
            if path == "/authorize" and method == "POST":
                form = {key: values[0] for key, values in parse_qs(body).items()}
                request_query = form.get("auth_request", "")
                auth_request = provider.parse_authentication_request(request_query)
                user_id = form.get("username", "")
                user = users.get(user_id)
                if user is None or not hmac.compare_digest(str(user["password"]), form.get("password", "")):
                    page = sign_in_form(request_query, "The username or password is not right")
                    return respond(start_response, "200 OK", page, "text/html; charset=utf-8")
                signed_in_at[user_id] = int(time.time())
                response = provider.authorize(auth_request, user_id)
                location = response.request(auth_request["redirect_uri"])
                return respond(start_response, "302 Found", "", "text/plain", [("Location", location)])
            if path == "/token" and method == "POST":
                token = provider.handle_token_request(body, headers, extra_id_token_claims=id_token_claims)
                return respond(start_response, "200 OK", token.to_json())
            if path == "/userinfo":
                claims = provider.handle_userinfo_request(body or query, headers)
                return respond(start_response, "200 OK", claims.to_json())
            return respond(start_response, "404 Not Found", json.dumps({"error": "not_found"}))
        except (InvalidClientAuthentication, BearerTokenError, InvalidAccessToken) as refused:
            return respond(
                start_response, "401 Unauthorized", json.dumps({"error": "invalid_client", "detail": str(refused)})
            )
        except OAuthError as refused:
            error = getattr(refused, "oauth_error", "invalid_request")
            return respond(start_response, "400 Bad Request", json.dumps({"error": error, "detail": str(refused)}))
        except Exception as refused:  # a test provider answers every bad request, never dies
            return respond(
                start_response, "400 Bad Request", json.dumps({"error": "invalid_request", "detail": str(refused)})
            )

    return app


def _not_ready(environ, start_response) -> list[bytes]:
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"starting"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A small OpenID Connect provider for tests (never deploy it).")
    parser.add_argument("config", help="JSON file: client_id, client_secret, redirect_uris, users")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tls-dir", required=True, help="where to write the throwaway CA (ca.pem) and certificate")
    args = parser.parse_args(argv)
    try:
        with open(args.config, encoding="utf-8") as handle:
            config = json.load(handle)
        for key in ("client_id", "client_secret", "redirect_uris", "users"):
            if key not in config:
                raise ValueError(f"{args.config} has no {key!r}")
    except (OSError, ValueError) as problem:
        print(f"dev_provider: {problem}", file=sys.stderr)
        return 2
    _, cert_path, key_path = write_certificates(Path(args.tls_dir), args.host)
    # The issuer names the port, so the server is bound first and given its application after.
    server = make_server(args.host, args.port, _not_ready, server_class=_Server, handler_class=_QuietHandler)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert_path, key_path)
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    issuer = f"https://{args.host}:{server.server_port}"
    server.set_app(application(issuer=issuer, config=config))
    print(f"ready {issuer}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
