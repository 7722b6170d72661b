"""Log hygiene: no CR/LF injection and no national identity numbers in any log line."""

from __future__ import annotations

import logging
import re

# Eleven digits in a row (optionally with one space after the birth date) look like a
# fødselsnummer/D-nummer; they are masked whatever their control digits.
_NATIONAL_ID = re.compile(r"(?<!\d)(\d{6})\s?(\d{5})(?!\d)")
_CONTROL = re.compile(r"[\r\n\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def scrub(text: str) -> str:
    text = _NATIONAL_ID.sub(r"\1*****", text)
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class SafeLogFilter(logging.Filter):
    """Renders the message once, scrubbed, so handlers never see the raw arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the log line
            message = str(record.msg)
        record.msg = scrub(message)
        record.args = None
        return True
