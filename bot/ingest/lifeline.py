"""Worker processes that die with their parent, whatever killed it.

A `ProcessPoolExecutor` worker blocks reading its job queue; when the parent
is killed with SIGKILL nobody tells it, and it lives on as an orphan holding
tens of megabytes. On Linux the kernel can send a signal to a child when its
parent dies (`PR_SET_PDEATHSIG`); the pool's initializer asks for SIGKILL.
Elsewhere this is a no-op and the worker exits with its queue as before.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """Pool initializer: SIGKILL this process when `parent_pid` exits (Linux)."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent_pid:  # the parent died before we asked
        os._exit(0)
