"""Minutes as people paste them from Word: bullets come as "·", "Ø", "•" or "o" followed by
runs of non-breaking spaces. They are kept as "- " items when minutes are saved or loaded,
and shown as lists; everything else is paragraphs separated by a blank line."""

import re
from dataclasses import dataclass, field

# A Word bullet at the start of a line: the symbol, then spaces of any kind (or a tab).
WORD_BULLET = re.compile(r"^[ \t\u00a0]*(?:[·•Ø§▪■◦●‣⁃\-\*]|o(?=[\s\u00a0]{2,}))[\s\u00a0]+")
SPACES = re.compile(r"[ \t\u00a0]+")
ITEM_PREFIX = "- "


def tidy_minutes(text: str) -> str:
    """Word's bullets become "- " items; runs of (non-breaking) spaces become one space."""
    lines = []
    for line in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        bullet = WORD_BULLET.match(line)
        body = line[bullet.end() :] if bullet else line
        body = SPACES.sub(" ", body).strip()
        lines.append(f"{ITEM_PREFIX}{body}" if bullet and body else body)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


@dataclass
class Block:
    kind: str  # "paragraph" or "list"
    text: str = ""
    items: list[str] = field(default_factory=list)


def minutes_blocks(text: str) -> list[Block]:
    """Paragraphs, with consecutive bullet items gathered into one list."""
    blocks: list[Block] = []
    for chunk in tidy_minutes(text).split("\n\n"):
        for line in [line for line in chunk.split("\n") if line.strip()] or []:
            if line.startswith(ITEM_PREFIX):
                if not blocks or blocks[-1].kind != "list":
                    blocks.append(Block("list"))
                blocks[-1].items.append(line[len(ITEM_PREFIX) :])
            elif blocks and blocks[-1].kind == "paragraph" and not chunk.startswith(line):
                blocks[-1].text += " " + line  # a wrapped line of the same paragraph
            else:
                blocks.append(Block("paragraph", text=line))
    return blocks
