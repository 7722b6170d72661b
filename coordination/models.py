"""The collaboration around a plan: cooperation meetings with invitations and minutes,
and messages."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans.models import Goal

# --- Meetings (samarbeidsmøter) ----------------------------------------------------------------


class Meeting(models.Model):
    """A cooperation meeting of the plan: invitation, answers, reminders and minutes.

    `uid` and `sequence` make the calendar file stable: the same UID for every version of the
    meeting, a higher SEQUENCE each time it changes (RFC 5545).
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Planlagt")
        CANCELLED = "cancelled", _("Avlyst")

    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(_("tittel"), max_length=200)
    starts_at = models.DateTimeField(_("tidspunkt"))
    duration_minutes = models.PositiveSmallIntegerField(_("varighet (minutter)"), default=60)
    place = models.CharField(_("sted"), max_length=200, blank=True)
    video_link = models.URLField(_("lenke til videomøte"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["plan", "-starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=5, duration_minutes__lte=600),
                name="coordination_meeting_sane_duration",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def ends_at(self):
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    # Minutes can be written from an hour before the meeting (notes taken as it starts).
    MINUTES_LEAD = datetime.timedelta(hours=1)

    @property
    def has_started(self) -> bool:
        """Once a meeting has started it is not answered, moved or cancelled any more."""
        return self.starts_at <= timezone.now()

    @property
    def minutes_open(self) -> bool:
        return not self.is_cancelled and self.starts_at - self.MINUTES_LEAD <= timezone.now()


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    title = models.CharField(_("sak"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    # The plan owner (or whoever acts for them) may propose items; the organiser's own have none.
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class MeetingInvitee(models.Model):
    class Response(models.TextChoices):
        PENDING = "pending", _("Ikke svart")
        ATTENDING = "attending", _("Kommer")
        DECLINED = "declined", _("Kommer ikke")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_invitations"
    )
    name = models.CharField(max_length=150)
    response = models.CharField(max_length=10, choices=Response.choices, default=Response.PENDING)
    responded_at = models.DateTimeField(null=True, blank=True)
    # The start time a reminder was sent for (a moved meeting is reminded again).
    reminded_for = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="coordination_invitee_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Minutes(models.Model):
    """The minutes (referat) of a meeting. Approved by the coordinator, then locked."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        APPROVED = "approved", _("Godkjent")

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="minutes")
    attendees = models.ManyToManyField(MeetingInvitee, blank=True, related_name="+")
    other_attendees = models.CharField(_("andre til stede"), max_length=300, blank=True)
    decisions = models.TextField(_("beslutninger"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "minutes"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="approved") | models.Q(approved_at__isnull=False),
                name="coordination_minutes_approved_has_date",
            )
        ]

    def __str__(self) -> str:
        return f"Minutes of meeting #{self.meeting_id}"

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.APPROVED


class AgendaNote(models.Model):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="agenda_notes")
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="+")
    notes = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "agenda_item"], name="coordination_one_note_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"Note on agenda item #{self.agenda_item_id}"


class GoalEvaluation(models.Model):
    """The evaluation of one goal in the minutes: how it is going and what the status is."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="evaluations")
    goal = models.ForeignKey("plans.Goal", on_delete=models.CASCADE, related_name="evaluations")
    status = models.CharField(_("status"), max_length=20, choices=Goal.Status.choices)
    assessment = models.TextField(_("vurdering"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "goal"], name="coordination_one_eval_per_goal"
            )
        ]

    def __str__(self) -> str:
        return f"Evaluation of goal #{self.goal_id}"


class ActionPoint(models.Model):
    """An action point in the minutes; one click turns it into a measure in the plan."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="action_points")
    title = models.CharField(_("oppfølgingspunkt"), max_length=300)
    goal = models.ForeignKey(
        "plans.Goal", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responsible = models.ForeignKey(
        "plans.Participant", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    deadline = models.DateField(_("frist"), null=True, blank=True)
    measure = models.OneToOneField(
        "plans.Measure", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


# --- Messages --------------------------------------------------------------------------------


class MessageThread(models.Model):
    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="threads")
    subject = models.CharField(_("emne"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_message_at"]
        indexes = [models.Index(fields=["plan", "-last_message_at"])]

    def __str__(self) -> str:
        return self.subject


class Message(models.Model):
    thread = models.ForeignKey(MessageThread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("melding"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["thread", "created_at"])]

    def __str__(self) -> str:
        return f"Message #{self.pk}"


class ThreadRead(models.Model):
    """When a user last read a thread: everything after is unread for them."""

    thread = models.ForeignKey(MessageThread, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="coordination_read_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id}"
