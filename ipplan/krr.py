"""Look-ups in the contact and reservation register (Kontakt- og reservasjonsregisteret, KRR).

The protocol is Digdir's REST look-up service ("Oppslagstjenesten REST",
https://docs.digdir.no/docs/Kontaktregisteret/oppslagstjenesten_rest and the attribute list at
https://docs.digdir.no/docs/Kontaktregisteret/krr_attributter): POST to .../rest/v1/personer
with a Maskinporten token (scopes krr:global/kontaktinformasjon.read for e-mail, mobile number
and whether the person may be notified; krr:global/digitalpost.read for the digital mailbox)
and the body {"personidentifikatorer": [...]} (1 to 1000 numbers). The answer is
{"personer": [{"personidentifikator", "reservasjon": "JA"|"NEI", "status": "AKTIV"|"SLETTET"|
"IKKE_REGISTRERT", "varslingsstatus": "KAN_VARSLES"|"KAN_IKKE_VARSLES", "kontaktinformasjon":
{"epostadresse", "mobiltelefonnummer", ...}, "digital_post": {"postkasseadresse",
"postkasseleverandoeradresse"}}]}.

Every request has a short timeout; any failure raises KrrError, which callers treat as "use
what is stored and try again later". Nothing here stores anything (accounts.contact_registry
does), and no identity number is ever logged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import httpx
from django.conf import settings

from ipplan import maskinporten

SCOPES = ("krr:global/kontaktinformasjon.read", "krr:global/digitalpost.read")
MAX_PER_REQUEST = 1000


class KrrError(Exception):
    """No answer: KRR or Maskinporten refused, answered nonsense, or did not answer in time."""


@dataclass(frozen=True)
class KrrPerson:
    national_id: str
    status: str  # AKTIV, SLETTET, IKKE_REGISTRERT
    reserved: bool
    can_notify: bool
    email: str = ""
    phone: str = ""
    mailbox_address: str = ""
    mailbox_provider: str = ""

    @property
    def registered(self) -> bool:
        return self.status == "AKTIV"

    @property
    def has_mailbox(self) -> bool:
        return bool(self.registered and self.mailbox_address and self.mailbox_provider)


def enabled() -> bool:
    return bool(settings.IPPLAN_KRR_URL) and maskinporten.enabled()


def lookup(national_ids: Iterable[str]) -> dict[str, KrrPerson]:
    """What KRR holds on each number; a number KRR does not answer for is left out."""
    numbers = list(dict.fromkeys(national_ids))
    if not enabled():
        raise KrrError("KRR is not configured")
    found: dict[str, KrrPerson] = {}
    for start in range(0, len(numbers), MAX_PER_REQUEST):
        found.update(_request(numbers[start : start + MAX_PER_REQUEST]))
    return found


def _request(numbers: list[str]) -> dict[str, KrrPerson]:
    try:
        token = maskinporten.access_token(SCOPES)
    except maskinporten.MaskinportenError as error:
        raise KrrError(str(error)) from error
    try:
        response = httpx.post(
            settings.IPPLAN_KRR_URL,
            json={"personidentifikatorer": numbers},
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=settings.IPPLAN_KRR_TIMEOUT_SECONDS,
        )
    except httpx.HTTPError as error:
        raise KrrError(f"KRR unreachable: {type(error).__name__}") from error
    if response.status_code != 200:
        raise KrrError(f"KRR answered {response.status_code}")
    try:
        people = response.json()["personer"]
        return {p["personidentifikator"]: _person(p) for p in people}
    except (ValueError, KeyError, TypeError) as error:
        raise KrrError("KRR's answer is not in the documented format") from error


def _person(data: dict) -> KrrPerson:
    contact = data.get("kontaktinformasjon") or {}
    mailbox = data.get("digital_post") or {}
    status = str(data.get("status") or "IKKE_REGISTRERT")
    return KrrPerson(
        national_id=str(data["personidentifikator"]),
        status=status,
        reserved=data.get("reservasjon") == "JA",
        # Without a varslingsstatus (an older answer), contact details of an active person
        # count as usable: KRR hands them out only while they are confirmed.
        can_notify=data.get("varslingsstatus", "KAN_VARSLES") == "KAN_VARSLES",
        email=str(contact.get("epostadresse") or "")[:254],
        phone=str(contact.get("mobiltelefonnummer") or "")[:20],
        mailbox_address=str(mailbox.get("postkasseadresse") or "")[:200],
        mailbox_provider=str(mailbox.get("postkasseleverandoeradresse") or "")[:20],
    )
