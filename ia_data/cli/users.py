"""``users``: who may sign in, in which role, as on the page «Tilgang»."""

from __future__ import annotations

from sqlmodel import Session

from ia_data.cli.common import demo_guard, open_engine
from ia_data.cli.parser import command, one_of
from ia_data.cli.terminal import say, visible
from ia_data.domain.access import OPERATOR, ROLES, Actor
from ia_data.domain.errors import UsageError
from ia_data.storage import users
from ia_data.storage.register import councils


def add_users(sub) -> None:
    """``users list|add|remove|unbind``"""
    p = command(sub, "users", demo=True)
    one_of(
        p,
        "action",
        {
            "list": "alle brukere",
            "add": "legg til eller endre en bruker",
            "remove": "ta bort tilgangen",
            "unbind": "fjern koblingen til kontoen hos innloggingstjenesten (kontoen er byttet ut)",
        },
    )
    p.add_argument("email", nargs="?", metavar="E-POST", help="brukerens e-postadresse")
    p.add_argument("--role", choices=list(ROLES), help="rollen (add)")
    p.add_argument(
        "--council",
        action="append",
        default=[],
        metavar="RÅD",
        help="et IA-råd sekretariatet rapporterer for, ved navn eller nr. (add; kan gjentas)",
    )
    p.add_argument("--name", metavar="NAVN", help="brukerens navn (add)")
    p.add_argument("--by", metavar="NAVN", help="hvem som gjør endringen (standard: operatør)")
    p.set_defaults(func=cmd_users)


def _council_id(text: str, known) -> int:
    """A council named on the command line: by its number, or by (a part of) its name."""
    wanted = text.strip().casefold()
    by_number = [c for c in known if str(c.id) == wanted]
    if by_number:
        return by_number[0].id
    exact = [c for c in known if c.name.casefold() == wanted]
    found = exact or [c for c in known if wanted and wanted in c.name.casefold()]
    if len(found) != 1:
        names = ", ".join(f"{c.id} {c.name}" for c in known)
        what = "er ikke entydig" if found else "finnes ikke"
        raise UsageError(f"IA-rådet «{visible(text)}» {what}; velg blant: {names}")
    return found[0].id


def cmd_users(args) -> int:
    """``users list|add|remove|unbind``: the users and their roles, as on the page
    «Tilgang»; ``unbind`` clears a user's binding to the provider's account."""
    demo_guard(args, writes=args.action != "list")
    by = Actor(args.by or "operatør (ia-data users)")
    if args.action != "list" and not args.email:
        raise UsageError(f"users {args.action} trenger en e-postadresse")
    if args.action == "add" and not args.role:
        raise UsageError("users add trenger --role (admin, oversikt eller sekretariat)")
    engine = open_engine(args, read_only=args.action == "list")
    if args.action == "list":
        with Session(engine) as session:
            rows = users.users(session, scope=OPERATOR)
        if not rows:
            say("Ingen brukere ennå (administratorer fra IA_ADMIN_EMAILS legges til når de "
                "logger inn første gang).")  # fmt: skip
        for row in rows:
            where = f"  ({', '.join(row.councils)})" if row.councils else ""
            name = f"  {visible(row.name)}" if row.name else ""
            bound = "  [konto knyttet]" if row.bound else ""
            bound += "" if row.reachable else f"  [{users.UNREACHABLE}]"
            say(f"{row.email:40}  {row.role:12}{name}{where}{bound}")
        return 0
    if args.action == "add":
        with Session(engine) as session:
            known = councils(session)
        ids = [_council_id(text, known) for text in args.council]
        say(
            users.set_user(
                engine, args.email, args.role, ids, name=args.name, by=by, scope=OPERATOR
            )
        )
    elif args.action == "unbind":
        say(users.clear_subject(engine, args.email, by=by, scope=OPERATOR))
    else:
        say(users.remove_user(engine, args.email, by=by, scope=OPERATOR))
    return 0
