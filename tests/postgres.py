"""A real PostgreSQL with PostGIS for the tests, from Debian's packages, in a temporary directory.

``postgres_server()`` runs initdb and postgres (as the ``postgres`` user when the tests run as
root: PostgreSQL refuses to run as root) on a free local port and yields a database URL.
Locally a missing PostgreSQL skips; in CI (``CI=true``) it fails.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _postgis_installed(bin_dir: Path) -> bool:
    version = bin_dir.parent.name
    return bool(glob.glob(f"/usr/share/postgresql/{version}/extension/postgis.control"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _missing(why: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{why} (CI installs postgresql and postgresql-15-postgis-3 in .ci/run)")
    pytest.skip(why)


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Start PostgreSQL in a temp dir; yield ``postgresql://postgres@127.0.0.1:PORT/yuqian``."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        _missing("PostgreSQL is not installed (apt-get install -y postgresql postgresql-15-postgis-3)")
    assert bin_dir is not None
    if not _postgis_installed(bin_dir):
        _missing("PostGIS is not installed (apt-get install -y postgresql-15-postgis-3)")
    as_root = os.geteuid() == 0
    run_as = ["runuser", "-u", "postgres", "--"] if as_root else []
    top = Path(tempfile.mkdtemp(prefix="yq-pg-"))
    data, port = top / "data", _free_port()
    if as_root:
        entry = pwd.getpwnam("postgres")
        os.chown(top, entry.pw_uid, entry.pw_gid)
    log = top / "server.log"
    try:
        subprocess.run(
            [*run_as, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8"],
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -k {top} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start"],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [*run_as, str(bin_dir / "createdb"), "-h", str(top), "-p", str(port), "-U", "postgres", "yuqian"],
            check=True,
            capture_output=True,
        )
        yield f"postgresql://postgres@127.0.0.1:{port}/yuqian"
    finally:
        subprocess.run(
            [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True
        )
        shutil.rmtree(top, ignore_errors=True)


def psql(url: str, sql: str) -> str:
    """Run `sql` with Debian's psql (a plain client, independent of our code); its output, unaligned."""
    bin_dir = _bin_dir()
    assert bin_dir is not None
    done = subprocess.run(
        [str(bin_dir / "psql"), url, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


__all__ = ["postgres_server", "psql"]
