"""One resource per link: the normal form of a resource's URL.

`normalise_url` maps the many ways people write the same link to one string, which is
the library's key and what cards are linked by:

- the scheme and host are lower-cased, a trailing dot of the host and a default port
  (`:80` for http, `:443` for https) are dropped;
- tracking parameters (`utm_*`, `fbclid`, `gclid`, ...) and an empty `?` are dropped; the
  other parameters keep their order (some sites read them in order);
- a fragment is dropped, except a route of a single-page app (`#/lesson/3`, `#!/lesson`);
- the path loses its `.` and `..` segments and a trailing slash (`/docs/` is `/docs`),
  an empty path is `/`; percent-escapes of unreserved characters are decoded (`%7E` is
  `~`) and the others written in upper case (`%2f` is `%2F`).

What it keeps apart, knowingly: `http` and `https`, `www.` and the bare host, and the
letter case of paths: each can be a different page.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urlsplit, urlunsplit

from collab.schema import MAX_URL, url_ok

MAX_URL_BYTES = 2000  # a library key fits a database index on every database
DEFAULT_PORTS = {"http": "80", "https": "443"}
TRACKING_PARAMETERS = frozenset(
    """fbclid gclid gclsrc dclid gbraid wbraid msclkid mc_cid mc_eid _ga _gl yclid igshid
    twclid li_fat_id _hsenc _hsmi mkt_tok oly_anon_id oly_enc_id vero_id rb_clickid s_cid
    ttclid""".split()
)
_UNRESERVED = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


class InvalidUrl(ValueError):
    """Not a link a resource can have: the message says why."""


def normalise_url(url: str) -> str:
    """The normal form of an http(s) link; raises `InvalidUrl` for anything else."""
    text = url.strip() if isinstance(url, str) else ""
    if not text:
        raise InvalidUrl("Give the resource's link.")
    if not url_ok(text) or len(text) > MAX_URL:
        raise InvalidUrl("The link must start with http:// or https:// and hold no spaces.")
    try:
        parts = urlsplit(text)
        port = parts.port  # raises ValueError for a port that is not a number
    except ValueError as error:
        raise InvalidUrl(f"That link cannot be read ({error}).") from None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise InvalidUrl("The link has no host name.")
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    if port is not None and str(port) != DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@{host}" if userinfo else host
    normal = urlunsplit(
        SplitResult(scheme, netloc, _path(parts.path), _query(parts.query), _fragment(parts))
    )
    if len(normal.encode()) > MAX_URL_BYTES:
        raise InvalidUrl(f"The link is too long (at most {MAX_URL_BYTES} bytes).")
    return normal


def try_normalise(url: str) -> str | None:
    """The normal form, or None when `url` is not a resource link (an empty card link)."""
    try:
        return normalise_url(url)
    except InvalidUrl:
        return None


def _escapes(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED_CHARS else f"%{match.group(1).upper()}"

    return _UNRESERVED.sub(one, text)


def _path(path: str) -> str:
    segments: list[str] = []
    for segment in _escapes(path).split("/")[1:]:
        if segment == "..":
            if segments:
                segments.pop()
        elif segment != ".":
            segments.append(segment)
    while segments and segments[-1] == "":
        segments.pop()
    return "/" + "/".join(segments)


def _query(query: str) -> str:
    kept = []
    for pair in query.split("&"):
        name = pair.partition("=")[0].lower()
        if pair and not name.startswith("utm_") and name not in TRACKING_PARAMETERS:
            kept.append(_escapes(pair))
    return "&".join(kept)


def _fragment(parts: SplitResult) -> str:
    route = parts.fragment.startswith(("/", "!"))
    return _escapes(parts.fragment) if route else ""
