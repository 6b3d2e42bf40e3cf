"""What the command line prints and writes: text made safe for a terminal, and files
written whole or not at all."""

from __future__ import annotations

import errno
import os
import re
import sys
from pathlib import Path

from ia_data.domain.errors import UserError

# What a terminal would act on: control characters (C0, DEL, C1), lone surrogates (a file
# name that is not UTF-8), line and paragraph separators, and bidirectional overrides.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]"
)
_NAMED = {"\n": "\\n", "\r": "\\r"}


def visible(text: object) -> str:
    """Text that is safe to print: a tab becomes a space, and every character a terminal
    would act on is shown as its code (ESC as the four characters ``\\x1b``)."""

    def code(match: re.Match) -> str:
        char = match[0]
        return _NAMED.get(char) or (
            f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"
        )

    return _INVISIBLE.sub(code, str(text).replace("\t", " "))


def say(line: object = "", *, err: bool = False, end: str = "\n") -> None:
    """Print one line that may hold text from a file, a file name or the database."""
    print(visible(line), end=end, file=sys.stderr if err else sys.stdout)


_OS_REASONS = {
    errno.ENOENT: "filen eller mappen finnes ikke",
    errno.ENOTDIR: "en del av stien er ikke en mappe",
    errno.EISDIR: "det er en mappe",
    errno.EACCES: "mangler skrivetilgang",
    errno.EPERM: "mangler skrivetilgang",
    errno.EROFS: "filsystemet er skrivebeskyttet",
    errno.ENOSPC: "disken er full",
    errno.EDQUOT: "diskkvoten er brukt opp",
    errno.ENAMETOOLONG: "filnavnet er for langt",
}


def os_reason(exc: OSError) -> str:
    """Why a file could not be written or made, in Norwegian."""
    known = _OS_REASONS.get(exc.errno)
    return known or f"systemfeil {errno.errorcode.get(exc.errno, exc.errno)}"


def check_out(out: str) -> None:
    """Refuse an output file that cannot be written, before any work is done."""
    if out == "-":
        return
    path = Path(out)
    folder = path.parent
    if path.is_dir():
        raise UserError(f"Kan ikke skrive {out}: det er en mappe")
    if not folder.exists():
        raise UserError(f"Kan ikke skrive {out}: mappen {folder} finnes ikke")
    if not folder.is_dir():
        raise UserError(f"Kan ikke skrive {out}: {folder} er ikke en mappe")
    if not os.access(path if path.exists() else folder, os.W_OK):
        raise UserError(f"Kan ikke skrive {out}: mangler skrivetilgang")


def write_out(data: bytes, out: str) -> None:
    if out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    path = Path(out)
    try:
        file = path.open("wb")
    except OSError as exc:
        raise UserError(f"Kan ikke skrive {out}: {os_reason(exc)}") from None
    try:
        with file:
            file.write(data)
    except OSError as exc:
        if path.is_file():  # not a device such as /dev/full
            path.unlink(missing_ok=True)  # half a file is a wrong file
        raise UserError(f"Kan ikke skrive {out}: {os_reason(exc)}") from None
    say(f"Skrev {out} ({len(data):,} byte)".replace(",", " "), err=True)
