"""Today's date, the one place the tool asks for it: `SOURCE_DATE_EPOCH` (the reproducible-builds convention,
seconds since 1970 UTC) fixes it, so that CI and golden files give the same output on any day."""

from __future__ import annotations

import datetime
import os


def today() -> datetime.date:
    """The date today, or the UTC day of ``SOURCE_DATE_EPOCH`` when that is set to a whole number.

    >>> import os; os.environ["SOURCE_DATE_EPOCH"] = "1622505600"; today(); del os.environ["SOURCE_DATE_EPOCH"]
    datetime.date(2021, 6, 1)
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        try:
            return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date()
        except (OverflowError, OSError, ValueError):  # past the calendar: ignored, as an unset variable
            pass
    return datetime.date.today()
