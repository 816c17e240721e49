"""The library as CSV or JSON: download (mentors, staff) and upload (mentors, staff).

An upload is checked whole first; a file with any problem changes nothing and the page
lists every row at fault. `mentorhub library import|export` does the same from the
command line (server/library/cli.py).
"""

from __future__ import annotations

import asyncio

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from domain.library.exchange import FORMATS, read_library_file, write_library_file
from storage.library_queries import (
    ImportRefused,
    LibraryError,
    import_library,
    visible_resources,
)

from ..templating import render
from .common import curator, viewer_for

MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


async def export_file(request: Request) -> Response:
    """GET /library/export?format=csv|json: the resources this person may see."""
    user = curator(request)
    format = request.query_params.get("format", "csv")
    if format not in FORMATS:
        raise HTTPException(400, f"The format must be one of {', '.join(FORMATS)}.")
    state = request.app.state
    resources = await asyncio.to_thread(
        visible_resources, state.engine, await viewer_for(state, user)
    )
    return Response(
        write_library_file(resources, format),
        media_type=MEDIA_TYPES[format],
        headers={
            "Content-Disposition": f'attachment; filename="mentorhub-library.{format}"',
            "Cache-Control": "no-store",
        },
    )


async def import_page(request: Request) -> Response:
    curator(request)
    return render(request, "library/import.html", {"formats": FORMATS})


async def import_action(request: Request) -> Response:
    """POST /library/import: a CSV or JSON file, all of it or nothing."""
    user = curator(request)
    async with request.form() as form:
        upload, format = form.get("file"), form.get("format")
        data = await upload.read() if isinstance(upload, UploadFile) else b""
    if format not in FORMATS:
        format = "json" if isinstance(upload, UploadFile) and upload.filename and \
            upload.filename.lower().endswith(".json") else "csv"  # fmt: skip
    context: dict[str, object] = {"formats": FORMATS}
    if not data:
        context["errors"] = ["Choose a file to import."]
        return render(request, "library/import.html", context, status_code=422)
    state = request.app.state
    file = read_library_file(data, format)
    file.reviews = []  # reviews come only from the command line (they name people)
    try:
        done = await asyncio.to_thread(import_library, state.engine, file, added_by=user.id)
    except (ImportRefused, LibraryError) as refused:
        context["errors"] = getattr(refused, "errors", [str(refused)])
        return render(request, "library/import.html", context, status_code=422)
    await state.library.changed()
    context["done"] = done
    return render(request, "library/import.html", context)
