"""``history``: every upload listed, newest first. It loads the models and no more (not
the workbook readers ``import`` needs), so it answers at once."""

from __future__ import annotations

from ia_data.cli.common import open_engine
from ia_data.cli.parser import command
from ia_data.cli.terminal import say, visible
from ia_data.domain.formatting import local
from ia_data.domain.kinds import UploadKind
from ia_data.storage.history import uploads


def add_history(sub) -> None:
    """``history``"""
    p = command(sub, "history")
    p.set_defaults(func=cmd_history)


def cmd_history(args) -> int:
    rows = uploads(open_engine(args, read_only=True))
    if not rows:
        say("Ingen opplastinger ennå.")
        return 0
    say(
        f"{'Nr':>4}  {'Tidspunkt':16}  {'Aktiv':5}  {'Råd':28}  {'Periode':8}  "
        f"{'Akt.':>4}  {'Møter':>5}  Fil"
    )
    for r in rows:
        period = f"{r['year']} {r['period']}" if r["period"] else (str(r["year"] or "") or "–")
        council = visible(
            r["council_name"] or ("Tildelinger" if r["kind"] == UploadKind.ALLOCATION else "")
        )
        say(
            f"{r['id']:>4}  {local(r['uploaded_at']):%d.%m.%Y %H:%M}  "
            f"{'ja' if r['active'] else 'nei':5}  "
            f"{council[:28]:28}  {period:8}  {r['activity_count']:>4}  {r['meeting_count']:>5}  "
            f"{r['file_name']}" + (f"  ({r['uploaded_by']})" if r["uploaded_by"] else "")
        )
    return 0
