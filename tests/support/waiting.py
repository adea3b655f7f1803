"""Waiting for a condition that another thread (a fake server) makes true."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any


async def wait_until(check: Callable[[], Any], within: float = 5.0) -> Any:
    """Poll `check` until it returns something truthy (the server runs in its own thread)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        await asyncio.sleep(0.02)
    raise AssertionError(f"condition not met within {within}s")
