"""What a plan holds: participants, goals, measures, notes, cooperation needs, documents."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from plans.models.plan import Plan, Versioned


class Participant(Versioned):
    """Someone taking part in the plan (item b) and what they contribute (item d).

    A participant may have a login (`user`) or be only named with contact details, e.g. a
    grandparent who takes part in meetings without using ipplan.
    """

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Koordinator")
        SERVICE_PROVIDER = "service_provider", _("Tjenesteyter")
        RELATIVE = "relative", _("Pårørende")
        GUARDIAN = "guardian", _("Foresatt eller verge")
        OTHER = "other", _("Annen")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
    )
    name = models.CharField(_("navn"), max_length=150)
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("tjeneste"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
    )
    title = models.CharField(_("stilling eller relasjon"), max_length=100, blank=True)
    phone = models.CharField(_("telefon"), max_length=20, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    contribution = models.TextField(_("hva deltakeren bidrar med"), blank=True)
    is_active = models.BooleanField(default=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["role", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "user"],
                condition=Q(user__isnull=False, is_active=True),
                name="plans_participant_unique_active_user",
            )
        ]

    @property
    def in_responsibility_group(self) -> bool:
        """The ansvarsgruppe: the services around the person (and the coordinator); relatives
        and others who take part are listed apart."""
        return self.role in (self.Role.COORDINATOR, self.Role.SERVICE_PROVIDER)

    def __str__(self) -> str:
        return self.name


class Goal(Versioned):
    """A main goal or a sub-goal under one, in the owner's words (item a)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Ikke startet")
        IN_PROGRESS = "in_progress", _("Pågår")
        ACHIEVED = "achieved", _("Nådd")
        NOT_RELEVANT = "not_relevant", _("Ikke lenger aktuelt")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("hovedmål"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subgoals",
    )
    title = models.CharField(_("målet med dine ord"), max_length=300)
    description = models.TextField(_("utdyping"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    target_date = models.DateField(_("ønsket dato"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    # Kept from the parents at the child's request (plans/withheld.py): only the child, the
    # coordinator and the services in the plan see it; decided and logged by the coordinator.
    withheld_from_parents = models.BooleanField(_("skjermet for foreldrene"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["plan", "parent", "position"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_main(self) -> bool:
        return self.parent_id is None


class Measure(Versioned):
    """What a service or person does toward a goal (items d, e, f)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        ONGOING = "ongoing", _("Pågår")
        COMPLETED = "completed", _("Fullført")
        STOPPED = "stopped", _("Avsluttet uten å fullføres")

    class BtiLevel(models.IntegerChoices):
        """The levels of the BTI model (Bedre tverrfaglig innsats), which a relay log follows.
        Source: the municipalities' BTI handlingsveiledere, e.g. Vestre Toten kommune, "BTI:
        Handlingsveileder" (vestre-toten.kommune.no/helse-og-omsorg/.../bti-handlingsveileder/)
        and Risør kommune, "BTI Handlingsveiledere" (risor.kommune.no/tjenester/helse-og-omsorg/
        koordinerte-tjenester/tverrfaglig-innsats-bti/bti-handlingsveiledere/): level 0 clears
        up whether there is reason for concern, 1 is effort within one service, 2 simple
        cooperation between (mainly) two services, 3 wider cooperation between several
        services. Not law, so not in the legal-references table."""

        CLARIFY = 0, _("Nivå 0: Vi finner ut om det er grunn til bekymring")
        ONE_SERVICE = 1, _("Nivå 1: Tiltak i én tjeneste")
        TWO_SERVICES = 2, _("Nivå 2: Samarbeid mellom to tjenester")
        SEVERAL_SERVICES = 3, _("Nivå 3: Samarbeid mellom flere tjenester")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures")
    goal = models.ForeignKey(
        Goal, verbose_name=_("mål"), on_delete=models.PROTECT, related_name="measures"
    )
    title = models.CharField(_("tiltak"), max_length=300)
    how = models.TextField(_("hvordan det gjøres"), blank=True)
    scope = models.CharField(
        _("omfang"), max_length=200, blank=True, help_text=_("F.eks. «2 timer hver uke».")
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("tjeneste som utfører"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
    )
    performed_by = models.CharField(
        _("utføres av"),
        max_length=150,
        blank=True,
        help_text=_("Person eller tjeneste, når det ikke er en av kommunens tjenester."),
    )
    responsible = models.ForeignKey(
        Participant,
        verbose_name=_("ansvarlig"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_for",
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    deadline = models.DateField(_("frist eller sluttdato"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    # The deadline each reminder was last sent for: the scan skips measures already reminded
    # for their current deadline (the outbox's unique key is the guarantee; this keeps it cheap).
    due_soon_reminded_for = models.DateField(null=True, blank=True, editable=False)
    overdue_reminded_for = models.DateField(null=True, blank=True, editable=False)
    is_own_contribution = models.BooleanField(
        _("egeninnsats"),
        default=False,
        help_text=_("Noe du selv eller dine pårørende gjør."),
    )
    position = models.PositiveIntegerField(default=0)
    # On a relay log, the measure's BTI level (required there for the services' measures,
    # empty on other kinds; kept, not shown, when the relay log continues as an individual plan).
    bti_level = models.PositiveSmallIntegerField(
        _("nivå (BTI)"), choices=BtiLevel.choices, null=True, blank=True
    )
    # Kept from the parents at the child's request (plans/withheld.py): only the child, the
    # coordinator and the services in the plan see it; decided and logged by the coordinator.
    withheld_from_parents = models.BooleanField(_("skjermet for foreldrene"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["position", "pk"]
        indexes = [
            models.Index(fields=["plan", "goal"]),
            models.Index(fields=["deadline", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__isnull=True)
                | Q(start_date__isnull=True)
                | Q(deadline__gte=F("start_date")),
                name="plans_measure_deadline_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PLANNED, self.Status.ONGOING)


class ProgressNote(models.Model):
    """A dated note on a goal or a measure. Append-only: its author may correct it within
    NOTE_EDIT_WINDOW, then it is fixed."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="notes")
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, null=True, blank=True, related_name="notes"
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, null=True, blank=True, related_name="notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    noted_on = models.DateField(_("dato"))
    text = models.TextField(_("notat"))
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Kept from the parents at the child's request (plans/withheld.py): only the child, the
    # coordinator and the services in the plan see it; decided and logged by the coordinator.
    withheld_from_parents = models.BooleanField(_("skjermet for foreldrene"), default=False)

    class Meta:
        ordering = ["-noted_on", "-pk"]
        # The plan's latest notes in the model's order (noted_on, then pk, descending).
        indexes = [models.Index(fields=["plan", "-noted_on", "-id"], name="plans_note_latest")]
        constraints = [
            # On a goal or a measure, never both; on neither only where the record has no
            # goals and measures (a coordinator without a plan: plans.services.notes).
            models.CheckConstraint(
                condition=~Q(goal__isnull=False, measure__isnull=False),
                name="plans_note_on_one_subject_at_most",
            )
        ]

    def __str__(self) -> str:
        return f"Note #{self.pk}"


class CooperationNeed(Versioned):
    """Cooperation with other services, institutions or agencies that is needed (item i)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="cooperation_needs")
    with_whom = models.CharField(_("med hvem"), max_length=200)
    description = models.TextField(_("hva samarbeidet gjelder"))
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.with_whom


class SubPlan(models.Model):
    """A sub-plan that is part of the IP (IOP, treatment plan, training programme), uploaded.

    The file is stored under a generated name in PRIVATE_MEDIA_ROOT and only served through
    an authorizing view."""

    class Kind(models.TextChoices):
        IOP = "iop", _("Individuell opplæringsplan (IOP)")
        TREATMENT = "treatment", _("Behandlingsplan")
        TRAINING = "training", _("Treningsprogram")
        OTHER = "other", _("Annen delplan eller dokument")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="subplans")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("tittel"), max_length=200)
    storage_name = models.CharField(max_length=100, unique=True, editable=False)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.title
