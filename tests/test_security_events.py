"""Security events are rows in an append-only table, without secrets, and mirrored to the log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import SecurityEvent
from accounts.security import security_event_record

pytestmark = pytest.mark.django_db
Kind = SecurityEvent.Kind


def test_it_records_a_failed_login_without_the_typed_username_or_password(client, owner):
    client.post(reverse("account_login"), {"login": "ingrid", "password": "Feil-passord-123"})
    event = SecurityEvent.objects.get(kind=Kind.LOGIN_FAILED)
    assert event.client == "127.0.0.1"
    stored = f"{event.detail} {event.user_id}"
    assert "ingrid" not in stored and "Feil-passord" not in stored


def test_it_records_a_login_for_the_user(client, owner):
    owner.set_password("Riktig-passord-123")
    owner.save()
    client.post(reverse("account_login"), {"login": "ingrid", "password": "Riktig-passord-123"})
    assert SecurityEvent.objects.filter(kind=Kind.LOGIN, user=owner).count() == 1


def test_it_refuses_to_change_or_delete_events(owner):
    event = security_event_record(Kind.PASSWORD_SET, user=owner, detail="line\r\nforged")
    assert event.detail == "line  forged"
    with pytest.raises(PermissionError):
        SecurityEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        SecurityEvent.objects.filter(pk=event.pk).update(detail="x")
    event.detail = "changed"
    with pytest.raises(PermissionError):
        event.save()
    assert SecurityEvent.objects.get(pk=event.pk).detail == "line  forged"
