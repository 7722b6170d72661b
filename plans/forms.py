"""Forms for plan content. Every form lists its fields; choices are limited to the plan."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import national_id
from accounts.models import Organisation, StaffMembership, User
from plans.kinds import HOLDER_ROLES, kind_text
from plans.models import Goal, Measure, Participant, Plan, SubPlan, WithholdingDecision
from plans.sections import Section
from plans.withheld import visible

PERIOD_END_BEFORE_START = _("Sluttdatoen kan ikke være før startdatoen.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label, required=False, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        help_text=help_text,
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
    )


class VersionedForm(forms.Form):
    """Carries the version the user saw, so a save over someone else's change is caught."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def changes(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class PlanCreateForm(forms.Form):
    municipality = forms.ModelChoiceField(label=_("Kommune"), queryset=None)
    national_id = forms.CharField(
        label=_("Fødselsnummer eller D-nummer"),
        max_length=13,
        help_text=_("11 siffer."),
    )
    # Asked for whether or not the number is known: the answer must not tell which.
    first_name = forms.CharField(label=_("Fornavn"), max_length=150)
    last_name = forms.CharField(label=_("Etternavn"), max_length=150)
    period_start = date_field(_("Planperiode fra"))
    period_end = date_field(_("Planperiode til"))
    next_evaluation = date_field(_("Neste evaluering"))

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        listed = list(municipalities[:2])
        self._only = listed[0] if len(listed) == 1 else None
        if self._only is not None:
            # Coordinators in one municipality (nearly all) are not asked.
            self.fields["municipality"].required = False
            self.fields["municipality"].widget = forms.HiddenInput()

    def clean_municipality(self):
        return self._only or self.cleaned_data["municipality"]

    def clean_national_id(self):
        return national_id.parse(self.cleaned_data["national_id"]).value

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", PERIOD_END_BEFORE_START)
        return data


class PlanDetailsForm(VersionedForm):
    period_start = date_field(_("Planperiode fra"))
    period_end = date_field(_("Planperiode til"))
    next_evaluation = date_field(
        _("Neste evaluering"), help_text=_("Når planen skal gjennomgås og eventuelt revideres.")
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", PERIOD_END_BEFORE_START)
        return data


class AboutMeForm(VersionedForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    what_matters = forms.CharField(
        label=_("Det som er viktig for meg"),
        required=False,
        widget=forms.Textarea(),
        max_length=5000,
    )
    resources = forms.CharField(
        label=_("Mine ressurser"),
        required=False,
        widget=forms.Textarea(),
        max_length=5000,
        help_text=_("Det du er god til, og det og de som hjelper deg."),
    )
    needs = forms.CharField(
        label=_("Mine behov"), required=False, widget=forms.Textarea(), max_length=5000
    )
    language_culture = forms.CharField(
        label=_("Språk, kultur og livssyn"),
        required=False,
        widget=forms.Textarea(),
        max_length=5000,
        help_text=_("Det tjenestene bør vite og ta hensyn til."),
    )

    def __init__(self, *args, plan: Plan | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if plan is not None and plan.kind != Plan.Kind.INDIVIDUAL_PLAN:
            # The same fields, in the words of the plan's kind (a relay log's concern).
            for name, label in kind_text(plan).about_me_labels.items():
                self.fields[name].label = label
                self.fields[name].help_text = ""


class OwnerGoalForm(VersionedForm):
    """The owner's side writes the goal in their own words."""

    title = forms.CharField(label=_("Målet med dine ord"), max_length=300)
    description = forms.CharField(
        label=_("Utdyping"), required=False, widget=forms.Textarea(), max_length=5000
    )


class GoalForm(OwnerGoalForm):
    parent = forms.ModelChoiceField(
        label=_("Delmål under"),
        queryset=Goal.objects.none(),
        required=False,
        empty_label=_("Ingen – dette er et hovedmål"),
    )
    status = forms.ChoiceField(label=_("Status"), choices=Goal.Status.choices)
    target_date = date_field(_("Ønsket dato"))

    def __init__(self, *args, plan: Plan, goal: Goal | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Goal.objects.filter(plan=plan, parent__isnull=True)
        if goal is not None:
            parents = parents.exclude(pk=goal.pk)
        self.fields["parent"].queryset = parents


class OwnContributionForm(VersionedForm):
    goal = forms.ModelChoiceField(label=_("Mål"), queryset=Goal.objects.none())
    title = forms.CharField(label=_("Hva du eller dine nærmeste gjør"), max_length=300)
    how = forms.CharField(
        label=_("Hvordan"), required=False, widget=forms.Textarea(), max_length=5000
    )
    scope = forms.CharField(label=_("Hvor ofte eller hvor mye"), required=False, max_length=200)
    start_date = date_field(_("Fra"))
    deadline = date_field(_("Til"))
    status = forms.ChoiceField(label=_("Status"), choices=Measure.Status.choices)

    def __init__(self, *args, plan: Plan, goal_titles: bool = True, access=None, **kwargs):
        super().__init__(*args, **kwargs)
        goals = Goal.objects.filter(plan=plan).order_by("parent_id", "position", "pk")
        if access is not None:
            goals = visible(goals, access)
        self.fields["goal"].queryset = goals
        if not goal_titles:
            # Someone without access to the goals section chooses by number, not by title.
            numbers = {pk: n for n, pk in enumerate(goals.values_list("pk", flat=True), start=1)}
            self.fields["goal"].label_from_instance = lambda goal: (
                _("Mål nr. %d") % numbers[goal.pk]
            )

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("deadline")
        if start and end and end < start:
            self.add_error("deadline", PERIOD_END_BEFORE_START)
        return data


class MeasureForm(OwnContributionForm):
    title = forms.CharField(label=_("Tiltak"), max_length=300)
    how = forms.CharField(
        label=_("Hvordan det gjøres"), required=False, widget=forms.Textarea(), max_length=5000
    )
    scope = forms.CharField(
        label=_("Omfang"),
        required=False,
        max_length=200,
        help_text=_("F.eks. «2 timer hver uke»."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Tjeneste som utfører"), queryset=Organisation.objects.none(), required=False
    )
    performed_by = forms.CharField(
        label=_("Utføres av (hvis ikke en tjeneste i listen)"), required=False, max_length=150
    )
    responsible = forms.ModelChoiceField(
        label=_("Ansvarlig"), queryset=Participant.objects.none(), required=False
    )
    start_date = date_field(_("Start"))
    deadline = date_field(_("Frist eller sluttdato"))
    is_own_contribution = forms.BooleanField(
        label=_("Egeninnsats (noe planeier eller pårørende gjør selv)"), required=False
    )

    def __init__(self, *args, plan: Plan, people_for=None, **kwargs):
        """`people_for`: (user, current responsible) when the user may not read the
        participants section: the choice then holds only themselves and the current one."""
        super().__init__(*args, plan=plan, **kwargs)
        if plan.kind == Plan.Kind.RELAY_LOG:
            # A relay log's measures are evaluated on a date (the BTI model); the same field.
            self.fields["deadline"].label = kind_text(plan).measure_end
            # And each has its BTI level (required for the services' measures: the service
            # says so, so that a family's own contribution needs none).
            self.fields["bti_level"] = forms.TypedChoiceField(
                label=_("Nivå (BTI)"),
                choices=Measure.BtiLevel.choices,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                help_text=_(
                    "Hvor mange tjenester som samarbeider om tiltaket. Stafettloggens nivå er "
                    "det høyeste nivået blant tiltakene som ikke er avsluttet."
                ),
            )
        self.fields["organisation"].queryset = Organisation.objects.filter(
            municipality=plan.municipality, is_active=True
        )
        people = Participant.objects.filter(plan=plan, is_active=True)
        if people_for is not None:
            user, current = people_for
            people = people.filter(Q(user=user) | Q(pk=getattr(current, "pk", None)))
            self.fields["responsible"].help_text = _(
                "Du kan sette deg selv som ansvarlig. Koordinatoren kan velge andre."
            )
        self.fields["responsible"].queryset = people


class NoteForm(forms.Form):
    subject = forms.ChoiceField(label=_("Gjelder"))
    noted_on = date_field(_("Dato"), required=True)
    text = forms.CharField(label=_("Notat"), widget=forms.Textarea(), max_length=10000)

    def __init__(self, *args, plan: Plan, goals, measures, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["subject"].choices = [
            (_("Mål"), [(f"goal:{g.pk}", g.title) for g in goals]),
            (_("Tiltak"), [(f"measure:{m.pk}", m.title) for m in measures]),
        ]
        self.initial.setdefault("noted_on", timezone.localdate())
        if not plan.kind_info.applies(Section.GOALS):
            del self.fields["subject"]  # a record without goals: a note on the follow-up
        self._goals = {g.pk: g for g in goals}
        self._measures = {m.pk: m for m in measures}

    def clean_subject(self):
        kind, _sep, pk = self.cleaned_data["subject"].partition(":")
        table = self._goals if kind == "goal" else self._measures
        subject = table.get(int(pk)) if pk.isascii() and pk.isdigit() else None
        if subject is None:
            raise ValidationError(_("Velg et mål eller tiltak i planen."))
        return {"goal": subject} if kind == "goal" else {"measure": subject}


class NoteCorrectionForm(forms.Form):
    noted_on = date_field(_("Dato"), required=True)
    text = forms.CharField(label=_("Notat"), widget=forms.Textarea(), max_length=10000)


class ParticipantForm(VersionedForm):
    user = forms.ModelChoiceField(
        label=_("Ansatt med tilgang til ipplan"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Velg hvis deltakeren er ansatt i kommunen. Ellers skriver du navnet under."),
    )
    name = forms.CharField(label=_("Navn"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Rolle i planen"), choices=Participant.Role.choices)
    organisation = forms.ModelChoiceField(
        label=_("Tjeneste"), queryset=Organisation.objects.none(), required=False
    )
    title = forms.CharField(label=_("Stilling eller relasjon"), max_length=100, required=False)
    phone = forms.CharField(label=_("Telefon"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-post"), required=False)
    contribution = forms.CharField(
        label=_("Hva deltakeren bidrar med"),
        widget=forms.Textarea(),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        staff_ids = StaffMembership.objects.filter(
            municipality=plan.municipality, is_active=True
        ).values("user_id")
        self.fields["user"].queryset = (
            User.objects.filter(pk__in=staff_ids, is_active=True)
            .exclude(pk=plan.owner_id)
            .order_by("first_name", "last_name")
        )
        self.fields["organisation"].queryset = Organisation.objects.filter(
            municipality=plan.municipality, is_active=True
        )

    def clean(self):
        data = super().clean()
        user = data.get("user")
        if user and not data.get("name"):
            data["name"] = user.display_name
        if not data.get("name"):
            self.add_error("name", _("Skriv navnet, eller velg en ansatt."))
        return data


class CooperationForm(VersionedForm):
    with_whom = forms.CharField(label=_("Med hvem"), max_length=200)
    description = forms.CharField(
        label=_("Hva samarbeidet gjelder"), widget=forms.Textarea(), max_length=5000
    )


class SubPlanForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type dokument"), choices=SubPlan.Kind.choices)
    title = forms.CharField(label=_("Tittel"), max_length=200)
    file = forms.FileField(
        label=_("Fil"), help_text=_("PDF, ODT, DOCX, PNG eller JPG, høyst 10 MB.")
    )


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Hvorfor avsluttes planen?"),
        choices=Plan.ClosingReason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Merknad"), required=False, widget=forms.Textarea(), max_length=2000
    )


class RequestCloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Hvorfor vil du avslutte planen?"),
        widget=forms.Textarea(),
        max_length=2000,
        help_text=_("Koordinatoren din tar kontakt før planen avsluttes."),
    )


class HandoverForm(forms.Form):
    to_coordinator = forms.ModelChoiceField(label=_("Ny koordinator"), queryset=User.objects.none())
    message = forms.CharField(
        label=_("Melding til ny koordinator"),
        required=False,
        widget=forms.Textarea(),
        max_length=2000,
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        holders = StaffMembership.objects.filter(
            municipality=plan.municipality, role__in=HOLDER_ROLES[plan.kind], is_active=True
        )
        self.fields["to_coordinator"].queryset = (
            User.objects.filter(pk__in=holders.values("user_id"), is_active=True)
            .exclude(pk=plan.coordinator_id)
            .annotate(
                service=Subquery(
                    holders.filter(user=OuterRef("pk")).values("organisation__name")[:1]
                )
            )
            .order_by("first_name", "last_name")
        )
        if plan.kind == Plan.Kind.RELAY_LOG:
            # The baton goes to a person in another service: name the service with the person.
            field = self.fields["to_coordinator"]
            field.label = _("Ny stafettholder")
            field.label_from_instance = _holder_label
            self.fields["message"].label = _("Melding til ny stafettholder")


class HandoverAnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", _("Ja")), ("decline", _("Nei"))])


def _holder_label(user) -> str:
    return f"{user.display_name} ({user.service})" if user.service else user.display_name


class RelayLogCreateForm(forms.Form):
    """The child, by national identity number, as a plan's owner is found or registered."""

    municipality = forms.ModelChoiceField(label=_("Kommune"), queryset=None)
    national_id = forms.CharField(
        label=_("Barnets fødselsnummer eller D-nummer"), max_length=13, help_text=_("11 siffer.")
    )
    first_name = forms.CharField(label=_("Barnets fornavn"), max_length=150)
    last_name = forms.CharField(label=_("Barnets etternavn"), max_length=150)

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        listed = list(municipalities[:2])
        self._only = listed[0] if len(listed) == 1 else None
        if self._only is not None:
            self.fields["municipality"].required = False
            self.fields["municipality"].widget = forms.HiddenInput()

    def clean_municipality(self):
        return self._only or self.cleaned_data["municipality"]

    def clean_national_id(self):
        return national_id.parse(self.cleaned_data["national_id"]).value


class ContinueAsPlanForm(forms.Form):
    coordinator = forms.ModelChoiceField(
        label=_("Koordinator for den individuelle planen"), queryset=User.objects.none()
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        coordinators = StaffMembership.objects.filter(
            municipality=plan.municipality, role=StaffMembership.Role.COORDINATOR, is_active=True
        ).values("user_id")
        self.fields["coordinator"].queryset = User.objects.filter(
            pk__in=coordinators, is_active=True
        ).order_by("first_name", "last_name")


class WithholdForm(forms.Form):
    """The coordinator's decision to keep an item from the parents, or to show it again: the
    ground (only when withholding, among those the child's age allows) and the reasons are
    required."""

    ground = forms.ChoiceField(label=_("Grunnlag"), widget=forms.RadioSelect, choices=())

    def __init__(self, *args, grounds=(), **kwargs):
        super().__init__(*args, **kwargs)
        if grounds:
            labels = dict(WithholdingDecision.Ground.choices)
            self.fields["ground"].choices = [(ground, labels[ground]) for ground in grounds]
            self.fields["ground"].initial = grounds[0]
        else:
            del self.fields["ground"]

    reason = forms.CharField(
        label=_("Begrunnelse"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_(
            "Hva barnet har bedt om og hvorfor ønsket bør respekteres, eller hvilke tungtveiende "
            "hensyn til barnet som taler mot at foreldrene får vite dette. Foreldrene ser ikke "
            "dette."
        ),
    )
