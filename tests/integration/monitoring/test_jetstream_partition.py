"""The publisher's partition function is NATS's own: a real nats-server subject mapping puts keys alike."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from pathlib import Path

import nats
import pytest

from cbec.monitoring.streaming.jetstream.subjects import key_token, partition_of

SERVER = shutil.which("nats-server") or "/usr/sbin/nats-server"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.mark.skipif(not Path(SERVER).exists(), reason="nats-server is not installed")
def test_a_server_side_partition_mapping_agrees_with_the_publisher(tmp_path: Path) -> None:
    port = _free_port()
    config = tmp_path / "nats.conf"
    config.write_text(
        f'listen: 127.0.0.1:{port}\nmappings = {{ "in.*.*": "out.{{{{wildcard(1)}}}}.{{{{partition(7,2)}}}}" }}\n',
        encoding="utf-8",
    )
    server = subprocess.Popen([SERVER, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    keys = [f"AC{n:05X}" for n in range(300)] + ["a.b c", "付款人", "CN-US", "x~y"]

    async def mapped() -> dict[str, str]:
        for _ in range(100):  # the server takes a moment to listen
            try:
                connection = await nats.connect(f"nats://127.0.0.1:{port}", allow_reconnect=False)
                break
            except Exception:
                time.sleep(0.05)
        found: dict[str, str] = {}

        async def keep(msg: nats.aio.msg.Msg) -> None:
            found[msg.data.decode()] = msg.subject

        await connection.subscribe("out.>", cb=keep)
        for key in keys:
            await connection.publish(f"in.payer_id.{key_token((key,))}", key.encode())
        await connection.flush()
        for _ in range(100):
            if len(found) == len(keys):
                break
            await asyncio.sleep(0.02)
        await connection.close()
        return found

    try:
        found = asyncio.run(mapped())
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert found == {key: f"out.payer_id.{partition_of(key_token((key,)), 7)}" for key in keys}
    assert len(set(found.values())) == 7
