"""The web reader and JSON API of newstrace (`newstrace serve`)."""

from __future__ import annotations

from newstrace.web.app import create_app

__all__ = ["create_app"]
