"""Replay issue 20's measured findings against a real `cbec serve` and print the figures.

    python bench/security.py [--src PATH]

--src runs the server from another checkout's src/ (e.g. the code before the fix) to print the "before" figures.
Prints: the headers of /login, / and an API answer as served; a 200 MB complaint body's status, time and the
server's peak memory before and after; the statuses of 30 wrong passwords then the right one; 100 anonymous
complaints from one address.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

PASSWORD = "correct horse battery"
SHOWN = ("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy", "cache-control")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _peak_mb(pid: int) -> tuple[float, float]:
    """Return the process's resident memory now and its peak, in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def _request(port: int, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> tuple:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    sent = {"Content-Type": "application/json"} if body else {}
    connection.request(method, path, body=body, headers=sent | (headers or {}))
    reply = connection.getresponse()
    data = reply.read()
    connection.close()
    return reply.status, dict((k.lower(), v) for k, v in reply.getheaders()), data


def _big_body(port: int, size: int) -> tuple[int, float, int]:
    """POST `size` bytes to the public complaint route; return status, seconds and bytes sent."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    connection.putrequest("POST", "/api/v1/complaints")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(size))
    connection.endheaders()
    started, sent, chunk = time.perf_counter(), 0, b'{"text": "' + b"x" * (1024 * 1024 - 10)
    try:
        while sent < size:
            part = chunk[: size - sent]
            connection.send(part)
            sent += len(part)
    except (BrokenPipeError, ConnectionResetError):
        pass
    status = connection.getresponse().status
    connection.close()
    return status, time.perf_counter() - started, sent


def main() -> None:
    """Start a server on a fresh home, replay the findings, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--src", type=Path, default=Path(__file__).resolve().parents[1] / "src")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="cbec-security-"))
    env = dict(os.environ, PYTHONPATH=str(args.src.resolve()), CBEC_HOME=str(home))
    cbec = [sys.executable, "-m", "cbec.cli.main"]
    for name, role in (("analyst", "regulator-analyst"), ("victim", "auditor")):
        made = [*cbec, "users", "add", name, "--role", role, "--password", PASSWORD]
        subprocess.run(made, env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen([*cbec, "serve", "--port", str(port)], env=env, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _request(port, "GET", "/login")
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        print(f"server from {args.src}")
        token_status, _, token_body = _request(
            port, "POST", "/api/v1/auth/token", json.dumps({"username": "analyst", "password": PASSWORD}).encode()
        )
        token = json.loads(token_body)["access_token"] if token_status == 200 else ""
        pages = (("/", {}), ("/login", {}), ("/api/v1/auth/me", {"Authorization": f"Bearer {token}"}))
        for path, headers in pages:
            status, served, _ = _request(port, "GET", path, headers=headers)
            print(f"GET {path} -> {status}")
            for name in SHOWN:
                print(f"  {name}: {served.get(name, '(none)')}")
        rss, peak = _peak_mb(server.pid)
        status, seconds, sent = _big_body(port, 200 * 1024 * 1024)
        rss_after, peak_after = _peak_mb(server.pid)
        print(
            f"200 MB complaint body: {status} after {seconds:.2f} s, {sent / 2**20:.0f} MB sent; server RSS "
            f"{rss:.0f} MB -> {rss_after:.0f} MB, peak {peak:.0f} MB -> {peak_after:.0f} MB"
        )
        login = json.dumps({"username": "victim", "password": "wrong password"}).encode()
        statuses = [_request(port, "POST", "/api/v1/auth/token", login)[0] for _ in range(30)]
        right = json.dumps({"username": "victim", "password": PASSWORD}).encode()
        final, headers, _ = _request(port, "POST", "/api/v1/auth/token", right)
        print(
            f"30 wrong passwords: {' '.join(map(str, statuses))}; then the right one: {final} "
            f"(Retry-After {headers.get('retry-after', '-')})"
        )
        complaint = {
            "text": "收到的商品与描述不符",
            "language": "zh",
            "consumer_name": "王",
            "consumer_phone": "13900000000",
        }
        filed = [
            _request(
                port, "POST", "/api/v1/complaints", json.dumps(complaint).encode(), {"Content-Type": "application/json"}
            )[0]
            for _ in range(100)
        ]
        print(f"100 anonymous complaints from one address: {dict(Counter(filed))}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
