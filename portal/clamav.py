"""The production virus scanner: ClamAV's daemon (clamd), spoken to over its socket with clamav-client.

Turned on by VIRUS_SCANNER = "portal.clamav:scan" (the production default). clamd is reached over TCP
when CLAMD_HOST is set (with CLAMD_PORT), otherwise over the UNIX socket CLAMD_SOCKET (Debian's
/run/clamav/clamd.ctl by default); CLAMD_TIMEOUT bounds every connection, send and reply. The file
goes to clamd as a stream (INSTREAM), never as a path, so clamd needs no access to the upload folder.

Whatever keeps clamd from giving a verdict (not running, refused, timed out, an ERROR reply, a file
above its StreamMaxLength) raises ScannerUnavailable: the upload is then refused, never stored unscanned.
"""

from __future__ import annotations

import io
import socket

from clamav_client.clamd import ClamdError, ClamdNetworkSocket, ClamdUnixSocket, CommunicationError
from flask import current_app

from portal.uploads import ScannerUnavailable

# clamav-client 0.7's connection step, mended in both classes: a socket whose connect failed was left
# open by PING (a file descriptor lost per check while clamd is down), the UNIX socket connected without
# the timeout, and TCP tried IPv4 only. The rest (commands, INSTREAM, parsing replies) is the library's.


class _NetworkSocket(ClamdNetworkSocket):
    connected = False

    def _init_socket(self) -> None:
        self.connected = False
        try:
            self.clamd_socket = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as error:
            raise CommunicationError(f"Error connecting to {self.host}:{self.port}: {error}") from error
        self.connected = True

    def _close_socket(self) -> None:
        if self.connected:
            self.clamd_socket.close()


class _UnixSocket(ClamdUnixSocket):
    def __init__(self, path: str, timeout: float) -> None:  # the library types the timeout as int
        super().__init__(path=path)
        self.timeout = timeout

    def _init_socket(self) -> None:
        self.clamd_socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.clamd_socket.settimeout(self.timeout)
            self.clamd_socket.connect(self.unix_socket)
        except OSError as error:
            self.clamd_socket.close()
            raise CommunicationError(f"Error connecting to {self.unix_socket}: {error}") from error


def client() -> ClamdNetworkSocket:
    """A clamd client for the configured socket (a new connection per command, as clamav-client makes)."""
    config = current_app.config
    timeout = float(config.get("CLAMD_TIMEOUT", 30))
    host = config.get("CLAMD_HOST")
    if host:
        return _NetworkSocket(host=host, port=int(config.get("CLAMD_PORT", 3310)), timeout=timeout)
    path = config.get("CLAMD_SOCKET")
    if not path:
        raise ScannerUnavailable("neither CLAMD_HOST nor CLAMD_SOCKET is configured")
    return _UnixSocket(path=path, timeout=timeout)


def scan(data: bytes) -> str | None:
    """The name of the signature clamd found in `data`, or None when clean; ScannerUnavailable otherwise."""
    try:
        result = client().instream(io.BytesIO(data))
    except (ClamdError, OSError) as error:  # OSError: a send that fails or times out is not wrapped
        current_app.logger.warning("virus scanner unavailable: clamd: %s", error)
        raise ScannerUnavailable(f"clamd: {error}") from error
    status, signature = result.get("stream", ("", None))
    if status == "OK":
        return None
    if status == "FOUND":
        return signature or "unknown signature"
    current_app.logger.warning("virus scanner unavailable: clamd gave no verdict: %r", result)
    raise ScannerUnavailable(f"clamd gave no verdict: {result!r}")


def ping() -> bool:
    """Whether clamd answers (for a health check); never raises."""
    try:
        return client().ping() == "PONG"
    except (ClamdError, ScannerUnavailable, OSError):
        return False
