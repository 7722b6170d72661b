"""The coordinating unit's forms for registering who acts for a person. Each lists its
fields; people are named by their national identity number, as on a paper application."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import national_id
from accounts.models import Representation
from plans.forms import date_field

BasisKind = Representation.BasisKind
UPLOAD_HELP = _("PDF, PNG eller JPG, høyst 10 MB.")


def _national_id_field(label):
    return forms.CharField(label=label, max_length=13)


class RepresentationForm(forms.Form):
    """The person, the representative, and the document the registration rests on."""

    municipality = forms.ModelChoiceField(label=_("Kommune"), queryset=None)
    person_national_id = _national_id_field(_("Personens fødselsnummer eller D-nummer"))
    person_first_name = forms.CharField(
        label=_("Personens fornavn"), max_length=150, required=False
    )
    person_last_name = forms.CharField(
        label=_("Personens etternavn"), max_length=150, required=False
    )
    representative_national_id = _national_id_field(
        _("Representantens fødselsnummer eller D-nummer")
    )
    representative_first_name = forms.CharField(
        label=_("Representantens fornavn"), max_length=150, required=False
    )
    representative_last_name = forms.CharField(
        label=_("Representantens etternavn"), max_length=150, required=False
    )
    document_reference = forms.CharField(
        label=_("Dokumentreferanse"),
        max_length=100,
        help_text=_("F.eks. saksnummeret hos Statsforvalteren eller folkeregisteroppslaget."),
    )
    document = forms.FileField(label=_("Dokument"), required=False, help_text=UPLOAD_HELP)

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        options = list(municipalities[:2])
        self.only_municipality = options[0] if len(options) == 1 else None
        if self.only_municipality is not None:
            del self.fields["municipality"]

    def clean_person_national_id(self):
        return national_id.parse(self.cleaned_data["person_national_id"]).value

    def clean_representative_national_id(self):
        return national_id.parse(self.cleaned_data["representative_national_id"]).value

    def clean(self):
        data = super().clean()
        if self.only_municipality is not None:
            data["municipality"] = self.only_municipality
        return data


class ParentForm(RepresentationForm):
    basis_kind = forms.ChoiceField(
        label=_("Grunnlag for foreldreansvaret"),
        choices=[
            (BasisKind.POPULATION_REGISTER, BasisKind.POPULATION_REGISTER.label),
            (BasisKind.BIRTH_CERTIFICATE, BasisKind.BIRTH_CERTIFICATE.label),
        ],
        widget=forms.RadioSelect,
    )
    other_parent_first_name = forms.CharField(
        label=_("Den andre forelderens fornavn"), max_length=150
    )
    other_parent_last_name = forms.CharField(
        label=_("Den andre forelderens etternavn"), max_length=150
    )
    other_parent_national_id = forms.CharField(
        label=_("Den andre forelderens fødselsnummer (hvis kjent)"),
        max_length=13,
        required=False,
        help_text=_("Da får også den andre forelderen beskjed i ipplan."),
    )
    field_order = [
        "municipality",
        "person_national_id",
        "person_first_name",
        "person_last_name",
        "representative_national_id",
        "representative_first_name",
        "representative_last_name",
        "other_parent_first_name",
        "other_parent_last_name",
        "other_parent_national_id",
        "basis_kind",
        "document_reference",
        "document",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].label = _("Fødselsattest (hvis den er grunnlaget)")

    def clean_other_parent_national_id(self):
        value = self.cleaned_data["other_parent_national_id"].strip()
        return national_id.parse(value).value if value else ""


class GuardianForm(RepresentationForm):
    valid_from = date_field(_("Vergemålet gjelder fra"), required=True)
    valid_until = date_field(_("Vergemålet gjelder til (hvis tidsbegrenset)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].label = _("Vergeoppnevning fra Statsforvalteren")
        self.fields["document"].required = True
        self.fields["document_reference"].label = _("Statsforvalterens saksnummer")


class ChildWelfareForm(RepresentationForm):
    """The child welfare service's caseworker, after a decision to take over care."""

    valid_from = date_field(_("Omsorgen er overtatt fra"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].label = _("Vedtak om omsorgsovertakelse")
        self.fields["document"].required = True
        self.fields["document_reference"].label = _("Barneverntjenestens saksnummer")
        self.fields["representative_national_id"].label = _(
            "Fødselsnummeret til saksbehandleren i barneverntjenesten"
        )


class ProxyForm(RepresentationForm):
    valid_until = date_field(_("Fullmakten gjelder til (hvis tidsbegrenset)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].label = _("Skriftlig fullmakt (hvis den finnes)")
        self.fields["document_reference"].required = False
