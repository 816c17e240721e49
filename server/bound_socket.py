"""The socket of `mentorhub serve`, bound before the application is imported.

Binding first makes a port in use a one-line error at once, not after the second or
so it takes to import and start the application (and not uvicorn's traceback).

The socket listens only once the application has started, when uvicorn serves it.
Listening at once was tried: a client connecting while the server starts (after a
deploy, every open editor reconnects) would then wait in the kernel's backlog instead
of being refused and backing off. In the reconnect storm (bench/README.md) that made
things worse, not better: 2,000 clients handled all at once took longer than the same
clients arriving over the stock client's back-off steps (all synced again 6.65 s after
SIGTERM against 4.90, median client 6.57 against 4.65).
"""

from __future__ import annotations

import socket


def bind(host: str, port: int) -> socket.socket:
    """A TCP socket bound to `host`:`port` (0: a free port), not listening yet; OSError
    when the address cannot be had."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock
