"""The words the app stores and compares: what an upload is, what happened to a file, how
grave a problem is, where a grant comes from, an activity's status, where a report
stands, and what an e-mail notice is about. Each is a ``StrEnum``
whose value is the Norwegian word stored in the database and shown on screen, so a
member compares equal to the stored text."""

from __future__ import annotations

from enum import StrEnum


class UploadKind(StrEnum):
    """What a workbook holds."""

    REPORT = "rapport"
    ALLOCATION = "tildeling"
    PLAN = "handlingsplan"  # a council's action plan for a year


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


class ReviewState(StrEnum):
    """Where a council's report for a period stands on its route to the oversight group
    (the letters: secretariat → the coordination unit → the oversight group)."""

    RECEIVED = "Mottatt"
    NEEDS_FIXING = "Trenger retting"
    RECEIVED_AGAIN = "Mottatt på nytt"
    APPROVED = "Godkjent"
    CHANGED_AFTER_APPROVAL = "Endret etter godkjenning"

    @property
    def waiting(self) -> bool:
        """Waiting for the coordination unit to approve it or send it back."""
        return self in WAITING


# The states a reviewer may approve or send back from.
WAITING = frozenset(
    {ReviewState.RECEIVED, ReviewState.RECEIVED_AGAIN, ReviewState.CHANGED_AFTER_APPROVAL}
)
# Said of a report stored before the review route existed (the migration, a historical load,
# the demo): approved, never queued.
APPROVED_BEFORE_REVIEW = "godkjent før gjennomgang ble innført"


class DeviationKind(StrEnum):
    """What needs attention in a council's year or period (the page «Avvik», the headline
    tiles, the compiled report's summary and the upload's warnings all judge by
    ``reporting.deviations``), in the order a list shows them."""

    MISSING = "Rapport mangler"
    LATE = "Rapport kom for sent"
    OVERSPENT = "Brukt mer enn tildelt"
    NO_ACTION_PLAN = "Uten handlingsplan"
    MEETINGS = "Møter utenfor det forventede"
    SUB_GOAL = "Delmål uten aktivitet"
    SENT_BACK = "Sendt tilbake, ikke rettet"
    WAITING = "Venter lenge på gjennomgang"


class ReviewAction(StrEnum):
    """What happened on a report's route (one ``ReviewEvent`` each, kept for good)."""

    ARRIVED = "mottatt"  # a version arrived (upload or restore)
    APPROVED = "godkjent"
    RETURNED = "sendt tilbake"
    COMMENT = "kommentar"
    LEGACY = "godkjent før gjennomgang"  # stored before the route existed, or historical


class NoticeKind(StrEnum):
    """What an e-mail notice is about (``ia_data.notices``), as stored in the outbox, named
    in a user's choices («Mine varsler») and shown on «Varsler»."""

    REMINDER = "Påminnelse"  # N days before a due date, the report not yet arrived
    OVERDUE = "Frist passert"  # the day after the due date, then weekly while missing
    NEEDS_FIXING = "Trenger retting"  # a report sent back, with the reason
    APPROVED = "Godkjent"
    COMMENT = "Ny kommentar"  # to the other side of a report's thread
    RECEIVED_AGAIN = "Mottatt på nytt"  # a corrected version, to the coordination unit
    FORWARDED = "Videresendt"  # a period's compiled report, to the oversight group
    WEEKLY = "Ukesoppsummering"  # to the coordination unit and admins


class OutboxState(StrEnum):
    """Where a message in the outbox stands: waiting to be sent (also after a temporary
    refusal, retried), sent, refused for good (5xx), or given up after the retry window."""

    WAITING = "Venter"
    SENT = "Sendt"
    FAILED = "Feilet"
    EXPIRED = "Utløpt"


class ReceiptHow(StrEnum):
    """How a report's receipt was recorded: stamped by the app when the report arrived, or
    the date given in the report («Innsendt»), for reports stored before the app stamped
    receipts and for an operator's historical load."""

    APP = "app"
    GIVEN = "oppgitt"


# Beside a receipt the app did not stamp, wherever a council is judged by it.
GIVEN_NOT_STAMPED = "oppgitt, ikke registrert av appen"
