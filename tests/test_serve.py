"""`procedures serve` says where it is, logs each request, and refuses a port in use in one line."""

from __future__ import annotations

import io
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from fastapi.testclient import TestClient

from conftest import REPO
from procedures.web.app import create_app
from procedures.web.serving import RequestLog, address


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_each_request_is_one_line_with_method_path_status_and_time():
    stream = io.StringIO()
    client = TestClient(RequestLog(create_app(REPO / "rules"), stream=stream))
    client.get("/api/check", params={"kind": "study-group", "opens": "2026-09-14", "received": "2026-09-03"})
    client.get("/no-such-page", params={"who": "a delegate"})
    first, second = stream.getvalue().splitlines()
    method, path, status, took, unit = first.split()
    assert (method, path, status, unit) == ("GET", "/api/check", "200", "ms")
    assert float(took) >= 0
    assert second.startswith("GET /no-such-page 404 ")
    assert "delegate" not in stream.getvalue()  # the query is not logged


def test_an_address_with_a_colon_is_bracketed():
    assert address("127.0.0.1", 8000) == "http://127.0.0.1:8000/"
    assert address("::1", 8000) == "http://[::1]:8000/"


def test_serve_prints_its_url_logs_requests_and_a_second_one_on_the_same_port_fails_in_one_line(tmp_path):
    port = _free_port()
    err = open(tmp_path / "stderr", "w+")
    proc = subprocess.Popen([sys.executable, "-m", "procedures", "serve", "--port", str(port), "--rules", str(REPO / "rules")],
                            stdout=subprocess.DEVNULL, stderr=err, text=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url + "api/rules", timeout=1) as r:
                    assert r.status == 200
                break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None and time.monotonic() < deadline, open(tmp_path / "stderr").read()
                time.sleep(0.2)
        second = subprocess.run([sys.executable, "-m", "procedures", "serve", "--port", str(port)],
                                capture_output=True, text=True, timeout=60)
        assert second.returncode == 2
        assert second.stderr.count("\n") == 1 and "Traceback" not in second.stderr
        assert f"cannot listen on 127.0.0.1:{port}" in second.stderr and "--port" in second.stderr
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    lines = open(tmp_path / "stderr").read().splitlines()
    assert lines[0].startswith(f"procedures: serving {url}")
    assert "rules:" in lines[0] and "Ctrl-C" in lines[0]
    assert any(line.startswith("GET /api/rules 200 ") and line.endswith(" ms") for line in lines[1:])
