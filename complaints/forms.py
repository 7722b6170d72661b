from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from casework.forms import DecisionForm
from complaints.models import Complaint
from plans.forms import DateInput

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]


class ComplaintForm(forms.Form):
    decision = forms.TypedChoiceField(
        label=_("Hva klager du på?"), coerce=int, empty_value=None, required=False
    )
    ground = forms.ChoiceField(
        label=_("Hva gjelder klagen?"), choices=Complaint.Ground.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Skriv klagen din"),
        widget=forms.Textarea(),
        max_length=10000,
        help_text=_("Skriv hva du er uenig i, og hvorfor."),
    )
    by_representative = forms.BooleanField(
        label=_("Jeg klager som fullmektig (ikke som personen selv, foresatt eller verge)"),
        required=False,
    )
    representative_is_lawyer = forms.BooleanField(label=_("Jeg er advokat"), required=False)
    power_of_attorney = forms.FileField(
        label=_("Skriftlig fullmakt"),
        required=False,
        help_text=_("Må legges ved når representanten ikke er advokat. PDF, PNG eller JPG."),
    )

    def __init__(self, *args, decisions, **kwargs):
        super().__init__(*args, **kwargs)
        # Newest decision first and chosen, since that is what most complaints are about.
        self.fields["decision"].choices = [
            (
                d.pk,
                _("Vedtaket fra %s")
                % date_format(timezone.localtime(d.decided_at), "SHORT_DATE_FORMAT"),
            )
            for d in decisions
        ] + [("", _("Ikke et vedtak (f.eks. at planen ikke blir fulgt)"))]
        if decisions and not self.is_bound:
            self.initial.setdefault("decision", decisions[0].pk)


class PaperComplaintForm(ComplaintForm):
    filed_by_name = forms.CharField(label=_("Klager (navn)"), max_length=150)
    received_on = forms.DateField(
        label=_("Mottatt (datostempel)"), widget=DateInput(), input_formats=DATE_FORMATS
    )
    scanned_form = forms.FileField(label=_("Skannet klage"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["by_representative"].label = _("Klagen er fremsatt av en representant")
        self.fields["representative_is_lawyer"].label = _("Representanten er advokat")

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Datoen kan ikke være fram i tid."))
        return value


class ReverseForm(DecisionForm):
    partly = forms.BooleanField(label=_("Klagen tas bare delvis til følge"), required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Hvorfor avvises klagen?"),
        widget=forms.Textarea(),
        max_length=5000,
        help_text=_("F.eks. at klageren ikke har rettslig klageinteresse."),
    )


class ForwardForm(forms.Form):
    assessment = forms.CharField(
        label=_("Kommunens vurdering av klagen"), widget=forms.Textarea(), max_length=10000
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Statsforvalterens avgjørelse"),
        choices=Complaint.SfOutcome.choices,
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(
        label=_("Dato for avgjørelsen"), widget=DateInput(), input_formats=DATE_FORMATS
    )
    note = forms.CharField(
        label=_("Merknad"), widget=forms.Textarea(), required=False, max_length=5000
    )


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("Hvordan trakk klageren klagen?"),
        max_length=2000,
        help_text=_("F.eks. «skriftlig 12. mai» eller «på telefon 12. mai, bekreftet i brev»."),
    )
