"""API parsers: JSON with NUL characters removed from every string (PostgreSQL cannot store them)."""

from __future__ import annotations

from typing import Any

from rest_framework.parsers import JSONParser


def _strip(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_strip(v) for v in value]
    if isinstance(value, dict):
        return {_strip(k): _strip(v) for k, v in value.items()}
    return value


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return _strip(super().parse(stream, media_type, parser_context))
