"""The loaders for the coordinating unit's objects: the case (or a letter or decision in it)
and the user's access to the case, or 404. The access question itself is the policy's
(consent.policy.case_access_or_404); views load these objects only through here."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from casework.models import Case, Decision, Letter
from casework.services.expected import may_link
from consent.policy import CaseAccess, case_access_or_404


def _access(user, case: Case, *, handler_only: bool) -> CaseAccess:
    access = case_access_or_404(
        user, municipality_id=case.municipality_id, person_id=case.person_id
    )
    if handler_only and not access.can_handle:
        raise Http404
    return access


def case_and_access_or_404(
    user, case_id: int, *, handler_only: bool = False
) -> tuple[Case, CaseAccess]:
    """`handler_only`: the coordinating unit's pages, never the person's side."""
    case = get_object_or_404(
        Case.objects.select_related("municipality", "person", "assigned_to"), pk=case_id
    )
    return case, _access(user, case, handler_only=handler_only)


def decision_and_access_or_404(user, case_id: int, decision_id: int) -> tuple[Decision, CaseAccess]:
    case, access = case_and_access_or_404(user, case_id, handler_only=True)
    decision = get_object_or_404(Decision.objects.select_related("case"), pk=decision_id, case=case)
    return decision, access


def letter_and_access_or_404(user, letter_id: int) -> tuple[Letter, CaseAccess]:
    letter = get_object_or_404(Letter.objects.select_related("case"), pk=letter_id)
    return letter, _access(user, letter.case, handler_only=False)


def expected_child_and_case_or_404(user, child_id: int) -> tuple[User, Case]:
    """An expected child's record (not yet linked to an identity number) and its case, for
    those who may link it (casework.services.expected.may_link); 404 for anyone else, and for
    a child already linked."""
    child = get_object_or_404(User, pk=child_id, national_id_digest__isnull=True)
    case = Case.objects.filter(person=child, expected_on__isnull=False).order_by("pk").first()
    if case is None or not may_link(user, child):
        raise Http404
    return child, case
