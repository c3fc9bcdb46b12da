"""deploy/serve for the benches: N replicas behind nginx on a free port, stopped afterwards."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import signal
import subprocess
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from bench.common import ROOT


@contextlib.contextmanager
def served(replicas: int = 1) -> Iterator[tuple[str, Path, list[int]]]:
    """deploy/serve on a free port: (url, run dir, replica ports)."""
    from tests.browser import _free_port

    run_dir = Path(tempfile.mkdtemp(prefix="yq-bench-serve-"))
    port = _free_port()
    command = [str(ROOT / "deploy" / "serve"), "--replicas", str(replicas), "--port", str(port)]
    command += ["--host", "127.0.0.1", "--run-dir", str(run_dir), "--no-restart"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if "serving http" in line:
                break
            if process.poll() is not None:
                raise RuntimeError("deploy/serve did not start")
        ports = [int(p) for p in re.findall(r"server 127\.0\.0\.1:(\d+)", (run_dir / "nginx.conf").read_text())]
        url = f"http://127.0.0.1:{port}/"
        with urllib.request.urlopen(url + "_stcore/health", timeout=10) as reply:
            assert reply.status == 200
        yield url, run_dir, ports
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        shutil.rmtree(run_dir, ignore_errors=True)


def replica_pids(run_dir: Path) -> list[int]:
    """The replicas' process ids (deploy/serve keeps them in replicas.json)."""
    return [int(pid) for pid in json.loads((run_dir / "replicas.json").read_text()).values()]


__all__ = ["replica_pids", "served"]
