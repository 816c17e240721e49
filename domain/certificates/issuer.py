"""Who issues mentorHub certificates: the site's public URL and its did:web identifier.

The issuer is identified by `did:web:HOST` (did:web method, W3C CCG). A verifier
resolves it to `https://HOST/.well-known/did.json` (or `https://HOST/PATH/did.json`
when mentorHub runs under a path), the key set that lists every signing key,
current and retired.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

# Certificate ids go into URLs and the credential: short, URL-safe, chosen by the server.
_CERTIFICATE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
STATUS_LIST_PATH = "/certificates/status"


def check_certificate_id(certificate_id: str) -> str:
    """The id itself when it is 1-64 characters of A-Z, a-z, 0-9, `_` and `-`; else ValueError."""
    if not isinstance(certificate_id, str) or not _CERTIFICATE_ID.fullmatch(certificate_id):
        raise ValueError("a certificate id is 1-64 characters of A-Z, a-z, 0-9, _ and -")
    return certificate_id


@dataclass(frozen=True)
class Issuer:
    """The organisation that signs certificates, named by its public base URL.

    `base_url` is where mentorHub is served, e.g. `https://mentorhub.example` or
    `https://example.org/mentorhub`; no query, no fragment, no trailing slash needed.
    """

    base_url: str
    name: str = "mentorHub"

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("the issuer's base URL must be an http(s) URL with a host")
        if parts.query or parts.fragment or parts.username or parts.password:
            raise ValueError("the issuer's base URL takes no query, fragment or credentials")
        if not self.name.strip():
            raise ValueError("the issuer needs a name")
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))

    @property
    def did(self) -> str:
        """`did:web:HOST[:PATH...]`, a port written as `%3A` (did:web's rule)."""
        parts = urlsplit(self.base_url)
        segments = [quote(parts.netloc.lower(), safe="")]
        segments += [quote(s, safe="") for s in parts.path.split("/") if s]
        return "did:web:" + ":".join(segments)

    @property
    def url(self) -> str:
        """The issuer's home page, the `url` of its profile in every credential."""
        return self.base_url + "/"

    @property
    def key_set_url(self) -> str:
        """Where the key set (the DID document) must be served for did:web to resolve."""
        if urlsplit(self.base_url).path.strip("/"):
            return self.base_url + "/did.json"
        return self.base_url + "/.well-known/did.json"

    @property
    def status_list_url(self) -> str:
        """Where the signed revocation list (a Bitstring Status List credential) is served."""
        return self.base_url + STATUS_LIST_PATH

    def certificate_url(self, certificate_id: str) -> str:
        """The public page of a certificate, also the credential's `id`."""
        return f"{self.base_url}/certificates/{check_certificate_id(certificate_id)}"

    def profile(self) -> dict[str, object]:
        """The issuer Profile embedded in each credential (Open Badges 3.0)."""
        return {"id": self.did, "type": ["Profile"], "name": self.name, "url": self.url}
