"""A real OpenID Connect provider for the tests: `oidc-provider-mock`, in a subprocess.

It runs on 127.0.0.1 (the host name the mentorHub servers use too: the provider
derives its issuer from the Host header, and sign-in cookies are bound to a host).
Its login page has one field, `sub`; `set_user` gives a subject its claims.

Loaded as a pytest plugin (see conftest.py): the `oidc_provider` fixture.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest


class OIDCProvider:
    def __init__(self, url: str) -> None:
        self.url = url

    @property
    def issuer(self) -> str:
        return self.url

    def env(self) -> dict[str, str]:
        """mentorHub settings for signing in with this provider."""
        return {
            "OIDC_ISSUER": self.url,
            "OIDC_CLIENT_ID": "mentorhub",
            "OIDC_CLIENT_SECRET": "mentorhub-test-secret",
            "OIDC_PROVIDER_NAME": "Test Provider",
        }

    def set_user(self, sub: str, **claims: Any) -> None:
        httpx.put(f"{self.url}/users/{sub}", json=claims, timeout=10).raise_for_status()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def running_provider(log_path: Path) -> Iterator[OIDCProvider]:
    """The provider in a subprocess of its own (its deprecation warnings stay there)."""
    port = _free_port()
    log = open(log_path, "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "oidc_provider_mock",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--require-nonce",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    provider = OIDCProvider(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"{provider.url}/.well-known/openid-configuration", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the OIDC provider did not start") from None
                time.sleep(0.05)
        yield provider
    finally:
        process.terminate()
        process.wait(10)
        log.close()


@pytest.fixture
def oidc_provider(tmp_path: Path) -> Iterator[OIDCProvider]:
    with running_provider(tmp_path / "oidc-provider.log") as provider:
        yield provider
