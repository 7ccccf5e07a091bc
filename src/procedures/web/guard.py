"""What wraps every request of the web service: security headers, a bound on bodies, a last resort.

- Every response carries ``X-Content-Type-Options: nosniff``, ``X-Frame-Options:
  DENY``, ``Referrer-Policy: no-referrer`` and a Content-Security-Policy that
  allows nothing but the pages' own inline style sheets (by their hashes) and
  forms posting to the service itself.
- A request body larger than the bound is refused with a 413 before it is
  read (by its Content-Length) or as soon as it passes the bound (chunked).
- An exception that escapes an endpoint (a bug: input errors are 4xx before
  that) is logged and answered with a 500 in the usual ``{"error": ...}``
  shape; it is not passed on to the server, which would drop the
  keep-alive connection.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from pathlib import Path

from starlette.exceptions import HTTPException

LOG = logging.getLogger("procedures.web")
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def style_hashes(templates: Path) -> list[str]:
    """CSP sources for the inline <style> blocks of the templates (they hold no template code)."""
    found = []
    for page in sorted(templates.glob("*.html")):
        for block in _STYLE.findall(page.read_text(encoding="utf-8")):
            digest = base64.b64encode(hashlib.sha256(block.encode("utf-8")).digest()).decode("ascii")
            if f"'sha256-{digest}'" not in found:  # pages sharing one style block list it once
                found.append(f"'sha256-{digest}'")
    return found


def security_headers(templates: Path) -> list[tuple[bytes, bytes]]:
    csp = "; ".join([
        "default-src 'none'",
        "style-src " + " ".join(style_hashes(templates) or ["'none'"]),
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ])
    return [
        (b"content-security-policy", csp.encode("ascii")),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
    ]


def error_body(message: str) -> bytes:
    return json.dumps({"error": message}, ensure_ascii=False).encode("utf-8")


class Guard:
    """ASGI middleware: headers on every response, bounded bodies, no exception reaches the server."""

    def __init__(self, app, templates: Path, max_body: int):
        self.app = app
        self.headers = security_headers(templates)
        self.max_body = max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                present = {k.lower() for k, _ in message.get("headers", [])}
                message = {**message, "headers": [*message.get("headers", []), *(h for h in self.headers if h[0] not in present)]}
            await send(message)

        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and length.isdigit() and (len(length) > 18 or int(length) > self.max_body):
            await self._error(send_with_headers, 413, f"the request is larger than {self.max_body // 1024} KiB")
            return
        received = 0

        async def bounded_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise HTTPException(413, f"the request is larger than {self.max_body // 1024} KiB")
            return message

        try:
            await self.app(scope, bounded_receive, send_with_headers)
        except Exception:
            LOG.exception("internal error on %s %s", scope.get("method"), scope.get("path"))
            if not started:
                await self._error(send_with_headers, 500, "internal error: the service could not answer this request; it has been logged")

    @staticmethod
    async def _error(send, status: int, message: str) -> None:
        body = error_body(message)
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
