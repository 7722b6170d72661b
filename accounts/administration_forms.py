"""Forms for the municipal administrator's pages. Each lists its fields; none of them reaches
a password, a national identity number or a representation."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, StaffMembership
from accounts.models.people import RETENTION_MAX_MONTHS
from accounts.validators import validate_phone


class MunicipalityChoice(forms.Form):
    """A municipality field among the administrator's own; hidden when there is only one."""

    municipality = forms.ModelChoiceField(label=_("Kommune"), queryset=None)

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        options = list(municipalities[:2])
        self.only_municipality = options[0] if len(options) == 1 else None
        if self.only_municipality is not None:
            del self.fields["municipality"]
        if "organisation" in self.fields:
            self.fields["organisation"].queryset = Organisation.objects.filter(
                municipality__in=municipalities, is_active=True
            ).order_by("name")

    def clean(self):
        data = super().clean()
        if self.only_municipality is not None:
            data["municipality"] = self.only_municipality
        return data


class RoleFields(forms.Form):
    role = forms.ChoiceField(label=_("Rolle"), choices=StaffMembership.Role.choices)
    organisation = forms.ModelChoiceField(label=_("Tjeneste"), queryset=None, required=False)
    title = forms.CharField(label=_("Stilling"), max_length=100, required=False)


class StaffCreateForm(MunicipalityChoice, RoleFields):
    first_name = forms.CharField(label=_("Fornavn"), max_length=150)
    last_name = forms.CharField(label=_("Etternavn"), max_length=150)
    username = forms.RegexField(
        label=_("Brukernavn"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text=_("Bokstaver, tall og . @ + - _"),
    )
    email = forms.EmailField(
        label=_("Jobb-e-post"),
        help_text=_("Den ansatte får en engangslenke hit for å velge passord selv."),
    )
    phone = forms.CharField(
        label=_("Mobil (jobb)"), max_length=20, required=False, validators=[validate_phone]
    )

    field_order = [
        "first_name",
        "last_name",
        "username",
        "email",
        "phone",
        "municipality",
        "role",
        "organisation",
        "title",
    ]


class RoleGrantForm(MunicipalityChoice, RoleFields):
    field_order = ["municipality", "role", "organisation", "title"]


class RoutinesForm(forms.Form):
    relay_log_own_consent = forms.BooleanField(
        label=_("Ungdom fra 15 år samtykker selv til sin stafettlogg"),
        required=False,
        help_text=_(
            "Kryss av hvis kommunens rutine er at ungdom fra 15 år samtykker selv, i stedet for "
            "foreldrene. Gjelder bare stafettlogg; for individuell plan gjelder lovens alder."
        ),
    )


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Navn"), max_length=150)
    kind = forms.ChoiceField(label=_("Type"), choices=Organisation.Kind.choices)
    phone = forms.CharField(
        label=_("Telefon"), max_length=20, required=False, validators=[validate_phone]
    )
    email = forms.EmailField(label=_("E-post"), required=False)


class OrganisationCreateForm(MunicipalityChoice, OrganisationForm):
    field_order = ["municipality", "name", "kind", "phone", "email"]


class RetentionForm(forms.Form):
    working_copy_months = forms.IntegerField(
        label=_("Arbeidskopien slettes etter (måneder etter avslutning)"),
        min_value=1,
        max_value=RETENTION_MAX_MONTHS,
    )
    access_log_months = forms.IntegerField(
        label=_("Tilgangsloggen slettes etter (måneder etter avslutning)"),
        min_value=1,
        max_value=RETENTION_MAX_MONTHS,
    )
