"""API authentication by per-agency bearer tokens (``Authorization: Bearer shb_...``)."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import authentication, exceptions


class AgencyTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header.startswith(self.keyword + " "):
            return None
        key = header[len(self.keyword) + 1 :].strip()
        from safehub.exchange.models import ApiToken

        token = ApiToken.objects.select_related("user", "agency").filter(key_hash=ApiToken.hash_key(key)).first()
        now = timezone.now()
        if token is None or token.revoked_at or (token.expires_at and token.expires_at <= now):
            raise exceptions.AuthenticationFailed("Invalid or expired token")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("Token user is inactive")
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
