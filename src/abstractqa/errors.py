"""The one base class of the errors abstractqa raises for bad input or a part it can't use.

Each says in one line what is wrong (a file and line, a setting, an endpoint). The CLI and
the web app catch `AbstractQAError` and show that line; anything else is a bug and keeps its
traceback.
"""

from __future__ import annotations


class AbstractQAError(Exception):
    """Bad input or an unavailable part, explained by the message alone."""
