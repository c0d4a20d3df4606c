"""wenming (文明): an open, self-hostable platform that keeps an online space clean and civil.

Start with :class:`wenming.detectors.screener.Screener`
(``Screener.from_policy(path).screen(items)``) for in-process screening, or the
``wenming`` command line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Screener", "__version__"]

if TYPE_CHECKING:
    from wenming.detectors.screener import Screener


def __getattr__(name: str) -> Any:
    # Lazy so that `import wenming` stays cheap for tools that only need the version.
    if name == "Screener":
        from wenming.detectors.screener import Screener

        return Screener
    raise AttributeError(name)
