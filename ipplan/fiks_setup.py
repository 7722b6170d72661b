"""One Fiks setup per municipality: which organisation, integration and accounts a delivery uses.

One installation serves several municipalities, and each has its own KS Fiks organisation: its
own integration (id and password), Fiks IO account with its key pair, the archive's Fiks Arkiv
account, its SvarUt account and the business certificate that signs its containers. The operator
lists them in a JSON file named by IPPLAN_FIKS_MUNICIPALITIES_FILE, keyed by municipality number:

    {"3403": {"organisation_number": "...", "integration_id": "...",
              "integration_password": "...", "fiks_io_account_id": "...",
              "fiks_io_key_file": "...", "fiks_io_certificate_file": "...",
              "archive_account_id": "...", "signing_key_file": "...",
              "signing_certificate_file": "...", "svarut_account_id": "..."}}

Why a file and not the database: the secrets stay with the operator, like every other secret of
the installation (environment and key files); no page shows them, so a municipality's
administrator can neither see nor change them, they are in no database backup, and nothing logs
them (FiksSetup's repr leaves out the password).

Maskinporten: ipplan's operator is the municipality's supplier, and asks for tokens for it with
its own client through delegation in Altinn (the grant's consumer_org claim, the municipality's
organisation number; docs.digdir.no, "Delegering i Maskinporten" and "JWT grant"). A setup from
the file therefore carries its organisation number as consumer_org.

A municipality without an entry uses the installation's own Fiks settings (IPPLAN_FIKS_*,
IPPLAN_SVARUT_*) when they are complete, as a single-municipality installation always has; a
municipality with neither has no Fiks: its archive deliveries become monthly packages and its
letters stay in the inbox or go on paper (print queue).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings

FIELDS = (
    "organisation_number",
    "integration_id",
    "integration_password",
    "fiks_io_account_id",
    "fiks_io_key_file",
    "fiks_io_certificate_file",
    "archive_account_id",
    "signing_key_file",
    "signing_certificate_file",
)
FILE_FIELDS = (
    "fiks_io_key_file",
    "fiks_io_certificate_file",
    "signing_key_file",
    "signing_certificate_file",
)
OPTIONAL = ("svarut_account_id",)


class SetupError(Exception):
    """The municipalities file cannot be read."""


@dataclass(frozen=True)
class FiksSetup:
    municipality_number: str  # "" for the installation's own setup
    organisation_number: str
    integration_id: str
    integration_password: str = field(repr=False)
    fiks_io_account_id: str
    fiks_io_key_file: str
    fiks_io_certificate_file: str
    archive_account_id: str
    signing_key_file: str
    signing_certificate_file: str
    svarut_account_id: str = ""
    # The organisation Maskinporten issues the token for (delegation); "" for our own.
    consumer_org: str = ""


@cache
def _read(path: str, _stamp: float) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SetupError(f"{path} is not readable JSON: {type(error).__name__}") from error
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise SetupError(f"{path} must map municipality numbers to objects")
    return data


def entries() -> dict[str, dict]:
    """The municipalities file as the operator wrote it (read again when it changes)."""
    path = settings.IPPLAN_FIKS_MUNICIPALITIES_FILE
    if not path:
        return {}
    try:
        stamp = Path(path).stat().st_mtime
    except OSError as error:
        raise SetupError(f"{path} names no file") from error
    return _read(path, stamp)


def problems() -> list[str]:
    """What each municipality's entry lacks (for `manage.py check`); no values, only names."""
    try:
        found = entries()
    except SetupError as error:
        return [str(error)]
    messages = []
    for number, entry in sorted(found.items()):
        missing = [name for name in FIELDS if not str(entry.get(name) or "").strip()]
        messages += [f"municipality {number}: {name} is not set" for name in missing]
        unknown = sorted(set(entry) - set(FIELDS) - set(OPTIONAL))
        messages += [f"municipality {number}: unknown field {name}" for name in unknown]
        for name in FILE_FIELDS:
            value = str(entry.get(name) or "")
            if value and not Path(value).is_file():
                messages.append(f"municipality {number}: {name} names no file")
    return messages


def _installation_setup() -> FiksSetup | None:
    values = {
        "integration_id": settings.IPPLAN_FIKS_INTEGRATION_ID,
        "integration_password": settings.IPPLAN_FIKS_INTEGRATION_PASSWORD,
        "fiks_io_account_id": settings.IPPLAN_FIKS_IO_ACCOUNT_ID,
        "fiks_io_key_file": settings.IPPLAN_FIKS_IO_KEY_FILE,
        "fiks_io_certificate_file": settings.IPPLAN_FIKS_IO_CERTIFICATE_FILE,
        "archive_account_id": settings.IPPLAN_FIKS_ARKIV_ACCOUNT_ID,
        "signing_key_file": settings.IPPLAN_FIKS_SIGNING_KEY_FILE,
        "signing_certificate_file": settings.IPPLAN_FIKS_SIGNING_CERTIFICATE_FILE,
    }
    if not all(values.values()):
        return None
    return FiksSetup(municipality_number="", organisation_number="", **values)


def setup_for(municipality_number: str) -> FiksSetup | None:
    """The Fiks setup a delivery for this municipality uses, or None (no Fiks for it)."""
    entry = entries().get(municipality_number)
    if entry is None:
        return _installation_setup()
    if any(not str(entry.get(name) or "").strip() for name in FIELDS):
        return None  # incomplete: `manage.py check` names what is missing
    values = {name: str(entry[name]).strip() for name in FIELDS}
    return FiksSetup(
        municipality_number=municipality_number,
        svarut_account_id=str(entry.get("svarut_account_id") or "").strip(),
        consumer_org=values["organisation_number"],
        **values,
    )


def all_setups() -> list[FiksSetup]:
    """Every distinct setup in use (each has its own Fiks IO account and queue)."""
    found = [s for s in (setup_for(number) for number in entries()) if s is not None]
    installation = _installation_setup()
    if installation is not None:
        found.append(installation)
    unique = {setup.fiks_io_account_id: setup for setup in found}
    return list(unique.values())
