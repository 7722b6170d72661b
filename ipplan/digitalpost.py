"""Letters to the citizen's digital mailbox: one interface, a transport per national service.

The transport is chosen by IPPLAN_DIGITAL_POST_BACKEND: "none" (default: letters stay in the
ipplan inbox, and people reserved in KRR get theirs on paper) or "svarut".

Why Fiks SvarUt first: every Norwegian municipality already has a KS Fiks organisation and
usually a SvarUt account for its case system, so ordering it is a form, not a project; SvarUt
delivers to whichever mailbox the person chose in KRR (Digipost or e-Boks, through the state's
digital post service), and reports status. Digdir's own digital post API needs an
integration point (eFormidling) run by the municipality. A second transport implements the same
three methods (send, find, statuses) and is added to TRANSPORTS.

SvarUt's REST API v2 (https://developers.fiks.ks.no/ and the OpenAPI specifications in
github.com/ks-no/fiks-svarut-klient, "forsendelse-send-api-v2", "forsendelse-status-api-v3"):
- send: POST {base}/api/v2/kontoer/{account}/forsendelser, multipart: the first part
  "forsendelse" (JSON metadata: tittel, mottaker with digitalId, dokumenter, eksternReferanse,
  kunDigitalLevering...), then the files in the same order; answers {"id": uuid}.
- find by our reference: GET {base}/tjenester/api/v2/kontoer/{account}/forsendelser/
  ?eksternRef=... answers {"forsendelseIds": [...]}: how a retry after a lost answer finds
  the letter that did go out instead of sending it twice.
- status: POST {base}/api/v3/kontoer/{account}/forsendelser/status {"id": [...]} answers
  {"statuser": [{"id", "status", "sisteStatusEndring"}]}.
Authentication is the Fiks platform's: a Maskinporten token (scope ks:fiks) and the
integration's id and password in the IntegrasjonId and IntegrasjonPassord headers.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import httpx
from django.conf import settings
from django.utils.module_loading import import_string

from ipplan import maskinporten

FIKS_SCOPE = "ks:fiks"


class DigitalPostError(Exception):
    """The service refused or did not answer in time: try again later."""


class NotConfigured(DigitalPostError):
    """No transport for this sender (e.g. no SvarUt account for the municipality)."""


@dataclass(frozen=True)
class OutgoingLetter:
    reference: str  # ours, unique per letter and recipient: the idempotency key
    sender: str  # the municipality's number: chooses the sender's account
    title: str
    recipient_national_id: str
    recipient_name: str
    filename: str
    pdf: bytes


# Our states, from the service's own words; "read" only when the service tells.
SENT, DELIVERED, READ, PRINTED, FAILED = "sent", "delivered", "read", "printed", "failed"


class Transport(Protocol):
    def send(self, letter: OutgoingLetter) -> str: ...

    def find(self, *, sender: str, reference: str) -> str | None: ...

    def statuses(self, *, sender: str, ids: Sequence[str]) -> dict[str, str]: ...


def enabled() -> bool:
    return settings.IPPLAN_DIGITAL_POST_BACKEND != "none"


def transport() -> Transport:
    name = settings.IPPLAN_DIGITAL_POST_BACKEND
    if name == "none":
        raise NotConfigured("digital post is off")
    return import_string(TRANSPORTS.get(name, name))()


class SvarUtTransport:
    # SvarUt's states (status API v3) -> ours. The rest (MOTTATT, AKSEPTERT, SENDT_DIGITALT,
    # SENDT_SDP, KLAR_FOR_MOTTAK...) mean "on its way": the letter stays "sent".
    STATES = {
        "LEVERT_SDP": DELIVERED,
        "VARSLET": DELIVERED,
        "LEST": READ,
        "PRINTET": PRINTED,
        "SENDT_PRINT": PRINTED,
        "AVVIST": FAILED,
        "IKKE_LEVERT": FAILED,
        "MANUELT_HANDTERT": FAILED,
    }

    def _account(self, sender: str) -> str:
        account = settings.IPPLAN_SVARUT_ACCOUNTS.get(sender)
        if not account:
            raise NotConfigured(f"no SvarUt account for municipality {sender}")
        return account

    def _headers(self) -> dict[str, str]:
        try:
            token = maskinporten.access_token([FIKS_SCOPE])
        except maskinporten.MaskinportenError as error:
            raise DigitalPostError(str(error)) from error
        return {
            "Authorization": f"Bearer {token}",
            "IntegrasjonId": settings.IPPLAN_SVARUT_INTEGRATION_ID,
            "IntegrasjonPassord": settings.IPPLAN_SVARUT_INTEGRATION_PASSWORD,
            "Accept": "application/json",
        }

    def _call(self, method: str, path: str, **kwargs) -> dict:
        url = settings.IPPLAN_SVARUT_URL.rstrip("/") + path
        try:
            response = httpx.request(
                method,
                url,
                headers=self._headers(),
                timeout=settings.IPPLAN_SVARUT_TIMEOUT_SECONDS,
                **kwargs,
            )
        except httpx.HTTPError as error:
            raise DigitalPostError(f"SvarUt unreachable: {type(error).__name__}") from error
        if response.status_code != 200:
            code = ""
            with contextlib.suppress(ValueError, AttributeError):
                code = str(response.json().get("errorCode") or "")
            raise DigitalPostError(f"SvarUt answered {response.status_code} {code}".strip())
        try:
            answer = response.json()
        except ValueError as error:
            raise DigitalPostError("SvarUt answered something that is not JSON") from error
        if not isinstance(answer, dict):
            raise DigitalPostError("SvarUt's answer is not an object")
        return answer

    def send(self, letter: OutgoingLetter) -> str:
        account = self._account(letter.sender)
        metadata = {
            "tittel": letter.title[:1000],
            "mottaker": {"digitalId": letter.recipient_national_id, "navn": letter.recipient_name},
            "avgivendeSystem": "ipplan",
            # We decide paper ourselves (KRR's reservation and mailbox), so that the letter
            # shows in the case handler's print queue: SvarUt must never print on its own.
            "kunDigitalLevering": True,
            "eksternReferanse": letter.reference[:100],
            "dokumenter": [
                {
                    "filnavn": letter.filename,
                    "mimeType": "application/pdf",
                    "inneholderPersonsensitivInformasjon": True,
                }
            ],
        }
        files = [
            ("forsendelse", (None, json.dumps(metadata), "application/json;charset=UTF-8")),
            ("dokument", (letter.filename, letter.pdf, "application/octet-stream")),
        ]
        answer = self._call("POST", f"/api/v2/kontoer/{account}/forsendelser", files=files)
        if not isinstance(answer.get("id"), str) or not answer["id"]:
            raise DigitalPostError("SvarUt's answer has no id")
        return answer["id"]

    def find(self, *, sender: str, reference: str) -> str | None:
        account = self._account(sender)
        answer = self._call(
            "GET",
            f"/tjenester/api/v2/kontoer/{account}/forsendelser/",
            params={"eksternRef": reference},
        )
        ids = answer.get("forsendelseIds") or []
        return str(ids[0]) if ids else None

    def statuses(self, *, sender: str, ids: Sequence[str]) -> dict[str, str]:
        account = self._account(sender)
        answer = self._call(
            "POST", f"/api/v3/kontoer/{account}/forsendelser/status", json={"id": list(ids)}
        )
        found = {}
        for item in answer.get("statuser") or []:
            if isinstance(item, dict) and item.get("id") in ids:
                found[item["id"]] = self.STATES.get(str(item.get("status")), SENT)
        return found


TRANSPORTS = {"svarut": "ipplan.digitalpost.SvarUtTransport"}
