"""A throwaway PostgreSQL cluster for the crash tests (issue 5 item 11).

Created with ``initdb`` in a temporary directory and run with ``pg_ctl`` on a
free port (as the ``postgres`` user when the tests run as root, else as the
current user), never touching the machine's shared server.
``crash()`` sends SIGKILL to the postmaster and to each of its children (by
process id), as a power cut would end them; ``start()`` then runs crash
recovery. ``stop()`` ends the cluster and ``remove()`` deletes it.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from tests.reliability.crash_support import free_port


def _bin(name: str) -> str | None:
    """``name`` on the PATH, else in Debian's newest ``/usr/lib/postgresql/*/bin``."""
    found = shutil.which(name)
    if found is not None:
        return found
    versions = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    return str(versions[-1]) if versions else None


def available() -> str | None:
    """Why a throwaway cluster cannot be made here, or ``None`` when it can."""
    if _bin("initdb") is None or _bin("pg_ctl") is None:
        return (
            "PostgreSQL's server programs (initdb, pg_ctl) are neither on the PATH "
            "nor in /usr/lib/postgresql/*/bin: install them (Debian: "
            "`apt-get install postgresql`)"
        )
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return (
                "running as root, which PostgreSQL refuses, and there is no "
                "postgres user to run it as: install Debian's postgresql package "
                "(it creates the user) or run the tests as an ordinary user"
            )
    return None


class Cluster:
    """One throwaway cluster: data directory, socket directory, port."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="sovet-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        if os.geteuid() == 0:  # PostgreSQL will not run as root
            user = pwd.getpwnam("postgres")
            os.chown(self.root, user.pw_uid, user.pw_gid)
        self._as_postgres(
            str(_bin("initdb")),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
        )
        self.start()

    def url(self, database: str = "postgres") -> str:
        """A ``postgresql://`` URL of ``database`` on this cluster."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _as_postgres(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(
            [*prefix, *command], check=True, capture_output=True, timeout=120
        )

    def start(self) -> None:
        """Start (after a crash: recover) and wait until it accepts connections."""
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
        )
        self._as_postgres(
            str(_bin("pg_ctl")),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-w",
            "-t",
            "60",
            "start",
        )

    def postmaster(self) -> int:
        """The postmaster's process id."""
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def crash(self) -> None:
        """SIGKILL the postmaster and every child of it, by process id."""
        pid = self.postmaster()
        children = [
            int(entry.name)
            for entry in Path("/proc").iterdir()
            if entry.name.isdigit() and _parent(entry) == pid
        ]
        for victim in (pid, *children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
            time.sleep(0.05)  # until reaped: PostgreSQL refuses a live pid file
        if _state(pid) == "Z":  # never reaped: after a real crash no such process
            (self.data / "postmaster.pid").unlink()

    def stop(self) -> None:
        """Stop the cluster at once (no checkpoint needed: it is thrown away)."""
        with contextlib.suppress(subprocess.CalledProcessError):  # already down
            self._as_postgres(
                str(_bin("pg_ctl")), "-D", str(self.data), "-m", "immediate", "stop"
            )

    def remove(self) -> None:
        """Stop and delete the cluster."""
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def _parent(entry: Path) -> int | None:
    try:
        fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[1])


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "gone"
