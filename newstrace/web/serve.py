"""`newstrace serve`: the reader and API under uvicorn, on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import socket
import sys

import uvicorn

from newstrace.errors import ServeError
from newstrace.settings import Settings
from newstrace.web.app import create_app


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: any free one), so the address is known."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise ServeError(f"cannot serve on {host}: {error.strerror}; pass another --host") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as error:
        sock.close()
        raise ServeError(
            f"cannot serve on {host}:{port}: {error.strerror}; pass another --port"
        ) from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def address_of(sock: socket.socket) -> str:
    """The http:// address a listening socket answers on."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(store_url: str, settings: Settings, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve until interrupted, after printing the address on stdout."""
    sock = bind(host, port)
    app = create_app(store_url, settings)
    app_server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", access_log=False, server_header=False)
    )
    print(f"newstrace: serving {store_url} at {address_of(sock)}", flush=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"newstrace: listening on {host}, so other machines can reach it; "
            "the API's ingest is guarded by NEWSTRACE_API_TOKEN",
            file=sys.stderr,
        )
    try:
        app_server.run(sockets=[sock])
    finally:
        sock.close()
        app.state.store.close()
