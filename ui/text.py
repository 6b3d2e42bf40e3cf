"""Text from a file or a user, made safe to show: never rendered as Markdown or HTML, and
never so long that drawing it freezes a browser."""

from __future__ import annotations

import re
import unicodedata

from ia_data.domain.limits import SCREEN_TEXT

# Markdown (with GitHub's and Streamlit's additions) starts at one of these characters;
# a backslash before each makes it literal (CommonMark allows one before any punctuation).
_MARKDOWN_SPECIAL = frozenset("\\`*_[]<>$~|&!#:")


# Markdown that no backslash stops, because it is found in the text after parsing: bare web
# and e-mail addresses (made links), and :emoji: and :material/icon: codes. An invisible
# word joiner (U+2060) inside each breaks it.
_AFTER_PARSING = re.compile(r"(?<=:)(?=//|[\w+/-]+:)|(?<=\bwww)(?=\.)|(?<=@)", re.IGNORECASE)


# At the start of a line: indentation (a code block), a list, or a setext heading's line.
_LINE_START = re.compile(r"^[ \t]*(?:([-+=])|(\d+)([.)]))?", re.MULTILINE)


WORD_JOINER = "\u2060"


def _line_start(match: re.Match) -> str:
    if match[1]:
        return "\\" + match[1]
    return f"{match[2]}\\{match[3]}" if match[2] else ""


def plain(text: object) -> str:
    """Text from a file or a user (a file name, an answer, a name) made safe to put in
    Markdown: it shows as the very same text, never as an image, a link, HTML, emphasis,
    code, maths, a heading or a list. Each line break is kept (a Markdown line break);
    control characters are dropped."""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    text = _AFTER_PARSING.sub(WORD_JOINER, text)
    text = "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text)
    text = _LINE_START.sub(_line_start, text)
    return re.sub(r"[ \t]*\n+", "  \n", text.strip())


def screen_text(value, limit: int | None = None):
    """A text cut for the screen: longer than ``limit`` characters (``SCREEN_TEXT``),
    it shows its first ``limit - 1`` and «…» (a browser freezes drawing a megabyte in a
    table cell; the exports keep the whole text). Anything else is returned as it is."""
    limit = limit or SCREEN_TEXT
    if isinstance(value, str) and len(value) > limit:
        return value[: limit - 1] + "…"
    return value
