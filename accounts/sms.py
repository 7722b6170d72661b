"""SMS notifications behind a setting. The default sends nothing; `console` logs what would be
sent (for the demo and tests). A provider backend plugs in here by dotted path."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("ipplan.sms")


class NullBackend:
    def send(self, number: str, text: str) -> None:
        return None


class ConsoleBackend:
    sent: list[tuple[str, str]] = []

    def send(self, number: str, text: str) -> None:
        ConsoleBackend.sent.append((number, text))
        log.info("sms to %s***: %s", number[:-3], text)


BACKENDS = {"none": NullBackend, "console": ConsoleBackend}


def backend():
    name = settings.IPPLAN_SMS_BACKEND
    return (BACKENDS.get(name) or import_string(name))()


def enabled() -> bool:
    return settings.IPPLAN_SMS_BACKEND != "none"


def send(number: str, text: str) -> None:
    backend().send(number, text)
