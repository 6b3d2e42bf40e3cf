"""The letters: each kind's subject, text and HTML, in Norwegian, and the links back to the
app (``IA_BASE_URL`` + the page's path + the filters the page reads, ``ui/links.py``:
``?rad=`` a council's id, ``?per=`` the as-of date, ``?fra=``/``?til=`` years). Dates are
written «05.12.2026» and amounts «400 000 kr» (``domain/formatting``); whatever a person
typed (a reason, a comment) is escaped in the HTML part. An assumed due date says so.

Every function here is pure: it is handed what it writes, and reads no database."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import urlencode

from ia_data.domain import formatting as fmt
from ia_data.domain.kinds import NoticeKind
from ia_data.domain.rules import ReportPeriod
from ia_data.notices.notice import Notice

APP = "IA-rådsoversikt"
# The pages' paths (``app.py``: a page's file name), and what a link there is called.
OVERSIKT, RAD, FRISTER, LAST_OPP, GJENNOMGANG = "", "rad", "frister", "last_opp", "gjennomgang"
MY_NOTICES = "«Mine varsler»"


def link(base_url: str, path: str, **query) -> str:
    """``base_url`` + ``/path`` + the query (values in the order given; None left out)."""
    shown = {k: str(v) for k, v in query.items() if v is not None}
    return f"{base_url.rstrip('/')}/{path}" + (f"?{urlencode(shown)}" if shown else "")


def council_link(base_url: str, council_id: int, as_of: date | None = None) -> str:
    """The council's page «Råd» (its reports, states and thread), as of ``as_of``."""
    return link(base_url, RAD, rad=council_id, per=as_of.isoformat() if as_of else None)


def period_words(year: int, code: str, name: str = "") -> str:
    """A period as a sentence names it: «1. halvår 2012», «2016» (a yearly report)."""
    if code == "År" or not name:
        return str(year) if code == "År" else f"{year} {code}"
    return f"{name} {year}"


@dataclass(frozen=True)
class Item:
    """A line in a list, with a link (or none)."""

    text: str
    url: str = ""


@dataclass(frozen=True)
class Letter:
    """What a message says: paragraphs, lists under titles, and a footer — written as
    plain text and as HTML (every text escaped there)."""

    subject: str
    paragraphs: tuple[str, ...]
    sections: tuple[tuple[str, tuple[Item, ...]], ...] = ()
    footer: tuple[str, ...] = field(default=())

    def text(self) -> str:
        lines = ["Hei,", ""]
        for paragraph in self.paragraphs:
            lines += [paragraph, ""]
        for title, items in self.sections:
            lines.append(f"{title}:")
            for item in items:
                lines.append(f"- {item.text}")
                if item.url:
                    lines.append(f"  {item.url}")
            lines.append("")
        lines += [
            f"Hilsen {APP}",
            "",
            *(f"-- {f}" if i == 0 else f for i, f in enumerate(self.footer)),
        ]
        return "\n".join(lines).rstrip() + "\n"

    def html(self) -> str:
        e = html.escape
        parts = ["<p>Hei,</p>", *(f"<p>{e(p)}</p>" for p in self.paragraphs)]
        for title, items in self.sections:
            parts.append(f"<h3>{e(title)}</h3><ul>")
            for item in items:
                shown = e(item.text)
                if item.url:
                    shown = f'<a href="{e(item.url)}">{shown}</a>'
                parts.append(f"<li>{shown}</li>")
            parts.append("</ul>")
        parts.append(f"<p>Hilsen {e(APP)}</p>")
        if self.footer:
            parts.append(
                f'<p style="color:#666;font-size:smaller">{"<br>".join(map(e, self.footer))}</p>'
            )
        body = "\n".join(parts)
        return (
            '<!DOCTYPE html>\n<html lang="nb"><head><meta charset="utf-8">'
            f"<title>{e(self.subject)}</title></head>\n<body>\n{body}\n</body></html>\n"
        )


@dataclass(frozen=True)
class Recipient:
    """Who a message goes to: a user (who can turn the kind off) or a council's contact
    address (kept by an admin)."""

    email: str
    contact: bool = False


def footer(recipient: Recipient, kind: NoticeKind, base_url: str) -> tuple[str, ...]:
    """Why the recipient gets this, and how to stop it."""
    if recipient.contact:
        return (
            "Du får denne e-posten fordi adressen er oppgitt som rådets kontaktadresse. En "
            "administrator endrer den på siden «Tilgang».",
        )
    where = f" ({link(base_url, OVERSIKT)})" if base_url else ""
    return (f"Du kan slå av varsler av typen «{kind}» under {MY_NOTICES} i {APP}{where}.",)


def notice(
    recipient: Recipient, kind: NoticeKind, occasion: str, letter: Letter, base_url: str, **about
) -> Notice:
    """The ``Notice`` of a letter to one recipient, its footer added."""
    letter = Letter(
        letter.subject, letter.paragraphs, letter.sections, footer(recipient, kind, base_url)
    )
    return Notice(
        kind, recipient.email, occasion, letter.subject, letter.text(), letter.html(), **about
    )


# --- the letters ----------------------------------------------------------------------


def _deadline(period: ReportPeriod, assumed: str) -> str:
    """«Fristen er 01.03.2017.», and where the rules assume it, why."""
    said = f"Fristen er {fmt.day(period.due)}"
    if period.due_is_assumption:
        said += f" (antatt: {assumed})" if assumed else " (antatt)"
    return said + "."


@dataclass(frozen=True)
class DueReport:
    """A council's report for a period that has not arrived: what a reminder names — the
    council, the period and its due date (``assumed``: why the rules assume it), and the
    council's grant that year, if known (``grant_note``: «regel», «vedtak», «antatt»)."""

    council: str
    council_id: int
    period: ReportPeriod
    assumed: str = ""
    grant_ore: int | None = None
    grant_note: str = ""

    @property
    def what(self) -> str:
        return period_words(self.period.year, self.period.code, self.period.name)

    def grant(self) -> tuple[str, ...]:
        if self.grant_ore is None:
            return ()
        note = f" ({self.grant_note})" if self.grant_note else ""
        return (
            f"Tildelt {self.council} for {self.period.year}: {fmt.kroner(self.grant_ore)}{note}.",
        )

    def links(self, base_url: str, as_of: date) -> tuple[tuple[str, tuple[Item, ...]], ...]:
        page = Item(
            f"{self.council} på siden «Råd»", council_link(base_url, self.council_id, as_of)
        )
        return (("Lenker", (Item("Last opp rapporten", link(base_url, LAST_OPP)), page)),)


def _days(n: int) -> str:
    return f"{n} {'dag' if n == 1 else 'dager'}"


def reminder(due: DueReport, as_of: date, base_url: str) -> Letter:
    """«Påminnelse»: the report has not arrived, and its due date is near."""
    period = due.period
    return Letter(
        f"Påminnelse: rapporten for {due.what} fra {due.council} har frist {fmt.day(period.due)}",
        (
            f"Rapporten fra {due.council} for {due.what} er ikke kommet inn ennå. "
            f"{_deadline(period, due.assumed)} Det er {_days((period.due - as_of).days)} igjen.",
            *due.grant(),
        ),
        due.links(base_url, as_of),
    )


def overdue(due: DueReport, as_of: date, base_url: str) -> Letter:
    """«Frist passert»: the report is missing after its due date."""
    period = due.period
    return Letter(
        f"Frist passert: rapporten for {due.what} fra {due.council} mangler "
        f"(frist {fmt.day(period.due)})",
        (
            f"Rapporten fra {due.council} for {due.what} mangler. "
            f"{_deadline(period, due.assumed)} Den er {_days((as_of - period.due).days)} på "
            f"overtid per {fmt.day(as_of)}.",
            *due.grant(),
        ),
        due.links(base_url, as_of),
    )


def _points(points_to: str) -> str:
    return f" Gjelder: {points_to}." if points_to else ""


def sent_back(
    council: str,
    council_id: int,
    what: str,
    upload_id: int,
    reason: str,
    points_to: str,
    by: str,
    base_url: str,
) -> Letter:
    """«Trenger retting»: the coordination unit sent the report back, with the reason."""
    return Letter(
        f"Trenger retting: rapporten for {what} fra {council} er sendt tilbake",
        (
            f"Koordineringsenheten har sendt rapporten fra {council} for {what} "
            f"(opplasting nr. {upload_id}) tilbake{f' ({by})' if by else ''}.",
            f"Begrunnelse: {reason}{_points(points_to)}",
            "Last opp en rettet versjon av rapporten.",
        ),
        (
            (
                "Lenker",
                (
                    Item("Last opp", link(base_url, LAST_OPP)),
                    Item(f"{council} på siden «Råd»", council_link(base_url, council_id)),
                ),
            ),
        ),
    )


def approved(
    council: str, council_id: int, what: str, upload_id: int, by: str, base_url: str
) -> Letter:
    """«Godkjent»: the coordination unit approved the report."""
    return Letter(
        f"Godkjent: rapporten for {what} fra {council}",
        (
            f"Koordineringsenheten har godkjent rapporten fra {council} for {what} "
            f"(opplasting nr. {upload_id}){f' ({by})' if by else ''}.",
        ),
        (("Lenker", (Item(f"{council} på siden «Råd»", council_link(base_url, council_id)),)),),
    )


def commented(
    council: str,
    council_id: int,
    what: str,
    upload_id: int,
    text: str,
    by: str,
    to_reviewers: bool,
    base_url: str,
) -> Letter:
    """«Ny kommentar» in a report's thread, to the other side of it."""
    url = link(base_url, GJENNOMGANG) if to_reviewers else council_link(base_url, council_id)
    page = "«Gjennomgang»" if to_reviewers else f"{council} på siden «Råd»"
    return Letter(
        f"Ny kommentar: rapporten for {what} fra {council}",
        (
            f"{by or 'Noen'} har skrevet en kommentar om rapporten fra {council} for {what} "
            f"(opplasting nr. {upload_id}):",
            text,
        ),
        (("Lenker", (Item(page, url),)),),
    )


def received_again(council: str, what: str, upload_id: int, base_url: str) -> Letter:
    """«Mottatt på nytt»: a corrected version of a report that was sent back."""
    return Letter(
        f"Mottatt på nytt: rettet rapport for {what} fra {council}",
        (
            f"{council} har sendt en ny versjon av rapporten for {what} (opplasting nr. "
            f"{upload_id}) etter at den ble sendt tilbake. Den venter på gjennomgang.",
        ),
        (("Lenker", (Item("Gjennomgang", link(base_url, GJENNOMGANG)),)),),
    )


def forwarded(label: str, file_name: str, by: str, base_url: str) -> Letter:
    """«Videresendt»: a period's compiled report forwarded to the oversight group."""
    return Letter(
        f"Videresendt: samlet rapport for {label} til Oppfølgingsgruppen",
        (
            f"Koordineringsenheten har sendt den samlede rapporten for {label} ({file_name}) "
            f"til Oppfølgingsgruppen{f' ({by})' if by else ''}. Den kan lastes ned på siden "
            "«Oversikt», slik den ble sendt.",
        ),
        (("Lenker", (Item("Oversikt", link(base_url, OVERSIKT)),)),),
    )


def weekly(as_of: date, sections: tuple[tuple[str, tuple[Item, ...]], ...], counts: str) -> Letter:
    """«Ukesoppsummering» to the coordination unit and admins."""
    week = as_of.isocalendar()
    return Letter(
        f"Ukesoppsummering uke {week.week} {week.year}: {counts}",
        (f"Rapportene som trenger oppmerksomhet per {fmt.day(as_of)}.",),
        sections,
    )


# --- the e-mail -----------------------------------------------------------------------


def email_message(
    *,
    sender: str,
    recipient: str,
    subject: str,
    text: str,
    html_body: str,
    message_id: str,
    sent_at=None,
) -> EmailMessage:
    """The e-mail itself: UTF-8, a plain-text part and an HTML part, the outbox row's
    ``Message-ID`` (the same on every attempt)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Message-ID"] = message_id
    if sent_at is not None:
        message["Date"] = format_datetime(sent_at)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text, charset="utf-8")
    message.add_alternative(html_body, subtype="html", charset="utf-8")
    return message
