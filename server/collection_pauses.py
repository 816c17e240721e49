"""Shorter garbage-collection pauses: what startup built is left out of collections.

CPython's cyclic garbage collector now and then walks every object it tracks (a full,
generation-2 collection), and the event loop stops while it does. The server's startup
imports and builds a few hundred thousand objects that live as long as the process:
modules, SQLAlchemy's tables and compiled statements, the templates, the vocabulary.
During a 200-reader fan-out one such collection took 85 ms, a stall every peer felt
(the fan-out p99 in bench/README.md). `gc.freeze()` once startup is done moves them to
a permanent generation that collections skip; what is made afterwards (connections,
rooms, requests) is collected as before.

While starting, nothing is collected at all: the imports build those objects by the
hundred thousand, and the collector kept walking them as they grew, about a seventh of
the start-up time (`mentorhub serve` listens that much sooner after a restart, when every
client is waiting to reconnect). The one collection once startup is done frees what
startup left behind.
"""

from __future__ import annotations

import gc


def no_collections_while_starting() -> None:
    """Until `leave_startup_out_of_collections`: the collector does not run."""
    gc.disable()


def leave_startup_out_of_collections() -> None:
    """Collect startup's garbage, freeze what is left, and collect as usual from now on."""
    gc.collect()
    gc.freeze()
    gc.enable()
