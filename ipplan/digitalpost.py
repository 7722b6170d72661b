"""Letters to the citizen's digital mailbox: one interface, a transport per national service.

The transport is chosen by IPPLAN_DIGITAL_POST_BACKEND: "none" (default: letters stay in the
ipplan inbox, and people reserved in KRR get theirs on paper) or "svarut".

Why Fiks SvarUt first: every Norwegian municipality already has a KS Fiks organisation and
usually a SvarUt account for its case system, so ordering it is a form, not a project; SvarUt
delivers to whichever mailbox the person chose in KRR (Digipost or e-Boks, through the state's
digital post service), and reports status. Digdir's own digital post API needs an
integration point (eFormidling) run by the municipality. A second transport implements the same
methods (send, find, statuses, serves) and is added to TRANSPORTS.

Each municipality sends from its own SvarUt account, with its own Fiks integration and a
Maskinporten token for its organisation when its Fiks setup names the account
(ipplan/fiks_setup.py); otherwise from IPPLAN_SVARUT_ACCOUNTS with the installation's integration.
A municipality with neither keeps its letters in the inbox, as with digital post off.

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

from ipplan import fiks_setup, maskinporten

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

    def serves(self, sender: str) -> bool: ...


def enabled() -> bool:
    return settings.IPPLAN_DIGITAL_POST_BACKEND != "none"


def enabled_for(sender: str) -> bool:
    """Digital post is on and this municipality has an account to send from; a municipality
    without one keeps its letters in the inbox as with digital post off (the reserved on paper)."""
    return enabled() and transport().serves(sender)


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

    def _account(self, sender: str) -> tuple[str, dict[str, str]]:
        """The municipality's SvarUt account and how to authenticate for it: its own Fiks
        integration and a token for its organisation (consumer_org) when its Fiks setup names a
        SvarUt account (ipplan/fiks_setup.py), else the installation's SvarUt settings."""
        try:
            setup = fiks_setup.setup_for(sender)
        except fiks_setup.SetupError as error:
            # The operator's file: its path and contents are no business of the administrator
            # who sees a delivery's error.
            raise DigitalPostError("the municipalities' Fiks setups are not readable") from error
        if setup is not None and setup.svarut_account_id and setup.municipality_number:
            return setup.svarut_account_id, {
                "integration_id": setup.integration_id,
                "integration_password": setup.integration_password,
                "consumer_org": setup.consumer_org,
            }
        account = settings.IPPLAN_SVARUT_ACCOUNTS.get(sender)
        if not account:
            raise NotConfigured(f"no SvarUt account for municipality {sender}")
        return account, {
            "integration_id": settings.IPPLAN_SVARUT_INTEGRATION_ID,
            "integration_password": settings.IPPLAN_SVARUT_INTEGRATION_PASSWORD,
            "consumer_org": "",
        }

    def serves(self, sender: str) -> bool:
        try:
            self._account(sender)
        except DigitalPostError:
            return False
        return True

    def _headers(self, auth: dict[str, str]) -> dict[str, str]:
        try:
            token = maskinporten.access_token([FIKS_SCOPE], consumer_org=auth["consumer_org"])
        except maskinporten.MaskinportenError as error:
            raise DigitalPostError(str(error)) from error
        return {
            "Authorization": f"Bearer {token}",
            "IntegrasjonId": auth["integration_id"],
            "IntegrasjonPassord": auth["integration_password"],
            "Accept": "application/json",
        }

    def _call(self, method: str, path: str, auth: dict[str, str], **kwargs) -> dict:
        url = settings.IPPLAN_SVARUT_URL.rstrip("/") + path
        try:
            response = httpx.request(
                method,
                url,
                headers=self._headers(auth),
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
        account, auth = self._account(letter.sender)
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
        answer = self._call("POST", f"/api/v2/kontoer/{account}/forsendelser", auth, files=files)
        if not isinstance(answer.get("id"), str) or not answer["id"]:
            raise DigitalPostError("SvarUt's answer has no id")
        return answer["id"]

    def find(self, *, sender: str, reference: str) -> str | None:
        account, auth = self._account(sender)
        answer = self._call(
            "GET",
            f"/tjenester/api/v2/kontoer/{account}/forsendelser/",
            auth,
            params={"eksternRef": reference},
        )
        ids = answer.get("forsendelseIds") or []
        return str(ids[0]) if ids else None

    def statuses(self, *, sender: str, ids: Sequence[str]) -> dict[str, str]:
        account, auth = self._account(sender)
        answer = self._call(
            "POST", f"/api/v3/kontoer/{account}/forsendelser/status", auth, json={"id": list(ids)}
        )
        found = {}
        for item in answer.get("statuser") or []:
            if isinstance(item, dict) and item.get("id") in ids:
                found[item["id"]] = self.STATES.get(str(item.get("status")), SENT)
        return found


TRANSPORTS = {"svarut": "ipplan.digitalpost.SvarUtTransport"}
