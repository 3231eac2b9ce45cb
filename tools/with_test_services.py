"""Bring up what the tests need, run a command, then take down what was started.

Usage (the Makefile's ``test``, ``test-all`` and ``coverage`` targets)::

    python tools/with_test_services.py COMMAND [ARG ...]

- **PostgreSQL.** ``SOVET_TEST_DATABASE_URL`` when it is set (used as it is).
  Otherwise the server at 127.0.0.1:5432, database ``test``, when it answers.
  Otherwise a throwaway cluster: ``initdb`` in a temporary directory (the
  system's programs, from the PATH or the newest ``/usr/lib/postgresql/*/bin``;
  as the ``postgres`` user when run as root), started on a free port with a
  database ``test``, stopped and deleted when the command ends. The command
  gets its URL in ``SOVET_TEST_DATABASE_URL``.
- **Chromium** for the browser tests: Debian's ``/usr/bin/chromium``, installed
  with ``apt-get`` when it is missing and this runs as root.
- **Pango** for WeasyPrint (``sovet[pdf]``, the PDF minutes): Debian's
  ``libpango-1.0-0`` and ``libpangoft2-1.0-0``, installed the same way.

What cannot be had is said here and left to the tests, which then fail saying
how to get it. The exit status is the command's.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import psycopg

LOCAL_SERVER = "postgresql+psycopg://127.0.0.1:5432/test"
CHROMIUM = Path("/usr/bin/chromium")
PANGO = ("pango-1.0", "pangoft2-1.0")  # what WeasyPrint loads (sovet[pdf])
APT_TRIES = 20  # 30 s apart: another apt may hold the lock for a while


def say(message: str) -> None:
    print(f"test services: {message}", file=sys.stderr, flush=True)


# --- Chromium ---------------------------------------------------------------


def apt_install(packages: list[str], ready: Callable[[], bool], why: str) -> None:
    """``apt-get install packages`` unless ``ready()``; only as root, retried."""
    if ready():
        return
    names = " ".join(packages)
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        say(
            f"{names} missing: installed only as root with apt-get; "
            f"{why} will fail (apt-get install {names})"
        )
        return
    say(f"installing {names} for {why}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    lock = ["-o", "DPkg::Lock::Timeout=300"]
    for attempt in range(1, APT_TRIES + 1):
        update = subprocess.run(["apt-get", *lock, "update"], env=env, check=False)
        if update.returncode == 0:
            install = subprocess.run(
                [
                    "apt-get",
                    *lock,
                    "install",
                    "-y",
                    "--no-install-recommends",
                    *packages,
                ],
                env=env,
                check=False,
            )
            if install.returncode == 0 and ready():
                return
        if attempt < APT_TRIES:
            say(f"apt-get failed (busy?); trying again in 30 s ({attempt}/{APT_TRIES})")
            time.sleep(30)
    say(f"could not install {names}; {why} will fail")


def ensure_chromium() -> None:
    """Install Debian's chromium when it is missing and this is root."""
    apt_install(["chromium"], lambda: os.access(CHROMIUM, os.X_OK), "the browser tests")


# --- Pango (WeasyPrint, sovet[pdf]) -------------------------------------------


def ensure_pango() -> None:
    """Install the Pango libraries WeasyPrint loads, when missing and root."""
    apt_install(
        ["libpango-1.0-0", "libpangoft2-1.0-0"],
        lambda: all(ctypes.util.find_library(name) for name in PANGO),
        "the PDF minutes tests",
    )


# --- PostgreSQL --------------------------------------------------------------


def answers(url: str) -> bool:
    """Whether a connection to ``url`` (an SQLAlchemy or libpq URL) succeeds."""
    conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
    try:
        with psycopg.connect(conninfo, connect_timeout=5):
            return True
    except psycopg.Error:
        return False


def pg_program(name: str) -> str | None:
    """``name`` on the PATH, else in Debian's newest ``/usr/lib/postgresql/*/bin``."""
    found = shutil.which(name)
    if found is not None:
        return found
    versions = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    return str(versions[-1]) if versions else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _locale() -> str:
    listed = subprocess.run(
        ["locale", "-a"], capture_output=True, text=True, check=False
    ).stdout.split()
    return "C.UTF-8" if {"C.UTF-8", "C.utf8"} & set(listed) else "C"


class Cluster:
    """A throwaway PostgreSQL cluster in a temporary directory."""

    def __init__(self, initdb: str, pg_ctl: str) -> None:
        self.pg_ctl = pg_ctl
        self.root = Path(tempfile.mkdtemp(prefix="sovet-test-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_user: list[str] = []
        try:
            self._start(initdb)
        except BaseException:
            self.remove()
            raise

    def _start(self, initdb: str) -> None:
        if os.geteuid() == 0:  # PostgreSQL will not run as root
            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError(
                    "running as root, which PostgreSQL refuses, and there is no "
                    "postgres user to run it as (Debian's postgresql package "
                    "creates it)"
                ) from None
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self._run(
            initdb,
            *("-D", str(self.data), "-A", "trust", "-U", "postgres"),
            *("-E", "UTF8", f"--locale={_locale()}", "--no-sync"),
        )
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            # Thrown away at the end: durability buys nothing here.
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        log = self.root / "log"
        try:
            self._run(
                self.pg_ctl,
                *("-D", str(self.data), "-o", options, "-l", str(log)),
                *("-w", "-t", "60", "start"),
            )
        except RuntimeError as e:
            told = log.read_text(errors="replace") if log.exists() else ""
            raise RuntimeError(f"{e}{told}") from None
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE test")

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str) -> None:
        done = subprocess.run(
            [*self.as_user, *command], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}"
            )

    def remove(self) -> None:
        """Stop the cluster and delete its directory."""
        with contextlib.suppress(OSError, RuntimeError):  # not running: nothing to stop
            self._run(self.pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def postgres() -> Iterator[str | None]:
    """The URL for ``SOVET_TEST_DATABASE_URL`` (``None``: no server to be had)."""
    given = os.environ.get("SOVET_TEST_DATABASE_URL")
    if given:
        say(f"PostgreSQL: {given} (SOVET_TEST_DATABASE_URL)")
        yield given
        return
    if answers(LOCAL_SERVER):
        say(f"PostgreSQL: the running server, {LOCAL_SERVER}")
        yield LOCAL_SERVER
        return
    initdb, pg_ctl = pg_program("initdb"), pg_program("pg_ctl")
    if initdb is None or pg_ctl is None:
        say(
            "no PostgreSQL at 127.0.0.1:5432 and no initdb/pg_ctl to start one "
            "(Debian: apt-get install postgresql); the PostgreSQL tests will fail"
        )
        yield None
        return
    try:
        cluster = Cluster(initdb, pg_ctl)
    except (OSError, RuntimeError, psycopg.Error) as e:
        say(f"could not start a throwaway PostgreSQL: {e}")
        yield None
        return
    url = cluster.url("test").replace("postgresql://", "postgresql+psycopg://", 1)
    say(f"PostgreSQL: a throwaway cluster, {url} ({cluster.root})")
    try:
        yield url
    finally:
        cluster.remove()
        say("throwaway PostgreSQL stopped and removed")


# --- the command -------------------------------------------------------------


def _terminated(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # so that the cluster is still stopped


def main(command: list[str]) -> int:
    if not command:
        print(__doc__, file=sys.stderr)
        return 2
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _terminated)
    ensure_chromium()
    ensure_pango()
    with postgres() as url:
        env = dict(os.environ)
        if url is not None:
            env["SOVET_TEST_DATABASE_URL"] = url
        child = subprocess.Popen(command, env=env)
        try:
            try:
                status = child.wait()
            except KeyboardInterrupt:  # the terminal's ^C reached the command too
                status = child.wait()
            return status if status >= 0 else 128 - status  # killed by a signal
        finally:
            if child.poll() is None:  # this launcher was terminated
                child.terminate()
                child.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
