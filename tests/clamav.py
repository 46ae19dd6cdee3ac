"""A real ClamAV daemon for tests: Debian's clamd with a signature database of our own, in a tmp dir.

No freshclam and no downloads: the database holds only the signatures below, written as an .ndb
(hex body signatures, matched anywhere in any file), so clamd starts in about a second. ClamAV itself
knows no EICAR without its database, so the EICAR test string gets a signature here too.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from portal.uploads import EICAR

CLAMD = shutil.which("clamd") or next(
    (path for path in ("/usr/sbin/clamd", "/usr/local/sbin/clamd") if Path(path).exists()), None
)

# A test string of our own, refused only by this database (no real scanner knows it).
CUSTOM_TEST_STRING = b"INKOOPPORTAAL-NMD-TESTHANDTEKENING-ISSUE-18"
SIGNATURES = {"Portal.Test.EICAR": EICAR, "Portal.Test.Custom": CUSTOM_TEST_STRING}
START_TIMEOUT = 60.0
NOT_INSTALLED = "clamd is not installed (Debian package clamav-daemon; `make test` as root installs it)"
needs_clamd = pytest.mark.skipif(CLAMD is None, reason=NOT_INSTALLED)


def signature_name(name: str) -> str:
    """The name clamd reports: signatures from a database that is not ClamAV's own get `.UNOFFICIAL`."""
    return f"{name}.UNOFFICIAL"


class ClamdServer:
    """clamd in the foreground with its own config, database and UNIX socket under `directory`, and a TCP port."""

    def __init__(self, directory: Path, *, stream_max_length: str = "30M") -> None:
        if CLAMD is None:
            raise FileNotFoundError("clamd")
        self.directory = directory
        self.socket_path = str(directory / "clamd.sock")
        self.log_path = directory / "clamd.log"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.tcp_port = probe.getsockname()[1]
        self.stream_max_length = stream_max_length  # the portal's largest upload (MAX_UPLOAD_MB) is 25M
        self.process: subprocess.Popen[bytes] | None = None

    def _write_files(self) -> Path:
        database = self.directory / "db"
        database.mkdir(parents=True, exist_ok=True)
        lines = [f"{name}:0:*:{body.hex()}" for name, body in SIGNATURES.items()]
        (database / "portal-test.ndb").write_text("\n".join(lines) + "\n")
        temporary = self.directory / "tmp"
        temporary.mkdir(exist_ok=True)
        config = self.directory / "clamd.conf"
        config.write_text(
            "\n".join(
                [
                    "Foreground yes",
                    f"LocalSocket {self.socket_path}",
                    "TCPAddr 127.0.0.1",
                    f"TCPSocket {self.tcp_port}",
                    f"DatabaseDirectory {database}",
                    f"TemporaryDirectory {temporary}",
                    f"LogFile {self.log_path}",
                    "LogTime yes",
                    "MaxThreads 4",
                    f"StreamMaxLength {self.stream_max_length}",
                    "Bytecode no",  # no bytecode.cvd here: nothing else to load
                    "",
                ]
            )
        )
        return config

    def start(self) -> None:
        config = self._write_files()
        self.process = subprocess.Popen(  # noqa: S603 - Debian's clamd with our own config file
            [CLAMD, "--config-file", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"clamd exited with {self.process.returncode}: {self.log()}")
            if self.ping():
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"clamd did not answer PING within {START_TIMEOUT} s: {self.log()}")

    def ping(self) -> bool:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
                connection.settimeout(2)
                connection.connect(self.socket_path)
                connection.sendall(b"zPING\0")
                return connection.recv(16).startswith(b"PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-2000:] if self.log_path.exists() else ""
