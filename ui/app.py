"""Kept so `python -m ui.app` still starts the browser chat, which lives in `abstractqa.web`."""

from __future__ import annotations

import sys

from abstractqa.web.server import main

if __name__ == "__main__":
    sys.exit(main())
