"""The browser chat: a thin Gradio shell around one `Assistant`.

- `app`: the page (`build_app`) and how it is served (`launch`), styles and script in `assets/`;
- `chat`: the callbacks (`ChatHandlers`) and one session's `Conversation`;
- `render`: what the page shows (answers, sources, records), as pure functions;
- `server`: `abstractqa serve` (`serve`), and who may connect.

`build_app`, `launch` and `serve` are importable from here; Gradio is imported only when one
of them is first used.
"""

from __future__ import annotations

from typing import Any

__all__ = ["build_app", "launch", "serve"]


def __getattr__(name: str) -> Any:
    if name in ("build_app", "launch"):
        from abstractqa.web import app

        return getattr(app, name)
    if name == "serve":
        from abstractqa.web.server import serve

        return serve
    raise AttributeError(f"module 'abstractqa.web' has no attribute {name!r}")
