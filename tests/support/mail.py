"""An e-mail backend for tests with separate worker processes: it appends each message's
Message-ID to the file in IPPLAN_TEST_MAIL_LOG. If IPPLAN_TEST_MAIL_HANG_ONCE names a file that
does not exist yet, the first send writes the process id there and then hangs, so that a test
can kill the worker in the middle of sending."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class RecordingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        hang = os.environ.get("IPPLAN_TEST_MAIL_HANG_ONCE")
        if hang and not Path(hang).exists():
            Path(hang).write_text(str(os.getpid()))
            time.sleep(120)
        with open(os.environ["IPPLAN_TEST_MAIL_LOG"], "a") as log:
            for message in email_messages:
                log.write(f"{message.extra_headers.get('Message-ID')} {message.to[0]}\n")
        return len(email_messages)
