"""Who may see and change what: the four roles and a user's scope.

A ``Scope`` goes with every query, export and store call of the library. The oversight
group's, the coordination unit's and an admin's scope is every council; a secretariat's is
its own councils, and a call that asks for another council fails closed (``OutsideScope``),
whatever the page did or did not hide. The command line is an operator's tool and works with
``OPERATOR``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from ia_data.domain.errors import UserError


class Role:
    ADMIN = "admin"
    OVERSIGHT = "oversikt"
    SECRETARIAT = "sekretariat"
    COORDINATION = "koordinering"  # Koordineringsenheten: reads all, reviews, forwards


ROLES = (Role.ADMIN, Role.OVERSIGHT, Role.COORDINATION, Role.SECRETARIAT)
ROLE_NAMES = {
    Role.ADMIN: "Administrator",
    Role.OVERSIGHT: "Oversiktsgruppen",
    Role.COORDINATION: "Koordineringsenheten",
    Role.SECRETARIAT: "Sekretariat",
}


class OutsideScope(UserError):
    """A call for data or a change the user's role does not allow; the message says what,
    in Norwegian."""


@dataclass(frozen=True)
class Scope:
    """What one user may reach. ``councils`` (ids) counts for a secretariat only; a
    secretariat with no councils reaches nothing."""

    role: str
    councils: frozenset[int] = frozenset()
    names: tuple[str, ...] = ()  # the councils' names, for messages

    @property
    def everything(self) -> bool:
        """Whether every council is in scope."""
        return self.role in (Role.ADMIN, Role.OVERSIGHT, Role.COORDINATION)

    @property
    def may_upload(self) -> bool:
        return self.role in (Role.ADMIN, Role.SECRETARIAT)

    @property
    def may_review(self) -> bool:
        """Approve, send back and forward: the coordination unit and an admin — never a
        secretariat (not even its own council's report), nor the oversight group."""
        return self.role in (Role.ADMIN, Role.COORDINATION)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def allows(self, council_id: int | None) -> bool:
        return self.everything or council_id in self.councils

    def council_ids(self, requested=None) -> list[int] | None:
        """The councils a query may read: those ``requested``, or (``None`` or none) every
        council in scope — ``None``, all, for the oversight group and an admin; a list,
        perhaps empty, for a secretariat. A council asked for outside the scope fails the
        call."""
        requested = list(requested) if requested else None
        if self.everything:
            return requested
        if requested is None:
            return sorted(self.councils)
        outside = [c for c in requested if c not in self.councils]
        if outside:
            which = "rådet" if len(outside) == 1 else "rådene"
            raise OutsideScope(
                f"Ingen tilgang: {which} (nr. {', '.join(map(str, outside))}) ligger utenfor "
                f"rådene du har tilgang til ({self.described()})"
            )
        return requested

    def check(self, council_id: int | None) -> None:
        """Fail unless this council (``None``: a file for several councils, an allocation
        decision) is in scope."""
        if council_id is None and not self.everything:
            raise OutsideScope("Ingen tilgang: bare en administrator kan endre tildelinger")
        if council_id is not None:
            self.council_ids([council_id])

    def check_upload(self) -> None:
        if not self.may_upload:
            raise OutsideScope(
                f"Ingen tilgang: rollen «{ROLE_NAMES.get(self.role, self.role)}» kan lese, "
                "men ikke laste opp eller gjenopprette"
            )

    def check_review(self) -> None:
        """Fail unless this user may review reports and forward a period."""
        if not self.may_review:
            raise OutsideScope(
                f"Ingen tilgang: rollen «{ROLE_NAMES.get(self.role, self.role)}» kan se "
                "hvor rapportene står, men ikke godkjenne, sende tilbake eller videresende; "
                "det gjør Koordineringsenheten"
            )

    def check_comment(self, council_id: int) -> None:
        """Fail unless this user may write in a report's thread: the coordination unit, an
        admin, or the council's own secretariat."""
        if self.may_review:
            return
        if self.role == Role.SECRETARIAT:
            self.check(council_id)
            return
        raise OutsideScope(
            f"Ingen tilgang: rollen «{ROLE_NAMES.get(self.role, self.role)}» kan lese "
            "kommentarene, men ikke skrive dem"
        )

    def described(self) -> str:
        """The councils in scope, in words."""
        if self.everything:
            return "alle råd"
        if not self.councils:
            return "ingen råd"
        return ", ".join(self.names) if self.names else ", ".join(map(str, sorted(self.councils)))

    def covers(self) -> str:
        """Which councils a compiled report for this user covers, in words: «alle
        IA-rådene», or the secretariat's councils by name."""
        return "alle IA-rådene" if self.everything else self.described()


def secretariat(councils: dict[int, str]) -> Scope:
    """A secretariat's scope: its councils, id → name."""
    ordered = sorted(councils.items(), key=lambda item: item[1])
    return Scope(
        Role.SECRETARIAT,
        frozenset(councils),
        tuple(name for _, name in ordered),
    )


OPERATOR = Scope(Role.ADMIN)  # the command line and the demo data: every right
OVERSIGHT = Scope(Role.OVERSIGHT)
COORDINATION = Scope(Role.COORDINATION)
NOBODY = Scope(Role.SECRETARIAT)  # fails closed: no council


def identity(name: str, email: str) -> str:
    """Who did something, as a page shows it: ``Kari Nordmann (kari@example.no)``."""
    name, email = name.strip(), email.strip()
    if name and email and name.lower() != email.lower():
        return f"{name} ({email})"
    return name or email


@dataclass(frozen=True)
class Actor:
    """Who makes a change, as it is kept: a signed-in user's name and e-mail, or the name the
    command line's ``--by`` gives. Every write of the library takes one (``by=``)."""

    name: str
    email: str = ""

    @property
    def shown(self) -> str:
        """As a page and the logs name them: ``Kari Nordmann (kari@example.no)``."""
        return identity(self.name, self.email)

    @property
    def stored_name(self) -> str:
        """The name as a row keeps it: without NUL, which PostgreSQL's text cannot hold (on
        both engines, so that it is kept alike on each), and stripped."""
        return self.name.replace("\x00", "").strip()

    @property
    def stored_email(self) -> str:
        """The e-mail as a row keeps it: without NUL, normalised (``normal_email``)."""
        return normal_email(self.email.replace("\x00", ""))


UNNAMED = Actor("")  # a change (or a dry run) made for no one in particular


class LookAlikeEmail(UserError):
    """An address with a character that only looks like another or cannot be seen; the
    message says which, in Norwegian."""


def _code(char: str) -> str:
    return f"U+{ord(char):04X}"


# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt of Unicode 14.0, the
# version Python 3.11's unicodedata knows): code
# points a font shows as nothing — joiners, variation selectors, fillers, tags — whatever
# their general category (several are letters or combining marks, not format characters).
DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD),  # soft hyphen
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x061C, 0x061C),  # Arabic letter mark
    (0x115F, 0x1160),  # Hangul choseong and jungseong fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180D),  # Mongolian free variation selectors one to three
    (0x180E, 0x180E),  # Mongolian vowel separator
    (0x180F, 0x180F),  # Mongolian free variation selector four
    (0x200B, 0x200F),  # zero-width space, joiners, directional marks
    (0x202A, 0x202E),  # directional embeddings and overrides
    (0x2060, 0x206F),  # word joiner, invisible operators, directional isolates (and reserved)
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors 1–16
    (0xFEFF, 0xFEFF),  # zero-width no-break space
    (0xFFA0, 0xFFA0),  # half-width Hangul filler
    (0xFFF0, 0xFFF8),  # reserved
    (0x1BCA0, 0x1BCA3),  # shorthand format controls
    (0x1D173, 0x1D17A),  # musical symbol beams and ties
    (0xE0000, 0xE0FFF),  # tags, variation selectors 17–256 (and reserved)
)
# Not default-ignorable, but drawn blank all the same.
BLANK = ((0x2800, 0x2800),)  # Braille pattern blank


def _invisible(char: str) -> bool:
    """Whether ``char`` cannot be seen: a control or format character, a line or paragraph
    separator, a default-ignorable code point, a blank."""
    if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
        return True
    code = ord(char)
    return any(first <= code <= last for first, last in (*DEFAULT_IGNORABLE, *BLANK))


def _loose_mark(address: str) -> str | None:
    """A combining mark that NFC does not compose with the letter before it («k» and a ring
    above, a second accent): drawn over another letter, it only changes how that looks.
    «a» and a combining ring is «å» and none. The dot above after «i» is the lower case of
    «İ» (U+0130) as ``str.lower`` writes it, so «İlker» and «i̇lker» stay one address."""
    composed = unicodedata.normalize("NFC", address)
    for before, char in zip(" " + composed, composed, strict=False):
        if unicodedata.category(char) in ("Mn", "Me") and (before, char) != ("i", "\u0307"):
            return char
    return None


def email_problem(email: str) -> str | None:
    """Why this address cannot be a user's key, in Norwegian (``None``: it can).

    A character that Unicode normalisation would turn into another — the Kelvin sign
    (U+212A) into «K», the Ångström sign into «Å», a full-width letter, a ligature, a
    superscript — only looks like the letter it stands for, and is refused rather than
    folded, so that such an address can never be taken for another user's. Each character
    is checked alone, as NFC itself maps the Kelvin sign to «K» (comparing the address's
    NFKC form with its NFC form would let it through), while «å» written as «a» and a
    combining ring is two ordinary characters. Æ, ø, å and every other ordinary letter are
    valid. Invisible characters (a control or format character, any default-ignorable code
    point: a zero-width space, a variation selector, a Hangul filler; the blank Braille
    pattern) are refused too, and so is a combining mark NFC does not compose into the
    letter before it."""
    address = email.strip()
    for char in address:
        if _invisible(char):
            return (
                f"E-postadressen «{address}» har et usynlig tegn ({_code(char)}); skriv "
                "adressen med vanlige tegn"
            )
        if unicodedata.normalize("NFKC", char) != char:
            stands_for = unicodedata.normalize("NFKC", char)
            return (
                f"E-postadressen «{address}» har tegnet «{char}» ({_code(char)}), som bare "
                f"ligner «{stands_for}»; skriv adressen med vanlige tegn (æ, ø og å går fint)"
            )
    mark = _loose_mark(address)
    if mark is not None:
        return (
            f"E-postadressen «{address}» har et kombinerende tegn («\u25cc{mark}», "
            f"{_code(mark)}) som ikke blir én bokstav med tegnet foran; skriv adressen med "
            "vanlige tegn (æ, ø og å går fint)"
        )
    return None


def normal_email(email: str) -> str:
    """The key a user is kept under: the e-mail address trimmed, composed (NFC) and
    lower-cased — never folded into another: an address that would need folding (the Kelvin
    sign, which both ``str.lower`` and NFC turn into a «k» or «K») raises
    ``LookAlikeEmail`` (see ``email_problem``)."""
    problem = email_problem(email)
    if problem is not None:
        raise LookAlikeEmail(problem)
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", email.strip()).lower())


def address_verified(claims: Mapping) -> bool:
    """Whether the identity provider vouches for the e-mail of a sign-in. When it sends
    ``email_verified``, only JSON ``true`` (or the string ``"true"``) counts: «False»,
    «0», «no» and ``null`` are not verified (a string is not a boolean, and ``1 == True``
    in Python). A provider that never sends the claim (Microsoft Entra ID) is trusted
    for its addresses, as the operator chose it (docs/operations.md)."""
    if "email_verified" not in claims:
        return True
    value = claims.get("email_verified")
    return value is True or value == "true"
