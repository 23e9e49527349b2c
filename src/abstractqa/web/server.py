"""`abstractqa serve`: check the bind, make sure the index is current, serve the chat.

The page is served before the embedder and retriever are loaded: importing Gradio and
loading the models are both Python-bound (the GIL), so they can't overlap in one process,
but the first page needs neither the models nor llama-index, only the list of papers (read
from the index's manifest). They are loaded right after the server starts; a question that
arrives sooner waits for them.

Example:
    >>> from abstractqa.config import load_settings
    >>> serve(load_settings())  # doctest: +SKIP
    Running on http://127.0.0.1:7860
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from abstractqa.assistant import Assistant
from abstractqa.errors import AbstractQAError

if TYPE_CHECKING:
    from abstractqa.config import Settings

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


class ServeRefused(AbstractQAError, ValueError):
    """A bind the app won't serve (a non-loopback address without a login); the message says why."""


def is_loopback(host: str) -> bool:
    if host in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def auth_from_env(settings: Settings, host: str, allow_anonymous: bool = False) -> tuple[str, str] | None:
    """Login from the env vars named in `settings.ui`, required on a non-loopback `host`.

    Raises:
        ServeRefused: a non-loopback bind without both env vars, unless `allow_anonymous`.
    """
    if is_loopback(host):
        return None
    user = os.environ.get(settings.ui.auth_user_env, "")
    password = os.environ.get(settings.ui.auth_password_env, "")
    if user and password:
        return user, password
    missing = " and ".join(
        name for name, value in ((settings.ui.auth_user_env, user), (settings.ui.auth_password_env, password)) if not value
    )
    if not allow_anonymous:
        raise ServeRefused(
            f"refusing to serve on {host} without a login: set {missing}, bind 127.0.0.1, or pass "
            "--allow-anonymous to serve anyone who can reach it"
        )
    print(
        f"abstractqa: warning: serving on {host} without a login (--allow-anonymous); anyone who can "
        f"reach it can ask, rate and switch answer modes",
        file=sys.stderr,
    )
    return None


def serving_threads(settings: Settings, embed_model=None) -> None:
    """Limit the embedder to `ui.torch_threads` threads for answering (0: leave it). With the
    torch backend on 2 cores, two threads per query embedding fight with every other
    process (one busy process beside it: p95 132 ms on two threads, 31 ms on one); the onnx
    backend was not slowed that way and is faster on its own threads (benchmarks/RESULTS.md)."""
    if settings.ui.torch_threads:
        import torch

        torch.set_num_threads(settings.ui.torch_threads)
        if hasattr(embed_model, "set_threads"):
            embed_model.set_threads(settings.ui.torch_threads)


def warm_up(assistant: Assistant) -> None:
    """Restore vectors the collection lost (the page went up on the manifest's word), load
    what answering needs (embedder, Chroma, BM25) and set the embedder's threads."""
    assistant.load()
    serving_threads(assistant.settings, assistant.embed_model)


def serve(
    settings: Settings, host: str | None = None, port: int | None = None, allow_anonymous: bool = False
) -> int:
    """Index if needed, then serve the chat until interrupted (`abstractqa serve`).

    Raises:
        IndexUnavailable: the index can't be read or the embedder can't load (the server is
            closed first).
    """
    host = host or settings.ui.host
    port = port or settings.ui.port
    try:
        auth = auth_from_env(settings, host, allow_anonymous)  # before anything slow
    except ServeRefused as err:
        print(f"abstractqa: error: {err}", file=sys.stderr)
        return 2
    assistant = Assistant(settings)
    # May ingest, which wants every core. Chroma (0.5 s of imports) is not opened for the page:
    # whether every vector is there is checked in `warm_up`, after the server is up.
    assistant.ensure_index(vectors=False)

    from abstractqa.web.app import build_app, launch  # Gradio: only the server needs it

    app = build_app(assistant)
    try:
        url = launch(app, host, port, auth=auth, prevent_thread_lock=True)
    except OSError as err:
        print(f"abstractqa: error: cannot serve on {host}:{port}: {err}", file=sys.stderr)
        return 2
    print(f"Running on {url}", flush=True)
    try:
        warm_up(assistant)
    except BaseException:
        app.close()
        raise
    app.block_thread()
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m abstractqa.web.server [--config FILE] [--host HOST] [--port PORT]`."""
    parser = argparse.ArgumentParser(prog="python -m abstractqa.web.server", description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=None, help="YAML config file")
    parser.add_argument("--host", default=None, help="bind address (default: ui.host)")
    parser.add_argument("--port", type=int, default=None, help="port (default: ui.port)")
    parser.add_argument(
        "--allow-anonymous", action="store_true", help="serve a non-loopback address without a login"
    )
    args = parser.parse_args(argv)

    from abstractqa.config import load_settings

    try:
        return serve(
            load_settings(args.config), host=args.host, port=args.port, allow_anonymous=args.allow_anonymous
        )
    except AbstractQAError as err:
        print(f"abstractqa: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
