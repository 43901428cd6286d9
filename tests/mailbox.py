"""A real SMTP server for the tests (aiosmtpd), and what arrived in it.

No mocked send and no in-memory backend: MAILERS points Django's SMTP backend at a server
listening on 127.0.0.1, and tests read the messages it received.
"""

import email
import email.policy
import re
import socket
from dataclasses import dataclass

from aiosmtpd.controller import Controller


@dataclass
class Received:
    to: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return self.message["Subject"]

    def part(self, content_type: str) -> str:
        for part in self.message.walk():
            if part.get_content_type() == content_type:
                return part.get_content()
        raise AssertionError(f"no {content_type} part in {self.subject!r}")

    @property
    def text(self) -> str:
        return self.part("text/plain")

    @property
    def html(self) -> str:
        return self.part("text/html")

    def links(self) -> list[str]:
        return re.findall(r"https?://\S+", self.text)


class _Handler:
    def __init__(self):
        self.received: list[Received] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(Received(to=list(envelope.rcpt_tos), message=message))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SMTPServer:
    def __init__(self):
        self.handler = _Handler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self):
        self.controller.start()

    def stop(self):
        self.controller.stop()

    @property
    def mailers(self):
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 10},
            }
        }

    @property
    def messages(self) -> list[Received]:
        return self.handler.received

    def clear(self):
        self.handler.received.clear()

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.to]
