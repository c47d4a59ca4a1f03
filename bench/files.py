"""Evidence files (issue 19): upload and download throughput of a 10 MiB file on each
backend, and the server's peak memory while 8 such uploads run at once.

Issue 19's measure: "Upload and download throughput of a 10 MiB file on each
backend, and the server's peak memory while 8 such uploads run at once (it
should stream, not hold whole files)."

For each backend (disk under a temporary FUYUAN_FILES_DIR; S3 on moto's
ThreadedMotoServer, the same S3-protocol server the tests use) the script runs
``fuyuan serve`` as its own process on a demo database, signs in as demo-unit,
and over HTTP:

1. uploads ``--n`` different 10 MiB PDFs one after another (POST /files), then
   downloads each (GET /files/{id}), printing MiB/s (median of the runs);
2. reads the server's resident memory (VmRSS of /proc/PID/status), sends 8
   uploads at once, and reads its peak (VmHWM, the high-water mark, reset
   before the burst through /proc/PID/clear_refs where the kernel allows it):
   it prints the peak, the growth over the resting memory, and that growth as
   a share of the 80 MiB in flight. A server that held whole files would grow
   by at least 80 MiB (a ratio of 1 or more).

Usage::

    .venv/bin/python bench/files.py [--n 5] [--size-mib 10]
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)
sys.path.insert(0, str(ROOT))

MIB = 1024 * 1024
LOGIN = """mutation ($u: String!, $p: String!) {
  login(input: {username: $u, password: $p}) { token } }"""


def _fuyuan(*args: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=env, cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"fuyuan {' '.join(args)}: {done.stderr}")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _server(env: dict[str, str], log: Path) -> Iterator[tuple[str, int]]:
    port = _free_port()
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
            env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"server did not start: {log.read_text()}")
            time.sleep(0.2)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=20)


def _memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in KiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in {"VmRSS", "VmHWM"}:
            values[name] = int(rest.split()[0])
    return values


def _reset_peak(pid: int) -> bool:
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _pdf(size: int) -> bytes:
    return b"%PDF-1.7\n" + secrets.token_bytes(size - 9)


def _upload(client: httpx.Client, token: str, data: bytes, name: str) -> dict[str, Any]:
    answer = client.post(
        "/files",
        files={"file": (name, data, "application/pdf")},
        headers={"authorization": f"Bearer {token}"},
    )
    if answer.status_code != 201:
        raise SystemExit(f"upload refused: {answer.status_code} {answer.text}")
    body: dict[str, Any] = answer.json()
    return body


def _measure(label: str, env: dict[str, str], folder: Path, n: int, size: int) -> None:
    with _server(env, folder / f"server-{label}.log") as (base, pid):
        token = httpx.post(
            f"{base}/graphql",
            json={"query": LOGIN, "variables": {"u": "demo-unit", "p": "fuyuan-demo"}},
        ).json()["data"]["login"]["token"]
        with httpx.Client(base_url=base, timeout=120) as client:
            _upload(client, token, _pdf(64 * 1024), "warm-up.pdf")
            up, down, ids = [], [], []
            for index in range(n):
                data = _pdf(size)
                started = time.perf_counter()
                ids.append(_upload(client, token, data, f"收据{index}.pdf")["id"])
                up.append(size / MIB / (time.perf_counter() - started))
            for file_id in ids:
                started = time.perf_counter()
                got = 0
                with client.stream(
                    "GET", f"/files/{file_id}", headers={"authorization": f"Bearer {token}"}
                ) as answer:
                    for chunk in answer.iter_bytes():
                        got += len(chunk)
                assert got == size, got
                down.append(size / MIB / (time.perf_counter() - started))
        resting = _memory(pid)["VmRSS"]
        reset = _reset_peak(pid)
        files = [_pdf(size) for _ in range(8)]
        errors: list[BaseException] = []

        def send(data: bytes, index: int) -> None:
            try:
                with httpx.Client(base_url=base, timeout=300) as own:
                    _upload(own, token, data, f"并发{index}.pdf")
            except BaseException as err:  # reported below, the burst goes on
                errors.append(err)

        threads = [threading.Thread(target=send, args=(data, i)) for i, data in enumerate(files)]
        peak_sampled = resting
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            peak_sampled = max(peak_sampled, _memory(pid)["VmRSS"])
            time.sleep(0.01)
        burst = time.perf_counter() - started
        hwm = _memory(pid)["VmHWM"]
    if errors:
        raise SystemExit(f"{label}: {len(errors)} concurrent upload(s) failed: {errors[0]}")
    peak = max(peak_sampled, hwm if reset else peak_sampled)
    growth = peak - resting
    in_flight = 8 * size / 1024
    print(
        f"{label:5} upload {statistics.median(up):7.1f} MiB/s  download "
        f"{statistics.median(down):7.1f} MiB/s  (median of {n}, {size // MIB} MiB)"
    )
    print(
        f"{label:5} 8 uploads at once in {burst:.2f} s: server RSS resting {resting / 1024:.1f} "
        f"MiB, peak {peak / 1024:.1f} MiB (+{growth / 1024:.1f} MiB = "
        f"{growth / in_flight:.2f} × the {in_flight / 1024:.0f} MiB in flight; "
        f"peak {'from VmHWM' if reset else 'sampled every 10 ms'})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=5, help="uploads and downloads timed per backend")
    parser.add_argument("--size-mib", type=int, default=10)
    args = parser.parse_args()
    size = args.size_mib * MIB
    from tests.files_fixtures import make_bucket, moto_server

    with tempfile.TemporaryDirectory(prefix="fuyuan-bench-files-") as tmp:
        folder = Path(tmp)
        url = f"sqlite://{folder / 'demo.sqlite3'}"
        env = {
            **os.environ,
            "FUYUAN_DATABASE_URL": url,
            "FUYUAN_SECRET_KEY": "b" * 40,
            "FUYUAN_MAX_FILE_MB": str(args.size_mib + 2),
        }
        _fuyuan("migrate", env=env)
        _fuyuan("seed", "--demo", env=env)
        _measure("disk", {**env, "FUYUAN_FILES_DIR": str(folder / "files")}, folder, args.n, size)
        with moto_server() as endpoint:
            import asyncio

            asyncio.run(make_bucket(endpoint, "fuyuan-bench"))
            s3_env = {
                **env,
                "FUYUAN_FILES_URL": "s3://fuyuan-bench/evidence",
                "FUYUAN_S3_ENDPOINT_URL": endpoint,
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_DEFAULT_REGION": "us-east-1",
            }
            _measure("s3", s3_env, folder, args.n, size)


if __name__ == "__main__":
    main()
