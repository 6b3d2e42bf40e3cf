"""What fetching a StatBank table shares: the addresses, the limits and the error."""

from __future__ import annotations

from ia_data import settings
from ia_data.domain.errors import UserError

DEFAULT_URL = settings.DEFAULT_STATBANK_URL
URL_VARIABLE = settings.STATBANK_URL
DEFAULT_TIMEOUT = 30.0
MAX_REDIRECTS = 5
REDIRECTS = (301, 302, 303, 307, 308)
OFFLINE = (
    ". Uten nett: last ned tabellen som JSON-stat 2.0 (eller CSV) fra Statistikkbanken, og "
    "last filen med «ia-data stats import FIL»"
)


class FetchError(UserError):
    """A table that could not be fetched; the message says why, in Norwegian."""
