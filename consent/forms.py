"""Forms for consent and access. Access is chosen per section: none, read, or read and write."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.forms import NewPasswordForm, password_fields
from consent.models import Consent
from consent.policy import Hearing
from plans.forms import date_field
from plans.sections import SECTION_HELP, Section

LEVEL_CHOICES = [("", _("Ingen tilgang")), ("read", _("Lese")), ("write", _("Lese og skrive"))]
MUST_CONFIRM = _("Kryss av for at du har lest og samtykker.")
CHILD_VIEW_NEEDED = _("Skriv hva barnet mener om planen. Ville barnet ikke si noe, skriv det.")
HEARING_HELP = {
    Hearing.MAY: _(
        "Barnet skal få si sin mening når det kan danne seg egne synspunkter. Skriv hva barnet "
        "mener, om barnet har sagt noe."
    ),
    Hearing.MUST: _(
        "Barnet skal få vite hva planen er, og si sin mening før du samtykker. Skriv hva barnet "
        "mener. Det skal legges vekt på det, ut fra alder og modenhet."
    ),
    Hearing.GREAT_WEIGHT: _(
        "Barnet skal få vite hva planen er, og si sin mening før du samtykker. Skriv hva barnet "
        "mener. Fra 12 år skal det legges stor vekt på det."
    ),
}


class GiveConsentForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Jeg har lest teksten over og samtykker"),
        required=True,
        error_messages={"required": MUST_CONFIRM},
    )
    child_view = forms.CharField(
        label=_("Barnets egen mening"),
        required=False,
        widget=forms.Textarea(),
        max_length=3000,
        error_messages={"required": CHILD_VIEW_NEEDED},
    )

    def __init__(self, *args, hearing: str | None, **kwargs):
        super().__init__(*args, **kwargs)
        if hearing is None:
            del self.fields["child_view"]
            return
        field = self.fields["child_view"]
        field.help_text = HEARING_HELP[hearing]
        # From 7 the child must have been heard: what the child said, or that the child did
        # not want to say anything, is written down before the parent consents.
        field.required = hearing != Hearing.MAY


class PaperConsentForm(forms.Form):
    given_by_name = forms.CharField(label=_("Signert av (navn)"), max_length=150)
    given_by_role = forms.ChoiceField(label=_("Signert av"), choices=Consent.GiverRole.choices)
    basis = forms.CharField(
        label=_("Grunnlag"),
        required=False,
        max_length=200,
        help_text=_("For foresatt eller verge: foreldreansvar, vergemål e.l."),
    )
    signed_form = forms.FileField(
        label=_("Skannet, signert skjema"), help_text=_("PDF, PNG eller JPG, høyst 10 MB.")
    )
    child_view = forms.CharField(
        label=_("Barnets egen mening"), required=False, widget=forms.Textarea(), max_length=3000
    )
    signed_by_all = forms.BooleanField(
        label=_(
            "Skjemaet er signert av alle som må samtykke (for barn under 16 år: begge foreldre "
            "med foreldreansvar)"
        ),
        required=True,
        error_messages={
            "required": _(
                "Samtykket gjelder bare når alle som må samtykke, har signert. Kryss av når "
                "skjemaet er signert av alle."
            )
        },
    )


class AccessForm(forms.Form):
    """One participant's access: a choice per section and an end date."""

    ends_on = date_field(_("Tilgang til og med"), required=True)

    def __init__(
        self, *args, current: dict[str, str | None] | None = None, sections=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        current = current or {}
        # Only the sections the plan's kind has (plans/kinds.py): no goals on a coordinator's
        # record without an individual plan.
        self.sections = [v for v in Section.values if sections is None or v in sections]
        for value, label in Section.choices:
            if value not in self.sections:
                continue
            self.fields[f"section_{value}"] = forms.ChoiceField(
                label=label,
                choices=LEVEL_CHOICES,
                required=False,
                widget=forms.RadioSelect,
                help_text=SECTION_HELP[value],
                initial=current.get(value) or "",
            )
        self.fields["ends_on"].initial = timezone.localdate() + datetime.timedelta(days=365)
        self.order_fields([f"section_{v}" for v in self.sections] + ["ends_on"])

    def levels(self) -> dict[str, str | None]:
        return {v: self.cleaned_data.get(f"section_{v}") or None for v in self.sections}

    def clean_ends_on(self):
        ends_on = self.cleaned_data["ends_on"]
        if ends_on < timezone.localdate():
            raise forms.ValidationError(_("Sluttdatoen må være fram i tid."))
        return ends_on


class PaperAccessForm(AccessForm):
    signed_by_name = forms.CharField(label=_("Samtykket er signert av"), max_length=150)
    signed_by_role = forms.ChoiceField(label=_("Som"), choices=Consent.GiverRole.choices)
    signed_form = forms.FileField(label=_("Skannet, signert samtykke"))


class ExtendForm(forms.Form):
    ends_on = date_field(_("Ny sluttdato"), required=True)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-postadresse"))


LOG_FIRST_DAY, LOG_LAST_DAY = datetime.date(2000, 1, 1), datetime.date(2999, 12, 31)
LOG_DATE_OUT_OF_RANGE = _("Skriv en dato mellom 1.1.2000 og 31.12.2999.")
LOG_PERIOD_BACKWARDS = _("Til og med-datoen kan ikke være før fra og med-datoen.")
# The filter as HTML, by everything that decides it (language, people, the values asked for).
_LOG_FILTER_HTML: dict[tuple, str] = {}
LOG_FILTER_HTML_KEPT = 256


class LogFilterForm(forms.Form):
    person = forms.TypedChoiceField(label=_("Person"), required=False, coerce=int, empty_value=None)
    section = forms.ChoiceField(
        label=_("Del av planen"),
        required=False,
        choices=[("", _("Alle deler")), *Section.choices],
    )
    date_from = date_field(_("Fra og med"))
    date_to = date_field(_("Til og med"))
    include_own = forms.BooleanField(label=_("Vis også det jeg selv har gjort"), required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", _("Alle"))] + [(p.pk, p.display_name) for p in people]

    def html(self) -> str:
        """The form as HTML. Without errors it is decided by the language, the people and the
        values asked for alone, and most views of a log ask for the same few: each is rendered
        once per process (1 ms of template work, a third of the page's own, issue 14)."""
        if self.errors:
            return self.render()
        key = (
            translation.get_language(),
            tuple(self.fields["person"].choices[1:]),
            tuple((name, tuple(self.data.getlist(name))) for name in self.fields)
            if self.is_bound
            else None,
        )
        html = _LOG_FILTER_HTML.get(key)
        if html is None:
            if len(_LOG_FILTER_HTML) >= LOG_FILTER_HTML_KEPT:
                _LOG_FILTER_HTML.clear()
            html = _LOG_FILTER_HTML[key] = self.render()
        return html

    def _clean_date(self, name: str):
        value = self.cleaned_data.get(name)
        if value is not None and not (LOG_FIRST_DAY <= value <= LOG_LAST_DAY):
            raise forms.ValidationError(LOG_DATE_OUT_OF_RANGE)
        return value

    def clean_date_from(self):
        return self._clean_date("date_from")

    def clean_date_to(self):
        return self._clean_date("date_to")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", LOG_PERIOD_BACKWARDS)
        return data


class SignupFromInvitationForm(NewPasswordForm):
    first_name = forms.CharField(label=_("Fornavn"), max_length=150)
    last_name = forms.CharField(label=_("Etternavn"), max_length=150)
    username = forms.RegexField(
        label=_("Brukernavn"),
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        help_text=_("Bokstaver, tall og . @ + - _"),
    )
    password1, password2 = password_fields(_("Passord"), _("Minst 12 tegn."))
