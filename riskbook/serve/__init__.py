"""`riskbook serve`: the risk unit's checker as a local web page.

One page, three jobs: check a register (the findings on a picture of the user's own sheet),
download what riskbook makes from it (annotated copy, panel workbook and PDF, template,
drafted scheme), and help (the scheme in words, the findings catalogue). It is a small Flask
application served by waitress: server-rendered HTML, no script, no build step. Each check
runs in a bounded child process (see jobs.py); uploads live in a private folder per job.
"""

from __future__ import annotations

import sys
import threading
import time
import webbrowser

from riskbook.serve.app import create_app
from riskbook.serve.jobs import JobStore, Limits

__all__ = ["LOCAL_HOSTS", "create_app", "run"]

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def run(host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False, limits: Limits | None = None) -> None:
    """Serve the page until Ctrl-C; every job's folder is removed on the way out."""
    import waitress

    limits = limits or Limits()
    store = JobStore(limits)
    app = create_app(store)
    if host not in LOCAL_HOSTS:
        print(
            f"riskbook serve: listening on {host}: there is no sign-in, so everyone who can reach "
            "this address can upload registers and download what riskbook makes from them.",
            file=sys.stderr,
        )
    url = f"http://{'localhost' if host in LOCAL_HOSTS else host}:{port}/"
    print(f"riskbook serve: {url} (Ctrl-C to stop)", file=sys.stderr)
    threading.Thread(target=_sweep_forever, args=(store,), daemon=True).start()
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    try:
        waitress.serve(
            app,
            host=host,
            port=port,
            threads=limits.workers + limits.queue + 2,
            max_request_body_size=limits.upload_bytes + 1024**2,  # Flask answers 413 first, as a page
            ident="riskbook",
            _quiet=True,
        )
    finally:
        store.remove_all()


def _sweep_forever(store: JobStore) -> None:
    while True:
        time.sleep(60)
        store.sweep()
