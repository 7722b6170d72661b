"""Who acts for whom is made only by services that record the basis, write the security log
and tell the person and the other parent; the person sees it on their profile (issue 9,
point 1). A proxy is in force only once the person confirmed it; an ended representation
gives no access on the next request."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import representations as services
from accounts.models import OutboxMessage, Representation, SecurityEvent, User
from accounts.roles import represented_people_ids
from tests.factories import PlanFactory, UserFactory, staff, synthetic_national_id
from tests.plans.conftest import MINIMAL_PDF

Kind = Representation.Kind
BasisKind = Representation.BasisKind
Event = SecurityEvent.Kind


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


@pytest.fixture
def mother(municipality):
    """Mari: Emma's mother, registered from the population register in the tests."""
    return UserFactory(
        username="mari", first_name="Mari", last_name="Berg", home_municipality=municipality
    )


@pytest.fixture
def father(municipality):
    """Lars, without any registration yet (unlike the `guardian` persona)."""
    return UserFactory(
        username="larsb", first_name="Lars", last_name="Berg", home_municipality=municipality
    )


@pytest.fixture
def bakkeby_child(other_municipality):
    from tests.factories import with_national_id

    user = UserFactory(username="ola", home_municipality=other_municipality)
    return with_national_id(user, datetime.date(2018, 5, 5))


@pytest.fixture
def bakkeby_handler(other_municipality):
    return staff("case_handler", other_municipality, username="hilde")


def pdf(name="attest.pdf"):
    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


def register_parent(child, parent, handler, **kw):
    return services.representation_parent_register(
        person=child,
        parent=parent,
        other_parent_name=kw.pop("other_parent_name", "Mari Berg"),
        other_parent=kw.pop("other_parent", None),
        basis_kind=kw.pop("basis_kind", BasisKind.POPULATION_REGISTER),
        document_reference=kw.pop("document_reference", "Folkeregisteret 2026-11-30"),
        acting_user=handler,
        **kw,
    )


# --- Parents -----------------------------------------------------------------------------------


def test_it_registers_a_parent_with_both_parents_named_logs_and_tells_the_other_parent(
    child, father, mother, case_handler
):
    representation = register_parent(child, father, case_handler, other_parent=mother)
    assert representation.basis_kind == BasisKind.POPULATION_REGISTER
    assert representation.other_parent_name == "Mari Berg"
    assert representation.created_by == case_handler
    assert child.pk in represented_people_ids(father)
    event = SecurityEvent.objects.get(kind=Event.REPRESENTATION_CREATED)
    assert (event.user, event.actor) == (child, case_handler)
    told = set(
        OutboxMessage.objects.filter(kind="representation_created").values_list(
            "recipient__username", flat=True
        )
    )
    assert {"emma", "mari", "larsb"} <= told
    message = OutboxMessage.objects.filter(recipient=mother).get()
    assert message.link == reverse("accounts:profile")  # content-free: only a link


def test_it_tells_a_parent_already_registered_when_another_is_added(
    child, guardian, mother, case_handler
):
    register_parent(child, mother, case_handler, other_parent_name="Lars Berg")
    assert OutboxMessage.objects.filter(recipient=guardian, kind="representation_created")


def test_a_birth_certificate_is_stored_privately(child, father, case_handler, tmp_path):
    representation = register_parent(
        child, father, case_handler, basis_kind=BasisKind.BIRTH_CERTIFICATE, document=pdf()
    )
    assert representation.document.startswith("representations/")
    assert (tmp_path / representation.document).read_bytes() == MINIMAL_PDF
    assert representation.document_name == "attest.pdf"


def test_both_parents_must_be_named_and_a_reference_given(child, father, case_handler):
    with pytest.raises(ValidationError) as error:
        register_parent(child, father, case_handler, other_parent_name=" ")
    assert error.value.messages == [str(services.BOTH_PARENTS_NAMED)]
    with pytest.raises(ValidationError):
        register_parent(child, father, case_handler, document_reference="")
    assert not Representation.objects.exists()


def test_parents_are_not_registered_for_someone_who_decides_alone(owner, father, case_handler):
    with pytest.raises(ValidationError) as error:
        register_parent(owner, father, case_handler)
    assert error.value.messages == [str(services.PARENT_ONLY_FOR_CHILDREN)]


@pytest.mark.parametrize("actor", ["administrator", "coordinator", "bakkeby_handler", "father"])
def test_only_a_case_handler_in_the_persons_municipality_registers(request, child, father, actor):
    with pytest.raises(PermissionDenied):
        register_parent(child, father, request.getfixturevalue(actor))
    assert not Representation.objects.exists()
    assert not SecurityEvent.objects.filter(kind=Event.REPRESENTATION_CREATED).exists()


def test_a_case_handler_cannot_register_himself(child, case_handler):
    with pytest.raises(ValidationError) as error:
        register_parent(child, case_handler, case_handler)
    assert error.value.messages == [str(services.NOT_YOURSELF)]


def test_another_municipalitys_handler_cannot_reach_fjordvik_and_vice_versa(
    bakkeby_child, father, case_handler
):
    with pytest.raises(PermissionDenied):
        register_parent(bakkeby_child, father, case_handler)


# --- Verges ------------------------------------------------------------------------------------


def test_a_verge_needs_the_statsforvalterens_appointment(owner, father, case_handler):
    kwargs = {
        "person": owner,
        "guardian": father,
        "document_reference": "SF 2026/1234",
        "valid_from": datetime.date(2026, 1, 1),
        "acting_user": case_handler,
    }
    with pytest.raises(ValidationError) as error:
        services.representation_guardian_register(appointment=None, **kwargs)
    assert error.value.messages == [str(services.APPOINTMENT_NEEDED)]
    verge = services.representation_guardian_register(appointment=pdf("oppnevning.pdf"), **kwargs)
    assert verge.basis_kind == BasisKind.GUARDIANSHIP_APPOINTMENT and verge.document
    assert owner.pk in represented_people_ids(father)
    assert OutboxMessage.objects.filter(recipient=owner, kind="representation_created")


# --- Proxies the person chose ---------------------------------------------------------------


@pytest.fixture
def proposed(owner, father, case_handler):
    return services.representation_proxy_propose(
        person=owner, proxy=father, document_reference="Fullmakt 1.12", acting_user=case_handler
    )


def test_a_proxy_is_not_in_force_until_the_owner_confirms(client, owner, father, proposed, plan):
    assert owner.pk not in represented_people_ids(father)
    client.force_login(father)
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 404
    assert OutboxMessage.objects.filter(recipient=owner, kind="representation_proposed")

    client.force_login(owner)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Lars Berg" in page and "venter på bekreftelse" in page
    client.post(reverse("accounts:representation_confirm", args=[proposed.pk]))
    proposed.refresh_from_db()
    assert proposed.confirmed_by == owner and proposed.confirmed_at is not None
    assert SecurityEvent.objects.filter(kind=Event.REPRESENTATION_CONFIRMED, user=owner)
    client.force_login(father)
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 200


@pytest.mark.parametrize("who", ["father", "case_handler", "administrator", "stranger"])
def test_nobody_but_the_owner_confirms_a_proxy(client, request, proposed, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("accounts:representation_confirm", args=[proposed.pk]))
    assert response.status_code == 404
    proposed.refresh_from_db()
    assert proposed.confirmed_at is None


def test_a_child_cannot_be_given_a_proxy(child, father, case_handler):
    with pytest.raises(ValidationError):
        services.representation_proxy_propose(person=child, proxy=father, acting_user=case_handler)


def test_the_owner_can_decline_or_end_a_proxy(client, owner, father, proposed):
    client.force_login(owner)
    client.post(reverse("accounts:representation_end", args=[proposed.pk]))
    proposed.refresh_from_db()
    assert proposed.ended_by == owner
    assert owner.pk not in represented_people_ids(father)


# --- Ending ------------------------------------------------------------------------------------


def test_an_ended_representation_gives_no_access_on_the_next_request(
    client, child, guardian, child_plan, case_handler
):
    client.force_login(guardian)
    assert client.get(reverse("plans:detail", args=[child_plan.pk])).status_code == 200
    services.representation_end(
        representation=Representation.objects.get(person=child), acting_user=case_handler
    )
    assert client.get(reverse("plans:detail", args=[child_plan.pk])).status_code == 404
    event = SecurityEvent.objects.get(kind=Event.REPRESENTATION_ENDED)
    assert (event.user, event.actor) == (child, case_handler)
    assert OutboxMessage.objects.filter(recipient=guardian, kind="representation_ended")


def test_a_parent_cannot_end_the_registration_himself(child, guardian):
    with pytest.raises(PermissionDenied):
        services.representation_end(
            representation=Representation.objects.get(person=child), acting_user=guardian
        )


# --- Visible to the person ----------------------------------------------------------------------


def test_the_person_sees_who_acts_for_them_on_what_basis_and_since_when(
    client, child, father, mother, case_handler
):
    register_parent(child, father, case_handler, other_parent=mother)
    client.force_login(child)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Lars Berg" in page and "Folkeregisteret" in page and "20. februar 2016" in page
    assert "Mona Lie" in page  # who registered it


def test_the_other_parent_sees_the_registration_on_their_profile(
    client, child, father, mother, case_handler
):
    register_parent(child, mother, case_handler, other_parent_name="Lars Berg")
    register_parent(child, father, case_handler, other_parent_name="Mari Berg")
    client.force_login(mother)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Emma Berg" in page and "Lars Berg (Foresatt" in page


# --- The coordinating unit's pages ------------------------------------------------------------


def test_a_case_handler_registers_a_parent_in_the_app(client, case_handler, municipality):
    client.force_login(case_handler)
    url = reverse("casework:representation_create", args=["parent"])
    assert client.get(url).status_code == 200
    child_id = synthetic_national_id(datetime.date(2019, 3, 3))
    parent_id = synthetic_national_id(datetime.date(1988, 8, 8))
    response = client.post(
        url,
        {
            "person_national_id": child_id,
            "person_first_name": "Mia",
            "person_last_name": "Lund",
            "representative_national_id": parent_id,
            "representative_first_name": "Per",
            "representative_last_name": "Lund",
            "other_parent_first_name": "Kari",
            "other_parent_last_name": "Lund",
            "basis_kind": "birth_certificate",
            "document_reference": "Fødselsattest 2019",
            "document": pdf(),
        },
    )
    representation = Representation.objects.get()
    assert response["Location"] == reverse("casework:representation", args=[representation.pk])
    assert representation.person.home_municipality == municipality
    assert representation.other_parent_name == "Kari Lund"
    assert client.get(reverse("casework:representations")).status_code == 200
    detail = client.get(response["Location"]).content.decode()
    assert "Fødselsattest 2019" in detail
    download = client.get(reverse("casework:representation_document", args=[representation.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]


def test_a_bad_form_changes_nothing(client, case_handler):
    client.force_login(case_handler)
    url = reverse("casework:representation_create", args=["guardian"])
    response = client.post(url, {"person_national_id": "123", "document_reference": ""})
    assert response.status_code == 400
    assert not Representation.objects.exists()


@pytest.mark.parametrize(
    "persona", ["administrator", "coordinator", "professional", "stranger", "owner", "guardian"]
)
def test_only_case_handlers_reach_the_representation_pages(client, request, persona, child):
    representation = Representation.objects.create(
        person=child,
        representative=UserFactory(),
        kind=Kind.PARENT,
        basis="x",
        basis_kind=BasisKind.POPULATION_REGISTER,
        valid_from=datetime.date(2020, 1, 1),
    )
    client.force_login(request.getfixturevalue(persona))
    before = Representation.objects.count()
    urls = [
        reverse("casework:representations"),
        reverse("casework:representation", args=[representation.pk]),
        reverse("casework:representation_document", args=[representation.pk]),
        *(reverse("casework:representation_create", args=[k]) for k in Kind.values),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code in (404, 405), url
    end = reverse("casework:representation_end", args=[representation.pk])
    assert client.post(end).status_code == 404
    representation.refresh_from_db()
    assert representation.ended_at is None
    assert Representation.objects.count() == before


def test_a_handler_in_another_municipality_gets_404(client, bakkeby_handler, child, guardian):
    representation = Representation.objects.get(person=child)
    client.force_login(bakkeby_handler)
    assert (
        client.get(reverse("casework:representation", args=[representation.pk])).status_code == 404
    )
    assert (
        client.post(reverse("casework:representation_end", args=[representation.pk])).status_code
        == 404
    )


# --- Existing rows ------------------------------------------------------------------------------


def test_the_data_migration_gives_existing_rows_a_basis_and_keeps_proxies_in_force(owner, child):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("accounts.migrations.0005_representation_basis")
    proxy_user, parent_user = UserFactory(), UserFactory()
    for person, rep, kind in ((owner, proxy_user, Kind.PROXY), (child, parent_user, Kind.PARENT)):
        Representation.objects.create(
            person=person, representative=rep, kind=kind, basis="x", valid_from="2020-01-01"
        )
    migration.basis_for_existing_rows(apps, None)
    assert Representation.objects.get(kind=Kind.PROXY).basis_kind == BasisKind.OWNER_CHOICE
    assert Representation.objects.get(kind=Kind.PARENT).basis_kind == BasisKind.POPULATION_REGISTER
    assert owner.pk in represented_people_ids(proxy_user)
    assert child.pk in represented_people_ids(parent_user)
    assert PlanFactory  # plans still load with the new fields


@pytest.mark.parametrize("kind", ["parent", "guardian", "proxy"])
def test_the_unit_has_a_form_for_each_kind_and_a_menu_entry(client, case_handler, kind):
    client.force_login(case_handler)
    page = client.get(reverse("casework:representation_create", args=[kind]))
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()
    assert reverse("casework:representations") in client.get(reverse("home")).content.decode()
    assert client.get(reverse("casework:representation_create", args=["boss"])).status_code == 404


def _represented_by_the_orm(user, day):
    """represented_people_ids as the ORM said it before issue 14: the oracle of the query
    written by hand."""
    from accounts.roles import parent_role_has_ended

    return frozenset(
        Representation.objects.in_force(day)
        .filter(representative=user)
        .exclude(parent_role_has_ended(day))
        .values_list("person_id", flat=True)
    )


def test_the_people_one_acts_for_are_those_the_orm_rule_gives(owner):
    """Every kind, in every state (not yet valid, valid from today, valid until yesterday or
    today, ended, a proxy not yet confirmed), for people of every age around the ages of
    consent and of 18, and of unknown age, on ordinary days and around 29 February."""
    from django.utils import timezone

    representative = UserFactory(username="representerer")
    day = datetime.date(2028, 2, 29)
    births = [None, datetime.date(2018, 5, 1)]
    for years in (16, 18):
        for shift in (-1, 0, 1):
            births.append(datetime.date(2028 - years, 2, 28) + datetime.timedelta(days=shift))
    one_day = datetime.timedelta(days=1)
    states = [
        {"valid_from": day + one_day},
        {"valid_from": day},
        {"valid_from": day - 10 * one_day, "valid_until": day - one_day},
        {"valid_from": day - 10 * one_day, "valid_until": day},
        {"valid_from": day - 10 * one_day, "ended_at": timezone.now()},
        {"valid_from": day - 10 * one_day, "confirmed_at": None},
        {"valid_from": day - 10 * one_day, "valid_until": day + one_day},
    ]
    rows = []
    # One representation a person, so that no other kind hides what a rule decides.
    cases = [(b, s, k) for b in births for s in states for k in Representation.Kind.values]
    people = User.objects.bulk_create(
        [User(username=f"person-{i}", birth_date=birth) for i, (birth, _s, _k) in enumerate(cases)]
    )
    for person, (_birth, state, kind) in zip(people, cases, strict=True):
        confirmed = {"confirmed_at": timezone.now()} if kind == "proxy" else {}
        rows.append(
            Representation(
                person=person,
                representative=representative,
                kind=kind,
                basis="test",
                **{**confirmed, **state},
            )
        )
    Representation.objects.bulk_create(rows)
    compared = 0
    for on in (day, day - one_day, day + one_day, datetime.date(2027, 6, 15)):
        ours = represented_people_ids(representative, on=on)
        assert ours == _represented_by_the_orm(representative, on), on
        compared += len(ours)
    assert compared > 100
    assert represented_people_ids(owner, on=day) == frozenset()
