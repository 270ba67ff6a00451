"""`twomaps` fails with a one-line reason and a non-zero exit, and leaves nothing half-created."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

from app.db import cluster as cluster_module
from app.db.cluster import ClusterError

TWOMAPS = str(Path(__file__).resolve().parent.parent / ".venv" / "bin" / "twomaps")


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TWOMAPS_")}
    return subprocess.run([TWOMAPS, *args], capture_output=True, text=True, env={**clean, **env}, timeout=120)


def assert_one_line_failure(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("twomaps: ")
    for word in words:
        assert word in lines[0]


def test_port_taken_fails_before_creating_anything(tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        result = run("db", "start", TWOMAPS_DATA_DIR=str(tmp_path / "data"), TWOMAPS_DB_PORT=str(port))
    assert_one_line_failure(result, "port", str(port))
    assert not (tmp_path / "data").exists()


def test_unwritable_data_dir_fails_in_one_line() -> None:
    result = run("db", "start", TWOMAPS_DATA_DIR="/proc/twomaps-cannot-exist", TWOMAPS_DB_PORT="54399")
    assert_one_line_failure(result)


def test_unreachable_database_fails_in_one_line() -> None:
    result = run("db", "migrate", TWOMAPS_DATABASE_URL="postgresql://nobody:x@127.0.0.1:9/none")
    assert_one_line_failure(result, "database unreachable")


def test_status_of_a_cluster_never_created_exits_non_zero(tmp_path: Path) -> None:
    result = run("db", "status", TWOMAPS_DATA_DIR=str(tmp_path))
    assert result.returncode == 3
    assert result.stdout.startswith("not created")


def test_missing_postgis_names_the_package_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cluster_module.os, "geteuid", lambda: 1000)
    with pytest.raises(ClusterError, match=r"apt-get install postgresql-99-postgis-3"):
        cluster_module.ensure_postgis("99")


def test_embedded_url_points_at_our_own_port(settings) -> None:
    result = run("db", "url", TWOMAPS_DB_PORT=str(settings.db_port))
    assert result.returncode == 0
    assert f":{settings.db_port}/twomaps" in result.stdout


def test_a_cluster_home_the_cluster_user_cannot_reach_moves_to_var_lib() -> None:
    """As root the cluster runs unprivileged: a project under a mode-700 directory gets a fixed home elsewhere."""
    import shutil
    import tempfile

    from app.db.cluster import cluster_home

    base = Path(tempfile.mkdtemp(dir="/tmp"))  # pytest's own tmp_path sits under a mode-700 directory
    try:
        base.chmod(0o755)
        reachable = base / "open" / ".data"
        reachable.parent.mkdir()
        locked = base / "locked" / "project" / ".data"
        locked.parent.mkdir(parents=True)
        (base / "locked").chmod(0o700)
        assert cluster_home(reachable) == reachable
        if os.geteuid() == 0:
            home = cluster_home(locked)
            assert home.parent == Path("/var/lib/twomaps") and home == cluster_home(locked)
        else:
            assert cluster_home(locked) == locked
    finally:
        shutil.rmtree(base)
