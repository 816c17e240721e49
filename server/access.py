"""Who may open which document. (Placeholder until accounts land: everyone may edit.)"""

from __future__ import annotations

from enum import IntEnum
from typing import Any


class Access(IntEnum):
    NONE = 0
    READ = 1
    EDIT = 2


async def document_access(state: Any, user: Any, doc_id: str) -> Access:
    return Access.EDIT
