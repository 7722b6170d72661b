"""Forms for meetings, minutes and messages."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import validate_phone
from plans.forms import DateInput, date_field
from plans.models import Family, FamilyTask, Goal

DURATIONS = [
    (30, _("30 minutter")),
    (45, _("45 minutter")),
    (60, _("1 time")),
    (90, _("1 ½ time")),
    (120, _("2 timer")),
    (180, _("3 timer")),
]
ACTION_POINT_ROWS = 3
MEETING_DATE_OUT_OF_RANGE = _("Velg en dato fra to år tilbake til fem år fram i tid.")
YEAR = datetime.timedelta(days=366)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class MeetingForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Tittel"), max_length=200, initial=_("Samarbeidsmøte"))
    date = forms.DateField(
        label=_("Dato"), widget=DateInput(), input_formats=["%Y-%m-%d", "%d.%m.%Y"]
    )
    time = forms.TimeField(label=_("Klokkeslett"), widget=TimeInput())
    duration_minutes = forms.TypedChoiceField(
        label=_("Varighet"), choices=DURATIONS, coerce=int, initial=60
    )
    place = forms.CharField(
        label=_("Sted"),
        max_length=200,
        required=False,
        help_text=_("Står bare i ipplan, ikke i e-posten eller kalenderfilen."),
    )
    video_link = forms.URLField(
        label=_("Lenke til videomøte"), required=False, assume_scheme="https"
    )
    agenda = forms.CharField(
        label=_("Saker (én per linje)"), widget=forms.Textarea(), required=False, max_length=5000
    )
    invitees = forms.TypedMultipleChoiceField(
        label=_("Hvem inviteres"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Bare de som har tilgang til møtene i planen kan inviteres."),
    )

    def __init__(self, *args, people, show_names: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_names:
            # Names are the participants section's: who may not read it invites everyone who
            # has access to the meetings (on a change, the invitees stay as they are).
            del self.fields["invitees"]
            return
        self.fields["invitees"].choices = [(p.user.pk, p.name) for p in people]

    def invitee_ids(self) -> list[int] | None:
        return self.cleaned_data["invitees"] if "invitees" in self.fields else None

    def clean_date(self):
        day = self.cleaned_data["date"]
        # Also keeps the meeting's end and reminder times inside what a datetime can hold.
        today = timezone.localdate()
        earliest, latest = today - 2 * YEAR, today + 5 * YEAR
        if not earliest <= day <= latest:
            raise forms.ValidationError(MEETING_DATE_OUT_OF_RANGE, code="range")
        return day

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("time"):
            naive = datetime.datetime.combine(data["date"], data["time"])
            data["starts_at"] = timezone.make_aware(naive)
        return data

    def agenda_items(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["agenda"].splitlines() if line.strip()]


class RespondForm(forms.Form):
    answer = forms.ChoiceField(choices=[("attending", _("Kommer")), ("declined", _("Kommer ikke"))])


class AgendaProposalForm(forms.Form):
    title = forms.CharField(
        label=_("Sak du vil ta opp"),
        max_length=300,
        error_messages={
            "required": _("Skriv saken du vil ta opp."),
            "max_length": _("Skriv saken kortere (høyst 300 tegn)."),
        },
    )


class MinutesForm(forms.Form):
    """Built from the meeting: invitees, agenda items, the plan's goals and its participants.

    `goals` is None for someone who may not read the goals section (no evaluations, no goal
    for an action point) and `participants` None for someone who may not read the
    participants section (no attendees to tick, no responsible to choose)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    attendees = forms.TypedMultipleChoiceField(
        label=_("Til stede"), coerce=int, widget=forms.CheckboxSelectMultiple, required=False
    )
    other_attendees = forms.CharField(label=_("Andre til stede"), max_length=300, required=False)
    decisions = forms.CharField(
        label=_("Beslutninger"), widget=forms.Textarea(), required=False, max_length=10000
    )

    def __init__(self, *args, meeting, goals, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting, self.goals = meeting, goals or []
        self.show_goals, self.show_names = goals is not None, participants is not None
        if self.show_names:
            self.fields["attendees"].choices = [(i.pk, i.name) for i in meeting.invitees.all()]
        else:
            del self.fields["attendees"]
        self.agenda = list(meeting.agenda.all())
        for item in self.agenda:
            self.fields[f"agenda_{item.pk}"] = forms.CharField(
                label=item.title,
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                max_length=10000,
            )
        for goal in self.goals:
            self.fields[f"goal_{goal.pk}_status"] = forms.ChoiceField(
                label=_("Status"), choices=Goal.Status.choices, initial=goal.status
            )
            self.fields[f"goal_{goal.pk}_assessment"] = forms.CharField(
                label=_("Vurdering"),
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                max_length=5000,
            )
        goal_choices = [("", _("Velg mål"))] + [(g.pk, g.title) for g in self.goals]
        people = [("", _("Ingen valgt"))] + [(p.pk, p.name) for p in participants or []]
        for n in range(ACTION_POINT_ROWS):
            self.fields[f"action_{n}_title"] = forms.CharField(
                label=_("Oppfølgingspunkt"), max_length=300, required=False
            )
            if self.show_goals:
                self.fields[f"action_{n}_goal"] = forms.TypedChoiceField(
                    label=_("Mål"),
                    choices=goal_choices,
                    coerce=int,
                    empty_value=None,
                    required=False,
                )
            if self.show_names:
                self.fields[f"action_{n}_responsible"] = forms.TypedChoiceField(
                    label=_("Ansvarlig"),
                    choices=people,
                    coerce=int,
                    empty_value=None,
                    required=False,
                )
            self.fields[f"action_{n}_deadline"] = date_field(_("Frist"))

    def agenda_notes(self) -> dict[int, str]:
        return {i.pk: self.cleaned_data[f"agenda_{i.pk}"] for i in self.agenda}

    def attendee_ids(self) -> list[int] | None:
        return self.cleaned_data["attendees"] if self.show_names else None

    def evaluations(self) -> dict[int, tuple[str, str]] | None:
        if not self.show_goals:
            return None
        return {
            g.pk: (
                self.cleaned_data[f"goal_{g.pk}_status"],
                self.cleaned_data[f"goal_{g.pk}_assessment"],
            )
            for g in self.goals
        }

    def action_points(self) -> list[dict]:
        points = []
        for n in range(ACTION_POINT_ROWS):
            title = self.cleaned_data.get(f"action_{n}_title")
            if title:
                point = {"title": title, "deadline": self.cleaned_data.get(f"action_{n}_deadline")}
                if self.show_goals:
                    point["goal_id"] = self.cleaned_data.get(f"action_{n}_goal")
                if self.show_names:
                    point["responsible_id"] = self.cleaned_data.get(f"action_{n}_responsible")
                points.append(point)
        return points

    def agenda_fields(self):
        return [self[f"agenda_{i.pk}"] for i in self.agenda]

    def goal_fields(self):
        return [
            (g, self[f"goal_{g.pk}_status"], self[f"goal_{g.pk}_assessment"]) for g in self.goals
        ]

    def action_rows(self):
        parts = ("title", "goal", "responsible", "deadline")
        return [
            [self[f"action_{n}_{part}"] for part in parts if f"action_{n}_{part}" in self.fields]
            for n in range(ACTION_POINT_ROWS)
        ]


class ThreadForm(forms.Form):
    subject = forms.CharField(label=_("Emne"), max_length=200)
    body = forms.CharField(label=_("Melding"), widget=forms.Textarea(), max_length=10000)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Svar"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )


# --- The barnekoordinator's family workspace ---------------------------------------------------


class FamilyTaskForm(forms.Form):
    state = forms.ChoiceField(label=_("Status"), choices=FamilyTask.State.choices)
    done_on = date_field(_("Dato"), help_text=_("Når det sist ble gjort."))
    note = forms.CharField(
        label=_("Notat til familien"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=3000,
        help_text=_("Foreldrene leser dette. Skriv ikke mer helseopplysninger enn nødvendig."),
    )


class FamilyServiceForm(forms.Form):
    name = forms.CharField(label=_("Tjeneste"), max_length=150)
    contact_name = forms.CharField(label=_("Kontaktperson"), max_length=150, required=False)
    phone = forms.CharField(
        label=_("Telefon"), max_length=20, required=False, validators=[validate_phone]
    )
    email = forms.EmailField(label=_("E-post"), required=False)
    role = forms.CharField(
        label=_("Hva tjenesten gjør for familien"), max_length=200, required=False
    )


class FamilyPlanForm(forms.Form):
    plan = forms.TypedChoiceField(label=_("Barnets plan"), coerce=int, required=False)

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [("", _("Ingen plan"))] + [
            (p.pk, f"{p.get_kind_display()} ({p.get_status_display().lower()})") for p in plans
        ]


class FamilyCloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Hvorfor avsluttes barnekoordinatoren?"),
        choices=Family.CloseReason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Merknad"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
