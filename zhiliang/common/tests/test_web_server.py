"""gunicorn as ``zhiliang serve`` runs it: each app process listens on the port itself, so the
kernel spreads clients over the processes. With one shared socket, whichever process woke first
could take every connection of a burst of keep-alive clients and leave the other idle."""

import os
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from zhiliang.common.management.commands.serve import gunicorn_command

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
WORKERS = 2
CLIENTS = 40


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[int, int]]:
    """(port, gunicorn's pid) of the platform served with ``zhiliang/gunicorn_conf.py``."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite3'}",
        "ZHILIANG_VAR_DIR": str(tmp_path / "var"),
        "ZHILIANG_SIGNING_KEY": "d2ViLXNlcnZlci10ZXN0LXNpZ25pbmcta2V5LTMyYiE=",
        "DJANGO_SETTINGS_MODULE": "zhiliang.settings",
    }
    process = subprocess.Popen(
        gunicorn_command(f"127.0.0.1:{port}", WORKERS),
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while len(_children(process.pid)) < WORKERS or not _answers(port):
            assert time.monotonic() < deadline, "gunicorn did not start its workers"
            assert process.poll() is None, "gunicorn stopped"
            time.sleep(0.2)
        settle = time.monotonic() + 5  # the last worker may still be opening its socket
        while len(_listening(port)) < WORKERS and time.monotonic() < settle:
            time.sleep(0.1)
        yield port, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def _children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _sockets(port: int, state: str) -> set[str]:
    """Inodes of the IPv4 TCP sockets on 127.0.0.1:``port`` in ``state`` (0A listening,
    01 established)."""
    local = f"0100007F:{port:04X}"
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == local and fields[3] == state:
            found.add(fields[9])
    return found


def _listening(port: int) -> set[str]:
    return _sockets(port, "0A")


def _owner(pids: list[int], inodes: set[str]) -> Counter[int]:
    """How many of ``inodes`` each process holds."""
    held: Counter[int] = Counter()
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in inodes:
                held[pid] += 1
    return held


def test_each_app_process_listens_itself_and_clients_reach_both(server) -> None:
    port, master = server
    workers = _children(master)
    assert len(workers) == WORKERS
    listening = _listening(port)
    assert len(listening) == WORKERS  # one shared socket would be a single one
    assert all(n == 1 for n in _owner(workers, listening).values())  # a socket each
    clients = [httpx.Client(base_url=f"http://127.0.0.1:{port}") for _ in range(CLIENTS)]
    try:
        for client in clients:  # all connected at once, kept alive, as a load tester does
            assert client.get("/healthz").status_code == 200
        held = _owner(workers, _sockets(port, "01"))
        assert sum(held.values()) == CLIENTS
        assert all(held[pid] > 0 for pid in workers), held  # 40 left to chance: 2 in 2^40
    finally:
        for client in clients:
            client.close()
