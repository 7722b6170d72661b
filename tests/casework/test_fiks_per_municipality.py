"""One Fiks setup per municipality (ipplan/fiks_setup.py): two municipalities served by one
installation, each with its own organisation number, Fiks integration, Fiks IO account and keys,
archive account, business certificate and SvarUt account, from the operator's JSON file. End to
end against local servers: the local Maskinporten issues each token for a consumer_org
(delegation), and the local Fiks IO and SvarUt accept a message only on the account of the
organisation the token was issued for, with that organisation's integration and signature. Each
municipality's deliveries reach its own accounts, never the other's; a municipality without a
setup falls back to monthly packages and the inbox; `manage.py check` names incomplete entries."""

from __future__ import annotations

import datetime
import json
import uuid

import amqp
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.ciphers import algorithms
from cryptography.hazmat.primitives.serialization import pkcs7
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from ipplan import digitalpost, fiks_setup
from plans.models import ArchiveDelivery, ArchiveRecord
from plans.noark import fiks_io
from plans.services import noark
from plans.services.archive import archive_snapshot
from tests.casework.test_archive_delivery import AMQP_HOST, RECEIPT, key_pair, parts
from tests.factories import MunicipalityFactory, PlanFactory, UserFactory, with_national_id
from tests.support import asice_verify
from tests.support.local_http import LocalServer, Response
from tests.test_maskinporten import client_key, token_server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

RECEIPT_TYPE = "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.kvittering"


class Organisation:
    """One municipality's Fiks organisation: what the operator writes in the file, and what
    the national services know of it."""

    def __init__(self, tmp_path, municipality, tag: str):
        self.municipality = municipality
        self.number = municipality.municipality_number
        self.org = municipality.organisation_number
        self.integration_id = str(uuid.uuid4())
        self.integration_password = f"secret-{tag}"
        self.account = str(uuid.uuid4())
        self.archive_account = str(uuid.uuid4())
        self.svarut_account = str(uuid.uuid4())
        _k, _c, self.key_file, self.certificate_file = key_pair(tmp_path, f"io-{tag}")
        _k, self.business, self.signing_key, self.signing_certificate = key_pair(
            tmp_path, f"business-{tag}"
        )
        self.archive_key, self.archive_certificate, *_ = key_pair(tmp_path, f"archive-{tag}")

    def entry(self) -> dict:
        return {
            "organisation_number": self.org,
            "integration_id": self.integration_id,
            "integration_password": self.integration_password,
            "fiks_io_account_id": self.account,
            "fiks_io_key_file": str(self.key_file),
            "fiks_io_certificate_file": str(self.certificate_file),
            "archive_account_id": self.archive_account,
            "signing_key_file": str(self.signing_key),
            "signing_certificate_file": str(self.signing_certificate),
            "svarut_account_id": self.svarut_account,
        }


class NationalServices:
    """Fiks IO (catalogue and send) and SvarUt for several Fiks organisations: a request is
    accepted only on an account of the organisation its Maskinporten token was issued for."""

    def __init__(self, tokens, organisations):
        self.tokens = tokens
        self.organisations = organisations
        self.http = LocalServer()
        self.received: list[dict] = []
        self.letters: list[dict] = []
        self.refused: list[str] = []
        for org in organisations:
            self.http.route(
                "GET",
                f"/fiks-io/katalog/api/v1/kontoer/{org.archive_account}/offentligNokkel",
                self._catalogue(org),
            )
            self.http.route(
                "POST", f"/api/v2/kontoer/{org.svarut_account}/forsendelser", self._letter(org)
            )
        self.http.route("POST", fiks_io.SEND_PATH, self._send)
        self.http.start()

    def consumer(self, request) -> str | None:
        """The organisation the request's token was issued for (None: no token of ours)."""
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if not token.startswith("token-"):
            return None
        number = int(token.removeprefix("token-"))
        if not 1 <= number <= len(self.tokens.issued):
            return None
        return self.tokens.issued[number - 1].get("consumer_org", "")

    def _authorised(self, request, org) -> bool:
        return (
            self.consumer(request) == org.org
            and request.headers.get("integrasjonid") == org.integration_id
            and request.headers.get("integrasjonpassord") == org.integration_password
        )

    def _catalogue(self, org):
        def handler(request):
            if self.consumer(request) is None:
                return Response(401, {"error": "unauthorized"})
            pem = org.archive_certificate.public_bytes(serialization.Encoding.PEM)
            return Response(200, pem)

        return handler

    def _send(self, request):
        form = parts(request)
        metadata = json.loads(form["metadata"])
        [sender] = [o for o in self.organisations if o.account == metadata["avsenderKontoId"]]
        if not self._authorised(request, sender):
            self.refused.append(f"{sender.number}: not authorised")
            return Response(401, {"error": "unauthorized"})
        if metadata["mottakerKontoId"] != sender.archive_account:
            self.refused.append(f"{sender.number}: another organisation's archive")
            return Response(403, {"error": "forbidden"})
        container = pkcs7.pkcs7_decrypt_der(
            form["data"], sender.archive_certificate, sender.archive_key, []
        )
        try:
            files = asice_verify.verify(container, sender.business)
        except asice_verify.SignatureInvalid as error:
            self.refused.append(f"{sender.number}: {error}")
            return Response(400, {"error": "invalid signature"})
        message_id = str(uuid.uuid4())
        self.received.append(
            {"sender": sender.number, "metadata": metadata, "files": files, "id": message_id}
        )
        return Response(200, {"meldingId": message_id})

    def _letter(self, org):
        def handler(request):
            if not self._authorised(request, org):
                self.refused.append(f"{org.number}: letter not authorised")
                return Response(403, {"errorCode": "INTEGRASJON_IKKE_AUTORISERT"})
            forsendelse_id = str(uuid.uuid4())
            self.letters.append({"account": org.svarut_account, "id": forsendelse_id})
            return Response(200, {"id": forsendelse_id})

        return handler


@pytest.fixture
def two(settings, tmp_path, token_server, municipality, other_municipality):  # noqa: F811
    first = Organisation(tmp_path, municipality, "fjordvik")
    second = Organisation(tmp_path, other_municipality, "bakkeby")
    services = NationalServices(token_server, [first, second])
    path = tmp_path / "fiks-municipalities.json"
    path.write_text(json.dumps({o.number: o.entry() for o in (first, second)}))
    settings.IPPLAN_FIKS_MUNICIPALITIES_FILE = str(path)
    settings.IPPLAN_ARCHIVE_MODE = "fiks"
    settings.IPPLAN_FIKS_IO_URL = services.http.url
    settings.IPPLAN_FIKS_TIMEOUT_SECONDS = 2
    settings.IPPLAN_FIKS_IO_AMQP_HOST = AMQP_HOST
    settings.IPPLAN_FIKS_IO_AMQP_TLS = False
    settings.IPPLAN_DIGITAL_POST_BACKEND = "svarut"
    settings.IPPLAN_SVARUT_URL = services.http.url
    settings.IPPLAN_SVARUT_ACCOUNTS = {}
    settings.IPPLAN_SVARUT_TIMEOUT_SECONDS = 5
    fiks_io.forget_keys()
    services.first, services.second, services.path = first, second, path
    yield services
    fiks_io.forget_keys()
    services.http.stop()


def snapshot_in(municipality) -> ArchiveDelivery:
    owner = with_national_id(
        UserFactory(home_municipality=municipality), datetime.date(1985, 3, 14)
    )
    plan = PlanFactory(municipality=municipality, owner=owner)
    archive_snapshot(plan=plan, reason=ArchiveRecord.Reason.ON_DEMAND)
    return ArchiveDelivery.objects.get(plan=plan)


def test_each_municipalitys_archive_delivery_reaches_its_own_archive_with_its_own_token(two):
    first = snapshot_in(two.first.municipality)
    second = snapshot_in(two.second.municipality)
    assert first.mode == second.mode == "fiks"
    assert noark.deliver_due() == 2
    assert not two.refused
    by_sender = {item["sender"]: item for item in two.received}
    assert set(by_sender) == {two.first.number, two.second.number}
    for org, delivery in ((two.first, first), (two.second, second)):
        item = by_sender[org.number]
        assert item["metadata"]["avsenderKontoId"] == org.account
        assert item["metadata"]["mottakerKontoId"] == org.archive_account
        assert item["metadata"]["headere"]["klientMeldingId"] == str(delivery.reference)
        assert delivery.filename in item["files"]
    # One token per organisation, each issued for it (consumer_org), none for ipplan itself.
    consumers = [claims.get("consumer_org") for claims in two.tokens.issued]
    assert sorted(consumers) == sorted([two.first.org, two.second.org])


def publish(org, *, answers: str, xml: bytes) -> None:
    """The archive's receipt on the organisation's own queue, encrypted to its account's key."""
    certificate = x509.load_pem_x509_certificate(org.certificate_file.read_bytes())
    body = (
        pkcs7.PKCS7EnvelopeBuilder()
        .set_data(fiks_io.asice([("kvittering.xml", xml, "application/xml")]))
        .add_recipient(certificate)
        .set_content_encryption_algorithm(algorithms.AES256)
        .encrypt(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])
    )
    queue = f"fiksio.konto.{org.account}"
    with amqp.Connection(host=AMQP_HOST, userid="guest", password="guest") as connection:
        channel = connection.channel()
        channel.queue_declare(queue, durable=False, auto_delete=False)
        channel.basic_publish(
            amqp.Message(
                body,
                application_headers={"type": RECEIPT_TYPE.encode(), "svar-til": answers.encode()},
            ),
            exchange="",
            routing_key=queue,
        )


@pytest.fixture
def clean_queues(two):
    def purge():
        with amqp.Connection(host=AMQP_HOST, userid="guest", password="guest") as connection:
            channel = connection.channel()
            for org in (two.first, two.second):
                queue = f"fiksio.konto.{org.account}"
                channel.queue_declare(queue, durable=False, auto_delete=False)
                channel.queue_purge(queue)

    purge()
    yield
    purge()


def test_receipts_are_read_from_each_accounts_queue_and_never_settle_the_other(two, clean_queues):
    first = snapshot_in(two.first.municipality)
    second = snapshot_in(two.second.municipality)
    noark.deliver_due()
    first.refresh_from_db()
    second.refresh_from_db()
    # On the first account's queue: its own receipt, and one claiming the second's message
    # (which must not settle the second municipality's delivery).
    publish(two.first, answers=first.fiks_message_id, xml=RECEIPT)
    publish(two.first, answers=second.fiks_message_id, xml=RECEIPT)
    assert noark.receive_receipts(seconds=10, credentials=("guest", "guest")) == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.archive_reference == "2026/1042-3"
    assert second.archive_reference == "" and second.receipt_at is None
    publish(two.second, answers=second.fiks_message_id, xml=RECEIPT)
    assert noark.receive_receipts(seconds=10, credentials=("guest", "guest")) == 1
    second.refresh_from_db()
    assert second.archive_reference == "2026/1042-3"


def test_each_municipalitys_letter_goes_from_its_own_svarut_account(two):
    transport = digitalpost.transport()
    for org in (two.first, two.second):
        transport.send(
            digitalpost.OutgoingLetter(
                reference=f"ipplan-test-{org.number}",
                sender=org.number,
                title="Vedtak",
                recipient_national_id="17059012345",
                recipient_name="Mottaker",
                filename="brev.pdf",
                pdf=b"%PDF-1.7",
            )
        )
    assert not two.refused
    assert [letter["account"] for letter in two.letters] == [
        two.first.svarut_account,
        two.second.svarut_account,
    ]
    assert [claims.get("consumer_org") for claims in two.tokens.issued] == [
        two.first.org,
        two.second.org,
    ]


def test_a_municipality_without_a_setup_falls_back_to_packages_and_the_inbox(two):
    third = MunicipalityFactory(name="Tredje kommune", slug="tredje")
    assert fiks_setup.setup_for(third.municipality_number) is None
    assert snapshot_in(third).mode == "package"
    assert not digitalpost.enabled_for(third.municipality_number)
    assert digitalpost.enabled_for(two.first.number)
    assert noark.deliver_due() == 0  # nothing of the third's goes to anyone's archive
    assert not two.received


def test_the_secret_stays_out_of_the_setups_text(two):
    setup = fiks_setup.setup_for(two.first.number)
    assert setup.consumer_org == two.first.org
    assert two.first.integration_password not in repr(setup)


def test_an_incomplete_or_unreadable_municipality_setup_is_reported(two, settings):
    data = json.loads(two.path.read_text())
    del data[two.second.number]["archive_account_id"]
    data[two.second.number]["signing_key_file"] = "/nowhere/business.key"
    two.path.write_text(json.dumps(data))
    settings.IPPLAN_FIKS_MUNICIPALITIES_FILE = str(two.path)
    with pytest.raises(SystemCheckError) as raised:
        call_command("check")
    text = str(raised.value)
    assert f"municipality {two.second.number}: archive_account_id is not set" in text
    assert f"municipality {two.second.number}: signing_key_file names no file" in text
    assert two.second.integration_password not in text
    # The incomplete municipality has no Fiks: its documents become packages, nothing fails.
    assert fiks_setup.setup_for(two.second.number) is None
    assert snapshot_in(two.second.municipality).mode == "package"
    two.path.write_text("{not json")
    with pytest.raises(SystemCheckError, match="is not readable JSON"):
        call_command("check")
