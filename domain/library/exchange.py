"""Library files: resources (and, in JSON, reviews) as CSV or JSON, read and written.

Reading checks every row with the same rules as the forms (`resource_from_fields`) and
reports every problem with its row number; a file with any problem is refused whole,
so an import never leaves half a file behind. Writing gives back what reading takes.

CSV: a header row, then one resource per row; columns `title, url, kind, level, style,
skills, estimate_minutes, description` and optionally `visibility` and `added_by` (an
email); skills separated by commas inside their cell. JSON: a list of resource objects,
or `{"resources": [...], "reviews": [...]}` where a review is `{"url", "by" (an email),
"rating" (1-5), "text", "at" (optional ISO time)}`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from collab.schema import iso

from .resources import FIELDS, NewResource, Resource, resource_from_fields, resource_values
from .reviews import review_from_fields
from .urls import InvalidUrl, normalise_url

FORMATS = ("csv", "json")
COLUMNS = (*FIELDS, "added_by")
MAX_ROWS = 10_000
# A cell starting so is a formula to a spreadsheet: written with a leading ' (OWASP)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ImportRow:
    row: int  # 1-based, as a person counts the file's resources
    resource: NewResource
    added_by: str | None = None  # an email


@dataclass(frozen=True)
class ImportReview:
    row: int
    url: str  # normalised
    by: str  # an email
    rating: int
    text: str
    at: datetime | None = None


@dataclass
class LibraryFile:
    rows: list[ImportRow] = field(default_factory=list)
    reviews: list[ImportReview] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _resource_rows(records: Iterable[Mapping[str, Any]], found: LibraryFile) -> None:
    first_row_of: dict[str, int] = {}
    for n, record in enumerate(records, start=1):
        if n > MAX_ROWS:
            found.errors.append(f"More than {MAX_ROWS} resources: split the file.")
            return
        if not isinstance(record, Mapping):
            found.errors.append(f"Row {n}: a resource must be an object with named fields.")
            continue
        resource, errors = resource_from_fields(record)
        added_by = record.get("added_by")
        if added_by not in (None, "") and (not isinstance(added_by, str) or "@" not in added_by):
            errors = {**errors, "added_by": "added_by must be an email address."}
        for name, message in errors.items():
            found.errors.append(f"Row {n}, {name}: {message}")
        if resource is None:
            continue
        if resource.url in first_row_of:
            found.errors.append(f"Row {n}, url: the same link as row {first_row_of[resource.url]}.")
            continue
        first_row_of[resource.url] = n
        email = added_by.strip().lower() if isinstance(added_by, str) and added_by else None
        found.rows.append(ImportRow(n, resource, email))


def _review_rows(records: Any, found: LibraryFile) -> None:
    if not isinstance(records, list):
        found.errors.append('"reviews" must be a list.')
        return
    for n, record in enumerate(records, start=1):
        if not isinstance(record, Mapping):
            found.errors.append(f"Review {n}: a review must be an object.")
            continue
        rating, text, errors = review_from_fields(record)
        url, by, at = "", record.get("by"), record.get("at")
        try:
            url = normalise_url(str(record.get("url") or ""))
        except InvalidUrl as error:
            errors["url"] = str(error)
        if not isinstance(by, str) or "@" not in by:
            errors["by"] = "by must be the reviewer's email address."
        when = iso(at) if at is not None else None
        if at is not None and when is None:
            errors["at"] = "at must be an ISO 8601 date and time."
        for name, message in errors.items():
            found.errors.append(f"Review {n}, {name}: {message}")
        if not errors and rating is not None:
            moment = datetime.fromisoformat(when.replace("Z", "+00:00")) if when else None
            found.reviews.append(ImportReview(n, url, by.strip().lower(), rating, text, moment))


def read_library_file(data: bytes, format: str) -> LibraryFile:
    """Parse and check a file; `errors` lists every problem (an empty list: all good)."""
    found = LibraryFile()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        found.errors.append("The file is not UTF-8 text.")
        return found
    if format == "csv":
        try:
            _csv_rows(text, found)
        except csv.Error as error:  # a NUL, a field past the size limit, ...
            found.errors.append(f"The CSV cannot be read: {error}.")
        return found
    if format != "json":
        found.errors.append(f"The format must be one of {', '.join(FORMATS)}.")
        return found
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        found.errors.append(f"The JSON cannot be read: {error}.")
        return found
    if isinstance(document, Mapping):
        _resource_rows(_list(document.get("resources"), found), found)
        if "reviews" in document:
            _review_rows(document["reviews"], found)
    else:
        _resource_rows(_list(document, found), found)
    return found


def _csv_rows(text: str, found: LibraryFile) -> None:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    unknown = [c for c in reader.fieldnames or [] if c not in COLUMNS]
    if not reader.fieldnames or "title" not in reader.fieldnames:
        found.errors.append(f"The first row must name the columns: {', '.join(COLUMNS)}.")
    elif unknown:
        found.errors.append(f"Unknown column {unknown[0]!r}; the columns are {', '.join(COLUMNS)}.")
    else:
        records = []
        for n, row in enumerate(reader, start=1):
            if None in row:  # DictReader keeps the extra cells under None
                found.errors.append(f"Row {n}: more cells than the header has columns.")
            records.append({k: _from_cell(v) for k, v in row.items() if k is not None})
        _resource_rows(records, found)


def _list(value: Any, found: LibraryFile) -> list[Any]:
    if isinstance(value, list):
        return value
    found.errors.append('The JSON must be a list of resources, or {"resources": [...]}.')
    return []


def _from_cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] == "'" and value[1:2] in _FORMULA_START:
        return value[1:]
    return value


def _to_cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def write_library_file(resources: Iterable[Resource], format: str) -> str:
    """Resources as a CSV or JSON file that `read_library_file` reads back."""
    records = [resource_values(resource) for resource in resources]
    if format == "json":
        return json.dumps({"resources": records}, indent=2, ensure_ascii=False) + "\n"
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(FIELDS), lineterminator="\r\n")
    writer.writeheader()
    for record in records:
        record["skills"] = ", ".join(record["skills"])
        minutes = record["estimate_minutes"]
        record["estimate_minutes"] = "" if minutes is None else str(minutes)
        writer.writerow({k: _to_cell(v) for k, v in record.items()})
    return out.getvalue()
