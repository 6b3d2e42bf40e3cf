"""One e-mail notice to one recipient, as it will be written to the outbox and sent."""

from __future__ import annotations

from dataclasses import dataclass

from ia_data.domain.kinds import NoticeKind


@dataclass(frozen=True)
class Notice:
    """A message to one ``recipient`` (one message per recipient: none carries another's
    address), about one ``occasion`` — which due date and week, which review step, which
    forwarding — of a council's period (``council_id``, ``year``, ``period``; none for the
    weekly summary). ``subject``, ``text`` and ``html`` are what the recipient reads."""

    kind: NoticeKind
    recipient: str
    occasion: str
    subject: str
    text: str
    html: str
    council_id: int | None = None
    council: str = ""  # the council's name, for a list
    year: int | None = None
    period: str | None = None

    @property
    def once_key(self) -> str:
        """The outbox's unique key: kind, council, year, period, recipient and occasion."""
        parts = (
            self.kind,
            self.council_id,
            self.year,
            self.period,
            self.recipient.lower(),
            self.occasion,
        )
        return "|".join("" if p is None else str(p) for p in parts)
