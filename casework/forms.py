"""Forms for the coordinating unit: applications, referrals, paper applications, assessment,
interim replies, decisions, appointments, the coordinator registry and the queue filter."""

from __future__ import annotations

from functools import lru_cache

from django import forms
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts import national_id
from casework.models import Decision
from plans.forms import DateInput, date_field

REQUESTS = ("wants_plan", "wants_coordinator", "wants_child_coordinator")
REQUEST_FIELDS = (
    *REQUESTS,
    "needs",
    "current_services",
    "preferred_coordinator",
    "consent_to_contact",
)


def requested(data) -> dict:
    """What is applied for, from any of the three forms (application, referral, paper)."""
    return {name: data[name] for name in REQUEST_FIELDS}


class RequestFields(forms.Form):
    wants = forms.MultipleChoiceField(
        label=_("Hva søkes det om?"),
        choices=[
            ("wants_plan", _("Individuell plan")),
            ("wants_coordinator", _("Koordinator")),
            (
                "wants_child_coordinator",
                _(
                    "Barnekoordinator (for familier med barn under 18 år med alvorlig sykdom, "
                    "skade eller nedsatt funksjonsevne)"
                ),
            ),
        ],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Kryss av for én eller flere."),
        error_messages={"required": _("Kryss av for hva du søker om.")},
    )
    needs = forms.CharField(
        label=_("Hva trenger du hjelp til? Skriv med egne ord"),
        widget=forms.Textarea(),
        max_length=5000,
    )
    current_services = forms.CharField(
        label=_("Hvilke tjenester får du i dag?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=3000,
        help_text=_("For eksempel hjemmetjeneste, NAV, skole, fastlege, sykehus."),
    )
    preferred_coordinator = forms.CharField(
        label=_("Ønsker du en bestemt koordinator?"),
        required=False,
        max_length=200,
        help_text=_("Ofte er det den du har mest kontakt med. Ønsket ditt vektlegges."),
    )

    def clean(self):
        data = super().clean()
        wanted = set(data.pop("wants", None) or ())
        for name in REQUESTS:
            data[name] = name in wanted
        return data


class ApplicationForm(RequestFields):
    person = forms.TypedChoiceField(label=_("Hvem søker du for?"), coerce=int)
    municipality = forms.ModelChoiceField(label=_("Kommune"), queryset=None)
    consent_to_contact = forms.BooleanField(
        label=_("Koordinerende enhet kan kontakte tjenestene mine for å behandle søknaden"),
        required=False,
    )

    def __init__(self, *args, people, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(p.pk, p.display_name) for p in people]
        self.fields["municipality"].queryset = municipalities
        self.order_fields(
            [
                "person",
                "municipality",
                "wants",
                "needs",
                "current_services",
                "preferred_coordinator",
                "consent_to_contact",
            ]
        )


class PersonFields(forms.Form):
    national_id = forms.CharField(label=_("Personens fødselsnummer eller D-nummer"), max_length=13)
    # Asked for whether or not the number is known: the answer must not tell which.
    first_name = forms.CharField(label=_("Fornavn"), max_length=150)
    last_name = forms.CharField(label=_("Etternavn"), max_length=150)

    def clean_national_id(self):
        return national_id.parse(self.cleaned_data["national_id"]).value


class ReferralForm(PersonFields, RequestFields):
    municipality = forms.ModelChoiceField(label=_("Kommune"), queryset=None)
    relation = forms.ChoiceField(
        label=_("Du er"), choices=[("relative", _("Pårørende")), ("professional", _("Fagperson"))]
    )
    consent_to_contact = forms.BooleanField(
        label=_(
            "Personen (eller den som samtykker for personen) har samtykket til at jeg "
            "sender denne meldingen"
        ),
        required=True,
    )
    consent_note = forms.CharField(
        label=_("Hvordan ble samtykket gitt?"),
        max_length=300,
        help_text=_("F.eks. «muntlig i samtale 3. mars»."),
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["needs"].label = _("Hva trenger personen hjelp til?")
        self.fields["current_services"].label = _("Hvilke tjenester får personen i dag?")
        self.fields["preferred_coordinator"].label = _("Har personen ønske om koordinator?")


class PaperApplicationForm(PersonFields, RequestFields):
    received_on = forms.DateField(
        label=_("Mottatt (datostempel)"), widget=DateInput(), input_formats=["%Y-%m-%d", "%d.%m.%Y"]
    )
    consent_to_contact = forms.BooleanField(
        label=_("Samtykke til å kontakte tjenestene"), required=False
    )
    scanned_form = forms.FileField(
        label=_("Skannet søknad"), help_text=_("PDF, PNG eller JPG, høyst 10 MB.")
    )

    municipality = forms.ModelChoiceField(label=_("Kommune"), queryset=None)

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needs"].label = _("Behov, slik søknaden beskriver dem")
        # The case handler types in someone else's application: the questions are about them.
        self.fields["current_services"].label = _("Hvilke tjenester får personen i dag?")
        self.fields["preferred_coordinator"].label = _("Har personen ønske om koordinator?")
        # Only the municipalities the handler works for; with one, there is nothing to choose.
        self.fields["municipality"].queryset = municipalities
        options = list(municipalities[:2])
        self.only_municipality = options[0] if len(options) == 1 else None
        if self.only_municipality is not None:
            del self.fields["municipality"]

    def clean(self):
        data = super().clean()
        if self.only_municipality is not None:
            data["municipality"] = self.only_municipality
        return data

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Datoen kan ikke være fram i tid."))
        return value


class AssessmentForm(forms.Form):
    long_term = forms.BooleanField(
        label=_("Behovet er langvarig (har en viss varighet)"), required=False
    )
    complex_needs = forms.BooleanField(
        label=_("Behovet er komplekst (sammensatt), selv om det ikke er langvarig"),
        required=False,
    )
    two_or_more_services = forms.BooleanField(
        label=_("Personen trenger to eller flere helse- og omsorgstjenester"), required=False
    )
    seen_together = forms.BooleanField(label=_("Tjenestene bør ses i sammenheng"), required=False)
    consent_present = forms.BooleanField(label=_("Samtykke foreligger"), required=False)
    child_under_18 = forms.BooleanField(
        label=_("Barn under 18 år, eller et barn familien venter"), required=False
    )
    serious_condition = forms.BooleanField(
        label=_("Alvorlig sykdom, skade eller nedsatt funksjonsevne"), required=False
    )
    health_and_welfare = forms.BooleanField(
        label=_("Barnet trenger både helse- og omsorgstjenester og andre velferdstjenester"),
        required=False,
    )
    parents_want_it = forms.BooleanField(
        label=_("Foreldrene ønsker barnekoordinator"), required=False
    )
    reasons = forms.CharField(
        label=_("Vurdering"), widget=forms.Textarea(), required=False, max_length=10000
    )

    # The test of each right (legal references "right_to_plan", "right_to_coordinator",
    # "right_to_child_coordinator"): the form asks only what the rights applied for need.
    PLAN_TEST = ("two_or_more_services", "seen_together", "consent_present")
    CHILD_TEST = ("child_under_18", "serious_condition", "health_and_welfare", "parents_want_it")

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is None:
            return
        if not (case.wants_plan or case.wants_coordinator):
            for name in self.PLAN_TEST:
                del self.fields[name]
        if not case.wants_child_coordinator:
            for name in self.CHILD_TEST:
                del self.fields[name]


class InterimReplyForm(forms.Form):
    expected_by = forms.DateField(
        label=_("Når regner dere med vedtak?"),
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
    )
    reason = forms.CharField(
        label=_("Hvorfor tar det tid?"), widget=forms.Textarea(), max_length=3000
    )


class DecisionForm(forms.Form):
    plan_outcome = forms.ChoiceField(label=_("Individuell plan"))
    coordinator_outcome = forms.ChoiceField(label=_("Koordinator"))
    child_coordinator_outcome = forms.ChoiceField(label=_("Barnekoordinator"))
    facts = forms.CharField(label=_("Faktiske forhold"), widget=forms.Textarea(), max_length=10000)
    considerations = forms.CharField(
        label=_("Hovedhensyn i vurderingen"), widget=forms.Textarea(), max_length=10000
    )
    complaint_rule = forms.ModelChoiceField(label=_("Klagefrist etter"), queryset=None)
    notified_on = forms.DateField(
        label=_("Personen mottar vedtaket"),
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        help_text=_("Klagefristen regnes fra denne datoen."),
    )

    def __init__(self, *args, case, rules, **kwargs):
        super().__init__(*args, **kwargs)
        decided = [c for c in Decision.Outcome.choices if c[0] != "not_asked"]
        not_asked = [c for c in Decision.Outcome.choices if c[0] == "not_asked"]
        # A coordinator or a barnekoordinator is had or not had: no "partly granted".
        whole = [c for c in decided if c[0] != "partly"]
        for field, asked, choices in (
            ("plan_outcome", case.wants_plan, decided),
            ("coordinator_outcome", case.wants_coordinator, whole),
            ("child_coordinator_outcome", case.wants_child_coordinator, whole),
        ):
            self.fields[field].choices = choices if asked else not_asked
        self.fields["complaint_rule"].queryset = rules
        self.fields["complaint_rule"].initial = rules.first()
        self.fields["notified_on"].initial = timezone.localdate()

    def as_confirmation(self) -> DecisionForm:
        """The same answers as hidden fields, sent again with the confirmation."""
        for field in self.fields.values():
            field.widget = forms.HiddenInput()
        return self


class AppointForm(forms.Form):
    coordinator = forms.TypedChoiceField(label=_("Koordinator"), coerce=int, empty_value=None)
    override_reason = forms.CharField(
        label=_("Begrunnelse hvis koordinatoren mangler opplæring"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    create_plan = forms.BooleanField(
        label=_("Opprett utkast til individuell plan nå"), required=False, initial=True
    )

    def __init__(self, *args, profiles, plan_exists=False, grants_plan=True, **kwargs):
        super().__init__(*args, **kwargs)
        if plan_exists:
            del self.fields["create_plan"]
        elif not grants_plan:
            # A coordinator without an individual plan still gets a place to work.
            self.fields["create_plan"].label = _(
                "Opprett koordinering uten individuell plan nå (tjenester, møter og meldinger)"
            )
        self.fields["coordinator"].choices = [("", _("Velg koordinator"))] + [
            (
                p.user_id,
                _("%(name)s – %(trained)s, %(load)d planer%(child)s")
                % {
                    "name": p.user.display_name,
                    "trained": _("opplæring %s") % date_format(p.trained_on, "SHORT_DATE_FORMAT")
                    if p.trained_on
                    else _("mangler opplæring"),
                    "load": p.caseload,
                    "child": _(", kan være barnekoordinator") if p.can_be_child_coordinator else "",
                },
            )
            for p in profiles
        ]


class CoordinatorProfileForm(forms.Form):
    trained_on = forms.DateField(
        label=_("Opplæring fullført"),
        widget=DateInput(),
        required=False,
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
    )
    course = forms.CharField(label=_("Kurs"), max_length=200, required=False)
    can_be_child_coordinator = forms.BooleanField(
        label=_("Kan være barnekoordinator"), required=False
    )
    note = forms.CharField(label=_("Merknad"), max_length=300, required=False)


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("open", _("Til behandling")), ("all", _("Alle"))]
        + [
            (v, lbl)
            for v, lbl in [
                ("received", _("Mottatt")),
                ("assessing", _("Under vurdering")),
                ("decided", _("Vedtak fattet")),
                ("complaint", _("Klage")),
                ("closed", _("Avsluttet")),
            ]
        ],
    )
    assigned = forms.ChoiceField(
        label=_("Saksbehandler"),
        required=False,
        choices=[
            ("all", _("Alle")),
            ("mine", _("Mine saker")),
            ("unassigned", _("Uten saksbehandler")),
        ],
    )
    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[
            ("", _("Alle")),
            ("application", _("Søknad")),
            ("referral", _("Melding om behov")),
            ("paper", _("Papirsøknad")),
        ],
    )
    interim_due = forms.BooleanField(label=_("Trenger foreløpig svar"), required=False)
    number = forms.CharField(label=_("Saksnummer"), required=False, max_length=20)


@lru_cache(maxsize=128)
def _queue_filter_html(language: str, data: tuple | None) -> str:
    with translation.override(language):
        return str(QueueFilterForm(None if data is None else dict(data)))


def queue_filter_html(form: QueueFilterForm) -> str:
    """The queue's filter form as HTML, rendered once per language and filter values: it shows
    only its choices and what was asked for (nobody's data), and Django's widget templates
    cost more than the rest of the page. A form with errors is rendered as usual."""
    if form.is_bound and not form.is_valid():
        return str(form)
    data = tuple((name, form.data.get(name)) for name in form.fields) if form.is_bound else None
    return _queue_filter_html(translation.get_language(), data)


class ExpectedChildApplicationForm(forms.Form):
    """A parent's application for a barnekoordinator for a child they expect."""

    municipality = forms.ModelChoiceField(label=_("Kommune"), queryset=None)
    expected_on = date_field(_("Termindato"), required=True)
    child_first_name = forms.CharField(
        label=_("Barnets navn, hvis dere har bestemt det"), required=False, max_length=150
    )
    other_parent_first_name = forms.CharField(
        label=_("Den andre forelderens fornavn"), required=False, max_length=150
    )
    other_parent_last_name = forms.CharField(
        label=_("Den andre forelderens etternavn"), required=False, max_length=150
    )
    other_parent_national_id = forms.CharField(
        label=_("Den andre forelderens fødselsnummer eller D-nummer"),
        required=False,
        max_length=13,
        help_text=_(
            "Skriver du nummeret, blir den andre forelderen part i saken og ser den og brevene "
            "i ipplan, som du."
        ),
    )
    needs = forms.CharField(
        label=_("Hva vet dere om barnets behov, og hva trenger dere hjelp til?"),
        widget=forms.Textarea(),
        max_length=5000,
    )
    current_services = forms.CharField(
        label=_("Hvem følger dere opp i dag?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=3000,
        help_text=_("For eksempel jordmor, sykehuset, fastlegen, helsestasjonen."),
    )
    preferred_coordinator = forms.CharField(
        label=_("Ønsker dere en bestemt barnekoordinator?"), required=False, max_length=200
    )
    consent_to_contact = forms.BooleanField(
        label=_("Koordinerende enhet kan kontakte dem som følger oss opp, for å behandle søknaden"),
        required=False,
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities

    def clean_other_parent_national_id(self):
        value = self.cleaned_data["other_parent_national_id"].strip()
        return national_id.parse(value).value if value else ""


class ExpectedChildLinkForm(forms.Form):
    """After the birth: the child's identity number, name, and the population register look-up
    that confirms the parents."""

    national_id = forms.CharField(label=_("Barnets fødselsnummer eller D-nummer"), max_length=13)
    first_name = forms.CharField(label=_("Barnets fornavn"), max_length=150)
    last_name = forms.CharField(label=_("Barnets etternavn"), max_length=150)
    document_reference = forms.CharField(
        label=_("Oppslag i Folkeregisteret som viser foreldrene"),
        max_length=100,
        help_text=_("F.eks. dato og referanse for oppslaget."),
    )

    def clean_national_id(self):
        return national_id.parse(self.cleaned_data["national_id"]).value
