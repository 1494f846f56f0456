"""`riskbook serve`: the local web page for a risk unit without a terminal."""

from __future__ import annotations

import sys

import click

from riskbook.cli.common import say
from riskbook.console import EXIT_UNUSABLE


@click.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (another than this computer's own has no sign-in: say so to whoever can reach it).",
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default browser.")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Checks run at once (default: one per core).")
@click.option(
    "--queue",
    type=click.IntRange(0, 10_000),
    default=32,
    show_default=True,
    help="Checks that may wait for a worker; one more is told the checker is busy.",
)
@click.option(
    "--max-upload",
    "max_upload",
    type=click.IntRange(1, 10_000),
    default=256,
    show_default=True,
    metavar="MB",
    help="Largest request accepted (all files together).",
)
def serve_command(host, port, open_browser, workers, queue, max_upload):
    """Serve the checker as a local web page: check a register, download the outputs.

    The page shows the findings marked on the register's own sheet, the matrix and the scheme in words.

    Example: riskbook serve --open
    """
    try:
        from riskbook.serve import run
        from riskbook.serve.jobs import Limits
    except ImportError as exc:
        say(f"riskbook: serve needs the web extra ({exc.name} is missing): pip install 'riskbook[serve]'")
        sys.exit(EXIT_UNUSABLE)
    defaults = Limits()
    limits = Limits(workers=workers or defaults.workers, queue=queue, upload_bytes=max_upload * 1024**2)
    import gc

    gc.enable()  # a long-running server makes and drops objects for hours (the command turned it off)
    try:
        run(host=host, port=port, open_browser=open_browser, limits=limits)
    except OSError as exc:
        say(f"riskbook: cannot listen on {host}:{port}: {exc.strerror or exc}")
        sys.exit(EXIT_UNUSABLE)
    except KeyboardInterrupt:
        pass
