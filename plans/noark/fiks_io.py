"""Fiks IO transport for Fiks Arkiv: sending an arkivmelding and reading the archive's receipts.

Sending (KS, "Fiks IO", and the published clients ks-no/fiks-io-klient-java and
fiks-io-client-dotnet): the payload is an ASiC-E container (a zip whose first entry is the
uncompressed `mimetype`) holding arkivmelding.xml and the document, encrypted as CMS enveloped
data to the receiving account's public key (from the Fiks IO catalogue), and POSTed as multipart
(`metadata`: JSON with avsenderKontoId, mottakerKontoId, meldingType, ttl and headere; `data`: the
encrypted payload) to /fiks-io/api/v1/send. Every request carries a Maskinporten token (scope
ks:fiks) and the Fiks integration's id and password headers; every request has a timeout.

Receipts: Fiks IO delivers replies over AMQP on the queue fiksio.konto.<our account id>; the user
is the integration id, the password "<integration password> <Maskinporten token>". A reply names
the message it answers (header svarPaMelding) and is encrypted to our account's key.

The container is signed as Fiks IO's own clients sign it: META-INF/signatures.xml, a XAdES
signature with the business certificate over every file in it (plans/noark/asice_signature.py).
"""

from __future__ import annotations

import io
import json
import time
import uuid
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.ciphers import algorithms
from cryptography.hazmat.primitives.serialization import pkcs7
from django.conf import settings

from ipplan import fiks_setup, maskinporten
from ipplan.fiks_setup import FiksSetup
from plans.noark import asice_signature

SCOPE = "ks:fiks"
SEND_PATH = "/fiks-io/api/v1/send"
ASICE_MIMETYPE = "application/vnd.etsi.asic-e+zip"
RECEIPT_TYPES = {
    "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.mottatt": "received",
    "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.kvittering": "receipt",
}
ERROR_PREFIX = "no.ks.fiks.arkiv.v1.feilmelding."
TTL_MS = 1000 * 60 * 60 * 24 * 2  # two days: a message not picked up by then comes back


class FiksError(Exception):
    """Fiks IO refused the message or could not be reached in time: try again later."""


def enabled() -> bool:
    return settings.IPPLAN_ARCHIVE_MODE == "fiks"


def setup_for(municipality_number: str) -> FiksSetup:
    """The municipality's Fiks setup (ipplan/fiks_setup.py); FiksError when it has none."""
    setup = fiks_setup.setup_for(municipality_number)
    if setup is None:
        raise FiksError(f"no Fiks setup for municipality {municipality_number}")
    return setup


def _token(setup: FiksSetup) -> str:
    try:
        return maskinporten.access_token([SCOPE], consumer_org=setup.consumer_org)
    except maskinporten.MaskinportenError as error:
        raise FiksError(f"no Maskinporten token: {error}") from error


def _headers(setup: FiksSetup) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {_token(setup)}",
        "IntegrasjonId": setup.integration_id,
        "IntegrasjonPassord": setup.integration_password,
    }


def _url(path: str) -> str:
    return settings.IPPLAN_FIKS_IO_URL.rstrip("/") + path


def _timeout() -> float:
    return float(settings.IPPLAN_FIKS_TIMEOUT_SECONDS)


_keys: dict[str, tuple[float, x509.Certificate]] = {}


def public_key(account_id: str, setup: FiksSetup) -> x509.Certificate:
    """The receiving account's certificate from the Fiks IO catalogue, kept for an hour."""
    cached = _keys.get(account_id)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    path = f"/fiks-io/katalog/api/v1/kontoer/{account_id}/offentligNokkel"
    try:
        response = httpx.get(_url(path), headers=_headers(setup), timeout=_timeout())
    except httpx.HTTPError as error:
        raise FiksError(f"catalogue unreachable: {type(error).__name__}") from error
    if response.status_code != 200:
        raise FiksError(f"catalogue answered {response.status_code}")
    try:
        certificate = x509.load_pem_x509_certificate(response.content)
    except ValueError as error:
        raise FiksError("catalogue answered no certificate") from error
    _keys[account_id] = (time.monotonic() + 3600, certificate)
    return certificate


def forget_keys() -> None:
    _keys.clear()


def asice(
    files: list[tuple[str, bytes, str]], signer: asice_signature.Signer | None = None
) -> bytes:
    """An ASiC-E container: `mimetype` first and stored, then the files, their manifest and,
    given a signer, the signature over the files (META-INF/signatures.xml)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), ASICE_MIMETYPE, compress_type=zipfile.ZIP_STORED
        )
        for name, content, _mime in files:
            archive.writestr(name, content)
        archive.writestr("META-INF/manifest.xml", _manifest(files))
        if signer is not None:
            archive.writestr(
                asice_signature.SIGNATURES_PATH, asice_signature.signatures_xml(files, signer)
            )
    return buffer.getvalue()


def signer(setup: FiksSetup) -> asice_signature.Signer:
    """The business certificate and its key, which sign every container we send."""
    key_file, certificate_file = setup.signing_key_file, setup.signing_certificate_file
    if not key_file or not certificate_file:
        raise FiksError("no business certificate to sign with")
    try:
        return asice_signature.Signer(
            key=_own_key(key_file), certificate=_own_certificate(certificate_file)
        )
    except (OSError, ValueError) as error:
        raise FiksError(f"business certificate not readable: {type(error).__name__}") from error


def _manifest(files) -> str:
    entries = "".join(
        f'<manifest:file-entry manifest:full-path="{name}" manifest:media-type="{mime}"/>'
        for name, _content, mime in files
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ASICE_MIMETYPE}"/>'
        f"{entries}</manifest:manifest>"
    )


def encrypt(payload: bytes, certificate: x509.Certificate) -> bytes:
    """CMS enveloped data (DER) to the certificate's key, AES-256-CBC."""
    return (
        pkcs7.PKCS7EnvelopeBuilder()
        .set_data(payload)
        .add_recipient(certificate)
        .set_content_encryption_algorithm(algorithms.AES256)
        .encrypt(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])
    )


@lru_cache(maxsize=4)
def _own_key(path: str):
    return serialization.load_pem_private_key(Path(path).read_bytes(), password=None)


@lru_cache(maxsize=4)
def _own_certificate(path: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(Path(path).read_bytes())


def decrypt(payload: bytes, setup: FiksSetup) -> bytes:
    """A reply to our account, decrypted with our account's key."""
    return pkcs7.pkcs7_decrypt_der(
        payload,
        _own_certificate(setup.fiks_io_certificate_file),
        _own_key(setup.fiks_io_key_file),
        [],
    )


@dataclass(frozen=True)
class Sent:
    message_id: str


def send(*, files: list[tuple[str, bytes, str]], reference: str, setup: FiksSetup) -> Sent:
    """Send one arkivmelding from the municipality's account to its archive; `reference` goes
    along as klientMeldingId, so a repeat after a lost answer is recognisable to the archive."""
    receiver = setup.archive_account_id
    payload = encrypt(asice(files, signer(setup)), public_key(receiver, setup))
    metadata = {
        "avsenderKontoId": setup.fiks_io_account_id,
        "mottakerKontoId": receiver,
        "meldingType": "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett",
        "ttl": TTL_MS,
        "headere": {"klientMeldingId": reference},
    }
    try:
        response = httpx.post(
            _url(SEND_PATH),
            headers=_headers(setup),
            files={
                "metadata": (None, json.dumps(metadata), "application/json"),
                "data": ("data", payload, "application/octet-stream"),
            },
            timeout=_timeout(),
        )
    except httpx.HTTPError as error:
        raise FiksError(f"Fiks IO unreachable: {type(error).__name__}") from error
    if response.status_code not in (200, 201, 202):
        raise FiksError(f"Fiks IO answered {response.status_code}")
    try:
        message_id = str(uuid.UUID(str(response.json()["meldingId"])))
    except (ValueError, KeyError, TypeError) as error:
        raise FiksError("Fiks IO's answer has no meldingId") from error
    return Sent(message_id=message_id)


def amqp_credentials(setup: FiksSetup) -> tuple[str, str]:
    return (setup.integration_id, f"{setup.integration_password} {_token(setup)}")


def queue_name(setup: FiksSetup) -> str:
    return f"fiksio.konto.{setup.fiks_io_account_id}"
