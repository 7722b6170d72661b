"""`manage.py check` on the national-service integrations: one that is half configured says so.

Each integration is off until its settings are given. Giving some of them and not the others is a
mistake that would otherwise show only when the first letter or lookup fails, so the check names
what is missing. Integrations add themselves to INTEGRATIONS.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register

from ipplan import fiks_setup


@dataclass(frozen=True)
class Integration:
    name: str
    required: tuple[str, ...]  # settings that must all be set once any of them is
    files: tuple[str, ...] = ()  # settings naming files that must exist
    one_of: tuple[tuple[str, ...], ...] = ()  # groups where at least one must be set
    # Settings of another integration this one cannot work without (KRR needs Maskinporten);
    # they are asked for only once this integration's own settings are given.
    needs: tuple[str, ...] = ()
    # A required setting that another one stands in for (SvarUt's accounts and integration
    # come from the municipalities' Fiks setups when that file is given).
    instead: tuple[tuple[str, str], ...] = ()


INTEGRATIONS: list[Integration] = [
    Integration(
        name="Maskinporten",
        required=(
            "IPPLAN_MASKINPORTEN_ISSUER",
            "IPPLAN_MASKINPORTEN_CLIENT_ID",
            "IPPLAN_MASKINPORTEN_KEY_FILE",
        ),
        files=("IPPLAN_MASKINPORTEN_KEY_FILE", "IPPLAN_MASKINPORTEN_CERTIFICATE_FILE"),
        one_of=(("IPPLAN_MASKINPORTEN_KEY_ID", "IPPLAN_MASKINPORTEN_CERTIFICATE_FILE"),),
    ),
    Integration(
        name="HelseID",
        required=("HELSEID_ISSUER", "HELSEID_CLIENT_ID", "HELSEID_KEY_FILE", "HELSEID_KEY_ID"),
        files=("HELSEID_KEY_FILE",),
    ),
    Integration(
        name="KRR",
        required=("IPPLAN_KRR_URL",),
        needs=(
            "IPPLAN_MASKINPORTEN_ISSUER",
            "IPPLAN_MASKINPORTEN_CLIENT_ID",
            "IPPLAN_MASKINPORTEN_KEY_FILE",
        ),
    ),
    Integration(
        name="Digital post (SvarUt)",
        required=(
            "IPPLAN_SVARUT_URL",
            "IPPLAN_SVARUT_ACCOUNTS",
            "IPPLAN_SVARUT_INTEGRATION_ID",
            "IPPLAN_SVARUT_INTEGRATION_PASSWORD",
        ),
        # Whether a letter can go digitally (reservation, mailbox) is KRR's answer.
        needs=("IPPLAN_KRR_URL", "IPPLAN_MASKINPORTEN_ISSUER", "IPPLAN_MASKINPORTEN_CLIENT_ID"),
        instead=tuple(
            (name, "IPPLAN_FIKS_MUNICIPALITIES_FILE")
            for name in (
                "IPPLAN_SVARUT_ACCOUNTS",
                "IPPLAN_SVARUT_INTEGRATION_ID",
                "IPPLAN_SVARUT_INTEGRATION_PASSWORD",
            )
        ),
    ),
    Integration(
        name="Fiks Arkiv (Fiks IO)",
        required=(
            "IPPLAN_FIKS_INTEGRATION_ID",
            "IPPLAN_FIKS_INTEGRATION_PASSWORD",
            "IPPLAN_FIKS_IO_ACCOUNT_ID",
            "IPPLAN_FIKS_IO_KEY_FILE",
            "IPPLAN_FIKS_IO_CERTIFICATE_FILE",
            "IPPLAN_FIKS_ARKIV_ACCOUNT_ID",
            "IPPLAN_FIKS_SIGNING_KEY_FILE",
            "IPPLAN_FIKS_SIGNING_CERTIFICATE_FILE",
        ),
        files=(
            "IPPLAN_FIKS_IO_KEY_FILE",
            "IPPLAN_FIKS_IO_CERTIFICATE_FILE",
            "IPPLAN_FIKS_SIGNING_KEY_FILE",
            "IPPLAN_FIKS_SIGNING_CERTIFICATE_FILE",
        ),
    ),
]

# Settings a mode needs besides its integration's own: IPPLAN_ARCHIVE_MODE=fiks sends through
# Fiks IO with a Maskinporten token, with the installation's integration or per municipality.
ARCHIVE_FIKS_NEEDS = (
    ("IPPLAN_FIKS_INTEGRATION_ID", "IPPLAN_FIKS_MUNICIPALITIES_FILE"),
    ("IPPLAN_MASKINPORTEN_CLIENT_ID",),
)


def problems(integration: Integration) -> list[str]:
    given = [name for name in integration.required if getattr(settings, name, "")]
    if not given:
        return []
    instead = dict(integration.instead)
    found = [
        f"{name} is not set"
        for name in integration.required
        if name not in given and not getattr(settings, instead.get(name, ""), "")
    ]
    found += [f"{name} is not set" for name in integration.needs if not getattr(settings, name, "")]
    for group in integration.one_of:
        if not any(getattr(settings, name, "") for name in group):
            found.append(f"one of {' or '.join(group)} must be set")
    for name in integration.files:
        path = getattr(settings, name, "")
        if path and not Path(path).is_file():
            found.append(f"{name} names no file: {path}")
    return found


@register("ipplan")
def integrations_are_whole(app_configs=None, **kwargs):
    errors = []
    for index, integration in enumerate(INTEGRATIONS):
        errors.extend(
            Error(
                f"{integration.name} is half configured: {problem}.",
                hint="Set all of its settings (README, 'Integrations') or none of them.",
                id=f"ipplan.E{101 + index}",
            )
            for problem in problems(integration)
        )
    if settings.IPPLAN_DIGITAL_POST_BACKEND == "svarut" and not settings.IPPLAN_SVARUT_URL:
        errors.append(
            Error(
                "IPPLAN_DIGITAL_POST_BACKEND is svarut, but IPPLAN_SVARUT_URL is not set.",
                hint="Set the SvarUt settings (README, 'Integrations') or choose none.",
                id="ipplan.E100",
            )
        )
    errors += [
        Error(
            f"The Fiks setup of {problem}.",
            hint="Complete the entry in IPPLAN_FIKS_MUNICIPALITIES_FILE (README, 'Integrations') "
            "or remove it: that municipality then uses the installation's own Fiks settings.",
            id="ipplan.E152",
        )
        for problem in fiks_setup.problems()
    ]
    return errors + _archive_mode_problems()


def _archive_mode_problems() -> list[Error]:
    errors = []
    if getattr(settings, "IPPLAN_ARCHIVE_MODE", "") == "fiks":
        errors.extend(
            Error(
                f"IPPLAN_ARCHIVE_MODE is fiks but {' or '.join(names)} is not set.",
                hint="Configure Fiks IO and Maskinporten (README, 'Integrations'), or use "
                "IPPLAN_ARCHIVE_MODE=package.",
                id="ipplan.E150",
            )
            for names in ARCHIVE_FIKS_NEEDS
            if not any(getattr(settings, name, "") for name in names)
        )
    if bool(getattr(settings, "IPPLAN_ARCHIVE_CLASS_SYSTEM", "")) != bool(
        getattr(settings, "IPPLAN_ARCHIVE_CLASS_ID", "")
    ):
        errors.append(
            Error(
                "IPPLAN_ARCHIVE_CLASS_SYSTEM and IPPLAN_ARCHIVE_CLASS_ID go together.",
                hint="Set both (the archive key's system and class) or neither.",
                id="ipplan.E151",
            )
        )
    return errors
