"""The embedded PostgreSQL + PostGIS cluster under `.data/`: created, started and stopped by `twomaps db`.

initdb and postgres refuse to run as root, so as root the cluster belongs to an unprivileged OS user that we create
(or find). The cluster listens on 127.0.0.1 and its own socket directory at its own port; a system cluster is never
touched. Every failure raises `ClusterError` with a one-line reason, and a failed initdb leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import re
import secrets
import shutil
import socket
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

from app.settings import Settings

SERVER_OPTIONS = {
    "listen_addresses": "127.0.0.1",
    "shared_buffers": "512MB",
    "work_mem": "64MB",
    "maintenance_work_mem": "512MB",
    "max_connections": "200",
    "jit": "off",
    "max_wal_size": "2GB",
}


class ClusterError(RuntimeError):
    """A one-line, user-facing reason why the embedded cluster cannot do what was asked."""


@dataclass(frozen=True)
class ClusterStatus:
    initialised: bool
    running: bool
    port: int
    data_dir: Path
    pid: int | None


def _server_bindir() -> Path:
    """The newest PostgreSQL server installation (Debian layout, or TWOMAPS_PG_BINDIR)."""
    override = os.environ.get("TWOMAPS_PG_BINDIR")
    candidates = (
        [Path(override)]
        if override
        else sorted(
            Path("/usr/lib/postgresql").glob("*/bin"),
            key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        )
    )
    for bindir in reversed(candidates):
        if (bindir / "initdb").exists() and (bindir / "postgres").exists():
            return bindir
    raise ClusterError(
        "PostgreSQL server binaries not found: install them (Debian/Ubuntu: apt-get install postgresql-15 "
        "postgresql-15-postgis-3) or set TWOMAPS_DATABASE_URL to an existing PostGIS server"
    )


def _major(bindir: Path) -> str:
    out = subprocess.run([str(bindir / "postgres"), "--version"], capture_output=True, text=True, check=True)
    match = re.search(r"(\d+)(?:\.\d+)?", out.stdout)
    if not match:
        raise ClusterError(f"cannot read the PostgreSQL version from {out.stdout.strip()!r}")
    return match.group(1)


def postgis_installed(major: str) -> bool:
    return Path(f"/usr/share/postgresql/{major}/extension/postgis.control").exists()


def ensure_postgis(major: str) -> None:
    """Install Debian's PostGIS for this PostgreSQL major version when missing and allowed; else say what to do."""
    if postgis_installed(major):
        return
    package = f"postgresql-{major}-postgis-3"
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise ClusterError(f"PostGIS is missing for PostgreSQL {major}: install it with `apt-get install {package}`")
    print(f"twomaps: installing {package} …", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    result = subprocess.run(["apt-get", "install", "-y", "-q", package], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True)
        result = subprocess.run(["apt-get", "install", "-y", "-q", package], env=env, capture_output=True, text=True)
    if result.returncode != 0 or not postgis_installed(major):
        raise ClusterError(f"could not install {package}: {result.stderr.strip().splitlines()[-1:]}")


class Cluster:
    """One project-local cluster: `.data/pg` (data), `.data/run` (socket), `.data/pg.log`, `.data/pg.password`."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.base = cluster_home(settings.data_dir.resolve())
        self.pgdata = self.base / "pg"
        self.rundir = self.base / "run"
        self.logfile = self.base / "pg.log"
        self.password_file = self.base / "pg.password"
        self.port = settings.db_port
        self.role = settings.db_os_user

    # -- identity ------------------------------------------------------------------------------------------------
    def _os_user(self) -> str | None:
        """The OS user that owns the cluster: ours when running as root, else whoever we are (None)."""
        if os.geteuid() != 0:
            return None
        try:
            pwd.getpwnam(self.role)
        except KeyError:
            created = subprocess.run(
                ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", self.role],
                capture_output=True,
                text=True,
            )
            if created.returncode != 0:
                raise ClusterError(f"cannot create OS user {self.role!r}: {created.stderr.strip()}") from None
        return self.role

    def _run(self, args: list[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(args, capture_output=True, text=True, user=self._os_user(), cwd="/")
        if check and result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise ClusterError(f"{Path(args[0]).name} failed: {detail[-1] if detail else result.returncode}")
        return result

    def _chown(self, path: Path) -> None:
        user = self._os_user()
        if user:
            shutil.chown(path, user, user)

    def password(self) -> str:
        if not self.password_file.exists():
            raise ClusterError(f"the embedded cluster is not initialised ({self.pgdata}); run `twomaps db start`")
        return self.password_file.read_text().strip()

    def url(self, database: str) -> str:
        return f"postgresql://{self.role}:{self.password()}@127.0.0.1:{self.port}/{database}"

    # -- lifecycle -----------------------------------------------------------------------------------------------
    def status(self) -> ClusterStatus:
        pid = None
        running = False
        pidfile = self.pgdata / "postmaster.pid"
        if pidfile.exists():
            pid = int(pidfile.read_text().splitlines()[0])
            try:
                os.kill(pid, 0)
                running = True
            except ProcessLookupError:
                running = False
            except PermissionError:
                running = True
        return ClusterStatus((self.pgdata / "PG_VERSION").exists(), running, self.port, self.pgdata, pid)

    def init(self) -> bool:
        """initdb into a temporary directory and move it into place: a failure leaves nothing half-created."""
        if (self.pgdata / "PG_VERSION").exists():
            return False
        bindir = _server_bindir()
        ensure_postgis(_major(bindir))
        self.base.mkdir(parents=True, exist_ok=True)
        os.chmod(self.base, 0o755)
        staging = self.base / "pg.initdb"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(mode=0o700)
        self._chown(staging)
        password = secrets.token_urlsafe(18)
        pwfile = self.base / "pg.password.init"
        pwfile.write_text(password + "\n")
        os.chmod(pwfile, 0o600)
        self._chown(pwfile)
        try:
            self._run(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(staging),
                    "-U",
                    self.role,
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                    f"--pwfile={pwfile}",
                ]
            )
        except ClusterError:
            shutil.rmtree(staging, ignore_errors=True)
            pwfile.unlink(missing_ok=True)
            raise
        staging.rename(self.pgdata)
        pwfile.rename(self.password_file)
        return True

    def start(self) -> bool:
        """Start the cluster (initialising it first); False when it was already running."""
        if self.status().running:
            return False
        if _port_taken(self.port):
            raise ClusterError(f"port {self.port} on 127.0.0.1 is taken by another process: set TWOMAPS_DB_PORT")
        self.init()
        bindir = _server_bindir()
        ensure_postgis(_major(bindir))
        self.rundir.mkdir(parents=True, exist_ok=True)
        self._chown(self.rundir)
        if not self.logfile.exists():
            self.logfile.touch()
        self._chown(self.logfile)
        options = " ".join(f"-c {k}={v}" for k, v in SERVER_OPTIONS.items())
        result = self._run(
            [
                str(bindir / "pg_ctl"),
                "start",
                "-w",
                "-t",
                "60",
                "-D",
                str(self.pgdata),
                "-l",
                str(self.logfile),
                "-o",
                f"-p {self.port} -k {self.rundir} {options}",
            ],
            check=False,
        )
        if result.returncode != 0:
            tail = self.logfile.read_text(errors="replace").strip().splitlines()[-1:] if self.logfile.exists() else []
            raise ClusterError(f"the embedded cluster did not start: {tail[0] if tail else result.stderr.strip()}")
        return True

    def stop(self) -> bool:
        """Stop the cluster if it runs; only ever our own data directory."""
        if not self.status().running:
            return False
        self._run([str(_server_bindir() / "pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(self.pgdata)])
        return True


def cluster_home(data_dir: Path) -> Path:
    """`.data/`, unless we run as root and an unprivileged user cannot pass through one of its parents (a project
    under /root, mode 700): then a fixed place per project under /var/lib/twomaps, so the same project always finds
    the same cluster."""
    if os.geteuid() != 0:
        return data_dir
    parents = [p for p in data_dir.parents if p.exists()]
    if all(p.stat().st_mode & stat.S_IXOTH for p in parents):
        return data_dir
    digest = hashlib.sha1(str(data_dir).encode()).hexdigest()[:12]
    return Path("/var/lib/twomaps") / digest


def _port_taken(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False
