"""Processes on this host: whether one is alive, and the owner tag (host:pid) a claim is written with."""

from __future__ import annotations

import os
import socket


def process_alive(pid: int) -> bool:
    """Is process `pid` running on this host? (A process of another user counts as alive.)"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def owner_tag() -> str:
    """`host:pid` of this process, written on claims so that a dead claimant can be recognised."""
    return f"{socket.gethostname()}:{os.getpid()}"
