"""Running the service: one process, or several worker processes sharing one listening socket.

With one process uvicorn serves the app built here. With several, each
worker builds its own app from the same rules folder (passed to the workers
in $PROCEDURES_RULES) and they share a socket this module opens: uvicorn's
own opens it without naming the TCP protocol, and connections accepted on
such a socket do not get TCP_NODELAY from asyncio, so that every response
on a keep-alive connection after the first waits about 40 ms for the
client's delayed acknowledgement.

Either way the service says where it is (its address on stderr) and logs
one line per request to stderr: method, path (without the query, which may
carry a delegation's data), status and time taken.
"""

from __future__ import annotations

import errno
import os
import socket
import sys
import time
from pathlib import Path

from procedures.errors import InputError

APP_FACTORY = "procedures.web.serving:logged_app"


def listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        hint = "; another program (or another `procedures serve`) uses it: choose another with --port" \
            if exc.errno == errno.EADDRINUSE else ""
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror}{hint}") from None
    sock.set_inheritable(True)
    return sock


class RequestLog:
    """ASGI wrapper: one line per HTTP request on stderr, e.g. ``GET /api/check 200 3.1 ms``."""

    def __init__(self, app, stream=None) -> None:
        self.app = app
        self.stream = stream

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status = 500  # what the client gets when the app fails before answering

        async def sending(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            took = (time.perf_counter() - started) * 1000
            stream = self.stream or sys.stderr
            print(f"{scope.get('method', '?')} {scope.get('path', '?')} {status} {took:.1f} ms", file=stream, flush=True)


def logged_app():
    """What each worker process serves: the app over the rules in $PROCEDURES_RULES, the plans in
    $PROCEDURES_PLANS, with its request log."""
    from procedures.web.app import create_app
    from procedures.web.plans import PLANS_ENV, paths_from_env, publish

    app = create_app()
    # a worker (re)started while a plan file is broken serves the plan's error, not a crash loop
    publish(app, paths_from_env(os.environ.get(PLANS_ENV, "")), strict=False)
    return RequestLog(app)


def address(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(host: str, port: int, rules: Path | None, workers: int = 1, plans: list[Path] = ()) -> None:
    import uvicorn

    from procedures.loader import RULES_ENV
    from procedures.web.app import create_app
    from procedures.web.plans import PLANS_ENV, publish

    app = create_app(rules)  # a rules folder with an error stops here, once
    publish(app, list(plans))  # so does a plan that cannot be read
    sock = listening_socket(host, port)  # a port in use stops here, with one line
    where = f"; {app.state.library.describe()}"
    each = f", {workers} worker processes" if workers > 1 else ""
    print(f"procedures: serving {address(host, port)}{each}{where}; Ctrl-C stops", file=sys.stderr, flush=True)
    for plan in plans:
        from procedures.web.plans import plan_name

        print(f"procedures: plan {plan} at {address(host, port)}plans/{plan_name(plan)} (feed: …/{plan_name(plan)}.ics)",
              file=sys.stderr, flush=True)
    if workers == 1:
        config = uvicorn.Config(RequestLog(app), log_level="warning", access_log=False)
        uvicorn.Server(config).run(sockets=[sock])
        return
    from uvicorn.supervisors import Multiprocess

    if rules is not None:
        os.environ[RULES_ENV] = str(rules.resolve())
    from procedures.web.plans import paths_for_workers

    os.environ[PLANS_ENV] = paths_for_workers(list(plans))
    config = uvicorn.Config(APP_FACTORY, factory=True, workers=workers, host=host, port=port, log_level="warning",
                            access_log=False)
    Multiprocess(config, sockets=[sock]).run()
