"""The words the app stores and compares: what an upload is, what happened to a file, how
grave a problem is, where a grant comes from, an activity's status. Each is a ``StrEnum``
whose value is the Norwegian word stored in the database and shown on screen, so a
member compares equal to the stored text."""

from __future__ import annotations

from enum import StrEnum


class UploadKind(StrEnum):
    """What a workbook holds."""

    REPORT = "rapport"
    ALLOCATION = "tildeling"


class ImportStatus(StrEnum):
    """What happened to one file."""

    STORED = "lagret"
    CHECKED = "kontrollert"  # read without errors in a dry run, nothing stored
    UNCHANGED = "uendret"  # the very same file was stored before
    REJECTED = "avvist"


class Severity(StrEnum):
    """An error stops a file from being stored; a warning is stored with it."""

    ERROR = "feil"
    WARNING = "advarsel"


class AllocationSource(StrEnum):
    """Where a council's grant for a year comes from."""

    DECISION = "vedtak"  # an uploaded allocation decision
    RULE = "regel"  # the year's rule (400 000 / 600 000 kr from 2015)
    NONE = ""  # neither: the grant is not known


class ActivityStatus(StrEnum):
    """An activity's status (docs/arbeidsboka.md); a cancelled one is not counted among
    ``Aktiviteter``, but what it cost is spent."""

    PLANNED = "Planlagt"
    ONGOING = "Pågår"
    DONE = "Gjennomført"
    CANCELLED = "Avlyst"
