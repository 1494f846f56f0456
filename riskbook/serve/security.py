"""What every response and every form of the page carries against misuse from other sites."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time

# No script at all, no inline style, nothing from another site; forms post only to this server.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
TOKEN_SECONDS = 4 * 3600


class Tokens:
    """Form tokens signed with a key made when the server starts: a form from another site can't carry one."""

    def __init__(self, key: bytes | None = None):
        self._key = key or secrets.token_bytes(32)

    def issue(self, now: float | None = None) -> str:
        stamp = str(int(time.time() if now is None else now))
        return f"{stamp}.{self._sign(stamp)}"

    def valid(self, token: str | None, now: float | None = None) -> bool:
        if not token or not re.fullmatch(r"\d{1,12}\.[0-9a-f]{64}", token):
            return False
        stamp, signature = token.split(".")
        age = (time.time() if now is None else now) - int(stamp)
        return 0 <= age <= TOKEN_SECONDS and hmac.compare_digest(signature, self._sign(stamp))

    def _sign(self, stamp: str) -> str:
        return hmac.new(self._key, stamp.encode(), hashlib.sha256).hexdigest()


def download_name(input_name: str, kind: str, suffix: str) -> str:
    """A download's name from the user's own file name, in plain ASCII (it never touches the disk here)."""
    stem = input_name.rsplit(".", 1)[0] if "." in input_name else input_name
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.")[:80] or "register"
    return f"{stem}-{kind}{suffix}"
