"""A throw-away PostgreSQL cluster for the extension's tests and benchmark.

The cluster lives in a temporary folder, owned by the `postgres` OS user
when run as root (initdb refuses to run as root), and listens on a Unix
socket in that folder only: no TCP port is opened. Stopping it (also on an
exception, SIGINT or SIGTERM) removes the folder.

    with Cluster() as pg:
        conn = pg.connect()
"""
import os
import pwd
import shutil
import signal
import subprocess
import tempfile


class Unavailable(Exception):
    """The cluster cannot be set up here (not root, no server installed)."""


def pg_config(flag, program="pg_config"):
    return subprocess.run([program, flag], check=True, capture_output=True, text=True).stdout.strip()


def install_extension(build_dir):
    """Installs the built extension (meson install tag `postgres`) into the
    server's directories; needs write access to them (root)."""
    pkglibdir = pg_config("--pkglibdir")
    if not os.access(pkglibdir, os.W_OK):
        raise Unavailable(f"cannot write to {pkglibdir}: installing the extension needs root")
    if not os.path.exists(os.path.join(build_dir, "ext", "postgres", "cx.so")):
        raise RuntimeError(f"{build_dir}/ext/postgres/cx.so is missing: the postgres feature was not built")
    subprocess.run(["meson", "install", "-C", build_dir, "--no-rebuild", "--tags", "postgres", "--quiet"],
                   check=True, stdout=subprocess.DEVNULL)


def _raise_exit(signum, frame):
    raise SystemExit(128 + signum)


class Cluster:
    def __init__(self, settings=None):
        self.bindir = pg_config("--bindir")
        if not os.path.exists(os.path.join(self.bindir, "initdb")):
            raise Unavailable(f"no initdb in {self.bindir}: install postgresql-15")
        self.settings = {
            "listen_addresses": "''",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_worker_processes": "8",
            "max_parallel_workers": "8",
        }
        self.settings.update(settings or {})
        self.dir = None
        self.started = False

    def _as_owner(self, args, **kw):
        if os.geteuid() == 0:
            args = ["runuser", "-u", "postgres", "--"] + args
        return subprocess.run(args, check=True, capture_output=True, text=True, **kw)

    def start(self):
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, _raise_exit)
        self.dir = tempfile.mkdtemp(prefix="cx-pg-")
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)
        self.data = os.path.join(self.dir, "data")
        self.log = os.path.join(self.dir, "server.log")
        self._as_owner([os.path.join(self.bindir, "initdb"), "-D", self.data, "-U", "postgres", "-A", "trust",
                        "-E", "UTF8", "--locale=C", "--no-sync"])
        options = " ".join(f"-c {k}={v}" for k, v in self.settings.items())
        options += f" -c unix_socket_directories='{self.dir}'"
        try:
            self._as_owner([os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-l", self.log, "-w", "-t", "120",
                            "-o", options, "start"])
        except subprocess.CalledProcessError:
            print(self.server_log_tail())
            raise
        self.started = True
        return self

    def server_log_tail(self, lines=30):
        try:
            with open(self.log) as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""

    def connect(self, dbname="postgres"):
        import psycopg2

        conn = psycopg2.connect(host=self.dir, dbname=dbname, user="postgres")
        conn.autocommit = True
        return conn

    def stop(self):
        if self.started:
            pg_ctl = os.path.join(self.bindir, "pg_ctl")
            try:
                self._as_owner([pg_ctl, "-D", self.data, "-m", "fast", "-w", "-t", "60", "stop"])
            except subprocess.CalledProcessError:
                self._as_owner([pg_ctl, "-D", self.data, "-m", "immediate", "-w", "stop"])
            self.started = False
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()
        return False
