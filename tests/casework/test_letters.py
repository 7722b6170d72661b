"""Decision letters as PDF/A with every element the law requires, citing the rules that apply
(from the table of legal references, as in force on the decision's day), delivered to the
person's inbox in ipplan with an e-mail that says only that a letter has arrived, carrying the
deciding municipality's own name and addresses."""

from __future__ import annotations

import datetime
import hashlib
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import OutboxMessage
from casework.deadlines import complaint_deadline
from casework.models import Decision, Letter
from casework.services.cases import RULE_NOT_FOR_THESE_RIGHTS, interim_reply_send
from casework.services.letters import letter_open
from tests.casework.conftest import apply, decide
from tests.factories import MunicipalityFactory, UserFactory, represent, staff, with_national_id

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def read_pdf(letter: Letter) -> str:
    with letter_open(letter) as handle:
        data = handle.read()
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def decided(application, case_handler, rule, municipality, django_capture_on_commit_callbacks):
    municipality.complaint_address = "Fjordvik kommune\nKlageboks 7\n9990 Fjordvik"
    municipality.save()
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(
            application,
            case_handler,
            rule,
            plan="partly",
            coordinator="granted",
            facts="Ingrid Haugen får hjemmetjenester og fysioterapi.",
            considerations="Planen lages for hjemmetjenester og fysioterapi, ikke for NAV.",
            notified_on=datetime.date(2026, 11, 27),
        )
    return decision


def test_the_decision_letter_has_every_required_element(decided, municipality):
    text = flat(read_pdf(decided.letter))
    deadline = complaint_deadline(datetime.date(2026, 11, 27), 4)
    assert deadline == datetime.date(2026, 12, 28)  # Christmas moves it
    required = {
        "the decision": "Du får koordinator.",
        "the partial grant": "Søknaden om individuell plan er delvis innvilget.",
        "the plan's basis": "pasient- og brukerrettighetsloven § 2-5 og "
        "helse- og omsorgstjenesteloven § 7-1, jf. forskrift om individuell plan ved ytelse "
        "av velferdstjenester",
        "the coordinator's basis": "pasient- og brukerrettighetsloven § 2-5 b og "
        "helse- og omsorgstjenesteloven § 7-2, jf. forskrift om habilitering og "
        "rehabilitering og koordinator",
        "the coordinator's test": "komplekse eller langvarige og koordinerte",
        "forvaltningsloven IV and V do not apply": "Pasient- og brukerrettighetsloven § 2-7: "
        "Forvaltningsloven kapittel IV og V gjelder ikke",
        "the facts": "Ingrid Haugen får hjemmetjenester og fysioterapi.",
        "the main considerations": "Planen lages for hjemmetjenester og fysioterapi",
        "the right to complain": "Du har rett til å klage på vedtaket "
        "(pasient- og brukerrettighetsloven § 7-2).",
        "the complaint period and its law": "Klagefristen er 4 uker fra du mottok vedtaket "
        "eller burde ha fått vite om det (pasient- og brukerrettighetsloven § 7-5)",
        "the deadline date": "Fristen går ut 28. desember 2026.",
        "where to complain": "Klageboks 7 9990 Fjordvik",
        "who decides a complaint": "Statsforvalteren",
        "the right to see the documents": "(pasient- og brukerrettighetsloven § 5-1)",
        "the case number": decided.case.number,
        "the municipality": municipality.name,
        "the person": "Ingrid Haugen",
        "the handler": "Mona Lie",
    }
    for element, expected in required.items():
        assert expected in text, element
    assert "§ 2-5 c" not in text  # barnekoordinator was not asked for
    for wrong in ("forvaltningsloven §", "forskrift om individuell plan §", "3 uker"):
        assert wrong not in text, wrong


def test_the_letter_keeps_the_references_it_cites(decided):
    cited = {ref.code: ref.citation for ref in decided.letter.legal_references.all()}
    assert cited["right_to_coordinator"] == "pasient- og brukerrettighetsloven § 2-5 b"
    assert cited["complaint_deadline"] == "pasient- og brukerrettighetsloven § 7-5"
    assert {"right_to_plan", "fvl_not_applicable", "documents_access"} <= set(cited)
    assert "right_to_child_coordinator" not in cited


def test_the_letter_is_pdf_a_and_keeps_its_checksum(decided):
    with letter_open(decided.letter) as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == decided.letter.sha256
    xmp = PdfReader(io.BytesIO(data)).xmp_metadata
    assert xmp.get_element("", "http://www.aiim.org/pdfa/ns/id/", "part")


def test_the_general_three_week_rule_is_refused_for_these_rights(application, case_handler, rules):
    with pytest.raises(ValidationError) as refused:
        decide(application, case_handler, rules["fvl-29"])
    assert refused.value.message_dict["complaint_rule"] == [str(RULE_NOT_FOR_THESE_RIGHTS)]
    assert not Decision.objects.exists() and not Letter.objects.exists()
    application.refresh_from_db()
    assert application.is_open


def test_the_decision_form_offers_only_the_rights_acts_complaint_rule(
    client, case_handler, application, rules
):
    client.force_login(case_handler)
    page = client.get(reverse("casework:decision", args=[application.pk])).content.decode()
    assert "pasient- og brukerrettighetsloven § 7-5 (4 uker)" in page
    assert "3 uker" not in page and "forvaltningsloven § 29" not in page


def test_the_person_gets_it_in_the_inbox_and_an_email_without_content(
    client, decided, owner, django_capture_on_commit_callbacks
):
    (message,) = [m for m in mail.outbox if owner.email in m.to]
    body = message.body + message.subject
    for secret in ("hjemmetjenester", "fysioterapi", "individuell plan", "koordinator"):
        assert secret not in body.lower(), secret
    assert reverse("casework:letter", args=[decided.letter.pk]) in body
    client.force_login(owner)
    inbox = client.get(reverse("casework:my_cases"))
    assert decided.letter in inbox.context["letters"]
    response = client.get(reverse("casework:letter", args=[decided.letter.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    decided.letter.refresh_from_db()
    assert decided.letter.read_at is not None


def test_a_parent_gets_the_childs_letter(
    guardian, child, municipality, case_handler, rule, django_capture_on_commit_callbacks
):
    guardian.email = "lars@example.org"
    guardian.save()
    case = apply(child, municipality, by=guardian, coordinator=False)
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(case, case_handler, rule)
    assert OutboxMessage.objects.filter(recipient=guardian, kind="letter").exists()
    assert decision.letter.recipient == child


def test_strangers_and_coordinators_get_404(client, decided, stranger, coordinator):
    for user in (stranger, coordinator):
        client.force_login(user)
        assert client.get(reverse("casework:letter", args=[decided.letter.pk])).status_code == 404
        assert client.get(reverse("casework:my_case", args=[decided.case.pk])).status_code == 404


def test_reading_the_letter_as_a_case_handler_is_logged_for_the_person(
    client, decided, case_handler
):
    client.force_login(case_handler)
    client.get(reverse("casework:letter", args=[decided.letter.pk]))
    assert decided.case.access_log.filter(actor=case_handler, action="read").exists()
    decided.letter.refresh_from_db()
    assert decided.letter.read_at is None  # only the person's own reading counts


def test_letters_carry_the_deciding_municipalitys_details(other_municipality, rule):
    other_municipality.name = "Bakkeby kommune"
    other_municipality.coordinating_unit_name = "Koordinerende enhet, Helse og omsorg"
    other_municipality.address = "Rådhusveien 2"
    other_municipality.complaint_address = "Bakkeby kommune\nRådhusveien 2\n9991 Bakkeby"
    other_municipality.county_governor = "Statsforvalteren i Troms og Finnmark"
    other_municipality.save()
    hilde = staff("case_handler", other_municipality, username="hilde", first_name="Hilde")
    aud = with_national_id(UserFactory(first_name="Aud"), datetime.date(1990, 1, 17))
    case = apply(aud, other_municipality)
    text = flat(read_pdf(decide(case, hilde, rule).letter))
    assert "Bakkeby kommune" in text and "Rådhusveien 2" in text and "9991 Bakkeby" in text
    assert "Statsforvalteren i Troms og Finnmark" in text
    assert "Fjordvik" not in text and "Postboks 100" not in text


def test_the_interim_reply_letter_says_why_and_when(application, case_handler):
    expected = TODAY + datetime.timedelta(days=30)
    letter = interim_reply_send(
        case=application,
        expected_by=expected,
        reason="Vi venter på opplysninger fra fastlegen.",
        acting_user=case_handler,
    )
    text = flat(read_pdf(letter))
    assert "Vi venter på opplysninger fra fastlegen." in text
    assert expected.strftime("%Y") in text and "11 a" in text


def test_letters_are_not_shared_across_municipalities(client, decided):
    elsewhere = staff("case_handler", MunicipalityFactory(), username="hilde")
    client.force_login(elsewhere)
    assert client.get(reverse("casework:letter", args=[decided.letter.pk])).status_code == 404


@pytest.mark.parametrize(
    ("kind", "heading", "not_heading"),
    [
        ("application", "Hva du søkte om", "Hva meldingen om behov gjaldt"),
        ("referral", "Hva meldingen om behov gjaldt", "Hva du søkte om"),
    ],
)
def test_the_letter_says_what_was_asked_for_in_words_fitting_how_it_came(
    application, case_handler, rule, kind, heading, not_heading
):
    from casework.models import Case
    from casework.services.cases import decision_preview

    Case.objects.filter(pk=application.pk).update(kind=kind)
    application.refresh_from_db()
    html = decision_preview(
        case=application,
        acting_user=case_handler,
        plan_outcome="granted",
        coordinator_outcome="granted",
        child_coordinator_outcome="not_asked",
        facts="Fakta.",
        considerations="Vurdering.",
        complaint_rule=rule,
    )
    assert heading in html and not_heading not in html


def test_a_childs_letters_are_addressed_to_her_parents(
    guardian, child, municipality, case_handler, rule
):
    """Emma is 10: her letters go to both parents with parental responsibility and concern
    her; an adult's letter stays addressed to the adult (the decided fixture's tests)."""
    mother = UserFactory(first_name="Mari", last_name="Berg")
    represent(child, mother)
    case = apply(child, municipality, by=guardian, coordinator=False)
    interim = interim_reply_send(
        case=case,
        expected_by=TODAY + datetime.timedelta(days=20),
        reason="Vi venter på opplysninger fra skolen.",
        acting_user=case_handler,
    )
    decision = decide(case, case_handler, rule)
    for letter in (interim, decision.letter):
        text = flat(read_pdf(letter))
        assert "Til: Lars Berg, Mari Berg (foreldre med foreldreansvar for Emma)" in text
        assert "Gjelder: Emma Berg, født" in text
        assert "innboksen din" not in text
    assert "Emma får individuell plan." in flat(read_pdf(decision.letter))
    assert "Vi mottok søknaden deres" in flat(read_pdf(interim))


def test_an_adults_letter_is_addressed_to_her(decided):
    text = flat(read_pdf(decided.letter))
    assert "Til:" not in text and "Gjelder:" not in text
    assert "Levert i innboksen din i ipplan" in text
