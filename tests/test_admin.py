"""Django admin: administrators with MFA, their own municipality only; no plan contents."""

import pytest
from django.urls import reverse

from accounts.models import Organisation
from tests.factories import OrganisationFactory, staff


def test_admin_needs_the_administrator_role(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("admin:index"), follow=True).status_code == 403


def test_anonymous_visitors_are_sent_to_the_one_login_with_mfa(client, db):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_an_administrator_sees_only_their_municipalitys_services(
    client, administrator, municipality, other_municipality
):
    mine = OrganisationFactory(municipality=municipality, name="Fjordvik skole")
    theirs = OrganisationFactory(municipality=other_municipality, name="Bakkeby skole")
    client.force_login(administrator)
    page = client.get(reverse("admin:accounts_organisation_changelist")).content.decode()
    assert mine.name in page and theirs.name not in page
    other = client.get(reverse("admin:accounts_organisation_change", args=[theirs.pk]))
    assert other.status_code in (302, 403, 404)
    assert Organisation.objects.get(pk=theirs.pk).name == "Bakkeby skole"


def test_plan_models_are_not_in_the_admin(client, administrator):
    client.force_login(administrator)
    page = client.get(reverse("admin:index")).content.decode()
    assert "/admin/plans/" not in page and "/admin/consent/" not in page
    assert client.get("/admin/plans/plan/").status_code == 404


@pytest.mark.django_db
def test_an_administrator_without_mfa_is_stopped(client, municipality):
    admin_user = staff("administrator", municipality, mfa=False)
    client.force_login(admin_user)
    assert client.get(reverse("admin:index"))["Location"] == reverse("accounts:mfa_required")
