"""Access that ends when it is taken away (docs/auth.md, "When access changes").

Every change of someone's access writes an `access_change` row in its own transaction
(storage/access_change_queries.py). Each instance runs one `AccessWatcher`: it polls
those rows, and hears changes made on other instances at once over Redis, and has
`OpenAccess` check that person's open /collab connections again and end their SSE
streams.
"""

from .registry import ACCESS_CHANGED, OpenAccess, OpenConnection
from .streams import ending_on_access_change
from .watcher import AccessWatcher, access_changed

__all__ = [
    "ACCESS_CHANGED",
    "AccessWatcher",
    "OpenAccess",
    "OpenConnection",
    "access_changed",
    "ending_on_access_change",
]
