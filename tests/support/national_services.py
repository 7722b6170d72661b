"""Local stand-ins for KRR and Fiks SvarUt that speak the published protocols over real HTTP on
127.0.0.1 (tests/support/local_http.py), checking what a real service would check: the
Maskinporten token, the Fiks integration headers, the request's format."""

from __future__ import annotations

import email.parser
import email.policy
import json
import uuid

from tests.support.local_http import LocalServer, Request, Response

KRR_PATH = "/rest/v1/personer"
SVARUT_ACCOUNT = "6e3a2b35-0c3c-4f0e-9d1a-3f0b8e0c2a11"
INTEGRATION_ID = "b1f4e7a2-1111-4c2d-9e00-6a9b0c7d8e9f"
INTEGRATION_PASSWORD = "integration-password-for-tests"


def krr_person(number, *, reserved=False, email="", phone="", mailbox=True, status="AKTIV"):
    """One person as KRR's REST answer describes them (docs.digdir.no, krr_attributter)."""
    person = {
        "personidentifikator": number,
        "reservasjon": "JA" if reserved else "NEI",
        "status": status,
        "varslingsstatus": "KAN_VARSLES"
        if (email or phone) and not reserved
        else "KAN_IKKE_VARSLES",
    }
    if status != "AKTIV":
        return {"personidentifikator": number, "status": status}
    contact = {}
    if email:
        contact.update(epostadresse=email, epostadresse_oppdatert="2026-06-29T10:14:52+02")
    if phone:
        contact.update(
            mobiltelefonnummer=phone, mobiltelefonnummer_oppdatert="2026-06-29T10:14:52+02"
        )
    if contact:
        person["kontaktinformasjon"] = contact
    if mailbox and not reserved:
        person["digital_post"] = {
            "postkasseadresse": "ola.nordmann#9YDT",
            "postkasseleverandoeradresse": "984661185",
        }
    return person


class KrrServer:
    """POST /rest/v1/personer with a bearer token from the local Maskinporten; numbers it does
    not know are answered IKKE_REGISTRERT, as KRR does."""

    def __init__(self, server: LocalServer, tokens):
        self.server, self.tokens = server, tokens
        self.people: dict[str, dict] = {}
        self.server.route("POST", KRR_PATH, self._answer)

    @property
    def url(self) -> str:
        return self.server.url + KRR_PATH

    def lookups(self) -> list[Request]:
        return [r for r in self.server.requests if r.path == KRR_PATH]

    def _answer(self, request: Request) -> Response:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self.tokens():
            return Response(401, {"error": "invalid_token"})
        numbers = request.json().get("personidentifikatorer")
        if not isinstance(numbers, list) or not 1 <= len(numbers) <= 1000:
            return Response(400, {"error": "bad request"})
        people = [self.people.get(n) or krr_person(n, status="IKKE_REGISTRERT") for n in numbers]
        return Response(200, {"personer": people})


def multipart_parts(request: Request) -> list:
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.body)
    return list(message.iter_parts())


class SvarUtServer:
    """Fiks SvarUt's REST API for the three calls ipplan makes: send (v2, multipart), find by
    eksternRef (v2) and status (v3)."""

    def __init__(self, server: LocalServer, tokens):
        self.server, self.tokens = server, tokens
        self.sent: dict[str, dict] = {}  # id -> {"metadata", "files"}
        self.states: dict[str, str] = {}
        base = f"/api/v2/kontoer/{SVARUT_ACCOUNT}/forsendelser"
        self.send_path = base
        server.route("POST", base, self._send)
        server.route("GET", f"/tjenester{base}/", self._find)
        server.route("POST", f"/api/v3/kontoer/{SVARUT_ACCOUNT}/forsendelser/status", self._status)

    def sends(self) -> list[Request]:
        return [r for r in self.server.requests if r.path == self.send_path]

    def _refused(self, request: Request) -> Response | None:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self.tokens():
            return Response(401, {"status": 401, "errorCode": "UNAUTHORIZED"})
        if (request.headers.get("integrasjonid"), request.headers.get("integrasjonpassord")) != (
            INTEGRATION_ID,
            INTEGRATION_PASSWORD,
        ):
            return Response(403, {"status": 403, "errorCode": "INTEGRASJON_IKKE_AUTORISERT"})
        return None

    def _send(self, request: Request) -> Response:
        refused = self._refused(request)
        if refused:
            return refused
        parts = multipart_parts(request)
        if not parts or parts[0].get_param("name", header="content-disposition") != "forsendelse":
            return Response(400, {"status": 400, "errorCode": "MANGLER_FORSENDELSE"})
        metadata = json.loads(parts[0].get_content())
        files = {p.get_filename(): p.get_payload(decode=True) for p in parts[1:]}
        names = [d["filnavn"] for d in metadata.get("dokumenter", [])]
        if not metadata.get("tittel") or not metadata.get("mottaker") or names != list(files):
            return Response(400, {"status": 400, "errorCode": "VALIDERING"})
        forsendelse_id = str(uuid.uuid4())
        self.sent[forsendelse_id] = {"metadata": metadata, "files": files}
        self.states[forsendelse_id] = "MOTTATT"
        return Response(200, {"id": forsendelse_id})

    def _find(self, request: Request) -> Response:
        refused = self._refused(request)
        if refused:
            return refused
        reference = request.query.get("eksternRef", [""])[0]
        ids = [
            i for i, s in self.sent.items() if s["metadata"].get("eksternReferanse") == reference
        ]
        return Response(200, {"forsendelseIds": ids})

    def _status(self, request: Request) -> Response:
        refused = self._refused(request)
        if refused:
            return refused
        ids = request.json().get("id") or []
        return Response(
            200,
            {
                "statuser": [
                    {
                        "id": i,
                        "status": self.states[i],
                        "sisteStatusEndring": "2026-12-01T11:33:55+01:00",
                    }
                    for i in ids
                    if i in self.states
                ]
            },
        )
