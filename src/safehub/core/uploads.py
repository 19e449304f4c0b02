"""Refuse an oversized upload before its body is read in full.

Django streams a multipart body through its upload handlers; this one sits first. It refuses the
request from its declared ``Content-Length`` before a byte of the file is read, and counts the
bytes as they arrive for a body that declares no length (or lies about it), stopping at the limit
so the rest is never read into memory or onto disk. The view then sees no file and says the file
is too large, in one line.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

# Form fields, boundaries and headers around the file itself.
ENVELOPE_BYTES = 64 * 1024


def upload_limit() -> int:
    return int(settings.SAFEHUB_MAX_UPLOAD_BYTES)


class SizeLimitUploadHandler(FileUploadHandler):
    """Stop reading a multipart body that is, or turns out to be, larger than the upload limit."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):  # noqa: N803 - Django's name
        self.received = 0
        if content_length and content_length > upload_limit() + ENVELOPE_BYTES:
            self._mark_too_large()
            raise StopUpload(connection_reset=True)
        return None

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > upload_limit():
            self._mark_too_large()
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None

    def _mark_too_large(self) -> None:
        if self.request is not None:
            self.request.upload_too_large = True  # type: ignore[attr-defined]  # read by the upload views
