"""An e-mail backend for tests with separate worker processes: it appends each message's
Message-ID to the file in IPPLAN_TEST_MAIL_LOG. If IPPLAN_TEST_MAIL_HANG_ONCE names a file that
does not exist yet, the first send writes the process id there and then hangs, so that a test
can kill the worker in the middle of sending."""

from __future__ import annotations

import os
import smtplib
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class RecordingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        hang = os.environ.get("IPPLAN_TEST_MAIL_HANG_ONCE")
        if hang and not Path(hang).exists():
            Path(hang).write_text(str(os.getpid()))
            time.sleep(120)
        time.sleep(float(os.environ.get("IPPLAN_TEST_MAIL_DELAY", "0")))  # a slow mail server
        with open(os.environ["IPPLAN_TEST_MAIL_LOG"], "a") as log:
            for message in email_messages:
                log.write(f"{message.extra_headers.get('Message-ID')} {message.to[0]}\n")
        return len(email_messages)


REFUSED_DOMAIN = "@avvist.invalid"


class RefusingBackend(BaseEmailBackend):
    """Like a mail server that refuses every address at REFUSED_DOMAIN and accepts the rest
    (into django.core.mail.outbox, as the test backend does)."""

    def send_messages(self, email_messages):
        from django.core import mail

        for message in email_messages:
            refused = [to for to in message.to if to.endswith(REFUSED_DOMAIN)]
            if refused:
                raise smtplib.SMTPRecipientsRefused(dict.fromkeys(refused, (550, b"No such user")))
            mail.outbox.append(message)
        return len(email_messages)
