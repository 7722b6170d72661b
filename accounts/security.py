"""The security log: one row per security event (accounts.SecurityEvent), mirrored to the
`ipplan.security` logger for the operators' log shipping.

Nothing secret goes in: no passwords, codes, tokens, identity numbers, usernames typed at a
failed login (often a password in the wrong field) or health content. CR/LF in the detail are
neutralised so that a crafted value cannot forge log lines.
"""

from __future__ import annotations

import logging

from allauth.core.internal.httpkit import get_client_ip
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, transaction

from accounts.models import Municipality, SecurityEvent, User

security_log = logging.getLogger("ipplan.security")
Kind = SecurityEvent.Kind


def client_address(request) -> str:
    """The client's address as the login limits see it: behind IPPLAN_TRUSTED_PROXY_COUNT
    proxies, from X-Forwarded-For (allauth's reading); otherwise REMOTE_ADDR."""
    if request is None:
        return ""
    try:
        address = get_client_ip(request)
    except ImproperlyConfigured:  # fewer forwarded addresses than trusted proxies
        address = None
    return (address or request.META.get("REMOTE_ADDR", ""))[:45]


def _clean(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ")[:200]


def security_event_record(
    kind: str,
    *,
    user: User | None = None,
    actor: User | None = None,
    municipality: Municipality | None = None,
    request=None,
    detail: str = "",
) -> SecurityEvent | None:
    """Write one security event. Inside the caller's transaction when there is one, so an
    event is never recorded for a change that was rolled back; a failure to record is logged
    and never fails the user's request (a login must not break on the log)."""
    user = user if user is not None and getattr(user, "pk", None) else None
    actor = actor if actor is not None and getattr(actor, "pk", None) else None
    event = SecurityEvent(
        kind=kind,
        user=user,
        actor=actor,
        municipality=municipality,
        client=client_address(request),
        detail=_clean(detail),
    )
    level = logging.WARNING if kind in _WARNINGS else logging.INFO
    security_log.log(
        level,
        "%s user_id=%s by=%s client=%s %s",
        kind,
        getattr(user, "pk", "-"),
        getattr(actor, "pk", "-"),
        event.client or "-",
        event.detail,
    )
    try:
        with transaction.atomic():
            event.save()
    except DatabaseError:
        security_log.exception("security event not stored kind=%s", kind)
        return None
    return event


_WARNINGS = frozenset(
    {
        Kind.LOGIN_FAILED,
        Kind.LOGIN_LIMITED,
        Kind.MFA_REMOVED,
        Kind.SETUP_CODE_REFUSED,
        Kind.SETUP_CODE_DENIED,
        Kind.USER_DEACTIVATED,
        Kind.ROLE_REVOKED,
        Kind.REPRESENTATION_ENDED,
        Kind.IDPORTEN_REFUSED,
        Kind.ACCESS_DENIED,
    }
)
