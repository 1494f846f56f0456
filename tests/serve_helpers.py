"""A real `riskbook serve` on a free local port, and plain-HTTP helpers to use it as a browser would."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_server(*options: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """`riskbook serve` on 127.0.0.1 until the block ends; yields its base URL and process."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "riskbook", "serve", "--port", str(port), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read())
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


def request(base: str, method: str, path: str, body: bytes = b"", headers: dict | None = None, timeout: float = 600):
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def form_token(base: str) -> str:
    _, _, page = request(base, "GET", "/")
    return re.search(rb'name="token" value="([^"]+)"', page).group(1).decode()


def check_file(base: str, path: Path, name: str | None = None, timeout: float = 600) -> tuple[int, str]:
    """Upload a register as the form does and follow the answer: (status, page)."""
    boundary = secrets.token_hex(16)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="token"\r\n\r\n{form_token(base)}\r\n'.encode(),
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="register"; filename="{name or path.name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + path.read_bytes()
        + b"\r\n",
        f"--{boundary}--\r\n".encode(),
    ]
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    status, answer_headers, page = request(base, "POST", "/check", b"".join(parts), headers, timeout)
    if status == 303:
        status, _, page = request(base, "GET", answer_headers["Location"], timeout=timeout)
    return status, page.decode()
