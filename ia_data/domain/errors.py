"""The one family of errors a user reads: each carries its message, in Norwegian, and the
exit status the command line gives for it. The command line catches the base once
(``ia_data.cli.main``), and the app catches it once around a page (``app.py``); a caller
that has something better to say for one kind (a form's own message) catches that kind."""

from __future__ import annotations


class UserError(Exception):
    """A refused file, check or change, said to the user in Norwegian (the message) rather
    than as a traceback. ``exit_code``: the command line's exit status (1: a file or check
    failed)."""

    exit_code = 1


class UsageError(UserError):
    """Wrong use of a command: a missing or invalid argument (exit status 2)."""

    exit_code = 2
