"""Numbered cases in the coordinating unit's work queue: the queue and its filters,
assignment, assessment, interim replies, decisions and appointing a coordinator (intake is
test_intake.py)."""

from __future__ import annotations

import datetime
import re
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from casework.models import Case, CaseAccessLogEntry, Decision, Letter
from casework.services.cases import (
    assessment_save,
    case_assign,
    decision_appoint,
    decision_make,
    interim_reply_send,
)
from plans.models import Plan
from tests.casework.conftest import apply, decide
from tests.factories import staff

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _ago(days):
    return TODAY - datetime.timedelta(days=days)


# --- The work queue -------------------------------------------------------------------------


@pytest.fixture
def queue(owner, child, municipality, other_municipality, case_handler):
    old = apply(owner, municipality)
    Case.objects.filter(pk=old.pk).update(received_on=_ago(40))
    mine = apply(child, municipality, coordinator=False)
    case_assign(case=mine, to_user=case_handler, acting_user=case_handler)
    elsewhere = apply(owner, other_municipality)
    return {"old": old, "mine": mine, "elsewhere": elsewhere}


def _queue_numbers(client, **params):
    response = client.get(reverse("casework:case_queue"), params)
    assert response.status_code == 200
    return [c.pk for c in response.context["page_obj"]]


def test_the_queue_shows_the_municipalitys_open_cases_oldest_first(client, case_handler, queue):
    client.force_login(case_handler)
    assert _queue_numbers(client) == [queue["old"].pk, queue["mine"].pk]


def test_the_queue_filters(client, case_handler, queue):
    client.force_login(case_handler)
    assert _queue_numbers(client, assigned="mine") == [queue["mine"].pk]
    assert _queue_numbers(client, assigned="unassigned") == [queue["old"].pk]
    assert _queue_numbers(client, interim_due="on") == [queue["old"].pk]
    assert _queue_numbers(client, number=queue["mine"].number) == [queue["mine"].pk]
    assert _queue_numbers(client, status="assessing") == [queue["mine"].pk]
    assert _queue_numbers(client, kind="referral") == []


def _queue_cells(html: str) -> list[list[str]]:
    """The queue table's rows as the text of their cells."""
    body = html.split('<tbody role="rowgroup">', 1)[1].split("</tbody>", 1)[0]
    return [
        [" ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split()) for cell in cells]
        for cells in (
            re.findall(r'<td role="cell"[^>]*>(.*?)</td>', row, re.S)
            for row in re.findall(r'<tr role="row">(.*?)</tr>', body, re.S)
        )
    ]


def _queue_labels(html: str) -> tuple[list[str], list[str]]:
    """The queue table's column headers, and each row's cell labels (for narrow screens)."""
    head = re.findall(r'<th scope="col" role="columnheader">(.*?)</th>', html)
    labels = re.findall(r'<td role="cell" data-label="([^"]*)"', html)
    return head, labels


def test_the_queue_table_says_what_each_case_says_in_the_readers_language(
    client, case_handler, queue
):
    """The cells are worked out once per page (the queue_table tag): each must say
    what the case itself says, in Norwegian and in English."""
    client.force_login(case_handler)
    url = reverse("casework:case_queue")
    old, mine = Case.objects.get(pk=queue["old"].pk), Case.objects.get(pk=queue["mine"].pk)
    page = client.get(url)
    assert _queue_cells(page.content.decode()) == [
        [
            case.number,
            case.person.display_name,
            case.get_kind_display(),
            case.received_on.strftime("%d.%m.%Y") + tag,
            case.get_status_display(),
            case.assigned_to.display_name if case.assigned_to else "–",
        ]
        for case, tag in ((old, " foreløpig svar"), (mine, ""))
    ]
    assert f'href="{reverse("casework:case", args=[old.pk])}"' in page.content.decode()
    # what people typed is escaped
    User.objects.filter(pk=old.person_id).update(first_name="<b>Ola</b>")
    escaped = client.get(url).content.decode()
    assert "&lt;b&gt;Ola&lt;/b&gt;" in escaped and "<b>Ola" not in escaped
    client.cookies["django_language"] = "en"
    english = _queue_cells(client.get(url).content.decode())
    assert [row[2] for row in english] == ["Application", "Application"]
    assert [row[4] for row in english] == ["Received", "Being assessed"]
    assert english[0][3].endswith("interim reply")
    # each column's header and the label its cells carry on a narrow screen say the same
    for language, columns in (
        ("nb", ["Saksnummer", "Gjelder", "Type", "Mottatt", "Status", "Saksbehandler"]),
        ("en", ["Case number", "Regarding", "Type", "Received", "Status", "Case handler"]),
    ):
        client.cookies["django_language"] = language
        head, labels = _queue_labels(client.get(url).content.decode())
        assert head == columns
        assert labels == columns * 2


def test_the_queue_marks_cases_owing_an_interim_reply(client, case_handler, queue):
    client.force_login(case_handler)
    response = client.get(reverse("casework:case_queue"))
    assert response.context["interim_due_ids"] == {queue["old"].pk}
    page = client.get(reverse("casework:case", args=[queue["old"].pk])).content.decode()
    assert "forvaltningsloven § 11 a" in page


def test_an_invalid_queue_filter_falls_back_to_the_default(client, case_handler, queue):
    client.force_login(case_handler)
    assert _queue_numbers(client, status="nonsense", page="x") == [
        queue["old"].pk,
        queue["mine"].pk,
    ]


def test_only_case_handlers_reach_the_queue(client, coordinator, owner, queue):
    for user in (coordinator, owner):
        client.force_login(user)
        assert client.get(reverse("casework:case_queue")).status_code == 404


def test_assigning_a_case(client, case_handler, municipality, queue):
    colleague = staff("case_handler", municipality, username="tone", first_name="Tone")
    client.force_login(case_handler)
    client.post(reverse("casework:case_assign", args=[queue["old"].pk]), {"to_user": colleague.pk})
    queue["old"].refresh_from_db()
    assert queue["old"].assigned_to == colleague and queue["old"].status == "assessing"


def test_a_case_cannot_be_assigned_to_someone_outside_the_unit(coordinator, case_handler, queue):
    with pytest.raises(ValidationError):
        case_assign(case=queue["old"], to_user=coordinator, acting_user=case_handler)
    queue["old"].refresh_from_db()
    assert queue["old"].assigned_to is None


# --- Assessment, interim reply, decision ------------------------------------------------------


def test_the_assessment_checklist_is_saved_and_shown(client, case_handler, application):
    client.force_login(case_handler)
    response = client.post(
        reverse("casework:assessment", args=[application.pk]),
        {
            "long_term": "on",
            "two_or_more_services": "on",
            "seen_together": "on",
            "consent_present": "on",
            "reasons": "Fire tjenester over lang tid.",
        },
    )
    assert response.status_code == 302
    assessment = application.assessment
    assert assessment.right_to_plan and not assessment.right_to_child_coordinator
    page = client.get(reverse("casework:decision", args=[application.pk])).content.decode()
    assert "vilkårene for individuell plan ser ut til å være oppfylt" in page


def test_an_interim_reply_is_a_letter_in_the_inbox(client, case_handler, application, owner):
    Case.objects.filter(pk=application.pk).update(received_on=_ago(35))
    client.force_login(case_handler)
    response = client.post(
        reverse("casework:interim_reply", args=[application.pk]),
        {"expected_by": (TODAY + datetime.timedelta(days=21)).isoformat(), "reason": "Vi venter"},
    )
    assert response.status_code == 302
    letter = Letter.objects.get(case=application)
    assert letter.kind == "interim" and letter.recipient == owner
    application.refresh_from_db()
    assert application.interim_reply_sent_on == TODAY
    assert client.get(reverse("casework:case_queue")).context["interim_due_ids"] == set()


def test_the_interim_reply_button_says_it_sends_a_letter(client, case_handler, application):
    client.force_login(case_handler)
    page = client.get(reverse("casework:interim_reply", args=[application.pk])).content.decode()
    assert ">Send foreløpig svar</button>" in " ".join(page.split()).replace("> ", ">").replace(
        " <", "<"
    )


def test_a_decided_case_stays_in_the_queue_until_a_coordinator_is_appointed(
    client, case_handler, application, rule, trained
):
    decision = decide(application, case_handler, rule)
    client.force_login(case_handler)
    assert _queue_numbers(client) == [application.pk]
    assert (
        "koordinator ikke oppnevnt" in client.get(reverse("casework:case_queue")).content.decode()
    )
    decision_appoint(
        decision=decision,
        coordinator=trained.user,
        override_reason="",
        create_plan=True,
        acting_user=case_handler,
    )
    assert _queue_numbers(client) == []


def test_a_refused_case_leaves_the_queue_when_decided(client, case_handler, application, rule):
    decide(application, case_handler, rule, plan="refused", coordinator="refused")
    client.force_login(case_handler)
    assert _queue_numbers(client) == []


def test_an_unassigned_case_says_so_apart_from_the_choice(client, case_handler, application):
    client.force_login(case_handler)
    page = client.get(reverse("casework:case", args=[application.pk])).content.decode()
    assert "ingen ennå (ikke tildelt)" in page and "Tildel saken til" in page
    case_assign(case=application, to_user=case_handler, acting_user=case_handler)
    page = client.get(reverse("casework:case", args=[application.pk])).content.decode()
    assert f"<strong>{case_handler.display_name}</strong>" in page
    assert "ingen ennå" not in page


def test_an_interim_reply_needs_a_future_date(client, case_handler, application):
    client.force_login(case_handler)
    response = client.post(
        reverse("casework:interim_reply", args=[application.pk]),
        {"expected_by": TODAY.isoformat(), "reason": "Vi venter"},
    )
    assert response.status_code == 400
    assert not Letter.objects.exists()


def _decision_post(rule, **extra):
    return {
        "plan_outcome": "granted",
        "coordinator_outcome": "granted",
        "child_coordinator_outcome": "not_asked",
        "facts": "Fakta om <Ingrid>",
        "considerations": "Vurdering",
        "complaint_rule": rule.pk,
        "notified_on": TODAY.isoformat(),
        **extra,
    }


def test_a_decision_is_previewed_as_its_letter_before_anything_is_sent(
    client, case_handler, application, rule
):
    client.force_login(case_handler)
    url = reverse("casework:decision", args=[application.pk])
    response = client.post(url, _decision_post(rule))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Se over vedtaksbrevet" in page and "Du får individuell plan." in page
    assert "Fakta om &lt;Ingrid&gt;" in page and "Fakta om <Ingrid>" not in page
    assert 'name="confirm"' in page
    assert not Decision.objects.exists() and not Letter.objects.exists()
    response = client.post(url, _decision_post(rule, edit="1"))
    assert response.status_code == 200 and "Se over brevet" in response.content.decode()
    assert not Decision.objects.exists()


def test_a_decision_makes_a_letter_and_asks_to_appoint(client, case_handler, application, rule):
    client.force_login(case_handler)
    response = client.post(
        reverse("casework:decision", args=[application.pk]), _decision_post(rule, confirm="1")
    )
    decision = Decision.objects.get()
    assert response["Location"] == reverse("casework:appoint", args=[application.pk, decision.pk])
    application.refresh_from_db()
    assert application.status == "decided" and application.decided_on == TODAY
    assert decision.letter.kind == "decision"
    assert "§ 2-5" in decision.legal_basis and "§ 7-1" in decision.legal_basis


def test_a_decision_must_answer_exactly_what_was_asked(case_handler, owner, municipality, rule):
    case = apply(owner, municipality, coordinator=False)
    for plan, coordinator in (("granted", "refused"), ("not_asked", "not_asked")):
        with pytest.raises(ValidationError):
            decision_make(
                case=case,
                plan_outcome=plan,
                coordinator_outcome=coordinator,
                child_coordinator_outcome="not_asked",
                facts="f",
                considerations="c",
                complaint_rule=rule,
                acting_user=case_handler,
            )
    assert not Decision.objects.exists()


def test_a_decision_form_with_missing_reasons_changes_nothing(client, case_handler, application):
    client.force_login(case_handler)
    response = client.post(
        reverse("casework:decision", args=[application.pk]),
        {"plan_outcome": "granted", "coordinator_outcome": "granted", "facts": ""},
    )
    assert response.status_code == 400
    assert not Decision.objects.exists() and not Letter.objects.exists()


def test_a_refusal_does_not_ask_to_appoint(client, case_handler, application, rule):
    decision = decide(application, case_handler, rule, plan="refused", coordinator="refused")
    with pytest.raises(ValidationError):
        decision_appoint(
            decision=decision,
            coordinator=case_handler,
            override_reason="",
            create_plan=True,
            acting_user=case_handler,
        )


# --- Appointing the coordinator and creating the plan -----------------------------------------


def test_appointing_from_the_registry_creates_the_draft_plan(
    client, case_handler, application, rule, trained, coordinator, owner
):
    decision = decide(application, case_handler, rule)
    client.force_login(case_handler)
    page = client.get(reverse("casework:appoint", args=[application.pk, decision.pk]))
    assert "Kari fra hjemmetjenesten" in page.content.decode()  # the person's wish
    response = client.post(
        reverse("casework:appoint", args=[application.pk, decision.pk]),
        {"coordinator": coordinator.pk, "create_plan": "on"},
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    plan = decision.plan
    assert decision.appointed_coordinator == coordinator
    assert (plan.owner, plan.coordinator, plan.status) == (owner, coordinator, Plan.Status.DRAFT)
    assert plan.municipality == application.municipality


def test_an_untrained_coordinator_needs_a_reason(case_handler, application, rule, untrained):
    decision = decide(application, case_handler, rule)
    with pytest.raises(ValidationError) as refused:
        decision_appoint(
            decision=decision,
            coordinator=untrained.user,
            override_reason=" ",
            create_plan=False,
            acting_user=case_handler,
        )
    assert "override_reason" in refused.value.message_dict
    decision_appoint(
        decision=decision,
        coordinator=untrained.user,
        override_reason="Eneste med kjennskap til familien; kurs i mars.",
        create_plan=False,
        acting_user=case_handler,
    )
    decision.refresh_from_db()
    assert decision.untrained_override_reason.startswith("Eneste")


def test_only_registered_coordinators_can_be_appointed(
    case_handler, application, rule, coordinator, trained, other_coordinator
):
    decision = decide(application, case_handler, rule)
    for somebody in (case_handler, other_coordinator):
        with pytest.raises(ValidationError):
            decision_appoint(
                decision=decision,
                coordinator=somebody,
                override_reason="",
                create_plan=True,
                acting_user=case_handler,
            )
    assert not Plan.objects.exists()


def test_a_barnekoordinator_must_be_able_to_be_one(
    case_handler, guardian, child, municipality, rule, untrained
):
    untrained.trained_on = datetime.date(2025, 1, 1)
    untrained.save()
    case = apply(child, municipality, by=guardian, coordinator=False, child=True)
    decision = decide(case, case_handler, rule, child="granted")
    with pytest.raises(ValidationError):
        decision_appoint(
            decision=decision,
            coordinator=untrained.user,
            override_reason="",
            create_plan=False,
            acting_user=case_handler,
        )


def test_a_returned_case_gets_a_new_decision_not_a_second_first_one(
    case_handler, application, rule
):
    decide(application, case_handler, rule, plan="refused", coordinator="refused")
    Case.objects.filter(pk=application.pk).update(status=Case.Status.ASSESSING)
    again = decide(application, case_handler, rule)
    assert again.kind == Decision.Kind.AFTER_COMPLAINT
    assert application.decisions.count() == 2


def test_the_case_log_records_who_did_what(case_handler, application, rule):
    assessment_save(
        case=application,
        acting_user=case_handler,
        long_term=True,
        two_or_more_services=True,
        seen_together=True,
        consent_present=True,
        child_under_18=False,
        serious_condition=False,
        parents_want_it=False,
        reasons="",
    )
    decide(application, case_handler, rule)
    actions = list(
        CaseAccessLogEntry.objects.filter(case=application)
        .order_by("at", "pk")
        .values_list("action", "what")
    )
    assert actions[0] == ("create", "Søknad")
    assert ("update", "Vurdering") in actions
    assert ("letter", "Vedtak om individuell plan og koordinator") in actions


def test_interim_reply_is_only_for_open_cases(case_handler, application, rule):
    decide(application, case_handler, rule)
    with pytest.raises(ValidationError):
        interim_reply_send(
            case=application,
            expected_by=TODAY + datetime.timedelta(days=5),
            reason="x",
            acting_user=case_handler,
        )


def test_once_the_plan_exists_a_new_coordinator_is_a_handover(
    client, case_handler, application, rule, trained, coordinator, untrained
):
    decision = decide(application, case_handler, rule)
    decision_appoint(
        decision=decision,
        coordinator=coordinator,
        override_reason="",
        create_plan=True,
        acting_user=case_handler,
    )
    with pytest.raises(ValidationError):
        decision_appoint(
            decision=decision,
            coordinator=untrained.user,
            override_reason="Bytte",
            create_plan=False,
            acting_user=case_handler,
        )
    client.force_login(case_handler)
    url = reverse("casework:appoint", args=[application.pk, decision.pk])
    page = client.post(url, {"coordinator": untrained.user.pk, "override_reason": "Bytte"})
    assert "overlevering i planen" in page.content.decode()
    decision.refresh_from_db()
    assert decision.appointed_coordinator == coordinator and Plan.objects.count() == 1


def test_the_coordinator_must_be_chosen(client, case_handler, application, rule, trained):
    decision = decide(application, case_handler, rule)
    client.force_login(case_handler)
    url = reverse("casework:appoint", args=[application.pk, decision.pk])
    assert "Velg koordinator" in client.get(url).content.decode()
    response = client.post(url, {"coordinator": "", "create_plan": "on"})
    assert response.status_code == 400 and not Plan.objects.exists()
