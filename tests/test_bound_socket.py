"""`mentorhub serve` binds its socket before it imports the application: a port in use
is a clear error at once (server/bound_socket.py)."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.server_process import ServerProcess


def test_a_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = ServerProcess(
            {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "PORT": str(port)},
            tmp_path / "server.log",
        )
        server.migrate()
        try:
            server.start(timeout=30)
        except RuntimeError:
            pass
        else:
            raise AssertionError("the server started on a port in use")
        assert f"mentorhub: cannot listen on 127.0.0.1:{port}: " in server.log()
        assert "Traceback" not in server.log()
        assert server.process is not None and server.process.wait(10) == 1
