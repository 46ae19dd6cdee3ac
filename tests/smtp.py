"""A real local SMTP server for tests (aiosmtpd), on a free port chosen by the OS."""

from __future__ import annotations

import email
import socket
from email.message import Message

from aiosmtpd.controller import Controller


class _Handler:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


class RecordingSMTPServer:
    def __init__(self) -> None:
        self.handler = _Handler()
        self.hostname = "127.0.0.1"
        with socket.socket() as probe:
            probe.bind((self.hostname, 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self.handler, hostname=self.hostname, port=self.port)

    @property
    def messages(self) -> list[Message]:
        return self.handler.messages

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def body_of(self, message: Message) -> str:
        if message.is_multipart():
            for part in message.walk():
                if part.get_content_type() == "text/plain":
                    return part.get_payload(decode=True).decode()
        return message.get_payload(decode=True).decode()
