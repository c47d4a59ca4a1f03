"""A server killed (kill -9) in the middle of uploads leaves no dangling reference.

The bytes of an evidence file are stored and fsynced before the row that names
them commits (store/operations/files.py), so whatever moment the process dies
at, every ``stored_file`` row has its blob: ``fuyuan files check`` reports 0
dangling references. What the crash may leave is a blob no row references (or
a half-written temporary file), which ``fuyuan files gc`` removes after 24 h.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from store.demo import DEMO_PASSWORD
from tests.conftest import ROOT, free_port

LOGIN = """mutation ($u: String!, $p: String!) {
  login(input: {username: $u, password: $p}) { token } }"""


def _uploads(base: str, token: str, stop: threading.Event, counts: dict[str, int]) -> None:
    number = 0
    with httpx.Client(base_url=base, timeout=10) as client:
        while not stop.is_set():
            number += 1
            # a different PDF each time, large enough to be mid-flight when the kill comes
            data = b"%PDF-1.4\n" + os.urandom(256 * 1024) + f"{number}".encode()
            try:
                answer = client.post(
                    "/files",
                    files={"file": (f"收据{number}.pdf", data, "application/pdf")},
                    headers={"authorization": f"Bearer {token}"},
                )
                counts["ok" if answer.status_code == 201 else "refused"] += 1
            except httpx.TransportError:
                counts["cut"] += 1
                return


@pytest.mark.parametrize("uploaders", [pytest.param(4, id="4-uploaders")])
def test_kill_9_during_uploads_leaves_no_dangling_reference(
    demo_database_url: str, tmp_path: Path, uploaders: int
) -> None:
    files_dir = tmp_path / "files"
    env = {
        **os.environ,
        "FUYUAN_DATABASE_URL": demo_database_url,
        "FUYUAN_FILES_DIR": str(files_dir),
        "FUYUAN_SECRET_KEY": "k" * 40,
    }
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with (tmp_path / "server.log").open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    pytest.fail((tmp_path / "server.log").read_text())
                time.sleep(0.2)
        body = httpx.post(
            f"{base}/graphql",
            json={"query": LOGIN, "variables": {"u": "demo-unit", "p": DEMO_PASSWORD}},
        ).json()
        token = body["data"]["login"]["token"]
        stop = threading.Event()
        counts = {"ok": 0, "refused": 0, "cut": 0}
        threads = [
            threading.Thread(target=_uploads, args=(base, token, stop, counts))
            for _ in range(uploaders)
        ]
        for thread in threads:
            thread.start()
        # when the server dies without warning while uploads are in flight
        deadline = time.monotonic() + 30
        while counts["ok"] < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert counts["ok"] >= 20, counts
    # then every file the database knows has its bytes, intact
    env_check = subprocess.run(
        [sys.executable, "-m", "api.cli", "--lang", "en", "files", "check"],
        env=env, cwd=ROOT, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert env_check.returncode == 0, env_check.stdout + env_check.stderr
    assert "0 dangling reference(s), 0 corrupt" in env_check.stdout
    # and gc keeps every referenced blob (the young orphans too: they are not 24 h old)
    gc = subprocess.run(
        [sys.executable, "-m", "api.cli", "--lang", "en", "files", "gc"],
        env=env, cwd=ROOT, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert gc.returncode == 0, gc.stderr
    assert " 0 unreferenced for over 24 hours removed" in gc.stdout
    again = subprocess.run(
        [sys.executable, "-m", "api.cli", "--lang", "en", "files", "check"],
        env=env, cwd=ROOT, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert again.returncode == 0, again.stdout
