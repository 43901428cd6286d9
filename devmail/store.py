"""Sent mail kept in a folder, in development only, so that a newcomer can read in the
browser the invitation or password-reset email they just caused and click its link.

One file per message (`<nanoseconds>-<random>.eml`, the message as it would go over SMTP) in
settings.SENT_MAIL_DIR, written by devmail.backends.FolderEmailBackend and read by the
pages of devmail.views, which exist only while DEBUG is on.
"""

import email
import email.policy
import re
import secrets
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings

# A name this module made, and nothing else: a path from the address is never trusted.
NAME = re.compile(r"^\d{19,20}-[0-9a-f]{8}$")


def folder() -> Path:
    return Path(settings.SENT_MAIL_DIR)


def save(raw: bytes) -> str:
    """Keep one message; returns its name."""
    name = f"{time.time_ns():019d}-{secrets.token_hex(4)}"
    folder().mkdir(parents=True, exist_ok=True)
    # Written under a temporary name, then renamed: a page never reads half a message.
    partial = folder() / f".{name}.part"
    partial.write_bytes(raw)
    partial.rename(folder() / f"{name}.eml")
    return name


@dataclass
class Message:
    name: str
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "(no subject)")

    @property
    def to(self) -> str:
        return ", ".join(str(a) for a in self.message.get_all("To", []))

    @property
    def sender(self) -> str:
        return str(self.message["From"] or "")

    @property
    def sent(self):
        try:
            return parsedate_to_datetime(self.message["Date"])
        except (TypeError, ValueError):
            return None

    def part(self, content_type: str) -> str:
        for part in self.message.walk():
            if part.get_content_type() == content_type:
                return part.get_content()
        return ""

    @property
    def text(self) -> str:
        return self.part("text/plain")

    @property
    def html(self) -> str:
        return self.part("text/html")

    def links(self) -> list[tuple[str, str]]:
        """(address, words) of each link in the HTML part, in order, each address once."""
        found = _Links()
        found.feed(self.html)
        seen, links = set(), []
        for href, words in found.links:
            if href not in seen:
                seen.add(href)
                links.append((href, words or href))
        return links


def messages() -> list[Message]:
    """Every kept message, the newest first."""
    if not folder().is_dir():
        return []
    names = sorted((p.stem for p in folder().glob("*.eml") if NAME.match(p.stem)), reverse=True)
    return [found for name in names if (found := message(name)) is not None]


def message(name: str) -> Message | None:
    if not NAME.match(name):
        return None
    path = folder() / f"{name}.eml"
    if not path.is_file():
        return None
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    return Message(name=name, message=parsed)


def clear() -> int:
    """Remove every kept message; returns how many."""
    removed = 0
    for path in folder().glob("*.eml") if folder().is_dir() else []:
        if NAME.match(path.stem):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._words: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href = dict(attrs).get("href")
            self._words = []

    def handle_data(self, data):
        if self._href is not None:
            self._words.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            if self._href.startswith(("http://", "https://")):
                self.links.append((self._href, " ".join("".join(self._words).split())))
            self._href = None
