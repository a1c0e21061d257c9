"""A private PostgreSQL cluster (initdb/pg_ctl) with logical WAL, under a folder of our own."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SERVER_USER = "postgres"  # initdb refuses to run as root; as root we run the server as this user


class PostgresError(RuntimeError):
    pass


def find_bindir() -> Path:
    """The PostgreSQL server binaries: $PG_BINDIR, else the newest /usr/lib/postgresql/*/bin."""
    override = os.environ.get("PG_BINDIR")
    candidates = [Path(override)] if override else []
    candidates += sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True
    )
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    for candidate in candidates:
        if (candidate / "initdb").is_file() and (candidate / "pg_ctl").is_file():
            return candidate
    raise PostgresError(
        "PostgreSQL server binaries not found: install them (`apt-get install -y postgresql`) or set PG_BINDIR"
    )


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


@dataclass
class PostgresCluster:
    data_dir: Path
    port: int
    host: str = "127.0.0.1"
    user: str = "postgres"

    @property
    def log_file(self) -> Path:
        return self.data_dir.parent / f"{self.data_dir.name}.log"

    def url(
        self,
        database: str,
        driver: str = "postgresql+psycopg",
        user: str | None = None,
        password: str | None = None,
    ) -> str:
        """The superuser's URL by default (trusted on loopback: the stack's own administration);
        a service role's URL with its password."""
        login = user or self.user
        if password:
            login += f":{password}"
        return f"{driver}://{login}@{self.host}:{self.port}/{database}"

    def _run(
        self, *args: str, check: bool = True, stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        command = [str(find_bindir() / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        result = subprocess.run(
            command, input=stdin, capture_output=True, text=True, check=False, timeout=120
        )
        if check and result.returncode != 0:
            raise PostgresError(
                f"{args[0]} failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}"
            )
        return result

    def initialized(self) -> bool:
        return (self.data_dir / "PG_VERSION").is_file()

    def init(self) -> None:
        if self.initialized():
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._own(self.data_dir.parent)
        self._own(self.data_dir)
        self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            self.user,
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        settings = {
            "listen_addresses": f"'{self.host}'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.data_dir}'",
            "wal_level": "logical",
            "max_wal_senders": "10",
            "max_replication_slots": "10",
            "max_connections": "200",
            "fsync": "off",  # a throwaway local cluster: durability across OS crashes is not needed
            # synchronous_commit stays on: with it off, a commit reaches Debezium only when the WAL
            # writer next flushes (every 200 ms), which was most of the event latency.
            "full_page_writes": "off",
        }
        with (self.data_dir / "postgresql.auto.conf").open("a", encoding="utf-8") as conf:
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
        self.configure_auth()

    def hba(self) -> str:
        """Who may log in how. The superuser is trusted on the socket and on loopback (the stack
        administers the cluster with it); every other role needs its password (SCRAM). Physical
        replication (a copy of the whole cluster) is the superuser's only: a service's
        replication role gets logical replication of its own database, which PostgreSQL matches
        by database name, not by the `replication` keyword."""
        return "".join(
            f"{line}\n"
            for line in (
                "# written by contractgen's stack; rewritten at every start",
                f"local all {self.user} trust",
                f"host all {self.user} {self.host}/32 trust",
                f"host replication {self.user} {self.host}/32 trust",
                f"host all all {self.host}/32 scram-sha-256",
            )
        )

    def configure_auth(self) -> bool:
        """Write pg_hba.conf when it differs; True when it changed (a running server reloads)."""
        path = self.data_dir / "pg_hba.conf"
        wanted = self.hba()
        try:
            if path.read_text(encoding="utf-8") == wanted:
                return False
        except OSError:
            pass
        path.write_text(wanted, encoding="utf-8")
        self._own(path)
        return True

    def postmaster_pid(self) -> int | None:
        """The pid postmaster.pid names (alive or not); None without one."""
        try:
            return int((self.data_dir / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def running(self) -> bool:
        """Whether the postmaster of postmaster.pid lives. Not `pg_ctl status`: a postmaster
        killed with SIGKILL stays a zombie until something reaps it, and `pg_ctl status` (like
        PostgreSQL's own lock check) takes a zombie for a running server."""
        pid = self.postmaster_pid()
        if pid is None:
            return False
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            return False
        return stat.rsplit(")", 1)[1].split()[0] != "Z" and b"postgres" in command

    def start(self, timeout: float = 30.0) -> None:
        self.init()
        changed = self.configure_auth()
        if self.running():
            if changed:
                self._run("pg_ctl", "reload", "-D", str(self.data_dir))
            return
        if not port_is_free(self.port, self.host):
            raise PostgresError(
                f"port {self.port} on {self.host} is taken: PostgreSQL cannot start there"
            )
        self.log_file.touch()
        self._own(self.log_file)
        # The postmaster is dead (killed): its lock file is stale, and would stop the new one
        # while the dead one is an unreaped zombie.
        (self.data_dir / "postmaster.pid").unlink(missing_ok=True)
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._run(
                    "pg_ctl", "start", "-D", str(self.data_dir), "-l", str(self.log_file),
                    "-w", "-t", str(int(timeout)),
                )  # fmt: skip
                break
            except PostgresError:
                # After a crash the old backends hold the shared memory for a moment
                # ("pre-existing shared memory block is still in use"): try again.
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if (
                self._run(
                    "pg_isready", "-h", self.host, "-p", str(self.port), check=False
                ).returncode
                == 0
            ):
                return
            time.sleep(0.1)
        raise PostgresError(
            f"PostgreSQL did not become ready in {timeout:.0f} s; see {self.log_file}"
        )

    def stop(self) -> None:
        if self.initialized() and self.running():
            self._run("pg_ctl", "stop", "-D", str(self.data_dir), "-m", "fast", "-w")

    def create_database(self, name: str) -> None:
        exists = self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
        if exists.strip() != "1":
            self.psql(f'CREATE DATABASE "{name}"')

    def drop_database(self, name: str) -> None:
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run `sql` as the superuser; it goes in on stdin, so passwords in it stay out of `ps`."""
        result = self._run(
            "psql",
            "-h",
            self.host,
            "-p",
            str(self.port),
            "-U",
            self.user,
            "-d",
            database,
            "-v",
            "ON_ERROR_STOP=1",
            "-qtA",
            "-f",
            "-",
            stdin=sql,
        )
        return result.stdout

    def _own(self, path: Path) -> None:
        if os.geteuid() == 0:
            entry = pwd.getpwnam(SERVER_USER)
            os.chown(path, entry.pw_uid, entry.pw_gid)
