"""The Noark 5 archive through Fiks Arkiv (issue 13, part 1): every archived document becomes an
arkivmelding valid against Fiks Arkiv's schema; in Fiks mode it is sent to a local Fiks IO server
(which checks the Maskinporten token from a local token endpoint, the integration headers, decrypts
the payload with the archive's key and validates the message), the receipt comes back over real
AMQP (RabbitMQ on 127.0.0.1) and shows on the case page; a hung or failing server leaves the letter
saved and the delivery retried; in package mode only the municipality's administrator downloads
the month's package, and each download is logged for the people it concerns."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import uuid
import zipfile
from email.parser import BytesParser
from email.policy import HTTP

import amqp
import pytest
import xmlschema
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import algorithms
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse
from django.utils import timezone

from casework.models import CaseAccessLogEntry, Letter
from casework.services.cases import interim_reply_send
from complaints.models import Complaint
from complaints.services import complaint_file
from consent.models import AccessLogEntry
from plans.models import ArchiveDelivery, ArchiveRecord
from plans.noark import arkivmelding, fiks_io
from plans.noark import delivery as noark_delivery
from plans.services import noark
from plans.services.archive import archive_snapshot
from tests.casework.conftest import complaint_act, decide
from tests.factories import staff, with_national_id
from tests.support import asice_verify
from tests.support.local_http import LocalServer, Response
from tests.test_maskinporten import client_key, token_server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

SCHEMA = xmlschema.XMLSchema(str(arkivmelding.SCHEMA))
OUR_ACCOUNT = str(uuid.UUID(int=1))
ARCHIVE_ACCOUNT = str(uuid.UUID(int=2))
INTEGRATION_ID = str(uuid.UUID(int=3))
INTEGRATION_PASSWORD = "fiks-integration-secret"
AMQP_HOST = "127.0.0.1:5672"


def key_pair(tmp_path, name: str):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = tmp_path / f"{name}.key", tmp_path / f"{name}.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key, certificate, key_path, cert_path


def parts(request) -> dict[str, bytes]:
    """The multipart/form-data body as the server got it, by part name."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.body)
    return {
        part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
        for part in message.iter_parts()
    }


class FiksIOServer:
    """Fiks IO as ipplan sees it: the catalogue's public key and the send API, checking what a
    real Fiks IO checks, and the archive behind it reading the message."""

    def __init__(self, tmp_path, tokens, signing_certificate):
        self.key, self.certificate, *_ = key_pair(tmp_path, "archive")
        # The sender's business certificate, as the receiver knows it.
        self.signing_certificate = signing_certificate
        self.refused: list[str] = []
        self.http = LocalServer()
        self.token_server = tokens
        self.received: list[dict] = []
        self.answer: Response | None = None
        key_path = f"/fiks-io/katalog/api/v1/kontoer/{ARCHIVE_ACCOUNT}/offentligNokkel"
        self.http.route(
            "GET",
            key_path,
            Response(200, self.certificate.public_bytes(serialization.Encoding.PEM)),
        )
        self.http.route("POST", fiks_io.SEND_PATH, self.send)
        self.http.start()

    def authorised(self, request) -> bool:
        issued = {f"token-{n}" for n in range(1, len(self.token_server.issued) + 1)}
        scopes = {claims["scope"] for claims in self.token_server.issued}
        return (
            request.headers.get("authorization", "").removeprefix("Bearer ") in issued
            and scopes == {fiks_io.SCOPE}
            and request.headers.get("integrasjonid") == INTEGRATION_ID
            and request.headers.get("integrasjonpassord") == INTEGRATION_PASSWORD
        )

    def send(self, request):
        if self.answer is not None:
            return self.answer
        if not self.authorised(request):
            return Response(401, {"error": "unauthorized"})
        form = parts(request)
        metadata = json.loads(form["metadata"])
        container = pkcs7.pkcs7_decrypt_der(form["data"], self.certificate, self.key, [])
        with zipfile.ZipFile(io.BytesIO(container)) as archive:
            names = archive.namelist()
            files = {name: archive.read(name) for name in names}
        try:
            asice_verify.verify(container, self.signing_certificate)
        except asice_verify.SignatureInvalid as error:
            self.refused.append(str(error))
            return Response(400, {"error": "invalid signature"})
        SCHEMA.validate(io.BytesIO(files["arkivmelding.xml"]))
        message_id = str(uuid.uuid4())
        self.received.append(
            {"metadata": metadata, "names": names, "files": files, "message_id": message_id}
        )
        return Response(200, {"meldingId": message_id, **metadata})

    def stop(self):
        self.http.stop()


@pytest.fixture
def fiks(settings, tmp_path, token_server):  # noqa: F811
    _key, _cert, key_path, cert_path = key_pair(tmp_path, "ipplan")
    _key, business, signing_key_path, signing_cert_path = key_pair(tmp_path, "business")
    server = FiksIOServer(tmp_path, token_server, business)
    settings.IPPLAN_ARCHIVE_MODE = "fiks"
    settings.IPPLAN_FIKS_IO_URL = server.http.url
    settings.IPPLAN_FIKS_INTEGRATION_ID = INTEGRATION_ID
    settings.IPPLAN_FIKS_INTEGRATION_PASSWORD = INTEGRATION_PASSWORD
    settings.IPPLAN_FIKS_IO_ACCOUNT_ID = OUR_ACCOUNT
    settings.IPPLAN_FIKS_ARKIV_ACCOUNT_ID = ARCHIVE_ACCOUNT
    settings.IPPLAN_FIKS_IO_KEY_FILE = str(key_path)
    settings.IPPLAN_FIKS_IO_CERTIFICATE_FILE = str(cert_path)
    settings.IPPLAN_FIKS_SIGNING_KEY_FILE = str(signing_key_path)
    settings.IPPLAN_FIKS_SIGNING_CERTIFICATE_FILE = str(signing_cert_path)
    settings.IPPLAN_FIKS_TIMEOUT_SECONDS = 1
    settings.IPPLAN_FIKS_IO_AMQP_HOST = AMQP_HOST
    settings.IPPLAN_FIKS_IO_AMQP_TLS = False
    fiks_io.forget_keys()
    server.our_certificate = cert_path
    server.setup = fiks_io.setup_for("installation")
    yield server
    fiks_io.forget_keys()
    server.stop()


@pytest.fixture
def package_mode(settings):
    settings.IPPLAN_ARCHIVE_MODE = "package"


def message_of(delivery: ArchiveDelivery) -> bytes:
    return noark.delivery_message(delivery)


@pytest.fixture
def decided(application, case_handler, rule, django_capture_on_commit_callbacks):
    with_national_id(application.person, datetime.date(1990, 5, 17))
    with django_capture_on_commit_callbacks(execute=True):
        return decide(application, case_handler, rule, plan="granted", coordinator="granted")


# --- The message ------------------------------------------------------------------------------


def test_it_archives_nothing_when_archiving_is_off(decided):
    assert not ArchiveDelivery.objects.exists()


def test_every_kind_of_document_is_a_valid_screened_arkivmelding(
    package_mode, application, case_handler, rule, plan, owner
):
    interim_reply_send(
        case=application,
        expected_by=timezone.localdate() + datetime.timedelta(days=20),
        reason="Vi venter på opplysninger.",
        acting_user=case_handler,
    )
    decision = decide(application, case_handler, rule, plan="partly", coordinator="granted")
    complaint = complaint_file(
        case=application,
        decision=decision,
        ground=Complaint.Ground.PARTLY,
        text="Jeg trenger koordinator nå.",
        acting_user=owner,
    )
    complaint_act("start_review", complaint, case_handler, rule)
    complaint_act("forward", complaint, case_handler, rule)
    archive_snapshot(plan=plan, reason=ArchiveRecord.Reason.CLOSING)
    kinds = set(ArchiveDelivery.objects.values_list("kind", flat=True))
    assert kinds == {"letter", "case_file", "plan_snapshot"}
    letter_kinds = set(Letter.objects.values_list("kind", flat=True))
    assert {"decision", "interim", "forwarded"} <= letter_kinds
    assert ArchiveDelivery.objects.filter(kind="letter").count() == Letter.objects.count()
    for delivery in ArchiveDelivery.objects.all():
        xml = message_of(delivery)
        SCHEMA.validate(io.BytesIO(xml))  # raises on any deviation from the schema
        text = xml.decode()
        assert "offentleglova § 13 jf. forvaltningsloven § 13 første ledd nr. 1" in text
        assert "<n5mdk:kode>13</n5mdk:kode>" in text
        parsed = SCHEMA.to_dict(io.BytesIO(xml))
        person = owner.display_name
        assert person not in parsed["mappe"]["offentligTittel"]
        assert person not in parsed["registrering"]["offentligTittel"]
        assert (
            parsed["registrering"]["dokumentbeskrivelse"][0]["dokumentobjekt"][0]["sjekksum"]
            == delivery.sha256
        )
        # The unit is an identifier group (its name), as the published catalogue types it.
        assert parsed["mappe"]["administrativEnhet"]["n5mdk:navn"]


def test_the_case_folder_is_classified_by_the_persons_national_id_and_the_message_is_encrypted(
    package_mode, decided
):
    delivery = ArchiveDelivery.objects.get()
    national_id = decided.case.person.get_national_id()
    assert national_id in message_of(delivery).decode()
    assert national_id not in delivery.message_encrypted
    assert delivery.folder_key == f"case:{decided.case.pk}"


def test_a_schema_violation_is_caught(package_mode, decided):
    """The schema check is real: a registry entry without its required type fails."""
    xml = message_of(ArchiveDelivery.objects.get()).decode()
    broken = xml.replace("<journalposttype>", "<journalstatus>").replace(
        "</journalposttype>", "</journalstatus>"
    )
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        SCHEMA.validate(io.BytesIO(broken.encode()))


# --- Fiks IO ----------------------------------------------------------------------------------


def publish_receipt(fiks, *, answers: str, message_type: str, xml: bytes) -> None:
    """The archive answers over Fiks IO: an encrypted ASiC-E on our account's queue."""
    certificate = x509.load_pem_x509_certificate(fiks.our_certificate.read_bytes())
    container = fiks_io.asice([("kvittering.xml", xml, "application/xml")])
    body = (
        pkcs7.PKCS7EnvelopeBuilder()
        .set_data(container)
        .add_recipient(certificate)
        .set_content_encryption_algorithm(algorithms.AES256)
        .encrypt(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])
    )
    with amqp.Connection(host=AMQP_HOST, userid="guest", password="guest") as connection:
        channel = connection.channel()
        channel.queue_declare(fiks_io.queue_name(fiks.setup), durable=False, auto_delete=False)
        channel.queue_purge(fiks_io.queue_name(fiks.setup))
        channel.basic_publish(
            amqp.Message(
                body,
                application_headers={
                    "melding-id": str(uuid.uuid4()).encode(),
                    "type": message_type.encode(),
                    "svar-til": answers.encode(),
                },
            ),
            exchange="",
            routing_key=fiks_io.queue_name(fiks.setup),
        )


RECEIPT = b"""<?xml version="1.0" encoding="utf-8"?>
<arkivmeldingKvittering xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/kvittering/v1"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <mappeKvittering xsi:type="saksmappeKvittering">
    <systemID>3e3f5c3a-0000-4000-8000-000000000001</systemID>
    <opprettetEllerEksisterende>Opprettet</opprettetEllerEksisterende>
    <saksaar>2026</saksaar><sakssekvensnummer>1042</sakssekvensnummer>
  </mappeKvittering>
  <registreringKvittering xsi:type="journalpostKvittering">
    <systemID>3e3f5c3a-0000-4000-8000-000000000002</systemID>
    <opprettetEllerEksisterende>Opprettet</opprettetEllerEksisterende>
    <journalaar>2026</journalaar><journalsekvensnummer>5511</journalsekvensnummer>
    <journalpostnummer>3</journalpostnummer>
  </registreringKvittering>
</arkivmeldingKvittering>"""


def test_a_decision_letter_goes_to_fiks_io_and_its_receipt_shows_on_the_case_page(
    fiks, decided, client, case_handler
):
    delivery = ArchiveDelivery.objects.get()
    assert delivery.sent_at is not None and delivery.attempts == 1
    [sent] = fiks.received
    assert delivery.fiks_message_id == sent["message_id"]
    assert sent["metadata"]["mottakerKontoId"] == ARCHIVE_ACCOUNT
    assert sent["metadata"]["avsenderKontoId"] == OUR_ACCOUNT
    assert sent["metadata"]["meldingType"] == arkivmelding.MESSAGE_TYPE
    assert sent["metadata"]["headere"]["klientMeldingId"] == str(delivery.reference)
    assert sent["names"][0] == "mimetype"
    assert "META-INF/signatures.xml" in sent["names"]  # the server verified it
    pdf = sent["files"][delivery.filename]
    assert hashlib.sha256(pdf).hexdigest() == decided.letter.sha256

    publish_receipt(
        fiks,
        answers=delivery.fiks_message_id,
        message_type="no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.kvittering",
        xml=RECEIPT,
    )
    # ipplan's own reading of the queue; the local broker knows only its guest user, so the
    # login is the one thing given here (the Fiks IO login is tested below).
    assert noark.receive_receipts(seconds=5, credentials=("guest", "guest")) == 1
    delivery.refresh_from_db()
    assert delivery.archive_reference == "2026/1042-3"
    assert delivery.receipt_at is not None
    client.force_login(case_handler)
    page = client.get(reverse("casework:case", args=[decided.case.pk])).content.decode()
    assert "2026/1042-3" in page
    assert "Arkivert" in page


# --- The ASiC-E signature -------------------------------------------------------------------


def _post_container(fiks, container: bytes):
    """Send a container of our making to the local Fiks IO, as ipplan would."""
    import httpx

    metadata = {"mottakerKontoId": ARCHIVE_ACCOUNT, "avsenderKontoId": OUR_ACCOUNT}
    return httpx.post(
        fiks.http.url + fiks_io.SEND_PATH,
        headers=fiks_io._headers(fiks.setup),
        files={
            "metadata": (None, json.dumps(metadata), "application/json"),
            "data": ("data", fiks_io.encrypt(container, fiks.certificate), "application/pdf"),
        },
        timeout=5,
    )


def _rezip(container: bytes, change: dict[str, bytes | None]) -> bytes:
    """The same container with some files replaced (or, for None, left out)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(container)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename in change:
                if change[info.filename] is not None:
                    target.writestr(info, change[info.filename])
            else:
                target.writestr(info, source.read(info.filename))
    return out.getvalue()


def test_the_container_is_signed_with_the_business_certificate_over_every_file(fiks, decided):
    files = noark_delivery.delivery_files(ArchiveDelivery.objects.get())
    container = fiks_io.asice(files, fiks_io.signer(fiks.setup))
    signed = asice_verify.verify(container, fiks.signing_certificate)
    assert signed == {name: content for name, content, _mime in files}
    assert _post_container(fiks, container).status_code == 200
    signatures = zipfile.ZipFile(io.BytesIO(container)).read("META-INF/signatures.xml").decode()
    assert "<xades:SigningTime>" in signatures
    assert "<xades:MimeType>application/pdf</xades:MimeType>" in signatures
    # A file name is a URI reference: escaped in the signature, and still verified.
    odd = [("vedtak 1.pdf", b"%PDF-1.7 letter", "application/pdf")]
    odd_container = fiks_io.asice(odd, fiks_io.signer(fiks.setup))
    assert (
        'URI="vedtak%201.pdf"'
        in zipfile.ZipFile(io.BytesIO(odd_container)).read("META-INF/signatures.xml").decode()
    )
    assert asice_verify.verify(odd_container, fiks.signing_certificate) == {
        "vedtak 1.pdf": b"%PDF-1.7 letter"
    }


def test_a_tampered_unsigned_or_foreign_signed_container_is_refused(fiks, decided, tmp_path):
    from plans.noark.asice_signature import Signer

    delivery = ArchiveDelivery.objects.get()
    files = noark_delivery.delivery_files(delivery)
    fiks.received.clear()
    container = fiks_io.asice(files, fiks_io.signer(fiks.setup))
    tampered = _rezip(container, {delivery.filename: b"%PDF-1.7 another letter"})
    unsigned = _rezip(container, {"META-INF/signatures.xml": None})
    added = _rezip(container, {})
    foreign_key, foreign_cert, *_ = key_pair(tmp_path, "someone-else")
    foreign = fiks_io.asice(files, Signer(key=foreign_key, certificate=foreign_cert))
    for bad in (tampered, unsigned, foreign):
        with pytest.raises(asice_verify.SignatureInvalid):
            asice_verify.verify(bad, fiks.signing_certificate)
        assert _post_container(fiks, bad).status_code == 400
    assert len(fiks.refused) == 3 and not fiks.received
    # The same container, zipped again unchanged, is still good.
    assert _post_container(fiks, added).status_code == 200


def test_without_a_business_certificate_nothing_is_sent_and_the_delivery_waits(
    fiks, decided, settings, tmp_path
):
    ArchiveDelivery.objects.all().delete()
    fiks.received.clear()
    settings.IPPLAN_FIKS_SIGNING_KEY_FILE = str(tmp_path / "gone.key")
    with pytest.raises(fiks_io.FiksError, match="business certificate"):
        noark.deliver(_record_again(decided).pk)
    delivery = ArchiveDelivery.objects.get()
    assert delivery.sent_at is None and delivery.attempts == 1
    assert delivery.last_error == "business certificate not readable: FileNotFoundError"
    assert not fiks.received


def test_the_queue_login_is_the_integration_and_its_password_with_a_maskinporten_token(fiks):
    user, password = fiks_io.amqp_credentials(fiks.setup)
    assert user == INTEGRATION_ID
    assert password == f"{INTEGRATION_PASSWORD} token-1"
    assert fiks_io.queue_name(fiks.setup) == f"fiksio.konto.{OUR_ACCOUNT}"


def test_a_hung_fiks_io_leaves_the_letter_saved_and_the_delivery_retried(fiks, decided):
    """The server hangs longer than the timeout at the first try: the letter exists, the
    delivery waits with its error; when due again, it goes out once."""
    ArchiveDelivery.objects.all().delete()
    fiks.received.clear()
    fiks.answer = Response(200, {"meldingId": str(uuid.uuid4())}, delay=3)
    with pytest.raises(fiks_io.FiksError):
        noark.deliver(_record_again(decided).pk)
    delivery = ArchiveDelivery.objects.get()
    assert Letter.objects.filter(pk=decided.letter.pk).exists()
    assert delivery.sent_at is None and delivery.attempts == 1
    assert "unreachable" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now()
    assert noark.deliver_due() == 0  # not yet due
    fiks.answer = None
    ArchiveDelivery.objects.update(next_attempt_at=timezone.now())
    assert noark.deliver_due() == 1
    delivery.refresh_from_db()
    assert delivery.sent_at is not None and len(fiks.received) == 1
    assert noark.deliver_due() == 0  # sent once, never again


def _record_again(decision):
    from casework.archive import letter_archive

    return letter_archive(letter=decision.letter, acting_user=decision.decided_by)


def test_a_refusing_server_is_given_up_after_the_limit_and_shown_to_the_administrator(
    fiks, decided, client, administrator, settings, django_capture_on_commit_callbacks
):
    settings.IPPLAN_ARCHIVE_MAX_ATTEMPTS = 2
    ArchiveDelivery.objects.all().delete()
    fiks.answer = Response(503, {"error": "unavailable"})
    delivery = _record_again(decided)
    for _ in range(2):
        ArchiveDelivery.objects.update(next_attempt_at=timezone.now())
        noark.deliver_due()
    delivery.refresh_from_db()
    assert delivery.failed_at is not None and delivery.attempts == 2
    assert delivery.last_error == "Fiks IO answered 503"
    client.force_login(administrator)
    page = client.get(reverse("casework:archive_admin")).content.decode()
    assert "Fiks IO answered 503" in page
    index = client.get(reverse("administration:index")).content.decode()
    assert "kom ikke fram til arkivet" in index
    fiks.answer = None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("casework:archive_retry", args=[delivery.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.sent_at is not None and delivery.failed_at is None


def test_an_error_answer_from_the_archive_is_kept_and_shown(fiks, decided):
    delivery = ArchiveDelivery.objects.get()
    noark.receipt_record(
        answers=delivery.fiks_message_id,
        message_type="no.ks.fiks.arkiv.v1.feilmelding.ugyldigforespoersel",
        payload=b"",
    )
    delivery.refresh_from_db()
    assert delivery.failed_at is not None
    assert delivery.last_error == "archive refused: ugyldigforespoersel"


# --- Packages and access ----------------------------------------------------------------------


def package_url(delivery):
    month = timezone.localtime(delivery.created_at)
    return reverse(
        "casework:archive_package", args=[delivery.municipality_id, month.year, month.month]
    )


def test_the_monthly_package_holds_each_entrys_arkivmelding_and_pdf(
    package_mode, decided, plan, client, administrator
):
    archive_snapshot(plan=plan, reason=ArchiveRecord.Reason.ON_DEMAND, acting_user=None)
    deliveries = list(ArchiveDelivery.objects.order_by("created_at", "pk"))
    client.force_login(administrator)
    response = client.get(package_url(deliveries[0]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "no-store"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        for number, delivery in enumerate(deliveries, start=1):
            folder = f"{number:04d}-{delivery.reference}"
            assert archive.read(f"{folder}/arkivmelding.xml") == message_of(delivery)
            assert archive.read(f"{folder}/{delivery.filename}") == noark.delivery_document(
                delivery
            )
        assert "innhold.csv" in names
    # Logged for the people the documents concern.
    assert CaseAccessLogEntry.objects.filter(
        case=decided.case, actor=administrator, action="archive"
    ).exists()
    assert AccessLogEntry.objects.filter(
        plan=plan, actor=administrator, actor_role="administrator"
    ).exists()


def test_only_the_municipalitys_administrator_gets_the_archive_pages(
    package_mode, decided, client, case_handler, coordinator, owner, other_municipality
):
    delivery = ArchiveDelivery.objects.get()
    other_admin = staff("administrator", other_municipality, username="annen-admin")
    urls = [reverse("casework:archive_admin"), package_url(delivery)]
    for user in (case_handler, coordinator, owner, other_admin):
        client.force_login(user)
        for url in urls[1:] if user is other_admin else urls:
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(reverse("casework:archive_retry", args=[delivery.pk])).status_code == 404
    assert not CaseAccessLogEntry.objects.filter(action="archive").exists()


def test_a_half_configured_fiks_integration_is_reported(settings):
    settings.IPPLAN_FIKS_INTEGRATION_ID = INTEGRATION_ID
    with pytest.raises(
        SystemCheckError, match=r"Fiks Arkiv .*IPPLAN_FIKS_IO_ACCOUNT_ID is not set"
    ):
        call_command("check")
    with pytest.raises(
        SystemCheckError, match=r"Fiks Arkiv .*IPPLAN_FIKS_SIGNING_CERTIFICATE_FILE is not set"
    ):
        call_command("check")
    settings.IPPLAN_FIKS_INTEGRATION_ID = ""
    settings.IPPLAN_ARCHIVE_MODE = "fiks"
    with pytest.raises(SystemCheckError, match="IPPLAN_ARCHIVE_MODE is fiks"):
        call_command("check")


def test_a_consent_and_its_withdrawal_go_to_the_plans_folder(package_mode, municipality, owner):
    from consent.services import plan_consent_give
    from plans.services.lifecycle import plan_consent_withdraw
    from tests.factories import PlanFactory

    draft = PlanFactory(municipality=municipality, owner=owner, status="draft")
    consent = plan_consent_give(plan=draft, acting_user=owner)
    delivery = ArchiveDelivery.objects.get(source=f"consent:{consent.pk}")
    assert delivery.kind == "consent" and delivery.folder_key == f"plan:{draft.pk}"
    SCHEMA.validate(io.BytesIO(message_of(delivery)))
    assert noark.delivery_document(delivery).startswith(b"%PDF")
    draft.status = "active"
    draft.save()
    plan_consent_withdraw(plan=draft, acting_user=owner)
    withdrawal = ArchiveDelivery.objects.get(source=f"consent_withdrawal:{consent.pk}")
    parsed = SCHEMA.to_dict(io.BytesIO(message_of(withdrawal)))
    assert parsed["registrering"]["journalposttype"]["n5mdk:kode"] == "I"
    assert "Tilbaketrekking" in parsed["registrering"]["tittel"]


def test_the_archive_page_has_a_fixed_query_budget(
    package_mode, decided, plan, client, administrator, django_assert_max_num_queries
):
    for _ in range(6):
        archive_snapshot(plan=plan, reason=ArchiveRecord.Reason.PERIODIC)
    ArchiveDelivery.objects.filter(kind="plan_snapshot").update(
        mode="fiks", failed_at=timezone.now(), last_error="Fiks IO answered 503"
    )
    client.force_login(administrator)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("casework:archive_admin"))
    assert response.status_code == 200
    assert response.content.decode().count("Fiks IO answered 503") == 6


def test_the_administrators_overview_links_to_the_archive_only_when_there_is_one(
    client, administrator, decided, settings
):
    client.force_login(administrator)
    url = reverse("casework:archive_admin")
    assert url not in client.get(reverse("administration:index")).content.decode()
    settings.IPPLAN_ARCHIVE_MODE = "package"
    assert url in client.get(reverse("administration:index")).content.decode()
