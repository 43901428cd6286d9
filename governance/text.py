"""Text as people type or paste it, made safe to keep and to export.

Word pastes a manual line break as a vertical tab (\\x0b) and stray bytes arrive as other
control characters: Excel workbooks (XML 1.0) cannot hold them, and no one means them. Every
service cleans free text with `clean_text` before storing it; exports clean stored text again
with it, since rows written before (or by other means) may still hold some.
"""

import re

# Line breaks in their several spellings, and the form feed and vertical tab Word uses as one.
_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# The breaks Word pastes as control characters, which a year's file may carry.
_WORD_BREAKS = re.compile(r"[\x0b\x0c]")
# Every other C0/C1 control character (and DEL), except the tab and the line feed.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def clean_text(value) -> str:
    """`value` with line breaks as \\n, control characters other than \\n and \\t removed,
    and surrounding whitespace stripped."""
    if value is None:
        return ""
    return _CONTROL.sub("", _LINE_BREAKS.sub("\n", str(value))).strip()


def remove_control_characters(value: str) -> str:
    """`value` with Word's line breaks as \\n and other control characters removed, but
    otherwise as it is: for text whose exact form matters (a year's file reloaded must find its
    records as it left them, spaces included)."""
    return _CONTROL.sub("", _WORD_BREAKS.sub("\n", value))
