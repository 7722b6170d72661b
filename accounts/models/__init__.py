"""accounts' models: people and their roles (people.py), who acts for whom (representations.py),
account set-up codes, the outbox and the security log (records.py)."""

from accounts.models.contact import ContactRegistryEntry
from accounts.models.people import (
    Municipality,
    Organisation,
    StaffMembership,
    User,
    display_name_of,
)
from accounts.models.records import (
    AccountSetupCode,
    OutboxMessage,
    SecurityEvent,
    SetupCodeException,
)
from accounts.models.representations import Representation, RepresentationQuerySet

__all__ = [
    "AccountSetupCode",
    "ContactRegistryEntry",
    "Municipality",
    "Organisation",
    "OutboxMessage",
    "Representation",
    "RepresentationQuerySet",
    "SecurityEvent",
    "SetupCodeException",
    "StaffMembership",
    "User",
    "display_name_of",
]
