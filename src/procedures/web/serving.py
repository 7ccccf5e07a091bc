"""Running the service: one process, or several worker processes sharing one listening socket.

With one process uvicorn serves the app built here. With several, each
worker builds its own app from the same rules folder (passed to the workers
in $PROCEDURES_RULES) and they share a socket this module opens: uvicorn's
own opens it without naming the TCP protocol, and connections accepted on
such a socket do not get TCP_NODELAY from asyncio, so that every response
on a keep-alive connection after the first waits about 40 ms for the
client's delayed acknowledgement.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

from procedures.errors import InputError

APP_FACTORY = "procedures.web.app:create_app"


def listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.set_inheritable(True)
    return sock


def serve(host: str, port: int, rules: Path | None, workers: int = 1) -> None:
    import uvicorn

    from procedures.loader import RULES_ENV
    from procedures.web.app import create_app

    app = create_app(rules)  # a rules folder with an error stops here, once
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="warning")
        return
    from uvicorn.supervisors import Multiprocess

    if rules is not None:
        os.environ[RULES_ENV] = str(rules.resolve())
    config = uvicorn.Config(APP_FACTORY, factory=True, workers=workers, host=host, port=port, log_level="warning")
    Multiprocess(config, sockets=[listening_socket(host, port)]).run()
